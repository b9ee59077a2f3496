//===- SgemmOffset.cpp - SGEMM whose B rows are found through offsets -----===//
//
// Part of onnc-fault. The GEMM behind Conv: C = A * B where row k of B
// starts at Base + Off[k]. For a stride-1 convolution over a zero-padded
// image, row (c, kh, kw) of the im2col matrix is the padded image itself
// shifted by c*Hp*Wp + kh*DH*Wp + kw*DW (with the output laid out on the
// padded width), so the micro-kernel reads the image directly and im2col
// disappears. Other convolutions pass a real im2col matrix (Off[k] = k*ld).
//
// A is packed once per call into MR-row panels; the loops go column panel
// (NR floats of C) outer, row tile inner, so one panel of B rows stays in
// L1 while every row tile of A streams over it. Each C element is one
// accumulation over k = 0..K-1 in order (fused multiply-adds in the AVX2
// build), so the result does not depend on M, N or the tile it fell in.
//
// The AVX2+FMA kernel is compiled with a target attribute (no special
// flags for this file) and chosen at run time; explicit FMA intrinsics make
// the rounding independent of -ffp-contract.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Sgemm.h"
#include <algorithm>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#define ONNCF_SGEMM_OFFSET_AVX2 1
#include <immintrin.h>
#endif

namespace onncf {

namespace {

constexpr int64_t MR = 4; // Rows of a packed A panel (both builds).
constexpr int64_t VW = 8; // Column granularity: one AVX vector.

//===-- Portable kernel ---------------------------------------------------===//

/// One MR x VW tile: plain loops the compiler vectorises with SSE.
void tileGeneric(int64_t K, const float *__restrict Ap, const float *Base,
                 const int64_t *Off, float *Out, int64_t LDO) {
  float Acc[MR][VW] = {};
  for (int64_t P = 0; P < K; ++P) {
    const float *__restrict B = Base + Off[P];
    const float *__restrict A = Ap + P * MR;
    for (int64_t I = 0; I < MR; ++I)
      for (int64_t J = 0; J < VW; ++J)
        Acc[I][J] += A[I] * B[J];
  }
  for (int64_t I = 0; I < MR; ++I)
    std::memcpy(Out + I * LDO, Acc[I], sizeof(Acc[I]));
}

void offsetGeneric(int64_t M, int64_t N, int64_t K, const float *PackedA,
                   const float *Base, const int64_t *Off, float *C,
                   int64_t LDC) {
  float Tile[MR * VW];
  for (int64_t J = 0; J < N; J += VW)
    for (int64_t I = 0; I < M; I += MR) {
      int64_t Rows = std::min(MR, M - I);
      const float *Ap = PackedA + I * K;
      if (Rows == MR) {
        tileGeneric(K, Ap, Base + J, Off, C + I * LDC + J, LDC);
        continue;
      }
      tileGeneric(K, Ap, Base + J, Off, Tile, VW);
      for (int64_t R = 0; R < Rows; ++R)
        std::memcpy(C + (I + R) * LDC + J, Tile + R * VW, sizeof(float) * VW);
    }
}

//===-- AVX2 + FMA kernel -------------------------------------------------===//

#if ONNCF_SGEMM_OFFSET_AVX2
#define ONNCF_AVX2 __attribute__((target("avx2,fma")))

/// MR x (NV*8) tile. With NV = 3: 12 accumulators, 3 B loads and 4
/// broadcasts per 12 FMAs, which keeps both FMA pipes of a Zen/Skylake core
/// busy with loads to spare. The accumulators are named variables, not an
/// array: GCC keeps an array of __m256 on the stack and reloads it every k.
template <int NV>
ONNCF_AVX2 void tileAVX2(int64_t K, const float *__restrict Ap,
                         const float *Base, const int64_t *Off, float *Out,
                         int64_t LDO) {
  static_assert(MR == 4 && NV >= 1 && NV <= 3, "tile shape");
  __m256 C00 = _mm256_setzero_ps(), C01 = C00, C02 = C00;
  __m256 C10 = C00, C11 = C00, C12 = C00;
  __m256 C20 = C00, C21 = C00, C22 = C00;
  __m256 C30 = C00, C31 = C00, C32 = C00;
  for (int64_t P = 0; P < K; ++P, Ap += MR) {
    const float *B = Base + Off[P];
    __m256 B0 = _mm256_loadu_ps(B), B1, B2;
    if (NV > 1)
      B1 = _mm256_loadu_ps(B + 8);
    if (NV > 2)
      B2 = _mm256_loadu_ps(B + 16);
#define ONNCF_ROW(I)                                                           \
  {                                                                            \
    __m256 A = _mm256_broadcast_ss(Ap + I);                                    \
    C##I##0 = _mm256_fmadd_ps(A, B0, C##I##0);                                 \
    if (NV > 1)                                                                \
      C##I##1 = _mm256_fmadd_ps(A, B1, C##I##1);                               \
    if (NV > 2)                                                                \
      C##I##2 = _mm256_fmadd_ps(A, B2, C##I##2);                               \
  }
    ONNCF_ROW(0) ONNCF_ROW(1) ONNCF_ROW(2) ONNCF_ROW(3)
#undef ONNCF_ROW
  }
#define ONNCF_STORE(I)                                                         \
  {                                                                            \
    float *O = Out + I * LDO;                                                  \
    _mm256_storeu_ps(O, C##I##0);                                              \
    if (NV > 1)                                                                \
      _mm256_storeu_ps(O + 8, C##I##1);                                        \
    if (NV > 2)                                                                \
      _mm256_storeu_ps(O + 16, C##I##2);                                       \
  }
  ONNCF_STORE(0) ONNCF_STORE(1) ONNCF_STORE(2) ONNCF_STORE(3)
#undef ONNCF_STORE
}

/// 8 x 8 tile over two consecutive A panels, for the last 8 columns: a
/// 4 x 8 tile has only 4 independent FMA chains, too few to cover the FMA
/// latency; 8 chains keep both pipes busy.
ONNCF_AVX2 void tile8x8AVX2(int64_t K, const float *__restrict Ap,
                            const float *Base, const int64_t *Off, float *Out,
                            int64_t LDO) {
  const float *Ap2 = Ap + MR * K;
  __m256 C0 = _mm256_setzero_ps(), C1 = C0, C2 = C0, C3 = C0;
  __m256 C4 = C0, C5 = C0, C6 = C0, C7 = C0;
  for (int64_t P = 0; P < K; ++P, Ap += MR, Ap2 += MR) {
    __m256 B = _mm256_loadu_ps(Base + Off[P]);
    C0 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap + 0), B, C0);
    C1 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap + 1), B, C1);
    C2 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap + 2), B, C2);
    C3 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap + 3), B, C3);
    C4 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap2 + 0), B, C4);
    C5 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap2 + 1), B, C5);
    C6 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap2 + 2), B, C6);
    C7 = _mm256_fmadd_ps(_mm256_broadcast_ss(Ap2 + 3), B, C7);
  }
  _mm256_storeu_ps(Out + 0 * LDO, C0);
  _mm256_storeu_ps(Out + 1 * LDO, C1);
  _mm256_storeu_ps(Out + 2 * LDO, C2);
  _mm256_storeu_ps(Out + 3 * LDO, C3);
  _mm256_storeu_ps(Out + 4 * LDO, C4);
  _mm256_storeu_ps(Out + 5 * LDO, C5);
  _mm256_storeu_ps(Out + 6 * LDO, C6);
  _mm256_storeu_ps(Out + 7 * LDO, C7);
}

