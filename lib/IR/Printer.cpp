//===- Printer.cpp - Text form of the IR (stub) ---------------------------===//
#include "onncf/IR/Printer.h"
#include "onncf/IR/Graph.h"
#include "llvm/Support/raw_ostream.h"
using namespace llvm;
namespace onncf {
void printGraph(const Graph &G, raw_ostream &OS, const PrintOptions &Opts) {
  OS << "graph @" << G.getName() << " {\n}\n";
}
std::string printGraphToString(const Graph &G, const PrintOptions &Opts) {
  std::string S;
  raw_string_ostream OS(S);
  printGraph(G, OS, Opts);
  return OS.str();
}
} // namespace onncf
