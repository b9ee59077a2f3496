//===- QDQ.cpp - quant.* graph -> standard ONNX QDQ form -----------------===//
//
// Part of onnc-fault. Every integer activation v with scale s stays an
// integer tensor under its own name (int8, or int16 at opset 21, zero point
// 0; uint8 where an epilogue's ReLU makes int8 values non-negative, see
// QDQArith.cpp): it is produced by QuantizeLinear(float, s, 0) and read
// through DequantizeLinear(v, s, 0). Each quant.* op becomes the float
// onnx.* op it approximates between those pairs:
//
//   quant.conv / quant.fc   DQ(x) , DQ(W) , DQ(b) -> Conv / Gemm(transB) ->
//                           [Relu | Clip] -> Q(s_y)
//   quant.avgpool           DQ -> AveragePool(count_include_pad) -> the PDP's
//                           two reciprocal roundings (Mul, Round) -> Q(s_x)
//   quant.add               DQ(a), DQ(Q(DQ(b), s_a)) -> Add -> [Relu | Clip]
//                           -> Q(s_y)    (b rounded to a's units first)
//   quant.requantize        DQ -> [Relu | Clip] -> Q(s_y)
//
// Why the weights get "effective" scales. Our integer result is
//   y = round((acc / 2^ct + b) * mul[o] / 2^shift)
// so the real factor from the accumulator to y's units is
// mul[o] / 2^(shift + ct), which differs from s_x * s_w[o] / s_y by up to the
// int16 multiplier's 2^-15 rounding. The weights' DequantizeLinear scale is
// chosen as s_y * mul[o] / 2^(shift + ct) / s_x, and the bias's as
// s_x * s_w_eff[o] (its integers scaled by 2^ct when that fits in int32), so
// a runtime's float (or its fused QLinearConv) computes our arithmetic up to
// the order of roundings. In the same way quant.add and quant.requantize
// dequantize their operands at the scales their multipliers imply (equal to
// the declared ones up to the multiplier's rounding).
//
// Relu and clamp of the SDP epilogue are applied in float before the final
// QuantizeLinear: since the bounds are integers in y's units,
// round(clip(z, lo * s, hi * s) / s) == clip(round(z / s), lo, hi).
//
// Ops that move integer values without arithmetic (Reshape, Concat of one
// scale, MaxPool on int8, ...) stay on the integer tensor when ONNX allows
// its element type for them; any other onnx.* op reading an integer value
// runs in float between DQ and Q.
//
// Weights of 9..16 bits (i16 storage) are int16 DequantizeLinear inputs only
// when the graph already needs opset 21 (int16 activations); otherwise they
// become float initializers q * s_eff, which keeps 8-bit-activation graphs at
// opset 13 where every ONNX checker accepts them.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/QDQ.h"
#include "QDQLowering.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/StringSet.h"
#include <cmath>
#include <cstring>

using namespace llvm;

