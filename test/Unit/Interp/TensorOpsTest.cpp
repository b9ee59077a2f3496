//===- TensorOpsTest.cpp - Data-movement and shape kernels ----------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"

using namespace onncf;
using namespace onncf::test;
using ::testing::ElementsAre;

namespace {

Floats iota(int64_t N) {
  Floats V(N);
  for (int64_t I = 0; I < N; ++I)
    V[I] = I;
  return V;
}

TEST(InterpTensor, ReshapeFlattenSqueezeUnsqueeze) {
  auto R = runOp("onnx.Reshape", {F({2, 3}, iota(6)), I64({2}, {3, -1})});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{3, 2}));
  EXPECT_THAT(values(R[0]), FloatsNear(iota(6)));
  auto Fl = runOp("onnx.Flatten", {F({2, 3, 2}, iota(12))},
                  {{"axis", int64_t(2)}});
  ASSERT_EQ(Fl.size(), 1u);
  EXPECT_EQ(shapeOf(Fl[0]), (Ints{6, 2}));
  auto U = runOp("onnx.Unsqueeze", {F({3}, iota(3)), I64({2}, {0, -1})});
  ASSERT_EQ(U.size(), 1u);
  EXPECT_EQ(shapeOf(U[0]), (Ints{1, 3, 1}));
  auto S = runOp("onnx.Squeeze", {F({1, 3, 1}, iota(3))});
  ASSERT_EQ(S.size(), 1u);
  EXPECT_EQ(shapeOf(S[0]), (Ints{3}));
}

TEST(InterpTensor, Transpose) {
  auto R = runOp("onnx.Transpose", {F({2, 3, 2}, iota(12))},
                 {{"perm", Ints{1, 2, 0}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{3, 2, 2}));
  // Y[i,j,k] = X[k,i,j].
  EXPECT_THAT(values(R[0]),
              FloatsNear(Floats{0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11}));
  auto D = runOp("onnx.Transpose", {F({2, 3}, iota(6))});
  ASSERT_EQ(D.size(), 1u);
  EXPECT_THAT(values(D[0]), FloatsNear(Floats{0, 3, 1, 4, 2, 5}));
}

TEST(InterpTensor, ConcatAndSplit) {
  auto C = runOp("onnx.Concat", {F({2, 1}, {0, 1}), F({2, 2}, {2, 3, 4, 5})},
                 {{"axis", int64_t(1)}}, 1, 2);
  ASSERT_EQ(C.size(), 1u);
  EXPECT_EQ(shapeOf(C[0]), (Ints{2, 3}));
  EXPECT_THAT(values(C[0]), FloatsNear(Floats{0, 2, 3, 1, 4, 5}));
  auto Ci = runOp("onnx.Concat", {I64({2}, {1, 2}), I64({1}, {3})},
                  {{"axis", int64_t(0)}}, 1, 2);
  ASSERT_EQ(Ci.size(), 1u);
  EXPECT_THAT(Ci[0].data<int64_t>(), ElementsAre(1, 2, 3));
  auto S = runOp("onnx.Split", {F({2, 3}, iota(6)), I64({2}, {1, 2})},
                 {{"axis", int64_t(1)}}, 2);
  ASSERT_EQ(S.size(), 2u);
  EXPECT_THAT(values(S[0]), FloatsNear(Floats{0, 3}));
  EXPECT_THAT(values(S[1]), FloatsNear(Floats{1, 2, 4, 5}));
}

TEST(InterpTensor, SliceWithNegativeStepAndClamping) {
  // Rows 0..1 (end clamped), columns reversed with step -2.
  auto R = runOp("onnx.Slice",
                 {F({2, 5}, iota(10)), I64({2}, {0, -1}), I64({2}, {100, -100}),
                  I64({2}, {0, 1}), I64({2}, {1, -2})});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{2, 3}));
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{4, 2, 0, 9, 7, 5}));
  auto I = runOp("onnx.Slice", {I64({4}, {5, 6, 7, 8}), I64({1}, {1}),
                                I64({1}, {3})});
  ASSERT_EQ(I.size(), 1u);
  EXPECT_THAT(I[0].data<int64_t>(), ElementsAre(6, 7));
}

