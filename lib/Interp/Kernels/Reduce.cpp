//===- Reduce.cpp - Reduce* kernels
//----------------------------------------===//
//
// Part of onnc-fault. onnx.ReduceSum/Mean/Max/Min/Prod/SumSquare/L1/L2/
// LogSum/LogSumExp for f32, f64, f16 and the integer types. The reduced
// axes (attribute or operand, noop_with_empty_axes) come from
// getReduceAxes(), the helper type inference uses. Floats accumulate in
// double, integers in int64, in input order: each result element depends
// only on its own input elements, never on the batch it is computed with.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>
#include <limits>

using namespace llvm;

namespace onncf {
namespace interp {

enum class RedOp {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  SumSquare,
  L1,
  L2,
  LogSum,
  LogSumExp
};

namespace {
/// Loads/stores one element of type T through the accumulator type A
/// (f16 is stored as its 16-bit pattern).
template <typename T> struct Elem {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  static Acc load(const T *P, int64_t I) { return (Acc)P[I]; }
  static void store(T *P, int64_t I, Acc V) { P[I] = (T)V; }
};
struct Half {};
template <> struct Elem<Half> {
  using Acc = double;
  static Acc load(const Half *P, int64_t I) {
    return halfToFloat(reinterpret_cast<const uint16_t *>(P)[I]);
  }
  static void store(Half *P, int64_t I, Acc V) {
    reinterpret_cast<uint16_t *>(P)[I] = floatToHalf((float)V);
  }
};
} // namespace

template <RedOp K, typename A> static A initial() {
  switch (K) {
  case RedOp::Max:
    return std::is_floating_point_v<A> ? -std::numeric_limits<A>::infinity()
                                       : std::numeric_limits<A>::lowest();
  case RedOp::Min:
    return std::is_floating_point_v<A> ? std::numeric_limits<A>::infinity()
                                       : std::numeric_limits<A>::max();
  case RedOp::Prod:
    return A(1);
  default:
    return A(0);
  }
}

template <RedOp K, typename A> static A step(A Acc, A X) {
  switch (K) {
  case RedOp::Max:
    if constexpr (std::is_floating_point_v<A>)
      if (std::isnan(X) || std::isnan(Acc))
        return std::numeric_limits<A>::quiet_NaN();
    return X > Acc ? X : Acc;
  case RedOp::Min:
    if constexpr (std::is_floating_point_v<A>)
      if (std::isnan(X) || std::isnan(Acc))
        return std::numeric_limits<A>::quiet_NaN();
    return X < Acc ? X : Acc;
  case RedOp::Prod:
    return Acc * X;
  case RedOp::SumSquare:
  case RedOp::L2:
    return Acc + X * X;
  case RedOp::L1:
    return Acc + (X < 0 ? -X : X);
  case RedOp::LogSumExp:
    return Acc + (A)std::exp((double)X);
  default:
    return Acc + X;
  }
}

template <RedOp K, typename A> static A finish(A Acc, int64_t Count) {
  switch (K) {
  case RedOp::Mean:
    if constexpr (std::is_floating_point_v<A>)
      return Acc / (A)Count;
    else
      return Count ? Acc / Count : 0;
  case RedOp::L2:
    return (A)std::sqrt((double)Acc);
  case RedOp::LogSum:
  case RedOp::LogSumExp:
    return (A)std::log((double)Acc);
  default:
    return Acc;
  }
}

template <RedOp K, typename T>
static void reduce(const Tensor &X, ArrayRef<bool> Reduced, Tensor &Y) {
  using E = Elem<T>;
  using A = typename E::Acc;
  ArrayRef<int64_t> XS = X.getShape();
  size_t Rank = XS.size();
  // Output strides over the input's index space (0 on reduced axes).
  SmallVector<int64_t, 6> KeptShape(XS.begin(), XS.end());
  int64_t Count = 1;
  for (size_t D = 0; D < Rank; ++D)
    if (Reduced[D]) {
      Count *= XS[D];
      KeptShape[D] = 1;
    }
  auto OStr = stridesOf(KeptShape);
  for (size_t D = 0; D < Rank; ++D)
    if (Reduced[D])
      OStr[D] = 0;
  int64_t NOut = Y.getNumElements(), NIn = X.getNumElements();
  std::vector<A> Acc(NOut, initial<K, A>());
  const T *XD = reinterpret_cast<const T *>(X.bytes().data());
  SmallVector<int64_t, 6> Idx(Rank, 0);
  int64_t Off = 0;
  for (int64_t I = 0; I < NIn; ++I) {
    Acc[Off] = step<K, A>(Acc[Off], E::load(XD, I));
    for (int D = (int)Rank - 1; D >= 0; --D) {
      Off += OStr[D];
      if (++Idx[D] < XS[D])
        break;
      Off -= OStr[D] * XS[D];
      Idx[D] = 0;
    }
  }
  T *YD = reinterpret_cast<T *>(Y.mutableBytes().data());
  for (int64_t I = 0; I < NOut; ++I)
    E::store(YD, I, finish<K, A>(Acc[I], Count));
}

template <RedOp K>
static Error reduceKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  unsigned Rank = X.getShape().size();
  OperandInfo Info(In);
  auto Axes = getReduceAxes(O, Info.In, Rank);
  if (!Axes)
    return Axes.takeError();
  SmallVector<bool, 6> Reduced(Rank, false);
  for (int64_t A : Axes->Values)
    Reduced[A] = true;
  if (Y.getElementType() != X.getElementType())
    return makeError("result type " + Y.getType().str() +
                     " differs from the operand's " + X.getType().str());
  int64_t Expect = 1;
  for (unsigned D = 0; D < Rank; ++D)
    Expect *= Reduced[D] ? 1 : X.getShape()[D];
  if (Y.getNumElements() != Expect)
    return makeError("result " + Y.getType().str() +
                     " does not match the reduced operand " +
                     X.getType().str());
  switch (X.getElementType()) {
  case ElementType::F32:
    reduce<K, float>(X, Reduced, Y);
    break;
  case ElementType::F64:
    reduce<K, double>(X, Reduced, Y);
    break;
  case ElementType::F16:
    reduce<K, Half>(X, Reduced, Y);
    break;
  case ElementType::I64:
    reduce<K, int64_t>(X, Reduced, Y);
    break;
  case ElementType::I32:
    reduce<K, int32_t>(X, Reduced, Y);
    break;
  case ElementType::I16:
    reduce<K, int16_t>(X, Reduced, Y);
    break;
  case ElementType::I8:
    reduce<K, int8_t>(X, Reduced, Y);
    break;
  case ElementType::U8:
  case ElementType::Bool:
    reduce<K, uint8_t>(X, Reduced, Y);
    break;
  }
  return Error::success();
}

} // namespace interp

void registerReduceKernels(KernelRegistry &R) {
  using namespace interp;
  R.add("onnx.ReduceSum", reduceKernel<RedOp::Sum>);
  R.add("onnx.ReduceMean", reduceKernel<RedOp::Mean>);
  R.add("onnx.ReduceMax", reduceKernel<RedOp::Max>);
  R.add("onnx.ReduceMin", reduceKernel<RedOp::Min>);
  R.add("onnx.ReduceProd", reduceKernel<RedOp::Prod>);
  R.add("onnx.ReduceSumSquare", reduceKernel<RedOp::SumSquare>);
  R.add("onnx.ReduceL1", reduceKernel<RedOp::L1>);
  R.add("onnx.ReduceL2", reduceKernel<RedOp::L2>);
  R.add("onnx.ReduceLogSum", reduceKernel<RedOp::LogSum>);
  R.add("onnx.ReduceLogSumExp", reduceKernel<RedOp::LogSumExp>);
}

} // namespace onncf
