//===- SgemmTest.cpp - The blocked SGEMM ----------------------------------===//
//
// Part of onnc-fault. Checks every transpose combination against a double
// reference on sizes that cross the register-tile and cache-block edges,
// and that a row of C does not depend on the other rows computed with it.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Sgemm.h"
#include "gtest/gtest.h"
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace onncf;

namespace {

std::vector<float> randoms(size_t N, unsigned Seed) {
  std::mt19937 Rng(Seed);
  std::uniform_real_distribution<float> D(-1, 1);
  std::vector<float> V(N);
  for (float &X : V)
    X = D(Rng);
  return V;
}

TEST(Sgemm, MatchesReferenceForAllTransposes) {
  struct Size {
    int64_t M, N, K;
  };
  for (Size S : {Size{1, 1, 1}, Size{5, 7, 3}, Size{6, 16, 25},
                 Size{13, 33, 300}, Size{97, 530, 70}, Size{200, 3, 513}}) {
    for (int T = 0; T < 4; ++T) {
      bool TA = T & 1, TB = T & 2;
      auto A = randoms(S.M * S.K, 1), B = randoms(S.K * S.N, 2);
      int64_t LDA = TA ? S.M : S.K, LDB = TB ? S.K : S.N;
      std::vector<float> C(S.M * S.N, 7.0f);
      sgemm(TA, TB, S.M, S.N, S.K, A.data(), LDA, B.data(), LDB, C.data(),
            S.N);
      double MaxErr = 0;
      for (int64_t I = 0; I < S.M; ++I)
        for (int64_t J = 0; J < S.N; ++J) {
          double R = 0;
          for (int64_t P = 0; P < S.K; ++P)
            R += double(TA ? A[P * LDA + I] : A[I * LDA + P]) *
                 double(TB ? B[J * LDB + P] : B[P * LDB + J]);
          MaxErr = std::max(MaxErr, std::fabs(R - C[I * S.N + J]));
        }
      EXPECT_LT(MaxErr, 1e-4 * std::sqrt((double)S.K))
          << S.M << "x" << S.N << "x" << S.K << " trans " << T << " ("
          << getSgemmVariant() << ")";
    }
  }
}

TEST(Sgemm, AccumulateAddsToC) {
  std::vector<float> A = {1, 2}, B = {3, 4}, C = {10};
  sgemm(false, false, 1, 1, 2, A.data(), 2, B.data(), 1, C.data(), 1, true);
  EXPECT_EQ(C[0], 21.0f);
}

TEST(Sgemm, RowsAreIndependentOfTheBatch) {
  // Each row computed alone must be bit-identical to the same row computed
  // inside a larger M (the interpreter's thread-count independence).
  int64_t M = 37, N = 45, K = 600;
  auto A = randoms(M * K, 3), B = randoms(K * N, 4);
  std::vector<float> All(M * N), One(N);
  sgemm(false, false, M, N, K, A.data(), K, B.data(), N, All.data(), N);
  for (int64_t I = 0; I < M; ++I) {
    sgemm(false, false, 1, N, K, A.data() + I * K, K, B.data(), N, One.data(),
          N);
    EXPECT_EQ(0, std::memcmp(One.data(), All.data() + I * N, N * sizeof(float)))
        << "row " << I;
  }
}

} // namespace

namespace {

/// sgemmOffsetB against a double reference: B rows at arbitrary (here
/// overlapping, shifted) offsets into one buffer, the conv layout.
TEST(SgemmOffset, MatchesReferenceAcrossTileEdges) {
  for (int64_t M : {1, 3, 4, 5, 13, 48})
    for (int64_t N : {1, 7, 8, 9, 23, 24, 25, 61, 100})
      for (int64_t K : {1, 9, 300}) {
        auto A = randoms(M * K, 5), Buf = randoms(K * 3 + N + 8, 6);
        std::vector<int64_t> Off(K);
        for (int64_t P = 0; P < K; ++P)
          Off[P] = (P * 7) % (K * 3 + 1); // Shifted, overlapping rows.
        std::vector<float> PA(getSgemmPackedASize(M, K));
        sgemmPackA(M, K, A.data(), K, PA.data());
        int64_t LDC = (N + 7) / 8 * 8 + 3;
        std::vector<float> C(M * LDC, 7.0f);
        sgemmOffsetB(M, N, K, PA.data(), Buf.data(), Off.data(), C.data(),
                     LDC);
        double MaxErr = 0;
        for (int64_t I = 0; I < M; ++I) {
          for (int64_t J = 0; J < N; ++J) {
            double R = 0;
            for (int64_t P = 0; P < K; ++P)
              R += double(A[I * K + P]) * Buf[Off[P] + J];
            MaxErr = std::max(MaxErr, std::fabs(R - C[I * LDC + J]));
          }
          // Beyond the columns rounded up to 8 nothing is written.
          for (int64_t J = (N + 7) / 8 * 8; J < LDC; ++J)
            EXPECT_EQ(C[I * LDC + J], 7.0f);
        }
        EXPECT_LT(MaxErr, 1e-4 * std::sqrt((double)K))
            << M << "x" << N << "x" << K << " (" << getSgemmVariant() << ")";
      }
}

TEST(SgemmOffset, ElementsDoNotDependOnTheTileTheyFallIn) {
  // Every C element is one k-ordered accumulation: computing a row alone,
  // or a column window starting elsewhere, gives the same bits.
  int64_t M = 13, N = 61, K = 333;
  auto A = randoms(M * K, 8), Buf = randoms(K + N + 16, 9);
  std::vector<int64_t> Off(K);
  for (int64_t P = 0; P < K; ++P)
    Off[P] = P;
  std::vector<float> PA(getSgemmPackedASize(M, K));
  sgemmPackA(M, K, A.data(), K, PA.data());
  int64_t LDC = 64;
  std::vector<float> All(M * LDC);
  sgemmOffsetB(M, N, K, PA.data(), Buf.data(), Off.data(), All.data(), LDC);
  for (int64_t I = 0; I < M; ++I) {
    std::vector<float> PA1(getSgemmPackedASize(1, K)), One(LDC);
    sgemmPackA(1, K, A.data() + I * K, K, PA1.data());
    // Columns 5.. computed as columns 0.. of a shifted window.
    sgemmOffsetB(1, N - 5, K, PA1.data(), Buf.data() + 5, Off.data(),
                 One.data(), LDC);
    EXPECT_EQ(0, std::memcmp(One.data(), All.data() + I * LDC + 5,
                             (N - 5) * sizeof(float)))
        << "row " << I;
  }
}

} // namespace
