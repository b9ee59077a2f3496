//===- Verifier.cpp - Structural checks and type inference ----------------===//
//
// Part of onnc-fault. verifyGraph() checks what every pass may rely on:
// topological order, arity, attribute kinds, the op's own verifier and that
// declared result types agree with what inference computes. Each message
// names the op (Op::getDescription) and the problem.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Graph.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"
#include <cmath>

using namespace llvm;

namespace onncf {

Expected<SmallVector<TensorType, 1>> inferOpTypes(const Op &O) {
  SmallVector<TensorType, 1> Current;
  for (Value *R : O.getResults())
    Current.push_back(R->getType());
  const OpDef &Def = O.getDef();
  if (!Def.InferTypes)
    return Current;

  unsigned N = O.getNumOperands();
  SmallVector<TensorType, 4> Types(N);
  SmallVector<const Tensor *, 4> Data(N, nullptr);
  // std::vector<bool> has no ArrayRef view; use a plain array of bools.
  std::unique_ptr<bool[]> Present(new bool[N ? N : 1]());
  for (unsigned I = 0; I < N; ++I) {
    Value *V = O.getOperand(I);
    if (!V)
      continue;
    Present[I] = true;
    Types[I] = V->getType();
    if (V->isConstant() && !V->getConstantData().isNull())
      Data[I] = &V->getConstantData();
  }
  InferenceInputs In;
  In.Types = Types;
  In.Data = Data;
  In.Present = ArrayRef<bool>(Present.get(), N);
  auto Inferred = Def.InferTypes(O, In);
  if (!Inferred) {
    // Keep "incomplete" distinguishable from "malformed" through the
    // added context.
    Error E = Inferred.takeError();
    bool Incomplete = E.isA<IncompleteInferenceError>();
    std::string Msg = O.getDescription() + ": " + toString(std::move(E));
    if (Incomplete)
      return make_error<IncompleteInferenceError>(std::move(Msg));
    return makeError(Msg);
  }
  if (Inferred->size() != O.getNumResults())
    return makeError(O.getDescription() + ": type inference produced " +
                     Twine(Inferred->size()) + " types for " +
                     Twine(O.getNumResults()) + " results");
  return std::move(*Inferred);
}

/// Checks what the type system cannot: dims are sizes or kDynamicDim, and
/// quantization parameters fit the shape. \p What names the value.
static Error verifyType(const TensorType &T, const Twine &What) {
  for (int64_t D : T.getShape())
    if (D < kDynamicDim)
      return makeError(What + " has invalid dimension " + Twine(D) +
                       " in type " + T.str());
  const auto &Q = T.getQuant();
  if (!Q)
    return Error::success();
  if (Q->Bits < 1 || Q->Bits > 8 * getElementSize(T.getElementType()))
    return makeError(What + " has " + Twine(Q->Bits) +
                     "-bit quantization in type " + T.str());
  for (float S : Q->Scales)
    if (!std::isfinite(S) || S < 0)
      return makeError(What + " has invalid quantization scale in type " +
                       T.str());
  if (!Q->isPerAxis()) {
    if (Q->Scales.size() != 1)
      return makeError(What + " has " + Twine(Q->Scales.size()) +
                       " scales but per-tensor quantization in type " +
                       T.str());
    return Error::success();
  }
  if (unsigned(Q->Axis) >= T.getRank())
    return makeError(What + " has quantization axis " + Twine(Q->Axis) +
                     " out of range in type " + T.str());
  int64_t Dim = T.getDim(Q->Axis);
  if (Dim != kDynamicDim && int64_t(Q->Scales.size()) != Dim)
    return makeError(What + " has " + Twine(Q->Scales.size()) +
                     " scales for axis " + Twine(Q->Axis) + " of size " +
                     Twine(Dim) + " in type " + T.str());
  return Error::success();
}

static Error verifyAttrs(const Op &O) {
  const OpDef &Def = O.getDef();
  for (const auto &KV : O.getAttrs()) {
    const AttrSpec *Spec = Def.findAttr(KV.first);
    if (!Spec)
      return makeError(O.getDescription() + ": unknown attribute '" + KV.first +
                       "' for " + Def.Name);
    if (!KV.second.is(Spec->Kind))
      return makeError(O.getDescription() + ": attribute '" + KV.first +
                       "' must be " + getAttrKindName(Spec->Kind) + ", got " +
                       getAttrKindName(KV.second.getKind()));
  }
  for (const AttrSpec &Spec : Def.Attrs)
    if (Spec.Required && !O.hasAttr(Spec.Name))
      return makeError(O.getDescription() + ": missing required attribute '" +
                       Spec.Name + "'");
  return Error::success();
}

static Error verifyOp(const Graph &G, const Op &O,
                      const DenseSet<const Value *> &Defined) {
  const OpDef &Def = O.getDef();
  if (O.getParent() != &G)
    return makeError(O.getDescription() + ": op belongs to another graph");
  unsigned N = O.getNumOperands();
  if (N < Def.MinOperands || N > Def.MaxOperands)
    return makeError(O.getDescription() + ": has " + Twine(N) +
                     " operands, expected " + Twine(Def.MinOperands) +
                     (Def.MaxOperands == ~0u ? " or more"
                      : Def.MaxOperands != Def.MinOperands
                          ? " to " + std::to_string(Def.MaxOperands)
                          : std::string()));
  unsigned R = O.getNumResults();
  if (R < Def.MinResults || R > Def.MaxResults)
    return makeError(
        O.getDescription() + ": has " + Twine(R) + " results, expected " +
        Twine(Def.MinResults) +
        (Def.MaxResults != Def.MinResults ? " or more" : std::string()));
  for (unsigned I = 0; I < N; ++I) {
    const Value *V = O.getOperand(I);
    if (!V) {
      if (I < Def.MinOperands)
        return makeError(O.getDescription() + ": required operand " + Twine(I) +
                         " is absent");
      continue;
    }
    if (G.lookup(V->getName()) != V)
      return makeError(O.getDescription() + ": operand " + Twine(I) + " ('" +
                       V->getName() + "') does not belong to this graph");
    if (!Defined.count(V))
      return makeError(O.getDescription() + ": operand " + Twine(I) + " ('" +
                       V->getName() + "') is used before its definition");
  }
  for (unsigned I = 0; I < R; ++I) {
    const Value *V = O.getResult(I);
    if (!V || V->getDefiningOp() != &O || V->getResultIndex() != I)
      return makeError(O.getDescription() + ": result " + Twine(I) +
                       " is not linked to its op");
    if (Error E = verifyType(V->getType(), O.getDescription() + ": result '" +
                                               V->getName() + "'"))
      return E;
  }
  if (Error E = verifyAttrs(O))
    return E;
  if (Def.Verify)
    if (Error E = Def.Verify(O))
      return makeError(O.getDescription() + ": " + toString(std::move(E)));
  if (Def.InferTypes) {
    auto Types = inferOpTypes(O);
    if (!Types) {
      // The result types depend on data only known at run time: nothing
      // to check them against (their own validity was checked above).
      Error E = Types.takeError();
      if (E.isA<IncompleteInferenceError>()) {
        consumeError(std::move(E));
        return Error::success();
      }
      return E;
    }
    for (unsigned I = 0; I < R; ++I)
      if (!isCompatible(O.getResult(I)->getType(), (*Types)[I]))
        return makeError(O.getDescription() + ": result " + Twine(I) + " '" +
                         O.getResult(I)->getName() + "' has type " +
                         O.getResult(I)->getType().str() +
                         " but inference gives " + (*Types)[I].str());
  }
  return Error::success();
}

Error verifyGraph(const Graph &G) {
  DenseSet<const Value *> Defined;
  for (const Value *V : G.getInputs()) {
    if (Error E = verifyType(V->getType(), "input '" + V->getName() + "'"))
      return E;
    Defined.insert(V);
  }
  for (const Value *V : G.getConstants()) {
    if (Error E = verifyType(V->getType(), "constant '" + V->getName() + "'"))
      return E;
    const Tensor &T = V->getConstantData();
    if (T.isNull())
      return makeError("constant '" + V->getName() + "' has no data");
    if (T.getType().getShape() != V->getType().getShape() ||
        T.getElementType() != V->getType().getElementType())
      return makeError("constant '" + V->getName() + "' has type " +
                       V->getType().str() + " but its data is " +
                       T.getType().str());
    Defined.insert(V);
  }
  for (const auto &O : G.getOps()) {
    if (Error E = verifyOp(G, *O, Defined))
      return E;
    for (const Value *R : O->getResults())
      Defined.insert(R);
  }
  for (const Value *V : G.getOutputs()) {
    if (!V)
      return makeError("graph '" + G.getName() + "' has a null output");
    if (!Defined.count(V))
      return makeError("graph output '" + V->getName() +
                       "' is not defined in graph '" + G.getName() + "'");
  }
  return Error::success();
}

} // namespace onncf
