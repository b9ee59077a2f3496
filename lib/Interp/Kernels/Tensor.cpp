//===- Tensor.cpp - Data-movement and shape kernels ------------------------===//
//
// Part of onnc-fault. Ops that move or reinterpret elements without
// arithmetic, for every element type: the reshaping family (results share
// the operand's storage), Transpose, Concat, Split, Slice, Pad, Gather,
// Expand, Tile, plus Shape, Size, Cast, Constant, ConstantOfShape and Range.
// Geometry (Slice clamping, Split sizes, Pad amounts) comes from
// onncf/IR/ONNXOps.h so it agrees with type inference.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace interp {

/// Result = operand with the inferred shape (no copy: storage is shared).
static Error aliasKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  TensorType T = Out[0].getType();
  if (T.getNumElements() != In[0]->getNumElements() ||
      T.getElementType() != In[0]->getElementType())
    return makeError("result " + T.str() + " does not match operand " +
                     In[0]->getType().str());
  Out[0] = *In[0];
  Out[0].setType(T);
  return Error::success();
}

static Error dropoutKernel(const Op &O, ArrayRef<const Tensor *> In,
                           MutableArrayRef<Tensor> Out) {
  if (In.size() > 2 && In[2] && In[2]->getNumElements() == 1 &&
      In[2]->getAsInt(0) != 0)
    return makeError("training_mode=true is not supported by the interpreter");
  if (Error E = aliasKernel(O, In, Out.take_front(1)))
    return E;
  if (Out.size() > 1 && !Out[1].isNull()) // Mask: all kept.
    std::fill(Out[1].mutableBytes().begin(), Out[1].mutableBytes().end(), 1);
  return Error::success();
}

static Error transposeKernel(const Op &O, ArrayRef<const Tensor *> In,
                             MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  size_t Rank = XS.size();
  std::vector<int64_t> Perm = O.getIntsAttr("perm");
  if (Perm.empty())
    for (size_t I = 0; I < Rank; ++I)
      Perm.push_back(Rank - 1 - I);
  if (Perm.size() != Rank)
    return makeError("perm has " + Twine(Perm.size()) + " entries for rank " +
                     Twine(Rank));
  auto XStr = stridesOf(XS);
  // Strides of the input seen in output order.
  SmallVector<int64_t, 6> Src(Rank);
  for (size_t I = 0; I < Rank; ++I) {
    if (Perm[I] < 0 || Perm[I] >= (int64_t)Rank)
      return makeError("perm entry " + Twine(Perm[I]) + " out of range");
    Src[I] = XStr[Perm[I]];
  }
  ArrayRef<int64_t> YS = Out[0].getShape();
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = reinterpret_cast<const U *>(X.bytes().data());
    U *YD = reinterpret_cast<U *>(Out[0].mutableBytes().data());
    int64_t Total = product(YS);
    SmallVector<int64_t, 6> Idx(Rank, 0);
    int64_t Off = 0;
    for (int64_t I = 0; I < Total; ++I) {
      YD[I] = XD[Off];
      for (int D = (int)Rank - 1; D >= 0; --D) {
        Off += Src[D];
        if (++Idx[D] < YS[D])
          break;
        Off -= Src[D] * YS[D];
        Idx[D] = 0;
      }
    }
    return Error::success();
  });
}

