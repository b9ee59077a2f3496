//===- ONNXExporter.h - IR -> ONNX model -------------------------*- C++
//-*-===//
//
// Part of onnc-fault. Writes a Graph made of onnx.* ops as an ONNX model:
// constants become initializers (raw_data), every value keeps its name and
// type. Canonical forms are written in the opset-13 form (or the model's
// original opset if higher), converting back where that opset still wants
// an attribute (Reduce* axes before opset 18).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FRONTEND_ONNX_ONNXEXPORTER_H
#define ONNCF_FRONTEND_ONNX_ONNXEXPORTER_H

#include "onncf/IR/Graph.h"
#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
}

namespace onncf {

/// Serializes \p G as an ONNX ModelProto to \p OS. Errors name the op that
/// cannot be expressed (a non-onnx op kind, quantized types, ...).
llvm::Error exportONNX(const Graph &G, llvm::raw_ostream &OS);

/// Same, written atomically to \p Path.
llvm::Error exportONNXFile(const Graph &G, llvm::StringRef Path);

} // namespace onncf

#endif
