//===- ConvPoolTest.cpp - Conv and pooling kernels ------------------------===//
//
// Part of onnc-fault. Hand-computed cases plus a naive direct convolution
// as the reference for groups, dilations, strides and asymmetric pads.
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"
#include <random>

using namespace onncf;
using namespace onncf::test;
using ::testing::ElementsAre;

namespace {

Floats iota(int64_t N, float Start = 1.0f) {
  Floats V(N);
  for (int64_t I = 0; I < N; ++I)
    V[I] = Start + I;
  return V;
}

Floats randoms(int64_t N, unsigned Seed) {
  std::mt19937 Rng(Seed);
  std::uniform_real_distribution<float> D(-1.0f, 1.0f);
  Floats V(N);
  for (float &X : V)
    X = D(Rng);
  return V;
}

TEST(InterpConv, Ones3x3WithPadding) {
  // 4x4 input 1..16, 3x3 kernel of ones, pads 1: each output is the sum of
  // its 3x3 neighbourhood.
  auto R = runOp("onnx.Conv",
                 {F({1, 1, 4, 4}, iota(16)), F({1, 1, 3, 3}, Floats(9, 1.0f))},
                 {{"pads", Ints{1, 1, 1, 1}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 1, 4, 4}));
  EXPECT_THAT(values(R[0]),
              FloatsNear(Floats{14, 24, 30, 22, 33, 54, 63, 45, 57, 90, 99, 69,
                                46, 72, 78, 54}));
}

TEST(InterpConv, StrideBiasAndTwoOutputChannels) {
  // 1x1x3x3 input, 2x2 kernels, stride 1: channel 0 sums, channel 1 takes
  // the top-left tap; bias 10 / -1.
  auto R = runOp("onnx.Conv",
                 {F({1, 1, 3, 3}, iota(9)),
                  F({2, 1, 2, 2}, {1, 1, 1, 1, 1, 0, 0, 0}),
                  F({2}, {10, -1})},
                 {});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]),
              FloatsNear(Floats{22, 26, 34, 38, 0, 1, 3, 4}));
}

/// Direct convolution, the definition.
Floats naiveConv(const Floats &X, Ints XS, const Floats &W, Ints WS,
                 const Floats *B, int64_t Group, Ints Strides, Ints Dil,
                 Ints Pads, Ints &YS) {
  int64_t N = XS[0], C = XS[1], H = XS[2], Wd = XS[3];
  int64_t M = WS[0], KH = WS[2], KW = WS[3];
  int64_t OH = (H + Pads[0] + Pads[2] - ((KH - 1) * Dil[0] + 1)) / Strides[0] + 1;
  int64_t OW = (Wd + Pads[1] + Pads[3] - ((KW - 1) * Dil[1] + 1)) / Strides[1] + 1;
  YS = {N, M, OH, OW};
  Floats Y(N * M * OH * OW);
  int64_t Cg = C / Group, Mg = M / Group;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double S = B ? (*B)[m] : 0;
          int64_t g = m / Mg;
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * Strides[0] - Pads[0] + kh * Dil[0];
                int64_t iw = ow * Strides[1] - Pads[1] + kw * Dil[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= Wd)
                  continue;
                S += X[((n * C + g * Cg + c) * H + ih) * Wd + iw] *
                     W[((m * Cg + c) * KH + kh) * KW + kw];
              }
          Y[((n * M + m) * OH + oh) * OW + ow] = S;
        }
  return Y;
}

struct ConvCase {
  Ints XS, WS;
  int64_t Group;
  Ints Strides, Dil, Pads;
};

TEST(InterpConv, MatchesNaiveReference) {
  std::vector<ConvCase> Cases = {
      {{2, 4, 7, 6}, {6, 2, 3, 3}, 2, {1, 1}, {2, 1}, {1, 2, 0, 1}},
      {{1, 3, 9, 9}, {5, 3, 3, 2}, 1, {2, 3}, {1, 1}, {0, 0, 2, 1}},
      {{3, 6, 8, 8}, {6, 1, 3, 3}, 6, {1, 1}, {1, 1}, {1, 1, 1, 1}}, // dw
      {{2, 6, 5, 5}, {12, 1, 3, 3}, 6, {2, 2}, {2, 2}, {2, 2, 2, 2}},
      {{1, 8, 4, 4}, {16, 8, 1, 1}, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}}, // 1x1
      {{1, 20, 10, 10}, {300, 20, 3, 3}, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}},
  };
  unsigned Seed = 1;
  for (const ConvCase &C : Cases) {
    int64_t XN = C.XS[0] * C.XS[1] * C.XS[2] * C.XS[3];
    int64_t WN = C.WS[0] * C.WS[1] * C.WS[2] * C.WS[3];
    Floats X = randoms(XN, Seed++), W = randoms(WN, Seed++),
           B = randoms(C.WS[0], Seed++);
    Ints YS;
    Floats Want = naiveConv(X, C.XS, W, C.WS, &B, C.Group, C.Strides, C.Dil,
                            C.Pads, YS);
    auto R = runOp("onnx.Conv", {F(C.XS, X), F(C.WS, W), F({C.WS[0]}, B)},
                   {{"group", C.Group},
                    {"strides", C.Strides},
                    {"dilations", C.Dil},
                    {"pads", C.Pads}});
    ASSERT_EQ(R.size(), 1u);
    EXPECT_EQ(shapeOf(R[0]), YS);
    EXPECT_THAT(values(R[0]), FloatsNear(Want)) << "case W" << C.WS[0];
  }
}

