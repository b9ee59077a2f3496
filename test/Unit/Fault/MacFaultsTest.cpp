//===- MacFaultsTest.cpp - The MAC lane fault model -----------------------===//
//
// Part of onnc-fault. MacLaneModel / laneValue (onncf/Fault/MacFaults.h)
// against seed 000's statements (ALGORITHMS.md): the stuck bit corrupts
// every operand of its lane; sign-bit substitution is exact for values whose
// high bits equal the sign; neither substitution can fix bit 7; the cell of
// a product is (k mod atomK) * atomC + (c mod atomC).
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/MacFaults.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace onncf::fault;

namespace {

DefectMap parseMap(const char *Text) {
  auto M = parseDefectMap(Text, "test.map");
  EXPECT_TRUE(bool(M)) << (M ? "" : llvm::toString(M.takeError()));
  return std::move(*M);
}

/// A straightforward reference of the lane arithmetic on bit vectors.
int refLane(int V, int Sa0, int Sa1, int Mask, bool Inverse) {
  int Bits[8];
  for (int B = 0; B < 8; ++B)
    Bits[B] = (V >> B) & 1;
  for (int B = 0; B < 8; ++B) {
    if ((Sa0 >> B) & 1)
      Bits[B] = 0;
    if ((Sa1 >> B) & 1)
      Bits[B] = 1;
  }
  int Sign = Bits[7];
  for (int B = 0; B < 7; ++B)
    if ((Mask >> B) & 1)
      Bits[B] = Inverse ? 1 - Sign : Sign;
  int R = 0;
  for (int B = 0; B < 8; ++B)
    R |= Bits[B] << B;
  return R >= 128 ? R - 256 : R;
}

TEST(MacFaults, LaneValueMatchesBitReference) {
  // Every value under a spread of faults and substitutions.
  int Cases[][3] = {{0, 0, 0},          {0x40, 0, 0x40}, {0, 0x40, 0x40},
                    {0x08, 0x10, 0x18}, {0x80, 0, 0},    {0, 0x80, 0x01},
                    {0x03, 0x0c, 0x0f}};
  for (auto &C : Cases)
    for (bool Inv : {false, true})
      for (int V = -128; V < 128; ++V)
        ASSERT_EQ(laneValue(int8_t(V), uint8_t(C[0]), uint8_t(C[1]),
                            uint8_t(C[2]),
                            Inv ? LaneMode::InverseSignBit : LaneMode::SignBit),
                  refLane(V & 0xff, C[0], C[1], C[2], Inv))
            << V;
}

TEST(MacFaults, StuckBitChangesOnlyValuesThatDiffer) {
  // sa1 at bit 6 without substitution: v | 64.
  for (int V = -128; V < 128; ++V)
    EXPECT_EQ(laneValue(int8_t(V), 0, 0x40, 0, LaneMode::SignBit),
              int8_t(uint8_t(V) | 0x40));
  // A zero operand (padding) reads 64 through that lane.
  EXPECT_EQ(laneValue(0, 0, 0x40, 0, LaneMode::SignBit), 64);
}

TEST(MacFaults, SignBitSubstitutionExactForSmallMagnitudes) {
  // Faulty bit k: every v in [-2^k, 2^k - 1] has bits k..7 equal to the
  // sign, so substitution gives v back whatever the stuck value; a value
  // outside the range is changed by some stuck value.
  for (unsigned K = 0; K < 7; ++K)
    for (bool Sa1 : {false, true}) {
      uint8_t Sa0M = Sa1 ? 0 : uint8_t(1u << K),
              Sa1M = Sa1 ? uint8_t(1u << K) : 0;
      for (int V = -128; V < 128; ++V) {
        int8_t E = laneValue(int8_t(V), Sa0M, Sa1M, uint8_t(1u << K),
                             LaneMode::SignBit);
        bool Small = V >= -(1 << K) && V <= (1 << K) - 1;
        if (Small)
          EXPECT_EQ(E, V) << "k=" << K << " v=" << V;
        // |error| is at most 2^k either way.
        EXPECT_LE(std::abs(int(E) - V), 1 << K);
      }
    }
  // Inverse-sign-bit is never exact for small magnitudes at bit k: it sets
  // bit k to the opposite of the sign (the upper bound of |v|).
  EXPECT_EQ(laneValue(3, 0, 0x10, 0x10, LaneMode::InverseSignBit), 0x13);
  EXPECT_EQ(laneValue(-3, 0, 0x10, 0x10, LaneMode::InverseSignBit),
            int8_t(0xfd & ~0x10));
}

TEST(MacFaults, NeitherSubstitutionFixesBit7) {
  // A mask with bit 7 is dropped; a stuck sign bit stays stuck.
  MacLaneModel M(MacGeometry{1, 1});
  M.setFaults(0, Operand::Weight, WordFaults{0, 0x80});
  M.setSubstitution(0, Operand::Weight, 0xff, LaneMode::SignBit);
  M.finalize();
  EXPECT_EQ(M.lane(0, Operand::Weight).Mask, 0x7f);
  for (int V = 0; V < 128; ++V)
    EXPECT_LT(M.effective(0, Operand::Weight, int8_t(V)), 0) << V;
  M.setSubstitution(0, Operand::Weight, 0xff, LaneMode::InverseSignBit);
  M.finalize();
  for (int V = 0; V < 128; ++V)
    EXPECT_LT(M.effective(0, Operand::Weight, int8_t(V)), 0) << V;
  // substituteKnownFaults: only bits below the sign are substituted.
  MacLaneModel N(MacGeometry{1, 1});
  N.setFaults(0, Operand::Data, WordFaults{0x80, 0x40});
  N.substituteKnownFaults(LaneMode::SignBit);
  N.finalize();
  EXPECT_EQ(N.lane(0, Operand::Data).Mask, 0x40);
}

TEST(MacFaults, CellIndexing) {
  MacGeometry G{8, 8};
  EXPECT_EQ(G.cells(), 64u);
  EXPECT_EQ(G.cellOf(0, 0), 0u);
  EXPECT_EQ(G.cellOf(0, 7), 7u);
  EXPECT_EQ(G.cellOf(1, 0), 8u);
  EXPECT_EQ(G.cellOf(4, 0), 32u);
  EXPECT_EQ(G.cellOf(12, 9), 4u * 8 + 1); // k mod 8 = 4, c mod 8 = 1
  MacGeometry H{16, 64};
  EXPECT_EQ(H.cellOf(17, 65), 1u * 64 + 1);
  auto P = parseMacGeometry("16x64");
  ASSERT_TRUE(bool(P));
  EXPECT_EQ(P->AtomK, 16u);
  EXPECT_EQ(P->AtomC, 64u);
  EXPECT_EQ(laneModeName(LaneMode::SignBit), "sign-bit");
  EXPECT_EQ(parseLaneMode("inverse-sign-bit"), LaneMode::InverseSignBit);
  EXPECT_EQ(parseLaneMode(laneModeName(LaneMode::SignBit)), LaneMode::SignBit);
  EXPECT_FALSE(parseLaneMode("c1"));
  for (const char *Bad : {"8", "0x8", "8x", "ax8", "8x5000"}) {
    auto E = parseMacGeometry(Bad);
    EXPECT_FALSE(bool(E)) << Bad;
    if (!E)
      llvm::consumeError(E.takeError());
  }
}

TEST(MacFaults, FromDefectMapCellFaultsAndLanes) {
  DefectMap Map = parseMap("onncf-defect-map 1\n"
                           "memory cmac cells=64 bits=8\n"
                           "cell cmac 0:data 6 sa1\n"
                           "cell cmac 32:weight 3 sa0\n"
                           "lane cmac 5:weight sa1\n");
  auto M = MacLaneModel::fromDefectMap(Map, MacGeometry{8, 8}, "test.map");
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_EQ(M->lane(0, Operand::Data).Sa1, 0x40);
  EXPECT_EQ(M->lane(0, Operand::Weight).Sa1, 0);
  EXPECT_EQ(M->lane(32, Operand::Weight).Sa0, 0x08);
  EXPECT_EQ(M->lane(5, Operand::Weight).Sa1, 0xff);
  EXPECT_TRUE(M->faulty(0, Operand::Data));
  EXPECT_FALSE(M->faulty(1, Operand::Data));
  EXPECT_TRUE(M->anyFaulty(Operand::Weight));
  // Table lookups agree with laneValue; cell (k=8, c=8) is cell 0.
  EXPECT_EQ(M->effectiveData(8, 8, 1), 65);
  EXPECT_EQ(M->table(32, Operand::Weight)[uint8_t(int8_t(-1))], int8_t(0xf7));
  EXPECT_EQ(M->effective(5, Operand::Weight, 17), -1);

  // Substitution settings round-trip through the attribute quadruples.
  M->substituteKnownFaults(LaneMode::SignBit);
  M->finalize();
  std::vector<int64_t> Q = M->substitutionQuads();
  EXPECT_EQ(
      Q, (std::vector<int64_t>{0, 1, 0x40, 0, 5, 0, 0x7f, 0, 32, 0, 0x08, 0}));
  EXPECT_EQ(M->effectiveData(0, 0, 1), 1);  // exact for a small value
  EXPECT_EQ(M->effectiveData(0, 0, 0), 0);  // padding is fixed too
  EXPECT_EQ(M->effectiveData(0, 0, 64), 0); // but 64 loses its bit 6
  MacLaneModel N(MacGeometry{8, 8});
  ASSERT_FALSE(bool(N.applySubstitutions(Q)));
  N.finalize();
  EXPECT_EQ(N.substitutionQuads(), Q);
  llvm::Error E = N.applySubstitutions({64, 0, 1, 0});
  ASSERT_TRUE(bool(E));
  EXPECT_NE(llvm::toString(std::move(E)).find("bad entry (64, 0, 1, 0)"),
            std::string::npos);
}

TEST(MacFaults, FromDefectMapRandomAndErrors) {
  // Random cmac faults come from the map's draw for row cell * 2 + operand.
  DefectMap Map = parseMap("onncf-defect-map 1\nmemory cmac cells=64 bits=8\n"
                           "random cmac rate=0.2 seed=3\n");
  auto M = MacLaneModel::fromDefectMap(Map, MacGeometry{8, 8}, "r.map");
  ASSERT_TRUE(bool(M));
  unsigned Faulty = 0;
  for (unsigned C = 0; C < 64; ++C)
    for (Operand O : {Operand::Weight, Operand::Data}) {
      WordFaults F = Map.faultsOfWord(0, C * 2 + unsigned(O));
      EXPECT_EQ(M->lane(C, O).Sa0, F.Sa0);
      EXPECT_EQ(M->lane(C, O).Sa1, F.Sa1);
      Faulty += !F.empty();
    }
  EXPECT_GT(Faulty, 64u); // 1 - 0.8^8 = 83 % of 128 lanes
  // Geometry and width mismatches are errors naming the map and memory.
  auto E1 = MacLaneModel::fromDefectMap(Map, MacGeometry{16, 8}, "r.map");
  ASSERT_FALSE(bool(E1));
  EXPECT_EQ(llvm::toString(E1.takeError()),
            "r.map: memory 'cmac' has 64 MAC cells but the array is 16x8 = "
            "128 cells");
  DefectMap W16 =
      parseMap("onncf-defect-map 1\nmemory cmac cells=64 bits=16\n");
  auto E2 = MacLaneModel::fromDefectMap(W16, MacGeometry{8, 8}, "w.map");
  ASSERT_FALSE(bool(E2));
  EXPECT_NE(llvm::toString(E2.takeError()).find("needs bits=8"),
            std::string::npos);
  // No cmac memory: a fault-free array.
  DefectMap WMem =
      parseMap("onncf-defect-map 1\nmemory wmem words=16 width=8\n");
  auto F = MacLaneModel::fromDefectMap(WMem, MacGeometry{8, 8});
  ASSERT_TRUE(bool(F));
  EXPECT_FALSE(F->anyFaulty(Operand::Weight));
  EXPECT_FALSE(F->anyFaulty(Operand::Data));
}

} // namespace
