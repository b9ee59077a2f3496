//===- ConvPoolTest.cpp - Conv, ConvTranspose and pooling ops -------------===//
//
// Part of onnc-fault. Output shapes and resolved geometry against values
// computed by hand from the ONNX operator specification (and checked
// against onnxruntime where the spec is terse, e.g. ceil_mode).
//
//===----------------------------------------------------------------------===//
#include "OpTestUtil.h"

using namespace onncf;
using namespace onncf::test;

namespace {

using ConvTest = OpTest;
using PoolTest = OpTest;

TEST_F(ConvTest, BasicAndDynamicBatch) {
  EXPECT_EQ(shape("onnx.Conv", {in({1, 3, 32, 32}), f32({16, 3, 3, 3})},
                  {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}),
            "f32[1,16,32,32]");
  EXPECT_EQ(
      shape("onnx.Conv", {in({D, 3, 32, 32}), f32({16, 3, 5, 5}), f32({16})}),
      "f32[?,16,28,28]");
  // A dynamic spatial dim stays dynamic, the other is computed.
  EXPECT_EQ(shape("onnx.Conv", {in({D, 3, D, 10}), f32({4, 3, 3, 3})}),
            "f32[?,4,?,8]");
}

TEST_F(ConvTest, StridesDilations1D3D) {
  // (32 + 0 - ((3-1)*2+1)) / 2 + 1 = 14
  EXPECT_EQ(shape("onnx.Conv", {in({1, 3, 32, 32}), f32({8, 3, 3, 3})},
                  {{"strides", std::vector<int64_t>{2, 2}},
                   {"dilations", std::vector<int64_t>{2, 2}}}),
            "f32[1,8,14,14]");
  EXPECT_EQ(shape("onnx.Conv", {in({2, 4, 10}), f32({6, 4, 3})}), "f32[2,6,8]");
  EXPECT_EQ(shape("onnx.Conv", {in({1, 1, 4, 5, 6}), f32({2, 1, 2, 2, 2})}),
            "f32[1,2,3,4,5]");
}

TEST_F(ConvTest, AutoPadSame) {
  Op *U = build(
      "onnx.Conv", {in({1, 1, 6, 5}), f32({1, 1, 2, 3})},
      {{"auto_pad", "SAME_UPPER"}, {"strides", std::vector<int64_t>{2, 1}}});
  ASSERT_TRUE(U) << Err;
  EXPECT_EQ(U->getResult()->getType().str(), "f32[1,1,3,5]");
  auto G1 = computeConvGeometry(*U, {1, 1, 6, 5}, {1, 1, 2, 3});
  ASSERT_TRUE(bool(G1));
  // H: out 3, total = (3-1)*2 + 2 - 6 = 0. W: out 5, total = 2 -> 1,1.
  EXPECT_EQ(G1->PadsBegin, (llvm::SmallVector<int64_t, 3>{0, 1}));
  EXPECT_EQ(G1->PadsEnd, (llvm::SmallVector<int64_t, 3>{0, 1}));

  Op *L = build("onnx.Conv", {in({1, 1, 5, 5}), f32({1, 1, 2, 2})},
                {{"auto_pad", "SAME_LOWER"}});
  ASSERT_TRUE(L) << Err;
  EXPECT_EQ(L->getResult()->getType().str(), "f32[1,1,5,5]");
  auto G2 = computeConvGeometry(*L, {1, 1, 5, 5}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(G2));
  // Total 1: SAME_LOWER puts it at the start, SAME_UPPER at the end.
  EXPECT_EQ(G2->PadsBegin, (llvm::SmallVector<int64_t, 3>{1, 1}));
  EXPECT_EQ(G2->PadsEnd, (llvm::SmallVector<int64_t, 3>{0, 0}));
  Op *U2 = build("onnx.Conv", {in({1, 1, 5, 5}), f32({1, 1, 2, 2})},
                 {{"auto_pad", "SAME_UPPER"}});
  ASSERT_TRUE(U2) << Err;
  auto G3 = computeConvGeometry(*U2, {1, 1, 5, 5}, {1, 1, 2, 2});
  ASSERT_TRUE(bool(G3));
  EXPECT_EQ(G3->PadsBegin, (llvm::SmallVector<int64_t, 3>{0, 0}));
  EXPECT_EQ(G3->PadsEnd, (llvm::SmallVector<int64_t, 3>{1, 1}));

  EXPECT_EQ(
      shape("onnx.Conv", {in({1, 1, 7, 7}), f32({1, 1, 3, 3})},
            {{"auto_pad", "VALID"}, {"strides", std::vector<int64_t>{2, 2}}}),
      "f32[1,1,3,3]");
}

TEST_F(ConvTest, GroupsAndDepthwise) {
  EXPECT_EQ(
      shape("onnx.Conv", {in({1, 4, 8, 8}), f32({8, 2, 3, 3})}, {{"group", 2}}),
      "f32[1,8,6,6]");
  EXPECT_EQ(shape("onnx.Conv", {in({1, 32, 8, 8}), f32({32, 1, 3, 3})},
                  {{"group", 32}}),
            "f32[1,32,6,6]");
}

TEST_F(ConvTest, VerifierErrors) {
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 6, 8, 8}), f32({8, 2, 3, 3})},
                      {{"group", 4}}),
               "group 4 does not divide the input channels 6"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 6, 8, 8}), f32({9, 3, 3, 3})},
                      {{"group", 2}}),
               "does not divide the output channels 9"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 2, 3, 3})}),
               "input has 3 channels but the weight expects 2"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                      {{"pads", std::vector<int64_t>{1, 1}}}),
               "attribute 'pads' has 2 entries, expected 4"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                      {{"pads", std::vector<int64_t>{0, -1, 0, 0}}}),
               "expected >= 0"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                      {{"strides", std::vector<int64_t>{1, 0}}}),
               "'strides' has entry 0, expected >= 1"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                      {{"auto_pad", "SAME"}}),
               "auto_pad 'SAME' is not one of"));
  EXPECT_TRUE(contains(
      verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3}), f32({7})}),
      "bias has 7 entries for 8 output channels"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                      {{"group", 0}}),
               "'group' is 0"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                      {{"bogus", 1}}),
               "unknown attribute 'bogus'"));
  EXPECT_TRUE(
      contains(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                      {{"group", "2"}}),
               "'group' must be"));
  EXPECT_EQ(verify("onnx.Conv", {in({1, 3, 8, 8}), f32({8, 3, 3, 3})},
                   {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}),
            "");
  // Inference rejects a kernel larger than the padded input.
  EXPECT_TRUE(
      contains(shape("onnx.Conv", {in({1, 3, 2, 2}), f32({8, 3, 3, 3})}),
               "does not fit"));
}

