//===- Quantize.cpp - The quantize pass driver ----------------------------===//
//
// Part of onnc-fault. Walks the float graph once in topological order. Each
// op either becomes integer ops (its op family decides, in the other
// Quantize*.cpp files) or stays float, reading quantized operands through a
// quant.dequantize. Graph outputs get a quant.dequantize carrying the output
// name. The dead float ops are then removed and every integer value takes
// the name of the float value it replaces, so the calibration table, the
// diagnostics and a second run all see the model's names.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/Pass/Pass.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Transforms/Passes.h"
#include "llvm/ADT/StringMap.h"

using namespace llvm;

namespace onncf {

Expected<unsigned> parseQuantizeMode(StringRef S) {
  if (S == "int8")
    return 8u;
  if (S == "int16")
    return 16u;
  return makeError("unknown quantize mode '" + S +
                   "' (expected int8 or int16)");
}

namespace quantize {

Expected<bool> Quantizer::quantizeOp(Op *O) {
  StringRef K = O->getKind();
  if (K == "onnx.Conv")
    return quantizeConv(O);
  if (K == "onnx.Gemm" || K == "onnx.MatMul")
    return quantizeFC(O);
  if (K == "onnx.Add")
    return quantizeAdd(O);
  if (K == "onnx.Relu" || K == "onnx.Clip")
    return quantizeActivation(O);
  if (K == "onnx.AveragePool" || K == "onnx.GlobalAveragePool")
    return quantizeAvgPool(O);
  if (K == "onnx.Concat")
    return quantizeConcat(O);
  if (K == "onnx.LRN")
    return quantizeLrn(O);
  return quantizeDataMovement(O);
}

Error Quantizer::keepFloat(Op *O) {
  // Shape and Size read only the shape, which the integer tensor has too.
  bool ShapeOnly = O->getKind() == "onnx.Shape" || O->getKind() == "onnx.Size";
  for (unsigned I = 0; I < O->getNumOperands(); ++I) {
    Value *V = O->getOperand(I);
    if (!V || !Replaced.count(V))
      continue;
    if (ShapeOnly) {
      O->setOperand(I, IntOf.lookup(V));
      continue;
    }
    auto F = getFloat(V);
    if (!F)
      return F.takeError();
    O->setOperand(I, *F);
  }
  for (Value *R : O->getResults())
    if (R->getType().getElementType() == ElementType::F32) {
      ++NumKeptFloat;
      break;
    }
  return Error::success();
}

Error Quantizer::rewriteOutputs() {
  B.setInsertionPointToEnd();
  SmallVector<Value *, 2> Outs(G.getOutputs().begin(), G.getOutputs().end());
  DenseSet<const Value *> Done;
  for (Value *&V : Outs) {
    if (!Replaced.count(V))
      continue;
    Value *Orig = V;
    auto F = getFloat(V);
    if (!F)
      return F.takeError();
    V = *F;
    if (Done.insert(Orig).second)
      OutputRenames.push_back({V->getName(), Orig->getName()});
  }
  G.setOutputs(Outs);
  return Error::success();
}

/// Recreates the op defining \p V (or the constant \p V) so that its results
/// are named \p Names.
static Error recreateWithNames(Graph &G, Value *V,
                               ArrayRef<std::string> Names) {
  if (V->isConstant()) {
    auto NewV = G.addConstant(Names[0], V->getConstantData());
    if (!NewV)
      return NewV.takeError();
    G.replaceAllUsesWith(V, *NewV);
    G.eraseValue(V);
    return Error::success();
  }
  Op *Old = V->getDefiningOp();
  SmallVector<Value *, 4> Operands(Old->getOperands().begin(),
                                   Old->getOperands().end());
  SmallVector<TensorType, 1> Types;
  for (Value *R : Old->getResults())
    Types.push_back(R->getType());
  auto New = G.createOp(Old->getKind(), Operands, Types, Old->getAttrs(), Names,
                        G.getIterator(Old));
  if (!New)
    return New.takeError();
  (*New)->setName(Old->getName());
  for (unsigned I = 0; I < Old->getNumResults(); ++I)
    G.replaceAllUsesWith(Old->getResult(I), (*New)->getResult(I));
  G.eraseOp(Old);
  return Error::success();
}

Error Quantizer::renameValues() {
  StringMap<std::string> FinalOf;
  for (auto &[Temp, Final] : Renames)
    FinalOf.try_emplace(Temp, Final);
  for (auto &[Temp, Final] : OutputRenames)
    FinalOf[Temp] = Final;
  // Output names first: an output's name belongs to its float value.
  std::vector<std::pair<std::string, std::string>> All = OutputRenames;
  All.insert(All.end(), Renames.begin(), Renames.end());
  for (auto &[Temp, Final] : All) {
    Value *V = G.lookup(Temp);
    // Erased as dead, or already renamed together with its op's other
    // results.
    if (!V || Temp == Final)
      continue;
    SmallVector<std::string, 1> Names;
    if (V->isConstant()) {
      Names.push_back(Final);
    } else {
      // Every result of a multi-result op (Split) must be renamable at once.
      for (Value *R : V->getDefiningOp()->getResults()) {
        auto It = FinalOf.find(R->getName());
        Names.push_back(It == FinalOf.end() ? R->getName() : It->second);
      }
    }
    bool AllFree = true;
    for (unsigned I = 0; I < Names.size(); ++I) {
      Value *Holder = G.lookup(Names[I]);
      bool Self =
          !V->isConstant() && Holder == V->getDefiningOp()->getResult(I);
      // A name still held by a live float value (an input, a float island)
      // stays with it; the integer value keeps its temporary name.
      if (Holder && !Self)
        AllFree = false;
      if (Self && V->getDefiningOp()->getNumResults() > 1)
        AllFree = false; // A result without a final name cannot keep its own.
    }
    if (!AllFree)
      continue;
    if (Error E = recreateWithNames(G, V, Names))
      return E;
  }
  return Error::success();
}

Error Quantizer::run() {
  // Uses among the original ops, for fusion decisions: the consumers of a
  // value come after it and are still untouched when it is quantized.
  for (auto &O : G.getOps())
    for (unsigned I = 0; I < O->getNumOperands(); ++I)
      if (Value *V = O->getOperand(I))
        OrigUses[V].push_back({O.get(), I});
  // New ops go before the current one, so the walk never visits them.
  for (auto It = G.begin(); It != G.end(); ++It) {
    Op *O = It->get();
    if (Fused.count(O))
      continue;
    B.setInsertionPoint(It);
    auto Done = quantizeOp(O);
    if (!Done)
      return Done.takeError();
    if (*Done) {
      ++NumQuantized;
      continue;
    }
    if (Error E = keepFloat(O))
      return E;
  }
  if (Error E = rewriteOutputs())
    return E;
  // The float ops whose results were replaced are dead now.
  PassContext Ctx;
  if (Error E = createDCEPass()->run(G, Ctx))
    return E;
  if (Error E = renameValues())
    return E;
  if (Error E = verifyGraph(G))
    return makeError("quantize produced an invalid graph: " +
                     toString(std::move(E)));
  return Error::success();
}

} // namespace quantize

Error quantizeGraph(Graph &G, const CalibrationTable &Table,
                    const QuantizeOptions &Opts) {
  if (Opts.ActivationBits != 8 && Opts.ActivationBits != 16)
    return makeError("activation bits must be 8 or 16, got " +
                     Twine(Opts.ActivationBits));
  if (Opts.WeightBits < 2 || Opts.WeightBits > 16)
    return makeError("weight bits must be 2..16, got " +
                     Twine(Opts.WeightBits));
  quantize::Quantizer Q(G, Table, Opts);
  return Q.run();
}

} // namespace onncf
