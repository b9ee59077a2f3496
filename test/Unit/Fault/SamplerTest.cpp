//===- SamplerTest.cpp - Counter-based RNG and the random fault sampler ---===//
//
// Part of onnc-fault. Reproducibility and random access of procedural maps,
// the drawn rates and sa1 shares, column clustering, and seed 001's Table 3
// (share of weights with 1 and 2+ non-silent faults per rate and width).
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/CounterRNG.h"
#include "onncf/Fault/DefectMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <cmath>

using namespace onncf::fault;
using namespace llvm;

namespace {

DefectMap randomMap(uint64_t Words, unsigned Width, const std::string &Rate,
                    const std::string &Share, uint64_t Seed,
                    const char *Dist = "uniform", const char *Name = "wmem") {
  std::string Text =
      "onncf-defect-map 1\nmemory wmem name=" + std::string(Name) +
      " words=" + std::to_string(Words) + " width=" + std::to_string(Width) +
      "\nrandom " + Name + " rate=" + Rate + " sa1-share=" + Share +
      " seed=" + std::to_string(Seed) + " distribution=" + Dist + "\n";
  auto M = parseDefectMap(Text, "gen");
  EXPECT_TRUE(bool(M)) << (M ? "" : toString(M.takeError()));
  return M ? std::move(*M) : DefectMap();
}

TEST(CounterRNG, PinnedValues) {
  // SplitMix64's first output for state 0 (a published test vector).
  EXPECT_EQ(splitMix64(0), 0xE220A8397B1DCDAFULL);
  // Our counter hash and name hash must never change: maps written today
  // must give the same faults tomorrow.
  EXPECT_EQ(stableNameHash(""), 0xCBF29CE484222325ULL);
  EXPECT_EQ(stableNameHash("a"), 0xAF63DC4C8601EC8CULL);
  EXPECT_EQ(counterHash(1, 2, 3, 4), counterHash(1, 2, 3, 4));
  EXPECT_NE(counterHash(1, 2, 3, 4), counterHash(1, 2, 4, 3));
  EXPECT_EQ(probabilityThreshold(0), 0u);
  EXPECT_EQ(probabilityThreshold(1), ~0ULL);
  EXPECT_EQ(probabilityThreshold(0.5), 1ULL << 63);
}

TEST(Sampler, ReproducibleAndRandomAccess) {
  DefectMap A = randomMap(4096, 16, "0.05", "0.8", 11);
  DefectMap B = randomMap(4096, 16, "0.05", "0.8", 11);
  std::vector<WordFaults> Seq(4096);
  for (uint64_t R = 0; R < 4096; ++R)
    Seq[R] = A.faultsOfWord(0, R);
  // Another map object, rows asked in a scrambled order, and bit slices:
  // the same faults.
  for (uint64_t I = 0; I < 4096; ++I) {
    uint64_t R = (I * 2654435761ULL) % 4096;
    ASSERT_EQ(B.faultsOfWord(0, R), Seq[R]);
    WordFaults Lo = B.faultsOfBits(0, R, 0, 5),
               Hi = B.faultsOfBits(0, R, 5, 11);
    ASSERT_EQ((WordFaults{Lo.Sa0 | Hi.Sa0 << 5, Lo.Sa1 | Hi.Sa1 << 5}), Seq[R]);
  }
  // A larger memory with the same seed agrees on the shared rows.
  DefectMap C = randomMap(1 << 20, 16, "0.05", "0.8", 11);
  for (uint64_t R = 0; R < 4096; ++R)
    ASSERT_EQ(C.faultsOfWord(0, R), Seq[R]);
  // Another seed or another memory name gives other faults.
  DefectMap D = randomMap(4096, 16, "0.05", "0.8", 12);
  DefectMap E = randomMap(4096, 16, "0.05", "0.8", 11, "uniform", "w2");
  unsigned SameD = 0, SameE = 0, Faulty = 0;
  for (uint64_t R = 0; R < 4096; ++R) {
    Faulty += !Seq[R].empty();
    SameD += !Seq[R].empty() && D.faultsOfWord(0, R) == Seq[R];
    SameE += !Seq[R].empty() && E.faultsOfWord(0, R) == Seq[R];
  }
  EXPECT_GT(Faulty, 2000u);
  EXPECT_LT(SameD, Faulty / 10);
  EXPECT_LT(SameE, Faulty / 10);
}

TEST(Sampler, RateAndShareMatchTheirParameters) {
  for (uint64_t Seed : {1, 2, 3}) {
    DefectMap M = randomMap(1 << 18, 8, "0.01", "0.8", Seed);
    MemoryStats S = M.stats(0);
    double N = double(S.Cells), P = 0.01;
    double Sigma = std::sqrt(N * P * (1 - P));
    EXPECT_NEAR(double(S.FaultyCells), N * P, 4 * Sigma) << Seed;
    double Share = double(S.Sa1Cells) / double(S.FaultyCells);
    EXPECT_NEAR(Share, 0.8, 4 * std::sqrt(0.16 / double(S.FaultyCells)));
  }
  DefectMap Zero = randomMap(1000, 8, "0", "0.5", 1);
  EXPECT_EQ(Zero.stats(0).FaultyCells, 0u);
  DefectMap All = randomMap(1000, 8, "100%", "0", 1);
  EXPECT_EQ(All.stats(0).Sa0Cells, 8000u);
}

TEST(Sampler, ColumnClusteredFaultsSitInFewColumns) {
  // cbuf: 64 banks x 512 entries x 64 bits = 4096 columns; 1 in 8 weak.
  auto M = parseDefectMap("onncf-defect-map 1\n"
                          "memory cbuf banks=64 entries=512 width=64\n"
                          "random cbuf rate=0.002 sa1-share=0.5 seed=5 "
                          "distribution=column cluster=8\n",
                          "gen");
  ASSERT_TRUE(bool(M));
  std::vector<unsigned> PerColumn(64 * 64);
  uint64_t Faulty = 0;
  for (uint64_t Row = 0; Row < 64 * 512; ++Row) {
    WordFaults F = M->faultsOfWord(0, Row);
    for (uint64_t D = F.defective(); D; D &= D - 1) {
      ++PerColumn[(Row / 512) * 64 + __builtin_ctzll(D)];
      ++Faulty;
    }
  }
  unsigned WithFaults = 0;
  for (unsigned C : PerColumn)
    WithFaults += C > 0;
  double Cells = 64.0 * 512 * 64;
  EXPECT_NEAR(double(Faulty) / Cells, 0.002, 0.0003);
  // About 4096/8 = 512 weak columns (each gets ~8 faults, so nearly all
  // weak columns show one); uniform faults would touch ~2600 columns.
  EXPECT_GT(WithFaults, 400u);
  EXPECT_LT(WithFaults, 600u);
}

// Seed 001, Table 3: average share (%) of weights with 1 and with 2+
// non-silent faults, for 4/8/16-bit weights and defect rates 0.1..5 %,
// sa1:sa0 = 4:1.
const double Rates[6] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05};
const char *const RateText[6] = {"0.1%", "0.2%", "0.5%", "1%", "2%", "5%"};
struct PaperRow {
  unsigned Bits;
  double One[6], TwoPlus[6];
};
const PaperRow Table3[] = {
    {4,
     {0.195, 0.389, 0.967, 1.925, 3.791, 6.608},
     {0.000, 0.001, 0.003, 0.013, 0.054, 1.571}},
    {8,
     {0.390, 0.777, 1.923, 3.782, 7.315, 16.506},
     {0.001, 0.003, 0.016, 0.065, 0.253, 1.491}},
    {16,
     {0.781, 1.563, 3.785, 7.335, 13.619, 27.033},
     {0.003, 0.011, 0.071, 0.279, 1.065, 6.020}},
};

