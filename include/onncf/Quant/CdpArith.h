//===- CdpArith.h - NVDLA CDP (LRN) fixed-point arithmetic ------*- C++ -*-===//
//
// Part of onnc-fault. The ONE definition of the channel data processor's
// arithmetic (local response normalisation), shared by the NVDLA virtual
// platform's CDP engine and any host executor of the same pipeline, so both
// agree bit for bit. Per pixel, for every channel c with input x:
//
//   v   = cdpConvert(x, in_cvt, 17)  (x - offset) * scale >> truncate,
//                                    rounded, saturated to int17
//   s   = sum of v^2 over channels [c - n/2, c + n/2] inside the cube
//         (or s = v with bypass_sqsum)
//   l   = cdpLutLookup(lut, s)       16-bit
//   o   = v * l                      (or l with bypass_out_mul)
//   out = cdpConvert(o, out_cvt, out_bits)
//
// LUT rules (inferred from NVIDIA's CDP goldens where they pin them down,
// otherwise the SDP LUT design; see targets/NVDLA/VP/CdpEngine.cpp):
//  - LINEAR table of N intervals: index (s - start) >> frac_bits, linear
//    interpolation on the remaining bits; hit/miss is decided by the index
//    (idx >= N is an overflow), the end register only anchors the overflow
//    slope: table[N] + (s - end) * scale >> shifter;
//  - EXP table (64 intervals): index floor(log2(s - start)) - exp_offset,
//    interpolation on the bits below the leading one;
//  - underflow: table[0] + (s - start) * scale >> shifter;
//  - both hit: hybrid_priority (1: LO); both under: underflow_priority; both
//    over: overflow_priority; one hit wins over a miss; mixed misses use
//    hybrid_priority. The result saturates to int16.
//
// All values stay far below 2^62 (inputs clamped to 40 bits, 16-bit scales,
// left shifts of slopes capped at 8), so nothing overflows.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_CDPARITH_H
#define ONNCF_QUANT_CDPARITH_H

#include "onncf/Quant/FixedPoint.h"

#include <algorithm>
#include <cstdint>

