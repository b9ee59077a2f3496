//===- Builder.cpp - Convenience for creating ops -------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Builder.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {

Expected<Op *> Builder::createOp(StringRef Kind, ArrayRef<Value *> Operands,
                                 AttributeMap Attrs, unsigned NumResults,
                                 ArrayRef<std::string> ResultNames) {
  const OpDef *Def = OpRegistry::get().lookup(Kind);
  if (!Def)
    return makeError("unknown op kind '" + Kind + "'");
  if (!Def->InferTypes)
    return makeError(Kind + " has no type inference; use createOpWithTypes");
  // Create with placeholder types, then infer: inference functions take the
  // op itself (for its attributes).
  SmallVector<TensorType, 1> Placeholders(NumResults);
  auto O = G.createOp(Kind, Operands, Placeholders, std::move(Attrs),
                      ResultNames, Pos);
  if (!O)
    return O.takeError();
  auto Types = inferOpTypes(**O);
  if (!Types) {
    G.eraseOp(*O);
    return Types.takeError();
  }
  for (unsigned I = 0; I < NumResults; ++I)
    (*O)->getResult(I)->setType((*Types)[I]);
  return *O;
}

Expected<Op *> Builder::createOpWithTypes(StringRef Kind,
                                          ArrayRef<Value *> Operands,
                                          ArrayRef<TensorType> ResultTypes,
                                          AttributeMap Attrs,
                                          ArrayRef<std::string> ResultNames) {
  return G.createOp(Kind, Operands, ResultTypes, std::move(Attrs), ResultNames,
                    Pos);
}

} // namespace onncf
