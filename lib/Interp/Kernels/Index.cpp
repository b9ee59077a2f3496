//===- Index.cpp - Index-driven gather/scatter and selection kernels
//-------===//
//
// Part of onnc-fault. Kernels whose result positions are chosen by indices
// or by comparisons: ArgMax/ArgMin, TopK, GatherElements, GatherND,
// ScatterElements, ScatterND, OneHot, NonZero, ReverseSequence, plus the
// index-pattern ops Trilu, EyeLike, CumSum and DepthToSpace/SpaceToDepth.
// Data movement works on any element type (by element size); comparisons
// and arithmetic on the numeric types. Out-of-range indices are errors.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include <algorithm>
#include <numeric>

using namespace llvm;

namespace onncf {
namespace interp {

/// Calls Fn(T{}) for the numeric types with arithmetic kernels.
template <typename F> static Error dispatchArith(ElementType Ty, F &&Fn) {
  switch (Ty) {
  case ElementType::F32:
    return Fn(float());
  case ElementType::F64:
    return Fn(double());
  case ElementType::I64:
    return Fn(int64_t());
  case ElementType::I32:
    return Fn(int32_t());
  case ElementType::I16:
    return Fn(int16_t());
  case ElementType::I8:
    return Fn(int8_t());
  case ElementType::U8:
  case ElementType::Bool:
    return Fn(uint8_t());
  default:
    return makeError("element type " + getElementTypeName(Ty) +
                     " is not supported by this kernel");
  }
}

template <typename T> static const T *ptr(const Tensor &X) {
  return reinterpret_cast<const T *>(X.bytes().data());
}
template <typename T> static T *mptr(Tensor &X) {
  return reinterpret_cast<T *>(X.mutableBytes().data());
}

/// [Outer, Axis, Inner] view of \p Shape around \p Axis.
static void splitAt(ArrayRef<int64_t> Shape, unsigned Axis, int64_t &Outer,
                    int64_t &Inner) {
  Outer = product(Shape.take_front(Axis));
  Inner = product(Shape.drop_front(Axis + 1));
}

/// Normalises index \p I into [0, Dim); error when out of range.
static Expected<int64_t> fixIndex(int64_t I, int64_t Dim) {
  if (I < -Dim || I >= Dim)
    return makeError("index " + Twine(I) + " is out of range for a dim of " +
                     Twine(Dim));
  return I < 0 ? I + Dim : I;
}

//===-- ArgMax / ArgMin / TopK
//---------------------------------------------===//

template <bool IsMax>
static Error argKernel(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), X.getShape().size());
  if (!Axis)
    return Axis.takeError();
  bool Last = O.getIntAttr("select_last_index", 0) != 0;
  int64_t Outer, Inner, Dim = X.getShape()[*Axis];
  splitAt(X.getShape(), *Axis, Outer, Inner);
  if (Out[0].getElementType() != ElementType::I64 ||
      Out[0].getNumElements() != Outer * Inner)
    return makeError("unexpected result type " + Out[0].getType().str());
  if (Dim == 0)
    return makeError("cannot take the arg of an empty axis");
  int64_t *YD = mptr<int64_t>(Out[0]);
  return dispatchArith(X.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    const T *XD = ptr<T>(X);
    for (int64_t O = 0; O < Outer; ++O)
      for (int64_t I = 0; I < Inner; ++I) {
        const T *P = XD + O * Dim * Inner + I;
        int64_t Best = 0;
        for (int64_t K = 1; K < Dim; ++K) {
          T V = P[K * Inner], B = P[Best * Inner];
          bool Better =
              IsMax ? (Last ? V >= B : V > B) : (Last ? V <= B : V < B);
          if (Better)
            Best = K;
        }
        YD[O * Inner + I] = Best;
      }
    return Error::success();
  });
}

