//===- FixedPoint.h - NVDLA fixed-point primitives --------------*- C++ -*-===//
//
// Part of onnc-fault. The ONE definition of the integer arithmetic that every
// executor shares: the integer interpreter's kernels, the NVDLA virtual
// platform engines and the quantize pass's constant folding all call these
// functions, so "interpreter == VP" can be checked bit for bit.
//
// The semantics follow the nvdla/hw C model (reference/NVDLA.md, "Fixed-point
// semantics"):
//  - every right shift rounds half away from zero, symmetrically for negative
//    values (-5 >> 1 = -3, 5 >> 1 = 3), then saturates;
//  - CACC: 48-bit accumulator >> clip_truncate, saturated to int32;
//  - SDP X stage: ALU (operand << shift, add/max/min on 32 bits, 33-bit
//    result), MUL (33 x 16 -> 49 bits, PReLU passes positives), truncate
//    (rounded, saturated to int32), ReLU;
//  - output converter: (x - offset) * scale16 -> 49 bits, >> truncate,
//    saturate int17, then int8/int16;
//  - PDP average: sum * recip_w / 2^16 rounded, * recip_h / 2^16 rounded.
//
// All arithmetic is done in int64_t on values whose ranges are documented
// below and never exceed 2^62 in magnitude, so no intermediate can overflow
// (no UB). Right shifts operate on the unsigned magnitude, so they do not rely
// on implementation-defined shifts of negative numbers either.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_FIXEDPOINT_H
#define ONNCF_QUANT_FIXEDPOINT_H

#include <cassert>
#include <cmath>
#include <cstdint>

