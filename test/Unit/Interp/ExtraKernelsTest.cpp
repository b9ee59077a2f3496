//===- ExtraKernelsTest.cpp - ConvTranspose, Reduce, Resize, index ops ----===//
//
// Part of onnc-fault. Hand-computed cases for the kernels in
// ConvTranspose.cpp, Reduce.cpp, Resize.cpp, Index.cpp, LayerNorm.cpp and
// Misc.cpp, plus a check that ConvTranspose's results do not depend on the
// batch split (thread count).
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"
#include <random>

using namespace onncf;
using namespace onncf::test;

namespace {

Ints ints(const Tensor &T) {
  auto D = T.data<int64_t>();
  return Ints(D.begin(), D.end());
}

TEST(InterpConvTranspose, OverlappingTaps) {
  // 2x2 input, 2x2 kernel of ones, stride 1: out[o] sums inputs with
  // o = i + k.
  auto R =
      runOp("onnx.ConvTranspose",
            {F({1, 1, 2, 2}, {1, 2, 3, 4}), F({1, 1, 2, 2}, {1, 1, 1, 1})}, {});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 1, 3, 3}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 3, 2, 4, 10, 6, 3, 7, 4}));
}

TEST(InterpConvTranspose, StrideTwoWithPadsCrops) {
  // Stride 2 replicates each input into a 2x2 block of a 4x4 output; pads
  // of 1 crop it to the centre 2x2.
  auto R = runOp("onnx.ConvTranspose",
                 {F({1, 1, 2, 2}, {1, 2, 3, 4}), F({1, 1, 2, 2}, {1, 1, 1, 1})},
                 {{"strides", Ints{2, 2}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4,
                                              4, 3, 3, 4, 4}));
  R = runOp("onnx.ConvTranspose",
            {F({1, 1, 2, 2}, {1, 2, 3, 4}), F({1, 1, 2, 2}, {1, 1, 1, 1})},
            {{"strides", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 1, 2, 2}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 2, 3, 4}));
}

TEST(InterpConvTranspose, GroupsBiasStrideOutputPadding1D) {
  // Two groups of one channel; o = 2i + k; output_padding adds a last
  // position that only gets the bias.
  auto R = runOp("onnx.ConvTranspose",
                 {F({1, 2, 3}, {1, 2, 3, 4, 5, 6}),
                  F({2, 1, 2}, {1, 10, 2, -1}), F({2}, {100, 0})},
                 {{"group", int64_t(2)},
                  {"strides", Ints{2}},
                  {"output_padding", Ints{1}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 2, 7}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{101, 110, 102, 120, 103, 130, 100,
                                              8, -4, 10, -5, 12, -6, 0}));
}

TEST(InterpConvTranspose, Dilation) {
  auto R =
      runOp("onnx.ConvTranspose", {F({1, 1, 2}, {1, 2}), F({1, 1, 2}, {1, 1})},
            {{"dilations", Ints{2}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 2, 1, 2}));
}

TEST(InterpConvTranspose, OutputShapeSameUpper) {
  // Natural output [1,1,3,2,5,3,3] (length 7); output_shape 6 with
  // SAME_UPPER drops the odd pad at the end.
  auto R = runOp("onnx.ConvTranspose",
                 {F({1, 1, 3}, {1, 2, 3}), F({1, 1, 3}, {1, 1, 1})},
                 {{"strides", Ints{2}},
                  {"output_shape", Ints{6}},
                  {"auto_pad", "SAME_UPPER"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 1, 6}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 1, 3, 2, 5, 3}));
}

