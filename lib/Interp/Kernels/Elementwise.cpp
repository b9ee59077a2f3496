//===- Elementwise.cpp - Element-wise kernels ------------------------------===//
//
// Part of onnc-fault. Broadcasting binary arithmetic and comparisons
// (f32/f64/i32/i64), variadic Sum/Mean/Max/Min, PRelu, Where, Clip and the
// unary activations and math functions (f32/f64).
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>
#include <limits>

using namespace llvm;

namespace onncf {
namespace interp {

/// Calls Fn(T{}) with T the C++ type of \p Ty among the numeric types
/// element-wise kernels support.
template <typename F> static Error dispatchNumeric(ElementType Ty, F &&Fn) {
  switch (Ty) {
  case ElementType::F32:
    return Fn(float());
  case ElementType::F64:
    return Fn(double());
  case ElementType::I32:
    return Fn(int32_t());
  case ElementType::I64:
    return Fn(int64_t());
  case ElementType::I16:
    return Fn(int16_t());
  case ElementType::I8:
    return Fn(int8_t());
  case ElementType::U8:
    return Fn(uint8_t());
  default:
    return makeError("element type " + getElementTypeName(Ty) +
                     " is not supported by this kernel");
  }
}

template <typename F> static Error dispatchFloat(ElementType Ty, F &&Fn) {
  if (Ty == ElementType::F32)
    return Fn(float());
  if (Ty == ElementType::F64)
    return Fn(double());
  return makeError("element type " + getElementTypeName(Ty) +
                   " is not supported by this kernel (f32/f64 only)");
}

/// R = Fn(A, B) with broadcasting; A, B of type T, R of type TR.
template <typename T, typename TR, typename F>
static Error binary(const Tensor &A, const Tensor &B, Tensor &R, F Fn) {
  if (A.getElementType() != B.getElementType())
    return makeError("operand types differ: " + A.getType().str() + " and " +
                     B.getType().str());
  auto AS = broadcastStrides(A.getShape(), R.getShape());
  if (!AS)
    return AS.takeError();
  auto BS = broadcastStrides(B.getShape(), R.getShape());
  if (!BS)
    return BS.takeError();
  const T *AD = reinterpret_cast<const T *>(A.bytes().data());
  const T *BD = reinterpret_cast<const T *>(B.bytes().data());
  TR *RD = reinterpret_cast<TR *>(R.mutableBytes().data());
  broadcastLoop(AD, *AS, BD, *BS, RD, R.getShape(), Fn);
  return Error::success();
}

enum class BinOp { Add, Sub, Mul, Div, Pow, Max, Min, Mod };

template <typename T> static T applyBin(BinOp K, T A, T B) {
  switch (K) {
  case BinOp::Add:
    return A + B;
  case BinOp::Sub:
    return A - B;
  case BinOp::Mul:
    return A * B;
  case BinOp::Div:
    if constexpr (std::is_integral_v<T>)
      return B == 0 ? T(0) : T(A / B);
    else
      return A / B;
  case BinOp::Pow:
    return (T)std::pow((double)A, (double)B);
  case BinOp::Max:
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(A) || std::isnan(B))
        return std::numeric_limits<T>::quiet_NaN();
    return A > B ? A : B;
  case BinOp::Min:
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(A) || std::isnan(B))
        return std::numeric_limits<T>::quiet_NaN();
    return A < B ? A : B;
  case BinOp::Mod:
    if constexpr (std::is_integral_v<T>) {
      if (B == 0)
        return 0;
      T M = A % B;
      return (M != 0 && ((M < 0) != (B < 0))) ? T(M + B) : M;
    } else {
      return std::fmod(A, B);
    }
  }
  return A;
}