/// Concat and Split both view tensors as [Outer, AxisLen * Inner] blocks.
static Error concatKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  Tensor &Y = Out[0];
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), Y.getType().getRank());
  if (!Axis)
    return Axis.takeError();
  ArrayRef<int64_t> YS = Y.getShape();
  int64_t Outer = product(YS.take_front(*Axis));
  size_t ElSize = getElementSize(Y.getElementType());
  size_t InnerBytes = product(YS.drop_front(*Axis + 1)) * ElSize;
  char *YD = Y.mutableBytes().data();
  size_t YRow = YS[*Axis] * InnerBytes, Pos = 0;
  for (const Tensor *T : In) {
    if (!T)
      continue;
    if (T->getElementType() != Y.getElementType() ||
        T->getType().getRank() != YS.size())
      return makeError("operand " + T->getType().str() +
                       " does not match result " + Y.getType().str());
    size_t Row = T->getShape()[*Axis] * InnerBytes;
    const char *TD = T->bytes().data();
    for (int64_t I = 0; I < Outer; ++I)
      std::memcpy(YD + I * YRow + Pos, TD + I * Row, Row);
    Pos += Row;
  }
  if (Pos != YRow)
    return makeError("operands do not add up to the result shape " +
                     Y.getType().str());
  return Error::success();
}

static Error splitKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), X.getType().getRank());
  if (!Axis)
    return Axis.takeError();
  ArrayRef<int64_t> XS = X.getShape();
  int64_t Outer = product(XS.take_front(*Axis));
  size_t InnerBytes =
      product(XS.drop_front(*Axis + 1)) * getElementSize(X.getElementType());
  size_t XRow = XS[*Axis] * InnerBytes, Pos = 0;
  const char *XD = X.bytes().data();
  for (Tensor &Y : Out) {
    size_t Row = Y.getShape()[*Axis] * InnerBytes;
    if (Pos + Row > XRow)
      return makeError("results exceed the split axis");
    char *YD = Y.mutableBytes().data();
    for (int64_t I = 0; I < Outer; ++I)
      std::memcpy(YD + I * Row, XD + I * XRow + Pos, Row);
    Pos += Row;
  }
  return Error::success();
}

/// Copies Y[i] = X[sum_d (Start[d] + i_d * Step[d]) * XStride[d]].
static Error stridedGather(const Tensor &X, ArrayRef<int64_t> Start,
                           ArrayRef<int64_t> Step, Tensor &Y) {
  ArrayRef<int64_t> YS = Y.getShape();
  size_t Rank = YS.size();
  auto XStr = stridesOf(X.getShape());
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = reinterpret_cast<const U *>(X.bytes().data());
    U *YD = reinterpret_cast<U *>(Y.mutableBytes().data());
    int64_t Total = product(YS);
    int64_t Base = 0;
    for (size_t D = 0; D < Rank; ++D)
      Base += Start[D] * XStr[D];
    SmallVector<int64_t, 6> Idx(Rank, 0);
    int64_t Off = Base;
    for (int64_t I = 0; I < Total; ++I) {
      YD[I] = XD[Off];
      for (int D = (int)Rank - 1; D >= 0; --D) {
        Off += Step[D] * XStr[D];
        if (++Idx[D] < YS[D])
          break;
        Off -= Step[D] * XStr[D] * YS[D];
        Idx[D] = 0;
      }
    }
    return Error::success();
  });
}

static Error sliceKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  OperandInfo Info(In);
  auto Starts = getIntListArg(O, Info.In, 1, "starts");
  auto Ends = getIntListArg(O, Info.In, 2, "ends");
  auto Axes = getIntListArg(O, Info.In, 3, "axes");
  auto Steps = getIntListArg(O, Info.In, 4, "steps");
  for (auto *E : {&Starts, &Ends, &Axes, &Steps})
    if (!*E)
      return E->takeError();
  auto Dims = computeSlice(In[0]->getShape(), Starts->Values, Ends->Values,
                           Axes->Values, Steps->Values);
  if (!Dims)
    return Dims.takeError();
  SmallVector<int64_t, 6> Start, Step;
  for (size_t D = 0; D < Dims->size(); ++D) {
    if ((*Dims)[D].Count != Out[0].getShape()[D])
      return makeError("slice count differs from the inferred result");
    Start.push_back((*Dims)[D].Start);
    Step.push_back((*Dims)[D].Step);
  }
  return stridedGather(*In[0], Start, Step, Out[0]);
}

