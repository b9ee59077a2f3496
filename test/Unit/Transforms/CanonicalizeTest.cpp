//===- CanonicalizeTest.cpp - The canonicalize pass -----------------------===//
#include "TransformTestUtils.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;

namespace {

TensorType f32(ArrayRef<int64_t> Shape) {
  return TensorType(ElementType::F32, Shape);
}

TEST(CanonicalizeTest, RemovesIdentityAndKeepsOutputName) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2, 3})));
  Builder B(G);
  Value *R = op(B, "onnx.Relu", {X});
  Value *I1 = op(B, "onnx.Identity", {R});
  auto Out = cantFail(B.createOp("onnx.Identity", {I1}, {}, 1, {"out"}));
  G.addOutput(Out->getResult());
  PassContext Ctx = runPipeline(G, "canonicalize");
  EXPECT_EQ(countOps(G, "onnx.Identity"), 0u);
  ASSERT_EQ(G.getNumOps(), 1u);
  EXPECT_EQ(Ctx.getStatistic("canonicalize", "removed identity ops"), 2u);
  // The Relu now produces the output under the output's name.
  ASSERT_EQ(G.getOutputs().size(), 1u);
  EXPECT_EQ(G.getOutputs()[0]->getName(), "out");
  EXPECT_EQ(G.getOutputs()[0]->getDefiningOp()->getKind(), "onnx.Relu");
}

TEST(CanonicalizeTest, IdentityOfInputToOutputStays) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2})));
  Builder B(G);
  G.addOutput(op(B, "onnx.Identity", {X}));
  runPipeline(G, "canonicalize");
  EXPECT_EQ(countOps(G, "onnx.Identity"), 1u);
}

TEST(CanonicalizeTest, RemovesInferenceDropoutOnly) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2, 3})));
  Value *Train =
      constant(G, "train", Tensor::fromVector<uint8_t>({}, {uint8_t(1)}));
  Train->setConstantData([] {
    Tensor T(TensorType(ElementType::Bool, {}));
    T.mutableBytes()[0] = 1;
    return T;
  }());
  Builder B(G);
  Value *D1 = op(B, "onnx.Dropout", {X}, {{"ratio", Attribute(0.5f)}});
  Value *D2 = op(B, "onnx.Dropout", {D1, nullptr, Train});
  G.addOutput(op(B, "onnx.Relu", {D2}));
  PassContext Ctx = runPipeline(G, "canonicalize");
  EXPECT_EQ(Ctx.getStatistic("canonicalize", "removed inference dropout ops"),
            1u);
  EXPECT_EQ(countOps(G, "onnx.Dropout"), 1u); // The training-mode one.
}

/// The Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain PyTorch
/// exports for x.view(x.size(0), -1), here with a static batch.
TEST(CanonicalizeTest, FoldsShapeSubgraphs) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2, 3, 4})));
  Value *Idx = constant(G, "idx", Tensor::fromVector<int64_t>({}, {0}));
  Value *Axes = constant(G, "axes", Tensor::fromVector<int64_t>({1}, {0}));
  Value *Minus1 = constant(G, "m1", Tensor::fromVector<int64_t>({1}, {-1}));
  Builder B(G);
  Value *S = op(B, "onnx.Shape", {X});
  Value *Dim0 = op(B, "onnx.Gather", {S, Idx}, {{"axis", Attribute(0)}});
  Value *U = op(B, "onnx.Unsqueeze", {Dim0, Axes});
  Value *Cat = op(B, "onnx.Concat", {U, Minus1}, {{"axis", Attribute(0)}});
  Value *R = op(B, "onnx.Reshape", {X, Cat});
  G.addOutput(R);
  // Unknown until the shape chain is folded.
  ASSERT_EQ(R->getType(), f32({kDynamicDim, kDynamicDim}));
  PassContext Ctx = runPipeline(G, "canonicalize");
  ASSERT_EQ(G.getNumOps(), 1u) << "shape chain not folded";
  Op *Reshape = G.begin()->get();
  EXPECT_EQ(Reshape->getKind(), "onnx.Reshape");
  const Value *Shape = Reshape->getOperand(1);
  ASSERT_TRUE(Shape->isConstant());
  auto D = Shape->getConstantData().data<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(D.begin(), D.end()),
            (std::vector<int64_t>{2, -1}));
  EXPECT_EQ(Ctx.getStatistic("canonicalize", "shape ops folded to constants"),
            1u);
  EXPECT_EQ(G.getOutputs()[0]->getType(), f32({2, 12}));
  // The index/axes constants are gone with the chain.
  EXPECT_EQ(G.getConstants().size(), 1u);
}