/// f16 operands: runs \p Fn on f32 copies and rounds the result back to
/// f16 (how ONNX's own f16 test data is produced).
static Error viaF32(const Op &O, ArrayRef<const Tensor *> In,
                    MutableArrayRef<Tensor> Out, KernelFn Fn) {
  std::vector<Tensor> Copies;
  Copies.reserve(In.size());
  std::vector<const Tensor *> Args;
  for (const Tensor *T : In) {
    if (!T || T->getElementType() != ElementType::F16) {
      Args.push_back(T);
      continue;
    }
    Tensor F(T->getType().withElementType(ElementType::F32));
    auto Src = reinterpret_cast<const uint16_t *>(T->bytes().data());
    auto Dst = F.mutableData<float>();
    for (int64_t I = 0; I < F.getNumElements(); ++I)
      Dst[I] = halfToFloat(Src[I]);
    Copies.push_back(std::move(F));
    Args.push_back(&Copies.back());
  }
  Tensor R(Out[0].getType().withElementType(ElementType::F32));
  if (Error E = Fn(O, Args, MutableArrayRef<Tensor>(R)))
    return E;
  auto Src = R.data<float>();
  auto Dst = reinterpret_cast<uint16_t *>(Out[0].mutableBytes().data());
  for (int64_t I = 0; I < R.getNumElements(); ++I)
    Dst[I] = floatToHalf(Src[I]);
  return Error::success();
}

template <BinOp K>
static Error binaryKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  if (In[0]->getElementType() == ElementType::F16 &&
      Out[0].getElementType() == ElementType::F16)
    return viaF32(O, In, Out, binaryKernel<K>);
  if (K == BinOp::Pow && In[0]->getElementType() != In[1]->getElementType()) {
    // Pow allows a different exponent type; compute through double with
    // the exponent converted to the base's type.
    return dispatchNumeric(In[0]->getElementType(), [&](auto Z) -> Error {
      using T = decltype(Z);
      Tensor B(In[1]->getType().withElementType(In[0]->getElementType()));
      auto BD = B.mutableData<T>();
      for (int64_t I = 0; I < B.getNumElements(); ++I)
        BD[I] = (T)In[1]->getAsDouble(I);
      return binary<T, T>(*In[0], B, Out[0], [](T X, T Y) {
        return (T)std::pow((double)X, (double)Y);
      });
    });
  }
  if (K == BinOp::Mod && O.getIntAttr("fmod", 0) != 0 &&
      !isFloatType(In[0]->getElementType()))
    // fmod=1 on integers: C's truncated remainder (sign of the dividend).
    return dispatchNumeric(In[0]->getElementType(), [&](auto Z) -> Error {
      using T = decltype(Z);
      if constexpr (std::is_integral_v<T>)
        return binary<T, T>(*In[0], *In[1], Out[0], [](T A, T B) {
          return B == 0 ? T(0) : T(A % B);
        });
      return unsupportedType(*In[0]);
    });
  if (K == BinOp::Mod && O.getIntAttr("fmod", 0) == 0 &&
      isFloatType(In[0]->getElementType()))
    return makeError("Mod with fmod=0 needs integer operands");
  return dispatchNumeric(In[0]->getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    if constexpr (K == BinOp::Pow && std::is_same_v<T, float>)
      // Float pow in float, as onnxruntime computes it.
      return binary<T, T>(*In[0], *In[1], Out[0],
                          [](T A, T B) { return std::pow(A, B); });
    else
      return binary<T, T>(*In[0], *In[1], Out[0],
                          [](T A, T B) { return applyBin<T>(K, A, B); });
  });
}

/// Sum/Mean/Max/Min: fold the operands left to right into the result.
template <BinOp K, bool IsMean = false>
static Error variadicKernel(const Op &O, ArrayRef<const Tensor *> In,
                            MutableArrayRef<Tensor> Out) {
  if (Out[0].getElementType() == ElementType::F16)
    return viaF32(O, In, Out, variadicKernel<K, IsMean>);
  Tensor &R = Out[0];
  return dispatchNumeric(R.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    if (In.empty())
      return makeError("needs at least one operand");
    // R = broadcast(In[0]), then R = R op In[i].
    Tensor Zero(TensorType(R.getElementType(), {}));
    if (Error E = binary<T, T>(*In[0], Zero, R, [](T A, T) { return A; }))
      return E;
    for (size_t I = 1; I < In.size(); ++I) {
      Tensor Acc = R; // Shares storage; binary writes element i after reading it.
      if (Error E = binary<T, T>(Acc, *In[I], R, [](T A, T B) {
            return applyBin<T>(K == BinOp::Add ? BinOp::Add : K, A, B);
          }))
        return E;
    }
    if (IsMean) {
      auto *D = reinterpret_cast<T *>(R.mutableBytes().data());
      for (int64_t I = 0; I < R.getNumElements(); ++I)
        D[I] = D[I] / (T)In.size();
    }
    return Error::success();
  });
}

