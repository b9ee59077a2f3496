//===- FoldAndDCETest.cpp - constant-fold, dce and the default pipeline ---===//
#include "TransformTestUtils.h"
#include "onncf/Pass/PassRegistry.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;

namespace {

TensorType f32(ArrayRef<int64_t> Shape) {
  return TensorType(ElementType::F32, Shape);
}

TEST(ConstantFoldTest, FoldsConstantChains) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2})));
  Value *A = constant(G, "a", Tensor::fromVector<float>({2}, {1, 2}));
  Value *B2 = constant(G, "b", Tensor::fromVector<float>({2}, {10, 20}));
  Builder B(G);
  auto Sum = cantFail(B.createOp("onnx.Add", {A, B2}, {}, 1, {"sum"}));
  Value *Sq = op(B, "onnx.Mul", {Sum->getResult(), Sum->getResult()});
  G.addOutput(op(B, "onnx.Add", {X, Sq}));
  PassContext Ctx = runPipeline(G, "constant-fold");
  EXPECT_EQ(Ctx.getStatistic("constant-fold", "ops folded to constants"), 2u);
  ASSERT_EQ(G.getNumOps(), 1u);
  Value *Folded = G.begin()->get()->getOperand(1);
  ASSERT_TRUE(Folded->isConstant());
  auto D = Folded->getConstantData().data<float>();
  EXPECT_EQ(std::vector<float>(D.begin(), D.end()),
            (std::vector<float>{121, 484}));
  // Folded values keep their names; dead inputs to the fold are removed.
  EXPECT_EQ(G.lookup("sum"), nullptr); // Folded then unused.
  EXPECT_EQ(G.lookup("a"), nullptr);
}

TEST(ConstantFoldTest, MaxSizeLimitsResults) {
  for (int64_t Limit : {0, 16, 1024}) {
    Graph G;
    Value *A = constant(G, "a", randomTensor({8, 8}, 1)); // 256 bytes
    Builder B(G);
    G.addOutput(op(B, "onnx.Relu", {A}));
    runPipeline(G, "constant-fold{max-size=" + std::to_string(Limit) + "}");
    EXPECT_EQ(G.getNumOps(), Limit == 16 ? 1u : 0u) << "limit " << Limit;
  }
}

TEST(ConstantFoldTest, OutputFoldKeepsName) {
  Graph G;
  Value *A = constant(G, "a", Tensor::fromVector<float>({2}, {-1, 2}));
  Builder B(G);
  auto R = cantFail(B.createOp("onnx.Relu", {A}, {}, 1, {"out"}));
  G.addOutput(R->getResult());
  runPipeline(G, "constant-fold");
  ASSERT_EQ(G.getNumOps(), 0u);
  ASSERT_EQ(G.getOutputs().size(), 1u);
  EXPECT_EQ(G.getOutputs()[0]->getName(), "out");
  EXPECT_TRUE(G.getOutputs()[0]->isConstant());
}

TEST(ConstantFoldTest, NonConstantOperandsAreNotFolded) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2})));
  Value *A = constant(G, "a", Tensor::fromVector<float>({2}, {1, 2}));
  Builder B(G);
  G.addOutput(op(B, "onnx.Add", {X, A}));
  PassContext Ctx = runPipeline(G, "constant-fold");
  EXPECT_EQ(G.getNumOps(), 1u);
  EXPECT_TRUE(Ctx.getStatistics().empty());
}

TEST(DCETest, RemovesDeadOpsAndConstants) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2})));
  Value *Unused = cantFail(G.addInput("unused", f32({2})));
  Value *A = constant(G, "a", Tensor::fromVector<float>({2}, {1, 2}));
  constant(G, "orphan", Tensor::fromVector<float>({1}, {3}));
  Builder B(G);
  Value *Live = op(B, "onnx.Relu", {X});
  Value *Dead1 = op(B, "onnx.Add", {X, A});
  op(B, "onnx.Neg", {Dead1});
  G.addOutput(Live);
  PassContext Ctx = runPipeline(G, "dce");
  EXPECT_EQ(G.getNumOps(), 1u);
  EXPECT_EQ(Ctx.getStatistic("dce", "removed dead ops"), 2u);
  EXPECT_EQ(Ctx.getStatistic("dce", "removed unused constants"), 2u);
  EXPECT_TRUE(G.getConstants().empty());
  EXPECT_EQ(G.lookup("unused"), Unused); // Inputs are the interface.
}

TEST(DefaultPipelineTest, IsRegisteredAndRuns) {
  registerTransformsPasses();
  const PipelineInfo *P = PassRegistry::get().lookupPipeline("default");
  ASSERT_NE(P, nullptr);
  EXPECT_EQ(P->Pipeline, kDefaultPipeline);

  // Identity -> MatMul + Add -> BN: everything folds into one Gemm.
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({kDynamicDim, 4})));
  Value *W = constant(G, "w", randomTensor({4, 3}, 1));
  Value *Bias = constant(G, "b", randomTensor({3}, 2));
  Value *Gamma = constant(G, "g", randomTensor({3}, 3, 0.5f, 1.5f));
  Value *Beta = constant(G, "be", randomTensor({3}, 4));
  Value *Mean = constant(G, "m", randomTensor({3}, 5));
  Value *Var = constant(G, "v", randomTensor({3}, 6, 0.5f, 1.5f));
  Builder B(G);
  Value *I = op(B, "onnx.Identity", {X});
  Value *Y = op(B, "onnx.Add", {op(B, "onnx.MatMul", {I, W}), Bias});
  auto BN = cantFail(B.createOp("onnx.BatchNormalization",
                                {Y, Gamma, Beta, Mean, Var}, {}, 1, {"out"}));
  G.addOutput(BN->getResult());
  Tensor In = randomTensor({5, 4}, 7);
  Tensor Before = runGraph(G, {In})[0];
  runPipeline(G, "default");
  ASSERT_EQ(G.getNumOps(), 1u);
  EXPECT_EQ(G.begin()->get()->getKind(), "onnx.Gemm");
  EXPECT_EQ(G.getOutputs()[0]->getName(), "out");
  EXPECT_EQ(G.getConstants().size(), 2u);
  EXPECT_LT(maxRelDiff(runGraph(G, {In})[0], Before), 1e-5);
}

} // namespace
