//===- QuantGemm.cpp - Exact int16 GEMM for quant.conv / quant.fc ---------===//
//
// Part of onnc-fault. See QuantKernels.h for the packed layouts. On x86-64
// an AVX2 kernel (vpmaddwd: 16 int16 products summed pairwise into 8 int32
// lanes per instruction) is picked at run time; elsewhere, or on CPUs
// without AVX2, a portable loop computes the same sums. Integer sums are
// exact, so both give bit-identical results whatever the blocking.
//
// Blocking (AVX2): the reduction is cut into blocks of KC pairs and the
// rows into blocks of MC, so that one 16-column panel of B (KC * 64 bytes)
// stays in L1 while a block of A (MC * KC * 4 bytes) stays in L2; the
// micro-kernel keeps a 6 x 16 tile of int32 sums in 12 registers.
//
//===----------------------------------------------------------------------===//
#include "QuantKernels.h"
#include <algorithm>
#include <cstring>

#if (defined(__x86_64__) || defined(__i386__)) &&                              \
    (defined(__GNUC__) || defined(__clang__))
#define ONNCF_QGEMM_X86 1
#include <immintrin.h>
#endif

namespace onncf {
namespace interp {
namespace qgemm {

namespace {

constexpr int64_t KC = 256; // pairs of k per block
constexpr int64_t MC = 120; // rows of A per block (a multiple of MR)
constexpr int MR = 6;

inline int32_t loadPair(const int16_t *P) {
  int32_t V;
  std::memcpy(&V, P, sizeof(V));
  return V;
}

/// The output stage one element at a time, straight from fixp::.
void epilogueScalar(const int32_t *Acc, const int32_t *AddV, int64_t N,
                    unsigned Clip, int32_t Bias, const fixp::EpilogueParams &E,
                    void *Y, unsigned YBytes) {
  for (int64_t K = 0; K < N; ++K) {
    int64_t V = fixp::sdpAlu(fixp::caccOutput(Acc[K], Clip),
                             AddV ? AddV[K] : Bias, fixp::SdpAluOp::Add);
    int32_t R = fixp::sdpEpilogue(V, E);
    if (YBytes == 4)
      static_cast<int32_t *>(Y)[K] = R;
    else if (YBytes == 2)
      static_cast<int16_t *>(Y)[K] = int16_t(R);
    else
      static_cast<int8_t *>(Y)[K] = int8_t(R);
  }
}

//===----------------------------------------------------------------------===//
// Portable kernels
//===----------------------------------------------------------------------===//

void gemm32Portable(int64_t M, int64_t Kp, int64_t P, const int16_t *A,
                    const int16_t *B, int32_t *C, int64_t LDC, int64_t KBegin,
                    int64_t KEnd) {
  int64_t Panels = numPanels(P);
  for (int64_t J = 0; J < Panels; ++J) {
    const int16_t *BP = B + J * Kp * NR;
    for (int64_t Mi = 0; Mi < M; ++Mi) {
      const int16_t *AR = A + Mi * Kp;
      int32_t Acc[NR] = {};
      for (int64_t K = KBegin; K < KEnd; ++K) {
        int32_t A0 = AR[2 * K], A1 = AR[2 * K + 1];
        const int16_t *BK = BP + K * 2 * NR;
        for (int64_t I = 0; I < NR; ++I)
          Acc[I] += A0 * BK[2 * I] + A1 * BK[2 * I + 1];
      }
      std::memcpy(C + Mi * LDC + J * NR, Acc, sizeof(Acc));
    }
  }
}

void dot32Portable(int64_t N, int64_t M, int64_t K, int64_t KPad,
                   const int16_t *X, const void *W, int64_t LDW,
                   unsigned WBytes, int32_t *C) {
  for (int64_t Ni = 0; Ni < N; ++Ni) {
    const int16_t *XR = X + Ni * KPad;
    for (int64_t Mi = 0; Mi < M; ++Mi) {
      int32_t Acc = 0;
      if (WBytes == 1) {
        const int8_t *WR = static_cast<const int8_t *>(W) + Mi * LDW;
        for (int64_t I = 0; I < K; ++I)
          Acc += int32_t(XR[I]) * WR[I];
      } else {
        const int16_t *WR = static_cast<const int16_t *>(W) + Mi * LDW;
        for (int64_t I = 0; I < K; ++I)
          Acc += int32_t(XR[I]) * WR[I];
      }
      C[Ni * M + Mi] = Acc;
    }
  }
}

//===----------------------------------------------------------------------===//
// AVX2 kernels
//===----------------------------------------------------------------------===//

#ifdef ONNCF_QGEMM_X86

/// A Rows x 16 tile: C (+)= A[Rows][2*KPairs] * panel. The sums live in
/// named variables (an array of __m256i gets spilled to the stack by GCC):
/// 12 accumulators, two B vectors and one broadcast fill the 16 registers.
/// Not inlined: inside the blocking loops GCC spills them again.
template <int Rows>
__attribute__((target("avx2"), noinline)) void
microAVX2(int64_t KPairs, const int16_t *A, int64_t LDA, const int16_t *BP,
          int32_t *C, int64_t LDC, bool Accumulate) {
  __m256i C00 = _mm256_setzero_si256(), C01 = C00, C10 = C00, C11 = C00,
          C20 = C00, C21 = C00, C30 = C00, C31 = C00, C40 = C00, C41 = C00,
          C50 = C00, C51 = C00;
#define ONNCF_QROW(R, Lo, Hi)                                                  \
  if constexpr (Rows > R) {                                                    \
    if (Accumulate) {                                                          \
      Lo = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(C + R * LDC)); \
      Hi = _mm256_loadu_si256(                                                 \
          reinterpret_cast<const __m256i *>(C + R * LDC + 8));                 \
    }                                                                          \
  }
  ONNCF_QROW(0, C00, C01)
  ONNCF_QROW(1, C10, C11)
  ONNCF_QROW(2, C20, C21)
  ONNCF_QROW(3, C30, C31)
  ONNCF_QROW(4, C40, C41)
  ONNCF_QROW(5, C50, C51)
#undef ONNCF_QROW
  for (int64_t K = 0; K < KPairs; ++K) {
    const int16_t *BK = BP + K * 2 * NR;
    __m256i B0 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(BK));
    __m256i B1 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(BK + 16));
    __m256i AV;
#define ONNCF_QMAC(R, Lo, Hi)                                                  \
  if constexpr (Rows > R) {                                                    \
    AV = _mm256_set1_epi32(loadPair(A + R * LDA + 2 * K));                     \
    Lo = _mm256_add_epi32(Lo, _mm256_madd_epi16(AV, B0));                      \
    Hi = _mm256_add_epi32(Hi, _mm256_madd_epi16(AV, B1));                      \
  }
    ONNCF_QMAC(0, C00, C01)
    ONNCF_QMAC(1, C10, C11)
    ONNCF_QMAC(2, C20, C21)
    ONNCF_QMAC(3, C30, C31)
    ONNCF_QMAC(4, C40, C41)
    ONNCF_QMAC(5, C50, C51)
#undef ONNCF_QMAC
  }
#define ONNCF_QSTORE(R, Lo, Hi)                                                \
  if constexpr (Rows > R) {                                                    \
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(C + R * LDC), Lo);         \
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(C + R * LDC + 8), Hi);     \
  }
  ONNCF_QSTORE(0, C00, C01)
  ONNCF_QSTORE(1, C10, C11)
  ONNCF_QSTORE(2, C20, C21)
  ONNCF_QSTORE(3, C30, C31)
  ONNCF_QSTORE(4, C40, C41)
  ONNCF_QSTORE(5, C50, C51)