TEST(Sampler, MatchesSeed001Table3) {
  // Weights are words with uniformly random bits (half of the defects are
  // then non-silent whatever the sa1 share, as in the paper's data: 0.195 %
  // of 4-bit weights at 0.1 % is 4 x 0.1 % / 2). Checked within 10 %
  // relative (the exact binomial of our fault model, and our sampled
  // shares up to their sampling error): every cell of 0.05 % or more,
  // except the 4-bit 5 % column,
  // which contradicts the paper's own fault model (its 2+ share, 1.571 %,
  // exceeds the 8-bit one at the same rate, 1.491 %, impossible for
  // independent cell faults: see docs/DefectMapFormat.md). Smaller cells
  // are printed, and checked against the exact binomial instead (the paper
  // rounds them to 0.001 % and averages only ~1e6 weights).
  std::string Table;
  raw_string_ostream OS(Table);
  OS << "bits rate  | 1 nonsilent: paper  ours   | 2+ nonsilent: paper  ours\n";
  for (const PaperRow &Row : Table3) {
    const uint64_t Words = Row.Bits == 16 ? 1500000 : 3000000;
    for (unsigned I = 0; I < 6; ++I) {
      DefectMap M = randomMap(Words, Row.Bits, RateText[I], "0.8", 1000 + I);
      uint64_t One = 0, TwoPlus = 0;
      const uint64_t Mask = (uint64_t(1) << Row.Bits) - 1;
      for (uint64_t W = 0; W < Words; ++W) {
        uint64_t Stored = counterHash(77, 0, W, Row.Bits) & Mask;
        unsigned NS = countOnes(M.faultsOfWord(0, W).nonSilent(Stored));
        One += NS == 1;
        TwoPlus += NS >= 2;
      }
      double P1 = 100.0 * double(One) / double(Words);
      double P2 = 100.0 * double(TwoPlus) / double(Words);
      OS << format("%4u %-5s | %18.3f %6.3f | %19.3f %6.3f\n", Row.Bits,
                   RateText[I], Row.One[I], P1, Row.TwoPlus[I], P2);
      // The exact binomial for p = rate / 2 per bit.
      double P = Rates[I] / 2, Q = double(Row.Bits);
      double B0 = std::pow(1 - P, Q), B1 = Q * P * std::pow(1 - P, Q - 1);
      double B2 = 1 - B0 - B1;
      EXPECT_NEAR(P1 / 100, B1, 5 * std::sqrt(B1 / double(Words)));
      EXPECT_NEAR(P2 / 100, B2, 5 * std::sqrt(B2 / double(Words)) + 1e-7);
      // Within 10 % relative of the paper, plus three standard errors of
      // our own estimate (the 4-bit 2+ cell at 2 % is 9.6 % off even for
      // the exact binomial).
      bool Anomalous = Row.Bits == 4 && I == 5;
      double Tol1 = 0.10 * Row.One[I] + 300 * std::sqrt(B1 / double(Words));
      double Tol2 = 0.10 * Row.TwoPlus[I] + 300 * std::sqrt(B2 / double(Words));
      if (!Anomalous && Row.One[I] >= 0.05) {
        EXPECT_NEAR(B1 * 100, Row.One[I], 0.10 * Row.One[I]);
        EXPECT_NEAR(P1, Row.One[I], Tol1)
            << Row.Bits << "-bit at " << RateText[I];
      }
      if (!Anomalous && Row.TwoPlus[I] >= 0.05) {
        EXPECT_NEAR(B2 * 100, Row.TwoPlus[I], 0.10 * Row.TwoPlus[I]);
        EXPECT_NEAR(P2, Row.TwoPlus[I], Tol2)
            << Row.Bits << "-bit 2+ at " << RateText[I];
      }
    }
  }
  OS.flush();
  std::printf("%s", Table.c_str());
}

} // namespace
