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

/// Which micro-kernel sgemm() uses ("avx2-fma" or "generic").
const char *getSgemmVariant();

} // namespace onncf

#endif
