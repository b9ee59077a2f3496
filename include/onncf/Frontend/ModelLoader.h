//===- ModelLoader.h - Read a model in any input form -----------*- C++ -*-===//
//
// Part of onnc-fault. Every tool accepts a model as ONNX protobuf or as text
// IR; this is the one place that tells them apart and reads them, so the
// tools agree on what a model file is.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FRONTEND_MODELLOADER_H
#define ONNCF_FRONTEND_MODELLOADER_H

#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>

namespace onncf {

class Graph;

/// True if \p Bytes read from \p Path are an ONNX protobuf: by the .onnx
/// extension, else (not .ir / .mlir) by content, since the text IR is
/// printable and a protobuf is not.
bool isONNXModel(llvm::StringRef Path, llvm::StringRef Bytes);

/// Reads \p Path ("-" is stdin) as ONNX (with \p Opts; external data is
/// looked up next to the model) or as text IR. Errors name the file.
llvm::Expected<std::unique_ptr<Graph>>
loadModel(llvm::StringRef Path, const ImportOptions &Opts = ImportOptions());

} // namespace onncf

#endif
