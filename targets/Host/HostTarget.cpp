//===- HostTarget.cpp - The `host` target ---------------------------------===//
//
// Part of onnc-fault. Lowering for the host is a check rather than a
// rewrite: the quantized graph must verify and every op must have an
// interpreter kernel, so that what onnc-fault writes is something onnc-run
// can execute (an op without a kernel is reported at compile time, naming
// the op, instead of when the user first runs the output).
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/Host/HostTarget.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Printer.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Target/Target.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

static Error lowerForHost(Graph &G, const TargetOptions &Opts) {
  if (Error E = verifyGraph(G))
    return makeError("host: the quantized graph is invalid: " +
                     toString(std::move(E)));
  InterpreterOptions IO;
  IO.Threads = 1;
  auto I = Interpreter::create(G, IO);
  if (!I)
    return makeError("host: the interpreter cannot run the result: " +
                     toString(I.takeError()));
  return Error::success();
}

static Error emitForHost(const Graph &G, raw_ostream &OS,
                         const TargetOptions &) {
  printGraph(G, OS);
  return Error::success();
}

void registerHostTarget() {
  TargetInfo T;
  T.Name = "host";
  T.Description = "this machine: the quantized IR as text, run by onnc-run "
                  "with the integer interpreter";
  T.OutputExtension = ".ir";
  T.BinaryOutput = false;
  T.Lower = lowerForHost;
  T.Emit = emitForHost;
  TargetRegistry::get().registerTarget(std::move(T));
}

} // namespace onncf