static Error padKernel(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  unsigned Rank = X.getType().getRank();
  OperandInfo Info(In);
  auto Pads = getPadAmounts(O, Info.In, Rank);
  if (!Pads)
    return Pads.takeError();
  if (!Pads->Known || Pads->Values.size() != 2 * Rank)
    return makeError("pad amounts are unknown");
  std::string Mode = O.getStringAttr("mode", "constant");
  if (Mode != "constant" && Mode != "reflect" && Mode != "edge")
    return makeError("pad mode '" + Mode + "' is not supported");
  ArrayRef<int64_t> XS = X.getShape(), YS = Y.getShape();
  for (unsigned D = 0; D < Rank; ++D)
    if (XS[D] == 0 && YS[D] > 0 && Mode != "constant")
      return makeError("cannot " + Mode + "-pad an empty axis");
  // Constant value: operand 2, or the legacy "value" attribute.
  double Value = O.getFloatAttr("value", 0.0f);
  if (In.size() > 2 && In[2] && In[2]->getNumElements() > 0)
    Value = In[2]->getAsDouble(0);
  auto XStr = stridesOf(XS);
  ArrayRef<int64_t> Begin = ArrayRef<int64_t>(Pads->Values).take_front(Rank);
  // Source index along one axis, or -1 for the constant.
  auto SourceIndex = [&](unsigned D, int64_t I) -> int64_t {
    int64_t S = I - Begin[D], N = XS[D];
    if (S >= 0 && S < N)
      return S;
    if (Mode == "constant")
      return -1;
    if (Mode == "edge")
      return S < 0 ? 0 : N - 1;
    if (N == 1)
      return 0;
    int64_t Period = 2 * (N - 1); // reflect, without repeating the edge
    S = ((S % Period) + Period) % Period;
    return S < N ? S : Period - S;
  };
  Tensor ValueT(TensorType(X.getElementType(), {}));
  switch (X.getElementType()) {
  case ElementType::F32: ValueT.mutableData<float>()[0] = Value; break;
  case ElementType::F64: ValueT.mutableData<double>()[0] = Value; break;
  case ElementType::I64: ValueT.mutableData<int64_t>()[0] = In.size() > 2 && In[2] && In[2]->getNumElements() ? In[2]->getAsInt(0) : (int64_t)Value; break;
  case ElementType::I32: ValueT.mutableData<int32_t>()[0] = Value; break;
  case ElementType::I16: ValueT.mutableData<int16_t>()[0] = Value; break;
  case ElementType::I8: ValueT.mutableData<int8_t>()[0] = Value; break;
  case ElementType::U8: ValueT.mutableData<uint8_t>()[0] = Value; break;
  case ElementType::F16:
    *reinterpret_cast<uint16_t *>(ValueT.mutableBytes().data()) =
        floatToHalf(Value);
    break;
  case ElementType::Bool: ValueT.mutableBytes()[0] = Value != 0; break;
  }
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = reinterpret_cast<const U *>(X.bytes().data());
    U *YD = reinterpret_cast<U *>(Y.mutableBytes().data());
    U Fill = *reinterpret_cast<const U *>(ValueT.bytes().data());
    // Per-axis source tables, then walk the result.
    std::vector<std::vector<int64_t>> Map(Rank);
    for (unsigned D = 0; D < Rank; ++D)
      for (int64_t I = 0; I < YS[D]; ++I)
        Map[D].push_back(SourceIndex(D, I));
    int64_t Total = product(YS);
    SmallVector<int64_t, 6> Idx(Rank, 0);
    for (int64_t I = 0; I < Total; ++I) {
      int64_t Off = 0;
      bool Inside = true;
      for (unsigned D = 0; D < Rank && Inside; ++D) {
        int64_t S = Map[D][Idx[D]];
        Inside = S >= 0;
        Off += S * XStr[D];
      }
      YD[I] = Inside ? XD[Off] : Fill;
      for (int D = (int)Rank - 1; D >= 0; --D) {
        if (++Idx[D] < YS[D])
          break;
        Idx[D] = 0;
      }
    }
    return Error::success();
  });
}

