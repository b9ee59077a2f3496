//===- ElementwiseTest.cpp - Elementwise, activation and softmax ops ------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "OpTestUtil.h"

using namespace onncf;
using namespace onncf::test;

namespace {

using ElementwiseTest = OpTest;

TEST_F(ElementwiseTest, Broadcasting) {
  EXPECT_EQ(shape("onnx.Add", {in({D, 3, 1, 5}), f32({4, 1})}), "f32[?,3,4,5]");
  EXPECT_EQ(shape("onnx.Mul", {in({2, 1}), in({D})}), "f32[2,?]");
  EXPECT_EQ(shape("onnx.Div", {in({D, 1}), in({1, 6})}), "f32[?,6]");
  EXPECT_EQ(shape("onnx.Sub", {in({}), in({3, 2})}), "f32[3,2]");
  EXPECT_TRUE(contains(shape("onnx.Add", {in({2, 3}), in({4})}),
                       "cannot be broadcast"));
  EXPECT_EQ(shape("onnx.Sum", {in({3, 1}), in({1, 4}), in({2, 1, 1})}),
            "f32[2,3,4]");
  EXPECT_EQ(shape("onnx.Max", {in({5})}), "f32[5]");
  EXPECT_EQ(shape("onnx.Greater", {in({2, 3}), in({3})}), "bool[2,3]");
  EXPECT_EQ(shape("onnx.Where",
                  {in({2, 1}, ElementType::Bool), in({1, 3}), in({2, 3})}),
            "f32[2,3]");
}

TEST_F(ElementwiseTest, Activations) {
  EXPECT_EQ(shape("onnx.Relu", {in({D, 8})}), "f32[?,8]");
  EXPECT_EQ(shape("onnx.LeakyRelu", {in({2, 8})}, {{"alpha", 0.1f}}),
            "f32[2,8]");
  EXPECT_EQ(shape("onnx.PRelu", {in({1, 3, 4, 4}), f32({3, 1, 1})}),
            "f32[1,3,4,4]");
  EXPECT_TRUE(contains(shape("onnx.PRelu", {in({1, 3, 4, 4}), f32({3})}),
                       "does not broadcast"));
  EXPECT_EQ(shape("onnx.Clip", {in({D, 4}), scalar(0), scalar(6)}), "f32[?,4]");
  EXPECT_EQ(shape("onnx.Clip", {in({2}), nullptr, scalar(6)}), "f32[2]");
  EXPECT_EQ(shape("onnx.Clip", {in({2})}, {{"min", 0.0f}}), "f32[2]");
  EXPECT_TRUE(
      contains(verify("onnx.Clip", {in({2}), scalar(0)}, {{"min", 0.0f}}),
               "'min' is given both as operand 1 and as an attribute"));
  EXPECT_EQ(shape("onnx.Cast", {in({2, 3})}, {{"to", 7}}), "i64[2,3]");
  EXPECT_TRUE(contains(verify("onnx.Cast", {in({2})}, {{"to", 8}}),
                       "unsupported target data type 8"));
  EXPECT_TRUE(contains(verify("onnx.Cast", {in({2})}), "missing required"));
  EXPECT_EQ(shape("onnx.Dropout", {in({D, 5})}, {{"ratio", 0.5f}}, 2, 1),
            "bool[?,5]");
  EXPECT_TRUE(contains(verify("onnx.Dropout", {in({2})}, {{"ratio", 1.5f}}),
                       "ratio must be in [0, 1)"));
}

TEST_F(ElementwiseTest, Softmax) {
  EXPECT_EQ(shape("onnx.Softmax", {in({D, 10})}), "f32[?,10]");
  EXPECT_EQ(shape("onnx.LogSoftmax", {in({2, 3, 4})}, {{"axis", -3}}),
            "f32[2,3,4]");
  EXPECT_TRUE(contains(shape("onnx.Softmax", {in({2, 3})}, {{"axis", 2}}),
                       "axis 2 is out of range [-2, 1]"));
  Op *O = build("onnx.Softmax", {in({2, 3, 4})}, {{"legacy_2d", 1}});
  ASSERT_TRUE(O) << Err;
  auto Axis = getSoftmaxAxis(*O, 3);
  ASSERT_TRUE(bool(Axis));
  EXPECT_EQ(*Axis, 1u); // legacy default
  Op *N = build("onnx.Softmax", {in({2, 3, 4})});
  ASSERT_TRUE(N) << Err;
  auto Axis2 = getSoftmaxAxis(*N, 3);
  ASSERT_TRUE(bool(Axis2));
  EXPECT_EQ(*Axis2, 2u);
  EXPECT_TRUE(contains(verify("onnx.Softmax", {in({2})}, {{"legacy_2d", 3}}),
                       "'legacy_2d' is 3"));
}

TEST_F(ElementwiseTest, Reductions) {
  EXPECT_EQ(shape("onnx.ReduceMean", {in({D, 3, 4, 5})},
                  {{"axes", std::vector<int64_t>{-1, -2}}}),
            "f32[?,3,1,1]");
  EXPECT_EQ(
      shape("onnx.ReduceSum", {in({2, 3, 4}), ints({1})}, {{"keepdims", 0}}),
      "f32[2,4]");
  EXPECT_EQ(shape("onnx.ReduceMax", {in({2, 3, 4})}, {{"keepdims", 0}}),
            "f32[]");
  EXPECT_EQ(shape("onnx.ReduceMin", {in({2, 3}), ints({})},
                  {{"noop_with_empty_axes", 1}}),
            "f32[2,3]");
  // Unknown axes: only the rank survives.
  EXPECT_EQ(shape("onnx.ReduceSum", {in({2, 3, 4}), in({2}, ElementType::I64)},
                  {{"keepdims", 0}}),
            "f32[?]");
  EXPECT_TRUE(contains(shape("onnx.ReduceSum", {in({2, 3}), ints({2})}),
                       "out of range"));
  EXPECT_EQ(
      shape("onnx.ArgMax", {in({2, 3, 4})}, {{"axis", -1}, {"keepdims", 0}}),
      "i64[2,3]");
}

} // namespace