TEST(InterpTensor, PadModes) {
  Tensor X = F({1, 3}, {1, 2, 3});
  Tensor Pads = I64({4}, {0, 2, 0, 1});
  auto C = runOp("onnx.Pad", {X, Pads, F({}, {9})});
  ASSERT_EQ(C.size(), 1u);
  EXPECT_THAT(values(C[0]), FloatsNear(Floats{9, 9, 1, 2, 3, 9}));
  auto R = runOp("onnx.Pad", {X, Pads}, {{"mode", "reflect"}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_THAT(values(R[0]), FloatsNear(Floats{3, 2, 1, 2, 3, 2}));
  auto E = runOp("onnx.Pad", {X, Pads}, {{"mode", "edge"}});
  ASSERT_EQ(E.size(), 1u);
  EXPECT_THAT(values(E[0]), FloatsNear(Floats{1, 1, 1, 2, 3, 3}));
  // Negative pads crop.
  auto N = runOp("onnx.Pad", {X, I64({4}, {0, -1, 0, 0})});
  ASSERT_EQ(N.size(), 1u);
  EXPECT_THAT(values(N[0]), FloatsNear(Floats{2, 3}));
}

TEST(InterpTensor, GatherShapeAndCast) {
  auto G = runOp("onnx.Gather", {F({3, 2}, iota(6)), I64({2}, {-1, 0})},
                 {{"axis", int64_t(0)}});
  ASSERT_EQ(G.size(), 1u);
  EXPECT_THAT(values(G[0]), FloatsNear(Floats{4, 5, 0, 1}));
  auto G1 = runOp("onnx.Gather", {F({2, 3}, iota(6)), I64({}, {2})},
                  {{"axis", int64_t(1)}});
  ASSERT_EQ(G1.size(), 1u);
  EXPECT_EQ(shapeOf(G1[0]), (Ints{2}));
  EXPECT_THAT(values(G1[0]), FloatsNear(Floats{2, 5}));
  std::string Err;
  auto Bad = runOp("onnx.Gather", {F({2}, {0, 1}), I64({1}, {2})}, {}, 1, 2,
                   &Err);
  EXPECT_TRUE(Bad.empty());
  EXPECT_NE(Err.find("out of range"), std::string::npos) << Err;

  auto S = runOp("onnx.Shape", {F({2, 3, 4}, Floats(24))});
  ASSERT_EQ(S.size(), 1u);
  EXPECT_THAT(S[0].data<int64_t>(), ElementsAre(2, 3, 4));

  // 7 = INT64, 3 = INT8, 2 = UINT8, 10 = FLOAT16, 9 = BOOL, 1 = FLOAT.
  Tensor X = F({4}, {-1.7f, 0.0f, 2.5f, 300.0f});
  auto ToI = runOp("onnx.Cast", {X}, {{"to", int64_t(7)}});
  ASSERT_EQ(ToI.size(), 1u);
  EXPECT_THAT(ToI[0].data<int64_t>(), ElementsAre(-1, 0, 2, 300));
  auto ToH = runOp("onnx.Cast", {X}, {{"to", int64_t(10)}});
  ASSERT_EQ(ToH.size(), 1u);
  EXPECT_EQ(ToH[0].getElementType(), ElementType::F16);
  auto Back = runOp("onnx.Cast", {ToH[0]}, {{"to", int64_t(1)}});
  ASSERT_EQ(Back.size(), 1u);
  // -1.7 is not representable in half: nearest is -1.7001953125.
  EXPECT_THAT(values(Back[0]), FloatsNear(Floats{-1.7001953f, 0, 2.5f, 300}));
  auto ToB = runOp("onnx.Cast", {X}, {{"to", int64_t(9)}});
  ASSERT_EQ(ToB.size(), 1u);
  auto BB = ToB[0].bytes();
  EXPECT_EQ(std::vector<char>(BB.begin(), BB.end()),
            (std::vector<char>{1, 0, 1, 1}));
  auto FromI = runOp("onnx.Cast", {I64({2}, {-3, 1LL << 40})},
                     {{"to", int64_t(1)}});
  ASSERT_EQ(FromI.size(), 1u);
  EXPECT_THAT(values(FromI[0]), FloatsNear(Floats{-3, 1099511627776.0f}));
}

TEST(InterpTensor, ConstantAndIdentityAndDropout) {
  auto C = runOp("onnx.Constant", {}, {{"value", F({2}, {4, 2})}}, 1, 0);
  ASSERT_EQ(C.size(), 1u);
  EXPECT_THAT(values(C[0]), FloatsNear(Floats{4, 2}));
  auto D = runOp("onnx.Dropout", {F({2}, {1, 2})}, {}, 2);
  ASSERT_EQ(D.size(), 2u);
  EXPECT_THAT(values(D[0]), FloatsNear(Floats{1, 2}));
  EXPECT_EQ(D[1].bytes()[0], 1);
}

} // namespace