static Error topKKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  auto Axis = normalizeAxis(O.getIntAttr("axis", -1), X.getShape().size());
  if (!Axis)
    return Axis.takeError();
  bool Largest = O.getIntAttr("largest", 1) != 0;
  int64_t Outer, Inner, Dim = X.getShape()[*Axis];
  splitAt(X.getShape(), *Axis, Outer, Inner);
  int64_t K = Out[0].getShape()[*Axis];
  if (K > Dim || Out[1].getElementType() != ElementType::I64)
    return makeError("k = " + Twine(K) + " exceeds the axis size " +
                     Twine(Dim));
  int64_t *ID = mptr<int64_t>(Out[1]);
  return dispatchArith(X.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    const T *XD = ptr<T>(X);
    T *VD = mptr<T>(Out[0]);
    std::vector<int64_t> Order(Dim);
    for (int64_t O = 0; O < Outer; ++O)
      for (int64_t I = 0; I < Inner; ++I) {
        const T *P = XD + O * Dim * Inner + I;
        std::iota(Order.begin(), Order.end(), 0);
        // Ties keep the lower index first, as ONNX specifies.
        std::stable_sort(Order.begin(), Order.end(), [&](int64_t A, int64_t B) {
          return Largest ? P[A * Inner] > P[B * Inner]
                         : P[A * Inner] < P[B * Inner];
        });
        for (int64_t J = 0; J < K; ++J) {
          int64_t Dst = (O * K + J) * Inner + I;
          VD[Dst] = P[Order[J] * Inner];
          ID[Dst] = Order[J];
        }
      }
    return Error::success();
  });
}

//===-- GatherElements / ScatterElements
//-----------------------------------===//

/// Calls Fn(flat data offset, flat index offset) for every element of an
/// indices tensor of shape \p IS, with the axis coordinate replaced by the
/// index value (data shape \p DS).
template <typename F>
static Error forEachElementIndex(ArrayRef<int64_t> DS, ArrayRef<int64_t> IS,
                                 const Tensor &Idx, unsigned Axis, F Fn) {
  auto DStr = stridesOf(DS);
  int64_t N = product(IS);
  size_t Rank = IS.size();
  SmallVector<int64_t, 6> C(Rank, 0);
  for (int64_t I = 0; I < N; ++I) {
    auto V = fixIndex(Idx.getAsInt(I), DS[Axis]);
    if (!V)
      return V.takeError();
    int64_t Off = 0;
    for (size_t D = 0; D < Rank; ++D)
      Off += (D == Axis ? *V : C[D]) * DStr[D];
    Fn(Off, I);
    for (int D = (int)Rank - 1; D >= 0; --D) {
      if (++C[D] < IS[D])
        break;
      C[D] = 0;
    }
  }
  return Error::success();
}

static Error gatherElementsKernel(const Op &O, ArrayRef<const Tensor *> In,
                                  MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Idx = *In[1];
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), X.getShape().size());
  if (!Axis)
    return Axis.takeError();
  if (Idx.getShape().size() != X.getShape().size())
    return makeError("indices rank differs from data rank");
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = ptr<U>(X);
    U *YD = mptr<U>(Out[0]);
    return forEachElementIndex(
        X.getShape(), Idx.getShape(), Idx, *Axis,
        [&](int64_t Src, int64_t I) { YD[I] = XD[Src]; });
  });
}

template <typename T> static T combine(StringRef Red, T Old, T New) {
  if (Red == "add")
    return Old + New;
  if (Red == "mul")
    return Old * New;
  if (Red == "max")
    return std::max(Old, New);
  if (Red == "min")
    return std::min(Old, New);
  return New;
}

static Error scatterElementsKernel(const Op &O, ArrayRef<const Tensor *> In,
                                   MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Idx = *In[1], &Upd = *In[2];
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), X.getShape().size());
  if (!Axis)
    return Axis.takeError();
  std::string Red = O.getStringAttr("reduction", "none");
  if (Idx.getShape() != Upd.getShape() ||
      Idx.getShape().size() != X.getShape().size())
    return makeError("indices and updates must have the data's rank and "
                     "the same shape");
  return dispatchArith(X.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    T *YD = mptr<T>(Out[0]);
    const T *UD = ptr<T>(Upd);
    std::copy_n(ptr<T>(X), X.getNumElements(), YD);
    return forEachElementIndex(X.getShape(), Idx.getShape(), Idx, *Axis,
                               [&](int64_t Dst, int64_t I) {
                                 YD[Dst] = combine<T>(Red, YD[Dst], UD[I]);
                               });
  });
}

//===-- GatherND / ScatterND
//-----------------------------------------------===//

