//===- Parser.h - Reading the text IR ----------------------------*- C++ -*-===//
//
// Part of onnc-fault. Errors carry "file:line:col: message".
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_PARSER_H
#define ONNCF_IR_PARSER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>

namespace onncf {

class Graph;

/// Parses \p Text; \p BufferName is used in error messages.
llvm::Expected<std::unique_ptr<Graph>> parseGraph(llvm::StringRef Text,
                                                  llvm::StringRef BufferName);
llvm::Expected<std::unique_ptr<Graph>> parseGraphFile(llvm::StringRef Path);

} // namespace onncf

#endif
