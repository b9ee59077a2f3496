//===- QuantizeDataMovement.cpp - Pools, shape ops and Concat on integers -===//
//
// Part of onnc-fault. Ops that only move or select values run on the integer
// tensor as they are (the onnx.* op on i8/i16, result with the operand's
// QuantParams). Average pooling is the PDP: it keeps the operand's scale, so
// the result's table entry is not used. Concat needs one scale: inputs on
// another scale are requantized to the largest input threshold first.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/StringSwitch.h"

using namespace llvm;

namespace onncf {
namespace quantize {

/// \p IntV's element type and QuantParams on the shape of float \p F.
static TensorType sameQuantAs(const Value *IntV, const Value *F) {
  return IntV->getType().withShape(F->getType().getShape());
}

Expected<bool> Quantizer::quantizeAvgPool(Op *O) {
  Value *X = O->getOperand(0);
  if (!isActivation(X) || X->getType().getRank() != 4 ||
      O->getNumResults() != 1)
    return false;
  std::vector<int64_t> Kernel, Strides, Pads;
  if (O->getKind() == "onnx.GlobalAveragePool") {
    int64_t H = X->getType().getDim(2), W = X->getType().getDim(3);
    if (H == kDynamicDim || W == kDynamicDim)
      return false;
    Kernel = {H, W};
    Strides = {1, 1};
    Pads = {0, 0, 0, 0};
  } else {
    if (O->getIntAttr("ceil_mode", 0) != 0)
      return false;
    auto Geo = computePoolGeometry(*O, X->getType().getShape());
    if (!Geo)
      return makeError(O->getDescription() + ": " + toString(Geo.takeError()));
    if (Geo->getNumSpatial() != 2)
      return false;
    for (int64_t D : Geo->Dilations)
      if (D != 1)
        return false;
    if (Geo->Pad == AutoPad::SameUpper || Geo->Pad == AutoPad::SameLower)
      for (int64_t D : Geo->Input)
        if (D == kDynamicDim)
          return false;
    Kernel.assign(Geo->Kernel.begin(), Geo->Kernel.end());
    Strides.assign(Geo->Strides.begin(), Geo->Strides.end());
    Pads.assign(Geo->PadsBegin.begin(), Geo->PadsBegin.end());
    Pads.insert(Pads.end(), Geo->PadsEnd.begin(), Geo->PadsEnd.end());
    // The PDP divides by the whole window: padded cells count.
    bool AnyPad = llvm::any_of(Pads, [](int64_t P) { return P != 0; });
    if (AnyPad && O->getIntAttr("count_include_pad", 0) == 0)
      return false;
  }
  auto IX = getInt(X, O);
  if (!IX)
    return IX.takeError();
  AttributeMap Attrs;
  Attrs["kernel_shape"] = Attribute(std::move(Kernel));
  Attrs["strides"] = Attribute(std::move(Strides));
  Attrs["pads"] = Attribute(std::move(Pads));
  auto New = createReplacement(quantop::AvgPool, {*IX},
                               {sameQuantAs(*IX, O->getResult())},
                               std::move(Attrs), {O->getResult()}, O);
  if (!New)
    return New.takeError();
  return true;
}

Expected<bool> Quantizer::quantizeDataMovement(Op *O) {
  StringRef K = O->getKind();
  bool Known = StringSwitch<bool>(K)
                   .Cases("onnx.MaxPool", "onnx.GlobalMaxPool", "onnx.Reshape",
                          "onnx.Flatten", "onnx.Transpose", true)
                   .Cases("onnx.Squeeze", "onnx.Unsqueeze", "onnx.Identity",
                          "onnx.Dropout", "onnx.Slice", true)
                   .Cases("onnx.Split", "onnx.Pad", true)
                   .Default(false);
  if (!Known || O->getNumOperands() == 0)
    return false;
  // Only tensors computed in integers: moving float data stays float.
  if (!Replaced.count(O->getOperand(0)))
    return false;
  Value *IX = lookupInt(O->getOperand(0));
  // The other operands are shapes, axes, pads: never activations.
  for (unsigned I = 1; I < O->getNumOperands(); ++I)
    if (Value *V = O->getOperand(I); V && Replaced.count(V))
      return false;

  SmallVector<Value *, 4> Operands(O->getOperands().begin(),
                                   O->getOperands().end());
  Operands[0] = IX;
  unsigned NumResults = O->getNumResults();
  if (K == "onnx.MaxPool" || K == "onnx.Dropout") {
    // The Indices / mask result has no integer form.
    for (unsigned I = 1; I < NumResults; ++I)
      if (G.hasUses(O->getResult(I)))
        return false;
    NumResults = 1;
  }
  if (K == "onnx.Identity" || K == "onnx.Dropout") {
    // Inference Dropout is the identity: the result is the integer operand.
    setReplaced(O->getResult(), IX);
    return true;
  }
  if (K == "onnx.Pad") {
    if (O->getStringAttr("mode", "constant") != "constant")
      return false;
    if (O->hasAttr("value") && O->getFloatAttr("value", 0.0f) != 0.0f)
      return false;
    if (Value *CV = O->getOptionalOperand(2)) {
      std::optional<double> PadValue = getScalarConstant(CV);
      if (!PadValue || *PadValue != 0.0)
        return false;
      // Absent means zero, which is zero in any scale.
      Operands[2] = nullptr;
      while (!Operands.empty() && !Operands.back())
        Operands.pop_back();
    }
  }

  SmallVector<TensorType, 2> Types;
  SmallVector<Value *, 2> Replaces;
  for (unsigned I = 0; I < NumResults; ++I) {
    Types.push_back(sameQuantAs(IX, O->getResult(I)));
    Replaces.push_back(O->getResult(I));
  }
  auto New = createReplacement(K, Operands, Types, O->getAttrs(), Replaces, O);
  if (!New)
    return New.takeError();
  return true;
}

Expected<bool> Quantizer::quantizeConcat(Op *O) {
  bool AnyInt = false;
  for (Value *V : O->getOperands()) {
    if (!isActivation(V))
      return false;
    AnyInt |= Replaced.count(V) != 0;
  }
  // A Concat of float values (a float island) stays float.
  if (!AnyInt || O->getNumResults() != 1)
    return false;
  SmallVector<Value *, 4> Ints;
  double Target = 0;
  for (Value *V : O->getOperands()) {
    auto I = getInt(V, O);
    if (!I)
      return I.takeError();
    Ints.push_back(*I);
    Target = std::max(Target, getScale(*I));
  }
  // The largest threshold: nothing saturates, finer inputs lose bits.
  ActivationChain NoActivation;
  for (unsigned I = 0; I < Ints.size(); ++I) {
    if (getScale(Ints[I]) == Target)
      continue;
    auto Epi =
        makeEpilogue({getScale(Ints[I]) / Target}, NoActivation, Target, O);
    if (!Epi)
      return Epi.takeError();
    AttributeMap Attrs;
    Epi->addTo(Attrs);
    auto R = B.createOpWithTypes(
        quantop::Requantize, {Ints[I]},
        {intType(Ints[I]->getType(), static_cast<float>(Target))},
        std::move(Attrs),
        {G.getUniqueName(O->getOperand(I)->getName() + ".rq")});
    if (!R)
      return makeError("cannot create " + Twine(quantop::Requantize) + " for " +
                       O->getDescription() + ": " + toString(R.takeError()));
    (*R)->setName(O->getName());
    Ints[I] = (*R)->getResult();
  }
  auto New = createReplacement(
      "onnx.Concat", Ints,
      {intType(O->getResult()->getType(), static_cast<float>(Target))},
      O->getAttrs(), {O->getResult()}, O);
  if (!New)
    return New.takeError();
  return true;
}

} // namespace quantize
} // namespace onncf
