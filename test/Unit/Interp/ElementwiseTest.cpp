//===- ElementwiseTest.cpp - Element-wise kernels -------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"
#include <limits>

using namespace onncf;
using namespace onncf::test;
using ::testing::ElementsAre;

namespace {

TEST(InterpElementwise, AddBroadcastsRowAndColumn) {
  auto R = runOp("onnx.Add", {F({2, 1}, {10, 20}), F({3}, {1, 2, 3})}, {}, 1,
                 2);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{2, 3}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{11, 12, 13, 21, 22, 23}));
}

TEST(InterpElementwise, MulBroadcastsChannelsOverNCHW) {
  // [1,2,2,2] * [2,1,1]: per-channel scale.
  auto R = runOp("onnx.Mul",
                 {F({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), F({2, 1, 1}, {2, -1})},
                 {}, 1, 1);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{2, 4, 6, 8, -5, -6, -7, -8}));
}

TEST(InterpElementwise, SubDivScalarsAndMiddleAxis) {
  auto S = runOp("onnx.Sub", {F({}, {10}), F({2, 2}, {1, 2, 3, 4})}, {}, 1, 2);
  ASSERT_EQ(S.size(), 1u);
  EXPECT_THAT(values(S[0]), FloatsNear(Floats{9, 8, 7, 6}));
  // [2,1,2] / [1,3,1] -> [2,3,2].
  auto D = runOp("onnx.Div",
                 {F({2, 1, 2}, {6, 12, 18, 24}), F({1, 3, 1}, {1, 2, 3})}, {},
                 1, 2);
  ASSERT_EQ(D.size(), 1u);
  EXPECT_THAT(values(D[0]), FloatsNear(Floats{6, 12, 3, 6, 2, 4, 18, 24, 9, 12,
                                              6, 8}));
}

TEST(InterpElementwise, IntegerArithmetic) {
  auto A = runOp("onnx.Add", {I64({3}, {1, -2, 3}), I64({1}, {10})}, {}, 1, 2);
  ASSERT_EQ(A.size(), 1u);
  EXPECT_THAT(A[0].data<int64_t>(), ElementsAre(11, 8, 13));
  // Integer division truncates towards zero.
  auto D = runOp("onnx.Div",
                 {Tensor::fromVector<int32_t>({2}, {7, -7}),
                  Tensor::fromVector<int32_t>({2}, {2, 2})},
                 {}, 1, 2);
  ASSERT_EQ(D.size(), 1u);
  EXPECT_THAT(D[0].data<int32_t>(), ElementsAre(3, -3));
  auto M = runOp("onnx.Mul",
                 {Tensor::fromVector<double>({2}, {1.5, 2}),
                  Tensor::fromVector<double>({2}, {2, 0.25})},
                 {}, 1, 2);
  ASSERT_EQ(M.size(), 1u);
  EXPECT_THAT(M[0].data<double>(), ElementsAre(3.0, 0.5));
}

TEST(InterpElementwise, VariadicSumMeanMaxMin) {
  std::vector<Tensor> Ops = {F({2}, {1, 2}), F({1}, {10}), F({2}, {100, -100})};
  auto S = runOp("onnx.Sum", Ops, {}, 1, 3);
  ASSERT_EQ(S.size(), 1u);
  EXPECT_THAT(values(S[0]), FloatsNear(Floats{111, -88}));
  auto Mn = runOp("onnx.Mean", Ops, {}, 1, 3);
  ASSERT_EQ(Mn.size(), 1u);
  EXPECT_THAT(values(Mn[0]), FloatsNear(Floats{37, -88.0f / 3}));
  auto Mx = runOp("onnx.Max", Ops, {}, 1, 3);
  ASSERT_EQ(Mx.size(), 1u);
  EXPECT_THAT(values(Mx[0]), FloatsNear(Floats{100, 10}));
  auto Mi = runOp("onnx.Min", Ops, {}, 1, 3);
  ASSERT_EQ(Mi.size(), 1u);
  EXPECT_THAT(values(Mi[0]), FloatsNear(Floats{1, -100}));
  // A single operand is copied.
  auto One = runOp("onnx.Sum", {F({2}, {4, 5})});
  ASSERT_EQ(One.size(), 1u);
  EXPECT_THAT(values(One[0]), FloatsNear(Floats{4, 5}));
}