TEST(InterpConvTranspose, BatchSplitDoesNotChangeResults) {
  std::mt19937 Rng(7);
  std::uniform_real_distribution<float> D(-1, 1);
  Floats X(5 * 4 * 6 * 5), W(4 * 3 * 3 * 3), B(6);
  for (float &V : X)
    V = D(Rng);
  for (float &V : W)
    V = D(Rng);
  for (float &V : B)
    V = D(Rng);
  AttributeMap A = {{"group", int64_t(2)},
                    {"strides", Ints{2, 1}},
                    {"pads", Ints{1, 0, 0, 1}}};
  auto One = runOp("onnx.ConvTranspose",
                   {F({5, 4, 6, 5}, X), F({4, 3, 3, 3}, W), F({6}, B)}, A, 1, 1,
                   nullptr, 1);
  auto Two = runOp("onnx.ConvTranspose",
                   {F({5, 4, 6, 5}, X), F({4, 3, 3, 3}, W), F({6}, B)}, A, 1, 1,
                   nullptr, 2);
  ASSERT_EQ(One.size(), 1u);
  ASSERT_EQ(Two.size(), 1u);
  EXPECT_TRUE(One[0] == Two[0]);
  // The first image alone gives the same bits as inside the batch.
  Floats X0(X.begin(), X.begin() + 4 * 6 * 5);
  auto Single = runOp("onnx.ConvTranspose",
                      {F({1, 4, 6, 5}, X0), F({4, 3, 3, 3}, W), F({6}, B)}, A);
  ASSERT_EQ(Single.size(), 1u);
  Floats All = values(One[0]), First = values(Single[0]);
  ASSERT_LE(First.size(), All.size());
  EXPECT_TRUE(std::equal(First.begin(), First.end(), All.begin()));
}

TEST(InterpReduce, MeanOverAxesOperandNoKeepdims) {
  auto R =
      runOp("onnx.ReduceMean", {F({2, 3}, {1, 2, 3, 4, 5, 6}), I64({1}, {1})},
            {{"keepdims", int64_t(0)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{2}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{2, 5}));
}

TEST(InterpReduce, LogSumExpAndMaxAllAxes) {
  auto R = runOp("onnx.ReduceLogSumExp", {F({2}, {0, 0})}, {});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{std::log(2.0f)}));
  R = runOp("onnx.ReduceMax", {F({2, 2}, {1, 7, -3, 4})}, {{"axes", Ints{0}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 7}));
}

TEST(InterpResize, NearestAsymmetricUpsample) {
  auto R =
      runOp("onnx.Resize",
            {F({1, 1, 2, 2}, {1, 2, 3, 4}), Tensor(), F({4}, {1, 1, 2, 2})},
            {{"mode", "nearest"},
             {"coordinate_transformation_mode", "asymmetric"},
             {"nearest_mode", "floor"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 1, 4, 4}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4,
                                              4, 3, 3, 4, 4}));
}