namespace onncf {
namespace fixp {

//===----------------------------------------------------------------------===//
// Saturation
//===----------------------------------------------------------------------===//

/// Largest value of a signed two's complement integer of \p Bits bits
/// (1 <= Bits <= 64). Computed in uint64_t so Bits = 64 is not UB.
constexpr int64_t intMax(unsigned Bits) {
  return static_cast<int64_t>((uint64_t(1) << (Bits - 1)) - 1);
}
/// Smallest value of a signed integer of \p Bits bits (1 <= Bits <= 64).
constexpr int64_t intMin(unsigned Bits) { return -intMax(Bits) - 1; }

/// Clamps \p X to the range of a signed \p Bits-bit integer.
constexpr int64_t saturate(int64_t X, unsigned Bits) {
  return X > intMax(Bits) ? intMax(Bits) : X < intMin(Bits) ? intMin(Bits) : X;
}
template <unsigned Bits> constexpr int64_t saturate(int64_t X) {
  static_assert(Bits >= 1 && Bits <= 64, "bad width");
  return saturate(X, Bits);
}

constexpr int8_t saturateInt8(int64_t X) {
  return static_cast<int8_t>(saturate<8>(X));
}
constexpr int16_t saturateInt16(int64_t X) {
  return static_cast<int16_t>(saturate<16>(X));
}
/// int17 is the output converter's intermediate width; it is held in int32.
constexpr int32_t saturateInt17(int64_t X) {
  return static_cast<int32_t>(saturate<17>(X));
}
constexpr int32_t saturateInt32(int64_t X) {
  return static_cast<int32_t>(saturate<32>(X));
}

//===----------------------------------------------------------------------===//
// Rounding
//===----------------------------------------------------------------------===//

/// X / 2^Shift rounded to nearest, ties away from zero; Shift 0 is the
/// identity. Negative values round symmetrically to positive ones:
///   roundShift(-5, 1) = -3, roundShift(5, 1) = 3, roundShift(-4, 1) = -2.
/// Works on the magnitude: floor(|X| / 2^S) plus the first discarded bit is
/// exactly round-half-up of |X| / 2^S. The magnitude of INT64_MIN is 2^63,
/// representable in uint64_t; every result is at most 2^62 in magnitude.
/// Hardware shifts are 0..63; larger ones are still exact (not UB):
/// |X| / 2^Shift <= 1/2 there, a tie only for INT64_MIN at 64.
constexpr int64_t roundShift(int64_t X, unsigned Shift) {
  if (Shift == 0)
    return X;
  if (Shift >= 64)
    return Shift == 64 && X == INT64_MIN ? -1 : 0;
  uint64_t Mag =
      X < 0 ? uint64_t(0) - static_cast<uint64_t>(X) : static_cast<uint64_t>(X);
  uint64_t Q = (Mag >> Shift) + ((Mag >> (Shift - 1)) & 1);
  return X < 0 ? -static_cast<int64_t>(Q) : static_cast<int64_t>(Q);
}

/// Rounds a real value to the nearest integer, ties away from zero, and
/// saturates to \p Bits bits. NaN maps to 0. This is how float weights and
/// activations become integers (std::round has exactly this tie rule).
inline int64_t roundToInt(double X, unsigned Bits) {
  if (std::isnan(X))
    return 0;
  double R = std::round(X);
  if (R >= static_cast<double>(intMax(Bits)))
    return intMax(Bits);
  if (R <= static_cast<double>(intMin(Bits)))
    return intMin(Bits);
  return static_cast<int64_t>(R);
}

/// round(X / Scale) saturated to \p Bits bits: symmetric quantization.
inline int64_t quantize(double X, double Scale, unsigned Bits) {
  return roundToInt(X / Scale, Bits);
}

//===----------------------------------------------------------------------===//
// CACC: convolution accumulator output
//===----------------------------------------------------------------------===//

/// The 48-bit convolution accumulator divided by 2^ClipTruncate (0..31),
/// rounded half away from zero and saturated to int32. \p Acc is clamped to
/// 48 bits first: the hardware register holds no more, and layers whose sums
/// could exceed it are not valid NVDLA layers.
constexpr int32_t caccOutput(int64_t Acc, unsigned ClipTruncate) {
  return saturateInt32(roundShift(saturate<48>(Acc), ClipTruncate));
}

//===----------------------------------------------------------------------===//
// SDP X stage (BS/BN sub-units): ALU -> MUL -> truncate -> ReLU
//===----------------------------------------------------------------------===//

enum class SdpAluOp { Add, Max, Min };

/// The ALU operand: a 16-bit value shifted left by ShiftValue (0..63) and
/// saturated to int32 (shifts up to 16 always fit; larger ones can only
/// saturate, so the shift is capped at 47 to keep the product below 2^62).
constexpr int32_t sdpAluOperand(int16_t Operand, unsigned ShiftValue) {
  unsigned S = ShiftValue > 47 ? 47 : ShiftValue;
  return saturateInt32(static_cast<int64_t>(Operand) * (int64_t(1) << S));
}

/// ALU on 32-bit data: Add gives a 33-bit result (not saturated: the MUL
/// takes 33-bit input), Max/Min stay within 32 bits.
constexpr int64_t sdpAlu(int32_t X, int32_t Operand, SdpAluOp Op) {
  switch (Op) {
  case SdpAluOp::Add:
    return static_cast<int64_t>(X) + Operand;
  case SdpAluOp::Max:
    return X > Operand ? X : Operand;
  case SdpAluOp::Min:
    return X < Operand ? X : Operand;
  }
  return X;
}

/// MUL: 33-bit input times a 16-bit operand, a 49-bit product (|X| <= 2^32,
/// |Scale| <= 2^15, so |product| <= 2^47). With PReLU, non-negative inputs
/// pass through unmultiplied and only negatives are scaled. The input is
/// clamped to 33 bits, the width of the hardware path.
constexpr int64_t sdpMul(int64_t X33, int16_t Scale, bool PReLU = false) {
  if (PReLU && X33 >= 0)
    return X33;
  return saturate<33>(X33) * static_cast<int64_t>(Scale);
}

/// The stage truncate: >> Truncate (0..63) rounded, saturated to int32.
constexpr int32_t sdpTruncate(int64_t X, unsigned Truncate) {
  return saturateInt32(roundShift(X, Truncate));
}

constexpr int32_t relu(int32_t X) { return X < 0 ? 0 : X; }

//===----------------------------------------------------------------------===//
// SDP output converter (and CDMA input converters, same form)
//===----------------------------------------------------------------------===//

/// (X - Offset) * Scale -> 49 bits, >> Truncate (0..63) rounded, saturated
/// to int17, then to the output width \p OutBits (8 or 16). X and Offset are
/// 32-bit, so the difference is 33-bit and the product fits in 49 bits.
constexpr int32_t outputConvert(int32_t X, int32_t Offset, int16_t Scale,
                                unsigned Truncate, unsigned OutBits) {
  int64_t Diff = static_cast<int64_t>(X) - Offset;
  int64_t Prod = Diff * static_cast<int64_t>(Scale);
  int32_t V17 = saturateInt17(roundShift(Prod, Truncate));
  return static_cast<int32_t>(saturate(V17, OutBits));
}

//===----------------------------------------------------------------------===//
// PDP average pooling
//===----------------------------------------------------------------------===//

/// The reciprocal register for a kernel extent K >= 1: round(2^16 / K), ties
/// away from zero. K = 1 gives 65536 (17 bits, as the register allows).
constexpr uint32_t pdpReciprocal(uint32_t K) {
  assert(K >= 1 && "kernel extent must be positive");
  return (65536u + K / 2) / K;
}

/// Average of a pooling window: Sum * RecipW / 2^16 rounded half away from
/// zero, then * RecipH / 2^16 rounded again (two roundings, as the hardware
/// does: the result can differ by one from a single exact division).
/// |Sum| < 2^45 and reciprocals <= 2^17 keep every product below 2^62.
constexpr int64_t pdpAverage(int64_t Sum, uint32_t RecipW, uint32_t RecipH) {
  int64_t W = roundShift(Sum * static_cast<int64_t>(RecipW), 16);
  return roundShift(W * static_cast<int64_t>(RecipH), 16);
}

//===----------------------------------------------------------------------===//
// Requantization: real scale -> int16 multiplier and right shift
//===----------------------------------------------------------------------===//

struct MultiplierShift {
  int16_t Multiplier = 0;
  unsigned Shift = 0;
  /// The real scale this pair represents: Multiplier / 2^Shift.
  double value() const { return std::ldexp(double(Multiplier), -int(Shift)); }
};

/// Represents \p RealScale as Multiplier / 2^Shift with the LARGEST shift
/// (<= MaxShift) such that the rounded multiplier still fits in a positive
/// signed \p MulBits-bit integer (2..16): the largest shift keeps the most
/// significant bits of the scale, so the relative error is at most
/// 2^-(MulBits-1) (2^-15 for int16, the multiplier being >= 2^(MulBits-2)).
/// Edge cases, never UB: a non-positive or non-finite scale gives {0, 0}; a
/// scale too large even at shift 0 saturates the multiplier; a scale too
/// small for MaxShift gives a small (possibly zero) multiplier at MaxShift.
inline MultiplierShift computeMultiplierShift(double RealScale,
                                              unsigned MulBits = 16,
                                              unsigned MaxShift = 63) {
  assert(MulBits >= 2 && MulBits <= 16 && "multiplier width out of range");
  MultiplierShift R;
  if (!(RealScale > 0) || !std::isfinite(RealScale))
    return R;
  const double Max = static_cast<double>(intMax(MulBits));
  int Exp = 0;
  std::frexp(RealScale, &Exp); // RealScale = F * 2^Exp, F in [0.5, 1).
  // RealScale * 2^S = F * 2^(MulBits-1) is in [2^(MulBits-2), 2^(MulBits-1)):
  // the largest candidate; rounding up to 2^(MulBits-1) needs one less.
  int S = static_cast<int>(MulBits) - 1 - Exp;
  if (S > static_cast<int>(MaxShift))
    S = static_cast<int>(MaxShift);
  if (S >= 0 && std::round(std::ldexp(RealScale, S)) > Max)
    --S;
  if (S < 0) {
    R.Shift = 0;
    R.Multiplier = static_cast<int16_t>(std::fmin(std::round(RealScale), Max));
    return R;
  }
  R.Shift = static_cast<unsigned>(S);
  R.Multiplier = static_cast<int16_t>(std::round(std::ldexp(RealScale, S)));
  return R;
}

/// saturate(roundShift(Acc * Multiplier, Shift), OutBits): an int32
/// accumulator rescaled to the output scale. |Acc * Multiplier| <= 2^46.
constexpr int64_t requantize(int32_t Acc, int16_t Multiplier, unsigned Shift,
                             unsigned OutBits) {
  return saturate(roundShift(static_cast<int64_t>(Acc) * Multiplier, Shift),
                  OutBits);
}
inline int64_t requantize(int32_t Acc, const MultiplierShift &MS,
                          unsigned OutBits) {
  return requantize(Acc, MS.Multiplier, MS.Shift, OutBits);
}

//===----------------------------------------------------------------------===//
// The SDP epilogue of the quant.* ops (onncf/IR/QuantOps.h)
//===----------------------------------------------------------------------===//

/// Parameters of one output channel's epilogue. Absent clamp bounds are the
/// int32 range (no effect).
struct EpilogueParams {
  int16_t Multiplier = 1;
  unsigned Shift = 0;
  bool Relu = false;
  int32_t ClampMin = INT32_MIN;
  int32_t ClampMax = INT32_MAX;
  unsigned OutBits = 8;
};

/// The SDP chain every quant.conv / quant.fc / quant.add / quant.requantize
/// result goes through: MUL by the int16 multiplier (33 x 16 -> 49 bits),
/// truncate by Shift (rounded half away from zero, saturated to int32),
/// ReLU, clamp, and the output converter saturating to OutBits. \p V33 is
/// the ALU result (accumulator plus bias, at most 33 bits).
constexpr int32_t sdpEpilogue(int64_t V33, const EpilogueParams &P) {
  int32_t T = sdpTruncate(sdpMul(V33, P.Multiplier), P.Shift);
  if (P.Relu)
    T = relu(T);
  if (T < P.ClampMin)
    T = P.ClampMin;
  if (T > P.ClampMax)
    T = P.ClampMax;
  return static_cast<int32_t>(saturate(T, P.OutBits));
}

} // namespace fixp
} // namespace onncf

#endif
