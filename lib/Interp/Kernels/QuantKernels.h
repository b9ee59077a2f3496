//===- QuantKernels.h - Shared parts of the quant.* kernels -----*- C++ -*-===//
//
// Part of onnc-fault. Internal to lib/Interp: the SDP epilogue attributes of
// the quant.* ops (onncf/IR/QuantOps.h) read into fixp::EpilogueParams, and
// the exact integer GEMM behind quant.conv and quant.fc.
//
// The GEMM multiplies int16 operands. A (weights) is row-major [M][Kp]; B
// (im2col'ed activations) is packed in panels of NR = 16 columns, each panel
// holding, for every pair of reduction indices (2k, 2k+1), the 16 columns'
// two values side by side: exactly the operand layout of one AVX2
// vpmaddwd per 8 columns, so the inner loop is loads, broadcasts and
// multiply-adds with no shuffles. Kp is K rounded up to even; padding
// entries are zero.
//
// Accumulation is exact: gemm32 uses int32 sums and is only called when
// the caller has bounded every sum (sum |a| * max |b| < 2^31), gemm64 sums
// in int64 for the rest (16-bit x 16-bit layers with large values).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_INTERP_KERNELS_QUANTKERNELS_H
#define ONNCF_LIB_INTERP_KERNELS_QUANTKERNELS_H

#include "onncf/IR/Op.h"
#include "onncf/Quant/FixedPoint.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
namespace interp {

/// The epilogue of one quant op: one parameter set, or one per output
/// channel (mul with C entries).
struct QuantEpilogue {
  std::vector<fixp::EpilogueParams> Params;
  const fixp::EpilogueParams &at(int64_t Channel) const {
    return Params.size() == 1 ? Params[0] : Params[Channel];
  }
};

/// Reads mul, shift, relu, clamp_min, clamp_max and out_bits, checking
/// their ranges (kernels may run on ops that were never verified).
/// \p Channels: mul may have 1 or \p Channels entries (0: exactly 1).
llvm::Expected<QuantEpilogue> readQuantEpilogue(const Op &O, int64_t Channels);

/// clip_truncate, checked to be in [0, 31].
llvm::Expected<unsigned> readClipTruncate(const Op &O);

// Per-file registration, called by registerQuantKernels().
} // namespace interp
class KernelRegistry;
void registerQuantConvKernels(KernelRegistry &R);
void registerQuantPoolKernels(KernelRegistry &R);
void registerQuantLrnKernels(KernelRegistry &R);
namespace interp {

namespace qgemm {

constexpr int64_t NR = 16;

inline int64_t paddedK(int64_t K) { return (K + 1) & ~int64_t(1); }
inline int64_t numPanels(int64_t P) { return (P + NR - 1) / NR; }
/// int16 entries of a packed B of K rows and P columns.
inline int64_t packedBSize(int64_t K, int64_t P) {
  return numPanels(P) * NR * paddedK(K);
}
/// Offset of B(k, p) in the packed layout.
inline int64_t packedBIndex(int64_t K, int64_t Kp, int64_t P) {
  return (P / NR) * Kp * NR + (K >> 1) * 2 * NR + (P % NR) * 2 + (K & 1);
}

enum class Impl { Auto, Portable };

/// Y[i] = fixp::quantize(X[i], Scale, Bits) as int8 (Bits 8) or int16
/// (Bits 16).
void quantizeRow(const float *X, int64_t N, double Scale, unsigned Bits,
                 void *Y, Impl I = Impl::Auto);

/// Writes one pair of rows (k, k+1) of a packed B: for each of \p Panels
/// panels J, D[J * Stride + 2i + s] = (s ? S1 : S0)[J * NR + i], i < NR.
void interleavePanels(const int16_t *S0, const int16_t *S1, int64_t Panels,
                      int64_t Stride, int16_t *D);

/// True if the AVX2 kernel is available on this CPU.
bool haveAVX2();

/// C[m][p] = sum_k A[m][k] * B(k, p) for m < M, p < P, k in pairs
/// [KBegin, KEnd) (KEnd -1: all Kp / 2); C is row-major with row stride
/// \p LDC >= numPanels(P) * NR (columns >= P are scratch). Every |sum|
/// (and partial sum) must be < 2^31.
void gemm32(int64_t M, int64_t Kp, int64_t P, const int16_t *A,
            const int16_t *B, int32_t *C, int64_t LDC, Impl I = Impl::Auto,
            int64_t KBegin = 0, int64_t KEnd = -1);

/// int64 sums from int32 GEMMs over blocks of \p BlockPairs pairs of k:
/// exact when each block's sums fit int32 (2 * BlockPairs * max|a| *
/// max|b| < 2^31), which lets 16-bit layers whose whole sums may not fit
/// still run vectorised.
void gemm64Blocked(int64_t M, int64_t Kp, int64_t P, const int16_t *A,
                   const int16_t *B, int64_t *C, int64_t LDC,
                   int64_t BlockPairs, Impl I = Impl::Auto);

/// The same with int64 sums: exact for any int16 operands and K < 2^32.
void gemm64(int64_t M, int64_t Kp, int64_t P, const int16_t *A,
            const int16_t *B, int64_t *C, int64_t LDC);

/// Dot products of FC: C[n][m] = sum_{k < K} X[n][k] * W[m][k] with W of
/// int8 or int16 (\p WBytes 1 or 2) rows \p LDW apart, X int16 rows
/// \p KPad apart. int32 sums, same bound as gemm32.
void dot32(int64_t N, int64_t M, int64_t K, int64_t KPad, const int16_t *X,
           const void *W, int64_t LDW, unsigned WBytes, int32_t *C,
           Impl I = Impl::Auto);

/// The output stage of quant.conv / quant.fc for one channel on int32
/// sums: Y[i] = sdpEpilogue(sdpAlu(caccOutput(Acc[i], ClipTruncate),
/// Bias, Add), E), stored as int8 (\p YBytes 1), int16 (2) or int32 (4,
/// with E.OutBits up to 32). Vectorised with AVX2 where available; always
/// exactly the fixp:: result.
void epilogueRow32(const int32_t *Acc, int64_t N, unsigned ClipTruncate,
                   int32_t Bias, const fixp::EpilogueParams &E, void *Y,
                   unsigned YBytes, Impl I = Impl::Auto);

/// Y[i] = sdpEpilogue(A[i] + B[i], E) (a 33-bit sum), as epilogueRow32.
void epilogueSum32(const int32_t *A, const int32_t *B, int64_t N,
                   const fixp::EpilogueParams &E, void *Y, unsigned YBytes,
                   Impl I = Impl::Auto);

} // namespace qgemm

} // namespace interp
} // namespace onncf

#endif
