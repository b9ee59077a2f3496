//===- QuantElementwiseTest.cpp - Elementwise and pooling quant kernels ---===//
//
// Part of onnc-fault. quant.quantize / dequantize / add / requantize /
// avgpool against the formulas of onncf/IR/QuantOps.h, and the onnx.* ops
// that quantized graphs apply to integer tensors unchanged (MaxPool,
// GlobalMaxPool, Reshape, Transpose, Concat, Pad, ...).
//
//===----------------------------------------------------------------------===//
#include "../Interp/InterpTestUtil.h"
#include "QuantRef.h"
#include "onncf/IR/QuantOps.h"

using namespace onncf;
using namespace onncf::test;
using namespace onncf::qref;

namespace {

TEST(QuantQuantize, RoundsHalfAwayAndSaturates) {
  // scale 0.5: x / 0.5 exactly; ties 1.25 / 0.5 = 2.5 -> 3, -2.5 -> -3.
  Floats X{0.0f,   1.25f,  -1.25f,        0.2f,     63.5f,     64.0f,
           -64.0f, -70.0f, std::nanf(""), INFINITY, -INFINITY, 0.74f};
  auto R = runOp(quantop::Quantize, {F({12}, X)}, {{"scale", 0.5f}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(R[0].getElementType(), ElementType::I8);
  EXPECT_EQ(ints(R[0]),
            (I64s{0, 3, -3, 0, 127, 127, -128, -128, 0, 127, -128, 1}));
  ASSERT_TRUE(R[0].getType().getQuant().has_value());
  EXPECT_EQ(R[0].getType().getQuant()->Scales[0], 0.5f);

  R = runOp(quantop::Quantize, {F({4}, {1000.0f, -1000.0f, 0.013f, 7.0f})},
            {{"scale", 0.01f}, {"bits", int64_t(16)}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(R[0].getElementType(), ElementType::I16);
  for (int I = 0; I < 4; ++I)
    EXPECT_EQ(
        R[0].getAsInt(I),
        fixp::quantize(values(F({4}, {1000.0f, -1000.0f, 0.013f, 7.0f}))[I],
                       double(0.01f), 16));
  EXPECT_EQ(R[0].getAsInt(0), 32767);
  EXPECT_EQ(R[0].getAsInt(1), -32768);
}

TEST(QuantDequantize, MultipliesByScale) {
  for (ElementType T : {ElementType::I8, ElementType::I16, ElementType::I32}) {
    auto R = runOp(quantop::Dequantize, {makeInt(T, {4}, {-128, 0, 5, 127})},
                   {{"scale", 0.1f}});
    ASSERT_EQ(R.size(), 1u);
    EXPECT_EQ(values(R[0]), (Floats{-128 * 0.1f, 0.0f, 5 * 0.1f, 127 * 0.1f}));
  }
}

void addEpilogue(AttributeMap &A, const Epi &E) {
  A["mul"] = std::vector<int64_t>(E.Mul);
  A["shift"] = E.Shift;
  if (E.Relu)
    A["relu"] = int64_t(1);
  if (E.ClampMin)
    A["clamp_min"] = *E.ClampMin;
  if (E.ClampMax)
    A["clamp_max"] = *E.ClampMax;
  if (E.OutBits != 8)
    A["out_bits"] = int64_t(E.OutBits);
}

TEST(QuantRequantize, MatchesEpilogue) {
  std::mt19937 Rng(3);
  for (ElementType T : {ElementType::I8, ElementType::I16, ElementType::I32}) {
    int64_t Max = T == ElementType::I8    ? 127
                  : T == ElementType::I16 ? 32767
                                          : INT32_MAX;
    I64s X = randomInts(200, -Max - 1, Max, Rng);
    for (unsigned OutBits : {8u, 16u}) {
      Epi E;
      E.Mul = {int64_t(8192 + Rng() % 24576)};
      // Around the shift that maps the input range onto the output's, so
      // both rounding and saturation happen.
      E.Shift = typicalShift(9, Max, 1, OutBits) + int64_t(Rng() % 5) - 2;
      E.Relu = Rng() % 2;
      E.OutBits = OutBits;
      if (Rng() % 2) {
        E.ClampMin = -1000;
        E.ClampMax = 20;
      }
      AttributeMap A;
      addEpilogue(A, E);
      auto R = runOp(quantop::Requantize, {makeInt(T, {10, 20}, X)}, A);
      ASSERT_EQ(R.size(), 1u);
      I64s Want(X.size());
      for (size_t I = 0; I < X.size(); ++I)
        Want[I] = epilogue(X[I], E, 0);
      EXPECT_GE(interestingShare(Want, OutBits), 0.15);
      EXPECT_EQ(ints(R[0]), Want);
    }
  }
}

TEST(QuantAdd, MatchesFormula) {
  std::mt19937 Rng(4);
  // The second shape spans several of the kernel's 1024-element blocks.
  for (I64s Shape : {I64s{2, 3, 4, 5}, I64s{2, 3, 25, 30}})
    for (ElementType TA : {ElementType::I8, ElementType::I16})
      for (ElementType TB : {ElementType::I8, ElementType::I16}) {
        int64_t MA = TA == ElementType::I8 ? 127 : 32767;
        int64_t MB = TB == ElementType::I8 ? 127 : 32767;
        I64s A = randomInts(Shape[0] * Shape[1] * Shape[2] * Shape[3], -MA - 1,
                            MA, Rng);
        I64s B = randomInts(A.size(), -MB - 1, MB, Rng);
        // B rescaled to about A's range, then the sum to the output's.
        int64_t MulB = 8192 + Rng() % 24576;
        int64_t ShiftB = std::max<int64_t>(
            0, int64_t(std::lround(std::log2(double(MB) * MulB / double(MA)))));
        Epi E;
        E.Mul = {int64_t(8192 + Rng() % 24576)};
        E.Shift = std::max<int64_t>(
            0, int64_t(std::lround(std::log2(double(MA) * 2 * 16384))) -
                   (TA == ElementType::I8 ? 7 : 15));
        E.Relu = Rng() % 2;
        E.OutBits = TA == ElementType::I8 ? 8 : 16;
        AttributeMap At;
        addEpilogue(At, E);
        At["mul_b"] = MulB;
        At["shift_b"] = ShiftB;
        auto R =
            runOp(quantop::Add, {makeInt(TA, Shape, A), makeInt(TB, Shape, B)},
                  At, 1, 2);
        ASSERT_EQ(R.size(), 1u);
        I64s Want(A.size());
        for (size_t I = 0; I < A.size(); ++I) {
          int64_t BS = fixp::sdpTruncate(fixp::sdpMul(B[I], int16_t(MulB)),
                                         unsigned(ShiftB));
          Want[I] = epilogue(A[I] + BS, E, 0);
        }
        EXPECT_GE(interestingShare(Want, E.OutBits), E.Relu ? 0.2 : 0.4);
        EXPECT_EQ(ints(R[0]), Want);
      }
}

TEST(QuantAvgPool, MatchesPdpAverage) {
  std::mt19937 Rng(5);
  struct Case {
    I64s XS;
    int64_t KH, KW, SH, SW, PT, PL, PB, PR;
  } Cases[] = {{{2, 3, 6, 6}, 2, 2, 2, 2, 0, 0, 0, 0},
               {{1, 4, 7, 5}, 3, 3, 1, 2, 1, 1, 1, 0},
               {{1, 2, 7, 7}, 7, 7, 1, 1, 0, 0, 0, 0}, // global
               {{1, 1, 5, 9}, 3, 5, 2, 1, 0, 2, 1, 2}};
  for (const Case &C : Cases)
    for (ElementType T : {ElementType::I8, ElementType::I16}) {
      unsigned Bits = T == ElementType::I8 ? 8 : 16;
      int64_t N = 1;
      for (int64_t D : C.XS)
        N *= D;
      I64s X = randomInts(N, fixp::intMin(Bits), fixp::intMax(Bits), Rng);
      I64s YS;
      I64s Want = avgPool(X, C.XS, C.KH, C.KW, C.SH, C.SW, C.PT, C.PL, C.PB,
                          C.PR, Bits, YS);
      Tensor XT = makeInt(T, C.XS, X);
      TensorType Ty = XT.getType();
      QuantParams Q;
      Q.Scales = {0.25f};
      Q.Bits = Bits;
      Ty.setQuant(Q);
      XT.setType(Ty);
      auto R = runOp(quantop::AvgPool, {XT},
                     {{"kernel_shape", I64s{C.KH, C.KW}},
                      {"strides", I64s{C.SH, C.SW}},
                      {"pads", I64s{C.PT, C.PL, C.PB, C.PR}}});
      ASSERT_EQ(R.size(), 1u);
      EXPECT_EQ(shapeOf(R[0]), YS);
      EXPECT_EQ(ints(R[0]), Want);
      // The result keeps X's scale.
      ASSERT_TRUE(R[0].getType().getQuant().has_value());
      EXPECT_EQ(*R[0].getType().getQuant(), Q);
    }
  // All 127 in a 3x3 window: 1143 * 21845 / 2^16 rounds to 381, then
  // 381 * 21845 / 2^16 -> 127; the two roundings are the hardware's.
  auto R = runOp(quantop::AvgPool,
                 {makeInt(ElementType::I8, {1, 1, 3, 3}, I64s(9, 127))},
                 {{"kernel_shape", I64s{3, 3}}});
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(R[0].getAsInt(0), fixp::pdpAverage(1143, fixp::pdpReciprocal(3),
                                               fixp::pdpReciprocal(3)));
}

//===----------------------------------------------------------------------===//
// Value-preserving onnx.* ops on integer tensors
//===----------------------------------------------------------------------===//

Tensor quantized(ElementType T, const I64s &Shape, const I64s &V, float Scale) {
  Tensor X = makeInt(T, Shape, V);
  TensorType Ty = X.getType();
  QuantParams Q;
  Q.Scales = {Scale};
  Q.Bits = T == ElementType::I8 ? 8 : 16;
  Ty.setQuant(Q);
  X.setType(Ty);
  return X;
}

TEST(QuantIntegerOnnxOps, MaxPoolPaddingNeverWins) {
  for (ElementType T : {ElementType::I8, ElementType::I16}) {
    // All negative: a padded zero must not become the max.
    I64s X{-5, -7, -9, -3, -128, -100, -1, -2, -60};
    if (T == ElementType::I16)
      X[4] = -32768;
    auto R = runOp("onnx.MaxPool", {quantized(T, {1, 1, 3, 3}, X, 0.5f)},
                   {{"kernel_shape", I64s{2, 2}},
                    {"pads", I64s{1, 1, 1, 1}},
                    {"strides", I64s{2, 2}}});
    ASSERT_EQ(R.size(), 1u);
    EXPECT_EQ(R[0].getElementType(), T);
    EXPECT_EQ(ints(R[0]), (I64s{-5, -7, -1, -2}));
    ASSERT_TRUE(R[0].getType().getQuant().has_value());
    EXPECT_EQ(R[0].getType().getQuant()->Scales[0], 0.5f);

    // The 2x2/2 fast path and the Indices result.
    R = runOp("onnx.MaxPool",
              {quantized(T, {1, 1, 2, 4}, {1, -2, 3, 4, -5, 6, -7, 8}, 0.5f)},
              {{"kernel_shape", I64s{2, 2}}, {"strides", I64s{2, 2}}}, 2);
    ASSERT_EQ(R.size(), 2u);
    EXPECT_EQ(ints(R[0]), (I64s{6, 8}));
    EXPECT_EQ(ints(R[1]), (I64s{5, 7}));

    R = runOp("onnx.GlobalMaxPool",
              {quantized(T, {1, 2, 2, 2}, {-9, -3, -4, -8, 1, 2, 7, 0}, 0.5f)});
    ASSERT_EQ(R.size(), 1u);
    EXPECT_EQ(ints(R[0]), (I64s{-3, 7}));
    EXPECT_EQ(R[0].getElementType(), T);
    EXPECT_TRUE(R[0].getType().getQuant().has_value());
  }
}

TEST(QuantIntegerOnnxOps, DataMovementKeepsValuesAndScale) {
  for (ElementType T : {ElementType::I8, ElementType::I16}) {
    I64s V{1, -2, 3, -4, 5, -6};
    Tensor X = quantized(T, {1, 2, 3}, V, 0.125f);
    auto Check = [&](std::vector<Tensor> R, I64s Shape, I64s Want) {
      ASSERT_EQ(R.size(), 1u);
      EXPECT_EQ(R[0].getElementType(), T);
      EXPECT_EQ(shapeOf(R[0]), Shape);
      EXPECT_EQ(ints(R[0]), Want);
      ASSERT_TRUE(R[0].getType().getQuant().has_value());
      EXPECT_EQ(*R[0].getType().getQuant(), *X.getType().getQuant());
    };
    Check(runOp("onnx.Reshape", {X, I64({2}, {3, 2})}), {3, 2}, V);
    Check(runOp("onnx.Flatten", {X}, {{"axis", int64_t(1)}}), {1, 6}, V);
    Check(runOp("onnx.Transpose", {X}, {{"perm", I64s{0, 2, 1}}}), {1, 3, 2},
          {1, -4, -2, 5, 3, -6});
    Check(runOp("onnx.Identity", {X}), {1, 2, 3}, V);
    Check(runOp("onnx.Dropout", {X}), {1, 2, 3}, V);
    Check(runOp("onnx.Squeeze", {X, I64({1}, {0})}), {2, 3}, V);
    Check(runOp("onnx.Unsqueeze", {X, I64({1}, {3})}), {1, 2, 3, 1}, V);
    Check(runOp("onnx.Concat", {X, X}, {{"axis", int64_t(1)}}, 1, 2), {1, 4, 3},
          {1, -2, 3, -4, 5, -6, 1, -2, 3, -4, 5, -6});
    Check(runOp("onnx.Slice", {X, I64({1}, {1}), I64({1}, {3}), I64({1}, {2})}),
          {1, 2, 2}, {-2, 3, 5, -6});
    Check(runOp("onnx.Pad", {X, I64({6}, {0, 0, 1, 0, 0, 0})}), {1, 2, 4},
          {0, 1, -2, 3, 0, -4, 5, -6});
    auto S = runOp("onnx.Split", {X}, {{"axis", int64_t(2)}}, 3);
    ASSERT_EQ(S.size(), 3u);
    EXPECT_EQ(ints(S[2]), (I64s{3, -6}));
    EXPECT_EQ(S[2].getElementType(), T);
    EXPECT_TRUE(S[2].getType().getQuant().has_value());
  }
}

} // namespace