TEST(CanonicalizeTest, DynamicShapeIsNotFolded) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({kDynamicDim, 3})));
  Builder B(G);
  G.addOutput(op(B, "onnx.Shape", {X}));
  runPipeline(G, "canonicalize");
  EXPECT_EQ(countOps(G, "onnx.Shape"), 1u);
}

TEST(CanonicalizeTest, ConstantOpsBecomeGraphConstants) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2})));
  Builder B(G);
  Tensor V = Tensor::fromVector<float>({2}, {1.5f, -2.0f});
  auto C = cantFail(
      B.createOp("onnx.Constant", {}, {{"value", Attribute(V)}}, 1, {"c"}));
  G.addOutput(op(B, "onnx.Add", {X, C->getResult()}));
  runPipeline(G, "canonicalize");
  EXPECT_EQ(countOps(G, "onnx.Constant"), 0u);
  Value *CV = G.lookup("c");
  ASSERT_TRUE(CV && CV->isConstant());
  EXPECT_EQ(CV->getConstantData(), V);
}

TEST(CanonicalizeTest, RemovesNoOpReshapeOnly) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2, 6})));
  Value *Same = constant(G, "same", Tensor::fromVector<int64_t>({2}, {2, 6}));
  Value *Other = constant(G, "other", Tensor::fromVector<int64_t>({2}, {3, 4}));
  Builder B(G);
  Value *R1 = op(B, "onnx.Reshape", {X, Same});
  Value *R2 = op(B, "onnx.Reshape", {op(B, "onnx.Relu", {R1}), Other});
  G.addOutput(R2);
  PassContext Ctx = runPipeline(G, "canonicalize");
  EXPECT_EQ(countOps(G, "onnx.Reshape"), 1u);
  EXPECT_EQ(Ctx.getStatistic("canonicalize", "removed no-op reshapes"), 1u);
}

/// MatMul [N,K] x const [K,M] + const bias -> one Gemm, transB = 1, same
/// numbers.
TEST(CanonicalizeTest, MatMulAddBecomesGemm) {
  for (bool BiasFirst : {false, true}) {
    Graph G;
    Value *X = cantFail(G.addInput("x", f32({kDynamicDim, 5})));
    Value *W = constant(G, "w", randomTensor({5, 3}, 1));
    Value *Bias = constant(G, "b", randomTensor({3}, 2));
    Builder B(G);
    Value *MM = op(B, "onnx.MatMul", {X, W});
    Value *Sum = BiasFirst ? op(B, "onnx.Add", {Bias, MM})
                           : op(B, "onnx.Add", {MM, Bias});
    auto Out = cantFail(B.createOp("onnx.Relu", {Sum}, {}, 1, {"y"}));
    G.addOutput(Out->getResult());
    Tensor In = randomTensor({4, 5}, 3);
    Tensor Before = runGraph(G, {In})[0];

    runPipeline(G, "canonicalize");
    EXPECT_EQ(countOps(G, "onnx.MatMul"), 0u);
    EXPECT_EQ(countOps(G, "onnx.Add"), 0u);
    ASSERT_EQ(countOps(G, "onnx.Gemm"), 1u);
    Op *Gemm = G.begin()->get();
    EXPECT_EQ(Gemm->getIntAttr("transB", 0), 1);
    EXPECT_FALSE(Gemm->hasAttr("alpha"));
    EXPECT_FALSE(Gemm->hasAttr("beta"));
    EXPECT_EQ(Gemm->getOperand(1)->getType().getShape(),
              (ArrayRef<int64_t>{3, 5}));
    ASSERT_EQ(Gemm->getNumOperands(), 3u);
    EXPECT_EQ(Gemm->getOperand(2)->getName(), "b");
    Tensor After = runGraph(G, {In})[0];
    EXPECT_LT(maxRelDiff(After, Before), 1e-6);
  }
}

