//===- Op.h - Operations of the IR -------------------------------*- C++ -*-===//
//
// Part of onnc-fault. An Op has a kind (a namespaced string such as
// "onnx.Conv" or "nvdla.conv") resolved to its OpDef, operands, results and
// attributes. An absent optional operand (ONNX's empty input name) is a null
// pointer in the operand list.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_OP_H
#define ONNCF_IR_OP_H

#include "onncf/IR/Attribute.h"
#include "onncf/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>

namespace onncf {

struct OpDef;
class Graph;

class Op {
public:
  const OpDef &getDef() const { return *Def; }
  llvm::StringRef getKind() const;
  /// The node's name (from ONNX, may be empty); used in diagnostics.
  const std::string &getName() const { return Name; }
  void setName(std::string N) { Name = std::move(N); }
  /// "onnx.Conv 'conv1'" or "onnx.Conv producing 'x'": how diagnostics name
  /// this op.
  std::string getDescription() const;

  unsigned getNumOperands() const { return Operands.size(); }
  Value *getOperand(unsigned I) const { return Operands[I]; }
  /// Operand I or null if absent or out of range.
  Value *getOptionalOperand(unsigned I) const {
    return I < Operands.size() ? Operands[I] : nullptr;
  }
  llvm::ArrayRef<Value *> getOperands() const { return Operands; }
  void setOperand(unsigned I, Value *V) { Operands[I] = V; }
  void setOperands(llvm::ArrayRef<Value *> Ops) {
    Operands.assign(Ops.begin(), Ops.end());
  }

  unsigned getNumResults() const { return Results.size(); }
  Value *getResult(unsigned I = 0) const { return Results[I]; }
  llvm::ArrayRef<Value *> getResults() const { return Results; }

  const AttributeMap &getAttrs() const { return Attrs; }
  bool hasAttr(llvm::StringRef N) const { return Attrs.count(N) != 0; }
  const Attribute *getAttr(llvm::StringRef N) const;
  void setAttr(llvm::StringRef N, Attribute A);
  void removeAttr(llvm::StringRef N);

  /// Typed accessors with defaults, for kernels and passes. They assume the
  /// verifier has checked the attribute's kind.
  int64_t getIntAttr(llvm::StringRef N, int64_t Default) const;
  float getFloatAttr(llvm::StringRef N, float Default) const;
  std::string getStringAttr(llvm::StringRef N, llvm::StringRef Default) const;
  std::vector<int64_t> getIntsAttr(llvm::StringRef N,
                                   std::vector<int64_t> Default = {}) const;
  std::vector<float> getFloatsAttr(llvm::StringRef N,
                                   std::vector<float> Default = {}) const;

  Graph *getParent() const { return Parent; }

private:
  friend class Graph;
  Op(const OpDef *Def, Graph *Parent) : Def(Def), Parent(Parent) {}

  const OpDef *Def;
  Graph *Parent;
  std::string Name;
  llvm::SmallVector<Value *, 4> Operands;
  llvm::SmallVector<Value *, 1> Results;
  AttributeMap Attrs;
};

} // namespace onncf

#endif
