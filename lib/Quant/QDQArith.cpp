//===- QDQArith.cpp - SDP/PDP arithmetic in QDQ form ----------------------===//
//
// Part of onnc-fault. The parts of the QDQ lowering (QDQ.cpp) that spell out
// NVDLA's fixed-point roundings with standard ONNX ops: the epilogue's
// Relu/Clip and tie handling, quant.avgpool's two reciprocal roundings,
// quant.add's rounding of B into A's units, quant.requantize.
//
//===----------------------------------------------------------------------===//
#include "QDQLowering.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/MathExtras.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace qdq {

/// Rounding ties. Our shifts round half away from zero, ONNX (QuantizeLinear,
/// Round) half to even. A value X * Mul / 2^Shift of integers X has the
/// resolution 2^-(Shift - trailing zeros of Mul): when that is coarse
/// (multipliers like 0.5, 2x2 averages), ties are frequent, and scaling the
/// value up by 1 + eps, with eps far below the resolution over the largest
/// magnitude |MaxAbs| yet above float32 noise, turns every tie into the
/// rounding away from zero without moving any other value across a
/// rounding boundary. Returns 1 + eps, or 1 where ties are rare.
double tieAwayFactor(uint64_t Mul, unsigned Shift, double MaxAbs) {
  if (Mul == 0 || MaxAbs <= 0)
    return 1.0;
  unsigned TZ = 0;
  while (!(Mul & 1) && TZ < Shift) {
    Mul >>= 1;
    ++TZ;
  }
  double Resolution = std::ldexp(1.0, -int(Shift - TZ));
  double Eps = Resolution / 8 / MaxAbs;
  return Eps >= std::ldexp(1.0, -19) ? 1.0 + Eps : 1.0;
}

/// The largest magnitude an epilogue value can have before saturation
/// matters: beyond the output range, rounding does not change the result.
double outputRange(const Op &O) {
  return std::ldexp(1.0, int(O.getIntAttr("out_bits", 8)) - 1) + 1;
}

/// Relu and clamp become one Clip (or a Relu) in float before the final Q.
/// An int8 result the epilogue makes non-negative (ReLU, clamp_min >= 0) is
/// written as uint8 with zero point 0, the Clip then also bounding it at
/// 127 as int8 saturation would: the values are the same, and x86 runtimes
/// multiply u8 x s8 in kernels (vpmaddubsw) whose int16 pair sums saturate
/// for u8 inputs near 255, which is where the int8 -> uint8 conversion
/// (zero point 128) onnxruntime applies to int8 activations puts positive
/// values; [0, 127] keeps every pair sum in range.
Expected<Value *> QDQLowering::epilogue(const Op &O, Value *F, float ScaleY) {
  const std::string &N = O.getResult(0)->getName();
  bool Relu = O.getIntAttr("relu", 0) != 0;
  bool HasMin = O.hasAttr("clamp_min"), HasMax = O.hasAttr("clamp_max");
  ElementType Elt = O.getResult(0)->getType().getElementType();
  bool Unsigned = Elt == ElementType::I8 &&
                  (Relu || (HasMin && O.getIntAttr("clamp_min", 0) >= 0));
  if (Unsigned) {
    Elt = ElementType::U8;
    double L = HasMin ? std::max<double>(O.getIntAttr("clamp_min", 0), 0) : 0;
    double H =
        HasMax ? std::min<double>(O.getIntAttr("clamp_max", 0), 127) : 127.0;
    auto C = create("onnx.Clip",
                    {F, scalarF32(float(L * ScaleY), "qdq.const"),
                     scalarF32(float(H * ScaleY), "qdq.const")},
                    F->getType(), {}, N + ".clip");
    if (!C)
      return C.takeError();
    F = *C;
  } else if (HasMin || HasMax) {
    // Bounds are output integers; ReLU folds into the lower one.
    Value *Lo = nullptr, *Hi = nullptr;
    if (HasMin || Relu) {
      double L = HasMin ? double(O.getIntAttr("clamp_min", 0)) : 0.0;
      if (Relu)
        L = std::max(L, 0.0);
      Lo = scalarF32(float(L * ScaleY), "qdq.const");
    }
    if (HasMax)
      Hi = scalarF32(float(double(O.getIntAttr("clamp_max", 0)) * ScaleY),
                     "qdq.const");
    auto C = create("onnx.Clip", {F, Lo, Hi}, F->getType(), {}, N + ".clip");
    if (!C)
      return C.takeError();
    F = *C;
  } else if (Relu) {
    auto R = create("onnx.Relu", {F}, F->getType(), {}, N + ".relu");
    if (!R)
      return R.takeError();
    F = *R;
  }
  // Ties of the SDP truncate round away from zero (see tieAwayFactor).
  std::vector<int64_t> Mul = O.getIntsAttr("mul");
  int64_t MinTZMul = 0;
  unsigned MinTZ = 64;
  for (int64_t M : Mul) {
    unsigned TZ = M ? unsigned(llvm::countTrailingZeros(uint64_t(M))) : 64;
    if (TZ < MinTZ)
      MinTZ = TZ, MinTZMul = M;
  }
  double Factor = tieAwayFactor(
      uint64_t(MinTZMul), unsigned(O.getIntAttr("shift", 0)), outputRange(O));
  return quantize(F, float(ScaleY / Factor), Elt, N + ".q");
}