enum class CmpOp { Eq, Lt, Gt, Le, Ge };

template <CmpOp K>
static Error compareKernel(const Op &O, ArrayRef<const Tensor *> In,
                           MutableArrayRef<Tensor> Out) {
  return dispatchNumeric(In[0]->getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    return binary<T, uint8_t>(*In[0], *In[1], Out[0], [](T A, T B) {
      switch (K) {
      case CmpOp::Eq:
        return uint8_t(A == B);
      case CmpOp::Lt:
        return uint8_t(A < B);
      case CmpOp::Gt:
        return uint8_t(A > B);
      case CmpOp::Le:
        return uint8_t(A <= B);
      case CmpOp::Ge:
        return uint8_t(A >= B);
      }
      return uint8_t(0);
    });
  });
}

static Error preluKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  return dispatchFloat(In[0]->getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    return binary<T, T>(*In[0], *In[1], Out[0],
                        [](T X, T S) { return X < 0 ? X * S : X; });
  });
}

static Error whereKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  // Where(c, x, y): two broadcast passes, selecting by the condition.
  const Tensor &C = *In[0], &X = *In[1], &Y = *In[2];
  Tensor &R = Out[0];
  return dispatchNumeric(R.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    if (Error E = binary<T, T>(X, X, R, [](T A, T) { return A; }))
      return E;
    Tensor Tmp(R.getType());
    if (Error E = binary<T, T>(Y, Y, Tmp, [](T A, T) { return A; }))
      return E;
    Tensor Cond(TensorType(ElementType::U8, R.getShape()));
    Tensor CU8 = C;
    CU8.setType(C.getType().withElementType(ElementType::U8));
    if (Error E = binary<uint8_t, uint8_t>(CU8, CU8, Cond,
                                           [](uint8_t A, uint8_t) { return A; }))
      return E;
    auto *RD = reinterpret_cast<T *>(R.mutableBytes().data());
    auto *TD = reinterpret_cast<const T *>(Tmp.bytes().data());
    auto CD = Cond.data<uint8_t>();
    for (int64_t I = 0; I < R.getNumElements(); ++I)
      if (!CD[I])
        RD[I] = TD[I];
    return Error::success();
  });
}

// Unary float functions; each kernel reads its attributes once.
enum class UnOp {
  Relu, LeakyRelu, Sigmoid, Tanh, Exp, Log, Sqrt, Abs, Neg, Reciprocal,
  Floor, Ceil, Round, Elu, Selu, HardSigmoid, HardSwish, Softplus, Softsign,
  Erf, Sin, Cos, Sign
};