static Error shapeKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  ArrayRef<int64_t> XS = In[0]->getShape();
  int64_t Rank = XS.size();
  int64_t Start = O.getIntAttr("start", 0);
  if (Start < 0)
    Start += Rank;
  Start = std::clamp<int64_t>(Start, 0, Rank);
  auto YD = Out[0].mutableData<int64_t>();
  if (Start + (int64_t)YD.size() > Rank)
    return makeError("result does not fit the operand's rank");
  for (size_t I = 0; I < YD.size(); ++I)
    YD[I] = XS[Start + I];
  return Error::success();
}

static Error sizeKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  Out[0].mutableData<int64_t>()[0] = In[0]->getNumElements();
  return Error::success();
}

static Error gatherKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Indices = *In[1];
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), X.getType().getRank());
  if (!Axis)
    return Axis.takeError();
  ArrayRef<int64_t> XS = X.getShape();
  int64_t Outer = product(XS.take_front(*Axis)), N = XS[*Axis];
  size_t InnerBytes =
      product(XS.drop_front(*Axis + 1)) * getElementSize(X.getElementType());
  int64_t NumIdx = Indices.getNumElements();
  if (!isIntegerType(Indices.getElementType()))
    return makeError("indices must be integers, got " +
                     Indices.getType().str());
  std::vector<int64_t> Idx = readInts(Indices);
  for (int64_t &I : Idx) {
    if (I < -N || I >= N)
      return makeError("index " + Twine(I) + " is out of range for axis " +
                       "size " + Twine(N));
    if (I < 0)
      I += N;
  }
  const char *XD = X.bytes().data();
  char *YD = Out[0].mutableBytes().data();
  if ((size_t)Out[0].getSizeInBytes() != Outer * NumIdx * InnerBytes)
    return makeError("result " + Out[0].getType().str() +
                     " does not match the gathered size");
  for (int64_t O2 = 0; O2 < Outer; ++O2)
    for (int64_t J = 0; J < NumIdx; ++J)
      std::memcpy(YD + (O2 * NumIdx + J) * InnerBytes,
                  XD + (O2 * N + Idx[J]) * InnerBytes, InnerBytes);
  return Error::success();
}

/// Reads element I of any type as double / writes it, for Cast.
static double loadAsDouble(const char *P, ElementType Ty) {
  switch (Ty) {
  case ElementType::F32: return *reinterpret_cast<const float *>(P);
  case ElementType::F64: return *reinterpret_cast<const double *>(P);
  case ElementType::F16: return halfToFloat(*reinterpret_cast<const uint16_t *>(P));
  case ElementType::I64: return (double)*reinterpret_cast<const int64_t *>(P);
  case ElementType::I32: return *reinterpret_cast<const int32_t *>(P);
  case ElementType::I16: return *reinterpret_cast<const int16_t *>(P);
  case ElementType::I8: return *reinterpret_cast<const int8_t *>(P);
  case ElementType::U8: return *reinterpret_cast<const uint8_t *>(P);
  case ElementType::Bool: return *P != 0;
  }
  return 0;
}

/// Float-to-integer conversion that saturates instead of being undefined
/// for out-of-range values (ONNX leaves them unspecified).
template <typename T> static T toInt(double V) {
  if (std::isnan(V))
    return 0;
  V = std::trunc(V);
  if (V <= (double)std::numeric_limits<T>::lowest())
    return std::numeric_limits<T>::lowest();
  if (V >= (double)std::numeric_limits<T>::max())
    return std::numeric_limits<T>::max();
  return (T)V;
}

