//===- TransformUtils.cpp - Helpers shared by the passes ------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "TransformUtils.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"

using namespace llvm;

namespace onncf {

unsigned getNumOpUses(const Graph &G, const Value *V) {
  return G.getUses(V).size();
}

bool hasSingleUse(const Graph &G, const Value *V) {
  return !G.isOutput(V) && getNumOpUses(G, V) == 1;
}

const Tensor *getConstantData(const Value *V) {
  if (!V || !V->isConstant() || V->getConstantData().isNull())
    return nullptr;
  return &V->getConstantData();
}

bool canReplaceKeepingName(const Graph &G, const Value *Old, const Value *New) {
  if (!G.isOutput(Old))
    return true;
  // The replacement must be renamable and must not already be an output
  // under its own name (one value cannot carry two output names).
  if (New->isInput() || G.isOutput(New))
    return false;
  if (New->isResult() && New->getDefiningOp()->getNumResults() != 1)
    return false;
  return true;
}

Expected<Value *> renameValue(Graph &G, Value *V, StringRef Name) {
  if (V->getName() == Name)
    return V;
  if (V->isConstant()) {
    auto NewV = G.addConstant(Name, V->getConstantData());
    if (!NewV)
      return NewV.takeError();
    G.replaceAllUsesWith(V, *NewV);
    G.eraseValue(V);
    return *NewV;
  }
  if (!V->isResult() || V->getDefiningOp()->getNumResults() != 1)
    return makeError("cannot rename value '" + V->getName() + "' to '" + Name +
                     "'");
  Op *Old = V->getDefiningOp();
  auto NewOp = G.createOp(Old->getKind(), Old->getOperands(), {V->getType()},
                          Old->getAttrs(), {Name.str()}, G.getIterator(Old));
  if (!NewOp)
    return NewOp.takeError();
  (*NewOp)->setName(Old->getName());
  G.replaceAllUsesWith(V, (*NewOp)->getResult());
  G.eraseOp(Old);
  return (*NewOp)->getResult();
}

Expected<SmallVector<Value *, 1>> replaceOp(Graph &G, Op *O,
                                            ArrayRef<Value *> News) {
  assert(News.size() == O->getNumResults() && "one replacement per result");
  // Output names to hand over once the old results (and names) are gone.
  SmallVector<std::pair<unsigned, std::string>, 1> Renames;
  for (unsigned I = 0; I < News.size(); ++I) {
    Value *R = O->getResult(I);
    if (!News[I])
      continue;
    if (G.isOutput(R)) {
      if (!canReplaceKeepingName(G, R, News[I]))
        return makeError("cannot replace output '" + R->getName() + "'");
      Renames.push_back({I, R->getName()});
    }
    G.replaceAllUsesWith(R, News[I]);
  }
  G.eraseOp(O);
  SmallVector<Value *, 1> Result(News.begin(), News.end());
  for (auto &[I, Name] : Renames) {
    auto V = renameValue(G, Result[I], Name);
    if (!V)
      return V.takeError();
    // Another entry may alias the renamed value.
    for (Value *&Other : Result)
      if (Other == Result[I])
        Other = *V;
    Result[I] = *V;
  }
  return Result;
}

Value *updateConstantForUser(Graph &G, Value *C, Tensor T, Op *User,
                             unsigned Idx) {
  if (hasSingleUse(G, C)) {
    C->setConstantData(std::move(T));
    return C;
  }
  Value *NewC = G.addConstantUnique(C->getName(), std::move(T));
  User->setOperand(Idx, NewC);
  return NewC;
}

Expected<bool> tryConstantFold(Graph &G, Op *O, uint64_t MaxBytes) {
  const OpDef &Def = O->getDef();
  if (!Def.Pure || O->getNumResults() == 0)
    return false;

  std::vector<Tensor> Results;
  if (O->getKind() == "onnx.Constant") {
    auto T = getConstantAttrValue(*O);
    if (!T) {
      consumeError(T.takeError());
      return false;
    }
    Results.push_back(std::move(*T));
  } else {
    SmallVector<const Tensor *, 4> Operands;
    for (Value *V : O->getOperands()) {
      if (!V) {
        Operands.push_back(nullptr);
        continue;
      }
      const Tensor *T = getConstantData(V);
      if (!T)
        return false;
      Operands.push_back(T);
    }
    KernelFn Fn = KernelRegistry::get().lookup(Def);
    if (!Fn)
      return false;
    // Refuse before evaluating when the declared result is already known
    // to be too large (Expand/Tile/ConstantOfShape can be huge).
    if (MaxBytes)
      for (Value *R : O->getResults())
        if (R->getType().hasStaticShape() &&
            R->getType().getSizeInBytes() > MaxBytes)
          return false;
    auto Evaluated = evaluateOp(*O, Operands, Fn);
    if (!Evaluated) {
      // The op would fail at run time too; leave it for the executor to
      // report with its inputs.
      consumeError(Evaluated.takeError());
      return false;
    }
    Results = std::move(*Evaluated);
  }

  for (unsigned I = 0; I < Results.size(); ++I) {
    const Tensor &T = Results[I];
    if (MaxBytes && T.getSizeInBytes() > MaxBytes)
      return false;
    const TensorType &Declared = O->getResult(I)->getType();
    if (T.getElementType() != Declared.getElementType() ||
        !isCompatible(T.getType(), Declared))
      return false;
  }

  SmallVector<Value *, 1> News;
  for (unsigned I = 0; I < Results.size(); ++I) {
    Value *R = O->getResult(I);
    // Unused extra results (e.g. Dropout's mask) need no constant.
    if (!G.hasUses(R)) {
      News.push_back(nullptr);
      continue;
    }
    Tensor T = std::move(Results[I]);
    // Keep quantization metadata the declared type carries.
    if (R->getType().getQuant() && !T.getType().getQuant()) {
      TensorType Ty = T.getType();
      Ty.setQuant(R->getType().getQuant());
      T.setType(Ty);
    }
    News.push_back(G.addConstantUnique(R->getName(), std::move(T)));
  }
  // Constants take over the result names so folded values keep the names
  // the model gave them.
  SmallVector<std::string, 1> Names;
  for (Value *R : O->getResults())
    Names.push_back(R->getName());
  auto Replaced = replaceOp(G, O, News);
  if (!Replaced)
    return Replaced.takeError();
  for (unsigned I = 0; I < Replaced->size(); ++I) {
    Value *C = (*Replaced)[I];
    if (!C || C->getName() == Names[I] || G.lookup(Names[I]))
      continue;
    auto Renamed = renameValue(G, C, Names[I]);
    if (!Renamed)
      return Renamed.takeError();
  }
  return true;
}

unsigned eraseDeadOps(Graph &G) {
  // Count uses once, then walk backwards so a dead chain goes in one sweep.
  DenseMap<const Value *, unsigned> Uses;
  for (const auto &O : G.getOps())
    for (Value *V : O->getOperands())
      if (V)
        ++Uses[V];
  for (Value *V : G.getOutputs())
    ++Uses[V];
  std::vector<Op *> Order;
  for (const auto &O : G.getOps())
    Order.push_back(O.get());
  unsigned Erased = 0;
  for (auto It = Order.rbegin(); It != Order.rend(); ++It) {
    Op *O = *It;
    if (!O->getDef().Pure)
      continue;
    bool Dead = true;
    for (Value *R : O->getResults())
      if (Uses.lookup(R)) {
        Dead = false;
        break;
      }
    if (!Dead)
      continue;
    for (Value *V : O->getOperands())
      if (V)
        --Uses[V];
    G.eraseOp(O);
    ++Erased;
  }
  return Erased;
}

unsigned eraseDeadConstants(Graph &G) {
  size_t Before = G.getConstants().size();
  G.eraseUnusedConstants();
  return Before - G.getConstants().size();
}

/// Number of static dims of \p T.
static unsigned countStaticDims(const TensorType &T) {
  unsigned N = 0;
  for (int64_t D : T.getShape())
    N += D != kDynamicDim;
  return N;
}

unsigned refineTypes(Graph &G) {
  unsigned Refined = 0;
  for (auto &O : G.getOps()) {
    auto Types = inferOpTypes(*O);
    if (!Types) {
      // The verifier reports inference failures; refinement is best effort.
      consumeError(Types.takeError());
      continue;
    }
    if (Types->size() != O->getNumResults())
      continue;
    for (unsigned I = 0; I < O->getNumResults(); ++I) {
      Value *R = O->getResult(I);
      TensorType New = (*Types)[I];
      const TensorType &Old = R->getType();
      if (New.getRank() != Old.getRank() || !isCompatible(New, Old) ||
          countStaticDims(New) <= countStaticDims(Old))
        continue;
      New.setQuant(Old.getQuant());
      R->setType(New);
      ++Refined;
    }
  }
  return Refined;
}

Tensor transpose2D(const Tensor &T) {
  int64_t R = T.getShape()[0], C = T.getShape()[1];
  Tensor Out(T.getType().withShape({C, R}));
  auto In = T.data<float>();
  auto O = Out.mutableData<float>();
  for (int64_t I = 0; I < R; ++I)
    for (int64_t J = 0; J < C; ++J)
      O[J * R + I] = In[I * C + J];
  return Out;
}

} // namespace onncf
