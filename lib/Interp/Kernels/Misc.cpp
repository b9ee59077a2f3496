//===- Misc.cpp - Remaining element-wise and quantization kernels
//----------===//
//
// Part of onnc-fault. Element-wise ops without a kernel in Elementwise.cpp:
// the inverse/hyperbolic trigonometric functions, Tan, Celu,
// ThresholdedRelu, Shrink, IsInf, IsNaN, BitShift and CastLike; and the
// linear quantization ops QuantizeLinear / DequantizeLinear (per-tensor or
// per-axis scale and zero point). Floats are computed in double and
// rounded once to the result type (f16 included).
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>
#include <limits>

using namespace llvm;

namespace onncf {
namespace interp {

/// Element \p I of \p T as double (f16 decoded).
static double getD(const Tensor &T, int64_t I) {
  if (T.getElementType() == ElementType::F16)
    return halfToFloat(reinterpret_cast<const uint16_t *>(T.bytes().data())[I]);
  return T.getAsDouble(I);
}

/// Stores \p V into element \p I of \p T, converting like a C cast
/// (floats round to nearest; integers truncate toward zero).
static void setD(Tensor &T, int64_t I, double V) {
  char *P = T.mutableBytes().data();
  switch (T.getElementType()) {
  case ElementType::F32:
    reinterpret_cast<float *>(P)[I] = (float)V;
    break;
  case ElementType::F64:
    reinterpret_cast<double *>(P)[I] = V;
    break;
  case ElementType::F16:
    reinterpret_cast<uint16_t *>(P)[I] = floatToHalf((float)V);
    break;
  case ElementType::I64:
    reinterpret_cast<int64_t *>(P)[I] = (int64_t)V;
    break;
  case ElementType::I32:
    reinterpret_cast<int32_t *>(P)[I] = (int32_t)V;
    break;
  case ElementType::I16:
    reinterpret_cast<int16_t *>(P)[I] = (int16_t)V;
    break;
  case ElementType::I8:
    reinterpret_cast<int8_t *>(P)[I] = (int8_t)V;
    break;
  case ElementType::U8:
    reinterpret_cast<uint8_t *>(P)[I] = (uint8_t)V;
    break;
  case ElementType::Bool:
    reinterpret_cast<uint8_t *>(P)[I] = V != 0;
    break;
  }
}

static bool isFloatLike(ElementType Ty) {
  return Ty == ElementType::F32 || Ty == ElementType::F64 ||
         Ty == ElementType::F16;
}

enum class UnOp {
  Acos,
  Acosh,
  Asin,
  Asinh,
  Atan,
  Atanh,
  Cosh,
  Sinh,
  Tan,
  Celu,
  ThresholdedRelu,
  Shrink
};

template <UnOp K>
static Error unaryKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  bool FloatOnly = K != UnOp::Shrink;
  if ((FloatOnly && !isFloatLike(X.getElementType())) ||
      Y.getNumElements() != X.getNumElements())
    return unsupportedType(X);
  double Alpha = O.getFloatAttr("alpha", 1.0f);
  double Lambd = O.getFloatAttr("lambd", 0.5f),
         Bias = O.getFloatAttr("bias", 0);
  for (int64_t I = 0, N = X.getNumElements(); I < N; ++I) {
    double V = getD(X, I), R = 0;
    switch (K) {
    case UnOp::Acos:
      R = std::acos(V);
      break;
    case UnOp::Acosh:
      R = std::acosh(V);
      break;
    case UnOp::Asin:
      R = std::asin(V);
      break;
    case UnOp::Asinh:
      R = std::asinh(V);
      break;
    case UnOp::Atan:
      R = std::atan(V);
      break;
    case UnOp::Atanh:
      R = std::atanh(V);
      break;
    case UnOp::Cosh:
      R = std::cosh(V);
      break;
    case UnOp::Sinh:
      R = std::sinh(V);
      break;
    case UnOp::Tan:
      R = std::tan(V);
      break;
    case UnOp::Celu:
      R = std::max(0.0, V) + std::min(0.0, Alpha * (std::exp(V / Alpha) - 1));
      break;
    case UnOp::ThresholdedRelu:
      R = V > Alpha ? V : 0;
      break;
    case UnOp::Shrink:
      R = V < -Lambd ? V + Bias : (V > Lambd ? V - Bias : 0);
      break;
    }
    setD(Y, I, R);
  }
  return Error::success();
}

template <bool IsInf>
static Error classifyKernel(const Op &O, ArrayRef<const Tensor *> In,
                            MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  if (!isFloatLike(X.getElementType()))
    return unsupportedType(X);
  bool Neg = O.getIntAttr("detect_negative", 1) != 0;
  bool Pos = O.getIntAttr("detect_positive", 1) != 0;
  uint8_t *YD = reinterpret_cast<uint8_t *>(Out[0].mutableBytes().data());
  for (int64_t I = 0, N = X.getNumElements(); I < N; ++I) {
    double V = getD(X, I);
    YD[I] = IsInf ? std::isinf(V) && ((V > 0 && Pos) || (V < 0 && Neg))
                  : std::isnan(V);
  }
  return Error::success();
}

static Error bitShiftKernel(const Op &O, ArrayRef<const Tensor *> In,
                            MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &S = *In[1];
  Tensor &Y = Out[0];
  if (X.getElementType() != ElementType::U8 ||
      S.getElementType() != ElementType::U8)
    return unsupportedType(X);
  bool Left = O.getStringAttr("direction", "") == "LEFT";
  if (S.getNumElements() != 1 && S.getShape() != X.getShape())
    return makeError("shift amounts must be a scalar or match the input");
  auto XD = X.data<uint8_t>(), SD = S.data<uint8_t>();
  auto YD = Y.mutableData<uint8_t>();
  for (size_t I = 0; I < XD.size(); ++I) {
    unsigned Sh = SD[SD.size() == 1 ? 0 : I];
    YD[I] = Sh >= 8 ? 0 : (uint8_t)(Left ? XD[I] << Sh : XD[I] >> Sh);
  }
  return Error::success();
}

static Error castLikeKernel(const Op &O, ArrayRef<const Tensor *> In,
                            MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  bool IntToInt =
      !isFloatLike(X.getElementType()) && !isFloatLike(Y.getElementType());
  for (int64_t I = 0, N = X.getNumElements(); I < N; ++I) {
    if (IntToInt) { // Exact for 64-bit values.
      int64_t V = X.getAsInt(I);
      setD(Y, I, 0);
      switch (Y.getElementType()) {
      case ElementType::I64:
        reinterpret_cast<int64_t *>(Y.mutableBytes().data())[I] = V;
        break;
      case ElementType::Bool:
        reinterpret_cast<uint8_t *>(Y.mutableBytes().data())[I] = V != 0;
        break;
      default:
        setD(Y, I, (double)V);
      }
      continue;
    }
    setD(Y, I, getD(X, I));
  }
  return Error::success();
}

//===-- QuantizeLinear / DequantizeLinear
//----------------------------------===//

/// Index into a per-axis parameter (scale / zero point) for element \p I.
struct ParamIndexer {
  int64_t Inner = 1, Dim = 1;
  bool PerAxis = false;
  int64_t operator()(int64_t I) const {
    return PerAxis ? (I / Inner) % Dim : 0;
  }
};

static Expected<ParamIndexer> makeIndexer(const Op &O, const Tensor &X,
                                          const Tensor &Scale) {
  ParamIndexer P;
  if (Scale.getNumElements() == 1 && Scale.getShape().size() <= 1)
    return P;
  if (Scale.getShape().size() != 1)
    return makeError("blocked quantization is not supported (scale " +
                     Scale.getType().str() + ")");
  auto Axis = normalizeAxis(O.getIntAttr("axis", 1), X.getShape().size());
  if (!Axis)
    return Axis.takeError();
  P.PerAxis = true;
  P.Dim = X.getShape()[*Axis];
  P.Inner = product(X.getShape().drop_front(*Axis + 1));
  if (Scale.getNumElements() != P.Dim)
    return makeError("per-axis scale " + Scale.getType().str() +
                     " does not match axis size " + Twine(P.Dim));
  return P;
}

static Error quantizeKernel(const Op &O, ArrayRef<const Tensor *> In,
                            MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Scale = *In[1];
  const Tensor *ZP = In.size() > 2 ? In[2] : nullptr;
  Tensor &Y = Out[0];
  auto P = makeIndexer(O, X, Scale);
  if (!P)
    return P.takeError();
  double Lo, Hi;
  switch (Y.getElementType()) {
  case ElementType::U8:
    Lo = 0, Hi = 255;
    break;
  case ElementType::I8:
    Lo = -128, Hi = 127;
    break;
  case ElementType::I16:
    Lo = -32768, Hi = 32767;
    break;
  case ElementType::I32:
    Lo = std::numeric_limits<int32_t>::min();
    Hi = std::numeric_limits<int32_t>::max();
    break;
  default:
    return unsupportedType(Y);
  }
  for (int64_t I = 0, N = X.getNumElements(); I < N; ++I) {
    int64_t K = (*P)(I);
    double Z = ZP ? ZP->getAsDouble(K) : 0;
    // x / scale in float like the ONNX reference for f32 inputs, then
    // round half to even (nearbyint in the default rounding mode).
    double Q = X.getElementType() == ElementType::F32
                   ? (double)((float)getD(X, I) / (float)getD(Scale, K))
                   : getD(X, I) / getD(Scale, K);
    double V = std::nearbyint(Q) + Z;
    setD(Y, I, std::clamp(V, Lo, Hi));
  }
  return Error::success();
}

static Error dequantizeKernel(const Op &O, ArrayRef<const Tensor *> In,
                              MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Scale = *In[1];
  const Tensor *ZP = In.size() > 2 ? In[2] : nullptr;
  auto P = makeIndexer(O, X, Scale);
  if (!P)
    return P.takeError();
  for (int64_t I = 0, N = X.getNumElements(); I < N; ++I) {
    int64_t K = (*P)(I);
    double Z = ZP ? ZP->getAsDouble(K) : 0;
    // float arithmetic, as the spec's (x - zp) * scale in float.
    float V = (float)(X.getAsDouble(I) - Z) * (float)getD(Scale, K);
    setD(Out[0], I, V);
  }
  return Error::success();
}

/// IntegerLinear.cpp (ConvInteger, QLinearConv, MatMulInteger,
/// QLinearMatMul), registered with the other quantization kernels.
void registerIntegerLinearKernels(KernelRegistry &R);

} // namespace interp

