//===- ShapeArithTest.cpp - Public shape helpers of ONNXOps.h -------------===//
//
// Part of onnc-fault. The helpers the interpreter's kernels share with type
// inference, tested directly (values, not only shapes).
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/ONNXOps.h"
#include "gtest/gtest.h"

using namespace onncf;

namespace {

constexpr int64_t D = kDynamicDim;
using S = llvm::SmallVector<int64_t, 4>;

TEST(ShapeArithTest, Broadcast) {
  auto R = broadcastShapes({D, 1, 5}, {3, 1});
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(*R, (S{D, 3, 5}));
  auto R2 = broadcastShapes({D}, {1});
  ASSERT_TRUE(bool(R2));
  EXPECT_EQ(*R2, (S{D}));
  auto Bad = broadcastShapes({2}, {3});
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(llvm::toString(Bad.takeError()),
            "shapes [2] and [3] cannot be broadcast (dim 2 vs 3)");
  EXPECT_TRUE(isUnidirectionalBroadcastable({3, 1, 1}, {2, 3, 4, 4}));
  EXPECT_FALSE(isUnidirectionalBroadcastable({4, 1}, {2, 3, 4}));
  EXPECT_FALSE(isUnidirectionalBroadcastable({2, 3, 4}, {3, 4}));
}

TEST(ShapeArithTest, NormalizeAxis) {
  auto A = normalizeAxis(-1, 4);
  ASSERT_TRUE(bool(A));
  EXPECT_EQ(*A, 3u);
  auto B = normalizeAxis(4, 4);
  ASSERT_FALSE(bool(B));
  EXPECT_EQ(llvm::toString(B.takeError()), "axis 4 is out of range [-4, 3]");
}

TEST(ShapeArithTest, Reshape) {
  auto R = computeReshapeShape({2, 3, 4}, {-1, 0}, false);
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(*R, (S{8, 3}));
  auto Z = computeReshapeShape({D, 4}, {0, 2, -1}, false);
  ASSERT_TRUE(bool(Z));
  EXPECT_EQ(*Z, (S{D, 2, 2}));
  auto E = computeReshapeShape({2, 3}, {0, 0, 0}, false);
  EXPECT_FALSE(bool(E));
  llvm::consumeError(E.takeError());
}

TEST(ShapeArithTest, SliceValues) {
  // x[8:2:-3] on 10 -> indices 8, 5.
  auto R = computeSlice({10}, {8}, {2}, {}, {-3});
  ASSERT_TRUE(bool(R));
  EXPECT_EQ((*R)[0].Start, 8);
  EXPECT_EQ((*R)[0].Step, -3);
  EXPECT_EQ((*R)[0].Count, 2);
  // Reverse everything: start INT64_MAX clamps to 9, end INT64_MIN to -1.
  auto Rev = computeSlice({4, 6}, {INT64_MAX}, {INT64_MIN}, {-1}, {-1});
  ASSERT_TRUE(bool(Rev));
  EXPECT_EQ((*Rev)[1].Start, 5);
  EXPECT_EQ((*Rev)[1].Count, 6);
  EXPECT_EQ((*Rev)[0].Count, 4);
  EXPECT_EQ((*Rev)[0].Step, 1);
  // Extreme steps select one element and do not overflow.
  auto Big = computeSlice({10}, {0}, {INT64_MAX}, {}, {INT64_MAX});
  ASSERT_TRUE(bool(Big));
  EXPECT_EQ((*Big)[0].Count, 1);
  auto BigNeg = computeSlice({10}, {-1}, {INT64_MIN}, {}, {INT64_MIN});
  ASSERT_TRUE(bool(BigNeg));
  EXPECT_EQ((*BigNeg)[0].Start, 9);
  EXPECT_EQ((*BigNeg)[0].Count, 1);
  auto Neg = computeSlice({10}, {-3}, {-1}, {}, {});
  ASSERT_TRUE(bool(Neg));
  EXPECT_EQ((*Neg)[0].Start, 7);
  EXPECT_EQ((*Neg)[0].Count, 2);
}

TEST(ShapeArithTest, SplitSizes) {
  IntListArg None;
  auto Eq = computeSplitSizes(9, 3, None);
  ASSERT_TRUE(bool(Eq));
  EXPECT_EQ(*Eq, (S{3, 3, 3}));
  auto Uneven = computeSplitSizes(10, 4, None);
  ASSERT_TRUE(bool(Uneven));
  EXPECT_EQ(*Uneven, (S{3, 3, 3, 1}));
  auto Bad = computeSplitSizes(5, 4, None);
  EXPECT_FALSE(bool(Bad));
  llvm::consumeError(Bad.takeError());
  IntListArg Given;
  Given.Present = Given.Known = true;
  Given.Values = {1, 4};
  auto G = computeSplitSizes(5, 2, Given);
  ASSERT_TRUE(bool(G));
  EXPECT_EQ(*G, (S{1, 4}));
}

TEST(ShapeArithTest, DataTypes) {
  EXPECT_EQ(elementTypeFromONNX(1), ElementType::F32);
  EXPECT_EQ(elementTypeFromONNX(7), ElementType::I64);
  EXPECT_FALSE(elementTypeFromONNX(8)); // string
  for (int64_t T : {1, 2, 3, 5, 6, 7, 9, 10, 11})
    EXPECT_EQ(onnxDataTypeOf(*elementTypeFromONNX(T)), T);
  EXPECT_EQ(parseAutoPad("SAME_LOWER"), AutoPad::SameLower);
  EXPECT_EQ(parseAutoPad(""), AutoPad::NotSet);
  EXPECT_FALSE(parseAutoPad("same_upper"));
}

} // namespace