//===-- quant.avgpool / quant.add / quant.requantize ---------------------===//

/// The PDP average is round(round(S * rw / 2^16) * rh / 2^16) of the window
/// sum S, with reciprocals rw = round(2^16 / kw), rh = round(2^16 / kh): two
/// roundings, neither an exact division. One AveragePool + Q would round
/// once, off by one LSB on a large share of outputs (about 8% for a 14x14
/// global pool), so both steps are spelled out in float:
///   DQ -> AveragePool -> Mul(kh kw rw / 2^16 / s) -> Round
///      -> Mul(rh / 2^16) -> Round -> Mul(s) -> Q(s)
/// For int8 the intermediates stay below 2^7 * kh, where float32 resolves
/// far finer than the 2^-16 steps of the products; int16 pools over large
/// windows may still round a near-tie differently (one LSB of 2^15).
Error QDQLowering::lowerAvgPool(Op *O) {
  auto ScaleY = outputScale(*O);
  if (!ScaleY)
    return ScaleY.takeError();
  Value *X = O->getOperand(0);
  auto XF = dequantizeDeclared(X, *O);
  if (!XF)
    return XF.takeError();
  const auto &QX = X->getType().getQuant();
  double SX = QX->Scales[0];
  std::vector<int64_t> K = O->getIntsAttr("kernel_shape");
  if (K.size() != 2 || K[0] < 1 || K[1] < 1)
    return makeError(O->getDescription() + ": kernel_shape must be 2 positive "
                                           "extents");
  AttributeMap Attrs;
  for (const char *A : {"kernel_shape", "strides", "pads"})
    if (const Attribute *V = O->getAttr(A))
      Attrs[A] = *V;
  Attrs["count_include_pad"] = int64_t(1);
  const std::string &N = O->getResult(0)->getName();
  TensorType FT = floatType(O->getResult(0)->getType());
  auto F =
      create("onnx.AveragePool", {*XF}, FT, std::move(Attrs), N + ".float");
  if (!F)
    return F.takeError();
  uint32_t RW = fixp::pdpReciprocal(uint32_t(K[1]));
  uint32_t RH = fixp::pdpReciprocal(uint32_t(K[0]));
  double InMax = std::ldexp(
      1.0, int(getElementSize(X->getType().getElementType())) * 8 - 1);
  double TieW = tieAwayFactor(RW, 16, InMax * double(K[0]) + 1);
  double TieH = tieAwayFactor(RH, 16, InMax + 1);
  double C1 = double(K[0] * K[1]) * RW / 65536.0 / SX * TieW;
  double C2 = RH / 65536.0 * TieH;
  auto W = create("onnx.Mul", {*F, scalarF32(float(C1), "qdq.const")}, FT, {},
                  N + ".sum_rw");
  if (!W)
    return W.takeError();
  W = create("onnx.Round", {*W}, FT, {}, N + ".w");
  if (!W)
    return W.takeError();
  auto Y = create("onnx.Mul", {*W, scalarF32(float(C2), "qdq.const")}, FT, {},
                  N + ".w_rh");
  if (!Y)
    return Y.takeError();
  Y = create("onnx.Round", {*Y}, FT, {}, N + ".avg");
  if (!Y)
    return Y.takeError();
  Y = create("onnx.Mul", {*Y, scalarF32(*ScaleY, "qdq.const")}, FT, {},
             N + ".avg_real");
  if (!Y)
    return Y.takeError();
  // The average of non-negative (uint8) values stays non-negative.
  ElementType Elt = O->getResult(0)->getType().getElementType();
  if (X->getType().getElementType() == ElementType::U8)
    Elt = ElementType::U8;
  auto Q = quantize(*Y, *ScaleY, Elt, N + ".q");
  if (!Q)
    return Q.takeError();
  return replaceOp(O, *Q);
}

