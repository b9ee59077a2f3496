//===- LayoutTest.cpp - NVDLA feature and weight layouts ------------------===//
//
// Part of onnc-fault. Offsets written out by hand for small cases, then
// round trips and offset/pack consistency over many shapes.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/Layout.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "gtest/gtest.h"
#include <random>

using namespace onncf::nvdla;

template <typename T> static T take(llvm::Expected<T> V) {
  if (!V) {
    ADD_FAILURE() << llvm::toString(V.takeError());
    return T();
  }
  return std::move(*V);
}

static std::vector<uint8_t> randomBytes(size_t N, unsigned Seed) {
  std::mt19937 G(Seed);
  std::vector<uint8_t> V(N);
  for (auto &B : V)
    B = uint8_t(G() % 255 + 1); // never 0, so padding is distinguishable
  return V;
}

TEST(NvdlaFeature, HandOffsets) {
  // C=11, H=2, W=3, int8, 8-byte atom: x = 8, two surfaces.
  FeatureSurface S = take(makeFeatureSurface(11, 2, 3, 1, 8));
  EXPECT_EQ(S.LineStride, 24u);
  EXPECT_EQ(S.SurfStride, 48u);
  EXPECT_EQ(S.getNumSurfaces(), 2);
  EXPECT_EQ(S.getSizeInBytes(), 96u);
  EXPECT_EQ(S.getOffset(0, 0, 0), 0u);
  EXPECT_EQ(S.getOffset(7, 0, 0), 7u);
  EXPECT_EQ(S.getOffset(0, 0, 1), 8u);
  EXPECT_EQ(S.getOffset(0, 1, 0), 24u);
  EXPECT_EQ(S.getOffset(8, 0, 0), 48u);
  EXPECT_EQ(S.getOffset(10, 1, 2), 48u + 24 + 16 + 2);
  // int16 with a 32-byte atom: x = 16; larger aligned strides.
  FeatureSurface T = take(makeFeatureSurface(20, 2, 3, 2, 32, 128, 512));
  EXPECT_EQ(T.getChannelsPerAtom(), 16u);
  EXPECT_EQ(T.getOffset(17, 1, 2), 512u + 128 + 64 + 2);
  EXPECT_EQ(T.getSizeInBytes(), 1024u);

  // Packing: dense value = its index + 1; padding channels stay zero.
  std::vector<uint8_t> Dense(66);
  for (unsigned I = 0; I < Dense.size(); ++I)
    Dense[I] = I + 1;
  std::vector<uint8_t> P = take(packFeature(S, Dense));
  ASSERT_EQ(P.size(), 96u);
  // (c=1,h=0,w=0) is dense index 6; (c=0,h=0,w=1) is index 1.
  EXPECT_EQ(P[1], 7);
  EXPECT_EQ(P[8], 2);
  EXPECT_EQ(P[48], 8 * 6 + 1); // c=8
  EXPECT_EQ(P[48 + 3], 0);     // c=11 does not exist: zero padding
  EXPECT_EQ(P[95], 0);
}

TEST(NvdlaFeature, RoundTrips) {
  unsigned Seed = 1;
  for (unsigned Elem : {1u, 2u})
    for (unsigned Atom : {8u, 32u})
      for (int64_t C : {1, 3, 8, 9, 16, 17, 32, 33, 70})
        for (int64_t H : {1, 2, 5})
          for (int64_t W : {1, 4, 7})
            for (unsigned Pad : {0u, 1u}) {
              uint64_t Line = Pad ? (W + 2) * Atom : 0;
              uint64_t Surf = Pad ? (H * (W + 2) + 3) * Atom : 0;
              FeatureSurface S =
                  take(makeFeatureSurface(C, H, W, Elem, Atom, Line, Surf));
              auto Dense = randomBytes(S.getDenseBytes(), Seed++);
              auto P = take(packFeature(S, Dense));
              ASSERT_EQ(P.size(), S.getSizeInBytes());
              // Every non-element byte is zero.
              size_t NonZero = 0;
              for (uint8_t B : P)
                NonZero += B != 0;
              EXPECT_EQ(NonZero, Dense.size());
              EXPECT_EQ(take(unpackFeature(S, P)), Dense);
            }
}

