//===- CbufFaultsTest.cpp - The CBUF layout and fault model ---------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/CbufFaults.h"
#include "gtest/gtest.h"
#include <set>

using namespace onncf::fault;
using namespace llvm;

namespace {

DefectMap parseOK(StringRef Text) {
  auto M = parseDefectMap(Text, "t.map");
  if (!M) {
    ADD_FAILURE() << toString(M.takeError());
    return DefectMap();
  }
  return std::move(*M);
}

/// nv_small-like: 8-byte entries, 8 channels per atom, 4 banks of 16.
CbufConvLayout smallLayout(int64_t C, int64_t H, int64_t W) {
  CbufConvLayout L;
  L.EntryBytes = 8;
  L.BankDepth = 16;
  L.AtomC = 8;
  L.C = C, L.H = H, L.W = W;
  L.DataBanks = 2;
  L.WeightBanks = 2;
  return L;
}

TEST(CbufLayout, DataIsRowSurfaceColumnOrderedAtoms) {
  CbufConvLayout L = smallLayout(12, 3, 4); // two surfaces, the 2nd padded
  EXPECT_EQ(L.surfaces(), 2);
  EXPECT_EQ(L.dataByte(0, 0, 0), 0u);
  EXPECT_EQ(L.dataByte(5, 0, 0), 5u);
  EXPECT_EQ(L.dataByte(0, 0, 1), 8u);   // next pixel: next entry
  EXPECT_EQ(L.dataByte(8, 0, 0), 32u);  // second surface after 4 pixels
  EXPECT_EQ(L.dataByte(0, 1, 0), 64u);  // next row after 2 surfaces
  EXPECT_EQ(L.dataByte(11, 2, 3), 2 * 64u + 32 + 3 * 8 + 3);
  EXPECT_EQ(L.dataBytes(), 3 * 64u);
  EXPECT_EQ(L.weightByte(0), 2 * 128u); // after the two data banks
  // Every element has its own byte.
  std::set<uint64_t> Seen;
  for (int64_t C = 0; C < 12; ++C)
    for (int64_t H = 0; H < 3; ++H)
      for (int64_t W = 0; W < 4; ++W)
        EXPECT_TRUE(Seen.insert(L.dataByte(C, H, W)).second);
}

TEST(CbufLayout, CheckNamesWhatDoesNotFit) {
  CbufConvLayout L = smallLayout(8, 5, 8); // 5 * 8 * 8 = 320 > 256 bytes
  Error E = L.check(0, "conv 'c1'");
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("conv 'c1': the 8x5x8 data cube "
                                        "needs 320 CBUF bytes"),
            std::string::npos);
  L.H = 4;
  EXPECT_FALSE(bool(L.check(256, "c")));
  Error W = L.check(257, "c");
  ASSERT_TRUE(bool(W));
  EXPECT_NE(toString(std::move(W)).find("257 weight bytes"), std::string::npos);
}