TEST(InterpResize, LinearAlignCornersSizes) {
  auto R = runOp("onnx.Resize",
                 {F({1, 2}, {0, 3}), Tensor(), Tensor(), I64({2}, {1, 4})},
                 {{"mode", "linear"},
                  {"coordinate_transformation_mode", "align_corners"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{0, 1, 2, 3}));
}

TEST(InterpResize, LinearHalfPixelClampsAtEdges) {
  // half_pixel x2: x_ori = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25;
  // reads clamp to the edges.
  auto R = runOp("onnx.Resize", {F({1, 2}, {0, 4}), Tensor(), F({2}, {1, 2})},
                 {{"mode", "linear"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{0, 1, 3, 4}));
}

TEST(InterpIndex, ArgMaxSelectLastIndex) {
  auto R = runOp("onnx.ArgMax", {F({2, 3}, {5, 1, 5, 0, 2, 2})},
                 {{"axis", int64_t(1)}, {"select_last_index", int64_t(1)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{2, 1}));
  EXPECT_EQ(ints(R[0]), (Ints{2, 2}));
  R = runOp("onnx.ArgMin", {F({2, 3}, {5, 1, 5, 0, 2, 2})},
            {{"axis", int64_t(1)}, {"keepdims", int64_t(0)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(ints(R[0]), (Ints{1, 0}));
}

TEST(InterpIndex, TopKLargestWithTies) {
  auto R = runOp("onnx.TopK", {F({5}, {3, 9, 3, 1, 9}), I64({1}, {3})}, {}, 2);
  ASSERT_EQ(R.size(), 2u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{9, 9, 3}));
  EXPECT_EQ(ints(R[1]), (Ints{1, 4, 0}));
}

TEST(InterpIndex, GatherAndScatterElements) {
  auto R = runOp("onnx.GatherElements",
                 {F({2, 2}, {1, 2, 3, 4}), I64({2, 2}, {0, 0, 1, -2})},
                 {{"axis", int64_t(1)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 1, 4, 3}));
  R = runOp("onnx.ScatterElements",
            {F({1, 4}, {1, 2, 3, 4}), I64({1, 2}, {1, 1}), F({1, 2}, {10, 20})},
            {{"axis", int64_t(1)}, {"reduction", "add"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 32, 3, 4}));
}

TEST(InterpIndex, CumSumExclusiveReverse) {
  auto R = runOp("onnx.CumSum", {F({3}, {1, 2, 3}), I64({}, {0})},
                 {{"exclusive", int64_t(1)}, {"reverse", int64_t(1)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{5, 3, 0}));
}

TEST(InterpIndex, TriluLowerWithK) {
  auto R = runOp("onnx.Trilu", {F({2, 3}, {1, 2, 3, 4, 5, 6}), I64({}, {1})},
                 {{"upper", int64_t(0)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 2, 0, 4, 5, 6}));
}

TEST(InterpLayerNorm, NormalisesRowsWithScaleAndBias) {
  auto R = runOp(
      "onnx.LayerNormalization",
      {F({2, 3}, {1, 2, 3, 0, 0, 6}), F({3}, {1, 1, 2}), F({3}, {0, 1, 0})},
      {{"epsilon", 0.0f}});
  ASSERT_EQ(R.size(), 1u);
  // Row 0: mean 2, var 2/3; row 1: mean 2, var 8.
  float A = 1 / std::sqrt(2.0f / 3), B = 1 / std::sqrt(8.0f);
  EXPECT_THAT(values(R[0]),
              FloatsNear(Floats{-A, 1, 2 * A, -2 * B, 1 - 2 * B, 8 * B}));
}

TEST(InterpMisc, QuantizeRoundsHalfToEvenAndSaturates) {
  auto R = runOp("onnx.QuantizeLinear",
                 {F({4}, {2.5f, 3.5f, -1.5f, 600}), F({}, {1.0f})}, {});
  ASSERT_EQ(R.size(), 1u);
  auto D = R[0].data<uint8_t>();
  EXPECT_EQ(std::vector<uint8_t>(D.begin(), D.end()),
            (std::vector<uint8_t>{2, 4, 0, 255}));
}

TEST(InterpIndex, ScatterNDWithReduction) {
  auto R = runOp("onnx.ScatterND",
                 {F({4}, {1, 2, 3, 4}), I64({2, 1}, {1, 3}), F({2}, {10, 20})});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 10, 3, 20}));
  R = runOp("onnx.ScatterND",
            {F({4}, {1, 2, 3, 4}), I64({2, 1}, {1, 3}), F({2}, {10, 20})},
            {{"reduction", "mul"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1, 20, 3, 80}));
}

TEST(InterpIndex, DepthToSpaceModesAndSpaceToDepth) {
  Floats X = {0, 1, 2, 3, 4, 5, 6, 7};
  auto R = runOp("onnx.DepthToSpace", {F({1, 8, 1, 1}, X)},
                 {{"blocksize", int64_t(2)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 2, 2, 2}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{0, 2, 4, 6, 1, 3, 5, 7}));
  R = runOp("onnx.DepthToSpace", {F({1, 8, 1, 1}, X)},
            {{"blocksize", int64_t(2)}, {"mode", "CRD"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(X));
  // SpaceToDepth inverts DepthToSpace's DCR layout.
  R = runOp("onnx.SpaceToDepth", {F({1, 2, 2, 2}, {0, 2, 4, 6, 1, 3, 5, 7})},
            {{"blocksize", int64_t(2)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 8, 1, 1}));
  EXPECT_THAT(values(R[0]), FloatsNear(X));
}

TEST(InterpMisc, MatMulIntegerSubtractsZeroPoints) {
  auto U8 = [](Ints S, std::vector<uint8_t> V) {
    return Tensor::fromVector<uint8_t>(S, V);
  };
  auto R = runOp("onnx.MatMulInteger", {U8({1, 2}, {3, 4}), U8({2, 1}, {5, 6}),
                                        U8({}, {1}), U8({}, {2})});
  ASSERT_EQ(R.size(), 1u);
  auto D = R[0].data<int32_t>();
  ASSERT_EQ(D.size(), 1u);
  EXPECT_EQ(D[0], 2 * 3 + 3 * 4);
}

} // namespace