void registerMiscKernels(KernelRegistry &R) {
  using namespace interp;
  registerIntegerLinearKernels(R);
  R.add("onnx.Acos", unaryKernel<UnOp::Acos>);
  R.add("onnx.Acosh", unaryKernel<UnOp::Acosh>);
  R.add("onnx.Asin", unaryKernel<UnOp::Asin>);
  R.add("onnx.Asinh", unaryKernel<UnOp::Asinh>);
  R.add("onnx.Atan", unaryKernel<UnOp::Atan>);
  R.add("onnx.Atanh", unaryKernel<UnOp::Atanh>);
  R.add("onnx.Cosh", unaryKernel<UnOp::Cosh>);
  R.add("onnx.Sinh", unaryKernel<UnOp::Sinh>);
  R.add("onnx.Tan", unaryKernel<UnOp::Tan>);
  R.add("onnx.Celu", unaryKernel<UnOp::Celu>);
  R.add("onnx.ThresholdedRelu", unaryKernel<UnOp::ThresholdedRelu>);
  R.add("onnx.Shrink", unaryKernel<UnOp::Shrink>);
  R.add("onnx.IsInf", classifyKernel<true>);
  R.add("onnx.IsNaN", classifyKernel<false>);
  R.add("onnx.BitShift", bitShiftKernel);
  R.add("onnx.CastLike", castLikeKernel);
  R.add("onnx.QuantizeLinear", quantizeKernel);
  R.add("onnx.DequantizeLinear", dequantizeKernel);
}

} // namespace onncf
