//===- QuantRef.h - Scalar references of the quant.* ops --------*- C++ -*-===//
//
// Part of onnc-fault. The quant.* semantics of onncf/IR/QuantOps.h written
// as the spec states them, one output element at a time, straight from the
// fixp:: primitives: no im2col, no packing, no int32 shortcuts. The kernel
// tests compare the interpreter against these on random data.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_QUANTOPS_QUANTREF_H
#define ONNCF_TEST_UNIT_QUANTOPS_QUANTREF_H

#include "onncf/IR/Tensor.h"
#include "onncf/Quant/FixedPoint.h"
#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <random>
#include <vector>

namespace onncf {
namespace qref {

using I64s = std::vector<int64_t>;

struct Epi {
  I64s Mul{1};
  int64_t Shift = 0;
  bool Relu = false;
  std::optional<int64_t> ClampMin, ClampMax;
  unsigned OutBits = 8;
  int64_t mul(int64_t C) const { return Mul.size() == 1 ? Mul[0] : Mul[C]; }
};

/// The SDP epilogue exactly as listed in QuantOps.h.
inline int64_t epilogue(int64_t V, const Epi &E, int64_t C) {
  int64_t P = fixp::sdpMul(V, int16_t(E.mul(C)));
  int64_t T = fixp::sdpTruncate(P, unsigned(E.Shift));
  if (E.Relu)
    T = T < 0 ? 0 : T;
  if (E.ClampMin && T < *E.ClampMin)
    T = *E.ClampMin;
  if (E.ClampMax && T > *E.ClampMax)
    T = *E.ClampMax;
  return fixp::saturate(T, E.OutBits);
}

struct ConvParams {
  int64_t Group = 1;
  int64_t SH = 1, SW = 1, DH = 1, DW = 1;
  int64_t PT = 0, PL = 0, PB = 0, PR = 0;
  int64_t ClipTruncate = 0;
};

/// quant.conv on NCHW / OIHW integers; \p B may be empty.
inline I64s conv(const I64s &X, const I64s &XS, const I64s &W, const I64s &WS,
                 const I64s &B, const ConvParams &P, const Epi &E, I64s &YS) {
  int64_t N = XS[0], C = XS[1], H = XS[2], Wd = XS[3];
  int64_t M = WS[0], Cg = WS[1], KH = WS[2], KW = WS[3];
  int64_t Mg = M / P.Group;
  int64_t OH = (H + P.PT + P.PB - ((KH - 1) * P.DH + 1)) / P.SH + 1;
  int64_t OW = (Wd + P.PL + P.PR - ((KW - 1) * P.DW + 1)) / P.SW + 1;
  YS = {N, M, OH, OW};
  I64s Y(N * M * OH * OW);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          int64_t g = m / Mg, Acc = 0;
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * P.SH - P.PT + kh * P.DH;
                int64_t iw = ow * P.SW - P.PL + kw * P.DW;
                if (ih < 0 || ih >= H || iw < 0 || iw >= Wd)
                  continue;
                Acc += X[((n * C + g * Cg + c) * H + ih) * Wd + iw] *
                       W[((m * Cg + c) * KH + kh) * KW + kw];
              }
          int32_t A = fixp::caccOutput(Acc, unsigned(P.ClipTruncate));
          int64_t V = int64_t(A) + (B.empty() ? 0 : B[m]);
          Y[((n * M + m) * OH + oh) * OW + ow] = epilogue(V, E, m);
        }
  return Y;
}

inline I64s fc(const I64s &X, int64_t N, int64_t K, const I64s &W, int64_t M,
               const I64s &B, int64_t Clip, const Epi &E) {
  I64s Y(N * M);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m) {
      int64_t Acc = 0;
      for (int64_t k = 0; k < K; ++k)
        Acc += X[n * K + k] * W[m * K + k];
      int64_t V = int64_t(fixp::caccOutput(Acc, unsigned(Clip))) +
                  (B.empty() ? 0 : B[m]);
      Y[n * M + m] = epilogue(V, E, m);
    }
  return Y;
}

