//===- Sgemm.h - Single-precision matrix multiply ---------------*- C++ -*-===//
//
// Part of onnc-fault. The one float GEMM behind Conv (im2col), Gemm and
// MatMul: cache-blocked with packed panels and a register-tiled micro-kernel
// written for auto-vectorisation. On x86 an AVX2+FMA build of the same code
// is chosen at run time when the CPU has it.
//
// Every C element is accumulated over K in the same order whatever M, N and
// the blocking are, so a row of C (one image of a batch) does not depend on
// which other rows are computed with it.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_INTERP_SGEMM_H
#define ONNCF_INTERP_SGEMM_H

#include <cstdint>

namespace onncf {

/// C = op(A) * op(B) (Accumulate: C += op(A) * op(B)). op(A) is M x K and
/// op(B) is K x N; matrices are row-major with leading dimensions lda, ldb,
/// ldc. TransA/TransB mean A is stored K x M / B is stored N x K.
void sgemm(bool TransA, bool TransB, int64_t M, int64_t N, int64_t K,
           const float *A, int64_t LDA, const float *B, int64_t LDB, float *C,
           int64_t LDC, bool Accumulate = false);

/// Columns per packed panel of B (the micro-kernel's register tile width).
int64_t getSgemmPanelWidth();

/// C = A * B (A row-major M x K) with B supplied already packed: for each
/// panel of getSgemmPanelWidth() = NR columns, K rows of NR floats
/// (columns past N are ignored). Lets im2col write its matrix straight in
/// the layout the micro-kernel reads. Same accumulation order as sgemm().
void sgemmPrePacked(int64_t M, int64_t N, int64_t K, const float *A,
                    int64_t LDA, const float *PackedB, float *C, int64_t LDC);

/// Floats sgemmPackA() writes for an M x K matrix.
int64_t getSgemmPackedASize(int64_t M, int64_t K);

/// Packs row-major M x K \p A into the panel layout sgemmOffsetB() reads
/// (\p Dst holds getSgemmPackedASize(M, K) floats).
void sgemmPackA(int64_t M, int64_t K, const float *A, int64_t LDA,
                float *Dst);

/// C = A * B for A packed by sgemmPackA(), where row k of B is the N floats
/// at Base + Off[k]. Columns are computed in groups of 8: the kernel reads
/// Base[Off[k] + j] and writes C[i * LDC + j] for every j < N rounded up to
/// a multiple of 8, so the caller provides that slack. Each C element is one
/// accumulation over k = 0..K-1 in order, whatever M, N and the tiling.
void sgemmOffsetB(int64_t M, int64_t N, int64_t K, const float *PackedA,
                  const float *Base, const int64_t *Off, float *C,
                  int64_t LDC);

/// Which micro-kernel sgemm() uses ("avx2-fma" or "generic").
const char *getSgemmVariant();

} // namespace onncf

#endif
