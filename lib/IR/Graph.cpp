//===- Graph.cpp - A computation graph ------------------------------------===//
//
// Part of onnc-fault. Value bookkeeping (unique names, inputs, constants,
// outputs) and op creation/erasure. Use lists are not stored: getUses() scans
// the ops, which keeps every mutation trivially consistent.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Graph.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace onncf {

Graph::~Graph() = default;

Value *Graph::createValue(Value::Kind K, std::string Name, TensorType Type) {
  assert(!ValuesByName.count(Name) && "name already taken");
  std::unique_ptr<Value> V(new Value(K, Name, std::move(Type)));
  Value *Raw = V.get();
  ValuesByName[Name] = std::move(V);
  return Raw;
}

static Error nameTaken(StringRef Name) {
  return makeError("redefinition of value '" + Name + "'");
}

Expected<Value *> Graph::addInput(StringRef Name, TensorType Type) {
  if (Name.empty())
    return makeError("graph input has an empty name");
  if (ValuesByName.count(Name))
    return nameTaken(Name);
  Value *V = createValue(Value::Kind::Input, Name.str(), std::move(Type));
  Inputs.push_back(V);
  return V;
}

Expected<Value *> Graph::addConstant(StringRef Name, Tensor Data) {
  if (Name.empty())
    return makeError("constant has an empty name");
  if (ValuesByName.count(Name))
    return nameTaken(Name);
  Value *V = createValue(Value::Kind::Constant, Name.str(), Data.getType());
  V->Data = std::move(Data);
  Constants.push_back(V);
  return V;
}

Value *Graph::addConstantUnique(StringRef Hint, Tensor Data) {
  std::string Name = getUniqueName(Hint.empty() ? "cst" : Hint);
  Value *V = createValue(Value::Kind::Constant, Name, Data.getType());
  V->Data = std::move(Data);
  Constants.push_back(V);
  return V;
}

std::string Graph::getUniqueName(StringRef Hint) const {
  if (Hint.empty())
    Hint = "v";
  if (!ValuesByName.count(Hint))
    return Hint.str();
  unsigned &Next = NextSuffix[Hint];
  for (unsigned I = std::max(Next, 1u);; ++I) {
    std::string Candidate = (Hint + "_" + Twine(I)).str();
    if (!ValuesByName.count(Candidate)) {
      Next = I;
      return Candidate;
    }
  }
}

Value *Graph::lookup(StringRef Name) const {
  auto It = ValuesByName.find(Name);
  return It == ValuesByName.end() ? nullptr : It->second.get();
}

/// "onnx.MatMul" -> "matmul": readable default names for results.
static std::string resultHint(StringRef Kind) {
  StringRef Short = Kind.rsplit('.').second;
  if (Short.empty())
    Short = Kind;
  return Short.lower();
}

Expected<Op *> Graph::createOp(StringRef Kind, ArrayRef<Value *> Operands,
                               ArrayRef<TensorType> ResultTypes,
                               AttributeMap Attrs,
                               ArrayRef<std::string> ResultNames,
                               op_iterator Pos) {
  const OpDef *Def = OpRegistry::get().lookup(Kind);
  if (!Def)
    return makeError("unknown op kind '" + Kind + "'");
  unsigned NOps = Operands.size(), NRes = ResultTypes.size();
  if (NOps < Def->MinOperands || NOps > Def->MaxOperands) {
    std::string Range = Def->MaxOperands == ~0u
                            ? "at least " + std::to_string(Def->MinOperands)
                        : Def->MinOperands == Def->MaxOperands
                            ? std::to_string(Def->MinOperands)
                            : std::to_string(Def->MinOperands) + " to " +
                                  std::to_string(Def->MaxOperands);
    return makeError(Kind + " expects " + Range + " operands, got " +
                     Twine(NOps));
  }
  for (unsigned I = 0; I < NOps; ++I) {
    Value *V = Operands[I];
    if (!V) {
      if (I < Def->MinOperands)
        return makeError(Kind + ": required operand " + Twine(I) +
                         " is absent");
      continue;
    }
    if (lookup(V->getName()) != V)
      return makeError(Kind + ": operand " + Twine(I) + " ('" + V->getName() +
                       "') does not belong to graph '" + Name + "'");
  }
  if (NRes < Def->MinResults || NRes > Def->MaxResults)
    return makeError(Kind + " expects " + Twine(Def->MinResults) +
                     (Def->MaxResults != Def->MinResults
                          ? " to " + (Def->MaxResults == ~0u
                                          ? std::string("any")
                                          : std::to_string(Def->MaxResults))
                          : std::string()) +
                     " results, got " + Twine(NRes));
  if (!ResultNames.empty() && ResultNames.size() != NRes)
    return makeError(Kind + ": " + Twine(ResultNames.size()) +
                     " result names for " + Twine(NRes) + " results");
  // Validate every name before creating anything, so failure leaves the
  // graph untouched.
  for (unsigned I = 0; I < ResultNames.size(); ++I) {
    if (ResultNames[I].empty())
      continue;
    if (ValuesByName.count(ResultNames[I]))
      return nameTaken(ResultNames[I]);
    for (unsigned J = 0; J < I; ++J)
      if (ResultNames[J] == ResultNames[I])
        return nameTaken(ResultNames[I]);
  }

  std::unique_ptr<Op> O(new Op(Def, this));
  O->Operands.assign(Operands.begin(), Operands.end());
  O->Attrs = std::move(Attrs);
  std::string Hint = resultHint(Kind);
  for (unsigned I = 0; I < NRes; ++I) {
    std::string RName = I < ResultNames.size() && !ResultNames[I].empty()
                            ? ResultNames[I]
                            : getUniqueName(Hint);
    Value *R = createValue(Value::Kind::Result, RName, ResultTypes[I]);
    R->DefOp = O.get();
    R->ResultIndex = I;
    O->Results.push_back(R);
  }
  if (Pos == op_iterator())
    Pos = Ops.end();
  return Ops.insert(Pos, std::move(O))->get();
}

