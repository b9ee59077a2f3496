//===- ExhaustiveTest.cpp - Every 8-bit (value, sa0, sa1) combination -----===//
//
// Part of onnc-fault. For all 256 values x 3^8 disjoint (sa0, sa1) mask
// pairs, in the unsigned and the signed view: a policy that promises silent
// defects stores such a word; decoded values are in range; the exact
// optimum is never worse than a heuristic with the same decoder. The fast
// optimum search equals the 2^Q exhaustive reference (all inputs for Q <= 6,
// sampled values for Q = 8, a random sample for Q = 16).
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Policy.h"
#include "gtest/gtest.h"
#include <random>

using namespace onncf::fault;

namespace {

/// Calls \p Fn for every disjoint (sa0, sa1) pair of a Q-bit word.
template <typename FnT> void forEachMaskPair(unsigned Q, FnT Fn) {
  for (uint64_t D = 0; D < (uint64_t(1) << Q); ++D)
    for (uint64_t S1 = D;; S1 = (S1 - 1) & D) { // every subset of D
      Fn(WordFaults{D & ~S1, S1});
      if (S1 == 0)
        break;
    }
}

const Decoder AllDecoders[] = {Decoder::None, Decoder::LSB, Decoder::C1,
                               Decoder::SignBit, Decoder::InverseSignBit};

class Exhaustive8 : public ::testing::TestWithParam<bool> {};

TEST_P(Exhaustive8, SilentInRangeAndOptimalNeverWorse) {
  const WordFormat Fmt{8, GetParam()};
  std::vector<Policy> Heuristics;
  for (const Policy &P : allPolicies())
    if (P.Enc != Encoder::Optimal)
      Heuristics.push_back(P);
  uint64_t Combos = 0, Failures = 0;
  forEachMaskPair(8, [&](const WordFaults &F) {
    for (int64_t W = Fmt.minValue(); W <= Fmt.maxValue(); ++W) {
      ++Combos;
      uint64_t OptDev[5];
      for (Decoder D : AllDecoders) {
        uint64_t S = encodeOptimalSearch(W, F, Fmt, D);
        if (S > Fmt.mask() || !F.allSilent(S))
          ++Failures;
        OptDev[unsigned(D)] = deviation(decodeStored(S, F, D, Fmt), W);
      }
      for (const Policy &P : Heuristics) {
        uint64_t S = P.encode(W, F, Fmt);
        int64_t V = P.decode(S, F, Fmt);
        // sign-bit-clamp promises an exact substitution unless the sign
        // bit itself is defective.
        bool ClampInexact = P.Enc == Encoder::SignBitClamp &&
                            !((F.defective() >> 7) & 1) && V != Fmt.toValue(S);
        bool Bad = S > Fmt.mask() || !Fmt.inRange(V) ||
                   (P.promisesSilent() && !F.allSilent(S)) ||
                   deviation(V, W) < OptDev[unsigned(P.Dec)] || ClampInexact;
        if (Bad && Failures++ < 10)
          ADD_FAILURE() << P.name() << " W=" << W << " sa0=" << F.Sa0
                        << " sa1=" << F.Sa1 << " stored=" << S
                        << " decoded=" << V;
      }
    }
  });
  EXPECT_EQ(Combos, 256u * 6561u);
  EXPECT_EQ(Failures, 0u);
}

INSTANTIATE_TEST_SUITE_P(Views, Exhaustive8, ::testing::Values(false, true));

// Fault-free words: the heuristics without a flag keep W exactly.
TEST(Exhaustive, FaultFreeWordsAreExactWithoutFlagBits) {
  for (bool Signed : {false, true}) {
    WordFormat Fmt{8, Signed};
    for (int64_t W = Fmt.minValue(); W <= Fmt.maxValue(); ++W)
      for (const Policy &P : allPolicies()) {
        int64_t V = P.decode(P.encode(W, {}, Fmt), {}, Fmt);
        if (P.Dec == Decoder::LSB) // the LSB carries the flag
          EXPECT_LE(deviation(V, W), 1u) << P.name() << " " << W;
        else if (P.Dec == Decoder::C1 && Fmt.Bits % 2) // odd Q: ~W keeps
          EXPECT_LE(deviation(V, W), 1u) << P.name() << " " << W; // parity
        else
          EXPECT_EQ(V, W) << P.name();
      }
  }
}

TEST(Exhaustive, OptimalSearchEqualsExhaustiveUpTo6Bits) {
  for (unsigned Q = 2; Q <= 6; ++Q)
    for (bool Signed : {false, true}) {
      WordFormat Fmt{Q, Signed};
      forEachMaskPair(Q, [&](const WordFaults &F) {
        for (int64_t W = Fmt.minValue(); W <= Fmt.maxValue(); ++W)
          for (Decoder D : AllDecoders)
            ASSERT_EQ(encodeOptimalSearch(W, F, Fmt, D),
                      encodeOptimalExhaustive(W, F, Fmt, D))
                << "Q=" << Q << " W=" << W << " " << decoderName(D).str();
      });
    }
}

TEST(Exhaustive, OptimalSearchEqualsExhaustive8BitSampledValues) {
  for (bool Signed : {false, true}) {
    WordFormat Fmt{8, Signed};
    const int64_t Values[] = {Fmt.minValue(),
                              Fmt.minValue() + 1,
                              -77,
                              -1,
                              0,
                              1,
                              2,
                              51,
                              76,
                              100,
                              127,
                              202,
                              Fmt.maxValue()};
    forEachMaskPair(8, [&](const WordFaults &F) {
      for (int64_t W : Values) {
        if (!Fmt.inRange(W))
          continue;
        for (Decoder D : AllDecoders)
          ASSERT_EQ(encodeOptimalSearch(W, F, Fmt, D),
                    encodeOptimalExhaustive(W, F, Fmt, D))
              << "W=" << W << " sa0=" << F.Sa0 << " sa1=" << F.Sa1 << " "
              << decoderName(D).str();
      }
    });
  }
}

// 16-bit: the bounded search is exact (same deviation and the same word as
// trying all 65536 stored words) on random inputs of every fault density.
TEST(Exhaustive, OptimalSearchEqualsExhaustive16BitRandom) {
  std::mt19937_64 Rng(2024);
  for (bool Signed : {false, true}) {
    WordFormat Fmt{16, Signed};
    for (int I = 0; I < 60; ++I) {
      int64_t W = Fmt.toValue(Rng() & 0xFFFF);
      uint64_t D = Rng() & 0xFFFF;
      for (int K = I % 4; K > 0; --K) // sparser masks too
        D &= Rng();
      uint64_t S1 = Rng() & D;
      WordFaults F{D & ~S1, S1};
      for (Decoder Dec : AllDecoders) {
        uint64_t A = encodeOptimalSearch(W, F, Fmt, Dec);
        uint64_t B = encodeOptimalExhaustive(W, F, Fmt, Dec);
        ASSERT_EQ(A, B) << "W=" << W << " sa0=" << F.Sa0 << " sa1=" << F.Sa1
                        << " " << decoderName(Dec).str();
        EXPECT_TRUE(F.allSilent(A));
      }
      // The heuristics on 16-bit words keep their promises as well.
      for (const Policy &P : allPolicies()) {
        uint64_t S = P.encode(W, F, Fmt);
        EXPECT_LE(S, Fmt.mask());
        if (P.promisesSilent()) {
          EXPECT_TRUE(F.allSilent(S)) << P.name();
        }
      }
    }
  }
}

} // namespace
