//===- ONNXLegacyTest.cpp - Legacy opset forms become the canonical form --===//
#include "ModelBuilder.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

/// The constant data of operand \p I of \p O as int64 values.
std::vector<int64_t> constInts(const Op *O, unsigned I) {
  std::vector<int64_t> R;
  Value *V = O->getOptionalOperand(I);
  EXPECT_TRUE(V && V->isConstant());
  if (!V || !V->isConstant())
    return R;
  const Tensor &T = V->getConstantData();
  for (int64_t K = 0; K < T.getNumElements(); ++K)
    R.push_back(T.getAsInt(K));
  return R;
}

TEST(ONNXLegacyTest, SqueezeUnsqueezeAxesBecomeOperands) {
  ModelBuilder B(11);
  B.input("x", {1, 3, 1});
  setInts(B.node("Squeeze", {"x"}, {"s"}), "axes", {0, 2});
  setInts(B.node("Unsqueeze", {"s"}, {"y"}), "axes", {0});
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Op *Sq = findOp(**G, "onnx.Squeeze");
  ASSERT_TRUE(Sq);
  EXPECT_FALSE(Sq->hasAttr("axes"));
  EXPECT_EQ(constInts(Sq, 1), std::vector<int64_t>({0, 2}));
  EXPECT_EQ((*G)->lookup("s")->getType(), TensorType(ElementType::F32, {3}));
  EXPECT_EQ((*G)->lookup("y")->getType(), TensorType(ElementType::F32, {1, 3}));
}

TEST(ONNXLegacyTest, ClipBoundsBecomeOperands) {
  ModelBuilder B(9);
  B.input("x", {4});
  auto &C = B.node("Clip", {"x"}, {"y"}, "clip");
  setFloat(C, "min", 0.0f);
  setFloat(C, "max", 6.0f);
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Op *Clip = findOp(**G, "onnx.Clip");
  ASSERT_TRUE(Clip);
  EXPECT_TRUE(Clip->getAttrs().empty());
  ASSERT_EQ(Clip->getNumOperands(), 3u);
  EXPECT_EQ(Clip->getOperand(1)->getConstantData().data<float>()[0], 0.0f);
  EXPECT_EQ(Clip->getOperand(2)->getConstantData().data<float>()[0], 6.0f);
  EXPECT_EQ(Clip->getOperand(2)->getType(), TensorType(ElementType::F32, {}));

  // Only max given: min stays absent (no lower bound).
  ModelBuilder M(6 + 1);
  M.input("x", {4});
  setFloat(M.node("Clip", {"x"}, {"y"}), "max", 1.0f);
  M.output("y");
  G = M.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  Clip = findOp(**G, "onnx.Clip");
  ASSERT_TRUE(Clip);
  EXPECT_EQ(Clip->getOperand(1), nullptr);
  EXPECT_NE(Clip->getOperand(2), nullptr);
}

TEST(ONNXLegacyTest, PadPadsAndValueBecomeOperands) {
  ModelBuilder B(9);
  B.input("x", {1, 2});
  auto &P = B.node("Pad", {"x"}, {"y"});
  setInts(P, "pads", {0, 1, 0, 2});
  setFloat(P, "value", 3.0f);
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Op *Pad = findOp(**G, "onnx.Pad");
  ASSERT_TRUE(Pad);
  EXPECT_EQ(constInts(Pad, 1), std::vector<int64_t>({0, 1, 0, 2}));
  EXPECT_EQ(Pad->getOperand(2)->getConstantData().data<float>()[0], 3.0f);
  EXPECT_EQ((*G)->lookup("y")->getType(), TensorType(ElementType::F32, {1, 5}));
}

