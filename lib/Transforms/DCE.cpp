//===- DCE.cpp - Dead code elimination ------------------------------------===//
//
// Part of onnc-fault. Removes pure ops none of whose results is read by an
// op or is a graph output, and constants nothing reads. Graph inputs are the
// model's interface and stay even when unused.
//
//===----------------------------------------------------------------------===//
#include "TransformUtils.h"
#include "onncf/Transforms/Passes.h"

using namespace llvm;

namespace onncf {

namespace {

class DCEPass : public Pass {
public:
  StringRef getName() const override { return "dce"; }
  StringRef getDescription() const override {
    return "Remove ops whose results are unused and unused constants";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    Ctx.recordChange("removed dead ops", eraseDeadOps(G));
    Ctx.recordChange("removed unused constants", eraseDeadConstants(G));
    return Error::success();
  }
};

} // namespace

std::unique_ptr<Pass> createDCEPass() { return std::make_unique<DCEPass>(); }

} // namespace onncf
