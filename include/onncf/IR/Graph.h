//===- Graph.h - A computation graph -----------------------------*- C++ -*-===//
//
// Part of onnc-fault. A Graph owns its values and ops. Ops are kept in a
// topological order (every operand is defined before use); the builder and
// the importer maintain it, the verifier checks it. Graph inputs and
// constants are listed in their declaration order so printing is stable.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_GRAPH_H
#define ONNCF_IR_GRAPH_H

#include "onncf/IR/Op.h"
#include "onncf/IR/Value.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <list>
#include <memory>
#include <vector>

namespace onncf {

class Graph {
public:
  using OpList = std::list<std::unique_ptr<Op>>;
  using op_iterator = OpList::iterator;

  explicit Graph(std::string Name = "main") : Name(std::move(Name)) {}
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;
  ~Graph();

  const std::string &getName() const { return Name; }
  void setName(std::string N) { Name = std::move(N); }

  /// Metadata kept from the source model (producer, opset, ...), printed as
  /// graph attributes.
  AttributeMap &getMetadata() { return Metadata; }
  const AttributeMap &getMetadata() const { return Metadata; }

  // Values. Names must be unique: these return an error if taken.
  llvm::Expected<Value *> addInput(llvm::StringRef Name, TensorType Type);
  llvm::Expected<Value *> addConstant(llvm::StringRef Name, Tensor Data);
  /// Like addConstant but picks a fresh name derived from \p Hint.
  Value *addConstantUnique(llvm::StringRef Hint, Tensor Data);
  /// A name not yet used in this graph, derived from \p Hint.
  std::string getUniqueName(llvm::StringRef Hint) const;
  Value *lookup(llvm::StringRef Name) const;

  llvm::ArrayRef<Value *> getInputs() const { return Inputs; }
  llvm::ArrayRef<Value *> getConstants() const { return Constants; }
  llvm::ArrayRef<Value *> getOutputs() const { return Outputs; }
  void setOutputs(llvm::ArrayRef<Value *> Outs) {
    Outputs.assign(Outs.begin(), Outs.end());
  }
  void addOutput(Value *V) { Outputs.push_back(V); }

  // Ops.
  /// Creates an op of kind \p Kind (which must be registered) before \p Pos
  /// (end() appends). Result names come from \p ResultNames when given
  /// (must be unique) or are generated.
  llvm::Expected<Op *> createOp(llvm::StringRef Kind,
                                llvm::ArrayRef<Value *> Operands,
                                llvm::ArrayRef<TensorType> ResultTypes,
                                AttributeMap Attrs = {},
                                llvm::ArrayRef<std::string> ResultNames = {},
                                op_iterator Pos = op_iterator());
  /// Removes \p O; its results must have no remaining uses.
  void eraseOp(Op *O);
  /// Removes constants that no op and no output uses.
  void eraseUnusedConstants();
  /// Removes a constant or input value with no uses.
  void eraseValue(Value *V);

  OpList &getOps() { return Ops; }
  const OpList &getOps() const { return Ops; }
  op_iterator begin() { return Ops.begin(); }
  op_iterator end() { return Ops.end(); }
  op_iterator getIterator(Op *O);
  size_t getNumOps() const { return Ops.size(); }

  /// Every (op, operand index) that reads \p V. Linear in graph size.
  llvm::SmallVector<std::pair<Op *, unsigned>, 4> getUses(const Value *V) const;
  /// True if an op reads \p V or \p V is a graph output.
  bool hasUses(const Value *V) const;
  /// True if \p V is a graph output.
  bool isOutput(const Value *V) const;
  /// Rewrites every use of \p From (operands and graph outputs) to \p To.
  void replaceAllUsesWith(Value *From, Value *To);

  /// Runs every op's type inference in order and updates result types.
  llvm::Error inferTypes();

private:
  Value *createValue(Value::Kind K, std::string Name, TensorType Type);

  std::string Name;
  AttributeMap Metadata;
  /// Owns every value; keyed by its unique name.
  llvm::StringMap<std::unique_ptr<Value>> ValuesByName;
  /// Per hint, the last suffix getUniqueName() handed out, so generating
  /// many names from one hint stays linear.
  mutable llvm::StringMap<unsigned> NextSuffix;
  llvm::SmallVector<Value *, 2> Inputs;
  std::vector<Value *> Constants;
  llvm::SmallVector<Value *, 2> Outputs;
  OpList Ops;
};

/// Verifies structural invariants (topological order, arity, attribute
/// kinds, op verifiers, inferred types compatible with declared ones).
/// The error names the op and the problem.
llvm::Error verifyGraph(const Graph &G);

/// Infers the result types of \p O from its operands' types and constant
/// data, as OpDef::InferTypes does, or returns them unchanged if the op has
/// no inference function.
llvm::Expected<llvm::SmallVector<TensorType, 1>> inferOpTypes(const Op &O);

} // namespace onncf

#endif