TEST(ONNXLegacyTest, SplitAndSliceAttributesBecomeOperands) {
  ModelBuilder B(9);
  B.input("x", {6, 4});
  auto &S = B.node("Split", {"x"}, {"a", "b"});
  setInt(S, "axis", 0);
  setInts(S, "split", {2, 4});
  auto &Sl = B.node("Slice", {"b"}, {"c"});
  setInts(Sl, "starts", {1});
  setInts(Sl, "ends", {3});
  setInts(Sl, "axes", {1});
  B.output("a");
  B.output("c");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Op *Split = findOp(**G, "onnx.Split");
  ASSERT_TRUE(Split);
  EXPECT_EQ(constInts(Split, 1), std::vector<int64_t>({2, 4}));
  EXPECT_EQ((*G)->lookup("b")->getType(), TensorType(ElementType::F32, {4, 4}));
  const Op *Slice = findOp(**G, "onnx.Slice");
  ASSERT_TRUE(Slice);
  EXPECT_EQ(constInts(Slice, 3), std::vector<int64_t>({1}));
  EXPECT_EQ((*G)->lookup("c")->getType(), TensorType(ElementType::F32, {4, 2}));
}

TEST(ONNXLegacyTest, ReduceAxesBecomeOperand) {
  ModelBuilder B(13);
  B.input("x", {2, 3, 4});
  auto &R = B.node("ReduceMean", {"x"}, {"y"});
  setInts(R, "axes", {1});
  setInt(R, "keepdims", 0);
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Op *Red = findOp(**G, "onnx.ReduceMean");
  ASSERT_TRUE(Red);
  EXPECT_EQ(constInts(Red, 1), std::vector<int64_t>({1}));
  EXPECT_EQ((*G)->lookup("y")->getType(), TensorType(ElementType::F32, {2, 4}));
}

TEST(ONNXLegacyTest, SoftmaxSemantics) {
  // Opset 11, axis 1 of a rank-4 input: the 2-D coercion is kept.
  ModelBuilder B(11);
  B.input("x", {1, 2, 3, 4});
  setInt(B.node("Softmax", {"x"}, {"y"}), "axis", 1);
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Op *S = findOp(**G, "onnx.Softmax");
  ASSERT_TRUE(S);
  EXPECT_EQ(S->getIntAttr("legacy_2d", 0), 1);
  EXPECT_EQ(S->getIntAttr("axis", -1), 1);

  // Opset 11 default axis on a rank-2 input is the last axis: both
  // semantics agree, so the canonical op is plain.
  ModelBuilder C(11);
  C.input("x", {5, 10});
  C.node("LogSoftmax", {"x"}, {"y"});
  C.output("y");
  G = C.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  S = findOp(**G, "onnx.LogSoftmax");
  ASSERT_TRUE(S);
  EXPECT_FALSE(S->hasAttr("legacy_2d"));
  EXPECT_EQ(S->getIntAttr("axis", 0), -1);

  // Opset 13 is already canonical.
  ModelBuilder D(13);
  D.input("x", {1, 2, 3});
  setInt(D.node("Softmax", {"x"}, {"y"}), "axis", 1);
  D.output("y");
  G = D.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  S = findOp(**G, "onnx.Softmax");
  ASSERT_TRUE(S);
  EXPECT_FALSE(S->hasAttr("legacy_2d"));
}

TEST(ONNXLegacyTest, BothFormsIsAnError) {
  ModelBuilder B(11);
  B.input("x", {1, 3});
  B.int64Init("ax", {1}, {0});
  setInts(B.node("Squeeze", {"x", "ax"}, {"y"}, "sq"), "axes", {0});
  B.output("y");
  EXPECT_THAT(errorOf(B.import()),
              HasSubstr("node 'sq' (op 'Squeeze', opset 11): has both "
                        "attribute 'axes' and input 1"));
}

TEST(ONNXLegacyTest, LegacyAttributeAtNewOpsetIsUnsupported) {
  // At opset 13, Squeeze has no axes attribute any more.
  ModelBuilder B(13);
  B.input("x", {1, 3});
  setInts(B.node("Squeeze", {"x"}, {"y"}, "sq"), "axes", {0});
  B.output("y");
  auto G = B.import();
  // The op definition still accepts the attribute form; either way the
  // result must be the right type.
  if (G)
    EXPECT_EQ((*G)->lookup("y")->getType(), TensorType(ElementType::F32, {3}));
  else
    EXPECT_THAT(toString(G.takeError()), HasSubstr("node 'sq'"));
}

} // namespace
