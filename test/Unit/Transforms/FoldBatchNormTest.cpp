//===- FoldBatchNormTest.cpp - The fold-batchnorm pass --------------------===//
//
// Folding must not change what the model computes: every case runs the graph
// with the interpreter before and after and compares within 1e-5.
//
//===----------------------------------------------------------------------===//
#include "TransformTestUtils.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;

namespace {

TensorType f32(ArrayRef<int64_t> Shape) {
  return TensorType(ElementType::F32, Shape);
}

/// Adds BN(X) with random parameters for \p C channels (variance > 0).
Value *addBN(Graph &G, Builder &B, Value *X, int64_t C, unsigned Seed,
             StringRef OutName = "") {
  Value *Gamma = constant(G, "gamma" + std::to_string(Seed),
                          randomTensor({C}, Seed, 0.5f, 2.0f));
  Value *Beta =
      constant(G, "beta" + std::to_string(Seed), randomTensor({C}, Seed + 1));
  Value *Mean =
      constant(G, "mean" + std::to_string(Seed), randomTensor({C}, Seed + 2));
  Value *Var = constant(G, "var" + std::to_string(Seed),
                        randomTensor({C}, Seed + 3, 0.1f, 3.0f));
  std::vector<std::string> Names;
  if (!OutName.empty())
    Names.push_back(OutName.str());
  auto O = B.createOp("onnx.BatchNormalization", {X, Gamma, Beta, Mean, Var},
                      {{"epsilon", Attribute(1e-3f)}}, 1, Names);
  if (!O) {
    ADD_FAILURE() << toString(O.takeError());
    return nullptr;
  }
  return (*O)->getResult();
}

struct ConvCase {
  int64_t Group;
  bool WithBias;
};

class FoldBNConvTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(FoldBNConvTest, PreservesOutput) {
  ConvCase Case = GetParam();
  const int64_t C = 4, M = 6;
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({kDynamicDim, C, 7, 7})));
  Value *W = constant(G, "w", randomTensor({M, C / Case.Group, 3, 3}, 11));
  SmallVector<Value *, 3> Ops{X, W};
  if (Case.WithBias)
    Ops.push_back(constant(G, "bias", randomTensor({M}, 12)));
  Builder B(G);
  Value *Conv = op(B, "onnx.Conv", Ops,
                   {{"group", Attribute(Case.Group)},
                    {"pads", Attribute(std::vector<int64_t>{1, 1, 1, 1})}});
  Value *Y = addBN(G, B, Conv, M, 20, "y");
  G.addOutput(Y);

  Tensor In = randomTensor({2, C, 7, 7}, 13);
  Tensor Before = runGraph(G, {In})[0];
  PassContext Ctx = runPipeline(G, "fold-batchnorm");
  EXPECT_EQ(countOps(G, "onnx.BatchNormalization"), 0u);
  EXPECT_EQ(Ctx.getStatistic("fold-batchnorm", "batchnorms folded into convs"),
            1u);
  ASSERT_EQ(G.getNumOps(), 1u);
  Op *NewConv = G.begin()->get();
  ASSERT_EQ(NewConv->getNumOperands(), 3u) << "a bias must be created";
  EXPECT_TRUE(NewConv->getOperand(2)->isConstant());
  // The graph output keeps the BN's name; BN parameters are gone.
  EXPECT_EQ(G.getOutputs()[0]->getName(), "y");
  EXPECT_EQ(G.lookup("gamma20"), nullptr);
  Tensor After = runGraph(G, {In})[0];
  EXPECT_LT(maxRelDiff(After, Before), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Groups, FoldBNConvTest,
                         ::testing::Values(ConvCase{1, true},
                                           ConvCase{1, false},
                                           ConvCase{2, true},
                                           ConvCase{2, false}));

