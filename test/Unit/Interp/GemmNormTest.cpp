//===- GemmNormTest.cpp - Gemm, MatMul, normalisation and Softmax ---------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"

using namespace onncf;
using namespace onncf::test;

namespace {

TEST(InterpGemm, TransposesAlphaBetaAndBiasBroadcast) {
  // A^T with A = [[1,3],[2,4]] (so op(A) = [[1,2],[3,4]]), B^T = I.
  auto R = runOp("onnx.Gemm",
                 {F({2, 2}, {1, 3, 2, 4}), F({2, 2}, {1, 0, 0, 1}),
                  F({2}, {10, 20})},
                 {{"transA", int64_t(1)},
                  {"transB", int64_t(1)},
                  {"alpha", 2.0f},
                  {"beta", 0.5f}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{7, 14, 11, 18}));
  // C of shape [M,1] broadcasts along columns.
  auto C = runOp("onnx.Gemm",
                 {F({2, 3}, {1, 2, 3, 4, 5, 6}),
                  F({3, 1}, {1, 1, 1}), F({2, 1}, {100, 200})});
  ASSERT_EQ(C.size(), 1u);
  EXPECT_THAT(values(C[0]), FloatsNear(Floats{106, 215}));
}

TEST(InterpGemm, MatMulBatchedBroadcastAndVectors) {
  // [2,1,2,3] x [3,3,2] -> [2,3,2,2]; compare with a naive loop.
  Floats A(12), B(18);
  for (int I = 0; I < 12; ++I)
    A[I] = I * 0.5f - 2;
  for (int I = 0; I < 18; ++I)
    B[I] = (I % 5) - 1.5f;
  auto R = runOp("onnx.MatMul", {F({2, 1, 2, 3}, A), F({3, 3, 2}, B)}, {}, 1,
                 2);
  ASSERT_EQ(R.size(), 1u);
  ASSERT_EQ(shapeOf(R[0]), (Ints{2, 3, 2, 2}));
  Floats Want;
  for (int b0 = 0; b0 < 2; ++b0)
    for (int b1 = 0; b1 < 3; ++b1)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j) {
          float S = 0;
          for (int k = 0; k < 3; ++k)
            S += A[b0 * 6 + i * 3 + k] * B[b1 * 6 + k * 2 + j];
          Want.push_back(S);
        }
  EXPECT_THAT(values(R[0]), FloatsNear(Want));
  // Vector x matrix and matrix x vector.
  auto V = runOp("onnx.MatMul", {F({2}, {1, 2}), F({2, 2}, {1, 2, 3, 4})}, {},
                 1, 2);
  ASSERT_EQ(V.size(), 1u);
  EXPECT_EQ(shapeOf(V[0]), (Ints{2}));
  EXPECT_THAT(values(V[0]), FloatsNear(Floats{7, 10}));
  auto MV = runOp("onnx.MatMul", {F({2, 2}, {1, 2, 3, 4}), F({2}, {1, 2})}, {},
                  1, 2);
  ASSERT_EQ(MV.size(), 1u);
  EXPECT_THAT(values(MV[0]), FloatsNear(Floats{5, 11}));
}

TEST(InterpNorm, BatchNormalization) {
  // Channel 0: (x - 1) / sqrt(4) * 2 + 3; channel 1: identity-ish.
  auto R = runOp("onnx.BatchNormalization",
                 {F({1, 2, 1, 2}, {1, 5, 2, 4}), F({2}, {2, 1}), F({2}, {3, 0}),
                  F({2}, {1, 0}), F({2}, {4, 1})},
                 {{"epsilon", 0.0f}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{3, 7, 2, 4}));
}

TEST(InterpNorm, LRNAcrossChannels) {
  // size 3 over 3 channels of one pixel: x / (bias + alpha/size * sumsq)^beta
  Floats X = {1, 2, 3};
  auto R = runOp("onnx.LRN", {F({1, 3, 1, 1}, X)},
                 {{"size", int64_t(3)},
                  {"alpha", 0.3f},
                  {"beta", 0.5f},
                  {"bias", 1.0f}});
  ASSERT_EQ(R.size(), 1u);
  Floats Want = {1 / std::sqrt(1 + 0.1f * 5), 2 / std::sqrt(1 + 0.1f * 14),
                 3 / std::sqrt(1 + 0.1f * 13)};
  EXPECT_THAT(values(R[0]), FloatsNear(Want));
}

TEST(InterpSoftmax, LastAxisAndLegacy2D) {
  auto R = runOp("onnx.Softmax", {F({2, 2}, {0, 0, 1000, 1000 + std::log(3.0f)})});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{0.5f, 0.5f, 0.25f, 0.75f}));
  // axis 0 normalises columns.
  auto C = runOp("onnx.Softmax", {F({2, 2}, {0, 1, 0, 1})},
                 {{"axis", int64_t(0)}});
  ASSERT_EQ(C.size(), 1u);
  EXPECT_THAT(values(C[0]), FloatsNear(Floats{0.5f, 0.5f, 0.5f, 0.5f}));
  // legacy_2d with axis 1 on [1,2,2] normalises all four together.
  auto L = runOp("onnx.Softmax", {F({1, 2, 2}, {0, 0, 0, 0})},
                 {{"axis", int64_t(1)}, {"legacy_2d", int64_t(1)}});
  ASSERT_EQ(L.size(), 1u);
  EXPECT_THAT(values(L[0]), FloatsNear(Floats{0.25f, 0.25f, 0.25f, 0.25f}));
  auto LS = runOp("onnx.LogSoftmax", {F({2}, {0, 0})});
  ASSERT_EQ(LS.size(), 1u);
  EXPECT_THAT(values(LS[0]), FloatsNear(Floats{-std::log(2.0f), -std::log(2.0f)}));
}

} // namespace
