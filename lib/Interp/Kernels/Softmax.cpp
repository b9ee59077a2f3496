//===- Softmax.cpp - Softmax, LogSoftmax and Hardmax -----------------------===//
//
// Part of onnc-fault. Opset 13 normalises along one axis; opsets 1-12
// flatten the input to 2-D at the axis and normalise each row, which the IR
// marks with legacy_2d=1 (see onncf/IR/ONNXOps.h). Sums are float with the
// max subtracted first.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace interp {

enum class SoftKind { Softmax, LogSoftmax, Hardmax };

template <SoftKind K>
static Error softmaxKernel(const Op &O, ArrayRef<const Tensor *> In,
                           MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  if (X.getElementType() != ElementType::F32)
    return unsupportedType(X);
  ArrayRef<int64_t> XS = X.getShape();
  int64_t Rank = XS.size();
  bool Legacy = O.getIntAttr("legacy_2d", 0) != 0;
  auto Axis = getSoftmaxAxis(O, Rank);
  if (!Axis)
    return Axis.takeError();
  // View as [Outer, Len, Inner] and normalise over Len.
  int64_t Outer = product(XS.take_front(*Axis)), Len, Inner;
  if (Legacy) {
    Len = product(XS.drop_front(*Axis));
    Inner = 1;
  } else {
    Len = Rank ? XS[*Axis] : 1;
    Inner = product(XS.drop_front(*Axis + 1));
  }
  const float *XD = X.data<float>().data();
  float *YD = Out[0].mutableData<float>().data();
  std::vector<float> Row(Len);
  for (int64_t Oi = 0; Oi < Outer; ++Oi)
    for (int64_t Ii = 0; Ii < Inner; ++Ii) {
      const float *XP = XD + Oi * Len * Inner + Ii;
      float *YP = YD + Oi * Len * Inner + Ii;
      float Max = -INFINITY;
      int64_t ArgMax = 0;
      for (int64_t L = 0; L < Len; ++L)
        if (XP[L * Inner] > Max) {
          Max = XP[L * Inner];
          ArgMax = L;
        }
      if (K == SoftKind::Hardmax) {
        for (int64_t L = 0; L < Len; ++L)
          YP[L * Inner] = L == ArgMax ? 1.0f : 0.0f;
        continue;
      }
      float Sum = 0.0f;
      for (int64_t L = 0; L < Len; ++L) {
        Row[L] = std::exp(XP[L * Inner] - Max);
        Sum += Row[L];
      }
      if (K == SoftKind::Softmax) {
        for (int64_t L = 0; L < Len; ++L)
          YP[L * Inner] = Row[L] / Sum;
      } else {
        float LogSum = std::log(Sum);
        for (int64_t L = 0; L < Len; ++L)
          YP[L * Inner] = XP[L * Inner] - Max - LogSum;
      }
    }
  return Error::success();
}

} // namespace interp

void registerSoftmaxKernels(KernelRegistry &R) {
  using namespace interp;
  R.add("onnx.Softmax", softmaxKernel<SoftKind::Softmax>);
  R.add("onnx.LogSoftmax", softmaxKernel<SoftKind::LogSoftmax>);
  R.add("onnx.Hardmax", softmaxKernel<SoftKind::Hardmax>);
}

} // namespace onncf
