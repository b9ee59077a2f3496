//===- PassManager.h - Running a pipeline with instrumentation --*- C++ -*-===//
//
// Part of onnc-fault. A PassManager runs its passes in order over one Graph.
// Instrumentations observe every pass (before/after callbacks), which is how
// --print-after-all, --time-passes and --verify-each are built; tools and
// tests can add their own.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_PASS_PASSMANAGER_H
#define ONNCF_PASS_PASSMANAGER_H

#include "onncf/IR/Printer.h"
#include "onncf/Pass/Pass.h"
#include "onncf/Pass/PassRegistry.h"

namespace onncf {

/// Observer of the passes a PassManager runs.
class PassInstrumentation {
public:
  virtual ~PassInstrumentation();
  /// Before \p P runs on \p G.
  virtual void runBeforePass(const Pass &P, const Graph &G) {}
  /// After \p P ran successfully; \p Changed says whether it reported a
  /// change. An error stops the pipeline (the verifier uses this).
  virtual llvm::Error runAfterPass(const Pass &P, const Graph &G,
                                   bool Changed) {
    return llvm::Error::success();
  }
  /// After \p P failed.
  virtual void runAfterPassFailed(const Pass &P, const Graph &G) {}
  /// Once, after the whole pipeline (success or not).
  virtual void runAfterPipeline(const Graph &G) {}
};

/// What the standard instrumentations do; mirrors the tools' options.
struct InstrumentationOptions {
  bool PrintBeforeAll = false;
  bool PrintAfterAll = false;
  /// Pass names to print the graph before / after.
  std::vector<std::string> PrintBefore;
  std::vector<std::string> PrintAfter;
  /// Print only when the pass changed the graph (for print-after*).
  bool PrintChangedOnly = false;
  bool TimePasses = false;
  bool VerifyEach = false;
  /// Print pass statistics after the pipeline.
  bool PrintStatistics = false;
  /// How dumps are printed (constants elided by default: dumps are read).
  PrintOptions DumpOptions = {64, true};
  /// Where dumps, timing and statistics go (stderr when null).
  llvm::raw_ostream *OS = nullptr;
};

class PassManager {
public:
  PassManager();
  ~PassManager();

  void addPass(std::unique_ptr<Pass> P) { Passes.push_back(std::move(P)); }
  /// Parses \p Pipeline and appends its passes.
  llvm::Error addPipeline(llvm::StringRef Pipeline);
  void addInstrumentation(std::unique_ptr<PassInstrumentation> PI) {
    Instrumentations.push_back(std::move(PI));
  }
  /// Adds the standard instrumentations \p Opts asks for. Errors if a
  /// print-before/after name is not a registered pass.
  llvm::Error configure(const InstrumentationOptions &Opts);

  llvm::ArrayRef<std::unique_ptr<Pass>> getPasses() const { return Passes; }
  /// The pipeline as a string with every option's value.
  std::string getPipelineString() const;

  /// Runs every pass in order. Errors name the failing pass:
  /// "pass 'dce' failed: ..." or, from --verify-each,
  /// "pass 'canonicalize' produced an invalid graph: ...".
  llvm::Error run(Graph &G);

  PassContext &getContext() { return Ctx; }
  const PassContext &getContext() const { return Ctx; }

private:
  std::vector<std::unique_ptr<Pass>> Passes;
  std::vector<std::unique_ptr<PassInstrumentation>> Instrumentations;
  PassContext Ctx;
};

/// Standard instrumentations, for tools that compose their own.
std::unique_ptr<PassInstrumentation>
createPrintIRInstrumentation(const InstrumentationOptions &Opts);
std::unique_ptr<PassInstrumentation>
createTimingInstrumentation(llvm::raw_ostream *OS);
std::unique_ptr<PassInstrumentation> createVerifierInstrumentation();
std::unique_ptr<PassInstrumentation>
createStatisticsInstrumentation(const PassContext &Ctx, llvm::raw_ostream *OS);

} // namespace onncf

#endif
