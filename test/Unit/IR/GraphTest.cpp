//===- GraphTest.cpp - Graph, builder and verifier ------------------------===//
#include "onncf/IR/Graph.h"
#include "TestOps.h"
#include "onncf/IR/Builder.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;

namespace {

class GraphTest : public ::testing::Test {
protected:
  void SetUp() override { test::registerTestOps(); }
  TensorType f32(ArrayRef<int64_t> S) { return {ElementType::F32, S}; }
};

std::string errText(Error E) { return toString(std::move(E)); }
template <typename T> std::string errText(Expected<T> E) {
  EXPECT_FALSE(bool(E));
  return E ? std::string() : toString(E.takeError());
}

TEST_F(GraphTest, UniqueNames) {
  Graph G;
  cantFail(G.addInput("x", f32({2})));
  EXPECT_EQ(G.getUniqueName("y"), "y");
  EXPECT_EQ(G.getUniqueName("x"), "x_1");
  cantFail(G.addInput("x_1", f32({2})));
  EXPECT_EQ(G.getUniqueName("x"), "x_2");
  EXPECT_NE(errText(G.addInput("x", f32({1}))).find("'x'"), std::string::npos);
  Value *C = G.addConstantUnique("x", Tensor::fromVector<float>({1}, {1.0f}));
  EXPECT_EQ(C->getName(), "x_2");
  EXPECT_EQ(G.lookup("x_2"), C);
  EXPECT_TRUE(C->isConstant());
  EXPECT_EQ(C->getType(), f32({1}));
}

TEST_F(GraphTest, CreateOpChecksKindAndArity) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2})));
  std::string E = errText(G.createOp("onnx.NoSuchOp", {X}, {f32({2})}));
  EXPECT_NE(E.find("unknown op kind 'onnx.NoSuchOp'"), std::string::npos) << E;
  E = errText(G.createOp("test.unary", {X, X}, {f32({2})}));
  EXPECT_NE(E.find("expects 1 operands, got 2"), std::string::npos) << E;
  E = errText(G.createOp("test.unary", {X}, {}));
  EXPECT_NE(E.find("results"), std::string::npos) << E;
  E = errText(G.createOp("test.opt", {X, nullptr}, {f32({2})}));
  EXPECT_NE(E.find("required operand 1 is absent"), std::string::npos) << E;
  Op *O = cantFail(G.createOp("test.opt", {X, X, nullptr, X}, {f32({2})}));
  EXPECT_EQ(O->getOperand(2), nullptr);
  EXPECT_EQ(O->getOptionalOperand(7), nullptr);
  E = errText(G.createOp("test.unary", {X}, {f32({2})}, {}, {"x"}));
  EXPECT_NE(E.find("'x'"), std::string::npos) << E;
  Graph Other;
  E = errText(Other.createOp("test.unary", {X}, {f32({2})}));
  EXPECT_NE(E.find("does not belong"), std::string::npos) << E;
}

TEST_F(GraphTest, UsesEraseAndReplace) {
  Graph G;
  Builder B(G);
  Value *X = cantFail(G.addInput("x", f32({2})));
  Op *A = cantFail(B.createOp("test.unary", {X}));
  Op *C = cantFail(B.createOp("test.unary", {A->getResult()}));
  Op *D = cantFail(B.createOp("test.unary", {A->getResult()}));
  EXPECT_EQ(A->getResult()->getName(), "unary");
  EXPECT_EQ(C->getResult()->getName(), "unary_1");
  G.addOutput(D->getResult());
  EXPECT_EQ(G.getUses(A->getResult()).size(), 2u);
  EXPECT_TRUE(G.hasUses(D->getResult())); // graph output
  EXPECT_FALSE(G.hasUses(C->getResult()));
  G.eraseOp(C);
  EXPECT_EQ(G.getNumOps(), 2u);
  EXPECT_EQ(G.lookup("unary_1"), nullptr);
  G.replaceAllUsesWith(A->getResult(), X);
  EXPECT_EQ(D->getOperand(0), X);
  G.replaceAllUsesWith(D->getResult(), X);
  EXPECT_EQ(G.getOutputs()[0], X);
  EXPECT_FALSE(G.hasUses(A->getResult()));
  Value *Unused = G.addConstantUnique("w", Tensor::fromVector<float>({1}, {1}));
  (void)Unused;
  G.eraseUnusedConstants();
  EXPECT_TRUE(G.getConstants().empty());
  EXPECT_EQ(G.lookup("w"), nullptr);
  cantFail(verifyGraph(G));
}