TEST(CanonicalizeTest, GemmNormalForm) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({4, 5})));
  Value *W = constant(G, "w", randomTensor({5, 3}, 4)); // [K,M], transB=0
  Value *C = constant(G, "c", randomTensor({1, 3}, 5));
  Builder B(G);
  G.addOutput(op(B, "onnx.Gemm", {X, W, C},
                 {{"alpha", Attribute(2.0f)}, {"beta", Attribute(0.5f)}}));
  Tensor In = randomTensor({4, 5}, 6);
  Tensor Before = runGraph(G, {In})[0];
  PassContext Ctx = runPipeline(G, "canonicalize");
  Op *Gemm = G.begin()->get();
  EXPECT_EQ(Gemm->getIntAttr("transB", 0), 1);
  EXPECT_FALSE(Gemm->hasAttr("alpha"));
  EXPECT_FALSE(Gemm->hasAttr("beta"));
  EXPECT_EQ(Gemm->getOperand(1)->getType().getShape(),
            (ArrayRef<int64_t>{3, 5}));
  // Weights keep their name (single use: rewritten in place).
  EXPECT_EQ(Gemm->getOperand(1)->getName(), "w");
  EXPECT_EQ(Ctx.getStatistic("canonicalize", "gemm alphas folded into weights"),
            1u);
  EXPECT_LT(maxRelDiff(runGraph(G, {In})[0], Before), 1e-6);
}

TEST(CanonicalizeTest, SharedWeightsAreCopiedNotChanged) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({4, 5})));
  Value *W = constant(G, "w", randomTensor({5, 5}, 7));
  Builder B(G);
  Value *G1 = op(B, "onnx.Gemm", {X, W});
  Value *M = op(B, "onnx.MatMul", {G1, W});
  G.addOutput(M);
  Tensor In = randomTensor({4, 5}, 8);
  Tensor Before = runGraph(G, {In})[0];
  runPipeline(G, "canonicalize");
  EXPECT_LT(maxRelDiff(runGraph(G, {In})[0], Before), 1e-6);
}

TEST(CanonicalizeTest, FlattenGemmLeftAlone) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({kDynamicDim, 2, 3})));
  Value *W = constant(G, "w", randomTensor({4, 6}, 9));
  Value *C = constant(G, "c", randomTensor({4}, 10));
  Builder B(G);
  Value *F = op(B, "onnx.Flatten", {X}, {{"axis", Attribute(1)}});
  G.addOutput(op(B, "onnx.Gemm", {F, W, C}, {{"transB", Attribute(1)}}));
  PassContext Ctx = runPipeline(G, "canonicalize");
  EXPECT_EQ(countOps(G, "onnx.Flatten"), 1u);
  EXPECT_EQ(countOps(G, "onnx.Gemm"), 1u);
  EXPECT_TRUE(Ctx.getStatistics().empty());
}

} // namespace

namespace {

/// x.view(x.size(0), -1) with a dynamic batch: the chain becomes
/// Reshape(x, [0, -1]) and computes the same for any batch size.
TEST(CanonicalizeTest, DynamicBatchViewBecomesCopyDim) {
  Graph G;
  Value *X = cantFail(
      G.addInput("x", TensorType(ElementType::F32, {kDynamicDim, 2, 3})));
  Value *Idx = constant(G, "idx", Tensor::fromVector<int64_t>({}, {0}));
  Value *Axes = constant(G, "axes", Tensor::fromVector<int64_t>({1}, {0}));
  Value *Minus1 = constant(G, "m1", Tensor::fromVector<int64_t>({1}, {-1}));
  Builder B(G);
  Value *S = op(B, "onnx.Shape", {X});
  Value *Dim0 = op(B, "onnx.Gather", {S, Idx}, {{"axis", Attribute(0)}});
  Value *U = op(B, "onnx.Unsqueeze", {Dim0, Axes});
  Value *Cat = op(B, "onnx.Concat", {U, Minus1}, {{"axis", Attribute(0)}});
  G.addOutput(op(B, "onnx.Reshape", {X, Cat}));
  Tensor In = randomTensor({3, 2, 3}, 5);
  Tensor Before = runGraph(G, {In})[0];
  runPipeline(G, "canonicalize");
  ASSERT_EQ(G.getNumOps(), 1u);
  const Value *Shape = G.begin()->get()->getOperand(1);
  ASSERT_TRUE(Shape->isConstant());
  auto D = Shape->getConstantData().data<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(D.begin(), D.end()),
            (std::vector<int64_t>{0, -1}));
  EXPECT_EQ(G.getOutputs()[0]->getType(),
            TensorType(ElementType::F32, {kDynamicDim, 6}));
  Tensor After = runGraph(G, {In})[0];
  EXPECT_EQ(After, Before);
}

} // namespace
