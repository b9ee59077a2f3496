//===- HostTarget.cpp - The `host` target ---------------------------------===//
//
// Part of onnc-fault. Lowering for the host is a check rather than a
// rewrite: the quantized graph must verify and every op must have an
// interpreter kernel, so that what onnc-fault writes is something onnc-run
// can execute (an op without a kernel is reported at compile time, naming
// the op, instead of when the user first runs the output). One all-zero
// sample is run through the result for the same reason.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/Host/HostTarget.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Printer.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Target/Target.h"
#include "llvm/ADT/SmallVector.h"
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
  // Kernels check element types when they run, not when the plan is built,
  // so run one all-zero sample (unknown dimensions set to 1) to catch an op
  // whose kernel lacks the integer type the quantizer chose.
  std::vector<Tensor> Inputs;
  for (const ExecutorPort &P : (*I)->getInputs()) {
    SmallVector<int64_t, 4> Shape(P.Type.getShape().begin(),
                                  P.Type.getShape().end());
    for (int64_t &D : Shape)
      if (D == kDynamicDim)
        D = 1;
    Inputs.emplace_back(P.Type.withShape(Shape));
  }
  if (auto Out = (*I)->runSingleThreaded(Inputs); !Out)
    return makeError("host: the interpreter cannot run the result: " +
                     toString(Out.takeError()));
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