TEST_F(GraphTest, BuilderInsertionPoint) {
  Graph G;
  Builder B(G);
  Value *X = cantFail(G.addInput("x", f32({2})));
  Op *Last = cantFail(B.createOp("test.unary", {X}, {}, 1, {"last"}));
  B.setInsertionPointBefore(Last);
  Op *First = cantFail(B.createOp("test.unary", {X}, {}, 1, {"first"}));
  EXPECT_EQ(G.begin()->get(), First);
  B.setInsertionPointAfter(First);
  cantFail(B.createOp("test.unary", {X}, {}, 1, {"mid"}));
  EXPECT_EQ((*std::next(G.begin()))->getResult()->getName(), "mid");
  EXPECT_EQ(First->getResult()->getType(), f32({2}));
  // No inference: Builder::createOp refuses, createOpWithTypes works.
  EXPECT_FALSE(errText(B.createOp("test.opt", {X, X})).empty());
  cantFail(B.createOpWithTypes("test.opt", {X, X}, {f32({3})}));
}

TEST_F(GraphTest, VerifierFindsProblems) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({2})));
  Op *A = cantFail(G.createOp("test.unary", {X}, {f32({2})}));
  A->setName("a1");
  EXPECT_EQ(A->getDescription(), "test.unary 'a1'");
  cantFail(verifyGraph(G));

  // Declared type incompatible with inference.
  A->getResult()->setType(f32({3}));
  std::string E = errText(verifyGraph(G));
  EXPECT_NE(E.find("test.unary 'a1'"), std::string::npos) << E;
  EXPECT_NE(E.find("inference gives f32[2]"), std::string::npos) << E;
  A->getResult()->setType(f32({kDynamicDim}));
  cantFail(verifyGraph(G));

  // Unknown attribute / wrong kind.
  A->setAttr("beta", Attribute(1.0f));
  E = errText(verifyGraph(G));
  EXPECT_NE(E.find("unknown attribute 'beta'"), std::string::npos) << E;
  A->removeAttr("beta");
  A->setAttr("alpha", Attribute(1));
  E = errText(verifyGraph(G));
  EXPECT_NE(E.find("'alpha' must be float, got int"), std::string::npos) << E;
  A->removeAttr("alpha");

  // Required attribute and op verifier.
  Op *R = cantFail(G.createOp("test.req", {X}, {f32({2})}));
  E = errText(verifyGraph(G));
  EXPECT_NE(E.find("missing required attribute 'k'"), std::string::npos) << E;
  EXPECT_NE(E.find("test.req producing 'req'"), std::string::npos) << E;
  R->setAttr("k", Attribute(-1));
  E = errText(verifyGraph(G));
  EXPECT_NE(E.find("k must be non-negative"), std::string::npos) << E;
  R->setAttr("k", Attribute(1));
  cantFail(verifyGraph(G));

  // Use before definition.
  Op *Early =
      cantFail(G.createOp("test.unary", {X}, {f32({2})}, {}, {}, G.begin()));
  Early->setOperand(0, R->getResult());
  E = errText(verifyGraph(G));
  EXPECT_NE(E.find("used before its definition"), std::string::npos) << E;
  Early->setOperand(0, X);
  cantFail(verifyGraph(G));
  G.addOutput(R->getResult());
  cantFail(verifyGraph(G));
}

