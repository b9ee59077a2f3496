//===- PassManagerOptions.cpp - Shared command-line options ---------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Pass/PassManagerOptions.h"
#include "llvm/Support/CommandLine.h"

using namespace llvm;

namespace onncf {

namespace {
/// Constructed on registration so tools that do not run pipelines do not
/// see these options.
struct PassManagerCLOptions {
  explicit PassManagerCLOptions(cl::OptionCategory &Cat, bool VerifyDefault)
      : PrintBeforeAll("print-before-all",
                       cl::desc("Print the IR before every pass"),
                       cl::cat(Cat)),
        PrintAfterAll("print-after-all",
                      cl::desc("Print the IR after every pass"), cl::cat(Cat)),
        PrintBefore("print-before", cl::desc("Print the IR before pass NAME"),
                    cl::value_desc("NAME"), cl::CommaSeparated, cl::cat(Cat)),
        PrintAfter("print-after", cl::desc("Print the IR after pass NAME"),
                   cl::value_desc("NAME"), cl::CommaSeparated, cl::cat(Cat)),
        PrintChangedOnly(
            "print-changed-only",
            cl::desc("With --print-after*, skip passes that changed nothing"),
            cl::cat(Cat)),
        TimePasses("time-passes",
                   cl::desc("Print a table of the time each pass took"),
                   cl::cat(Cat)),
        VerifyEach("verify-each",
                   cl::desc("Verify the graph after every pass (default on; "
                            "--verify-each=false to disable)"),
                   cl::init(VerifyDefault), cl::cat(Cat)),
        PassStats("pass-stats",
                  cl::desc("Print what each pass changed, after the pipeline"),
                  cl::cat(Cat)) {}

  cl::opt<bool> PrintBeforeAll, PrintAfterAll;
  cl::list<std::string> PrintBefore, PrintAfter;
  cl::opt<bool> PrintChangedOnly, TimePasses, VerifyEach, PassStats;
};

std::unique_ptr<PassManagerCLOptions> &storage() {
  static std::unique_ptr<PassManagerCLOptions> S;
  return S;
}
} // namespace

void registerPassManagerCLOptions(cl::OptionCategory &Category,
                                  bool VerifyEachDefault) {
  assert(!storage() && "pass manager options registered twice");
  storage() =
      std::make_unique<PassManagerCLOptions>(Category, VerifyEachDefault);
}

InstrumentationOptions getPassManagerCLOptions() {
  InstrumentationOptions O;
  const auto &S = storage();
  if (!S)
    return O;
  O.PrintBeforeAll = S->PrintBeforeAll;
  O.PrintAfterAll = S->PrintAfterAll;
  O.PrintBefore.assign(S->PrintBefore.begin(), S->PrintBefore.end());
  O.PrintAfter.assign(S->PrintAfter.begin(), S->PrintAfter.end());
  O.PrintChangedOnly = S->PrintChangedOnly;
  O.TimePasses = S->TimePasses;
  O.VerifyEach = S->VerifyEach;
  O.PrintStatistics = S->PassStats;
  return O;
}

} // namespace onncf