#undef ONNCF_QSTORE
}

__attribute__((target("avx2"))) void
gemm32AVX2(int64_t M, int64_t Kp, int64_t P, const int16_t *A, const int16_t *B,
           int32_t *C, int64_t LDC, int64_t KBegin, int64_t KEnd) {
  int64_t Panels = numPanels(P);
  for (int64_t K0 = KBegin; K0 < KEnd; K0 += KC) {
    int64_t Kc = std::min(KC, KEnd - K0);
    bool Accumulate = K0 > KBegin;
    for (int64_t M0 = 0; M0 < M; M0 += MC) {
      int64_t MEnd = std::min(M, M0 + MC);
      for (int64_t J = 0; J < Panels; ++J) {
        const int16_t *BP = B + J * Kp * NR + K0 * 2 * NR;
        for (int64_t Mi = M0; Mi < MEnd; Mi += MR) {
          const int16_t *AB = A + Mi * Kp + 2 * K0;
          int32_t *CB = C + Mi * LDC + J * NR;
          switch (std::min<int64_t>(MR, MEnd - Mi)) {
          case 6:
            microAVX2<6>(Kc, AB, Kp, BP, CB, LDC, Accumulate);
            break;
          case 5:
            microAVX2<5>(Kc, AB, Kp, BP, CB, LDC, Accumulate);
            break;
          case 4:
            microAVX2<4>(Kc, AB, Kp, BP, CB, LDC, Accumulate);
            break;
          case 3:
            microAVX2<3>(Kc, AB, Kp, BP, CB, LDC, Accumulate);
            break;
          case 2:
            microAVX2<2>(Kc, AB, Kp, BP, CB, LDC, Accumulate);
            break;
          default:
            microAVX2<1>(Kc, AB, Kp, BP, CB, LDC, Accumulate);
            break;
          }
        }
      }
    }
  }
}