template <UnOp K>
static Error unaryKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  float Alpha = O.getFloatAttr(
      "alpha", K == UnOp::LeakyRelu    ? 0.01f
               : K == UnOp::Selu       ? 1.67326319217681884765625f
               : K == UnOp::HardSigmoid ? 0.2f
                                        : 1.0f);
  float Gamma = O.getFloatAttr("gamma", 1.05070102214813232421875f);
  float Beta = O.getFloatAttr("beta", 0.5f);
  if ((K == UnOp::Abs || K == UnOp::Neg || K == UnOp::Relu ||
       K == UnOp::Sign) &&
      !isFloatType(In[0]->getElementType()))
    return dispatchNumeric(In[0]->getElementType(), [&](auto Z) -> Error {
      using T = decltype(Z);
      auto *X = reinterpret_cast<const T *>(In[0]->bytes().data());
      auto *Y = reinterpret_cast<T *>(Out[0].mutableBytes().data());
      for (int64_t I = 0, N = In[0]->getNumElements(); I < N; ++I) {
        T V = X[I];
        Y[I] = K == UnOp::Abs    ? (V < 0 ? T(-V) : V)
               : K == UnOp::Neg  ? T(-V)
               : K == UnOp::Relu ? (V < 0 ? T(0) : V)
                                 : T((V > 0) - (V < 0));
      }
      return Error::success();
    });
  return dispatchFloat(In[0]->getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    const T *X = reinterpret_cast<const T *>(In[0]->bytes().data());
    T *Y = reinterpret_cast<T *>(Out[0].mutableBytes().data());
    int64_t N = In[0]->getNumElements();
    T A = Alpha, G = Gamma, B = Beta;
    for (int64_t I = 0; I < N; ++I) {
      T V = X[I];
      T R;
      switch (K) {
      case UnOp::Relu: R = V < 0 ? T(0) : V; break;
      case UnOp::LeakyRelu: R = V < 0 ? V * A : V; break;
      case UnOp::Sigmoid:
        // Stable on both tails.
        R = V >= 0 ? T(1) / (T(1) + std::exp(-V))
                   : std::exp(V) / (T(1) + std::exp(V));
        break;
      case UnOp::Tanh: R = std::tanh(V); break;
      case UnOp::Exp: R = std::exp(V); break;
      case UnOp::Log: R = std::log(V); break;
      case UnOp::Sqrt: R = std::sqrt(V); break;
      case UnOp::Abs: R = std::fabs(V); break;
      case UnOp::Neg: R = -V; break;
      case UnOp::Reciprocal: R = T(1) / V; break;
      case UnOp::Floor: R = std::floor(V); break;
      case UnOp::Ceil: R = std::ceil(V); break;
      case UnOp::Round: R = std::nearbyint(V); break; // Half to even.
      case UnOp::Elu: R = V < 0 ? A * (std::exp(V) - T(1)) : V; break;
      case UnOp::Selu: R = V <= 0 ? G * (A * std::exp(V) - A) : G * V; break;
      case UnOp::HardSigmoid:
        R = std::max(T(0), std::min(T(1), A * V + B));
        break;
      case UnOp::HardSwish:
        R = V * std::max(T(0), std::min(T(1), V / T(6) + T(0.5)));
        break;
      case UnOp::Softplus:
        R = V > T(20) ? V : std::log1p(std::exp(V));
        break;
      case UnOp::Softsign: R = V / (T(1) + std::fabs(V)); break;
      case UnOp::Erf: R = std::erf(V); break;
      case UnOp::Sin: R = std::sin(V); break;
      case UnOp::Cos: R = std::cos(V); break;
      case UnOp::Sign: R = T((V > 0) - (V < 0)); break;
      }
      Y[I] = R;
    }
    return Error::success();
  });
}

static Error clipKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  return dispatchNumeric(In[0]->getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    T Lo = std::numeric_limits<T>::lowest(), Hi = std::numeric_limits<T>::max();
    // Opset < 11 takes attributes, later opsets optional scalar operands.
    if (O.hasAttr("min"))
      Lo = (T)O.getFloatAttr("min", 0);
    if (O.hasAttr("max"))
      Hi = (T)O.getFloatAttr("max", 0);
    if (In.size() > 1 && In[1] && In[1]->getNumElements() == 1)
      Lo = (T)In[1]->getAsDouble(0);
    if (In.size() > 2 && In[2] && In[2]->getNumElements() == 1)
      Hi = (T)In[2]->getAsDouble(0);
    const T *X = reinterpret_cast<const T *>(In[0]->bytes().data());
    T *Y = reinterpret_cast<T *>(Out[0].mutableBytes().data());
    for (int64_t I = 0, N = In[0]->getNumElements(); I < N; ++I) {
      T V = X[I];
      V = V < Lo ? Lo : V;
      Y[I] = V > Hi ? Hi : V;
    }
    return Error::success();
  });
}

static Error notKernel(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out) {
  ArrayRef<char> X = In[0]->bytes();
  MutableArrayRef<char> Y = Out[0].mutableBytes();
  for (size_t I = 0; I < X.size(); ++I)
    Y[I] = !X[I];
  return Error::success();
}