/// Index tuples of the last indices dim: calls Fn(tuple number, data
/// offset) where the data offset addresses a slice of \p SliceSize
/// elements; batch_dims leading dims are shared by data and indices.
template <typename F>
static Error forEachTuple(ArrayRef<int64_t> DS, const Tensor &Idx,
                          int64_t BatchDims, int64_t &SliceSize, F Fn) {
  ArrayRef<int64_t> IS = Idx.getShape();
  if (IS.empty())
    return makeError("indices must have rank >= 1");
  int64_t Q = IS.back();
  if (BatchDims < 0 || BatchDims + Q > (int64_t)DS.size())
    return makeError("index tuples of length " + Twine(Q) +
                     " do not fit the data rank");
  auto DStr = stridesOf(DS);
  SliceSize = product(DS.drop_front(BatchDims + Q));
  int64_t Batch = product(DS.take_front(BatchDims));
  int64_t Tuples = product(IS.drop_back());
  int64_t PerBatch = Batch ? Tuples / Batch : 0;
  int64_t BatchStride = BatchDims ? DStr[BatchDims - 1] : 0;
  for (int64_t T = 0; T < Tuples; ++T) {
    int64_t Off = PerBatch ? (T / PerBatch) * BatchStride : 0;
    for (int64_t K = 0; K < Q; ++K) {
      auto V = fixIndex(Idx.getAsInt(T * Q + K), DS[BatchDims + K]);
      if (!V)
        return V.takeError();
      Off += *V * DStr[BatchDims + K];
    }
    Fn(T, Off);
  }
  return Error::success();
}

static Error gatherNDKernel(const Op &O, ArrayRef<const Tensor *> In,
                            MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Idx = *In[1];
  int64_t BatchDims = O.getIntAttr("batch_dims", 0), Slice = 0;
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = ptr<U>(X);
    U *YD = mptr<U>(Out[0]);
    return forEachTuple(X.getShape(), Idx, BatchDims, Slice,
                        [&](int64_t T, int64_t Off) {
                          std::copy_n(XD + Off, Slice, YD + T * Slice);
                        });
  });
}

static Error scatterNDKernel(const Op &O, ArrayRef<const Tensor *> In,
                             MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Idx = *In[1], &Upd = *In[2];
  std::string Red = O.getStringAttr("reduction", "none");
  int64_t Slice = 0;
  return dispatchArith(X.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    T *YD = mptr<T>(Out[0]);
    const T *UD = ptr<T>(Upd);
    std::copy_n(ptr<T>(X), X.getNumElements(), YD);
    int64_t Tuples = product(Idx.getShape().drop_back());
    int64_t Need =
        Tuples * product(X.getShape().drop_front(
                     Idx.getShape().empty() ? 0 : Idx.getShape().back()));
    if (Upd.getNumElements() != Need)
      return makeError("updates " + Upd.getType().str() +
                       " do not match the indexed slices");
    return forEachTuple(
        X.getShape(), Idx, 0, Slice, [&](int64_t Tu, int64_t Off) {
          for (int64_t I = 0; I < Slice; ++I)
            YD[Off + I] = combine<T>(Red, YD[Off + I], UD[Tu * Slice + I]);
        });
  });
}

//===-- OneHot / NonZero / ReverseSequence
//----------------------------------===//

static Error oneHotKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  const Tensor &Idx = *In[0], &Vals = *In[2];
  Tensor &Y = Out[0];
  int64_t Depth = (int64_t)In[1]->getAsDouble(0);
  auto Axis = normalizeAxis(O.getIntAttr("axis", -1), Y.getShape().size());
  if (!Axis)
    return Axis.takeError();
  if (Vals.getNumElements() != 2)
    return makeError("values must have 2 elements");
  int64_t Outer, Inner;
  splitAt(Y.getShape(), *Axis, Outer, Inner);
  return dispatchBySize(getElementSize(Y.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *VD = ptr<U>(Vals);
    U *YD = mptr<U>(Y);
    std::fill_n(YD, Y.getNumElements(), VD[0]);
    for (int64_t O = 0; O < Outer; ++O)
      for (int64_t I = 0; I < Inner; ++I) {
        int64_t V = (int64_t)Idx.getAsDouble(O * Inner + I);
        if (V < 0)
          V += Depth;
        if (V >= 0 && V < Depth) // Out-of-range: an all-off row.
          YD[(O * Depth + V) * Inner + I] = VD[1];
      }
    return Error::success();
  });
}