__attribute__((target("avx2"))) int32_t hsum(__m256i V) {
  __m128i S =
      _mm_add_epi32(_mm256_castsi256_si128(V), _mm256_extracti128_si256(V, 1));
  S = _mm_add_epi32(S, _mm_shuffle_epi32(S, _MM_SHUFFLE(1, 0, 3, 2)));
  S = _mm_add_epi32(S, _mm_shuffle_epi32(S, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(S);
}

/// 16 weights of row \p WR from \p K, widened to int16.
template <unsigned WBytes>
__attribute__((target("avx2"))) __m256i loadW(const void *WR, int64_t K) {
  if (WBytes == 1)
    return _mm256_cvtepi8_epi16(
        _mm_loadu_si128(reinterpret_cast<const __m128i *>(
            static_cast<const int8_t *>(WR) + K)));
  return _mm256_loadu_si256(
      reinterpret_cast<const __m256i *>(static_cast<const int16_t *>(WR) + K));
}

template <unsigned WBytes, typename WT>
__attribute__((target("avx2"))) void
dot32AVX2(int64_t N, int64_t M, int64_t K, int64_t KPad, const int16_t *X,
          const WT *W, int64_t LDW, int32_t *C) {
  int64_t KMain = K & ~int64_t(15);
  // Weight rows outermost: a group of rows stays in L1 while every image
  // uses it, so the (large) weight matrix is read from memory once.
  int64_t Mi = 0;
  // Four weight rows at a time: four independent sums share each load of X.
  for (; Mi + 4 <= M; Mi += 4) {
    const WT *W0 = W + Mi * LDW, *W1 = W0 + LDW, *W2 = W1 + LDW, *W3 = W2 + LDW;
    for (int64_t Ni = 0; Ni < N; ++Ni) {
      const int16_t *XR = X + Ni * KPad;
      __m256i A0 = _mm256_setzero_si256(), A1 = A0, A2 = A0, A3 = A0;
      for (int64_t I = 0; I < KMain; I += 16) {
        __m256i XV =
            _mm256_loadu_si256(reinterpret_cast<const __m256i *>(XR + I));
        A0 = _mm256_add_epi32(A0, _mm256_madd_epi16(XV, loadW<WBytes>(W0, I)));
        A1 = _mm256_add_epi32(A1, _mm256_madd_epi16(XV, loadW<WBytes>(W1, I)));
        A2 = _mm256_add_epi32(A2, _mm256_madd_epi16(XV, loadW<WBytes>(W2, I)));
        A3 = _mm256_add_epi32(A3, _mm256_madd_epi16(XV, loadW<WBytes>(W3, I)));
      }
      int32_t S[4] = {hsum(A0), hsum(A1), hsum(A2), hsum(A3)};
      const WT *Rows[4] = {W0, W1, W2, W3};
      for (int R = 0; R < 4; ++R) {
        for (int64_t I = KMain; I < K; ++I)
          S[R] += int32_t(XR[I]) * Rows[R][I];
        C[Ni * M + Mi + R] = S[R];
      }
    }
  }
  for (; Mi < M; ++Mi) {
    const WT *WR = W + Mi * LDW;
    for (int64_t Ni = 0; Ni < N; ++Ni) {
      const int16_t *XR = X + Ni * KPad;
      __m256i A0 = _mm256_setzero_si256();
      for (int64_t I = 0; I < KMain; I += 16) {
        __m256i XV =
            _mm256_loadu_si256(reinterpret_cast<const __m256i *>(XR + I));
        A0 = _mm256_add_epi32(A0, _mm256_madd_epi16(XV, loadW<WBytes>(WR, I)));
      }
      int32_t S = hsum(A0);
      for (int64_t I = KMain; I < K; ++I)
        S += int32_t(XR[I]) * WR[I];
      C[Ni * M + Mi] = S;
    }
  }
}

/// epilogueRow32 on 8 sums at a time. Exactness: the sums are int32, so
/// the 48-bit clamp of caccOutput is a no-op and its rounding shift works
/// on 32-bit magnitudes (|INT32_MIN| = 2^31 as unsigned); the 33-bit value
/// v = a + bias times the multiplier is a*mul + bias*mul, both exact in
/// int64 (|v * mul| < 2^48), and the rounding shift of that product adds
/// half and shifts the magnitude, which is round half away from zero.
/// \p AddV: a per-element second operand (v = Acc[i] + AddV[i]) instead
/// of the scalar Bias. YBytes 4 stores int32 (OutBits up to 32).
template <unsigned YBytes>
__attribute__((target("avx2"))) void
epilogueAVX2(const int32_t *Acc, const int32_t *AddV, int64_t N, unsigned Clip,
             int32_t Bias, const fixp::EpilogueParams &E, void *Y) {
  const __m128i ClipCnt = _mm_cvtsi32_si128(int(Clip));
  const __m128i ClipCnt1 = _mm_cvtsi32_si128(Clip ? int(Clip) - 1 : 0);
  const __m256i One = _mm256_set1_epi32(1);
  const __m256i Mul = _mm256_set1_epi64x(E.Multiplier);
  const __m256i BM = _mm256_set1_epi64x(int64_t(Bias) * E.Multiplier);
  const __m128i ShCnt = _mm_cvtsi32_si128(int(E.Shift));
  // |v * mul| < 2^47 (v is 33-bit, mul < 2^15): a shift of 48 or more
  // rounds everything to 0, one of 17 or more cannot leave int32.
  const bool BigShift = E.Shift >= 48, NeedSat = E.Shift < 17;
  const __m256i Bias62 = _mm256_set1_epi64x(
      (int64_t(1) << 62) +
      (E.Shift && !BigShift ? int64_t(1) << (E.Shift - 1) : 0));
  const __m256i Unbias = _mm256_set1_epi64x(
      E.Shift && !BigShift ? int64_t(1) << (62 - E.Shift) : 0);
  const __m256i Max32 = _mm256_set1_epi64x(INT32_MAX);
  const __m256i Min32 = _mm256_set1_epi64x(INT32_MIN);
  const __m256i Zero = _mm256_setzero_si256();
  const __m256i Lo0 = _mm256_set1_epi32(E.Relu ? 0 : INT32_MIN);
  const __m256i CMin = _mm256_set1_epi32(E.ClampMin);
  const __m256i CMax = _mm256_set1_epi32(E.ClampMax);
  const __m256i SMin = _mm256_set1_epi32(int32_t(fixp::intMin(E.OutBits)));
  const __m256i SMax = _mm256_set1_epi32(int32_t(fixp::intMax(E.OutBits)));
  const __m256i Even = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  int64_t I = 0;
  for (; I + 8 <= N; I += 8) {
    __m256i A = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(Acc + I));
    if (Clip) {
      __m256i M = _mm256_abs_epi32(A);
      __m256i Q = _mm256_add_epi32(
          _mm256_srl_epi32(M, ClipCnt),
          _mm256_and_si256(_mm256_srl_epi32(M, ClipCnt1), One));
      A = _mm256_sign_epi32(Q, A);
    }
    __m256i Half4[2];
    for (int H = 0; H < 2; ++H) {
      __m256i V = _mm256_cvtepi32_epi64(H ? _mm256_extracti128_si256(A, 1)
                                          : _mm256_castsi256_si128(A));
      __m256i P = _mm256_mul_epi32(V, Mul);
      if (AddV) {
        __m128i B4 = _mm_loadu_si128(
            reinterpret_cast<const __m128i *>(AddV + I + 4 * H));
        P = _mm256_add_epi64(P,
                             _mm256_mul_epi32(_mm256_cvtepi32_epi64(B4), Mul));
      } else {
        P = _mm256_add_epi64(P, BM);
      }
      if (BigShift) {
        P = Zero;
      } else if (E.Shift) {
        // Round half away from zero without 64-bit arithmetic shifts:
        // floor((p + half - [p < 0]) / 2^s), computed on p + 2^62 >= 0
        // with a logical shift, then minus 2^(62 - s).
        __m256i Neg = _mm256_cmpgt_epi64(Zero, P);
        P = _mm256_add_epi64(_mm256_add_epi64(P, Bias62), Neg);
        P = _mm256_sub_epi64(_mm256_srl_epi64(P, ShCnt), Unbias);
      }
      if (NeedSat) {
        P = _mm256_blendv_epi8(P, Max32, _mm256_cmpgt_epi64(P, Max32));
        P = _mm256_blendv_epi8(P, Min32, _mm256_cmpgt_epi64(Min32, P));
      }
      Half4[H] = _mm256_permutevar8x32_epi32(P, Even);
    }
    __m256i T = _mm256_permute2x128_si256(Half4[0], Half4[1], 0x20);
    T = _mm256_max_epi32(T, Lo0);
    T = _mm256_min_epi32(_mm256_max_epi32(T, CMin), CMax);
    T = _mm256_min_epi32(_mm256_max_epi32(T, SMin), SMax);
    if (YBytes == 4) {
      _mm256_storeu_si256(
          reinterpret_cast<__m256i *>(static_cast<int32_t *>(Y) + I), T);
      continue;
    }
    // In range now: the saturating packs only narrow.
    __m128i W16 = _mm_packs_epi32(_mm256_castsi256_si128(T),
                                  _mm256_extracti128_si256(T, 1));
    if (YBytes == 2)
      _mm_storeu_si128(
          reinterpret_cast<__m128i *>(static_cast<int16_t *>(Y) + I), W16);
    else
      _mm_storel_epi64(
          reinterpret_cast<__m128i *>(static_cast<int8_t *>(Y) + I),
          _mm_packs_epi16(W16, W16));
  }
  epilogueScalar(Acc + I, AddV ? AddV + I : nullptr, N - I, Clip, Bias, E,
                 static_cast<char *>(Y) + I * YBytes, YBytes);
}

__attribute__((target("avx2"))) void
interleaveAVX2(const int16_t *S0, const int16_t *S1, int64_t Panels,
               int64_t Stride, int16_t *D) {
  for (int64_t J = 0; J < Panels; ++J, D += Stride, S0 += NR, S1 += NR) {
    __m256i A = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(S0));
    __m256i B = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(S1));
    __m256i Lo = _mm256_unpacklo_epi16(A, B), Hi = _mm256_unpackhi_epi16(A, B);
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(D),
                        _mm256_permute2x128_si256(Lo, Hi, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(D + 16),
                        _mm256_permute2x128_si256(Lo, Hi, 0x31));
  }
}

