//===- QuantizeElementwise.cpp - Add -> quant.add, Relu/Clip -> requantize ===//
//
// Part of onnc-fault. A residual Add of two integer tensors is one SDP pass:
// B is rescaled into A's units by an int16 multiplier and shift, added, and
// the sum goes through the epilogue to the output scale (with a following
// Relu / Clip fused). A Relu or Clip that no producer could absorb becomes a
// quant.requantize, which rescales to its own output scale on the way.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace quantize {

Expected<bool> Quantizer::quantizeAdd(Op *O) {
  Value *A = O->getOperand(0);
  Value *BV = O->getOperand(1);
  // Broadcasting adds (a bias vector, a scalar) and constants have no
  // quant.add form.
  if (!isActivation(A) || !isActivation(BV) || O->getNumResults() != 1 ||
      A->getType().getShape() != BV->getType().getShape() ||
      A->getType().getShape() != O->getResult()->getType().getShape())
    return false;

  ActivationChain Chain;
  extendChain(O->getResult(), Chain);
  auto OutScale = getTableScale(Chain.Final, O);
  if (!OutScale)
    return OutScale.takeError();
  auto IA = getInt(A, O);
  if (!IA)
    return IA.takeError();
  auto IB = getInt(BV, O);
  if (!IB)
    return IB.takeError();
  Value *QA = *IA, *QB = *IB;
  // B goes into A's units, rounded to them: A is the operand with the finer
  // scale, so that rounding costs at most half of the smaller step. If B's
  // ratio then needs a multiplier beyond int16 even at shift 0, the operands
  // swap back (addition commutes).
  if (getScale(QB) < getScale(QA))
    std::swap(QA, QB);
  if (std::round(getScale(QB) / getScale(QA)) > 32767.0)
    std::swap(QA, QB);
  fixp::MultiplierShift MB =
      fixp::computeMultiplierShift(getScale(QB) / getScale(QA));
  auto Epi = makeEpilogue({getScale(QA) / *OutScale}, Chain, *OutScale, O);
  if (!Epi)
    return Epi.takeError();

  AttributeMap Attrs;
  Attrs["mul_b"] = Attribute(int64_t(MB.Multiplier));
  Attrs["shift_b"] = Attribute(int64_t(MB.Shift));
  Epi->addTo(Attrs);
  return replaceChain(quantop::Add, {QA, QB}, std::move(Attrs), Chain,
                      *OutScale, O);
}

Expected<bool> Quantizer::quantizeActivation(Op *O) {
  // Only an operand computed in integers: a Relu inside a float island (or
  // on a graph input) stays float, and is quantized lazily if an integer
  // consumer follows.
  Value *X = O->getOperand(0);
  if (!Replaced.count(X))
    return false;
  Value *IX = lookupInt(X);
  ActivationChain Chain;
  if (!absorbActivation(O, Chain))
    return false; // A Clip with bounds computed at run time.
  extendChain(O->getResult(), Chain);
  auto OutScale = getTableScale(Chain.Final, O);
  if (!OutScale)
    return OutScale.takeError();
  auto Epi = makeEpilogue({getScale(IX) / *OutScale}, Chain, *OutScale, O);
  if (!Epi)
    return Epi.takeError();
  AttributeMap Attrs;
  Epi->addTo(Attrs);
  return replaceChain(quantop::Requantize, {IX}, std::move(Attrs), Chain,
                      *OutScale, O);
}

} // namespace quantize
} // namespace onncf