/// The scale at which the op's epilogue reads its (first) operand: the
/// output scale times mul / 2^shift. It equals the operand's declared scale
/// up to the int16 multiplier's rounding (exactly so when the quantize pass
/// chose the multiplier); the integer attributes are the semantics, so the
/// float graph dequantizes with this one, and a declared scale that does not
/// match (or an i32 operand with none) cannot skew the result.
static double epilogueInputScale(const Op &O, float ScaleY) {
  std::vector<int64_t> Mul = O.getIntsAttr("mul");
  return double(ScaleY) *
         std::ldexp(double(Mul[0]), -int(O.getIntAttr("shift", 0)));
}

Error QDQLowering::lowerAdd(Op *O) {
  auto ScaleY = outputScale(*O);
  if (!ScaleY)
    return ScaleY.takeError();
  std::vector<int64_t> Mul = O->getIntsAttr("mul");
  if (Mul.size() != 1)
    return makeError(O->getDescription() + ": mul must have one entry");
  Value *A = O->getOperand(0), *B = O->getOperand(1);
  // Both operands at the scales the integer arithmetic implies: a in y's
  // units times mul / 2^shift, b in a's units times mul_b / 2^shift_b.
  int64_t MulB = O->getIntAttr("mul_b", 0),
          ShiftB = O->getIntAttr("shift_b", 0);
  double RatioB = std::ldexp(double(MulB), -int(ShiftB));
  double SA = epilogueInputScale(*O, *ScaleY);
  double SB = SA * RatioB;
  if (!(SB > 0))
    return makeError(O->getDescription() + ": mul_b must be positive");
  auto AF = dequantize(A, {float(SA)});
  if (!AF)
    return AF.takeError();
  // The hardware first rounds B to A's units (b' = b * mul_b / 2^shift_b).
  // That rounding moves the sum by up to half a unit of A, so it is
  // reproduced: by a requantization of B to A's scale when b' fits B's
  // type (a ratio < 1), else by Round(DQ(b, ratio)) * s_a in float (b'
  // may exceed B's range). An integer ratio needs no rounding.
  std::string BName = B->getName() + ".in." + A->getName();
  double Tie = tieAwayFactor(uint64_t(MulB), unsigned(ShiftB),
                             std::ldexp(1.0, 15) * RatioB + 1);
  Value *BV = nullptr;
  if (RatioB > 1 && RatioB != std::floor(RatioB)) {
    TensorType FT = floatType(B->getType());
    SmallVector<Value *, 3> DQOps = {B, scalarF32(float(RatioB * Tie))};
    if (B->getType().getElementType() != ElementType::I32)
      DQOps.push_back(zeroPoint(B->getType().getElementType(), 1));
    auto Scaled =
        create("onnx.DequantizeLinear", DQOps, FT, {}, BName + ".scaled");
    if (!Scaled)
      return Scaled.takeError();
    auto Rounded = create("onnx.Round", {*Scaled}, FT, {}, BName + ".round");
    if (!Rounded)
      return Rounded.takeError();
    auto M = create("onnx.Mul", {*Rounded, scalarF32(float(SA), "qdq.const")},
                    FT, {}, BName);
    if (!M)
      return M.takeError();
    BV = *M;
  } else {
    auto BF = dequantize(B, {float(SB)});
    if (!BF)
      return BF.takeError();
    BV = *BF;
    if (RatioB < 1) {
      ElementType BElt = B->getType().getElementType();
      if (BElt == ElementType::I32)
        BElt = ElementType::I16;
      auto BQ = quantize(BV, float(SA / Tie), BElt, BName);
      if (!BQ)
        return BQ.takeError();
      auto BD = dequantize(*BQ, {float(SA)});
      if (!BD)
        return BD.takeError();
      BV = *BD;
    }
  }
  auto F = create("onnx.Add", {*AF, BV}, floatType(O->getResult(0)->getType()),
                  {}, O->getResult(0)->getName() + ".float");
  if (!F)
    return F.takeError();
  auto Y = epilogue(*O, *F, *ScaleY);
  if (!Y)
    return Y.takeError();
  return replaceOp(O, *Y);
}