TEST_F(ConvTest, ConvTranspose) {
  // 1*(3-1) + 0 + 3 - 0 = 5; M = W[1] * group.
  EXPECT_EQ(shape("onnx.ConvTranspose", {in({1, 2, 3, 3}), f32({2, 3, 3, 3})}),
            "f32[1,3,5,5]");
  EXPECT_EQ(shape("onnx.ConvTranspose", {in({D, 4, 3, 3}), f32({4, 3, 3, 3})},
                  {{"group", 2}}),
            "f32[?,6,5,5]");
  // 2*(3-1) + 1 + 3 - 1 - 1 = 6
  EXPECT_EQ(shape("onnx.ConvTranspose", {in({1, 1, 3, 3}), f32({1, 2, 3, 3})},
                  {{"strides", std::vector<int64_t>{2, 2}},
                   {"output_padding", std::vector<int64_t>{1, 1}},
                   {"pads", std::vector<int64_t>{1, 1, 1, 1}}}),
            "f32[1,2,6,6]");
  // Dilation: 1*(3-1) + ((3-1)*2+1) = 7
  EXPECT_EQ(shape("onnx.ConvTranspose", {in({1, 1, 3, 3}), f32({1, 1, 3, 3})},
                  {{"dilations", std::vector<int64_t>{2, 2}}}),
            "f32[1,1,7,7]");
  // ONNX's convtranspose_output_shape test: strides [3,2], output [10,8].
  Op *O = build("onnx.ConvTranspose", {in({1, 1, 3, 3}), f32({1, 2, 3, 3})},
                {{"strides", std::vector<int64_t>{3, 2}},
                 {"output_shape", std::vector<int64_t>{10, 8}}});
  ASSERT_TRUE(O) << Err;
  EXPECT_EQ(O->getResult()->getType().str(), "f32[1,2,10,8]");
  auto G = computeConvTransposeGeometry(*O, {1, 1, 3, 3}, {1, 2, 3, 3});
  ASSERT_TRUE(bool(G));
  // H: 3*2 + 3 - 10 < 0 -> 0; W: 2*2 + 3 - 8 < 0 -> 0.
  EXPECT_EQ(G->PadsBegin, (llvm::SmallVector<int64_t, 3>{0, 0}));
  // SAME_UPPER: output = in * stride; total = 2*2 + 3 - 6 = 1 at the end.
  Op *S = build(
      "onnx.ConvTranspose", {in({1, 1, 3, 3}), f32({1, 1, 3, 3})},
      {{"strides", std::vector<int64_t>{2, 2}}, {"auto_pad", "SAME_UPPER"}});
  ASSERT_TRUE(S) << Err;
  EXPECT_EQ(S->getResult()->getType().str(), "f32[1,1,6,6]");
  auto G2 = computeConvTransposeGeometry(*S, {1, 1, 3, 3}, {1, 1, 3, 3});
  ASSERT_TRUE(bool(G2));
  EXPECT_EQ(G2->PadsBegin, (llvm::SmallVector<int64_t, 3>{0, 0}));
  EXPECT_EQ(G2->PadsEnd, (llvm::SmallVector<int64_t, 3>{1, 1}));
  EXPECT_TRUE(contains(
      verify("onnx.ConvTranspose", {in({1, 3, 3, 3}), f32({2, 1, 3, 3})}),
      "input has 3 channels but the weight expects 2"));
}

