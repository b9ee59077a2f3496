//===- Pool.cpp - Pooling kernels ------------------------------------------===//
//
// Part of onnc-fault. MaxPool (with the optional Indices result),
// AveragePool (count_include_pad, ceil_mode via the inferred output size),
// GlobalAveragePool and GlobalMaxPool, 1-D to 3-D: float32, and for the
// max pools also the integer tensors of quantized graphs (i8, u8, i16).
//
// Window rule (as onnxruntime): the window of output o starts at
// o*stride - pad_begin; for averaging with count_include_pad it is clipped
// to the padded input [-pad_begin, in + pad_end) to count its size, then to
// the input [0, in) to sum.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>
#include <limits>
#include <type_traits>

using namespace llvm;

namespace onncf {
namespace interp {

namespace {
/// The input positions one window covers along one axis: First,
/// First + Dilation, ... (Count of them inside [0, in)), and how many of its
/// taps lie in the padded input [-pad_begin, in + pad_end).
struct AxisWindow {
  int64_t First = 0, Count = 0;
  int64_t PaddedCount = 0;
};
} // namespace

static AxisWindow axisWindow(const WindowGeometry &G, unsigned A, int64_t O) {
  AxisWindow W;
  int64_t Start = O * G.Stride[A] - G.PadBegin[A];
  bool Seen = false;
  for (int64_t K = 0; K < G.Kernel[A]; ++K) {
    int64_t I = Start + K * G.Dilation[A];
    if (I >= -G.PadBegin[A] && I < G.In[A] + G.PadEnd[A])
      ++W.PaddedCount;
    if (I >= 0 && I < G.In[A]) {
      if (!Seen)
        W.First = I;
      Seen = true;
      ++W.Count;
    }
  }
  return W;
}

enum class PoolKind { Max, Average };

/// \p T is float, or an integer type for max pooling (quantized tensors:
/// max only selects elements, so the integers are pooled directly).
template <typename T>
static Error poolImplT(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out, PoolKind Kind,
                       bool Global) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  if (Y.getElementType() != X.getElementType())
    return unsupportedType(Y);
  // Padded cells are never read: they cannot win a max, whatever the sign
  // of the data.
  const T Lowest = std::numeric_limits<T>::has_infinity
                       ? -std::numeric_limits<T>::infinity()
                       : std::numeric_limits<T>::lowest();
  ArrayRef<int64_t> XS = X.getShape(), YS = Y.getShape();
  WindowGeometry G;
  if (Global) {
    if (XS.size() < 3 || XS.size() > 5)
      return makeError("expected an input of rank 3 to 5, got " +
                       X.getType().str());
    G.NumSpatial = XS.size() - 2;
    for (unsigned I = 0; I < G.NumSpatial; ++I) {
      G.In[I] = G.Kernel[I] = XS[2 + I];
      G.Out[I] = 1;
    }
  } else {
    auto Geo = toWindowGeometry(computePoolGeometry(O, XS), YS);
    if (!Geo)
      return Geo.takeError();
    G = *Geo;
  }
  bool IncludePad = O.getIntAttr("count_include_pad", 0) != 0;
  int64_t Planes = XS[0] * XS[1];
  int64_t InSize = G.In[0] * G.In[1] * G.In[2];
  int64_t OutSize = G.Out[0] * G.Out[1] * G.Out[2];
  const T *XD = X.data<T>().data();
  T *YD = Y.mutableData<T>().data();
  int64_t *Idx = nullptr;
  if (Out.size() > 1 && !Out[1].isNull()) {
    if (Out[1].getElementType() != ElementType::I64)
      return unsupportedType(Out[1]);
    Idx = Out[1].mutableData<int64_t>().data();
  }
  // Windows per axis are the same for every plane: compute them once.
  std::vector<AxisWindow> Win[3];
  for (unsigned A = 0; A < 3; ++A)
    for (int64_t O2 = 0; O2 < G.Out[A]; ++O2)
      Win[A].push_back(axisWindow(G, A, O2));

  // The common 2x2/stride-2 max pool without padding: a tight loop.
  if (Kind == PoolKind::Max && !Idx && G.NumSpatial == 2 &&
      G.Kernel[0] == 2 && G.Kernel[1] == 2 && G.Stride[0] == 2 &&
      G.Stride[1] == 2 && G.Dilation[0] == 1 && G.Dilation[1] == 1 &&
      G.PadBegin[0] == 0 && G.PadBegin[1] == 0 &&
      2 * G.Out[0] <= G.In[0] && 2 * G.Out[1] <= G.In[1]) {
    int64_t W = G.In[1];
    for (int64_t P = 0; P < Planes; ++P)
      for (int64_t Oh = 0; Oh < G.Out[0]; ++Oh) {
        const T *R0 = XD + P * InSize + 2 * Oh * W, *R1 = R0 + W;
        T *YR = YD + P * OutSize + Oh * G.Out[1];
        for (int64_t Ow = 0; Ow < G.Out[1]; ++Ow) {
          T A = R0[2 * Ow] > R0[2 * Ow + 1] ? R0[2 * Ow] : R0[2 * Ow + 1];
          T B = R1[2 * Ow] > R1[2 * Ow + 1] ? R1[2 * Ow] : R1[2 * Ow + 1];
          YR[Ow] = A > B ? A : B;
        }
      }
    return Error::success();
  }

