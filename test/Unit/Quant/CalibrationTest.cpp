//===- CalibrationTest.cpp - Threshold and scale tests --------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/Calibration.h"
#include "QuantTestUtil.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>

using namespace onncf;
using namespace llvm;

namespace {

Histogram histogramOf(const std::vector<float> &V, unsigned Bins = 2048) {
  float Max = 0;
  cantFail(updateAbsMax(Max, V));
  Histogram H(Max, Bins);
  cantFail(H.add(V));
  return H;
}

std::vector<float> gaussian(size_t N, unsigned Seed) {
  std::mt19937 Rng(Seed);
  std::normal_distribution<float> Normal(0.0f, 1.0f);
  std::vector<float> V(N);
  for (float &X : V)
    X = Normal(Rng);
  return V;
}

TEST(Calibration, ParseMethod) {
  auto KL = parseCalibrationMethod("kl");
  ASSERT_THAT_EXPECTED(KL, Succeeded());
  EXPECT_EQ(KL->Method, CalibrationMethod::KL);
  auto MM = parseCalibrationMethod("minmax");
  ASSERT_THAT_EXPECTED(MM, Succeeded());
  EXPECT_EQ(MM->Method, CalibrationMethod::MinMax);
  auto P = parseCalibrationMethod("percentile");
  ASSERT_THAT_EXPECTED(P, Succeeded());
  EXPECT_EQ(P->Method, CalibrationMethod::Percentile);
  EXPECT_EQ(P->Percentile, 99.99);
  auto P9 = parseCalibrationMethod("percentile:99.9");
  ASSERT_THAT_EXPECTED(P9, Succeeded());
  EXPECT_EQ(P9->Percentile, 99.9);
  EXPECT_EQ(P9->str(), "percentile:99.9");
  EXPECT_EQ(KL->str(), "kl");
  EXPECT_THAT_EXPECTED(parseCalibrationMethod("percentile:0"), Failed());
  EXPECT_THAT_EXPECTED(parseCalibrationMethod("percentile:101"), Failed());
  EXPECT_THAT_EXPECTED(parseCalibrationMethod("percentile:abc"), Failed());
  EXPECT_THAT_EXPECTED(
      parseCalibrationMethod("mse"),
      FailedWithMessage("unknown calibration method 'mse' (expected kl, "
                        "minmax or percentile[:P])"));
}

TEST(Calibration, MinMaxAndPercentile) {
  // One value in the middle of each bin of width 1.
  std::vector<float> V;
  for (int I = 0; I < 2048; ++I)
    V.push_back(I + 0.5f);
  V.push_back(2048.0f);
  Histogram H = histogramOf(V);
  EXPECT_EQ(H.getBinWidth(), 1.0);
  EXPECT_EQ(minMaxThreshold(H), 2048.0);
  // 50 % of 2049 values = 1024.5: reached in bin 1024, upper edge 1025.
  EXPECT_EQ(percentileThreshold(H, 50), 1025.0);
  EXPECT_EQ(percentileThreshold(H, 10), 205.0);
  EXPECT_EQ(percentileThreshold(H, 100), 2048.0);
  EXPECT_EQ(percentileThreshold(H, 99.99), 2048.0);
  CalibrationMethodSpec Spec;
  Spec.Method = CalibrationMethod::Percentile;
  Spec.Percentile = 50;
  EXPECT_EQ(computeThreshold(H, Spec), 1025.0);
  Spec.Method = CalibrationMethod::MinMax;
  EXPECT_EQ(computeThreshold(H, Spec), 2048.0);
}

TEST(Calibration, PercentileClipsOutliers) {
  std::vector<float> V = gaussian(100000, 2);
  V[5] = 100.0f;
  Histogram H = histogramOf(V);
  double T = percentileThreshold(H, 99.9);
  // The 99.9th percentile of |N(0,1)| is 3.29; bins are 100/2048 wide.
  EXPECT_NEAR(T, 3.29, 0.15);
}

TEST(Calibration, KLHeavyTailClipsWellBelowMax) {
  std::vector<float> V = gaussian(200000, 3);
  for (int I = 0; I < 20; ++I)
    V[I * 1000] = 30.0f + I; // rare large outliers
  Histogram H = histogramOf(V);
  double T = klThreshold(H);
  EXPECT_LT(T, 0.25 * H.getMaxAbs());
  EXPECT_GT(T, 2.0); // keeps the bulk of the gaussian
  // Deterministic.
  EXPECT_EQ(T, klThreshold(histogramOf(V)));
}

TEST(Calibration, KLGaussian) {
  Histogram H = histogramOf(gaussian(200000, 4));
  double T = klThreshold(H);
  EXPECT_GT(T, 2.0);
  EXPECT_LE(T, H.getMaxAbs());
}

TEST(Calibration, KLUniformKeepsNearlyEverything) {
  std::mt19937 Rng(5);
  std::uniform_real_distribution<float> U(-1.0f, 1.0f);
  std::vector<float> V(200000);
  for (float &X : V)
    X = U(Rng);
  Histogram H = histogramOf(V);
  double T = klThreshold(H);
  EXPECT_GE(T, 0.9 * H.getMaxAbs());
  EXPECT_LE(T, H.getMaxAbs());
}

/// A point mass inside a spread distribution (a constant image background
/// makes a conv output exactly relu(bias) there) must not pull the KL
/// threshold onto itself. Here half the samples sit on 0.12 within an
/// exponential spread over [0, 2]: plain KL picks the candidate isolating
/// the spike (LeNet-5's first layer lost 8.9 points that way); with point
/// masses flattened the threshold stays near the one of the spread alone.
TEST(Calibration, KLIgnoresPointMasses) {
  std::mt19937 Rng(7);
  std::exponential_distribution<float> E(4.0f);
  std::vector<float> Spread;
  while (Spread.size() < 100000) {
    float X = E(Rng);
    if (X <= 2.0f)
      Spread.push_back(X);
  }
  std::vector<float> WithSpike = Spread;
  WithSpike.insert(WithSpike.end(), 100000, 0.12f);
  double TSpread = klThreshold(histogramOf(Spread));
  double TSpike = klThreshold(histogramOf(WithSpike));
  EXPECT_GT(TSpike, 0.5);
  EXPECT_NEAR(TSpike, TSpread, 0.1 * TSpread);
}

/// A crafted histogram whose best candidate was computed independently with
/// a NumPy implementation of the same algorithm (691, with a clear margin:
/// KL 1.41e-4 against 1.56e-4 for 690).
TEST(Calibration, KLMatchesNumPyReference) {
  Histogram H(2048.0f);
  std::vector<float> V;
  for (int K = 0; K < 700; ++K) {
    int Count = K == 3 ? 0 : static_cast<int>(1000 * std::exp(-K / 100.0));
    V.insert(V.end(), Count, K + 0.5f);
  }
  V.insert(V.end(), 2, 1800.5f);
  V.push_back(2047.5f);
  ASSERT_EQ(V.size(), 99099u);
  ASSERT_THAT_ERROR(H.add(V), Succeeded());
  EXPECT_EQ(klThreshold(H), 691.0);
}

TEST(Calibration, KLDegenerate) {
  Histogram Empty(1.0f);
  EXPECT_EQ(klThreshold(Empty), 1.0);
  Histogram Zero(0.0f);
  std::vector<float> Z = {0.0f, 0.0f};
  cantFail(Zero.add(Z));
  EXPECT_EQ(klThreshold(Zero), 0.0);
  // int16 has more levels than bins: nothing to gain from clipping.
  Histogram H = histogramOf(gaussian(1000, 6));
  CalibrationMethodSpec Spec;
  EXPECT_EQ(computeThreshold(H, Spec, 16), H.getMaxAbs());
}

TEST(Calibration, ScaleForThreshold) {
  EXPECT_EQ(scaleForThreshold(127.0, 8), 1.0f);
  EXPECT_EQ(scaleForThreshold(1.0, 8), static_cast<float>(1.0 / 127));
  EXPECT_EQ(scaleForThreshold(32767.0, 16), 1.0f);
  EXPECT_EQ(scaleForThreshold(0.0, 8), 1.0f);
}

TEST(Calibration, WeightScales) {
  // Two output channels of 3 weights.
  std::vector<float> W = {0.5f, -1.27f, 0.1f, 0.0f, 0.0f, 0.0f};
  auto PC = computeWeightScales(W, {2, 3}, 8);
  ASSERT_THAT_EXPECTED(PC, Succeeded());
  ASSERT_EQ(PC->size(), 2u);
  EXPECT_EQ((*PC)[0], static_cast<float>(1.27f / 127.0));
  EXPECT_EQ((*PC)[1], 1.0f) << "an all-zero channel gets scale 1";
  auto PT = computeWeightScales(W, {2, 3}, 4, WeightGranularity::PerTensor);
  ASSERT_THAT_EXPECTED(PT, Succeeded());
  ASSERT_EQ(PT->size(), 1u);
  EXPECT_EQ((*PT)[0], static_cast<float>(1.27f / 7.0));
  // Axis 1: three channels of two values each.
  auto A1 = computeWeightScales(W, {2, 3}, 2, WeightGranularity::PerChannel, 1);
  ASSERT_THAT_EXPECTED(A1, Succeeded());
  ASSERT_EQ(A1->size(), 3u);
  EXPECT_EQ((*A1)[0], 0.5f);
  EXPECT_EQ((*A1)[1], 1.27f);
  // A 4-D OIHW weight.
  std::vector<float> W4(2 * 2 * 3 * 3, 0.25f);
  W4[20] = -2.0f; // channel 1
  auto C4 = computeWeightScales(W4, {2, 2, 3, 3}, 16);
  ASSERT_THAT_EXPECTED(C4, Succeeded());
  EXPECT_EQ((*C4)[0], static_cast<float>(0.25 / 32767));
  EXPECT_EQ((*C4)[1], static_cast<float>(2.0 / 32767));
  EXPECT_THAT_EXPECTED(
      computeWeightScales(W, {2, 3}, 1),
      FailedWithMessage("weight bits must be in 2..16, got 1"));
  EXPECT_THAT_EXPECTED(computeWeightScales(W, {2, 3}, 17), Failed());
  EXPECT_THAT_EXPECTED(
      computeWeightScales(W, {2, 2}, 8),
      FailedWithMessage("weight shape has 4 elements but 6 values were given"));
  EXPECT_THAT_EXPECTED(
      computeWeightScales(W, {2, 3}, 8, WeightGranularity::PerChannel, 2),
      Failed());
  std::vector<float> Bad = {1.0f, std::nanf("")};
  EXPECT_THAT_EXPECTED(computeWeightScales(Bad, {2}, 8),
                       FailedWithMessage("non-finite weight at element 1"));
}

TEST(Calibration, QuantizeWeights) {
  std::vector<float> W = {0.5f, -1.27f, 0.1f, 0.0f, 0.0f, 0.0f};
  auto S = cantFail(computeWeightScales(W, {2, 3}, 8));
  auto Q = quantizeWeights(W, {2, 3}, S, 8);
  ASSERT_THAT_EXPECTED(Q, Succeeded());
  // 0.5 / 0.01 = 50, -1.27 / 0.01 = -127, 0.1 / 0.01 = 10.
  EXPECT_EQ(*Q, (std::vector<int32_t>{50, -127, 10, 0, 0, 0}));
  // 4-bit words: scale 1.27 / 7; 0.5 -> 2.76 -> 3, 0.1 -> 0.55 -> 1.
  auto S4 =
      cantFail(computeWeightScales(W, {2, 3}, 4, WeightGranularity::PerTensor));
  auto Q4 = quantizeWeights(W, {2, 3}, S4, 4, WeightGranularity::PerTensor);
  ASSERT_THAT_EXPECTED(Q4, Succeeded());
  EXPECT_EQ(*Q4, (std::vector<int32_t>{3, -7, 1, 0, 0, 0}));
  // Every width: words stay in the symmetric range and reach its ends.
  std::mt19937 Rng(8);
  std::normal_distribution<float> N(0.0f, 0.1f);
  std::vector<float> R(4 * 3 * 3 * 3);
  for (float &X : R)
    X = N(Rng);
  for (unsigned Bits = 2; Bits <= 16; ++Bits) {
    auto SR = cantFail(computeWeightScales(R, {4, 3, 3, 3}, Bits));
    auto QR = cantFail(quantizeWeights(R, {4, 3, 3, 3}, SR, Bits));
    int32_t Lim = (1 << (Bits - 1)) - 1;
    for (int Ch = 0; Ch < 4; ++Ch) {
      int32_t MaxQ = 0;
      for (int K = 0; K < 27; ++K) {
        int32_t V = QR[Ch * 27 + K];
        ASSERT_LE(std::abs(V), Lim) << Bits;
        MaxQ = std::max(MaxQ, std::abs(V));
        // Dequantized error is at most half a step.
        ASSERT_LE(std::fabs(V * SR[Ch] - R[Ch * 27 + K]),
                  0.5f * SR[Ch] * (1 + 1e-5f));
      }
      EXPECT_EQ(MaxQ, Lim) << Bits;
    }
  }
  EXPECT_THAT_EXPECTED(quantizeWeights(W, {2, 3}, {1.0f}, 8),
                       FailedWithMessage("expected 2 weight scales, got 1"));
  EXPECT_THAT_EXPECTED(quantizeWeights(W, {2, 3}, {1.0f, 0.0f}, 8),
                       FailedWithMessage("weight scales must be positive and "
                                         "finite"));
}

} // namespace