TEST_F(PoolTest, MaxPoolCeilMode) {
  AttributeMap A{{"kernel_shape", std::vector<int64_t>{3, 3}},
                 {"strides", std::vector<int64_t>{2, 2}}};
  EXPECT_EQ(shape("onnx.MaxPool", {in({1, 1, 6, 6})}, A), "f32[1,1,2,2]");
  A["ceil_mode"] = 1;
  EXPECT_EQ(shape("onnx.MaxPool", {in({1, 1, 6, 6})}, A), "f32[1,1,3,3]");
  // The last window would start in the right padding: dropped
  // (PyTorch MaxPool2d(2, 2, padding=1, ceil_mode=True) on 5 gives 3).
  AttributeMap P{{"kernel_shape", std::vector<int64_t>{2, 2}},
                 {"strides", std::vector<int64_t>{2, 2}},
                 {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                 {"ceil_mode", 1}};
  EXPECT_EQ(shape("onnx.MaxPool", {in({1, 1, 5, 5})}, P), "f32[1,1,3,3]");
  P["ceil_mode"] = 0;
  EXPECT_EQ(shape("onnx.MaxPool", {in({1, 1, 5, 5})}, P), "f32[1,1,3,3]");
  // Here the 4th window starts at 6 - 1 = 5, inside the input: kept.
  AttributeMap Q{{"kernel_shape", std::vector<int64_t>{3}},
                 {"strides", std::vector<int64_t>{2}},
                 {"pads", std::vector<int64_t>{1, 1}},
                 {"ceil_mode", 1}};
  EXPECT_EQ(shape("onnx.MaxPool", {in({D, 2, 6})}, Q), "f32[?,2,4]");
}

TEST_F(PoolTest, DilationsIndicesAndAutoPad) {
  EXPECT_EQ(shape("onnx.MaxPool", {in({1, 1, 4, 4})},
                  {{"kernel_shape", std::vector<int64_t>{2, 2}},
                   {"dilations", std::vector<int64_t>{2, 2}}}),
            "f32[1,1,2,2]");
  EXPECT_EQ(shape("onnx.MaxPool", {in({1, 1, 4, 4})},
                  {{"kernel_shape", std::vector<int64_t>{2, 2}}}, 2, 1),
            "i64[1,1,3,3]");
  Op *U = build("onnx.AveragePool", {in({1, 1, 6, 6})},
                {{"kernel_shape", std::vector<int64_t>{3, 3}},
                 {"strides", std::vector<int64_t>{2, 2}},
                 {"auto_pad", "SAME_UPPER"}});
  ASSERT_TRUE(U) << Err;
  EXPECT_EQ(U->getResult()->getType().str(), "f32[1,1,3,3]");
  auto G = computePoolGeometry(*U, {1, 1, 6, 6});
  ASSERT_TRUE(bool(G));
  EXPECT_EQ(G->PadsBegin, (llvm::SmallVector<int64_t, 3>{0, 0}));
  EXPECT_EQ(G->PadsEnd, (llvm::SmallVector<int64_t, 3>{1, 1}));
  Op *L = build("onnx.AveragePool", {in({1, 1, 6, 6})},
                {{"kernel_shape", std::vector<int64_t>{3, 3}},
                 {"strides", std::vector<int64_t>{2, 2}},
                 {"auto_pad", "SAME_LOWER"}});
  ASSERT_TRUE(L) << Err;
  auto G2 = computePoolGeometry(*L, {1, 1, 6, 6});
  ASSERT_TRUE(bool(G2));
  EXPECT_EQ(G2->PadsBegin, (llvm::SmallVector<int64_t, 3>{1, 1}));
  EXPECT_EQ(G2->PadsEnd, (llvm::SmallVector<int64_t, 3>{0, 0}));
}

TEST_F(PoolTest, GlobalAndLRNAndErrors) {
  EXPECT_EQ(shape("onnx.GlobalAveragePool", {in({D, 64, 7, 7})}),
            "f32[?,64,1,1]");
  EXPECT_EQ(shape("onnx.GlobalMaxPool", {in({2, 8, 5})}), "f32[2,8,1]");
  EXPECT_EQ(shape("onnx.LRN", {in({D, 8, 5, 5})}, {{"size", 3}}),
            "f32[?,8,5,5]");
  EXPECT_TRUE(
      contains(shape("onnx.MaxPool", {in({1, 1, 4, 4})}), "kernel_shape"));
  EXPECT_TRUE(contains(verify("onnx.MaxPool", {in({1, 1, 4, 4})},
                              {{"kernel_shape", std::vector<int64_t>{2, 2}},
                               {"pads", std::vector<int64_t>{1, 1, 1}}}),
                       "'pads' has 3 entries, expected 4"));
  EXPECT_TRUE(contains(verify("onnx.AveragePool", {in({1, 1, 4, 4})},
                              {{"kernel_shape", std::vector<int64_t>{2}}}),
                       "'kernel_shape' has 1 entries, expected 2"));
  EXPECT_TRUE(contains(verify("onnx.LRN", {in({1, 1, 4, 4})}, {{"size", 0}}),
                       "'size' is 0"));
}

} // namespace
