//===- ImporterInternal.h - Shared state of the ONNX importer ---*- C++ -*-===//
//
// Part of onnc-fault. Private to lib/Frontend/ONNX: what one node's import
// carries between attribute conversion, legacy-form rewriting and op
// creation.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_FRONTEND_ONNX_IMPORTERINTERNAL_H
#define ONNCF_LIB_FRONTEND_ONNX_IMPORTERINTERNAL_H

#include "onncf/IR/Graph.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include <string>

namespace onnx {
class NodeProto;
}

namespace onncf {

/// One ONNX node on its way to becoming an op.
struct NodeImport {
  const onnx::NodeProto &Node;
  Graph &G;
  int64_t Opset;
  /// The op kind, "onnx." + op_type.
  std::string Kind;
  /// "node 'conv1' (op 'Conv', opset 13)": how messages name the node.
  std::string Where;
  /// Operands in ONNX order; null for an absent optional input.
  llvm::SmallVector<Value *, 4> Operands;
  AttributeMap Attrs;

  NodeImport(const onnx::NodeProto &Node, Graph &G, int64_t Opset)
      : Node(Node), G(G), Opset(Opset) {}

  /// An error "<Where>: <Msg>" (the caller adds the file name).
  llvm::Error error(const llvm::Twine &Msg) const;
  /// A hint for the names of constants created for this node.
  std::string nameHint(llvm::StringRef Suffix) const;
  /// Sets operand \p I, padding with absent operands as needed.
  void setOperand(unsigned I, Value *V);
  /// Removes attribute \p Name and returns it, if present.
  std::optional<Attribute> takeAttr(llvm::StringRef Name);
};

/// Rewrites the legacy-opset forms of \p N (attributes that later opsets
/// made operands, old Softmax semantics, ...) into the canonical IR form.
llvm::Error canonicalizeLegacyForms(NodeImport &N);

} // namespace onncf

#endif
