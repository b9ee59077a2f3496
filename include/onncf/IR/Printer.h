//===- Printer.h - Text form of the IR ---------------------------*- C++ -*-===//
//
// Part of onnc-fault. The text IR is documented in docs/IRFormat.md. It
// round-trips exactly: print(parse(print(G))) == print(G). Constants larger
// than PrintOptions::InlineLimit bytes are printed as references into a
// trailing hex blob section.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_PRINTER_H
#define ONNCF_IR_PRINTER_H

#include <cstddef>
#include <string>

namespace llvm {
class raw_ostream;
}

namespace onncf {

class Graph;

struct PrintOptions {
  /// Constants up to this many bytes print inline as literal lists.
  size_t InlineLimit = 64;
  /// Print large constants as "<elided>" (not parseable); for reading.
  bool ElideConstants = false;
};

void printGraph(const Graph &G, llvm::raw_ostream &OS,
                const PrintOptions &Opts = {});
std::string printGraphToString(const Graph &G, const PrintOptions &Opts = {});

} // namespace onncf

#endif