Graph::op_iterator Graph::getIterator(Op *O) {
  for (auto It = Ops.begin(), E = Ops.end(); It != E; ++It)
    if (It->get() == O)
      return It;
  assert(false && "op not in this graph");
  return Ops.end();
}

void Graph::eraseOp(Op *O) {
  auto It = getIterator(O);
  if (It == Ops.end())
    return;
  for (Value *R : O->Results) {
    assert(!hasUses(R) && "erasing an op whose results are still used");
    ValuesByName.erase(R->getName());
  }
  Ops.erase(It);
}

void Graph::eraseValue(Value *V) {
  assert(!V->isResult() && "use eraseOp for op results");
  assert(!hasUses(V) && "erasing a used value");
  if (V->isInput())
    Inputs.erase(std::remove(Inputs.begin(), Inputs.end(), V), Inputs.end());
  else
    Constants.erase(std::remove(Constants.begin(), Constants.end(), V),
                    Constants.end());
  ValuesByName.erase(V->getName());
}

void Graph::eraseUnusedConstants() {
  DenseSet<const Value *> Used(Outputs.begin(), Outputs.end());
  for (const auto &O : Ops)
    for (Value *V : O->getOperands())
      if (V)
        Used.insert(V);
  std::vector<Value *> Kept;
  for (Value *C : Constants) {
    if (Used.count(C)) {
      Kept.push_back(C);
      continue;
    }
    ValuesByName.erase(C->getName());
  }
  Constants = std::move(Kept);
}

SmallVector<std::pair<Op *, unsigned>, 4> Graph::getUses(const Value *V) const {
  SmallVector<std::pair<Op *, unsigned>, 4> Uses;
  for (const auto &O : Ops)
    for (unsigned I = 0, E = O->getNumOperands(); I < E; ++I)
      if (O->getOperand(I) == V)
        Uses.push_back({O.get(), I});
  return Uses;
}

bool Graph::hasUses(const Value *V) const {
  if (isOutput(V))
    return true;
  for (const auto &O : Ops)
    for (Value *Operand : O->getOperands())
      if (Operand == V)
        return true;
  return false;
}

bool Graph::isOutput(const Value *V) const {
  return llvm::is_contained(Outputs, V);
}

void Graph::replaceAllUsesWith(Value *From, Value *To) {
  for (auto &O : Ops)
    for (Value *&Operand : O->Operands)
      if (Operand == From)
        Operand = To;
  for (Value *&Out : Outputs)
    if (Out == From)
      Out = To;
}

Error Graph::inferTypes() {
  for (auto &O : Ops) {
    auto Types = inferOpTypes(*O);
    if (!Types) {
      // Data-dependent result types unknown until run time: keep the
      // types the results have (declared by the model or set earlier).
      Error E = Types.takeError();
      if (E.isA<IncompleteInferenceError>()) {
        consumeError(std::move(E));
        continue;
      }
      return E;
    }
    for (unsigned I = 0; I < O->getNumResults(); ++I)
      O->getResult(I)->setType((*Types)[I]);
  }
  return Error::success();
}

} // namespace onncf
