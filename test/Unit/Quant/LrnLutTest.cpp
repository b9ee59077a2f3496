//===- LrnLutTest.cpp - ONNX LRN as CDP parameters vs float LRN -----------===//
//
// Part of onnc-fault. designLrnCdp's registers, run through the shared CDP
// arithmetic (fixp::cdpPixel, what quant.lrn and the VP execute), against
// float ONNX LRN on the same (quantized) inputs, for AlexNet/GoogLeNet
// parameters and strongly normalising ones. The errors are printed (they
// are the figures in docs/Quantization.md) and bounded.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/LrnLut.h"
#include "llvm/Support/Error.h"
#include "gtest/gtest.h"
#include <random>
#include <vector>

using namespace onncf;

namespace {

struct Case {
  double Alpha, Beta, Bias;
  int64_t Size;
  double InScale;
};

/// The largest error of the integer LRN, in output LSBs, over \p Pixels
/// random pixels of \p C channels; \p OutScale from the float outputs'
/// maximum (what calibration would find).
double maxErrorLsb(const Case &K, unsigned C, unsigned Pixels,
                   std::mt19937 &Rng) {
  std::vector<std::vector<int8_t>> X(Pixels, std::vector<int8_t>(C));
  std::vector<std::vector<double>> Ref(Pixels, std::vector<double>(C));
  double MaxAbs = 0;
  int64_t Half = K.Size / 2;
  for (unsigned P = 0; P < Pixels; ++P) {
    // Mix of small and full-range values.
    int Range = P % 3 == 0 ? 8 : P % 3 == 1 ? 40 : 128;
    for (unsigned Ch = 0; Ch < C; ++Ch)
      X[P][Ch] = int8_t(int(Rng() % unsigned(2 * Range)) - Range);
    for (unsigned Ch = 0; Ch < C; ++Ch) {
      double S = 0;
      for (int64_t J = std::max<int64_t>(0, int64_t(Ch) - Half);
           J <= std::min<int64_t>(C - 1, int64_t(Ch) + Half); ++J)
        S += X[P][J] * K.InScale * X[P][J] * K.InScale;
      Ref[P][Ch] = lrnReference(X[P][Ch] * K.InScale, S, K.Alpha, K.Beta,
                                K.Bias, K.Size);
      MaxAbs = std::max(MaxAbs, std::abs(Ref[P][Ch]));
    }
  }
  double OutScale = MaxAbs / 127.0;
  auto D =
      designLrnCdp(K.Alpha, K.Beta, K.Bias, K.Size, K.InScale, 8, OutScale, 8);
  EXPECT_TRUE(bool(D)) << llvm::toString(D.takeError());
  if (!D)
    return 1e9;
  double MaxErr = 0;
  std::vector<int64_t> V(C);
  std::vector<int8_t> Y(C);
  for (unsigned P = 0; P < Pixels; ++P) {
    fixp::cdpPixel(X[P].data(), V.data(), Y.data(), C, D->Params, D->Lut);
    for (unsigned Ch = 0; Ch < C; ++Ch)
      MaxErr = std::max(MaxErr, std::abs(Y[Ch] - Ref[P][Ch] / OutScale));
  }
  return MaxErr;
}

TEST(LrnLut, Int8AccuracyAgainstFloatLrn) {
  std::mt19937 Rng(5);
  const Case Cases[] = {
      {1e-4, 0.75, 1.0, 5, 0.05}, // AlexNet, typical activations
      {1e-4, 0.75, 2.0, 5, 1.0},  // AlexNet (bias 2), large activations
      {2e-5, 0.75, 1.0, 5, 2.0},  // GoogLeNet
      {1.0, 0.75, 1.0, 3, 0.05},  // strongly normalising
      {1.0, 0.5, 0.5, 9, 0.1},    // strongly normalising, wide window
      {0.5, 1.0, 1.0, 7, 0.03},   // beta 1
  };
  double Worst = 0;
  for (const Case &K : Cases) {
    double E = maxErrorLsb(K, 24, 3000, Rng);
    std::printf("alpha %g beta %g bias %g size %lld in_scale %g: max error "
                "%.3f LSB\n",
                K.Alpha, K.Beta, K.Bias, (long long)K.Size, K.InScale, E);
    Worst = std::max(Worst, E);
    // Half an LSB is the rounding of the result itself; the table and the
    // 16-bit LUT output add the rest.
    EXPECT_LT(E, 1.0);
  }
  std::printf("worst: %.3f LSB\n", Worst);
}

TEST(LrnLut, RejectsBadParameters) {
  auto D = designLrnCdp(1e-4, 0.75, 1.0, 4, 0.1, 8, 0.1, 8);
  ASSERT_FALSE(bool(D));
  EXPECT_NE(llvm::toString(D.takeError()).find("size 4"), std::string::npos);
  D = designLrnCdp(1e-4, 0.75, 0.0, 5, 0.1, 8, 0.1, 8);
  ASSERT_FALSE(bool(D));
  EXPECT_NE(llvm::toString(D.takeError()).find("bias 0.0"), std::string::npos);
  D = designLrnCdp(1e-4, 0.75, 1.0, 5, 0.1, 8, -1.0, 8);
  ASSERT_FALSE(bool(D));
  llvm::consumeError(D.takeError());
}

} // namespace