TEST(InterpConv, AutoPadSameUpperAnd1D) {
  // SAME_UPPER with stride 2 on width 5: output 3, total pad 2 -> 1/1.
  auto R = runOp("onnx.Conv",
                 {F({1, 1, 1, 5}, iota(5)), F({1, 1, 1, 3}, {1, 1, 1})},
                 {{"auto_pad", "SAME_UPPER"}, {"strides", Ints{1, 2}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{3, 9, 9}));
  // The same as a 1-D convolution.
  auto R1 = runOp("onnx.Conv",
                  {F({1, 1, 5}, iota(5)), F({1, 1, 3}, {1, 1, 1})},
                  {{"auto_pad", "SAME_UPPER"}, {"strides", Ints{2}}});
  ASSERT_EQ(R1.size(), 1u);
  EXPECT_EQ(shapeOf(R1[0]), (Ints{1, 1, 3}));
  EXPECT_THAT(values(R1[0]), FloatsNear(Floats{3, 9, 9}));
}

TEST(InterpPool, MaxPoolCeilModeAndIndices) {
  // 4x4 input 1..16, 3x3 windows, stride 2, ceil_mode: 2x2 output, the
  // right/bottom windows are clipped to the input.
  auto R = runOp("onnx.MaxPool", {F({1, 1, 4, 4}, iota(16))},
                 {{"kernel_shape", Ints{3, 3}},
                  {"strides", Ints{2, 2}},
                  {"ceil_mode", int64_t(1)}},
                 2);
  ASSERT_EQ(R.size(), 2u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{1, 1, 2, 2}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{11, 12, 15, 16}));
  EXPECT_THAT(R[1].data<int64_t>(), ElementsAre(10, 11, 14, 15));
  // Without ceil_mode only one window fits.
  auto R2 = runOp("onnx.MaxPool", {F({1, 1, 4, 4}, iota(16))},
                  {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}});
  ASSERT_EQ(R2.size(), 1u);
  EXPECT_THAT(values(R2[0]), FloatsNear(Floats{11}));
}

TEST(InterpPool, MaxPoolPaddingNeverWins) {
  // All-negative input: padding must not contribute zeros.
  auto R = runOp("onnx.MaxPool", {F({1, 1, 2, 2}, {-4, -3, -2, -1})},
                 {{"kernel_shape", Ints{2, 2}}, {"pads", Ints{1, 1, 1, 1}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]),
              FloatsNear(Floats{-4, -3, -3, -2, -1, -1, -2, -1, -1}));
}

TEST(InterpPool, AveragePoolCountIncludePad) {
  // 3x3 input 1..9, 2x2 windows, pads 1 on top/left only, stride 2.
  AttributeMap A{{"kernel_shape", Ints{2, 2}},
                 {"strides", Ints{2, 2}},
                 {"pads", Ints{1, 1, 0, 0}}};
  auto Excl = runOp("onnx.AveragePool", {F({1, 1, 3, 3}, iota(9))}, A);
  ASSERT_EQ(Excl.size(), 1u);
  // Windows: {1} {2,3} {4,7} {5,6,8,9}.
  EXPECT_THAT(values(Excl[0]), FloatsNear(Floats{1, 2.5f, 5.5f, 7}));
  A["count_include_pad"] = int64_t(1);
  auto Incl = runOp("onnx.AveragePool", {F({1, 1, 3, 3}, iota(9))}, A);
  ASSERT_EQ(Incl.size(), 1u);
  EXPECT_THAT(values(Incl[0]), FloatsNear(Floats{0.25f, 1.25f, 2.75f, 7}));
}

TEST(InterpPool, AveragePoolCeilModeDividesByValidTaps) {
  // 1-D: [1..5], kernel 2, stride 2, ceil_mode -> 3 outputs, the last
  // window holds one element (no explicit padding to count).
  AttributeMap A{{"kernel_shape", Ints{2}},
                 {"strides", Ints{2}},
                 {"ceil_mode", int64_t(1)},
                 {"count_include_pad", int64_t(1)}};
  auto R = runOp("onnx.AveragePool", {F({1, 1, 5}, iota(5))}, A);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{1.5f, 3.5f, 5}));
}

TEST(InterpPool, GlobalPools) {
  auto A = runOp("onnx.GlobalAveragePool", {F({1, 2, 2, 2}, iota(8))});
  ASSERT_EQ(A.size(), 1u);
  EXPECT_EQ(shapeOf(A[0]), (Ints{1, 2, 1, 1}));
  EXPECT_THAT(values(A[0]), FloatsNear(Floats{2.5f, 6.5f}));
  auto M = runOp("onnx.GlobalMaxPool", {F({1, 2, 2, 2}, iota(8))});
  ASSERT_EQ(M.size(), 1u);
  EXPECT_THAT(values(M[0]), FloatsNear(Floats{4, 8}));
}

} // namespace