TEST(NvdlaFeature, Errors) {
  auto ExpectErr = [](llvm::Expected<FeatureSurface> E) {
    EXPECT_FALSE(bool(E));
    if (!E)
      llvm::consumeError(E.takeError());
  };
  ExpectErr(makeFeatureSurface(0, 1, 1, 1, 8));
  ExpectErr(makeFeatureSurface(1, 1, 1, 4, 8));
  ExpectErr(makeFeatureSurface(1, 1, 2, 1, 8, 8));
  ExpectErr(makeFeatureSurface(1, 2, 2, 1, 8, 16, 24));
  ExpectErr(makeFeatureSurface(1, 1, 1, 2, 7));
  FeatureSurface S = take(makeFeatureSurface(9, 2, 2, 1, 8));
  auto Short = unpackFeature(S, std::vector<uint8_t>(S.getSizeInBytes() - 1));
  EXPECT_FALSE(bool(Short));
  llvm::consumeError(Short.takeError());
  auto Wrong = packFeature(S, std::vector<uint8_t>(5));
  EXPECT_FALSE(bool(Wrong));
  llvm::consumeError(Wrong.takeError());
}

// K=10, C=11, 3x3, atomic C = K = 8. Blob order (kg, cg, r, s, k, c):
//   kg0 (k 0..7): cg0 (c 0..7) 9*8*8 = 576 elements at 0,
//                 cg1 (c 8..10) 9*8*3 = 216 at 576;
//   kg1 (k 8,9):  cg0 9*2*8 = 144 at 792, cg1 9*2*3 = 54 at 936; end 990.
struct HandPos {
  int64_t K, C, R, S;
  uint64_t Pos;
};
static const HandPos Hand[] = {
    {0, 0, 0, 0, 0},    {0, 1, 0, 0, 1},    {0, 7, 0, 0, 7},
    {1, 0, 0, 0, 8},    {7, 7, 0, 0, 63},   {0, 0, 0, 1, 64},
    {0, 0, 1, 0, 192},  {7, 7, 2, 2, 575},  {0, 8, 0, 0, 576},
    {0, 9, 0, 0, 577},  {0, 10, 0, 0, 578}, {1, 8, 0, 0, 579},
    {0, 8, 0, 1, 600},  {7, 10, 2, 2, 791}, {8, 0, 0, 0, 792},
    {9, 0, 0, 0, 800},  {8, 0, 0, 1, 808},  {9, 7, 2, 2, 935},
    {8, 8, 0, 0, 936},  {9, 8, 0, 0, 939},  {8, 8, 0, 1, 942},
    {9, 10, 2, 2, 989},
};

TEST(NvdlaWeights, HandOrderInt8) {
  auto Cfg = take(lookupNvdlaConfig("nv_small"));
  ASSERT_TRUE(Cfg);
  WeightLayout L = take(makeWeightLayout(*Cfg, 10, 11, 3, 3, 1));
  EXPECT_EQ(L.getDenseBytes(), 990u);
  EXPECT_EQ(L.getPackedBytes(), 992u); // CBUF width 8
  EXPECT_EQ(L.getKernelGroupBytes(0), 792u);
  EXPECT_EQ(L.getKernelGroupBytes(1), 198u);
  for (const HandPos &H : Hand)
    EXPECT_EQ(L.getWeightOffset(H.K, H.C, H.R, H.S), H.Pos)
        << H.K << "," << H.C << "," << H.R << "," << H.S;
  std::vector<uint8_t> Dense = randomBytes(990, 7);
  auto P = take(packWeights(L, Dense));
  ASSERT_EQ(P.size(), 992u);
  for (const HandPos &H : Hand)
    EXPECT_EQ(P[H.Pos], Dense[((H.K * 11 + H.C) * 3 + H.R) * 3 + H.S]);
  EXPECT_EQ(P[990], 0);
  EXPECT_EQ(P[991], 0);
}

