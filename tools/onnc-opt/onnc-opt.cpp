//===- onnc-opt.cpp - Run a pass pipeline on a model ----------------------===//
//
// Part of onnc-fault. Reads an ONNX model or a text-IR graph, verifies it,
// runs the pipeline given by -passes, and prints the resulting text IR. The
// test driver of lib/Transforms and the way to inspect what the compiler
// does to a model. See docs/tools/onnc-opt.md.
//
//===----------------------------------------------------------------------===//
#include "onncf/Config/Version.h"
#include "onncf/Frontend/ModelLoader.h"
#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/Pass/PassManager.h"
#include "onncf/Pass/PassManagerOptions.h"
#include "onncf/Quant/Quantize.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "onncf/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace onncf;

static cl::OptionCategory OptCat("onnc-opt options");

static cl::opt<std::string> InputPath(cl::Positional,
                                      cl::desc("<model.onnx | graph.ir | ->"),
                                      cl::init("-"), cl::cat(OptCat));
static cl::opt<std::string>
    OutputPath("o", cl::desc("Write the text IR to FILE (default: stdout)"),
               cl::value_desc("FILE"), cl::init("-"), cl::cat(OptCat));
static cl::opt<std::string>
    Passes("passes",
           cl::desc("Pass pipeline, e.g. 'canonicalize,constant-fold{max-"
                    "size=1024},dce' or 'default'"),
           cl::value_desc("pipeline"), cl::cat(OptCat));
static cl::opt<bool>
    ElideConstants("elide-constants",
                   cl::desc("Print large constants as <elided> (output is "
                            "for reading; it does not parse back)"),
                   cl::cat(OptCat));
static cl::opt<int64_t> InlineLimit(
    "inline-limit",
    cl::desc("Constants up to N bytes print inline, larger ones in the "
             "trailing blob section (default 64)"),
    cl::value_desc("N"), cl::init(64), cl::cat(OptCat));
static cl::opt<bool> ListPasses("list-passes",
                                cl::desc("List passes, options and pipelines"),
                                cl::cat(OptCat));
static cl::opt<bool>
    ListOps("list-ops",
            cl::desc("List the registered op kinds, with their operand and "
                     "result counts and whether the interpreter runs them"),
            cl::cat(OptCat));
static cl::opt<int64_t>
    BatchSize("batch-size",
              cl::desc("ONNX input: fix a dynamic batch axis to N before "
                       "inferring types (0: keep it dynamic)"),
              cl::value_desc("N"), cl::init(0), cl::cat(OptCat));

/// Prints one line per registered op kind: name, operand and result arity
/// and whether lib/Interp has a kernel for it. docs/Operators.md is this
/// list.
static void listOps(raw_ostream &OS) {
  auto Arity = [](unsigned Min, unsigned Max) {
    if (Max == ~0u)
      return std::to_string(Min) + "+";
    if (Min == Max)
      return std::to_string(Min);
    return std::to_string(Min) + "-" + std::to_string(Max);
  };
  std::vector<const OpDef *> Defs = OpRegistry::get().all();
  llvm::sort(Defs, [](const OpDef *A, const OpDef *B) {
    return A->Name < B->Name;
  });
  OS << "| op | operands | results | interpreter |\n| --- | --- | --- | --- |\n";
  for (const OpDef *D : Defs)
    OS << "| " << D->Name << " | " << Arity(D->MinOperands, D->MaxOperands)
       << " | " << Arity(D->MinResults, D->MaxResults) << " | "
       << (KernelRegistry::get().lookup(*D) ? "yes" : "no") << " |\n";
}

static Expected<std::unique_ptr<Graph>> loadGraph(StringRef Path) {
  ImportOptions IO;
  IO.BatchSize = BatchSize;
  return loadModel(Path, IO);
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  setToolName("onnc-opt");
  registerTransformsPasses();
  registerQuantizePass();
  registerPassManagerCLOptions(OptCat, /*VerifyEachDefault=*/true);
  cl::HideUnrelatedOptions(OptCat);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "onnc-opt (onnc-fault) version " << ONNCF_VERSION_STRING;
    if (StringRef(ONNCF_GIT_REVISION).size())
      OS << " (" << ONNCF_GIT_REVISION << ")";
    OS << "\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "onnc-opt: run a pass pipeline on an ONNX model or text-IR graph\n\n"
          "Reads MODEL (.onnx, or the text IR; '-' is stdin), verifies it, "
          "runs the\npasses given by -passes in order and prints the "
          "resulting text IR.\n\n"
          "  onnc-opt model.onnx -passes=default -o model.ir\n"
          "  onnc-opt in.ir -passes='canonicalize,constant-fold{max-size="
          "1024},dce'\n"
          "  onnc-opt --list-passes\n",
          &errs()))
    return ExitUsageError;

  if (ListOps) {
    listOps(outs());
    return ExitSuccess;
  }
  if (ListPasses) {
    PassRegistry::get().printPassList(outs());
    return ExitSuccess;
  }
  if (InlineLimit < 0)
    usageError("--inline-limit must be >= 0");
  if (BatchSize < 0)
    usageError("--batch-size must be >= 0");

  // Parse the pipeline and instrumentation before reading a possibly large
  // model, so a typo fails fast.
  PassManager PM;
  if (Error E = PM.addPipeline(Passes))
    usageError("-passes: " + toString(std::move(E)));
  if (Error E = PM.configure(getPassManagerCLOptions()))
    usageError(toString(std::move(E)));

  StringRef Name =
      InputPath == "-" ? StringRef("<stdin>") : StringRef(InputPath);
  std::unique_ptr<Graph> G = exitOnErr(loadGraph(InputPath));
  if (Error E = verifyGraph(*G))
    exitOnError(addFileContext(
        makeError("invalid input graph: " + toString(std::move(E))), Name));
  if (Error E = PM.run(*G))
    exitOnError(addFileContext(std::move(E), Name));

  PrintOptions PO;
  PO.InlineLimit = InlineLimit;
  PO.ElideConstants = ElideConstants;
  exitOnErr(writeFileAtomically(OutputPath, [&](raw_ostream &OS) {
    printGraph(*G, OS, PO);
    return Error::success();
  }));
  return ExitSuccess;
}