static Error nonZeroKernel(const Op &O, ArrayRef<const Tensor *> In,
                           MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  size_t Rank = XS.size();
  std::vector<int64_t> Hits;
  for (int64_t I = 0, N = X.getNumElements(); I < N; ++I)
    if (X.getAsDouble(I) != 0)
      Hits.push_back(I);
  Tensor Y(TensorType(ElementType::I64, {(int64_t)Rank, (int64_t)Hits.size()}));
  auto Str = stridesOf(XS);
  int64_t *YD = Y.mutableData<int64_t>().data();
  for (size_t H = 0; H < Hits.size(); ++H)
    for (size_t D = 0; D < Rank; ++D)
      YD[D * Hits.size() + H] = (Hits[H] / Str[D]) % XS[D];
  if (Out[0].getShape() != Y.getShape())
    return makeError("result " + Out[0].getType().str() +
                     " does not match the nonzero count " + Twine(Hits.size()));
  Out[0] = Y;
  return Error::success();
}

static Error reverseSequenceKernel(const Op &O, ArrayRef<const Tensor *> In,
                                   MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Lens = *In[1];
  int64_t BA = O.getIntAttr("batch_axis", 1), TA = O.getIntAttr("time_axis", 0);
  ArrayRef<int64_t> XS = X.getShape();
  if (XS.size() < 2 || (BA != 0 && BA != 1) || (TA != 0 && TA != 1) || BA == TA)
    return makeError("batch_axis/time_axis must be 0 and 1");
  int64_t Inner = product(XS.drop_front(2)), Batch = XS[BA], Time = XS[TA];
  auto Str = stridesOf(XS);
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = ptr<U>(X);
    U *YD = mptr<U>(Out[0]);
    for (int64_t B = 0; B < Batch; ++B) {
      int64_t Len = std::clamp<int64_t>(Lens.getAsInt(B), 0, Time);
      for (int64_t T = 0; T < Time; ++T) {
        int64_t Src = T < Len ? Len - 1 - T : T;
        const U *S = XD + B * Str[BA] + Src * Str[TA];
        U *D = YD + B * Str[BA] + T * Str[TA];
        std::copy_n(S, Inner, D);
      }
    }
    return Error::success();
  });
}

//===-- Trilu / EyeLike / CumSum / DepthToSpace
//-----------------------------===//

static Error triluKernel(const Op &O, ArrayRef<const Tensor *> In,
                         MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  if (XS.size() < 2)
    return makeError("input must have rank >= 2");
  int64_t K = In.size() > 1 && In[1] ? In[1]->getAsInt(0) : 0;
  bool Upper = O.getIntAttr("upper", 1) != 0;
  int64_t R = XS[XS.size() - 2], C = XS.back(), Mats = product(XS.drop_back(2));
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = ptr<U>(X);
    U *YD = mptr<U>(Out[0]);
    for (int64_t M = 0; M < Mats; ++M)
      for (int64_t I = 0; I < R; ++I)
        for (int64_t J = 0; J < C; ++J) {
          int64_t Off = (M * R + I) * C + J;
          bool Keep = Upper ? J - I >= K : J - I <= K;
          YD[Off] = Keep ? XD[Off] : U(0);
        }
    return Error::success();
  });
}

static Error eyeLikeKernel(const Op &O, ArrayRef<const Tensor *> In,
                           MutableArrayRef<Tensor> Out) {
  Tensor &Y = Out[0];
  if (Y.getShape().size() != 2)
    return makeError("input must be 2-D");
  int64_t R = Y.getShape()[0], C = Y.getShape()[1];
  int64_t K = O.getIntAttr("k", 0);
  return dispatchArith(Y.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    T *YD = mptr<T>(Y);
    for (int64_t I = 0; I < R; ++I)
      for (int64_t J = 0; J < C; ++J)
        YD[I * C + J] = J - I == K ? T(1) : T(0);
    return Error::success();
  });
}

