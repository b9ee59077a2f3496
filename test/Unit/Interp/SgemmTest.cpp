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
