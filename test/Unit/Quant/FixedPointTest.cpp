//===- FixedPointTest.cpp - Fixed-point primitive tests -------------------===//
//
// Part of onnc-fault. References are computed independently: with exact
// long double arithmetic (every value here has < 64 significant bits, and
// dividing by a power of two is exact) or with __int128 integer reasoning.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/FixedPoint.h"
#include "gtest/gtest.h"
#include <cmath>
#include <limits>
#include <random>

using namespace onncf;
using namespace onncf::fixp;

namespace {

/// Round half away from zero of X / 2^S, by integer reasoning on __int128.
int64_t refRoundShift(int64_t X, unsigned S) {
  __int128 V = X;
  __int128 Mag = V < 0 ? -V : V;
  __int128 Div = static_cast<__int128>(1) << S;
  __int128 Q = Mag / Div, R = Mag % Div;
  if (S > 0 && 2 * R >= Div)
    ++Q;
  return static_cast<int64_t>(V < 0 ? -Q : Q);
}

int64_t refSaturate(long double X, unsigned Bits) {
  long double Hi = std::ldexp(1.0L, Bits - 1) - 1,
              Lo = -std::ldexp(1.0L, Bits - 1);
  return static_cast<int64_t>(X > Hi ? Hi : X < Lo ? Lo : X);
}

TEST(FixedPoint, RoundShiftExhaustiveInt16) {
  for (unsigned S = 0; S <= 31; ++S) {
    const long double Div = std::ldexp(1.0L, S);
    for (int32_t X = -32768; X <= 32767; ++X) {
      // roundl rounds half away from zero; X / 2^S is exact.
      int64_t Ref = static_cast<int64_t>(std::roundl(X / Div));
      ASSERT_EQ(roundShift(X, S), Ref) << "x=" << X << " shift=" << S;
    }
  }
}

TEST(FixedPoint, RoundShiftExamples) {
  EXPECT_EQ(roundShift(-5, 1), -3); // -2.5 -> -3
  EXPECT_EQ(roundShift(5, 1), 3);   // 2.5 -> 3
  EXPECT_EQ(roundShift(-4, 1), -2);
  EXPECT_EQ(roundShift(-3, 2), -1); // -0.75
  EXPECT_EQ(roundShift(-2, 2), -1); // -0.5 -> -1
  EXPECT_EQ(roundShift(-1, 2), 0);  // -0.25
  EXPECT_EQ(roundShift(7, 0), 7);
  EXPECT_EQ(roundShift(std::numeric_limits<int64_t>::min(), 0),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(roundShift(std::numeric_limits<int64_t>::min(), 63), -1);
  EXPECT_EQ(roundShift(std::numeric_limits<int64_t>::max(), 63), 1);
  EXPECT_EQ(roundShift(std::numeric_limits<int64_t>::min(), 1),
            -(int64_t(1) << 62));
  EXPECT_EQ(roundShift(std::numeric_limits<int64_t>::min(), 64), -1);
  EXPECT_EQ(roundShift(std::numeric_limits<int64_t>::min(), 65), 0);
  EXPECT_EQ(roundShift(std::numeric_limits<int64_t>::max(), 64), 0);
  EXPECT_EQ(roundShift(-1, 200), 0);
  static_assert(roundShift(-5, 1) == -3, "usable in constant expressions");
}

TEST(FixedPoint, RoundShiftRandomInt64) {
  std::mt19937_64 Rng(42);
  for (int I = 0; I < 200000; ++I) {
    int64_t X = static_cast<int64_t>(Rng());
    // Mix magnitudes so small shifts also see small values.
    X >>= Rng() % 63;
    unsigned S = Rng() % 64;
    ASSERT_EQ(roundShift(X, S), refRoundShift(X, S)) << X << " >> " << S;
  }
}

TEST(FixedPoint, SaturationBoundaries) {
  for (unsigned B = 1; B <= 64; ++B) {
    long double Hi = std::ldexp(1.0L, B - 1) - 1;
    EXPECT_EQ(static_cast<long double>(intMax(B)), Hi) << B;
    EXPECT_EQ(static_cast<long double>(intMin(B)), -Hi - 1) << B;
    EXPECT_EQ(saturate(intMax(B), B), intMax(B));
    EXPECT_EQ(saturate(intMin(B), B), intMin(B));
    if (B < 64) {
      EXPECT_EQ(saturate(intMax(B) + 1, B), intMax(B)) << B;
      EXPECT_EQ(saturate(intMin(B) - 1, B), intMin(B)) << B;
      EXPECT_EQ(saturate(intMax(B) - 1, B), intMax(B) - 1) << B;
      EXPECT_EQ(saturate(intMin(B) + 1, B), intMin(B) + 1) << B;
    }
    EXPECT_EQ(saturate(std::numeric_limits<int64_t>::max(), B), intMax(B));
    EXPECT_EQ(saturate(std::numeric_limits<int64_t>::min(), B), intMin(B));
    EXPECT_EQ(saturate(0, B), 0);
  }
  EXPECT_EQ(saturateInt8(127), 127);
  EXPECT_EQ(saturateInt8(128), 127);
  EXPECT_EQ(saturateInt8(-128), -128);
  EXPECT_EQ(saturateInt8(-129), -128);
  EXPECT_EQ(saturateInt16(32768), 32767);
  EXPECT_EQ(saturateInt16(-32769), -32768);
  EXPECT_EQ(saturateInt17(65535), 65535);
  EXPECT_EQ(saturateInt17(65536), 65535);
  EXPECT_EQ(saturateInt17(-65536), -65536);
  EXPECT_EQ(saturateInt17(-65537), -65536);
  EXPECT_EQ(saturateInt32(int64_t(1) << 31),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(saturateInt32(-(int64_t(1) << 31) - 1),
            std::numeric_limits<int32_t>::min());
  EXPECT_EQ(saturate<17>(100000), 65535);
}

TEST(FixedPoint, RoundToInt) {
  EXPECT_EQ(roundToInt(2.5, 8), 3);
  EXPECT_EQ(roundToInt(-2.5, 8), -3);
  EXPECT_EQ(roundToInt(-2.4999, 8), -2);
  EXPECT_EQ(roundToInt(1000.0, 8), 127);
  EXPECT_EQ(roundToInt(-1000.0, 8), -128);
  EXPECT_EQ(roundToInt(1e300, 32), intMax(32));
  EXPECT_EQ(roundToInt(std::nan(""), 8), 0);
  EXPECT_EQ(quantize(0.5, 0.25, 4), 2);
  EXPECT_EQ(quantize(10.0, 0.25, 4), 7);
}

TEST(FixedPoint, Cacc) {
  EXPECT_EQ(caccOutput(5, 1), 3);
  EXPECT_EQ(caccOutput(-5, 1), -3);
  EXPECT_EQ(caccOutput(int64_t(1) << 40, 0),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(caccOutput(-(int64_t(1) << 40), 0),
            std::numeric_limits<int32_t>::min());
  EXPECT_EQ(caccOutput(int64_t(1) << 40, 10), 1 << 30);
  // Beyond 48 bits the accumulator clamps first: (2^47 - 1) >> 16 rounded.
  EXPECT_EQ(caccOutput(int64_t(1) << 55, 16),
            std::numeric_limits<int32_t>::max());
  EXPECT_EQ(caccOutput(int64_t(1) << 55, 20), (int64_t(1) << 27));
  std::mt19937_64 Rng(7);
  for (int I = 0; I < 100000; ++I) {
    int64_t Acc = static_cast<int64_t>(Rng()) >> (16 + Rng() % 40);
    unsigned S = Rng() % 32;
    ASSERT_EQ(caccOutput(Acc, S), refSaturate(refRoundShift(Acc, S), 32));
  }
}

TEST(FixedPoint, SdpXStage) {
  EXPECT_EQ(sdpAluOperand(-32768, 16), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(sdpAluOperand(32767, 16), 2147418112);
  EXPECT_EQ(sdpAluOperand(1, 31), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(sdpAluOperand(-1, 31), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(sdpAluOperand(3, 63), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(sdpAluOperand(-3, 2), -12);
  const int32_t Max32 = std::numeric_limits<int32_t>::max();
  const int32_t Min32 = std::numeric_limits<int32_t>::min();
  // Add is 33-bit: no wrap, no saturation.
  EXPECT_EQ(sdpAlu(Max32, Max32, SdpAluOp::Add), (int64_t(1) << 32) - 2);
  EXPECT_EQ(sdpAlu(Min32, Min32, SdpAluOp::Add), -(int64_t(1) << 32));
  EXPECT_EQ(sdpAlu(-4, 9, SdpAluOp::Max), 9);
  EXPECT_EQ(sdpAlu(-4, 9, SdpAluOp::Min), -4);
  // MUL: 33 x 16 -> 49-bit product, exact.
  int64_t Big = (int64_t(1) << 32) - 1;
  EXPECT_EQ(sdpMul(Big, -32768), Big * -32768);
  EXPECT_EQ(sdpMul(-(int64_t(1) << 32), -32768), int64_t(1) << 47);
  EXPECT_EQ(sdpMul(100, 3, /*PReLU=*/true), 100);
  EXPECT_EQ(sdpMul(-100, 3, /*PReLU=*/true), -300);
  EXPECT_EQ(sdpMul(0, 3, /*PReLU=*/true), 0);
  EXPECT_EQ(sdpTruncate(int64_t(1) << 47, 15), Max32);
  EXPECT_EQ(sdpTruncate(-(int64_t(1) << 47), 16), Min32);
  EXPECT_EQ(sdpTruncate(-(int64_t(1) << 47), 17), -(1 << 30));
  EXPECT_EQ(sdpTruncate(-3, 1), -2);
  EXPECT_EQ(relu(-7), 0);
  EXPECT_EQ(relu(7), 7);
  // A full BS chain: (acc + bias << 4) * 20000 >> 20, then ReLU.
  int32_t Acc = 123456, Bias = -300;
  int64_t A = sdpAlu(Acc, sdpAluOperand(Bias, 4), SdpAluOp::Add);
  int32_t T = sdpTruncate(sdpMul(A, 20000), 20);
  long double Exact = (123456.0L - 4800.0L) * 20000.0L / 1048576.0L;
  EXPECT_EQ(T, static_cast<int32_t>(std::roundl(Exact)));
  EXPECT_EQ(relu(T), T);
}

TEST(FixedPoint, OutputConverter) {
  EXPECT_EQ(outputConvert(1000, 0, 16384, 15, 8), 127);
  EXPECT_EQ(outputConvert(100, 0, 16384, 15, 8), 50);
  EXPECT_EQ(outputConvert(-101, 0, 16384, 15, 8), -51); // -50.5 -> -51
  EXPECT_EQ(outputConvert(101, 0, 16384, 15, 8), 51);
  EXPECT_EQ(outputConvert(110, 10, 16384, 15, 8), 50);
  EXPECT_EQ(outputConvert(-1000, 0, 16384, 15, 8), -128);
  // int17 then int16: 70000 saturates at 65535 then 32767.
  EXPECT_EQ(outputConvert(70000, 0, 1, 0, 16), 32767);
  EXPECT_EQ(outputConvert(-70000, 0, 1, 0, 16), -32768);
  // Extreme operands cannot overflow: (INT32_MIN - INT32_MAX) * -32768.
  EXPECT_EQ(outputConvert(std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max(), -32768, 0, 16),
            32767);
  std::mt19937 Rng(3);
  for (int I = 0; I < 100000; ++I) {
    int32_t X = static_cast<int32_t>(Rng()) >> (Rng() % 31);
    int32_t Off = static_cast<int32_t>(Rng()) >> (Rng() % 31 + 1);
    int16_t Sc = static_cast<int16_t>(Rng());
    unsigned Tr = Rng() % 40;
    unsigned Bits = Rng() % 2 ? 8 : 16;
    long double P = (static_cast<long double>(X) - Off) * Sc;
    int64_t R = static_cast<int64_t>(std::roundl(P / std::ldexp(1.0L, Tr)));
    int64_t Ref = refSaturate(refSaturate(R, 17), Bits);
    ASSERT_EQ(outputConvert(X, Off, Sc, Tr, Bits), Ref);
  }
}

TEST(FixedPoint, PdpAverage) {
  EXPECT_EQ(pdpReciprocal(1), 65536u);
  EXPECT_EQ(pdpReciprocal(2), 32768u);
  EXPECT_EQ(pdpReciprocal(3), 21845u);
  EXPECT_EQ(pdpReciprocal(7), 9362u);
  EXPECT_EQ(pdpReciprocal(8), 8192u);
  // 3x3 window of 127: the two roundings still give 127.
  EXPECT_EQ(pdpAverage(9 * 127, pdpReciprocal(3), pdpReciprocal(3)), 127);
  EXPECT_EQ(pdpAverage(-9 * 128, pdpReciprocal(3), pdpReciprocal(3)), -128);
  EXPECT_EQ(pdpAverage(2 * 2 * 5 + 2, pdpReciprocal(2), pdpReciprocal(2)), 6);
  EXPECT_EQ(pdpAverage(-22, pdpReciprocal(2), pdpReciprocal(2)), -6);
  std::mt19937 Rng(11);
  for (int I = 0; I < 100000; ++I) {
    uint32_t KW = Rng() % 8 + 1, KH = Rng() % 8 + 1;
    int64_t Sum = static_cast<int64_t>(static_cast<int32_t>(Rng()) >> 8);
    long double RW = std::roundl(65536.0L / KW),
                RH = std::roundl(65536.0L / KH);
    long double W = std::roundl(Sum * RW / 65536.0L);
    long double Ref = std::roundl(W * RH / 65536.0L);
    ASSERT_EQ(pdpAverage(Sum, pdpReciprocal(KW), pdpReciprocal(KH)),
              static_cast<int64_t>(Ref));
  }
}

TEST(FixedPoint, MultiplierShiftExamples) {
  MultiplierShift One = computeMultiplierShift(1.0);
  EXPECT_EQ(One.Multiplier, 16384);
  EXPECT_EQ(One.Shift, 14u);
  MultiplierShift Half = computeMultiplierShift(0.5);
  EXPECT_EQ(Half.Multiplier, 16384);
  EXPECT_EQ(Half.Shift, 15u);
  // Rounding up to 2^15 would not fit: one less shift.
  MultiplierShift Near = computeMultiplierShift(1.0 - std::ldexp(1.0, -20));
  EXPECT_EQ(Near.Multiplier, 16384);
  EXPECT_EQ(Near.Shift, 14u);
  MultiplierShift Odd = computeMultiplierShift(0.75);
  EXPECT_EQ(Odd.Multiplier, 24576);
  EXPECT_EQ(Odd.Shift, 15u);
  for (double Bad :
       {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    MultiplierShift B = computeMultiplierShift(Bad);
    EXPECT_EQ(B.Multiplier, 0);
    EXPECT_EQ(B.Shift, 0u);
  }
  MultiplierShift Huge = computeMultiplierShift(1e6);
  EXPECT_EQ(Huge.Multiplier, 32767);
  EXPECT_EQ(Huge.Shift, 0u);
  MultiplierShift Big = computeMultiplierShift(20000.4);
  EXPECT_EQ(Big.Multiplier, 20000);
  EXPECT_EQ(Big.Shift, 0u);
  MultiplierShift Tiny = computeMultiplierShift(1e-30, 16, 31);
  EXPECT_EQ(Tiny.Shift, 31u);
  EXPECT_EQ(Tiny.Multiplier, 0);
  MultiplierShift Eight = computeMultiplierShift(0.3, 8);
  EXPECT_GE(Eight.Multiplier, 64);
  EXPECT_LE(Eight.Multiplier, 127);
  EXPECT_NEAR(Eight.value(), 0.3, 0.3 / 128);
}

TEST(FixedPoint, MultiplierShiftPrecision) {
  std::mt19937_64 Rng(5);
  std::uniform_real_distribution<double> LogU(-30.0, 14.0);
  for (int I = 0; I < 100000; ++I) {
    double Scale = std::exp2(LogU(Rng));
    MultiplierShift MS = computeMultiplierShift(Scale);
    ASSERT_GE(MS.Multiplier, 16384) << Scale;
    ASSERT_LE(MS.Multiplier, 32767) << Scale;
    // Best precision: the rounding error is at most half a unit of the
    // multiplier, i.e. a relative 2^-15 at worst.
    double Err = std::fabs(MS.value() - Scale);
    ASSERT_LE(Err, std::ldexp(0.5, -int(MS.Shift)) * (1 + 1e-12)) << Scale;
    ASSERT_LE(Err / Scale, std::ldexp(1.0, -15)) << Scale;
    // Largest shift: one more would overflow the multiplier.
    ASSERT_GT(std::round(std::ldexp(Scale, MS.Shift + 1)), 32767.0) << Scale;
  }
}

TEST(FixedPoint, RequantizeMatchesReference) {
  std::mt19937_64 Rng(9);
  std::uniform_real_distribution<double> LogU(-20.0, 3.0);
  for (int I = 0; I < 200000; ++I) {
    double Scale = std::exp2(LogU(Rng));
    MultiplierShift MS = computeMultiplierShift(Scale);
    int32_t Acc = static_cast<int32_t>(Rng()) >> (Rng() % 32);
    unsigned Bits = Rng() % 2 ? 8 : 16;
    int64_t Got = requantize(Acc, MS, Bits);
    // Exact: Acc * M < 2^47 and the division by 2^S are exact in long double.
    long double Exact = static_cast<long double>(Acc) * MS.Multiplier /
                        std::ldexp(1.0L, MS.Shift);
    ASSERT_EQ(Got, refSaturate(std::roundl(Exact), Bits));
    // Against the real scale: within 0.5 ulp of the output plus the
    // multiplier's representation error, unless saturated.
    long double Real = static_cast<long double>(Acc) * Scale;
    if (std::fabs(static_cast<double>(Real)) < fixp::intMax(Bits) - 1) {
      long double Bound =
          0.5L +
          std::fabs(static_cast<long double>(Acc)) *
              std::fabs(static_cast<long double>(MS.value()) - Scale) +
          1e-9L;
      ASSERT_LE(std::fabs(Got - Real), Bound) << Acc << " * " << Scale;
    }
  }
  // Ties go away from zero.
  EXPECT_EQ(requantize(3, 1, 1, 8), 2);
  EXPECT_EQ(requantize(-3, 1, 1, 8), -2);
  EXPECT_EQ(requantize(1000000, 16384, 14, 8), 127);
  EXPECT_EQ(requantize(-1000000, 16384, 14, 16), -32768);
  EXPECT_EQ(requantize(std::numeric_limits<int32_t>::min(), -32768, 0, 32),
            std::numeric_limits<int32_t>::max());
}

} // namespace