TEST(NvdlaWeights, HandOrderInt16) {
  // Same groups with 2-byte elements: the value of each element is its
  // dense index, so the blob spells out the order.
  WeightLayout L = take(makeWeightLayout(10, 11, 3, 3, 2, 8, 8, 64));
  EXPECT_EQ(L.getPackedBytes(), 1984u); // 1980 rounded up to 64
  std::vector<uint8_t> Dense(1980);
  for (unsigned I = 0; I < 990; ++I) {
    Dense[2 * I] = I & 0xff;
    Dense[2 * I + 1] = I >> 8;
  }
  auto P = take(packWeights(L, Dense));
  ASSERT_EQ(P.size(), 1984u);
  for (const HandPos &H : Hand) {
    unsigned Want = ((H.K * 11 + H.C) * 3 + H.R) * 3 + H.S;
    EXPECT_EQ(L.getWeightOffset(H.K, H.C, H.R, H.S), 2 * H.Pos);
    EXPECT_EQ(P[2 * H.Pos] | (P[2 * H.Pos + 1] << 8), Want);
  }
  // nv_full int16 halves atomic K: 16 kernels per group.
  auto Full = take(lookupNvdlaConfig("nv_full"));
  ASSERT_TRUE(Full);
  WeightLayout F = take(makeWeightLayout(*Full, 40, 3, 1, 1, 2));
  EXPECT_EQ(F.KernelsPerGroup, 16u);
  EXPECT_EQ(F.getNumKernelGroups(), 3);
  EXPECT_EQ(F.getWeightOffset(16, 0, 0, 0), 16u * 3 * 2);
}

TEST(NvdlaWeights, RoundTripsAndOffsets) {
  unsigned Seed = 100;
  for (unsigned Elem : {1u, 2u})
    for (auto [KG, CG, Width] :
         {std::tuple<unsigned, unsigned, unsigned>{8, 8, 8},
          {4, 8, 8},
          {8, 32, 32},
          {32, 64, 64},
          {16, 64, 64}})
      for (int64_t K : {1, 7, 8, 9, 33})
        for (int64_t C : {1, 3, 8, 11, 65})
          for (auto [R, S] :
               {std::pair<int64_t, int64_t>{1, 1}, {3, 3}, {2, 5}}) {
            WeightLayout L =
                take(makeWeightLayout(K, C, R, S, Elem, KG, CG, Width));
            auto Dense = randomBytes(L.getDenseBytes(), Seed++);
            auto P = take(packWeights(L, Dense));
            ASSERT_EQ(P.size(), L.getPackedBytes());
            ASSERT_EQ(P.size() % Width, 0u);
            // The offset function is a bijection onto [0, dense bytes) and
            // agrees with the blob.
            std::vector<bool> Seen(L.getDenseBytes() / Elem);
            for (int64_t k = 0; k < K; ++k)
              for (int64_t c = 0; c < C; ++c)
                for (int64_t r = 0; r < R; ++r)
                  for (int64_t s = 0; s < S; ++s) {
                    uint64_t Off = L.getWeightOffset(k, c, r, s);
                    ASSERT_LT(Off, L.getDenseBytes());
                    ASSERT_EQ(Off % Elem, 0u);
                    ASSERT_FALSE(Seen[Off / Elem]);
                    Seen[Off / Elem] = true;
                    uint64_t I = (((k * C + c) * R + r) * S + s) * Elem;
                    for (unsigned B = 0; B < Elem; ++B)
                      ASSERT_EQ(P[Off + B], Dense[I + B]);
                  }
            for (uint64_t I = L.getDenseBytes(); I < P.size(); ++I)
              ASSERT_EQ(P[I], 0);
            EXPECT_EQ(take(unpackWeights(L, P)), Dense);
          }
}

TEST(NvdlaWeights, Errors) {
  auto E1 = makeWeightLayout(0, 1, 1, 1, 1, 8, 8, 8);
  EXPECT_FALSE(bool(E1));
  llvm::consumeError(E1.takeError());
  auto E2 = makeWeightLayout(1, 1, 1, 1, 3, 8, 8, 8);
  EXPECT_FALSE(bool(E2));
  llvm::consumeError(E2.takeError());
  WeightLayout L = take(makeWeightLayout(2, 2, 1, 1, 1, 8, 8, 8));
  auto E3 = packWeights(L, std::vector<uint8_t>(3));
  EXPECT_FALSE(bool(E3));
  llvm::consumeError(E3.takeError());
  auto E4 = unpackWeights(L, std::vector<uint8_t>(3));
  EXPECT_FALSE(bool(E4));
  llvm::consumeError(E4.takeError());
}