template <int Which> // 0 And, 1 Or, 2 Xor
static Error logicKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  Tensor A = *In[0], B = *In[1];
  A.setType(A.getType().withElementType(ElementType::U8));
  B.setType(B.getType().withElementType(ElementType::U8));
  return binary<uint8_t, uint8_t>(A, B, Out[0], [](uint8_t X, uint8_t Y) {
    bool P = X != 0, Q = Y != 0;
    return uint8_t(Which == 0 ? (P && Q) : Which == 1 ? (P || Q) : (P != Q));
  });
}

} // namespace interp

void registerElementwiseKernels(KernelRegistry &R) {
  using namespace interp;
  R.add("onnx.Add", binaryKernel<BinOp::Add>);
  R.add("onnx.Sub", binaryKernel<BinOp::Sub>);
  R.add("onnx.Mul", binaryKernel<BinOp::Mul>);
  R.add("onnx.Div", binaryKernel<BinOp::Div>);
  R.add("onnx.Pow", binaryKernel<BinOp::Pow>);
  R.add("onnx.Mod", binaryKernel<BinOp::Mod>);
  R.add("onnx.Sum", variadicKernel<BinOp::Add>);
  R.add("onnx.Mean", variadicKernel<BinOp::Add, true>);
  R.add("onnx.Max", variadicKernel<BinOp::Max>);
  R.add("onnx.Min", variadicKernel<BinOp::Min>);
  R.add("onnx.Equal", compareKernel<CmpOp::Eq>);
  R.add("onnx.Less", compareKernel<CmpOp::Lt>);
  R.add("onnx.Greater", compareKernel<CmpOp::Gt>);
  R.add("onnx.LessOrEqual", compareKernel<CmpOp::Le>);
  R.add("onnx.GreaterOrEqual", compareKernel<CmpOp::Ge>);
  R.add("onnx.And", logicKernel<0>);
  R.add("onnx.Or", logicKernel<1>);
  R.add("onnx.Xor", logicKernel<2>);
  R.add("onnx.Not", notKernel);
  R.add("onnx.PRelu", preluKernel);
  R.add("onnx.Where", whereKernel);
  R.add("onnx.Clip", clipKernel);
  R.add("onnx.Relu", unaryKernel<UnOp::Relu>);
  R.add("onnx.LeakyRelu", unaryKernel<UnOp::LeakyRelu>);
  R.add("onnx.Sigmoid", unaryKernel<UnOp::Sigmoid>);
  R.add("onnx.Tanh", unaryKernel<UnOp::Tanh>);
  R.add("onnx.Exp", unaryKernel<UnOp::Exp>);
  R.add("onnx.Log", unaryKernel<UnOp::Log>);
  R.add("onnx.Sqrt", unaryKernel<UnOp::Sqrt>);
  R.add("onnx.Abs", unaryKernel<UnOp::Abs>);
  R.add("onnx.Neg", unaryKernel<UnOp::Neg>);
  R.add("onnx.Reciprocal", unaryKernel<UnOp::Reciprocal>);
  R.add("onnx.Floor", unaryKernel<UnOp::Floor>);
  R.add("onnx.Ceil", unaryKernel<UnOp::Ceil>);
  R.add("onnx.Round", unaryKernel<UnOp::Round>);
  R.add("onnx.Elu", unaryKernel<UnOp::Elu>);
  R.add("onnx.Selu", unaryKernel<UnOp::Selu>);
  R.add("onnx.HardSigmoid", unaryKernel<UnOp::HardSigmoid>);
  R.add("onnx.HardSwish", unaryKernel<UnOp::HardSwish>);
  R.add("onnx.Softplus", unaryKernel<UnOp::Softplus>);
  R.add("onnx.Softsign", unaryKernel<UnOp::Softsign>);
  R.add("onnx.Erf", unaryKernel<UnOp::Erf>);
  R.add("onnx.Sin", unaryKernel<UnOp::Sin>);
  R.add("onnx.Cos", unaryKernel<UnOp::Cos>);
  R.add("onnx.Sign", unaryKernel<UnOp::Sign>);
}

} // namespace onncf
