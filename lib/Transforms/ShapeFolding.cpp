//===- ShapeFolding.cpp - Shape arithmetic with a dynamic batch -----------===//
//
// Part of onnc-fault. Canonicalize patterns for the shape subgraphs PyTorch
// exports when the batch axis is dynamic, so Shape(x) itself cannot fold:
//  * Gather(Shape(x), i) where dim i of x is static is that constant;
//  * Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])), the export
//    of x.view(x.size(0), -1), asks to keep x's own dim 0, which Reshape
//    spells 0: the shape becomes the constant [0, -1].
// Both leave the graph computing the same thing for every batch size.
//
//===----------------------------------------------------------------------===//
#include "TransformUtils.h"

using namespace llvm;

namespace onncf {

/// If \p V is Shape(X) without start/end, returns X.
static Value *getShapeSource(Value *V) {
  Op *S = V ? V->getDefiningOp() : nullptr;
  if (!S || S->getKind() != "onnx.Shape" || S->hasAttr("start") ||
      S->hasAttr("end"))
    return nullptr;
  return S->getOperand(0);
}

Expected<bool> foldGatherOfStaticDims(Graph &G, Op *O) {
  if (O->getKind() != "onnx.Gather" || O->getIntAttr("axis", 0) != 0)
    return false;
  Value *X = getShapeSource(O->getOperand(0));
  const Tensor *Idx = getConstantData(O->getOperand(1));
  if (!X || !Idx || !isIntegerType(Idx->getElementType()))
    return false;
  int64_t Rank = X->getType().getRank();
  std::vector<int64_t> Dims;
  for (int64_t I = 0; I < Idx->getNumElements(); ++I) {
    int64_t D = Idx->getAsInt(I);
    if (D < 0)
      D += Rank;
    if (D < 0 || D >= Rank || X->getType().isDynamicDim(D))
      return false;
    Dims.push_back(X->getType().getDim(D));
  }
  Tensor T = Tensor::fromVector<int64_t>(Idx->getShape(), Dims);
  if (!isCompatible(T.getType(), O->getResult()->getType()))
    return false;
  std::string Name = O->getResult()->getName();
  Value *C = G.addConstantUnique(Name, std::move(T));
  auto R = replaceOp(G, O, {C});
  if (!R)
    return R.takeError();
  if ((*R)[0]->getName() != Name && !G.lookup(Name))
    if (auto Renamed = renameValue(G, (*R)[0], Name); !Renamed)
      return Renamed.takeError();
  return true;
}

/// If \p V is dim \p Pos of \p X as a 1-element 1-D tensor (Gather of
/// Shape(X) with a [1] index, or Unsqueeze(axes=[0]) of a scalar Gather).
static bool isOwnDim(Value *V, Value *X, int64_t Pos) {
  Op *O = V->getDefiningOp();
  if (!O)
    return false;
  if (O->getKind() == "onnx.Unsqueeze") {
    const Tensor *Axes = getConstantData(O->getOptionalOperand(1));
    std::vector<int64_t> AttrAxes = O->getIntsAttr("axes");
    bool AxisZero = Axes ? Axes->getNumElements() == 1 && Axes->getAsInt(0) == 0
                         : AttrAxes == std::vector<int64_t>{0};
    if (!AxisZero || O->getOperand(0)->getType().getRank() != 0)
      return false;
    O = O->getOperand(0)->getDefiningOp();
    if (!O)
      return false;
  }
  if (O->getKind() != "onnx.Gather" || O->getIntAttr("axis", 0) != 0 ||
      getShapeSource(O->getOperand(0)) != X)
    return false;
  const Tensor *Idx = getConstantData(O->getOperand(1));
  if (!Idx || Idx->getNumElements() != 1 || Idx->getShape().size() > 1)
    return false;
  int64_t D = Idx->getAsInt(0);
  if (D < 0)
    D += X->getType().getRank();
  return D == Pos;
}

Expected<bool> resolveOwnDimsInReshape(Graph &G, Op *O) {
  if (O->getKind() != "onnx.Reshape" || O->getIntAttr("allowzero", 0) != 0 ||
      getConstantData(O->getOperand(1)))
    return false;
  Value *X = O->getOperand(0);
  Op *Cat = O->getOperand(1)->getDefiningOp();
  if (!Cat || Cat->getKind() != "onnx.Concat")
    return false;
  std::vector<int64_t> Shape;
  bool UsedOwnDim = false;
  for (Value *Part : Cat->getOperands()) {
    if (const Tensor *T = getConstantData(Part)) {
      if (!isIntegerType(T->getElementType()) || T->getShape().size() != 1)
        return false;
      for (int64_t I = 0; I < T->getNumElements(); ++I)
        Shape.push_back(T->getAsInt(I));
      continue;
    }
    if (!isOwnDim(Part, X, Shape.size()))
      return false;
    Shape.push_back(0); // Reshape's "copy this dim of the input".
    UsedOwnDim = true;
  }
  if (!UsedOwnDim)
    return false;
  Value *C = G.addConstantUnique(O->getOperand(1)->getName(),
                                 Tensor::fromVector<int64_t>(
                                     {(int64_t)Shape.size()}, Shape));
  O->setOperand(1, C);
  return true;
}

} // namespace onncf