/// quantizeRow, 4 values at a time in double: the division, then
/// round-half-away-from-zero as trunc plus a step where the fraction is
/// at least one half, NaN to 0, saturation; the same values as
/// fixp::quantize (IEEE division and exact integer-valued doubles).
template <unsigned YBytes>
__attribute__((target("avx2"))) void
quantizeAVX2(const float *X, int64_t N, double Scale, unsigned Bits, void *Y) {
  const __m256d S = _mm256_set1_pd(Scale);
  const __m256d HalfD = _mm256_set1_pd(0.5), OneD = _mm256_set1_pd(1.0);
  const __m256d SignBit = _mm256_set1_pd(-0.0);
  const __m256d Lo = _mm256_set1_pd(double(fixp::intMin(Bits)));
  const __m256d Hi = _mm256_set1_pd(double(fixp::intMax(Bits)));
  int64_t I = 0;
  for (; I + 4 <= N; I += 4) {
    __m256d Q = _mm256_div_pd(_mm256_cvtps_pd(_mm_loadu_ps(X + I)), S);
    __m256d R = _mm256_round_pd(Q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    __m256d Frac = _mm256_andnot_pd(SignBit, _mm256_sub_pd(Q, R));
    __m256d Step = _mm256_or_pd(_mm256_and_pd(Q, SignBit), OneD);
    R = _mm256_add_pd(
        R, _mm256_and_pd(_mm256_cmp_pd(Frac, HalfD, _CMP_GE_OQ), Step));
    R = _mm256_and_pd(R, _mm256_cmp_pd(Q, Q, _CMP_ORD_Q)); // NaN -> 0
    R = _mm256_min_pd(_mm256_max_pd(R, Lo), Hi);
    __m128i V = _mm256_cvttpd_epi32(R);
    if (YBytes == 2) {
      __m128i W = _mm_packs_epi32(V, V);
      _mm_storel_epi64(
          reinterpret_cast<__m128i *>(static_cast<int16_t *>(Y) + I), W);
    } else {
      __m128i W = _mm_packs_epi16(_mm_packs_epi32(V, V), _mm_setzero_si128());
      int32_t Four = _mm_cvtsi128_si32(W);
      std::memcpy(static_cast<int8_t *>(Y) + I, &Four, 4);
    }
  }
  for (; I < N; ++I) {
    int64_t V = fixp::quantize(X[I], Scale, Bits);
    if (YBytes == 2)
      static_cast<int16_t *>(Y)[I] = int16_t(V);
    else
      static_cast<int8_t *>(Y)[I] = int8_t(V);
  }
}

#endif // ONNCF_QGEMM_X86

} // namespace

