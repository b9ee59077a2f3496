//===- QDQExport.cpp - Write a quantized graph as a QDQ ONNX model --------===//
//
// Part of onnc-fault. The `--emit=onnx` path of the tools: copy the graph,
// lower the copy to QDQ form and hand it to the ONNX exporter. The copy goes
// through the text IR, which round-trips exactly (docs/IRFormat.md), so the
// caller's graph (still needed for other outputs) is never touched.
//
//===----------------------------------------------------------------------===//
#include "onncf/Frontend/ONNX/ONNXExporter.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/Quant/QDQ.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {

Error exportQDQModel(const Graph &G, StringRef Path) {
  auto Copy = parseGraph(printGraphToString(G), G.getName());
  if (!Copy)
    return addFileContext(Copy.takeError(), Path);
  if (Error E = lowerQuantToQDQ(**Copy))
    return addFileContext(std::move(E), Path);
  return exportONNXFile(**Copy, Path);
}

} // namespace onncf