static Error castKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  ElementType From = X.getElementType(), To = Y.getElementType();
  int64_t N = X.getNumElements();
  if (From == To) {
    std::memcpy(Y.mutableBytes().data(), X.bytes().data(), X.getSizeInBytes());
    return Error::success();
  }
  const char *XD = X.bytes().data();
  char *YD = Y.mutableBytes().data();
  size_t XS = getElementSize(From), YSz = getElementSize(To);
  bool IntToInt = isIntegerType(From) && isIntegerType(To);
  for (int64_t I = 0; I < N; ++I) {
    const char *P = XD + I * XS;
    char *Q = YD + I * YSz;
    // int64 -> other integers keeps every bit that fits (wraps, as C++ and
    // onnxruntime do) instead of going through double.
    if (IntToInt || (From == ElementType::Bool && isIntegerType(To))) {
      int64_t V = From == ElementType::I64 ? *reinterpret_cast<const int64_t *>(P)
                                           : (int64_t)loadAsDouble(P, From);
      switch (To) {
      case ElementType::I64: *reinterpret_cast<int64_t *>(Q) = V; break;
      case ElementType::I32: *reinterpret_cast<int32_t *>(Q) = (int32_t)V; break;
      case ElementType::I16: *reinterpret_cast<int16_t *>(Q) = (int16_t)V; break;
      case ElementType::I8: *reinterpret_cast<int8_t *>(Q) = (int8_t)V; break;
      case ElementType::U8: *reinterpret_cast<uint8_t *>(Q) = (uint8_t)V; break;
      default: break;
      }
      continue;
    }
    double V = loadAsDouble(P, From);
    switch (To) {
    case ElementType::F32:
      // f64 -> f32 rounds once; going through double is exact otherwise.
      *reinterpret_cast<float *>(Q) = (float)V;
      break;
    case ElementType::F64: *reinterpret_cast<double *>(Q) = V; break;
    case ElementType::F16:
      *reinterpret_cast<uint16_t *>(Q) = floatToHalf((float)V);
      break;
    case ElementType::I64: *reinterpret_cast<int64_t *>(Q) = toInt<int64_t>(V); break;
    case ElementType::I32: *reinterpret_cast<int32_t *>(Q) = toInt<int32_t>(V); break;
    case ElementType::I16: *reinterpret_cast<int16_t *>(Q) = toInt<int16_t>(V); break;
    case ElementType::I8: *reinterpret_cast<int8_t *>(Q) = toInt<int8_t>(V); break;
    case ElementType::U8: *reinterpret_cast<uint8_t *>(Q) = toInt<uint8_t>(V); break;
    case ElementType::Bool: *Q = V != 0; break;
    }
  }
  return Error::success();
}

static Error constantKernel(const Op &O, ArrayRef<const Tensor *> In,
                            MutableArrayRef<Tensor> Out) {
  auto V = getConstantAttrValue(O);
  if (!V)
    return V.takeError();
  if (V->getSizeInBytes() != Out[0].getSizeInBytes() ||
      V->getElementType() != Out[0].getElementType())
    return makeError("value " + V->getType().str() +
                     " does not match the result " + Out[0].getType().str());
  TensorType T = Out[0].getType();
  Out[0] = *V;
  Out[0].setType(T);
  return Error::success();
}

static Error constantOfShapeKernel(const Op &O, ArrayRef<const Tensor *> In,
                                   MutableArrayRef<Tensor> Out) {
  const Attribute *A = O.getAttr("value");
  if (!A) { // Default: f32 zeros.
    std::fill(Out[0].mutableBytes().begin(), Out[0].mutableBytes().end(), 0);
    return Error::success();
  }
  if (!A->is(AttrKind::Tensor) || A->getTensor().getNumElements() != 1)
    return makeError("value must be a one-element tensor");
  const Tensor &V = A->getTensor();
  size_t Size = V.getSizeInBytes();
  MutableArrayRef<char> Y = Out[0].mutableBytes();
  if (V.getElementType() != Out[0].getElementType())
    return makeError("value type differs from the result type");
  for (size_t I = 0; I + Size <= Y.size(); I += Size)
    std::memcpy(Y.data() + I, V.bytes().data(), Size);
  return Error::success();
}

