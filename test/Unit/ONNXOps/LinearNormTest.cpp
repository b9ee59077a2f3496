//===- LinearNormTest.cpp - Gemm, MatMul and normalization ops ------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "OpTestUtil.h"

using namespace onncf;
using namespace onncf::test;

namespace {

using LinearTest = OpTest;

TEST_F(LinearTest, Gemm) {
  EXPECT_EQ(
      shape("onnx.Gemm", {in({4, 3}), f32({5, 3}), f32({5})}, {{"transB", 1}}),
      "f32[4,5]");
  EXPECT_EQ(shape("onnx.Gemm", {in({3, D}), f32({3, 10})}, {{"transA", 1}}),
            "f32[?,10]");
  EXPECT_EQ(shape("onnx.Gemm", {in({D, 3}), f32({3, 10}), f32({1, 10})}),
            "f32[?,10]");
  EXPECT_TRUE(contains(
      shape("onnx.Gemm", {in({4, 3}), f32({5, 3}), f32({3})}, {{"transB", 1}}),
      "does not broadcast to [4,5]"));
  EXPECT_TRUE(contains(shape("onnx.Gemm", {in({4, 3}), f32({5, 3})}),
                       "inner dims differ"));
  EXPECT_TRUE(contains(shape("onnx.Gemm", {in({2, 4, 3}), f32({3, 5})}),
                       "must be 2-D"));
  EXPECT_TRUE(
      contains(verify("onnx.Gemm", {in({4, 3}), f32({3, 5})}, {{"transA", 2}}),
               "'transA' is 2"));
}

TEST_F(LinearTest, MatMul) {
  EXPECT_EQ(shape("onnx.MatMul", {in({2, 3, 4}), f32({4, 5})}), "f32[2,3,5]");
  EXPECT_EQ(shape("onnx.MatMul", {in({4}), f32({4, 5})}), "f32[5]");
  EXPECT_EQ(shape("onnx.MatMul", {in({3, 4}), f32({4})}), "f32[3]");
  EXPECT_EQ(shape("onnx.MatMul", {in({4}), f32({4})}), "f32[]");
  EXPECT_EQ(shape("onnx.MatMul", {in({2, 1, 3, 4}), f32({5, 4, 6})}),
            "f32[2,5,3,6]");
  EXPECT_EQ(shape("onnx.MatMul", {in({D, 7, 4}), f32({4, 6})}), "f32[?,7,6]");
  EXPECT_TRUE(contains(shape("onnx.MatMul", {in({3, 4}), f32({5, 6})}),
                       "inner dims differ"));
  EXPECT_TRUE(contains(shape("onnx.MatMul", {in({2, 3, 4}), f32({3, 4, 6})}),
                       "cannot be broadcast"));
}

TEST_F(LinearTest, Normalization) {
  EXPECT_EQ(
      shape("onnx.BatchNormalization",
            {in({D, 16, 8, 8}), f32({16}), f32({16}), f32({16}), f32({16})},
            {{"epsilon", 1e-5f}}),
      "f32[?,16,8,8]");
  // Training results are typed [C].
  EXPECT_EQ(
      shape("onnx.BatchNormalization",
            {in({2, 16, 8, 8}), f32({16}), f32({16}), f32({16}), f32({16})}, {},
            3, 2),
      "f32[16]");
  EXPECT_TRUE(contains(
      shape("onnx.BatchNormalization",
            {in({2, 16, 8, 8}), f32({8}), f32({16}), f32({16}), f32({16})}),
      "scale has 8 entries for 16 channels"));
  EXPECT_TRUE(
      contains(verify("onnx.BatchNormalization",
                      {in({2, 16}), f32({16}), f32({16}), f32({16}), f32({16})},
                      {{"epsilon", -1.0f}}),
               "epsilon must be >= 0"));
  EXPECT_EQ(shape("onnx.InstanceNormalization",
                  {in({2, 3, 5, 5}), f32({3}), f32({3})}),
            "f32[2,3,5,5]");
  EXPECT_EQ(shape("onnx.LayerNormalization", {in({2, 3, 5}), f32({5})},
                  {{"axis", -1}}, 2, 1),
            "f32[2,3,1]");
}

} // namespace