void quantizeRow(const float *X, int64_t N, double Scale, unsigned Bits,
                 void *Y, Impl I) {
#ifdef ONNCF_QGEMM_X86
  if (I == Impl::Auto && haveAVX2()) {
    if (Bits == 16)
      return quantizeAVX2<2>(X, N, Scale, Bits, Y);
    return quantizeAVX2<1>(X, N, Scale, Bits, Y);
  }
#endif
  for (int64_t K = 0; K < N; ++K) {
    int64_t V = fixp::quantize(X[K], Scale, Bits);
    if (Bits == 16)
      static_cast<int16_t *>(Y)[K] = int16_t(V);
    else
      static_cast<int8_t *>(Y)[K] = int8_t(V);
  }
}

void interleavePanels(const int16_t *S0, const int16_t *S1, int64_t Panels,
                      int64_t Stride, int16_t *D) {
#ifdef ONNCF_QGEMM_X86
  if (haveAVX2())
    return interleaveAVX2(S0, S1, Panels, Stride, D);
#endif
  for (int64_t J = 0; J < Panels; ++J, D += Stride, S0 += NR, S1 += NR)
    for (int64_t I = 0; I < NR; ++I) {
      D[2 * I] = S0[I];
      D[2 * I + 1] = S1[I];
    }
}