namespace onncf {
namespace fixp {

/// A converter: (X - Offset) * Scale >> Truncate, rounded, saturated.
struct CdpCvt {
  int16_t Scale = 1;
  uint8_t Truncate = 0;
  bool Enable = false;
  int32_t Offset = 0;
};

/// A LUT slope {i16 scale, i8 shifter}: a negative shifter shifts left.
struct CdpSlope {
  int16_t Scale = 0;
  int8_t Shifter = 0;
};

/// A CDP lookup table in register form. Start/End are the 38-bit signed
/// register values (callers sign-extend the descriptor's u64 fields).
struct CdpLut {
  int16_t LeTable[65] = {};
  int16_t LoTable[257] = {};
  /// EXP: exp_offset; LINEAR: frac_bits (index select).
  int8_t LeOffset = 0, LoOffset = 0;
  int64_t LeStart = 0, LeEnd = 0, LoStart = 0, LoEnd = 0;
  CdpSlope LeUnder, LeOver, LoUnder, LoOver;
  bool HybridPriority = false, UnderflowPriority = false,
       OverflowPriority = false;
  /// EXP 0, LINEAR 1 (of the LE table; the LO table is always LINEAR).
  uint8_t Method = 0;
};

namespace cdpdetail {
enum LutResult { LutHit, LutUnder, LutOver };

struct TableLookup {
  LutResult R = LutHit;
  int64_t Value = 0;
};

/// (X * Scale) >> Shifter with rounding; a negative shifter shifts left.
/// |X| < 2^40, |Scale| < 2^15, left shifts are capped at 8.
inline int64_t slope(int64_t X, const CdpSlope &S) {
  int64_t P = X * S.Scale;
  if (S.Shifter >= 0)
    return roundShift(P, unsigned(S.Shifter));
  unsigned L = std::min(unsigned(-int(S.Shifter)), 8u);
  return saturate(P * (int64_t(1) << L), 62);
}

/// Interpolates table \p T at index \p Idx with fraction \p Frac / 2^Bits.
inline int64_t interpolate(const int16_t *T, uint64_t Idx, uint64_t Frac,
                           unsigned Bits) {
  int64_t A = T[Idx], B = T[Idx + 1];
  return A + roundShift((B - A) * int64_t(Frac), Bits);
}

/// A LINEAR table of \p N intervals starting at \p Start.
inline TableLookup linearTable(int64_t X, const int16_t *T, unsigned N,
                               int64_t Start, int64_t End, unsigned FracBits,
                               const CdpSlope &Under, const CdpSlope &Over) {
  TableLookup L;
  int64_t D = X - Start;
  if (D < 0) {
    L.R = LutUnder;
    L.Value = T[0] + slope(D, Under);
    return L;
  }
  uint64_t Idx = uint64_t(D) >> FracBits;
  if (Idx >= N) {
    L.R = LutOver;
    L.Value = T[N] + slope(X - End, Over);
    return L;
  }
  L.Value = interpolate(T, Idx, uint64_t(D) & ((uint64_t(1) << FracBits) - 1),
                        FracBits);
  return L;
}

inline int floorLog2(uint64_t V) {
  int E = -1;
  while (V) {
    V >>= 1;
    ++E;
  }
  return E;
}

/// The 64-interval EXP table: entry i covers [2^(i+Off), 2^(i+Off+1)).
inline TableLookup expTable(int64_t X, const int16_t *T, int64_t Start,
                            int64_t End, int ExpOffset, const CdpSlope &Under,
                            const CdpSlope &Over) {
  TableLookup L;
  int64_t D = X - Start;
  int E = D > 0 ? floorLog2(uint64_t(D)) : -1000;
  int64_t Idx = int64_t(E) - ExpOffset;
  if (D <= 0 || Idx < 0) {
    L.R = LutUnder;
    L.Value = T[0] + slope(D, Under);
    return L;
  }
  if (Idx >= 64) {
    L.R = LutOver;
    L.Value = T[64] + slope(X - End, Over);
    return L;
  }
  uint64_t Frac = uint64_t(D) - (uint64_t(1) << E);
  L.Value = interpolate(T, uint64_t(Idx), Frac, unsigned(E));
  return L;
}
} // namespace cdpdetail

/// The LUT output for \p X (saturated to int16). Requires LoOffset in 0..31
/// and, for Method 1, LeOffset in 0..31 (callers validate).
inline int64_t cdpLutLookup(const CdpLut &P, int64_t X) {
  using namespace cdpdetail;
  TableLookup LE = P.Method == 0
                       ? expTable(X, P.LeTable, P.LeStart, P.LeEnd, P.LeOffset,
                                  P.LeUnder, P.LeOver)
                       : linearTable(X, P.LeTable, 64, P.LeStart, P.LeEnd,
                                     unsigned(P.LeOffset), P.LeUnder, P.LeOver);
  TableLookup LO = linearTable(X, P.LoTable, 256, P.LoStart, P.LoEnd,
                               unsigned(P.LoOffset), P.LoUnder, P.LoOver);
  bool UseLO;
  if (LE.R == LutHit && LO.R == LutHit)
    UseLO = P.HybridPriority;
  else if (LE.R == LutHit || LO.R == LutHit)
    UseLO = LO.R == LutHit;
  else if (LE.R == LutUnder && LO.R == LutUnder)
    UseLO = P.UnderflowPriority;
  else if (LE.R == LutOver && LO.R == LutOver)
    UseLO = P.OverflowPriority;
  else
    UseLO = P.HybridPriority;
  return saturate<16>(UseLO ? LO.Value : LE.Value);
}

/// (X - Offset) * Scale >> Truncate, rounded, saturated to \p Bits. The
/// converters take up to 33-bit data (the product) and a 16-bit scale; X is
/// clamped to 40 bits so nothing overflows. A disabled converter only
/// saturates.
inline int64_t cdpConvert(int64_t X, const CdpCvt &Cvt, unsigned Bits) {
  if (!Cvt.Enable)
    return saturate(X, Bits);
  int64_t D = saturate<40>(X) - Cvt.Offset;
  return saturate(roundShift(D * Cvt.Scale, Cvt.Truncate), Bits);
}

/// Parameters of one CDP operation besides the LUT.
struct CdpParams {
  CdpCvt InCvt, OutCvt;
  /// 3, 5, 7 or 9 (ignored with BypassSqSum).
  unsigned LocalSize = 3;
  bool BypassSqSum = false, BypassOutMul = false;
  /// 8 or 16.
  unsigned OutBits = 8;
};

/// One pixel: \p In holds the C raw inputs of the pixel's channels, \p V is
/// scratch of C entries (the converted inputs), \p Out receives the C
/// outputs. \p In and \p Out may alias.
template <typename InT, typename OutT>
inline void cdpPixel(const InT *In, int64_t *V, OutT *Out, unsigned C,
                     const CdpParams &P, const CdpLut &Lut) {
  for (unsigned Ch = 0; Ch < C; ++Ch)
    V[Ch] = cdpConvert(int64_t(In[Ch]), P.InCvt, 17);
  unsigned Half = P.LocalSize / 2;
  for (unsigned Ch = 0; Ch < C; ++Ch) {
    int64_t Sq = V[Ch];
    if (!P.BypassSqSum) {
      Sq = 0;
      unsigned Lo = Ch >= Half ? Ch - Half : 0;
      unsigned Hi = std::min(C - 1, Ch + Half);
      for (unsigned K = Lo; K <= Hi; ++K)
        Sq += V[K] * V[K];
    }
    int64_t L = cdpLutLookup(Lut, Sq);
    int64_t O = P.BypassOutMul ? L : V[Ch] * L;
    // The outputs only depend on V, so writing them in place is safe.
    Out[Ch] = static_cast<OutT>(cdpConvert(O, P.OutCvt, P.OutBits));
  }
}

} // namespace fixp
} // namespace onncf

#endif
