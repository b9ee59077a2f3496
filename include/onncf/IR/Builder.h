//===- Builder.h - Convenience for creating ops ------------------*- C++ -*-===//
//
// Part of onnc-fault. A Builder inserts ops at a position in a graph and
// infers their result types, so passes and tests can write
//   Value *Y = B.create("onnx.Relu", {X});
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_BUILDER_H
#define ONNCF_IR_BUILDER_H

#include "onncf/IR/Graph.h"

namespace onncf {

class Builder {
public:
  explicit Builder(Graph &G) : G(G), Pos(G.end()) {}
  Builder(Graph &G, Graph::op_iterator Pos) : G(G), Pos(Pos) {}

  Graph &getGraph() { return G; }
  void setInsertionPoint(Graph::op_iterator P) { Pos = P; }
  void setInsertionPointBefore(Op *O) { Pos = G.getIterator(O); }
  void setInsertionPointAfter(Op *O) { Pos = std::next(G.getIterator(O)); }
  void setInsertionPointToEnd() { Pos = G.end(); }

  /// Creates an op whose result types come from its OpDef's inference.
  llvm::Expected<Op *> createOp(llvm::StringRef Kind,
                                llvm::ArrayRef<Value *> Operands,
                                AttributeMap Attrs = {},
                                unsigned NumResults = 1,
                                llvm::ArrayRef<std::string> ResultNames = {});
  /// Same with explicit result types (no inference).
  llvm::Expected<Op *> createOpWithTypes(
      llvm::StringRef Kind, llvm::ArrayRef<Value *> Operands,
      llvm::ArrayRef<TensorType> ResultTypes, AttributeMap Attrs = {},
      llvm::ArrayRef<std::string> ResultNames = {});

  Value *createConstant(llvm::StringRef NameHint, Tensor Data) {
    return G.addConstantUnique(NameHint, std::move(Data));
  }

private:
  Graph &G;
  Graph::op_iterator Pos;
};

} // namespace onncf

#endif
