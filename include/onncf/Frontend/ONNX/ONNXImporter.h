//===- ONNXImporter.h - ONNX model -> IR -------------------------*- C++
//-*-===//
//
// Part of onnc-fault. Imports an ONNX model (default-domain opsets 7 to 17)
// into a Graph of onnx.* ops in their canonical form (see
// onncf/IR/ONNXOps.h): legacy-opset attribute forms become operands,
// initializers and Constant nodes become graph constants, and every value
// gets a type from the model's declarations, ONNX's shape inference and the
// IR's own inference, checked against each other. The result is verified.
//
// Errors name the model file and, where there is one, the node:
//   model.onnx: node 'conv1' (op 'Conv', opset 13): <problem>
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FRONTEND_ONNX_ONNXIMPORTER_H
#define ONNCF_FRONTEND_ONNX_ONNXIMPORTER_H

#include "onncf/IR/Graph.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>

namespace onncf {

struct ImportOptions {
  /// Run ONNX's own shape inference when value_info lacks the types of
  /// intermediate values.
  bool RunONNXShapeInference = true;
  /// If > 0, a dynamic (symbolic) first dimension of every graph input is
  /// fixed to this batch size before types are inferred.
  int64_t BatchSize = 0;
  /// Run verifyGraph on the result (on by default; tests may turn it off to
  /// inspect a graph the verifier rejects).
  bool Verify = true;
};

/// Lowest and highest supported opset of the default ONNX domain.
constexpr int64_t kMinONNXOpset = 7;
constexpr int64_t kMaxONNXOpset = 17;

/// Imports the model at \p Path; external data is resolved relative to its
/// folder.
llvm::Expected<std::unique_ptr<Graph>>
importONNXFile(llvm::StringRef Path, const ImportOptions &Opts = {});

/// Imports a serialized ModelProto held in memory. \p Name names it in
/// messages; external data is resolved relative to \p BaseDir (the folder
/// of \p Name when empty).
llvm::Expected<std::unique_ptr<Graph>>
importONNXBuffer(llvm::StringRef Bytes, llvm::StringRef Name,
                 const ImportOptions &Opts = {}, llvm::StringRef BaseDir = "");

} // namespace onncf

#endif
