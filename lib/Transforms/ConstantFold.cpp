//===- ConstantFold.cpp - Evaluate ops whose operands are all constant ----===//
//
// Part of onnc-fault. Runs pure ops with constant operands once at compile
// time, with the interpreter's own kernels so a folded value is exactly what
// the executor would have computed. max-size bounds the constants it may
// create, so folding never blows a model up (Expand/Tile of a constant).
//
//===----------------------------------------------------------------------===//
#include "TransformUtils.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Transforms/Passes.h"

using namespace llvm;

namespace onncf {

namespace {

class ConstantFoldPass : public Pass {
public:
  StringRef getName() const override { return "constant-fold"; }
  StringRef getDescription() const override {
    return "Evaluate pure ops whose operands are all constants";
  }

  Error run(Graph &G, PassContext &Ctx) override {
    if (MaxSize < 0)
      return makeError("max-size must not be negative");
    // Ops are in topological order, so one forward sweep folds whole
    // chains: each folded result is a constant by the time its users come.
    std::vector<Op *> Snapshot;
    for (auto &O : G.getOps())
      Snapshot.push_back(O.get());
    for (Op *O : Snapshot) {
      auto Folded = tryConstantFold(G, O, MaxSize);
      if (!Folded)
        return Folded.takeError();
      if (*Folded)
        Ctx.recordChange("ops folded to constants");
    }
    Ctx.recordChange("removed unused constants", eraseDeadConstants(G));
    return Error::success();
  }

private:
  PassOption<int64_t> MaxSize{
      *this, "max-size",
      "Largest result (bytes) folding may create; 0 = no limit", 16 << 20};
};

} // namespace

std::unique_ptr<Pass> createConstantFoldPass() {
  return std::make_unique<ConstantFoldPass>();
}

} // namespace onncf