  int64_t S1 = G.In[1] * G.In[2], S2 = G.In[2];
  int64_t D0 = G.Dilation[0], D1 = G.Dilation[1] * S2, D2 = G.Dilation[2];
  for (int64_t P = 0; P < Planes; ++P) {
    const T *XP = XD + P * InSize;
    T *YP = YD + P * OutSize;
    int64_t OI = 0;
    for (int64_t O0 = 0; O0 < G.Out[0]; ++O0)
      for (int64_t O1 = 0; O1 < G.Out[1]; ++O1) {
        const AxisWindow &W0 = Win[0][O0], &W1 = Win[1][O1];
        for (int64_t O2 = 0; O2 < G.Out[2]; ++O2, ++OI) {
          const AxisWindow &W2 = Win[2][O2];
          const T *Base = XP + W0.First * S1 + W1.First * S2 + W2.First;
          if (Kind == PoolKind::Max && !Idx) {
            // Branch-free (maxss): comparisons of data are unpredictable.
            // Windows are never empty here (the geometry guarantees a tap
            // inside the input).
            T Best = Lowest;
            for (int64_t K0 = 0; K0 < W0.Count; ++K0)
              for (int64_t K1 = 0; K1 < W1.Count; ++K1) {
                const T *R = Base + K0 * D0 * S1 + K1 * D1;
                for (int64_t K2 = 0; K2 < W2.Count; ++K2)
                  Best = R[K2 * D2] > Best ? R[K2 * D2] : Best;
              }
            YP[OI] = Best;
          } else if (Kind == PoolKind::Max) {
            T Best = Lowest;
            int64_t BestOff = -1;
            for (int64_t K0 = 0; K0 < W0.Count; ++K0)
              for (int64_t K1 = 0; K1 < W1.Count; ++K1) {
                const T *R = Base + K0 * D0 * S1 + K1 * D1;
                for (int64_t K2 = 0; K2 < W2.Count; ++K2) {
                  T V = R[K2 * D2];
                  // NaN never wins a comparison; keep the first element then.
                  if (V > Best || BestOff < 0) {
                    Best = V;
                    BestOff = (R + K2 * D2) - XP;
                  }
                }
              }
            YP[OI] = Best;
            if (Idx)
              Idx[P * OutSize + OI] = BestOff < 0 ? 0 : P * InSize + BestOff;
          } else if constexpr (std::is_same_v<T, float>) {
            float Sum = 0.0f;
            for (int64_t K0 = 0; K0 < W0.Count; ++K0)
              for (int64_t K1 = 0; K1 < W1.Count; ++K1) {
                const T *R = Base + K0 * D0 * S1 + K1 * D1;
                for (int64_t K2 = 0; K2 < W2.Count; ++K2)
                  Sum += R[K2 * D2];
              }
            int64_t Count = IncludePad
                                ? W0.PaddedCount * W1.PaddedCount *
                                      W2.PaddedCount
                                : W0.Count * W1.Count * W2.Count;
            YP[OI] = Count ? Sum / (float)Count : 0.0f;
          }
        }
      }
  }
  return Error::success();
}

static Error poolImpl(const Op &O, ArrayRef<const Tensor *> In,
                      MutableArrayRef<Tensor> Out, PoolKind Kind,
                      bool Global) {
  const Tensor &X = *In[0];
  switch (X.getElementType()) {
  case ElementType::F32:
    return poolImplT<float>(O, In, Out, Kind, Global);
  case ElementType::I8:
    if (Kind == PoolKind::Max)
      return poolImplT<int8_t>(O, In, Out, Kind, Global);
    break;
  case ElementType::U8:
    if (Kind == PoolKind::Max)
      return poolImplT<uint8_t>(O, In, Out, Kind, Global);
    break;
  case ElementType::I16:
    if (Kind == PoolKind::Max)
      return poolImplT<int16_t>(O, In, Out, Kind, Global);
    break;
  default:
    break;
  }
  return unsupportedType(X);
}

static Error maxPool(const Op &O, ArrayRef<const Tensor *> In,
                     MutableArrayRef<Tensor> Out) {
  if (Error E = poolImpl(O, In, Out, PoolKind::Max, false))
    return E;
  // storage_order=1: Indices count the spatial dims column-major (the
  // last spatial axis varies slowest); N and C stay row-major.
  if (O.getIntAttr("storage_order", 0) != 0 && Out.size() > 1 &&
      !Out[1].isNull()) {
    ArrayRef<int64_t> XS = In[0]->getShape();
    SmallVector<int64_t, 3> Sp(XS.begin() + 2, XS.end());
    int64_t Plane = product(Sp);
    for (int64_t &Idx : Out[1].mutableData<int64_t>()) {
      int64_t P = Idx / Plane, R = Idx % Plane, ColMajor = 0, Mul = 1;
      auto Str = stridesOf(Sp);
      for (size_t D = 0; D < Sp.size(); ++D) {
        ColMajor += (R / Str[D]) * Mul;
        R %= Str[D];
        Mul *= Sp[D];
      }
      Idx = P * Plane + ColMajor;
    }
  }
  return Error::success();
}
static Error avgPool(const Op &O, ArrayRef<const Tensor *> In,
                     MutableArrayRef<Tensor> Out) {
  return poolImpl(O, In, Out, PoolKind::Average, false);
}
static Error globalMaxPool(const Op &O, ArrayRef<const Tensor *> In,
                           MutableArrayRef<Tensor> Out) {
  return poolImpl(O, In, Out, PoolKind::Max, true);
}
static Error globalAvgPool(const Op &O, ArrayRef<const Tensor *> In,
                           MutableArrayRef<Tensor> Out) {
  return poolImpl(O, In, Out, PoolKind::Average, true);
}

} // namespace interp

void registerPoolKernels(KernelRegistry &R) {
  R.add("onnx.MaxPool", interp::maxPool);
  R.add("onnx.AveragePool", interp::avgPool);
  R.add("onnx.GlobalMaxPool", interp::globalMaxPool);
  R.add("onnx.GlobalAveragePool", interp::globalAvgPool);
}

} // namespace onncf