namespace onncf {
namespace qdq {

bool isQuantInt(const Value *V) {
  if (!V)
    return false;
  const TensorType &T = V->getType();
  ElementType E = T.getElementType();
  return T.getQuant() && (E == ElementType::I8 || E == ElementType::U8 ||
                          E == ElementType::I16 || E == ElementType::I32);
}

TensorType plainType(const TensorType &T) {
  TensorType R = T;
  R.setQuant(std::nullopt);
  return R;
}

TensorType floatType(const TensorType &T) {
  return TensorType(ElementType::F32, T.getShape());
}

uint32_t bitsOf(float F) {
  uint32_t B;
  std::memcpy(&B, &F, sizeof(B));
  return B;
}

namespace {

/// Ops whose ONNX definition (opset >= 13) accepts any tensor element type
/// and that only move values.
bool movesAnyType(StringRef Kind) {
  static const StringSet<> Ops = {
      "onnx.Reshape",      "onnx.Flatten",      "onnx.Transpose",
      "onnx.Squeeze",      "onnx.Unsqueeze",    "onnx.Identity",
      "onnx.Slice",        "onnx.Split",        "onnx.Concat",
      "onnx.Expand",       "onnx.Tile",         "onnx.Gather",
      "onnx.DepthToSpace", "onnx.SpaceToDepth", "onnx.Pad"};
  return Ops.count(Kind) != 0;
}

} // namespace

Value *QDQLowering::scalarF32(float V, StringRef Hint) {
  Value *&C = ScalarCache[{unsigned(Hint == "qdq.scale"), bitsOf(V)}];
  if (!C)
    C = G.addConstantUnique(Hint,
                            Tensor::fromVector<float>({}, ArrayRef<float>(V)));
  return C;
}

Value *QDQLowering::floatsConst(StringRef Hint, ArrayRef<float> Vs) {
  return G.addConstantUnique(
      Hint, Tensor::fromVector<float>({int64_t(Vs.size())}, Vs));
}

Value *QDQLowering::zeroPoint(ElementType Elt, size_t N) {
  // Scalar zero points are shared; per-axis ones are N zeros.
  unsigned Key = unsigned(Elt) << 24 | unsigned(N == 1 ? 0 : N);
  Value *&C = ZeroPointCache[Key];
  if (!C) {
    SmallVector<int64_t, 1> Shape;
    if (N != 1)
      Shape.push_back(int64_t(N));
    C = G.addConstantUnique(("qdq.zero_point." + getElementTypeName(Elt)).str(),
                            Tensor(TensorType(Elt, Shape)));
  }
  return C;
}

Expected<Value *> QDQLowering::create(StringRef Kind,
                                      ArrayRef<Value *> Operands,
                                      TensorType ResultType, AttributeMap Attrs,
                                      StringRef NameHint) {
  std::string Name = G.getUniqueName(NameHint);
  auto O =
      G.createOp(Kind, Operands, {ResultType}, std::move(Attrs), {Name}, Pos);
  if (!O)
    return O.takeError();
  return (*O)->getResult(0);
}

Expected<Value *> QDQLowering::dequantize(Value *V, ArrayRef<float> Scales,
                                          int Axis) {
  bool PerAxis = Scales.size() > 1;
  ElementType Elt = V->getType().getElementType();
  if (Elt == ElementType::I16)
    Opset21 = true;
  if (!PerAxis) {
    auto Key = std::make_pair(V, bitsOf(Scales[0]));
    auto It = DQCache.find(Key);
    if (It != DQCache.end())
      return It->second;
  }
  SmallVector<Value *, 3> Ops = {
      V, PerAxis ? floatsConst(V->getName() + ".scale", Scales)
                 : scalarF32(Scales[0])};
  // int32 (biases) has no zero point to give: ONNX wants it absent or 0.
  if (Elt != ElementType::I32)
    Ops.push_back(zeroPoint(Elt, Scales.size()));
  AttributeMap Attrs;
  if (PerAxis)
    Attrs["axis"] = int64_t(Axis);
  auto R = create("onnx.DequantizeLinear", Ops, floatType(V->getType()),
                  std::move(Attrs), V->getName() + ".dq");
  if (R && !PerAxis)
    DQCache[{V, bitsOf(Scales[0])}] = *R;
  return R;
}

Expected<Value *> QDQLowering::dequantizeDeclared(Value *V, const Op &User) {
  const auto &Q = V->getType().getQuant();
  if (!Q || Q->Scales.empty())
    return makeError(User.getDescription() + ": operand '" + V->getName() +
                     "' has no quantization scale");
  return dequantize(V, Q->Scales, Q->isPerAxis() ? Q->Axis : 0);
}

Expected<Value *> QDQLowering::quantize(Value *F, float Scale, ElementType Elt,
                                        StringRef NameHint) {
  if (Elt == ElementType::I16)
    Opset21 = true;
  return create("onnx.QuantizeLinear", {F, scalarF32(Scale), zeroPoint(Elt, 1)},
                TensorType(Elt, F->getType().getShape()), {}, NameHint);
}

Expected<float> QDQLowering::outputScale(const Op &O) {
  const auto &Q = O.getResult(0)->getType().getQuant();
  if (!Q || Q->Scales.size() != 1 || !(Q->Scales[0] > 0))
    return makeError(O.getDescription() +
                     ": the result needs one positive quantization scale "
                     "(has type " +
                     O.getResult(0)->getType().str() + ")");
  return Q->Scales[0];
}

Error QDQLowering::replaceOp(Op *O, Value *NewV) {
  Value *Old = O->getResult(0);
  std::string Name = Old->getName();
  // Until the end of the lowering, integer values keep their QuantParams:
  // later ops read their scales from them.
  SmallVector<TensorType, 1> Types = {NewV->getType()};
  if (Old->getType().getQuant() &&
      !isFloatType(NewV->getType().getElementType()))
    Types[0].setQuant(Old->getType().getQuant());
  G.replaceAllUsesWith(Old, NewV);
  G.eraseOp(O);
  // Recreate NewV's producer with the freed name, so the ONNX model keeps
  // the tensor names users (and calibration tables) know.
  Op *D = NewV->getDefiningOp();
  auto C = G.createOp(D->getKind(), D->getOperands(), Types, D->getAttrs(),
                      {Name}, G.getIterator(D));
  if (!C)
    return C.takeError();
  (*C)->setName(D->getName());
  G.replaceAllUsesWith(NewV, (*C)->getResult(0));
  for (auto It = DQCache.begin(); It != DQCache.end(); ++It)
    if (It->second == NewV)
      It->second = (*C)->getResult(0);
  G.eraseOp(D);
  return Error::success();
}

//===-- quant.quantize / quant.dequantize --------------------------------===//

Error QDQLowering::lowerQuantize(Op *O) {
  float Scale = O->getFloatAttr("scale", 0);
  if (!(Scale > 0))
    return makeError(O->getDescription() + ": scale must be positive");
  auto Q = quantize(O->getOperand(0), Scale,
                    O->getResult(0)->getType().getElementType(),
                    O->getResult(0)->getName() + ".q");
  if (!Q)
    return Q.takeError();
  return replaceOp(O, *Q);
}

Error QDQLowering::lowerDequantize(Op *O) {
  float Scale = O->getFloatAttr("scale", 0);
  Value *X = O->getOperand(0);
  // Not the cached DQ: this one gets O's result name.
  SmallVector<Value *, 3> Ops = {X, scalarF32(Scale)};
  if (X->getType().getElementType() != ElementType::I32)
    Ops.push_back(zeroPoint(X->getType().getElementType(), 1));
  if (X->getType().getElementType() == ElementType::I16)
    Opset21 = true;
  auto R = create("onnx.DequantizeLinear", Ops, floatType(X->getType()), {},
                  O->getResult(0)->getName() + ".dq");
  if (!R)
    return R.takeError();
  return replaceOp(O, *R);
}

//===-- quant.conv / quant.fc --------------------------------------------===//

Expected<Value *> QDQLowering::lowerWeights(const Op &O, Value *W,
                                            ArrayRef<float> Scales) {
  ElementType Elt = W->getType().getElementType();
  if (Elt == ElementType::I8 || (Elt == ElementType::I16 && Opset21))
    return dequantize(W, Scales, 0);
  if (Elt != ElementType::I16)
    return makeError(O.getDescription() + ": weights '" + W->getName() +
                     "' must be i8 or i16, not " + W->getType().str());
  // 9..16-bit weights in an int8 graph: float initializer q * s_eff, so
  // the model stays at opset 13 (int16 DequantizeLinear needs opset 21).
  if (!W->isConstant())
    return makeError(O.getDescription() + ": i16 weights '" + W->getName() +
                     "' must be a constant to export without opset 21");
  const Tensor &T = W->getConstantData();
  Tensor F(floatType(T.getType()));
  auto Src = T.data<int16_t>();
  auto Dst = F.mutableData<float>();
  int64_t PerChannel =
      T.getShape().empty() ? 1 : T.getNumElements() / T.getShape()[0];
  for (int64_t I = 0, N = T.getNumElements(); I < N; ++I)
    Dst[I] = float(Src[I]) * Scales[Scales.size() == 1 ? 0 : I / PerChannel];
  return G.addConstantUnique(W->getName() + ".float", std::move(F));
}

Expected<Value *> QDQLowering::lowerBias(const Op &O, Value *B,
                                         ArrayRef<float> Scales,
                                         unsigned ClipTruncate) {
  if (B->getType().getElementType() != ElementType::I32)
    return makeError(O.getDescription() + ": bias '" + B->getName() +
                     "' must be i32, not " + B->getType().str());
  SmallVector<float, 16> S(Scales.begin(), Scales.end());
  if (ClipTruncate && B->isConstant()) {
    // Bias integers in the accumulator's units (x 2^ct) when they fit, so
    // a runtime fusing DQ-Conv-Q into QLinearConv (which ignores the bias
    // scale) still adds the right amount.
    const Tensor &T = B->getConstantData();
    auto Src = T.data<int32_t>();
    bool Fits = true;
    for (int32_t V : Src)
      Fits &= std::llabs(int64_t(V)) <= (INT64_C(1) << (31 - ClipTruncate)) - 1;
    if (Fits) {
      Tensor Scaled(plainType(T.getType()));
      auto Dst = Scaled.mutableData<int32_t>();
      for (size_t I = 0; I < Src.size(); ++I)
        Dst[I] = int32_t(int64_t(Src[I]) * (INT64_C(1) << ClipTruncate));
      B = G.addConstantUnique(B->getName() + ".acc", std::move(Scaled));
      ClipTruncate = 0;
    }
  }
  for (float &V : S)
    V = std::ldexp(V, int(ClipTruncate));
  return dequantize(B, S, 0);
}

Error QDQLowering::lowerConvOrFC(Op *O, bool IsConv) {
  Value *X = O->getOperand(0), *W = O->getOperand(1);
  Value *B = O->getOptionalOperand(2);
  auto ScaleY = outputScale(*O);
  if (!ScaleY)
    return ScaleY.takeError();
  const auto &QX = X->getType().getQuant();
  if (!QX || QX->Scales.size() != 1)
    return makeError(O->getDescription() + ": input '" + X->getName() +
                     "' needs one quantization scale");
  double SX = QX->Scales[0];
  std::vector<int64_t> Mul = O->getIntsAttr("mul");
  int64_t Shift = O->getIntAttr("shift", 0);
  int64_t CT = O->getIntAttr("clip_truncate", 0);
  int64_t Channels = W->getType().getRank() ? W->getType().getDim(0) : 0;
  if (Mul.empty() || (Mul.size() != 1 && int64_t(Mul.size()) != Channels))
    return makeError(O->getDescription() + ": mul has " + Twine(Mul.size()) +
                     " entries for " + Twine(Channels) + " output channels");
  // Effective weight scales: our accumulator-to-output factor times s_y.
  SmallVector<float, 16> SW, SB;
  for (int64_t M : Mul) {
    double Eff = double(*ScaleY) * std::ldexp(double(M), -int(Shift + CT)) / SX;
    SW.push_back(float(Eff));
    SB.push_back(float(SX) * float(Eff));
  }
  auto XF = dequantizeDeclared(X, *O);
  if (!XF)
    return XF.takeError();
  auto WF = lowerWeights(*O, W, SW);
  if (!WF)
    return WF.takeError();
  SmallVector<Value *, 3> Operands = {*XF, *WF};
  if (B) {
    auto BF = lowerBias(*O, B, SB, unsigned(CT));
    if (!BF)
      return BF.takeError();
    Operands.push_back(*BF);
  }
  AttributeMap Attrs;
  const std::string &N = O->getResult(0)->getName();
  if (IsConv) {
    for (const char *A : {"strides", "pads", "dilations", "group"})
      if (const Attribute *V = O->getAttr(A))
        Attrs[A] = *V;
  } else {
    Attrs["transB"] = int64_t(1);
  }
  auto F = create(IsConv ? "onnx.Conv" : "onnx.Gemm", Operands,
                  floatType(O->getResult(0)->getType()), std::move(Attrs),
                  N + ".float");
  if (!F)
    return F.takeError();
  auto Y = epilogue(*O, *F, *ScaleY);
  if (!Y)
    return Y.takeError();
  return replaceOp(O, *Y);
}

//===-- onnx.* ops on integer values -------------------------------------===//

Error QDQLowering::lowerONNXOp(Op *O) {
  bool ReadsInt = false;
  for (Value *V : O->getOperands())
    ReadsInt |= V && !V->isConstant() && isQuantInt(V);
  if (!ReadsInt)
    return Error::success();
  // Stay on the integers if ONNX takes the element type and no scale
  // changes between the integer operands and results.
  const TensorType &T0 = O->getOperand(0)->getType();
  bool SameQuant = true;
  for (Value *V : O->getOperands())
    if (V && isQuantInt(V))
      SameQuant &= V->getType().getQuant() == T0.getQuant() &&
                   V->getType().getElementType() == T0.getElementType();
  for (Value *R : O->getResults())
    if (R->getType().getQuant())
      SameQuant &= R->getType().getQuant() == T0.getQuant();
  StringRef Kind = O->getKind();
  ElementType Elt = T0.getElementType();
  bool Is8 = Elt == ElementType::I8 || Elt == ElementType::U8;
  // Pad's constant_value operand has the IR's (signed) type.
  bool IntOK =
      (movesAnyType(Kind) && !(Kind == "onnx.Pad" && Elt == ElementType::U8)) ||
      (Kind == "onnx.MaxPool" && Is8);
  if (IntOK && SameQuant && Elt != ElementType::I32) {
    // Unsigned operands (non-negative int8 values, see epilogue()) give
    // unsigned results.
    if (Elt == ElementType::U8)
      for (Value *R : O->getResults())
        if (R->getType().getElementType() == ElementType::I8)
          R->setType(R->getType().withElementType(ElementType::U8));
    if (T0.getElementType() == ElementType::I16)
      Opset21 = true;
    return Error::success();
  }
  // Float island: DQ the integer operands, run the op in float, Q the
  // quantized results.
  if (O->getNumResults() != 1)
    return makeError(O->getDescription() +
                     ": cannot run in float between QDQ pairs (several "
                     "results on integer operands)");
  SmallVector<Value *, 4> Operands;
  for (Value *V : O->getOperands()) {
    if (V && isQuantInt(V)) {
      auto F = dequantizeDeclared(V, *O);
      if (!F)
        return F.takeError();
      V = *F;
    }
    Operands.push_back(V);
  }
  Value *R = O->getResult(0);
  bool QuantResult = isQuantInt(R);
  TensorType RT =
      QuantResult ? floatType(R->getType()) : plainType(R->getType());
  auto F = create(Kind, Operands, RT, O->getAttrs(),
                  R->getName() + (QuantResult ? ".float" : ".qdq"));
  if (!F)
    return F.takeError();
  (*F)->getDefiningOp()->setName(O->getName());
  Value *Y = *F;
  if (QuantResult) {
    auto S = outputScale(*O);
    if (!S)
      return S.takeError();
    auto Q =
        quantize(*F, *S, R->getType().getElementType(), R->getName() + ".q");
    if (!Q)
      return Q.takeError();
    Y = *Q;
  }
  return replaceOp(O, Y);
}

Error QDQLowering::run() {
  std::vector<Op *> Work;
  for (auto &O : G.getOps()) {
    Work.push_back(O.get());
    // int16 activations need opset 21; then i16 weights can stay integers.
    for (Value *R : O->getResults())
      Opset21 |= R->getType().getElementType() == ElementType::I16 &&
                 R->getType().getQuant();
  }
  for (Op *O : Work) {
    Pos = G.getIterator(O);
    StringRef Kind = O->getKind();
    Error E = Error::success();
    if (Kind == quantop::Quantize)
      E = lowerQuantize(O);
    else if (Kind == quantop::Dequantize)
      E = lowerDequantize(O);
    else if (Kind == quantop::Conv)
      E = lowerConvOrFC(O, /*IsConv=*/true);
    else if (Kind == quantop::FC)
      E = lowerConvOrFC(O, /*IsConv=*/false);
    else if (Kind == quantop::AvgPool)
      E = lowerAvgPool(O);
    else if (Kind == quantop::Add)
      E = lowerAdd(O);
    else if (Kind == quantop::Requantize)
      E = lowerRequantize(O);
    else if (Kind == quantop::Lrn)
      E = lowerLrn(O);
    else if (Kind.startswith("onnx."))
      E = lowerONNXOp(O);
    else
      E = makeError(O->getDescription() + ": no ONNX QDQ form for '" + Kind +
                    "'");
    if (E)
      return E;
  }
  // ONNX has no quantized types: the scales now live in the Q/DQ operands.
  for (Value *V : G.getInputs())
    V->setType(plainType(V->getType()));
  for (Value *C : G.getConstants())
    if (C->getType().getQuant()) {
      Tensor T = C->getConstantData();
      T.setType(plainType(T.getType()));
      C->setConstantData(std::move(T));
    }
  for (auto &O : G.getOps())
    for (Value *R : O->getResults())
      R->setType(plainType(R->getType()));
  G.eraseUnusedConstants();
  int64_t Opset = Opset21 ? 21 : 13;
  auto It = G.getMetadata().find("opset");
  if (It != G.getMetadata().end() && It->second.is(AttrKind::Int))
    Opset = std::max(Opset, It->second.getInt());
  G.getMetadata()["opset"] = Attribute(Opset);
  return verifyGraph(G);
}

} // namespace qdq

Error lowerQuantToQDQ(Graph &G) { return qdq::QDQLowering(G).run(); }

} // namespace onncf