template <int NV>
ONNCF_AVX2 void rowTilesAVX2(int64_t M, int64_t K, const float *PackedA,
                             const float *Base, const int64_t *Off, float *C,
                             int64_t LDC) {
  alignas(32) float Tile[MR * NV * 8];
  int64_t I = 0;
  if (NV == 1)
    for (; I + 2 * MR <= M; I += 2 * MR)
      tile8x8AVX2(K, PackedA + I * K, Base, Off, C + I * LDC, LDC);
  for (; I < M; I += MR) {
    const float *Ap = PackedA + I * K;
    int64_t Rows = std::min(MR, M - I);
    if (Rows == MR) {
      tileAVX2<NV>(K, Ap, Base, Off, C + I * LDC, LDC);
      continue;
    }
    tileAVX2<NV>(K, Ap, Base, Off, Tile, NV * 8);
    for (int64_t R = 0; R < Rows; ++R)
      std::memcpy(C + (I + R) * LDC, Tile + R * NV * 8,
                  sizeof(float) * NV * 8);
  }
}

ONNCF_AVX2 void offsetAVX2(int64_t M, int64_t N, int64_t K,
                           const float *PackedA, const float *Base,
                           const int64_t *Off, float *C, int64_t LDC) {
  int64_t J = 0;
  for (; J + 24 <= N; J += 24)
    rowTilesAVX2<3>(M, K, PackedA, Base + J, Off, C + J, LDC);
  // The last 1..23 columns: the narrowest tile that covers them, so a 7x7
  // output (49 columns) costs 56, not 72.
  int64_t Left = (N - J + 7) / 8;
  if (Left == 3)
    rowTilesAVX2<3>(M, K, PackedA, Base + J, Off, C + J, LDC);
  else if (Left == 2)
    rowTilesAVX2<2>(M, K, PackedA, Base + J, Off, C + J, LDC);
  else if (Left == 1)
    rowTilesAVX2<1>(M, K, PackedA, Base + J, Off, C + J, LDC);
}

bool hasAVX2() {
  static const bool Has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return Has;
}
#endif

} // namespace

int64_t getSgemmPackedASize(int64_t M, int64_t K) {
  return (M + MR - 1) / MR * MR * K;
}

void sgemmPackA(int64_t M, int64_t K, const float *A, int64_t LDA,
                float *Dst) {
  for (int64_t I = 0; I < M; I += MR) {
    int64_t Rows = std::min(MR, M - I);
    for (int64_t P = 0; P < K; ++P) {
      float *D = Dst + (I * K) + P * MR;
      for (int64_t R = 0; R < MR; ++R)
        D[R] = R < Rows ? A[(I + R) * LDA + P] : 0.0f;
    }
  }
}

void sgemmOffsetB(int64_t M, int64_t N, int64_t K, const float *PackedA,
                  const float *Base, const int64_t *Off, float *C,
                  int64_t LDC) {
  if (M <= 0 || N <= 0)
    return;
  if (K <= 0) {
    for (int64_t I = 0; I < M; ++I)
      std::fill(C + I * LDC, C + I * LDC + (N + VW - 1) / VW * VW, 0.0f);
    return;
  }
#if ONNCF_SGEMM_OFFSET_AVX2
  if (hasAVX2())
    return offsetAVX2(M, N, K, PackedA, Base, Off, C, LDC);
#endif
  offsetGeneric(M, N, K, PackedA, Base, Off, C, LDC);
}

} // namespace onncf