/// Dispatch of the output stage (see epilogueRow32 / epilogueSum32).
static void epilogueDispatch(const int32_t *Acc, const int32_t *AddV, int64_t N,
                             unsigned Clip, int32_t Bias,
                             const fixp::EpilogueParams &E, void *Y,
                             unsigned YBytes, Impl I) {
#ifdef ONNCF_QGEMM_X86
  if (I == Impl::Auto && haveAVX2()) {
    if (YBytes == 4)
      return epilogueAVX2<4>(Acc, AddV, N, Clip, Bias, E, Y);
    if (YBytes == 2)
      return epilogueAVX2<2>(Acc, AddV, N, Clip, Bias, E, Y);
    return epilogueAVX2<1>(Acc, AddV, N, Clip, Bias, E, Y);
  }
#endif
  epilogueScalar(Acc, AddV, N, Clip, Bias, E, Y, YBytes);
}

void epilogueRow32(const int32_t *Acc, int64_t N, unsigned ClipTruncate,
                   int32_t Bias, const fixp::EpilogueParams &E, void *Y,
                   unsigned YBytes, Impl I) {
  epilogueDispatch(Acc, nullptr, N, ClipTruncate, Bias, E, Y, YBytes, I);
}

void epilogueSum32(const int32_t *A, const int32_t *B, int64_t N,
                   const fixp::EpilogueParams &E, void *Y, unsigned YBytes,
                   Impl I) {
  epilogueDispatch(A, B, N, 0, 0, E, Y, YBytes, I);
}