TEST_F(GraphTest, VerifierChecksTypes) {
  Graph G;
  TensorType T(ElementType::I8, {4, 2});
  QuantParams Q;
  Q.Axis = 0;
  Q.Scales = {0.5f, 0.5f};
  T.setQuant(Q);
  Value *X = cantFail(G.addInput("x", T));
  std::string E = errText(verifyGraph(G));
  EXPECT_NE(E.find("input 'x' has 2 scales for axis 0 of size 4"),
            std::string::npos)
      << E;
  Q.Axis = 1;
  T.setQuant(Q);
  X->setType(T);
  cantFail(verifyGraph(G));
  Q.Axis = 2;
  T.setQuant(Q);
  X->setType(T);
  EXPECT_NE(errText(verifyGraph(G)).find("axis 2 out of range"),
            std::string::npos);
  Q.Axis = -1;
  T.setQuant(Q);
  X->setType(T);
  EXPECT_NE(errText(verifyGraph(G)).find("per-tensor"), std::string::npos);
  Q.Scales = {0.5f};
  Q.Bits = 9;
  T.setQuant(Q);
  X->setType(T);
  EXPECT_NE(errText(verifyGraph(G)).find("9-bit"), std::string::npos);
  X->setType(TensorType(ElementType::F32, {-3}));
  EXPECT_NE(errText(verifyGraph(G)).find("invalid dimension -3"),
            std::string::npos);
  X->setType(TensorType(ElementType::F32, {kDynamicDim}));
  G.addOutput(X);
  cantFail(verifyGraph(G));
  // An output that is not in the graph.
  Graph Other;
  Value *Y = cantFail(Other.addInput("y", TensorType(ElementType::F32, {1})));
  G.addOutput(Y);
  EXPECT_NE(errText(verifyGraph(G)).find("graph output 'y' is not defined"),
            std::string::npos);
}

TEST_F(GraphTest, InferTypesUpdatesResults) {
  Graph G;
  Value *X = cantFail(G.addInput("x", f32({5, 5})));
  Op *A = cantFail(G.createOp("test.unary", {X}, {f32({})}));
  cantFail(G.inferTypes());
  EXPECT_EQ(A->getResult()->getType(), f32({5, 5}));
}

TEST_F(GraphTest, RegistryHasONNXOpsHook) {
  // registerONNXOps ran exactly once and test kinds are visible.
  EXPECT_NE(OpRegistry::get().lookup("test.unary"), nullptr);
  EXPECT_EQ(&OpRegistry::get(), &OpRegistry::get());
  size_t N = OpRegistry::get().all().size();
  EXPECT_GE(N, 4u);
}

} // namespace

namespace {

// Integration with the real onnx.* definitions (registered by
// registerONNXOps through OpRegistry::get()).
TEST(GraphONNXTest, BuilderInfersAndVerifierAccepts) {
  if (!OpRegistry::get().lookup("onnx.Add") ||
      !OpRegistry::get().lookup("onnx.Relu"))
    GTEST_SKIP() << "onnx.* ops not registered in this build";
  Graph G("mini");
  Builder B(G);
  Value *X = cantFail(
      G.addInput("x", TensorType(ElementType::F32, {kDynamicDim, 3, 4})));
  Value *C = B.createConstant("bias", Tensor::fromVector<float>(
                                          {3, 1}, {1.0f, 2.0f, 3.0f}));
  Op *Add = cantFail(B.createOp("onnx.Add", {X, C}));
  Op *Relu = cantFail(B.createOp("onnx.Relu", {Add->getResult()}));
  Relu->setName("relu1");
  G.addOutput(Relu->getResult());
  EXPECT_EQ(Add->getResult()->getType(),
            TensorType(ElementType::F32, {kDynamicDim, 3, 4}));
  cantFail(verifyGraph(G));
  Relu->getResult()->setType(TensorType(ElementType::F32, {2, 3, 5}));
  std::string E = toString(verifyGraph(G));
  EXPECT_NE(E.find("onnx.Relu 'relu1'"), std::string::npos) << E;
}

} // namespace