static Error expandKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  auto XS = broadcastStrides(X.getShape(), Out[0].getShape());
  if (!XS)
    return XS.takeError();
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = reinterpret_cast<const U *>(X.bytes().data());
    U *YD = reinterpret_cast<U *>(Out[0].mutableBytes().data());
    SmallVector<int64_t, 6> Zero(XS->size(), 0);
    broadcastLoop(XD, *XS, XD, Zero, YD, Out[0].getShape(),
                  [](U A, U) { return A; });
    return Error::success();
  });
}

static Error tileKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape(), YS = Out[0].getShape();
  size_t Rank = XS.size();
  auto XStr = stridesOf(XS);
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = reinterpret_cast<const U *>(X.bytes().data());
    U *YD = reinterpret_cast<U *>(Out[0].mutableBytes().data());
    SmallVector<int64_t, 6> Idx(Rank, 0);
    for (int64_t I = 0, N = product(YS); I < N; ++I) {
      int64_t Off = 0;
      for (size_t D = 0; D < Rank; ++D)
        Off += (Idx[D] % XS[D]) * XStr[D];
      YD[I] = XD[Off];
      for (int D = (int)Rank - 1; D >= 0; --D) {
        if (++Idx[D] < YS[D])
          break;
        Idx[D] = 0;
      }
    }
    return Error::success();
  });
}

static Error rangeKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  Tensor &Y = Out[0];
  int64_t N = Y.getNumElements();
  switch (Y.getElementType()) {
  case ElementType::F32: {
    float S = In[0]->getAsDouble(0), D = In[2]->getAsDouble(0);
    auto YD = Y.mutableData<float>();
    for (int64_t I = 0; I < N; ++I)
      YD[I] = S + I * D;
    return Error::success();
  }
  case ElementType::F64: {
    double S = In[0]->getAsDouble(0), D = In[2]->getAsDouble(0);
    auto YD = Y.mutableData<double>();
    for (int64_t I = 0; I < N; ++I)
      YD[I] = S + I * D;
    return Error::success();
  }
  case ElementType::I64:
  case ElementType::I32:
  case ElementType::I16: {
    int64_t S = In[0]->getAsInt(0), D = In[2]->getAsInt(0);
    return dispatchBySize(getElementSize(Y.getElementType()), [&](auto Z) {
      using U = decltype(Z);
      U *YD = reinterpret_cast<U *>(Y.mutableBytes().data());
      for (int64_t I = 0; I < N; ++I)
        YD[I] = (U)(S + I * D);
      return Error::success();
    });
  }
  default:
    return unsupportedType(Y);
  }
}

} // namespace interp

void registerTensorKernels(KernelRegistry &R) {
  using namespace interp;
  for (const char *K : {"onnx.Identity", "onnx.Reshape", "onnx.Flatten",
                        "onnx.Squeeze", "onnx.Unsqueeze"})
    R.add(K, aliasKernel);
  R.add("onnx.Dropout", dropoutKernel);
  R.add("onnx.Transpose", transposeKernel);
  R.add("onnx.Concat", concatKernel);
  R.add("onnx.Split", splitKernel);
  R.add("onnx.Slice", sliceKernel);
  R.add("onnx.Pad", padKernel);
  R.add("onnx.Shape", shapeKernel);
  R.add("onnx.Size", sizeKernel);
  R.add("onnx.Gather", gatherKernel);
  R.add("onnx.Cast", castKernel);
  R.add("onnx.Constant", constantKernel);
  R.add("onnx.ConstantOfShape", constantOfShapeKernel);
  R.add("onnx.Expand", expandKernel);
  R.add("onnx.Tile", tileKernel);
  R.add("onnx.Range", rangeKernel);
}

} // namespace onncf
