//===- StatsTest.cpp - Wilson interval and map seeds ----------------------===//
//
// Part of onnc-fault. The Wilson 95 % interval against values computed by
// hand from the closed form (and matching statsmodels'
// proportion_confint(method="wilson")), and the properties of the per-map
// seed that campaigns rely on.
//
//===----------------------------------------------------------------------===//
#include "onncf/Campaign/Stats.h"
#include "gtest/gtest.h"

using namespace onncf::campaign;

TEST(WilsonTest, KnownValues) {
  // 81 of 263: the textbook example, [0.2553, 0.3662].
  Interval I = wilsonInterval(81, 263);
  EXPECT_NEAR(I.Low, 0.2553, 5e-4);
  EXPECT_NEAR(I.High, 0.3662, 5e-4);
  // 50 of 100: symmetric about 0.5, [0.4038, 0.5962].
  I = wilsonInterval(50, 100);
  EXPECT_NEAR(I.Low, 0.403832, 1e-5);
  EXPECT_NEAR(I.High, 0.596168, 1e-5);
  EXPECT_NEAR(I.Low + I.High, 1.0, 1e-12);
  // 9 of 10: [0.5958, 0.9821].
  I = wilsonInterval(9, 10);
  EXPECT_NEAR(I.Low, 0.595850, 1e-5);
  EXPECT_NEAR(I.High, 0.982124, 1e-5);
}

TEST(WilsonTest, Edges) {
  // 0 of 10: the lower bound is exactly 0, the upper z^2/(n+z^2).
  Interval I = wilsonInterval(0, 10);
  EXPECT_EQ(I.Low, 0.0);
  double Z2 = 1.959963984540054 * 1.959963984540054;
  EXPECT_NEAR(I.High, Z2 / (10 + Z2), 1e-12);
  I = wilsonInterval(10, 10);
  EXPECT_NEAR(I.Low, 10 / (10 + Z2), 1e-12);
  EXPECT_NEAR(I.High, 1.0, 1e-12);
  EXPECT_LE(I.High, 1.0);
  I = wilsonInterval(0, 0);
  EXPECT_EQ(I.Low, 0.0);
  EXPECT_EQ(I.High, 1.0);
  // More trials, same proportion: a narrower interval.
  Interval A = wilsonInterval(80, 100), B = wilsonInterval(8000, 10000);
  EXPECT_LT(B.High - B.Low, A.High - A.Low);
  EXPECT_LT(B.Low, 0.8);
  EXPECT_GT(B.High, 0.8);
}

TEST(MapSeedTest, DependsOnEveryInput) {
  uint64_t S = mapSeed(1, 0.001, 0);
  EXPECT_EQ(S, mapSeed(1, 0.001, 0));
  EXPECT_NE(S, mapSeed(2, 0.001, 0));
  EXPECT_NE(S, mapSeed(1, 0.002, 0));
  EXPECT_NE(S, mapSeed(1, 0.001, 1));
  // 1e-3 and 0.001 are the same rate, hence the same chip.
  EXPECT_EQ(S, mapSeed(1, 1e-3, 0));
}
