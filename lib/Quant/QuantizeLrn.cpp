//===- QuantizeLrn.cpp - LRN -> quant.lrn (NVDLA CDP) ---------------------===//
//
// Part of onnc-fault. An ONNX LRN whose input is already an integer tensor
// becomes a quant.lrn: the CDP registers designLrnCdp computes for the
// input's scale and the calibrated output scale (onncf/Quant/LrnLut.h). A
// window the CDP cannot take (size other than 3, 5, 7, 9) or an input still
// in float leaves the LRN a float island. The CDP has no ReLU, so nothing
// is fused after it: a following Relu becomes its own requantize.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/IR/QuantLrn.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Quant/LrnLut.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {
namespace quantize {

Expected<bool> Quantizer::quantizeLrn(Op *O) {
  Value *X = O->getOperand(0);
  if (!Replaced.count(X) || O->getNumResults() != 1 ||
      X->getType().getRank() != 4)
    return false;
  int64_t Size = O->getIntAttr("size", 0);
  if (Size < 3 || Size > 9 || Size % 2 == 0)
    return false;
  Value *IX = lookupInt(X);
  ActivationChain Chain;
  Chain.Final = O->getResult();
  auto OutScale = getTableScale(Chain.Final, O);
  if (!OutScale)
    return OutScale.takeError();
  unsigned InBits = IX->getType().getElementType() == ElementType::I16 ? 16 : 8;
  unsigned OutBits = actElementType() == ElementType::I16 ? 16 : 8;
  const float Alpha = O->getFloatAttr("alpha", 1e-4f),
              Beta = O->getFloatAttr("beta", 0.75f),
              Bias = O->getFloatAttr("bias", 1.0f);
  auto D = designLrnCdp(Alpha, Beta, Bias, Size, getScale(IX), InBits,
                        *OutScale, OutBits);
  if (!D)
    return makeError("node '" + O->getName() + "' (" + O->getKind() +
                     "): " + toString(D.takeError()));
  AttributeMap A = makeQuantLrnAttrs(D->Params, D->Lut);
  A["alpha"] = Alpha; // for the QDQ export (onnx.LRN)
  A["beta"] = Beta;
  A["bias"] = Bias;
  return replaceChain(quantop::Lrn, {IX}, std::move(A), Chain, *OutScale, O);
}

} // namespace quantize
} // namespace onncf