/// quant.avgpool: count_include_pad, two rounded reciprocal products.
inline I64s avgPool(const I64s &X, const I64s &XS, int64_t KH, int64_t KW,
                    int64_t SH, int64_t SW, int64_t PT, int64_t PL, int64_t PB,
                    int64_t PR, unsigned Bits, I64s &YS) {
  int64_t N = XS[0], C = XS[1], H = XS[2], W = XS[3];
  int64_t OH = (H + PT + PB - KH) / SH + 1, OW = (W + PL + PR - KW) / SW + 1;
  YS = {N, C, OH, OW};
  I64s Y(N * C * OH * OW);
  for (int64_t p = 0; p < N * C; ++p)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        int64_t Sum = 0;
        for (int64_t kh = 0; kh < KH; ++kh)
          for (int64_t kw = 0; kw < KW; ++kw) {
            int64_t ih = oh * SH - PT + kh, iw = ow * SW - PL + kw;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W)
              Sum += X[(p * H + ih) * W + iw];
          }
        Y[(p * OH + oh) * OW + ow] = fixp::saturate(
            fixp::pdpAverage(Sum, fixp::pdpReciprocal(uint32_t(KW)),
                             fixp::pdpReciprocal(uint32_t(KH))),
            Bits);
      }
  return Y;
}

/// Random integers in [Lo, Hi], with the extremes over-represented so
/// saturation paths are exercised.
inline I64s randomInts(size_t N, int64_t Lo, int64_t Hi, std::mt19937 &Rng) {
  std::uniform_int_distribution<int64_t> D(Lo, Hi);
  std::uniform_int_distribution<int> Pick(0, 15);
  I64s V(N);
  for (int64_t &X : V) {
    int P = Pick(Rng);
    X = P == 0 ? Lo : P == 1 ? Hi : D(Rng);
  }
  return V;
}

/// The shift that brings sums of \p K products of magnitudes up to
/// \p XMax * \p WMax, times a multiplier around 2^14, to about a quarter
/// of the \p OutBits range, so random layers exercise rounding rather
/// than only saturation.
inline int64_t typicalShift(int64_t K, int64_t XMax, int64_t WMax,
                            unsigned OutBits, int64_t ClipTruncate = 0) {
  double Acc = std::sqrt(double(K)) * double(XMax) * double(WMax) / 3.0;
  Acc = std::ldexp(Acc, -int(ClipTruncate));
  int64_t S = int64_t(
      std::lround(std::log2(std::max(Acc, 1.0)) + 14 - (int(OutBits) - 2)));
  return std::max<int64_t>(0, std::min<int64_t>(63, S));
}

/// Fraction of \p V strictly inside the \p Bits range and non-zero: the
/// random tests require a good share of such "interesting" outputs.
inline double interestingShare(const I64s &V, unsigned Bits) {
  if (V.empty())
    return 0;
  size_t N = 0;
  for (int64_t X : V)
    N += X != 0 && X > fixp::intMin(Bits) && X < fixp::intMax(Bits);
  return double(N) / double(V.size());
}

/// A tensor of element type \p Elt (i8/i16/i32) holding \p V.
inline Tensor makeInt(ElementType Elt, const I64s &Shape, const I64s &V) {
  Tensor T(TensorType(Elt, Shape));
  for (size_t I = 0; I < V.size(); ++I) {
    switch (Elt) {
    case ElementType::I8:
      T.mutableData<int8_t>()[I] = int8_t(V[I]);
      break;
    case ElementType::I16:
      T.mutableData<int16_t>()[I] = int16_t(V[I]);
      break;
    default:
      T.mutableData<int32_t>()[I] = int32_t(V[I]);
      break;
    }
  }
  return T;
}

inline I64s ints(const Tensor &T) {
  I64s R(T.getNumElements());
  for (size_t I = 0; I < R.size(); ++I)
    R[I] = T.getAsInt(I);
  return R;
}

} // namespace qref
} // namespace onncf

#endif