TEST(InterpElementwise, MaxPropagatesNaN) {
  float NaN = std::numeric_limits<float>::quiet_NaN();
  auto R = runOp("onnx.Max", {F({2}, {NaN, 1}), F({2}, {0, 2})}, {}, 1, 2);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_TRUE(std::isnan(values(R[0])[0]));
  EXPECT_EQ(values(R[0])[1], 2.0f);
}

TEST(InterpElementwise, Activations) {
  Tensor X = F({5}, {-2, -0.5f, 0, 0.5f, 2});
  auto Relu = runOp("onnx.Relu", {X});
  ASSERT_EQ(Relu.size(), 1u);
  EXPECT_THAT(values(Relu[0]), FloatsNear(Floats{0, 0, 0, 0.5f, 2}));
  auto Leaky = runOp("onnx.LeakyRelu", {X}, {{"alpha", 0.1f}});
  ASSERT_EQ(Leaky.size(), 1u);
  EXPECT_THAT(values(Leaky[0]), FloatsNear(Floats{-0.2f, -0.05f, 0, 0.5f, 2}));
  auto Sig = runOp("onnx.Sigmoid", {X});
  ASSERT_EQ(Sig.size(), 1u);
  EXPECT_THAT(values(Sig[0]),
              FloatsNear(Floats{0.11920292f, 0.37754067f, 0.5f, 0.62245933f,
                                0.88079708f}));
  auto Tanh = runOp("onnx.Tanh", {X});
  ASSERT_EQ(Tanh.size(), 1u);
  EXPECT_THAT(values(Tanh[0]), FloatsNear(Floats{-0.96402758f, -0.46211716f, 0,
                                                 0.46211716f, 0.96402758f}));
  auto Elu = runOp("onnx.Elu", {X}, {{"alpha", 2.0f}});
  ASSERT_EQ(Elu.size(), 1u);
  EXPECT_THAT(values(Elu[0]), FloatsNear(Floats{2 * (std::exp(-2.0f) - 1),
                                                2 * (std::exp(-0.5f) - 1), 0,
                                                0.5f, 2}));
  auto HS = runOp("onnx.HardSigmoid", {X});
  ASSERT_EQ(HS.size(), 1u);
  EXPECT_THAT(values(HS[0]), FloatsNear(Floats{0.1f, 0.4f, 0.5f, 0.6f, 0.9f}));
}

TEST(InterpElementwise, ClipWithOperandsAndOmittedBound) {
  Tensor X = F({4}, {-3, -1, 1, 3});
  auto R = runOp("onnx.Clip", {X, F({}, {-2}), F({}, {2})});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{-2, -1, 1, 2}));
  // Only a max: the min operand is absent.
  auto M = runOp("onnx.Clip", {X, Tensor(), F({}, {0})});
  ASSERT_EQ(M.size(), 1u);
  EXPECT_THAT(values(M[0]), FloatsNear(Floats{-3, -1, 0, 0}));
}

TEST(InterpElementwise, ComparisonsGiveBool) {
  auto R = runOp("onnx.Less", {F({3}, {1, 2, 3}), F({1}, {2})}, {}, 1, 2);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(R[0].getElementType(), ElementType::Bool);
  auto B = R[0].bytes();
  EXPECT_EQ(std::vector<char>(B.begin(), B.end()), (std::vector<char>{1, 0, 0}));
}

TEST(InterpElementwise, PReluBroadcastsSlope) {
  auto R = runOp("onnx.PRelu",
                 {F({1, 2, 1, 2}, {-1, 1, -1, 1}), F({2, 1, 1}, {0.5f, 0.25f})});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{-0.5f, 1, -0.25f, 1}));
}

TEST(InterpElementwise, MismatchedBroadcastIsAnError) {
  std::string Err;
  auto R = runOp("onnx.Add", {F({2, 3}, Floats(6)), F({2}, {1, 2})}, {}, 1, 2,
                 &Err);
  EXPECT_TRUE(R.empty());
  EXPECT_NE(Err.find("broadcast"), std::string::npos) << Err;
}

} // namespace
