//===- InterpreterTest.cpp - Plans, batches, threads and errors -----------===//
//
// Part of onnc-fault. A small LeNet-like network with random weights: the
// results must be bit-identical whatever the thread count and whether an
// image runs alone or inside a batch.
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Interp/Evaluate.h"
#include <cstring>
#include <random>

using namespace onncf;
using namespace onncf::test;

namespace {

Tensor randomTensor(Ints Shape, unsigned Seed) {
  std::mt19937 Rng(Seed);
  std::uniform_real_distribution<float> D(-1, 1);
  Tensor T(TensorType(ElementType::F32, Shape));
  for (float &X : T.mutableData<float>())
    X = D(Rng);
  return T;
}

/// conv(1->4, 3x3, pad 1) -> relu -> maxpool 2 -> flatten -> gemm(64->10)
/// -> softmax, on input [Batch,1,8,8] (Batch = kDynamicDim or fixed).
std::unique_ptr<Graph> buildNet(int64_t Batch) {
  auto G = std::make_unique<Graph>();
  Builder B(*G);
  Value *X = cantFail(G->addInput("x", TensorType(ElementType::F32,
                                                   {Batch, 1, 8, 8})));
  Value *W = B.createConstant("w", randomTensor({4, 1, 3, 3}, 1));
  Value *Bias = B.createConstant("b", randomTensor({4}, 2));
  Value *Fc = B.createConstant("fc", randomTensor({10, 64}, 3));
  Value *FcB = B.createConstant("fcb", randomTensor({10}, 4));
  auto Res = [&](llvm::Expected<Op *> O) { return cantFail(std::move(O))->getResult(); };
  Value *C = Res(B.createOp("onnx.Conv", {X, W, Bias}, {{"pads", Ints{1, 1, 1, 1}}}));
  Value *R = Res(B.createOp("onnx.Relu", {C}));
  Value *P = Res(B.createOp("onnx.MaxPool", {R},
                            {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}}));
  Value *Fl = Res(B.createOp("onnx.Flatten", {P}));
  Value *Gm = Res(B.createOp("onnx.Gemm", {Fl, Fc, FcB}, {{"transB", int64_t(1)}}));
  Value *S = Res(B.createOp("onnx.Softmax", {Gm}));
  G->addOutput(S);
  return G;
}

std::vector<Tensor> run(const Graph &G, const Tensor &X, unsigned Threads) {
  InterpreterOptions O;
  O.Threads = Threads;
  auto I = cantFail(Interpreter::create(G, O));
  auto Out = I->run({X});
  EXPECT_TRUE(bool(Out)) << (Out ? "" : llvm::toString(Out.takeError()));
  return Out ? *Out : std::vector<Tensor>{};
}

TEST(Interpreter, ResultsDoNotDependOnThreadCount) {
  auto G = buildNet(kDynamicDim);
  Tensor X = randomTensor({13, 1, 8, 8}, 7);
  auto Ref = run(*G, X, 1);
  ASSERT_EQ(Ref.size(), 1u);
  EXPECT_EQ(shapeOf(Ref[0]), (Ints{13, 10}));
  for (unsigned T : {2u, 3u, 5u, 16u, 0u}) {
    auto Out = run(*G, X, T);
    ASSERT_EQ(Out.size(), 1u);
    EXPECT_TRUE(Out[0] == Ref[0]) << "threads " << T;
  }
}

TEST(Interpreter, ResultsDoNotDependOnMicroBatch) {
  auto G = buildNet(kDynamicDim);
  Tensor X = randomTensor({11, 1, 8, 8}, 5);
  auto Ref = run(*G, X, 1);
  ASSERT_EQ(Ref.size(), 1u);
  for (unsigned MB : {0u, 1u, 3u, 64u})
    for (unsigned T : {1u, 2u}) {
      InterpreterOptions O;
      O.Threads = T;
      O.MicroBatch = MB;
      auto I = cantFail(Interpreter::create(*G, O));
      auto Out = I->run({X});
      ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
      EXPECT_TRUE((*Out)[0] == Ref[0]) << "micro-batch " << MB << " threads "
                                       << T;
    }
}

TEST(Interpreter, AnImageAloneEqualsItsRowInABatch) {
  auto G = buildNet(kDynamicDim);
  Tensor X = randomTensor({6, 1, 8, 8}, 8);
  auto All = run(*G, X, 1);
  ASSERT_EQ(All.size(), 1u);
  for (int64_t I = 0; I < 6; ++I) {
    Tensor One(TensorType(ElementType::F32, {1, 1, 8, 8}));
    std::memcpy(One.mutableBytes().data(), X.bytes().data() + I * 64 * 4, 64 * 4);
    auto Out = run(*G, One, 1);
    ASSERT_EQ(Out.size(), 1u);
    EXPECT_EQ(0, std::memcmp(Out[0].bytes().data(),
                             All[0].bytes().data() + I * 40, 40))
        << "image " << I;
  }
  // Softmax rows sum to one.
  auto D = values(All[0]);
  float Sum = 0;
  for (int J = 0; J < 10; ++J)
    Sum += D[J];
  EXPECT_NEAR(Sum, 1.0f, 1e-5f);
}

