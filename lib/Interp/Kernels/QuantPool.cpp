//===- QuantPool.cpp - quant.avgpool kernel -------------------------------===//
//
// Part of onnc-fault. NVDLA PDP average pooling (onncf/IR/QuantOps.h): the
// window sum with padded cells counted as zero, divided by the kernel area
// through the two rounded reciprocal multiplications of fixp::pdpAverage
// (width first, then height), saturated to the input's width.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "QuantKernels.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Interp/Kernels.h"

using namespace llvm;

namespace onncf {
namespace interp {

namespace {

template <typename T>
void avgPoolTyped(const Tensor &X, const WindowGeometry &G, unsigned Bits,
                  Tensor &Y) {
  ArrayRef<int64_t> XS = X.getShape();
  int64_t Planes = XS[0] * XS[1];
  int64_t H = G.In[0], W = G.In[1], OH = G.Out[0], OW = G.Out[1];
  uint32_t RecipW = fixp::pdpReciprocal(uint32_t(G.Kernel[1]));
  uint32_t RecipH = fixp::pdpReciprocal(uint32_t(G.Kernel[0]));
  const T *XD = X.data<T>().data();
  T *YD = Y.mutableData<T>().data();
  for (int64_t P = 0; P < Planes; ++P) {
    const T *XP = XD + P * H * W;
    T *YP = YD + P * OH * OW;
    for (int64_t Oh = 0; Oh < OH; ++Oh) {
      int64_t H0 = Oh * G.Stride[0] - G.PadBegin[0];
      int64_t HB = std::max<int64_t>(H0, 0);
      int64_t HE = std::min<int64_t>(H0 + G.Kernel[0], H);
      for (int64_t Ow = 0; Ow < OW; ++Ow) {
        int64_t W0 = Ow * G.Stride[1] - G.PadBegin[1];
        int64_t WB = std::max<int64_t>(W0, 0);
        int64_t WE = std::min<int64_t>(W0 + G.Kernel[1], W);
        int64_t Sum = 0;
        for (int64_t Ih = HB; Ih < HE; ++Ih)
          for (int64_t Iw = WB; Iw < WE; ++Iw)
            Sum += XP[Ih * W + Iw];
        YP[Oh * OW + Ow] = static_cast<T>(
            fixp::saturate(fixp::pdpAverage(Sum, RecipW, RecipH), Bits));
      }
    }
  }
}

Error avgPoolKernel(const Op &O, ArrayRef<const Tensor *> In,
                    MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  ElementType T = X.getElementType();
  if ((T != ElementType::I8 && T != ElementType::I16) ||
      X.getType().getRank() != 4)
    return makeError("input must be an i8 or i16 tensor of rank 4, not " +
                     X.getType().str());
  if (Y.getElementType() != T)
    return makeError("result type " + Y.getType().str() +
                     " differs from the input's element type");
  auto G = toWindowGeometry(computePoolGeometry(O, X.getShape()), Y.getShape());
  if (!G)
    return G.takeError();
  if (G->Dilation[0] != 1 || G->Dilation[1] != 1 || G->Kernel[0] > (1 << 14) ||
      G->Kernel[1] > (1 << 14))
    return makeError("unsupported window (dilated, or a kernel extent above "
                     "16384)");
  if (T == ElementType::I8)
    avgPoolTyped<int8_t>(X, *G, 8, Y);
  else
    avgPoolTyped<int16_t>(X, *G, 16, Y);
  return Error::success();
}

} // namespace
} // namespace interp

void registerQuantPoolKernels(KernelRegistry &R) {
  R.add(quantop::AvgPool, interp::avgPoolKernel);
}

} // namespace onncf