bool haveAVX2() {
#ifdef ONNCF_QGEMM_X86
  static const bool Has = __builtin_cpu_supports("avx2");
  return Has;
#else
  return false;
#endif
}

void gemm32(int64_t M, int64_t Kp, int64_t P, const int16_t *A,
            const int16_t *B, int32_t *C, int64_t LDC, Impl I, int64_t KBegin,
            int64_t KEnd) {
  if (KEnd < 0)
    KEnd = Kp / 2;
#ifdef ONNCF_QGEMM_X86
  if (I == Impl::Auto && haveAVX2())
    return gemm32AVX2(M, Kp, P, A, B, C, LDC, KBegin, KEnd);
#endif
  gemm32Portable(M, Kp, P, A, B, C, LDC, KBegin, KEnd);
}

void gemm64Blocked(int64_t M, int64_t Kp, int64_t P, const int16_t *A,
                   const int16_t *B, int64_t *C, int64_t LDC,
                   int64_t BlockPairs, Impl I) {
  thread_local std::vector<int32_t> T;
  T.resize(M * LDC);
  std::fill(C, C + M * LDC, int64_t(0));
  int64_t KPairs = Kp / 2;
  for (int64_t K0 = 0; K0 < KPairs; K0 += BlockPairs) {
    gemm32(M, Kp, P, A, B, T.data(), LDC, I, K0,
           std::min(KPairs, K0 + BlockPairs));
    for (int64_t J = 0; J < M * LDC; ++J)
      C[J] += T[J];
  }
}

void gemm64(int64_t M, int64_t Kp, int64_t P, const int16_t *A,
            const int16_t *B, int64_t *C, int64_t LDC) {
  int64_t Panels = numPanels(P), KPairs = Kp / 2;
  for (int64_t J = 0; J < Panels; ++J) {
    const int16_t *BP = B + J * Kp * NR;
    for (int64_t Mi = 0; Mi < M; ++Mi) {
      const int16_t *AR = A + Mi * Kp;
      int64_t Acc[NR] = {};
      for (int64_t K = 0; K < KPairs; ++K) {
        int64_t A0 = AR[2 * K], A1 = AR[2 * K + 1];
        const int16_t *BK = BP + K * 2 * NR;
        for (int64_t L = 0; L < NR; ++L)
          Acc[L] += A0 * BK[2 * L] + A1 * BK[2 * L + 1];
      }
      std::memcpy(C + Mi * LDC + J * NR, Acc, sizeof(Acc));
    }
  }
}

void dot32(int64_t N, int64_t M, int64_t K, int64_t KPad, const int16_t *X,
           const void *W, int64_t LDW, unsigned WBytes, int32_t *C, Impl I) {
#ifdef ONNCF_QGEMM_X86
  if (I == Impl::Auto && haveAVX2()) {
    if (WBytes == 1)
      return dot32AVX2<1>(N, M, K, KPad, X, static_cast<const int8_t *>(W), LDW,
                          C);
    return dot32AVX2<2>(N, M, K, KPad, X, static_cast<const int16_t *>(W), LDW,
                        C);
  }
#endif
  dot32Portable(N, M, K, KPad, X, W, LDW, WBytes, C);
}

} // namespace qgemm
} // namespace interp
} // namespace onncf
