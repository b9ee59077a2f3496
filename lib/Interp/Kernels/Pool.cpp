//===- Pool.cpp - Pooling kernels ------------------------------------------===//
//
// Part of onnc-fault. MaxPool (with the optional Indices result),
// AveragePool (count_include_pad, ceil_mode via the inferred output size),
// GlobalAveragePool and GlobalMaxPool, float32, 1-D to 3-D.
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

using namespace llvm;

namespace onncf {
namespace interp {

namespace {
/// Valid input positions of one window along one axis.
struct AxisWindow {
  SmallVector<int64_t, 8> Pos; ///< Inside [0, in).
  int64_t PaddedCount = 0;     ///< Inside [-pad_begin, in + pad_end).
};
} // namespace

static AxisWindow axisWindow(const WindowGeometry &G, unsigned A, int64_t O) {
  AxisWindow W;
  int64_t Start = O * G.Stride[A] - G.PadBegin[A];
  for (int64_t K = 0; K < G.Kernel[A]; ++K) {
    int64_t I = Start + K * G.Dilation[A];
    if (I >= -G.PadBegin[A] && I < G.In[A] + G.PadEnd[A])
      ++W.PaddedCount;
    if (I >= 0 && I < G.In[A])
      W.Pos.push_back(I);
  }
  return W;
}

enum class PoolKind { Max, Average };

static Error poolImpl(const Op &O, ArrayRef<const Tensor *> In,
                      MutableArrayRef<Tensor> Out, PoolKind Kind,
                      bool Global) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  if (X.getElementType() != ElementType::F32)
    return unsupportedType(X);
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
  const float *XD = X.data<float>().data();
  float *YD = Y.mutableData<float>().data();
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

  for (int64_t P = 0; P < Planes; ++P) {
    const float *XP = XD + P * InSize;
    float *YP = YD + P * OutSize;
    int64_t OI = 0;
    for (int64_t O0 = 0; O0 < G.Out[0]; ++O0)
      for (int64_t O1 = 0; O1 < G.Out[1]; ++O1)
        for (int64_t O2 = 0; O2 < G.Out[2]; ++O2, ++OI) {
          const AxisWindow &W0 = Win[0][O0], &W1 = Win[1][O1],
                           &W2 = Win[2][O2];
          if (Kind == PoolKind::Max) {
            float Best = -std::numeric_limits<float>::infinity();
            int64_t BestIdx = -1;
            for (int64_t I0 : W0.Pos)
              for (int64_t I1 : W1.Pos)
                for (int64_t I2 : W2.Pos) {
                  int64_t I = (I0 * G.In[1] + I1) * G.In[2] + I2;
                  if (XP[I] > Best || BestIdx < 0) {
                    Best = XP[I];
                    BestIdx = I;
                  }
                }
            YP[OI] = Best;
            if (Idx)
              Idx[P * OutSize + OI] = BestIdx < 0 ? 0 : P * InSize + BestIdx;
          } else {
            float Sum = 0.0f;
            for (int64_t I0 : W0.Pos)
              for (int64_t I1 : W1.Pos)
                for (int64_t I2 : W2.Pos)
                  Sum += XP[(I0 * G.In[1] + I1) * G.In[2] + I2];
            int64_t Count =
                IncludePad ? W0.PaddedCount * W1.PaddedCount * W2.PaddedCount
                           : (int64_t)(W0.Pos.size() * W1.Pos.size() *
                                       W2.Pos.size());
            YP[OI] = Count ? Sum / (float)Count : 0.0f;
          }
        }
  }
  return Error::success();
}

static Error maxPool(const Op &O, ArrayRef<const Tensor *> In,
                     MutableArrayRef<Tensor> Out) {
  if (O.getIntAttr("storage_order", 0) != 0 && Out.size() > 1)
    return makeError("storage_order=1 (column-major indices) is not "
                     "supported");
  return poolImpl(O, In, Out, PoolKind::Max, false);
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
