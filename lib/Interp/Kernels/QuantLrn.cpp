//===- QuantLrn.cpp - quant.lrn kernel ------------------------------------===//
//
// Part of onnc-fault. LRN as the NVDLA CDP computes it: every pixel's
// channel vector goes through fixp::cdpPixel (onncf/Quant/CdpArith.h), the
// function the virtual platform's CDP engine runs, so the two agree bit for
// bit.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/QuantLrn.h"
#include "QuantKernels.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {
namespace interp {

namespace {

template <typename InT, typename OutT>
void lrnTyped(const Tensor &X, const fixp::CdpParams &P, const fixp::CdpLut &L,
              Tensor &Y) {
  ArrayRef<int64_t> S = X.getShape();
  int64_t N = S[0], C = S[1], HW = S[2] * S[3];
  const InT *XD = X.data<InT>().data();
  OutT *YD = Y.mutableData<OutT>().data();
  std::vector<InT> In(C);
  std::vector<OutT> Out(C);
  std::vector<int64_t> V(C);
  for (int64_t B = 0; B < N; ++B)
    for (int64_t I = 0; I < HW; ++I) {
      const InT *XP = XD + B * C * HW + I;
      OutT *YP = YD + B * C * HW + I;
      for (int64_t Ch = 0; Ch < C; ++Ch)
        In[Ch] = XP[Ch * HW];
      fixp::cdpPixel(In.data(), V.data(), Out.data(), unsigned(C), P, L);
      for (int64_t Ch = 0; Ch < C; ++Ch)
        YP[Ch * HW] = Out[Ch];
    }
}

Error lrnKernel(const Op &O, ArrayRef<const Tensor *> In,
                MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  ElementType T = X.getElementType();
  if ((T != ElementType::I8 && T != ElementType::I16) ||
      X.getType().getRank() != 4)
    return makeError("input must be an i8 or i16 tensor of rank 4, not " +
                     X.getType().str());
  fixp::CdpParams P;
  fixp::CdpLut L;
  if (Error E = getQuantLrnParams(O, P, L))
    return E;
  ElementType OT = P.OutBits == 16 ? ElementType::I16 : ElementType::I8;
  if (Y.getElementType() != OT || Y.getShape() != X.getShape())
    return makeError("result type " + Y.getType().str() +
                     " is not the input's shape with out_bits " +
                     Twine(P.OutBits));
  if (T == ElementType::I8 && OT == ElementType::I8)
    lrnTyped<int8_t, int8_t>(X, P, L, Y);
  else if (T == ElementType::I8)
    lrnTyped<int8_t, int16_t>(X, P, L, Y);
  else if (OT == ElementType::I8)
    lrnTyped<int16_t, int8_t>(X, P, L, Y);
  else
    lrnTyped<int16_t, int16_t>(X, P, L, Y);
  return Error::success();
}

} // namespace
} // namespace interp

void registerQuantLrnKernels(KernelRegistry &R) {
  R.add(quantop::Lrn, interp::lrnKernel);
}

} // namespace onncf
