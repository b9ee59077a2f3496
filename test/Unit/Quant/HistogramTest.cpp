//===- HistogramTest.cpp - Activation histogram tests ---------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/Histogram.h"
#include "QuantTestUtil.h"
#include "gtest/gtest.h"
#include <cmath>
#include <limits>
#include <random>

using namespace onncf;
using namespace llvm;

namespace {

std::vector<float> randomData(size_t N, unsigned Seed) {
  std::mt19937 Rng(Seed);
  std::normal_distribution<float> Normal(0.0f, 2.0f);
  std::vector<float> V(N);
  for (float &X : V)
    X = Normal(Rng);
  V[N / 3] = 40.0f; // an outlier
  return V;
}

TEST(Histogram, AbsMax) {
  float M = 0;
  std::vector<float> A = {1.0f, -3.5f, 2.0f};
  ASSERT_THAT_ERROR(updateAbsMax(M, A), Succeeded());
  EXPECT_EQ(M, 3.5f);
  std::vector<float> B = {0.5f};
  ASSERT_THAT_ERROR(updateAbsMax(M, B), Succeeded());
  EXPECT_EQ(M, 3.5f);
  std::vector<float> C = {1.0f, 2.0f, std::nanf("")};
  EXPECT_THAT_ERROR(updateAbsMax(M, C), FailedWithMessage("NaN at element 2"));
  std::vector<float> D = {-std::numeric_limits<float>::infinity()};
  EXPECT_THAT_ERROR(updateAbsMax(M, D),
                    FailedWithMessage("infinite value at element 0"));
  EXPECT_EQ(M, 3.5f) << "a failed update leaves the maximum alone";
}

TEST(Histogram, Binning) {
  Histogram H(2048.0f);
  EXPECT_EQ(H.getNumBins(), 2048u);
  EXPECT_EQ(H.getBinWidth(), 1.0);
  EXPECT_EQ(H.binIndex(0.0f), 0u);
  EXPECT_EQ(H.binIndex(0.99f), 0u);
  EXPECT_EQ(H.binIndex(1.0f), 1u);
  EXPECT_EQ(H.binIndex(-3.5f), 3u);
  EXPECT_EQ(H.binIndex(2047.5f), 2047u);
  EXPECT_EQ(H.binIndex(2048.0f), 2047u);
  EXPECT_EQ(H.binIndex(1e9f), 2047u);
  std::vector<float> V = {0.5f, -0.5f, 3.0f, 5000.0f};
  ASSERT_THAT_ERROR(H.add(V), Succeeded());
  EXPECT_EQ(H.getCounts()[0], 2u);
  EXPECT_EQ(H.getCounts()[3], 1u);
  EXPECT_EQ(H.getCounts()[2047], 1u);
  EXPECT_EQ(H.getTotalCount(), 4u);
  EXPECT_EQ(H.getOverflowCount(), 1u);
  std::vector<float> Bad = {1.0f, std::nanf("")};
  EXPECT_THAT_ERROR(H.add(Bad), FailedWithMessage("NaN at element 1"));
  EXPECT_EQ(H.getTotalCount(), 4u) << "nothing of a failed add is counted";
}

TEST(Histogram, ZeroRange) {
  Histogram H(0.0f, 16);
  std::vector<float> V = {0.0f, -0.0f, 0.0f};
  ASSERT_THAT_ERROR(H.add(V), Succeeded());
  EXPECT_EQ(H.getCounts()[0], 3u);
  EXPECT_EQ(H.getBinWidth(), 0.0);
}

/// The two-pass design: the same data gives the same histogram however it
/// is split into batches and in whatever order partial results merge.
TEST(Histogram, BatchAndThreadIndependent) {
  std::vector<float> Data = randomData(100003, 1);
  ArrayRef<float> All(Data);

  float MaxOne = 0;
  ASSERT_THAT_ERROR(updateAbsMax(MaxOne, All), Succeeded());
  Histogram One(MaxOne);
  ASSERT_THAT_ERROR(One.add(All), Succeeded());
  EXPECT_EQ(One.getTotalCount(), Data.size());
  EXPECT_EQ(One.getOverflowCount(), 0u);

  for (size_t Batch : {1u, 7u, 64u, 1000u, 33333u}) {
    float Max = 0;
    for (size_t I = 0; I < Data.size(); I += Batch)
      ASSERT_THAT_ERROR(
          updateAbsMax(Max, All.slice(I, std::min(Batch, Data.size() - I))),
          Succeeded());
    ASSERT_EQ(Max, MaxOne);
    // Batches in one histogram.
    Histogram Seq(Max);
    for (size_t I = 0; I < Data.size(); I += Batch)
      ASSERT_THAT_ERROR(Seq.add(All.slice(I, std::min(Batch, Data.size() - I))),
                        Succeeded());
    EXPECT_TRUE(Seq == One) << "batch " << Batch;
    // One partial histogram per batch (as threads would), merged backwards.
    std::vector<Histogram> Parts;
    for (size_t I = 0; I < Data.size(); I += Batch * 97) {
      Parts.emplace_back(Max);
      ASSERT_THAT_ERROR(
          Parts.back().add(All.slice(I, std::min(Batch * 97, Data.size() - I))),
          Succeeded());
    }
    Histogram Merged(Max);
    for (size_t P = Parts.size(); P-- > 0;)
      ASSERT_THAT_ERROR(Merged.merge(Parts[P]), Succeeded());
    EXPECT_TRUE(Merged == One) << "batch " << Batch;
  }
}

TEST(Histogram, MergeMismatch) {
  Histogram A(1.0f), B(2.0f), C(1.0f, 16);
  EXPECT_THAT_ERROR(A.merge(B), Failed());
  EXPECT_THAT_ERROR(A.merge(C), Failed());
}

} // namespace
