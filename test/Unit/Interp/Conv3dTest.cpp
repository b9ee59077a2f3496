//===- Conv3dTest.cpp - 3-D convolution kernel ----------------------------===//
//
// Part of onnc-fault. The 3-D onnx.Conv path (im2col over three spatial
// dims + SGEMM) against a naive direct convolution, with groups, dilations,
// strides and asymmetric pads; and per-image determinism (an image's result
// does not depend on the batch it is in).
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"
#include <random>

using namespace onncf;
using namespace onncf::test;

namespace {

Floats randoms(int64_t N, unsigned Seed) {
  std::mt19937 Rng(Seed);
  std::uniform_real_distribution<float> D(-1.0f, 1.0f);
  Floats V(N);
  for (float &X : V)
    X = D(Rng);
  return V;
}

int64_t product(const Ints &S) {
  int64_t P = 1;
  for (int64_t D : S)
    P *= D;
  return P;
}

/// Direct 3-D convolution, the definition. Pads are
/// [d_begin, h_begin, w_begin, d_end, h_end, w_end].
Floats naiveConv3D(const Floats &X, const Ints &XS, const Floats &W,
                   const Ints &WS, const Floats &B, int64_t Group,
                   const Ints &St, const Ints &Dl, const Ints &Pd, Ints &YS) {
  int64_t N = XS[0], C = XS[1], M = WS[0], Cg = C / Group, Mg = M / Group;
  int64_t In[3], K[3], Out[3];
  for (int I = 0; I < 3; ++I) {
    In[I] = XS[2 + I];
    K[I] = WS[2 + I];
    Out[I] = (In[I] + Pd[I] + Pd[3 + I] - ((K[I] - 1) * Dl[I] + 1)) / St[I] + 1;
  }
  YS = {N, M, Out[0], Out[1], Out[2]};
  Floats Y(product(YS));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t od = 0; od < Out[0]; ++od)
        for (int64_t oh = 0; oh < Out[1]; ++oh)
          for (int64_t ow = 0; ow < Out[2]; ++ow) {
            double S = B[m];
            int64_t g = m / Mg;
            for (int64_t c = 0; c < Cg; ++c)
              for (int64_t kd = 0; kd < K[0]; ++kd)
                for (int64_t kh = 0; kh < K[1]; ++kh)
                  for (int64_t kw = 0; kw < K[2]; ++kw) {
                    int64_t id = od * St[0] - Pd[0] + kd * Dl[0];
                    int64_t ih = oh * St[1] - Pd[1] + kh * Dl[1];
                    int64_t iw = ow * St[2] - Pd[2] + kw * Dl[2];
                    if (id < 0 || id >= In[0] || ih < 0 || ih >= In[1] ||
                        iw < 0 || iw >= In[2])
                      continue;
                    S +=
                        X[(((n * C + g * Cg + c) * In[0] + id) * In[1] + ih) *
                              In[2] +
                          iw] *
                        W[(((m * Cg + c) * K[0] + kd) * K[1] + kh) * K[2] + kw];
                  }
            Y[(((n * M + m) * Out[0] + od) * Out[1] + oh) * Out[2] + ow] = S;
          }
  return Y;
}

struct Conv3DCase {
  Ints XS, WS;
  int64_t Group;
  Ints Strides, Dil, Pads;
};

const std::vector<Conv3DCase> Cases = {
    // Groups, dilation, asymmetric pads.
    {{2, 4, 5, 6, 7},
     {6, 2, 3, 2, 3},
     2,
     {1, 1, 1},
     {2, 1, 2},
     {1, 0, 2, 0, 1, 1}},
    // Strides, no groups, more output columns than one SGEMM panel.
    {{1, 3, 7, 9, 8},
     {5, 3, 2, 3, 3},
     1,
     {2, 3, 1},
     {1, 1, 1},
     {0, 2, 1, 1, 0, 2}},
    // Depthwise with a channel multiplier of 2.
    {{2, 3, 4, 4, 4},
     {6, 1, 3, 3, 3},
     3,
     {1, 2, 2},
     {1, 1, 1},
     {1, 1, 1, 1, 1, 1}},
    // 1x1x1 kernel.
    {{1, 8, 3, 4, 5},
     {4, 8, 1, 1, 1},
     1,
     {1, 1, 1},
     {1, 1, 1},
     {0, 0, 0, 0, 0, 0}},
};

TEST(InterpConv3D, MatchesNaiveReference) {
  unsigned Seed = 100;
  for (const Conv3DCase &C : Cases) {
    Floats X = randoms(product(C.XS), Seed++),
           W = randoms(product(C.WS), Seed++), B = randoms(C.WS[0], Seed++);
    Ints YS;
    Floats Want =
        naiveConv3D(X, C.XS, W, C.WS, B, C.Group, C.Strides, C.Dil, C.Pads, YS);
    auto R = runOp("onnx.Conv", {F(C.XS, X), F(C.WS, W), F({C.WS[0]}, B)},
                   {{"group", C.Group},
                    {"strides", C.Strides},
                    {"dilations", C.Dil},
                    {"pads", C.Pads}});
    ASSERT_EQ(R.size(), 1u);
    EXPECT_EQ(shapeOf(R[0]), YS);
    EXPECT_THAT(values(R[0]), FloatsNear(Want)) << "case W" << C.WS[0];
  }
}

TEST(InterpConv3D, PerImageDeterminism) {
  // Image 1 of a batch of 2 gives bit-identical results to the same image
  // run alone.
  const Conv3DCase &C = Cases[0];
  Floats X = randoms(product(C.XS), 7), W = randoms(product(C.WS), 8),
         B = randoms(C.WS[0], 9);
  AttributeMap Attrs = {{"group", C.Group},
                        {"strides", C.Strides},
                        {"dilations", C.Dil},
                        {"pads", C.Pads}};
  auto Batch =
      runOp("onnx.Conv", {F(C.XS, X), F(C.WS, W), F({C.WS[0]}, B)}, Attrs);
  Ints One = C.XS;
  One[0] = 1;
  int64_t PerImage = product(One);
  Floats X1(X.begin() + PerImage, X.end());
  auto Single =
      runOp("onnx.Conv", {F(One, X1), F(C.WS, W), F({C.WS[0]}, B)}, Attrs);
  ASSERT_EQ(Batch.size(), 1u);
  ASSERT_EQ(Single.size(), 1u);
  Floats BV = values(Batch[0]), SV = values(Single[0]);
  ASSERT_EQ(BV.size(), 2 * SV.size());
  for (size_t I = 0; I < SV.size(); ++I)
    ASSERT_EQ(BV[SV.size() + I], SV[I]) << "element " << I;
}

TEST(InterpConv3D, RejectsMismatchedGroups) {
  std::string Err;
  auto R = runOp("onnx.Conv",
                 {F({1, 4, 3, 3, 3}, Floats(108, 1.0f)),
                  F({3, 2, 1, 1, 1}, Floats(6, 1.0f))},
                 {{"group", int64_t(2)}}, 1, 1, &Err);
  EXPECT_TRUE(R.empty());
  EXPECT_FALSE(Err.empty());
}

} // namespace
