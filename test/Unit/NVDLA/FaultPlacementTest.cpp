//===- FaultPlacementTest.cpp - nvdla-direct addresses vs Layout ----------===//
//
// Part of onnc-fault. The fault library's copy of NVDLA's grouped KCRS
// weight order (fault::GroupedKCRS, used for wmem_layout "nvdla-direct")
// must give every element the byte targets/NVDLA/Layout packs it to, and a
// StoredTensor read back from the attributes must address the same bytes.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Placement.h"
#include "onncf/Targets/NVDLA/Layout.h"
#include "gtest/gtest.h"
#include <set>

using namespace onncf;
using namespace onncf::nvdla;
using namespace llvm;

namespace {

struct Shape {
  int64_t K, C, R, S;
  unsigned KG, CG;
};

TEST(NVDLAFaultPlacement, GroupedKCRSMatchesLayout) {
  // Whole and partial kernel / channel groups, 1x1 and fc-like kernels.
  const Shape Shapes[] = {{6, 1, 5, 5, 8, 8},     {16, 6, 5, 5, 8, 8},
                          {10, 16, 5, 5, 8, 8},   {120, 400, 1, 1, 8, 8},
                          {20, 33, 3, 3, 16, 64}, {17, 70, 3, 2, 16, 64},
                          {64, 64, 3, 3, 32, 32}, {3, 5, 7, 1, 2, 4}};
  for (const Shape &X : Shapes) {
    auto L = makeWeightLayout(X.K, X.C, X.R, X.S, 1, X.KG, X.CG, 8);
    ASSERT_TRUE(bool(L)) << toString(L.takeError());
    fault::GroupedKCRS G{X.K, X.C, X.R, X.S, X.KG, X.CG};
    std::set<uint64_t> Seen;
    uint64_t I = 0;
    for (int64_t K = 0; K < X.K; ++K)
      for (int64_t C = 0; C < X.C; ++C)
        for (int64_t R = 0; R < X.R; ++R)
          for (int64_t S = 0; S < X.S; ++S, ++I) {
            uint64_t Want = L->getWeightOffset(K, C, R, S);
            ASSERT_EQ(G.offsetOf(K, C, R, S), Want)
                << X.K << "x" << X.C << "x" << X.R << "x" << X.S << " at (" << K
                << ", " << C << ", " << R << ", " << S << ")";
            ASSERT_EQ(G.offsetOfIndex(I), Want);
            Seen.insert(Want);
          }
    // A permutation of the dense bytes: no holes, no overlaps.
    EXPECT_EQ(Seen.size(), G.count());
    EXPECT_EQ(*Seen.rbegin(), G.count() - 1);

    // And what packWeights does with the bytes agrees too.
    std::vector<uint8_t> Dense(G.count());
    for (size_t J = 0; J < Dense.size(); ++J)
      Dense[J] = uint8_t(J * 131 + 7);
    auto Packed = packWeights(*L, Dense);
    ASSERT_TRUE(bool(Packed));
    fault::StoredTensor T;
    T.FirstByte = 4096;
    T.Count = G.count();
    T.IsGrouped = true;
    T.Grouped = G;
    for (size_t J = 0; J < Dense.size(); ++J)
      ASSERT_EQ((*Packed)[T.byteAddress(J) - 4096], Dense[J]);
    EXPECT_EQ(T.endByte(), 4096 + G.count());
  }
}

} // namespace