Error QDQLowering::lowerRequantize(Op *O) {
  auto ScaleY = outputScale(*O);
  if (!ScaleY)
    return ScaleY.takeError();
  std::vector<int64_t> Mul = O->getIntsAttr("mul");
  if (Mul.size() != 1)
    return makeError(O->getDescription() + ": mul must have one entry");
  Value *X = O->getOperand(0);
  auto XF = dequantize(X, {float(epilogueInputScale(*O, *ScaleY))});
  if (!XF)
    return XF.takeError();
  auto Y = epilogue(*O, *XF, *ScaleY);
  if (!Y)
    return Y.takeError();
  return replaceOp(O, *Y);
}

/// quant.lrn -> DequantizeLinear, onnx.LRN, QuantizeLinear. Not bit-exact:
/// the CDP evaluates the LRN denominator through a lookup table designed
/// for the scales (onncf/Quant/LrnLut.h: within 0.72 LSB of float LRN on
/// the parameter sets tested), the export computes it in float.
Error QDQLowering::lowerLrn(Op *O) {
  auto ScaleY = outputScale(*O);
  if (!ScaleY)
    return ScaleY.takeError();
  AttributeMap Attrs;
  for (const char *A : {"alpha", "beta", "bias"}) {
    const Attribute *V = O->getAttr(A);
    if (!V)
      return makeError(O->getDescription() + ": no '" + A +
                       "' attribute: the LRN the CDP registers were designed "
                       "from is unknown (recompile the model)");
    Attrs[A] = *V;
  }
  Attrs["size"] = O->getIntAttr("size", 0);
  Value *X = O->getOperand(0);
  auto XF = dequantizeDeclared(X, *O);
  if (!XF)
    return XF.takeError();
  const std::string &N = O->getResult(0)->getName();
  auto F = create("onnx.LRN", {*XF}, floatType(O->getResult(0)->getType()),
                  std::move(Attrs), N + ".float");
  if (!F)
    return F.takeError();
  auto Y = quantize(*F, *ScaleY, O->getResult(0)->getType().getElementType(),
                    N + ".q");
  if (!Y)
    return Y.takeError();
  return replaceOp(O, *Y);
}

} // namespace qdq
} // namespace onncf