TEST(Interpreter, FixedBatchOfOneRunsImagesOneByOne) {
  auto Dyn = buildNet(kDynamicDim), Fixed = buildNet(1);
  Tensor X = randomTensor({5, 1, 8, 8}, 9);
  auto Want = run(*Dyn, X, 1);
  for (unsigned T : {1u, 2u, 4u}) {
    auto Got = run(*Fixed, X, T);
    ASSERT_EQ(Got.size(), 1u);
    EXPECT_EQ(shapeOf(Got[0]), (Ints{5, 10}));
    EXPECT_TRUE(Got[0] == Want[0]) << "threads " << T;
  }
}

TEST(Interpreter, WrongInputShapeNamesExpectedAndGot) {
  auto G = buildNet(kDynamicDim);
  auto I = cantFail(Interpreter::create(*G));
  auto Out = I->run({randomTensor({2, 1, 7, 8}, 1)});
  ASSERT_FALSE(bool(Out));
  EXPECT_EQ(llvm::toString(Out.takeError()),
            "input 'x': expected f32[?,1,8,8], got f32[2,1,7,8]");
  auto Count = I->run({});
  ASSERT_FALSE(bool(Count));
  EXPECT_NE(llvm::toString(Count.takeError()).find("1 input"),
            std::string::npos);
}

TEST(Interpreter, MissingKernelIsReportedAtCreation) {
  // An op kind the IR knows but no executor implements.
  static bool Registered = [] {
    OpDef D;
    D.Name = "interptest.NoKernel";
    D.MinOperands = D.MaxOperands = 1;
    D.InferTypes = [](const Op &, const InferenceInputs &In)
        -> llvm::Expected<llvm::SmallVector<TensorType, 1>> {
      return llvm::SmallVector<TensorType, 1>{In.Types[0]};
    };
    OpRegistry::get().add(std::move(D));
    return true;
  }();
  (void)Registered;
  Graph G;
  Builder B(G);
  Value *X = cantFail(G.addInput("x", TensorType(ElementType::F32, {1, 2})));
  auto O = B.createOp("interptest.NoKernel", {X});
  ASSERT_TRUE(bool(O)) << llvm::toString(O.takeError());
  G.addOutput((*O)->getResult());
  auto I = Interpreter::create(G);
  ASSERT_FALSE(bool(I));
  EXPECT_NE(llvm::toString(I.takeError())
                .find("no kernel for 'interptest.NoKernel'"),
            std::string::npos);
}

TEST(Interpreter, ConstantAndInputOutputsPassThrough) {
  Graph G;
  Value *X = cantFail(G.addInput("x", TensorType(ElementType::F32, {2})));
  Value *C = cantFail(G.addConstant("c", F({1}, {5})));
  G.addOutput(X);
  G.addOutput(C);
  auto I = cantFail(Interpreter::create(G));
  auto Out = I->run({F({2}, {1, 2})});
  ASSERT_TRUE(bool(Out));
  ASSERT_EQ(Out->size(), 2u);
  EXPECT_THAT(values((*Out)[0]), FloatsNear(Floats{1, 2}));
  EXPECT_THAT(values((*Out)[1]), FloatsNear(Floats{5}));
}

TEST(Evaluate, AdaptInputAndRank) {
  TensorType Want(ElementType::F32, {kDynamicDim, 784});
  auto R = adaptInput(Tensor(TensorType(ElementType::F32, {3, 1, 28, 28})),
                      Want, "x");
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(shapeOf(*R), (Ints{3, 784}));
  TensorType Img(ElementType::F32, {kDynamicDim, 1, 28, 28});
  auto One = adaptInput(Tensor(TensorType(ElementType::F32, {1, 28, 28})),
                        Img, "x");
  ASSERT_TRUE(bool(One));
  EXPECT_EQ(shapeOf(*One), (Ints{1, 1, 28, 28}));
  auto Bad = adaptInput(Tensor(TensorType(ElementType::F32, {2, 1, 27, 28})),
                        Img, "x");
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(llvm::toString(Bad.takeError()),
            "input 'x': expected f32[?,1,28,28], got f32[2,1,27,28]");
  EXPECT_EQ(rankOfLabel({0.1f, 0.5f, 0.5f, 0.2f}, 2), 1);
  EXPECT_EQ(rankOfLabel({0.1f, 0.5f, 0.5f, 0.2f}, 1), 0);
  EXPECT_EQ(rankOfLabel({0.1f, 0.5f, 0.5f, 0.2f}, 0), 3);
}

} // namespace
