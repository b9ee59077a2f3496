//===- Instrumentation.cpp - Print, time, verify and count passes ---------===//
//
// Part of onnc-fault. The standard observers behind --print-after-all,
// --print-before/after=, --time-passes, --verify-each and --pass-stats.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Graph.h"
#include "onncf/Pass/PassManager.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

static raw_ostream &streamOr(raw_ostream *OS) { return OS ? *OS : errs(); }

namespace {

/// Dumps the graph around the selected passes, in the text IR (with large
/// constants elided unless asked otherwise), each dump headed by a banner
/// like MLIR's so FileCheck tests and humans can find them.
class PrintIRInstrumentation : public PassInstrumentation {
public:
  explicit PrintIRInstrumentation(const InstrumentationOptions &Opts)
      : Opts(Opts) {}

  void runBeforePass(const Pass &P, const Graph &G) override {
    if (Opts.PrintBeforeAll || is_contained(Opts.PrintBefore, P.getName()))
      dump("Before", P, G, "");
  }
  Error runAfterPass(const Pass &P, const Graph &G, bool Changed) override {
    if (Opts.PrintChangedOnly && !Changed)
      return Error::success();
    if (Opts.PrintAfterAll || is_contained(Opts.PrintAfter, P.getName()))
      dump("After", P, G, Changed ? " (changed)" : " (unchanged)");
    return Error::success();
  }
  void runAfterPassFailed(const Pass &P, const Graph &G) override {
    if (Opts.PrintAfterAll || is_contained(Opts.PrintAfter, P.getName()))
      dump("After", P, G, " (failed)");
  }

private:
  void dump(StringRef When, const Pass &P, const Graph &G, StringRef Note) {
    raw_ostream &OS = streamOr(Opts.OS);
    OS << "// -----// IR Dump " << When << " " << P.getName() << Note
       << " //----- //\n";
    printGraph(G, OS, Opts.DumpOptions);
    OS << "\n";
    OS.flush();
  }
  InstrumentationOptions Opts;
};

/// One llvm::Timer per pass instance in a TimerGroup, which prints LLVM's
/// familiar "Pass execution timing report" table at the end.
class TimingInstrumentation : public PassInstrumentation {
public:
  explicit TimingInstrumentation(raw_ostream *OS)
      : OS(OS), Group("onncf-passes", "Pass execution timing report") {}

  void runBeforePass(const Pass &P, const Graph &) override {
    Timers.push_back(std::make_unique<Timer>(P.getName(), P.getName(), Group));
    Timers.back()->startTimer();
  }
  Error runAfterPass(const Pass &, const Graph &, bool) override {
    stop();
    return Error::success();
  }
  void runAfterPassFailed(const Pass &, const Graph &) override { stop(); }
  void runAfterPipeline(const Graph &) override {
    if (Timers.empty())
      return;
    Group.print(streamOr(OS));
    streamOr(OS).flush();
    // Printed timers would otherwise be queued and printed again when
    // they and the group are destroyed.
    for (auto &T : Timers)
      T->clear();
  }

private:
  void stop() {
    if (!Timers.empty() && Timers.back()->isRunning())
      Timers.back()->stopTimer();
  }
  raw_ostream *OS;
  TimerGroup Group;
  std::vector<std::unique_ptr<Timer>> Timers;
};

/// Runs verifyGraph after every pass and blames the pass that broke it.
class VerifierInstrumentation : public PassInstrumentation {
public:
  Error runAfterPass(const Pass &P, const Graph &G, bool) override {
    if (Error E = verifyGraph(G))
      return makeError(
          "pass '" + P.getName() +
          "' produced an invalid graph: " + toString(std::move(E)));
    return Error::success();
  }
};

class StatisticsInstrumentation : public PassInstrumentation {
public:
  StatisticsInstrumentation(const PassContext &Ctx, raw_ostream *OS)
      : Ctx(Ctx), OS(OS) {}
  void runAfterPipeline(const Graph &) override {
    Ctx.printStatistics(streamOr(OS));
    streamOr(OS).flush();
  }

private:
  const PassContext &Ctx;
  raw_ostream *OS;
};

} // namespace

std::unique_ptr<PassInstrumentation>
createPrintIRInstrumentation(const InstrumentationOptions &Opts) {
  return std::make_unique<PrintIRInstrumentation>(Opts);
}
std::unique_ptr<PassInstrumentation>
createTimingInstrumentation(raw_ostream *OS) {
  return std::make_unique<TimingInstrumentation>(OS);
}
std::unique_ptr<PassInstrumentation> createVerifierInstrumentation() {
  return std::make_unique<VerifierInstrumentation>();
}
std::unique_ptr<PassInstrumentation>
createStatisticsInstrumentation(const PassContext &Ctx, raw_ostream *OS) {
  return std::make_unique<StatisticsInstrumentation>(Ctx, OS);
}

} // namespace onncf
