//===- IncompleteInferenceTest.cpp - Data-dependent result types ----------===//
//
// A Reshape whose shape operand has an unknown length cannot have its
// result rank inferred at compile time: inference reports an
// IncompleteInferenceError (not a plain error), and the verifier and
// Graph::inferTypes keep the result's existing type. Real mismatches are
// still errors.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/OpDef.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;

namespace {

/// x f32[2,6], s i64[?] -> Reshape -> y (typed \p YType).
std::unique_ptr<Graph> reshapeByInput(TensorType YType) {
  auto G = std::make_unique<Graph>("g");
  Builder B(*G);
  Value *X = cantFail(G->addInput("x", TensorType(ElementType::F32, {2, 6})));
  Value *S =
      cantFail(G->addInput("s", TensorType(ElementType::I64, {kDynamicDim})));
  Op *O =
      cantFail(B.createOpWithTypes("onnx.Reshape", {X, S}, {YType}, {}, {"y"}));
  G->addOutput(O->getResult(0));
  return G;
}

TEST(IncompleteInference, ReshapeWithUnknownLengthShapeIsIncomplete) {
  auto G = reshapeByInput(TensorType(ElementType::F32, {3, 4}));
  const Op &O = *G->getOps().front();
  auto T = inferOpTypes(O);
  ASSERT_FALSE(bool(T));
  Error E = T.takeError();
  EXPECT_TRUE(E.isA<IncompleteInferenceError>());
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("cannot infer the result's rank"), std::string::npos)
      << Msg;
}

TEST(IncompleteInference, VerifierAndInferTypesKeepTheType) {
  auto G = reshapeByInput(TensorType(ElementType::F32, {3, 4}));
  Error E0 = verifyGraph(*G);
  ASSERT_FALSE(bool(E0)) << toString(std::move(E0));
  // Through the text IR: print, parse, verify.
  std::string Text = printGraphToString(*G);
  auto P = parseGraph(Text, "incomplete.ir");
  ASSERT_TRUE(bool(P)) << toString(P.takeError()) << "\n" << Text;
  Error VE = verifyGraph(**P);
  EXPECT_FALSE(bool(VE)) << toString(std::move(VE));
  Error IE = (*P)->inferTypes();
  ASSERT_FALSE(bool(IE)) << toString(std::move(IE));
  EXPECT_EQ((*P)->lookup("y")->getType(), TensorType(ElementType::F32, {3, 4}));
}

TEST(IncompleteInference, KnownShapeMismatchIsStillAnError) {
  // A constant shape: inference is complete and must match the result.
  Graph G("g");
  Builder B(G);
  Value *X = cantFail(G.addInput("x", TensorType(ElementType::F32, {2, 6})));
  Value *S = B.createConstant("s", Tensor::fromVector<int64_t>({2}, {4, 3}));
  Op *O = cantFail(B.createOpWithTypes("onnx.Reshape", {X, S},
                                       {TensorType(ElementType::F32, {3, 4})},
                                       {}, {"y"}));
  G.addOutput(O->getResult(0));
  Error VE = verifyGraph(G);
  ASSERT_TRUE(bool(VE));
  EXPECT_FALSE(VE.isA<IncompleteInferenceError>());
  EXPECT_NE(toString(std::move(VE)).find("inference gives"), std::string::npos);
  // A shape that cannot hold the data at all is an error, not incomplete.
  Value *Bad =
      B.createConstant("bad", Tensor::fromVector<int64_t>({2}, {5, 5}));
  auto T = B.createOp("onnx.Reshape", {X, Bad});
  ASSERT_FALSE(bool(T));
  Error E = T.takeError();
  EXPECT_FALSE(E.isA<IncompleteInferenceError>());
  consumeError(std::move(E));
}

} // namespace
