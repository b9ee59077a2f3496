//===- TestPasses.h - Passes only the Pass unit tests register --*- C++ -*-===//
//
// Part of onnc-fault. "test-*" passes exercise the pass infrastructure
// without depending on lib/Transforms.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_PASS_TESTPASSES_H
#define ONNCF_TEST_UNIT_PASS_TESTPASSES_H

#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/Pass/PassRegistry.h"
#include "onncf/Support/Diagnostics.h"

namespace onncf {
namespace test {

/// Does nothing; has one option of each kind.
class NoOpPass : public Pass {
public:
  llvm::StringRef getName() const override { return "test-noop"; }
  llvm::StringRef getDescription() const override { return "Do nothing"; }
  llvm::Error run(Graph &, PassContext &) override {
    return llvm::Error::success();
  }
  PassOption<int64_t> Size{*this, "size", "An integer", 7};
  PassOption<bool> Flag{*this, "flag", "A flag", false};
  PassOption<std::string> Mode{*this, "mode", "A string", "fast"};
};

/// Replaces every onnx.Relu by its operand and counts them.
class DropReluPass : public Pass {
public:
  llvm::StringRef getName() const override { return "test-drop-relu"; }
  llvm::StringRef getDescription() const override { return "Remove Relus"; }
  llvm::Error run(Graph &G, PassContext &Ctx) override {
    std::vector<Op *> Relus;
    for (auto &O : G.getOps())
      if (O->getKind() == "onnx.Relu")
        Relus.push_back(O.get());
    for (Op *O : Relus) {
      G.replaceAllUsesWith(O->getResult(), O->getOperand(0));
      G.eraseOp(O);
    }
    Ctx.recordChange("removed relus", Relus.size());
    return llvm::Error::success();
  }
};

/// Corrupts the graph: gives the first op's result a wrong shape.
class BreakPass : public Pass {
public:
  llvm::StringRef getName() const override { return "test-break"; }
  llvm::StringRef getDescription() const override { return "Break types"; }
  llvm::Error run(Graph &G, PassContext &Ctx) override {
    Op *O = G.begin()->get();
    O->getResult()->setType(TensorType(ElementType::F32, {7, 7, 7}));
    Ctx.markChanged();
    return llvm::Error::success();
  }
};

/// Always fails.
class FailPass : public Pass {
public:
  llvm::StringRef getName() const override { return "test-fail"; }
  llvm::StringRef getDescription() const override { return "Fail"; }
  llvm::Error run(Graph &, PassContext &) override {
    return makeError("deliberate failure");
  }
};

inline void registerTestPasses() {
  PassRegistry &R = PassRegistry::get();
  R.registerPass<NoOpPass>();
  R.registerPass<DropReluPass>();
  R.registerPass<BreakPass>();
  R.registerPass<FailPass>();
  R.registerPipeline("test-pipe", "Two test passes",
                     "test-noop{size=3},test-drop-relu");
  R.registerPipeline("test-loop", "Includes itself", "test-noop,test-loop");
}

/// input x : f32[1,4]; y = Relu(x); z = Relu(y); return z.
inline std::unique_ptr<Graph> makeReluGraph() {
  auto G = std::make_unique<Graph>("relus");
  Value *X =
      llvm::cantFail(G->addInput("x", TensorType(ElementType::F32, {1, 4})));
  Builder B(*G);
  Value *Y = llvm::cantFail(B.createOp("onnx.Relu", {X}))->getResult();
  Value *Z = llvm::cantFail(B.createOp("onnx.Relu", {Y}))->getResult();
  G->addOutput(Z);
  return G;
}

} // namespace test
} // namespace onncf

#endif