TEST(CbufFaults, CellsLandOnTheElementsStoredThere) {
  // Row 1 of bank 0 (entry 1) holds pixel (h 0, w 1) of surface 0: its
  // byte 2 is channel 2; bit 8*2+5 of the row is bit 5 of that value.
  // Bank 2 is the first weight bank: entry 0 byte 3 = packed byte 3.
  DefectMap M = parseOK("onncf-defect-map 1\n"
                        "memory cbuf banks=4 entries=16 width=64\n"
                        "cell cbuf 0:1 21 sa1\n"
                        "cell cbuf 0:1 16 sa0\n"
                        "cell cbuf 2:0 31 sa1\n"
                        "cell cbuf 3:15 0 sa1\n");
  CbufConvLayout L = smallLayout(8, 2, 2);
  auto F = cbufFaultsOfConv(M, 0, L, 20, "c", "t.map");
  ASSERT_TRUE(bool(F)) << toString(F.takeError());
  ASSERT_EQ(F->Data.size(), 1u);
  EXPECT_EQ(F->Data[0].Index, uint64_t((2 * 2 + 0) * 2 + 1));
  EXPECT_EQ(F->Data[0].Sa1, 1u << 5);
  EXPECT_EQ(F->Data[0].Sa0, 1u << 0);
  ASSERT_EQ(F->Weights.size(), 1u); // bank 3 entry 15 is beyond 20 bytes
  EXPECT_EQ(F->Weights[0].Index, 3u);
  EXPECT_EQ(F->Weights[0].Sa1, 0x80u);

  std::vector<int8_t> X(8 * 2 * 2, 0x01);
  applyCbufHits(F->Data, MutableArrayRef<int8_t>(X));
  EXPECT_EQ(X[F->Data[0].Index], 0x20); // bit 0 cleared, bit 5 set
  EXPECT_EQ(X[0], 0x01);
  std::vector<uint8_t> Wt(20, 0x05);
  applyCbufHits(F->Weights, MutableArrayRef<uint8_t>(Wt));
  EXPECT_EQ(Wt[3], 0x85);
  EXPECT_EQ(Wt[4], 0x05);
}

TEST(CbufFaults, SixteenBitElementsSpanTwoBytes) {
  DefectMap M = parseOK("onncf-defect-map 1\n"
                        "memory cbuf banks=4 entries=16 width=64\n"
                        "cell cbuf 0:0 9 sa1\n"); // byte 1 bit 1
  CbufConvLayout L = smallLayout(4, 1, 1);
  L.ElemBytes = 2;
  auto F = cbufFaultsOfConv(M, 0, L, 0, "c", "t.map");
  ASSERT_TRUE(bool(F));
  ASSERT_EQ(F->Data.size(), 1u);
  EXPECT_EQ(F->Data[0].Index, 0u);
  EXPECT_EQ(F->Data[0].Sa1, 1u << 9);
  std::vector<int16_t> X(4, 0);
  applyCbufHits(F->Data, MutableArrayRef<int16_t>(X));
  EXPECT_EQ(X[0], 512);
}

TEST(CbufFaults, GeometryMismatchIsAnError) {
  DefectMap M = parseOK("onncf-defect-map 1\n"
                        "memory cbuf banks=4 entries=32 width=64\n");
  auto F = cbufFaultsOfConv(M, 0, smallLayout(8, 1, 1), 0, "conv 'x'",
                            "chip.map");
  ASSERT_FALSE(bool(F));
  std::string Msg = toString(F.takeError());
  EXPECT_NE(Msg.find("chip.map: memory 'cbuf' is 4 banks x 32 entries"),
            std::string::npos)
      << Msg;
  EXPECT_NE(Msg.find("conv 'x'"), std::string::npos);
}

TEST(CbufFaults, RandomFaultsHitAboutTheRate) {
  DefectMap M = parseOK("onncf-defect-map 1\n"
                        "memory cbuf banks=4 entries=16 width=64\n"
                        "random cbuf rate=5% sa1-share=0.8 seed=3\n");
  CbufConvLayout L = smallLayout(8, 4, 8); // 256 data bytes, 2 banks
  auto F = cbufFaultsOfConv(M, 0, L, 256, "c", "t.map");
  ASSERT_TRUE(bool(F));
  // 256 bytes x 8 cells at 5 %: P(a byte has a fault) = 1 - 0.95^8 = 0.34.
  EXPECT_GT(F->Data.size(), 60u);
  EXPECT_LT(F->Data.size(), 115u);
  EXPECT_GT(F->Weights.size(), 60u);
  EXPECT_LT(F->Weights.size(), 115u);
  // Reproducible: the same map gives the same list.
  auto G = cbufFaultsOfConv(M, 0, L, 256, "c", "t.map");
  ASSERT_TRUE(bool(G));
  ASSERT_EQ(G->Data.size(), F->Data.size());
  for (size_t I = 0; I < F->Data.size(); ++I)
    EXPECT_EQ(G->Data[I].Index, F->Data[I].Index);
}

} // namespace