TEST(FoldBatchNormTest, GemmBothTransB) {
  for (bool TransB : {false, true}) {
    for (bool WithC : {false, true}) {
      const int64_t K = 5, M = 3;
      Graph G;
      Value *X = cantFail(G.addInput("x", f32({kDynamicDim, K})));
      Value *W = constant(G, "w",
                          randomTensor(TransB ? ArrayRef<int64_t>{M, K}
                                              : ArrayRef<int64_t>{K, M},
                                       31));
      SmallVector<Value *, 3> Ops{X, W};
      if (WithC)
        Ops.push_back(constant(G, "c", randomTensor({1, M}, 32)));
      Builder B(G);
      Value *Gemm = op(B, "onnx.Gemm", Ops,
                       {{"transB", Attribute(int64_t(TransB))},
                        {"alpha", Attribute(0.75f)},
                        {"beta", Attribute(1.5f)}});
      Value *Y = op(B, "onnx.Relu", {addBN(G, B, Gemm, M, 40)});
      G.addOutput(Y);
      Tensor In = randomTensor({3, K}, 33);
      Tensor Before = runGraph(G, {In})[0];
      runPipeline(G, "fold-batchnorm");
      EXPECT_EQ(countOps(G, "onnx.BatchNormalization"), 0u)
          << "transB=" << TransB << " C=" << WithC;
      EXPECT_LT(maxRelDiff(runGraph(G, {In})[0], Before), 1e-5)
          << "transB=" << TransB << " C=" << WithC;
    }
  }
}

TEST(FoldBatchNormTest, ConvWithOtherUsersIsLeftAlone) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({1, 2, 5, 5})));
  Value *W = constant(G, "w", randomTensor({2, 2, 1, 1}, 51));
  Builder B(G);
  Value *Conv = op(B, "onnx.Conv", {X, W});
  G.addOutput(addBN(G, B, Conv, 2, 60));
  G.addOutput(op(B, "onnx.Relu", {Conv}));
  runPipeline(G, "fold-batchnorm");
  EXPECT_EQ(countOps(G, "onnx.BatchNormalization"), 1u);
}

TEST(FoldBatchNormTest, StandaloneAndNonConstantBNAreLeftAlone) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({1, 2, 5, 5})));
  Value *Gamma = cantFail(G.addInput("gamma", f32({2})));
  Value *W = constant(G, "w", randomTensor({2, 2, 1, 1}, 71));
  Builder B(G);
  // BN on a graph input: nothing to fold into.
  Value *BN1 = addBN(G, B, X, 2, 80);
  // BN after Relu: not a Conv/Gemm.
  Value *BN2 = addBN(G, B, op(B, "onnx.Relu", {BN1}), 2, 90);
  // BN after Conv, but gamma is not constant.
  Value *Conv = op(B, "onnx.Conv", {BN2, W});
  auto BN3 =
      cantFail(B.createOp("onnx.BatchNormalization",
                          {Conv, Gamma, BN2->getDefiningOp()->getOperand(2),
                           BN2->getDefiningOp()->getOperand(3),
                           BN2->getDefiningOp()->getOperand(4)}));
  G.addOutput(BN3->getResult());
  PassContext Ctx = runPipeline(G, "fold-batchnorm");
  EXPECT_EQ(countOps(G, "onnx.BatchNormalization"), 3u);
  EXPECT_TRUE(Ctx.getStatistics().empty());
}

/// The same weight feeding two Conv+BN pairs must be copied, not scaled
/// twice.
TEST(FoldBatchNormTest, SharedWeightsAreCopied) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({1, 3, 4, 4})));
  Value *W = constant(G, "w", randomTensor({3, 3, 1, 1}, 91));
  Builder B(G);
  Value *Y1 = addBN(G, B, op(B, "onnx.Conv", {X, W}), 3, 100);
  Value *Y2 = addBN(G, B, op(B, "onnx.Conv", {Y1, W}), 3, 110);
  G.addOutput(Y2);
  Tensor In = randomTensor({1, 3, 4, 4}, 92);
  Tensor Before = runGraph(G, {In})[0];
  runPipeline(G, "fold-batchnorm");
  EXPECT_EQ(countOps(G, "onnx.BatchNormalization"), 0u);
  EXPECT_LT(maxRelDiff(runGraph(G, {In})[0], Before), 1e-5);
}

} // namespace