static Error cumSumKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  auto Axis = normalizeAxis(In[1]->getAsInt(0), X.getShape().size());
  if (!Axis)
    return Axis.takeError();
  bool Exclusive = O.getIntAttr("exclusive", 0) != 0;
  bool Reverse = O.getIntAttr("reverse", 0) != 0;
  int64_t Outer, Inner, Dim = X.getShape()[*Axis];
  splitAt(X.getShape(), *Axis, Outer, Inner);
  return dispatchArith(X.getElementType(), [&](auto Z) -> Error {
    using T = decltype(Z);
    const T *XD = ptr<T>(X);
    T *YD = mptr<T>(Out[0]);
    for (int64_t O = 0; O < Outer; ++O)
      for (int64_t I = 0; I < Inner; ++I) {
        T Acc = 0;
        for (int64_t S = 0; S < Dim; ++S) {
          int64_t K = Reverse ? Dim - 1 - S : S;
          int64_t Off = (O * Dim + K) * Inner + I;
          if (Exclusive) {
            YD[Off] = Acc;
            Acc += XD[Off];
          } else {
            Acc += XD[Off];
            YD[Off] = Acc;
          }
        }
      }
    return Error::success();
  });
}

/// DepthToSpace (DCR/CRD) and SpaceToDepth as one 6-D transpose.
static Error depthSpaceKernel(const Op &O, ArrayRef<const Tensor *> In,
                              MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  int64_t B = O.getIntAttr("blocksize", 0);
  if (XS.size() != 4 || B < 1)
    return makeError("needs a 4-D input and a positive blocksize");
  int64_t N = XS[0], C = XS[1], H = XS[2], W = XS[3];
  bool ToSpace = O.getKind() == "onnx.DepthToSpace";
  bool CRD = O.getStringAttr("mode", "DCR") == "CRD";
  // Loop over the output in order; compute the source offset.
  int64_t OC = ToSpace ? C / (B * B) : C * B * B;
  int64_t OH = ToSpace ? H * B : H / B, OW = ToSpace ? W * B : W / B;
  return dispatchBySize(getElementSize(X.getElementType()), [&](auto Z) {
    using U = decltype(Z);
    const U *XD = ptr<U>(X);
    U *YD = mptr<U>(Out[0]);
    int64_t Dst = 0;
    for (int64_t Nn = 0; Nn < N; ++Nn)
      for (int64_t Cc = 0; Cc < OC; ++Cc)
        for (int64_t Hh = 0; Hh < OH; ++Hh)
          for (int64_t Ww = 0; Ww < OW; ++Ww, ++Dst) {
            int64_t SC, SH, SW;
            if (ToSpace) {
              int64_t BH = Hh % B, BW = Ww % B;
              SC = CRD ? (Cc * B + BH) * B + BW : (BH * B + BW) * OC + Cc;
              SH = Hh / B, SW = Ww / B;
            } else {
              // SpaceToDepth: output channel = (bh * B + bw) * C + c.
              int64_t Blk = Cc / C, Ch = Cc % C;
              SC = Ch, SH = Hh * B + Blk / B, SW = Ww * B + Blk % B;
            }
            YD[Dst] = XD[((Nn * C + SC) * H + SH) * W + SW];
          }
    return Error::success();
  });
}

} // namespace interp

void registerIndexKernels(KernelRegistry &R) {
  using namespace interp;
  R.add("onnx.ArgMax", argKernel<true>);
  R.add("onnx.ArgMin", argKernel<false>);
  R.add("onnx.TopK", topKKernel);
  R.add("onnx.GatherElements", gatherElementsKernel);
  R.add("onnx.ScatterElements", scatterElementsKernel);
  R.add("onnx.GatherND", gatherNDKernel);
  R.add("onnx.ScatterND", scatterNDKernel);
  R.add("onnx.OneHot", oneHotKernel);
  R.add("onnx.NonZero", nonZeroKernel);
  R.add("onnx.ReverseSequence", reverseSequenceKernel);
  R.add("onnx.Trilu", triluKernel);
  R.add("onnx.EyeLike", eyeLikeKernel);
  R.add("onnx.CumSum", cumSumKernel);
  R.add("onnx.DepthToSpace", depthSpaceKernel);
  R.add("onnx.SpaceToDepth", depthSpaceKernel);
}

} // namespace onncf
