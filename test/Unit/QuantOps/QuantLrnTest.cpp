//===- QuantLrnTest.cpp - quant.lrn kernel and verifier -------------------===//
//
// Part of onnc-fault. The interpreter's quant.lrn kernel against a direct
// scalar computation of the CDP pipeline written here from the formulas of
// onncf/IR/QuantOps.h (not through onncf/Quant/CdpArith.h), on random LUTs,
// converters and inputs; one hand-computed case; verifier errors.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/QuantLrn.h"
#include "../Interp/InterpTestUtil.h"
#include "QuantRef.h"
#include "onncf/IR/QuantOps.h"

using namespace onncf;
using namespace onncf::test;
using namespace onncf::qref;

namespace {

int64_t sat(int64_t X, unsigned Bits) {
  int64_t Hi = (int64_t(1) << (Bits - 1)) - 1, Lo = -Hi - 1;
  return std::min(std::max(X, Lo), Hi);
}

/// Division by 2^S rounded half away from zero, via long double.
int64_t rshift(int64_t X, int S) {
  if (S <= 0)
    return X;
  long double Q = (long double)X / std::ldexp(1.0L, S);
  return (int64_t)std::round(Q);
}

int64_t refSlope(int64_t D, const fixp::CdpSlope &S) {
  if (S.Shifter >= 0)
    return rshift(D * S.Scale, S.Shifter);
  return D * S.Scale * (int64_t(1) << -S.Shifter);
}

/// Returns {kind (0 hit, 1 under, 2 over), value}.
std::pair<int, int64_t> refTable(int64_t X, const int16_t *T, bool Exp,
                                 unsigned N, int64_t Start, int64_t End,
                                 int Off, const fixp::CdpSlope &U,
                                 const fixp::CdpSlope &O) {
  int64_t D = X - Start;
  if (Exp) {
    if (D <= 0)
      return {1, T[0] + refSlope(D, U)};
    int E = 0;
    while ((int64_t(1) << (E + 1)) <= D)
      ++E;
    if (E - Off < 0)
      return {1, T[0] + refSlope(D, U)};
    if (E - Off >= 64)
      return {2, T[64] + refSlope(X - End, O)};
    int64_t I = E - Off, F = D - (int64_t(1) << E);
    return {0, T[I] + rshift((T[I + 1] - T[I]) * F, E)};
  }
  if (D < 0)
    return {1, T[0] + refSlope(D, U)};
  int64_t I = D / (int64_t(1) << Off), F = D % (int64_t(1) << Off);
  if (I >= N)
    return {2, T[N] + refSlope(X - End, O)};
  return {0, T[I] + rshift((T[I + 1] - T[I]) * F, Off)};
}

int64_t refLut(const fixp::CdpLut &L, int64_t X) {
  auto LE = refTable(X, L.LeTable, L.Method == 0, 64, L.LeStart, L.LeEnd,
                     L.LeOffset, L.LeUnder, L.LeOver);
  auto LO = refTable(X, L.LoTable, false, 256, L.LoStart, L.LoEnd, L.LoOffset,
                     L.LoUnder, L.LoOver);
  bool UseLO;
  if (LE.first == 0 && LO.first == 0)
    UseLO = L.HybridPriority;
  else if (LE.first == 0)
    UseLO = false;
  else if (LO.first == 0)
    UseLO = true;
  else if (LE.first == 1 && LO.first == 1)
    UseLO = L.UnderflowPriority;
  else if (LE.first == 2 && LO.first == 2)
    UseLO = L.OverflowPriority;
  else
    UseLO = L.HybridPriority;
  return sat(UseLO ? LO.second : LE.second, 16);
}

int64_t refCvt(int64_t X, const fixp::CdpCvt &C, unsigned Bits) {
  if (!C.Enable)
    return sat(X, Bits);
  return sat(rshift((X - C.Offset) * C.Scale, C.Truncate), Bits);
}

/// quant.lrn on an [N, C, H, W] tensor, element by element.
I64s refLrn(const I64s &X, const I64s &Shape, const fixp::CdpParams &P,
            const fixp::CdpLut &L) {
  int64_t N = Shape[0], C = Shape[1], HW = Shape[2] * Shape[3];
  int64_t Half = P.LocalSize / 2;
  I64s Y(X.size());
  auto At = [&](int64_t B, int64_t Ch, int64_t I) {
    return refCvt(X[(B * C + Ch) * HW + I], P.InCvt, 17);
  };
  for (int64_t B = 0; B < N; ++B)
    for (int64_t Ch = 0; Ch < C; ++Ch)
      for (int64_t I = 0; I < HW; ++I) {
        int64_t S = 0;
        for (int64_t K = std::max<int64_t>(0, Ch - Half);
             K <= std::min(C - 1, Ch + Half); ++K)
          S += At(B, K, I) * At(B, K, I);
        Y[(B * C + Ch) * HW + I] =
            refCvt(At(B, Ch, I) * refLut(L, S), P.OutCvt, P.OutBits);
      }
  return Y;
}

fixp::CdpLut randomLut(std::mt19937 &Rng, int64_t MaxSq) {
  fixp::CdpLut L;
  auto R = [&](int64_t Lo, int64_t Hi) {
    return Lo + int64_t(Rng() % uint64_t(Hi - Lo + 1));
  };
  for (int16_t &V : L.LeTable)
    V = int16_t(R(-32768, 32767));
  for (int16_t &V : L.LoTable)
    V = int16_t(R(-32768, 32767));
  L.Method = uint8_t(R(0, 1));
  L.LeOffset = int8_t(L.Method ? R(0, 12) : R(-4, 4));
  L.LoOffset = int8_t(R(0, 10));
  L.LeStart = R(-50, 50);
  L.LoStart = R(-50, 200);
  L.LeEnd = L.LeStart + R(0, MaxSq);
  L.LoEnd = L.LoStart + R(0, MaxSq);
  for (fixp::CdpSlope *S : {&L.LeUnder, &L.LeOver, &L.LoUnder, &L.LoOver}) {
    S->Scale = int16_t(R(-300, 300));
    S->Shifter = int8_t(R(-3, 20));
  }
  L.HybridPriority = R(0, 1);
  L.UnderflowPriority = R(0, 1);
  L.OverflowPriority = R(0, 1);
  return L;
}

TEST(QuantLrn, MatchesScalarReferenceOnRandomLuts) {
  std::mt19937 Rng(11);
  for (unsigned Trial = 0; Trial < 40; ++Trial) {
    bool In16 = Trial % 4 == 3;
    fixp::CdpParams P;
    P.LocalSize = 3 + 2 * (Trial % 4);
    P.OutBits = Trial % 3 == 2 ? 16 : 8;
    P.InCvt.Enable = Trial % 2;
    P.InCvt.Scale = int16_t(1 + Rng() % 4);
    P.InCvt.Truncate = uint8_t(Rng() % 3);
    P.InCvt.Offset = int32_t(Rng() % 5) - 2;
    P.OutCvt.Enable = true;
    P.OutCvt.Scale = int16_t(1 + Rng() % 2000);
    P.OutCvt.Truncate = uint8_t(14 + Rng() % 12);
    P.OutCvt.Offset = int32_t(Rng() % 9) - 4;
    int64_t MaxIn = In16 ? 32767 : 127;
    fixp::CdpLut L = randomLut(Rng, MaxIn * MaxIn * P.LocalSize);
    I64s Shape{2, int64_t(5 + Trial % 11), 3, 2};
    size_t N = size_t(Shape[0] * Shape[1] * Shape[2] * Shape[3]);
    // Mostly small values, so the tables' hit ranges are exercised too.
    I64s X = randomInts(N, -MaxIn - 1, MaxIn, Rng);
    for (size_t I = 0; I < N; I += 2)
      X[I] = int64_t(Rng() % 13) - 6;
    ElementType T = In16 ? ElementType::I16 : ElementType::I8;
    auto R =
        runOp(quantop::Lrn, {makeInt(T, Shape, X)}, makeQuantLrnAttrs(P, L));
    ASSERT_EQ(R.size(), 1u) << "trial " << Trial;
    EXPECT_EQ(R[0].getElementType(),
              P.OutBits == 16 ? ElementType::I16 : ElementType::I8);
    EXPECT_EQ(ints(R[0]), refLrn(X, Shape, P, L)) << "trial " << Trial;
  }
}

TEST(QuantLrn, HandComputed) {
  // LO table t[i] = 1000 - i for s in [0, 256) (frac_bits 0), LO preferred;
  // out_cvt: * 1 >> 10. Channels (2, -3, 4), local size 3:
  //   s = 13, 29, 25 -> l = 987, 971, 975
  //   o = 1974, -2913, 3900 -> >> 10 rounded: 2, -3, 4.
  fixp::CdpParams P;
  P.OutCvt.Enable = true;
  P.OutCvt.Scale = 1;
  P.OutCvt.Truncate = 10;
  fixp::CdpLut L;
  for (int I = 0; I < 257; ++I)
    L.LoTable[I] = int16_t(1000 - I);
  L.Method = 1;
  L.HybridPriority = true;
  L.LeStart = 1 << 20; // LE always underflows: a LO hit wins.
  L.LoEnd = 256;
  auto R =
      runOp(quantop::Lrn, {makeInt(ElementType::I8, {1, 3, 1, 1}, {2, -3, 4})},
            makeQuantLrnAttrs(P, L));
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(ints(R[0]), (I64s{2, -3, 4}));
  // A bigger window scale: >> 6 gives 31, -46, 61.
  P.OutCvt.Truncate = 6;
  R = runOp(quantop::Lrn, {makeInt(ElementType::I8, {1, 3, 1, 1}, {2, -3, 4})},
            makeQuantLrnAttrs(P, L));
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(ints(R[0]), (I64s{31, -46, 61}));
}

TEST(QuantLrn, VerifierRejectsBadAttributes) {
  fixp::CdpParams P;
  fixp::CdpLut L;
  std::string Err;
  AttributeMap A = makeQuantLrnAttrs(P, L);
  A["size"] = int64_t(4);
  runOp(quantop::Lrn, {makeInt(ElementType::I8, {1, 3, 1, 1}, {1, 2, 3})}, A, 1,
        1, &Err);
  EXPECT_NE(Err.find("size 4 is not 3, 5, 7 or 9"), std::string::npos) << Err;

  Err.clear();
  A = makeQuantLrnAttrs(P, L);
  A["lut_lo"] = std::vector<int64_t>(256, 0);
  runOp(quantop::Lrn, {makeInt(ElementType::I8, {1, 3, 1, 1}, {1, 2, 3})}, A, 1,
        1, &Err);
  EXPECT_NE(Err.find("'lut_lo' has 256 entries, not 257"), std::string::npos)
      << Err;

  Err.clear();
  A = makeQuantLrnAttrs(P, L);
  A["out_cvt"] = std::vector<int64_t>{1, 64, 1, 0};
  runOp(quantop::Lrn, {makeInt(ElementType::I8, {1, 3, 1, 1}, {1, 2, 3})}, A, 1,
        1, &Err);
  EXPECT_NE(Err.find("out_cvt truncate 64 is outside [0, 63]"),
            std::string::npos)
      << Err;

  Err.clear();
  runOp(quantop::Lrn, {makeInt(ElementType::I8, {3}, {1, 2, 3})},
        makeQuantLrnAttrs(P, L), 1, 1, &Err);
  EXPECT_NE(Err.find("rank 4"), std::string::npos) << Err;
}

} // namespace
