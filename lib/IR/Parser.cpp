//===- Parser.cpp - Reading the text IR (stub) ----------------------------===//
#include "onncf/IR/Parser.h"
#include "onncf/IR/Graph.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
using namespace llvm;
namespace onncf {
Expected<std::unique_ptr<Graph>> parseGraph(StringRef Text, StringRef Buf) {
  return makeError(Buf + ":1:1: parser not implemented yet");
}
Expected<std::unique_ptr<Graph>> parseGraphFile(StringRef Path) {
  auto B = readFile(Path);
  if (!B)
    return B.takeError();
  return parseGraph((*B)->getBuffer(), Path);
}
} // namespace onncf
