//===- PassManager.cpp - Running a pipeline -------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Pass/PassManager.h"
#include "onncf/IR/Graph.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

PassInstrumentation::~PassInstrumentation() = default;

PassManager::PassManager() = default;
PassManager::~PassManager() = default;

Error PassManager::addPipeline(StringRef Pipeline) {
  auto Parsed = parsePassPipeline(Pipeline);
  if (!Parsed)
    return Parsed.takeError();
  for (auto &P : *Parsed)
    addPass(std::move(P));
  return Error::success();
}

std::string PassManager::getPipelineString() const {
  std::string S;
  for (const auto &P : Passes)
    S += (S.empty() ? "" : ",") + P->getPipelineString();
  return S;
}

/// Checks that every name in \p Names is a registered pass.
static Error checkPassNames(ArrayRef<std::string> Names, StringRef Flag) {
  for (const std::string &N : Names)
    if (!PassRegistry::get().lookupPass(N))
      return makeError(Flag + ": unknown pass '" + N +
                       "' (use --list-passes to see the passes)");
  return Error::success();
}

Error PassManager::configure(const InstrumentationOptions &Opts) {
  if (Error E = checkPassNames(Opts.PrintBefore, "--print-before"))
    return E;
  if (Error E = checkPassNames(Opts.PrintAfter, "--print-after"))
    return E;
  if (Opts.PrintBeforeAll || Opts.PrintAfterAll || !Opts.PrintBefore.empty() ||
      !Opts.PrintAfter.empty())
    addInstrumentation(createPrintIRInstrumentation(Opts));
  // The verifier runs before the timer's after-callback would be skipped by
  // a failure, so add timing first: a broken pass is still timed.
  if (Opts.TimePasses)
    addInstrumentation(createTimingInstrumentation(Opts.OS));
  if (Opts.VerifyEach)
    addInstrumentation(createVerifierInstrumentation());
  if (Opts.PrintStatistics)
    addInstrumentation(createStatisticsInstrumentation(Ctx, Opts.OS));
  return Error::success();
}

Error PassManager::run(Graph &G) {
  Error Result = Error::success();
  for (const auto &P : Passes) {
    for (const auto &PI : Instrumentations)
      PI->runBeforePass(*P, G);
    Ctx.beginPass(P->getName());
    if (Error E = P->run(G, Ctx)) {
      for (const auto &PI : Instrumentations)
        PI->runAfterPassFailed(*P, G);
      Result = makeError("pass '" + P->getName() +
                         "' failed: " + toString(std::move(E)));
      break;
    }
    bool Changed = Ctx.changedSinceBegin();
    bool Failed = false;
    for (const auto &PI : Instrumentations)
      if (Error E = PI->runAfterPass(*P, G, Changed)) {
        Result = std::move(E);
        Failed = true;
        break;
      }
    if (Failed)
      break;
  }
  for (const auto &PI : Instrumentations)
    PI->runAfterPipeline(G);
  return Result;
}

} // namespace onncf
