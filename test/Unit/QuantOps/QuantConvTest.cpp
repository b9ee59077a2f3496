//===- QuantConvTest.cpp - quant.conv / quant.fc against the reference ----===//
//
// Part of onnc-fault. Random layers (groups, pads, strides, dilations,
// per-channel multipliers, ReLU, clamps, clip_truncate, 8/16-bit operands,
// 2..16-bit weights, extreme values) through the interpreter, compared
// element for element with the scalar reference of QuantRef.h; the int16
// GEMM's AVX2 and portable paths against each other; results independent
// of the thread count.
//
//===----------------------------------------------------------------------===//
#include "../Interp/InterpTestUtil.h"
#include "QuantKernels.h"
#include "QuantRef.h"
#include "onncf/IR/QuantOps.h"

using namespace onncf;
using namespace onncf::test;
using namespace onncf::qref;

namespace {

void addEpilogue(AttributeMap &A, const Epi &E) {
  A["mul"] = std::vector<int64_t>(E.Mul);
  A["shift"] = E.Shift;
  if (E.Relu)
    A["relu"] = int64_t(1);
  if (E.ClampMin)
    A["clamp_min"] = *E.ClampMin;
  if (E.ClampMax)
    A["clamp_max"] = *E.ClampMax;
  if (E.OutBits != 8)
    A["out_bits"] = int64_t(E.OutBits);
}

struct ConvCase {
  ConvCase(const char *Name, I64s XS, I64s WS)
      : Name(Name), XS(std::move(XS)), WS(std::move(WS)) {}
  const char *Name;
  I64s XS, WS;
  ConvParams P;
  unsigned XBits = 8, WBits = 8; // WBits: the stored word width 2..16
  bool Bias = true, PerChannel = true, Relu = false, Clamp = false;
  unsigned OutBits = 8;
  int64_t Shift = -1; // -1: typicalShift()
  double MinInteresting = 0.3;
};

ElementType eltFor(unsigned Bits) {
  return Bits <= 8 ? ElementType::I8 : ElementType::I16;
}

void runConvCase(const ConvCase &Cs, unsigned Seed, unsigned Threads = 1) {
  SCOPED_TRACE(Cs.Name);
  std::mt19937 Rng(Seed);
  int64_t XN = 1, WN = 1;
  for (int64_t D : Cs.XS)
    XN *= D;
  for (int64_t D : Cs.WS)
    WN *= D;
  int64_t XMax = fixp::intMax(Cs.XBits), WMax = fixp::intMax(Cs.WBits);
  I64s X = randomInts(XN, -XMax - 1, XMax, Rng);
  I64s W = randomInts(WN, -WMax - 1, WMax, Rng);
  int64_t M = Cs.WS[0];
  int64_t K = Cs.WS[1] * Cs.WS[2] * Cs.WS[3];
  int64_t Shift = Cs.Shift >= 0 ? Cs.Shift
                                : typicalShift(K, XMax, WMax, Cs.OutBits,
                                               Cs.P.ClipTruncate);
  // Biases of the order of the accumulator output.
  int64_t BMax = std::max<int64_t>(
      1, int64_t(std::ldexp(std::sqrt(double(K)) * XMax * WMax / 3,
                            -int(Cs.P.ClipTruncate))));
  BMax = std::min<int64_t>(BMax, INT32_MAX);
  I64s B;
  if (Cs.Bias)
    B = randomInts(M, -BMax, BMax, Rng);
  Epi E;
  E.Shift = Shift;
  E.Relu = Cs.Relu;
  E.OutBits = Cs.OutBits;
  E.Mul = Cs.PerChannel ? randomInts(M, 8192, 32767, Rng) : I64s{16384};
  if (Cs.Clamp) {
    E.ClampMin = -50;
    E.ClampMax = 60;
  }
  I64s YS;
  I64s Want = conv(X, Cs.XS, W, Cs.WS, B, Cs.P, E, YS);
  EXPECT_GE(interestingShare(Want, Cs.OutBits),
            Cs.Relu ? std::min(Cs.MinInteresting, 0.2) : Cs.MinInteresting)
      << "the random layer saturates or zeroes too many outputs";

  AttributeMap A;
  addEpilogue(A, E);
  const ConvParams &P = Cs.P;
  A["strides"] = I64s{P.SH, P.SW};
  A["dilations"] = I64s{P.DH, P.DW};
  A["pads"] = I64s{P.PT, P.PL, P.PB, P.PR};
  if (P.Group != 1)
    A["group"] = P.Group;
  if (P.ClipTruncate)
    A["clip_truncate"] = P.ClipTruncate;
  Tensor WT = makeInt(eltFor(Cs.WBits), Cs.WS, W);
  QuantParams WQ;
  WQ.Axis = 0;
  WQ.Bits = Cs.WBits;
  WQ.Scales.assign(M, 0.01f);
  TensorType WType = WT.getType();
  WType.setQuant(WQ);
  WT.setType(WType);
  auto R = runOp(quantop::Conv,
                 {makeInt(eltFor(Cs.XBits), Cs.XS, X), WT,
                  Cs.Bias ? makeInt(ElementType::I32, {M}, B) : Tensor()},
                 A, 1, 1, nullptr, Threads);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), YS);
  EXPECT_EQ(R[0].getElementType(),
            Cs.OutBits == 16 ? ElementType::I16 : ElementType::I8);
  I64s Got = ints(R[0]);
  ASSERT_EQ(Got.size(), Want.size());
  size_t Bad = 0;
  for (size_t I = 0; I < Got.size(); ++I)
    if (Got[I] != Want[I] && Bad++ < 5)
      ADD_FAILURE() << "element " << I << ": " << Got[I] << " vs " << Want[I];
  EXPECT_EQ(Bad, 0u);
}

TEST(QuantConv, Basic8Bit) {
  ConvCase C{"basic", {2, 3, 6, 5}, {4, 3, 3, 3}};
  C.P.PT = C.P.PL = C.P.PB = C.P.PR = 1;
  runConvCase(C, 1);
}

TEST(QuantConv, StridesDilationsAsymmetricPads) {
  ConvCase C{"strided", {1, 5, 11, 9}, {7, 5, 3, 2}};
  C.P = {1, 2, 1, 2, 3, 1, 0, 2, 1, 0};
  C.Relu = true;
  runConvCase(C, 2);
  C.P = {1, 1, 3, 1, 1, 0, 2, 2, 0, 0};
  C.Clamp = true;
  runConvCase(C, 3);
}

TEST(QuantConv, Stride1PaddingLayouts) {
  // Shared row gaps with asymmetric pads and dilations; pads as large as
  // the window (1x1 with pad 2 and 3x3 with pads 3) need separate gaps.
  struct {
    I64s WS;
    int64_t DH, DW, PT, PL, PB, PR;
  } Cases[] = {{{5, 4, 3, 3}, 1, 2, 0, 2, 1, 0},
               {{5, 4, 2, 3}, 2, 1, 1, 0, 0, 3},
               {{5, 4, 1, 1}, 1, 1, 2, 2, 2, 2},
               {{5, 4, 3, 3}, 1, 1, 3, 3, 3, 3},
               {{5, 4, 3, 1}, 1, 1, 0, 1, 0, 1}};
  unsigned Seed = 20;
  for (const auto &Cs : Cases) {
    ConvCase C{"stride1", {2, 4, 7, 9}, Cs.WS};
    C.P.DH = Cs.DH;
    C.P.DW = Cs.DW;
    C.P.PT = Cs.PT;
    C.P.PL = Cs.PL;
    C.P.PB = Cs.PB;
    C.P.PR = Cs.PR;
    runConvCase(C, Seed++);
    C.XBits = C.WBits = 16;
    C.OutBits = 16;
    runConvCase(C, Seed++); // the int64 output path over wide rows
  }
}

TEST(QuantConv, GroupsAndDepthwise) {
  ConvCase C{"group2", {2, 6, 7, 7}, {4, 3, 3, 3}};
  C.P.Group = 2;
  C.P.PT = C.P.PB = 1;
  runConvCase(C, 4);
  ConvCase D{"depthwise", {1, 8, 9, 9}, {8, 1, 3, 3}};
  D.P.Group = 8;
  D.P.PT = D.P.PL = D.P.PB = D.P.PR = 1;
  D.P.SH = D.P.SW = 2;
  D.Relu = true;
  runConvCase(D, 5);
  ConvCase E{"depthwise-multiplier", {1, 4, 6, 6}, {8, 1, 3, 3}};
  E.P.Group = 4;
  runConvCase(E, 6);
}

TEST(QuantConv, ClipTruncateOneMultiplierNoBias) {
  ConvCase C{"clip", {1, 16, 5, 5}, {9, 16, 3, 3}};
  C.P.ClipTruncate = 5;
  C.PerChannel = false;
  C.Bias = false;
  runConvCase(C, 7);
  // clip_truncate 31 leaves almost nothing of an 8-bit layer's sums.
  C.P.ClipTruncate = 31;
  C.Shift = 0;
  C.MinInteresting = 0;
  runConvCase(C, 8);
}

TEST(QuantConv, WeightWidths2To16AndInt16Activations) {
  for (unsigned WBits = 2; WBits <= 16; ++WBits) {
    for (unsigned XBits : {8u, 16u}) {
      ConvCase C{"widths", {1, 6, 6, 6}, {5, 6, 3, 3}};
      C.WBits = WBits;
      C.XBits = XBits;
      C.P.PT = C.P.PL = 1;
      C.P.ClipTruncate = WBits + XBits > 20 ? 12 : 0;
      C.OutBits = XBits;
      SCOPED_TRACE("WBits " + std::to_string(WBits) + " XBits " +
                   std::to_string(XBits));
      runConvCase(C, 100 + WBits * 2 + XBits);
    }
  }
}

TEST(QuantConv, LargeChannelCountsAndBlocking) {
  // K = 300 * 9 = 2700 > one reduction block (512); M = 130 > one row
  // block; P = 17 * 3 is not a multiple of 16.
  ConvCase C{"big", {1, 300, 17, 3}, {130, 300, 3, 3}};
  C.P.PT = C.P.PB = C.P.PL = C.P.PR = 1;
  runConvCase(C, 9);
  C.XBits = C.WBits = 16;
  C.P.ClipTruncate = 20;
  C.OutBits = 16;
  runConvCase(C, 10); // scalar int64 sums
  C.WBits = 10;
  C.P.ClipTruncate = 14;
  runConvCase(C, 12); // int32 blocks of 64 pairs added in int64
}

TEST(QuantConv, Accumulator48BitSaturation) {
  // Every product is (-32768)^2 = 2^30 and K = 147456 of them: the exact
  // sum 2^47.17 exceeds the 48-bit accumulator, which saturates.
  I64s XS{1, 16384, 3, 3}, WS{1, 16384, 3, 3};
  I64s X(16384 * 9, -32768), W(16384 * 9, -32768);
  Epi E;
  E.Mul = {1};
  E.OutBits = 16;
  ConvParams P;
  P.ClipTruncate = 31;
  I64s YS;
  I64s Want = conv(X, XS, W, WS, {}, P, E, YS);
  EXPECT_EQ(Want[0],
            fixp::saturate(fixp::roundShift(fixp::intMax(48), 31), 16));
  AttributeMap A;
  addEpilogue(A, E);
  A["clip_truncate"] = int64_t(31);
  auto R = runOp(
      quantop::Conv,
      {makeInt(ElementType::I16, XS, X), makeInt(ElementType::I16, WS, W)}, A);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(ints(R[0]), Want);
}

TEST(QuantConv, ThreadCountDoesNotChangeResults) {
  ConvCase C{"batch", {7, 4, 5, 5}, {6, 4, 3, 3}};
  C.P.PT = C.P.PL = C.P.PB = C.P.PR = 1;
  C.Relu = true;
  runConvCase(C, 11, 1);
  runConvCase(C, 11, 3);
}

//===----------------------------------------------------------------------===//
// quant.fc
//===----------------------------------------------------------------------===//

void runFC(int64_t N, int64_t K, int64_t M, unsigned XBits, unsigned WBits,
           bool PerChannel, int64_t Clip, unsigned OutBits, unsigned Seed) {
  SCOPED_TRACE("fc N=" + std::to_string(N) + " K=" + std::to_string(K) +
               " M=" + std::to_string(M) + " bits " + std::to_string(XBits) +
               "x" + std::to_string(WBits));
  std::mt19937 Rng(Seed);
  int64_t XMax = fixp::intMax(XBits), WMax = fixp::intMax(WBits);
  I64s X = randomInts(N * K, -XMax - 1, XMax, Rng);
  I64s W = randomInts(M * K, -WMax - 1, WMax, Rng);
  int64_t BMax = std::max<int64_t>(
      1,
      int64_t(std::ldexp(std::sqrt(double(K)) * XMax * WMax / 3, -int(Clip))));
  I64s B = randomInts(M, -BMax, BMax, Rng);
  Epi E;
  E.Mul = PerChannel ? randomInts(M, 8192, 32767, Rng) : I64s{16384};
  E.Shift = typicalShift(K, XMax, WMax, OutBits, Clip);
  E.Relu = Seed % 2;
  E.OutBits = OutBits;
  I64s Want = fc(X, N, K, W, M, B, Clip, E);
  EXPECT_GE(interestingShare(Want, OutBits), E.Relu ? 0.15 : 0.3);
  AttributeMap A;
  addEpilogue(A, E);
  if (Clip)
    A["clip_truncate"] = Clip;
  auto R = runOp(quantop::FC,
                 {makeInt(eltFor(XBits), {N, K}, X),
                  makeInt(eltFor(WBits), {M, K}, W),
                  makeInt(ElementType::I32, {M}, B)},
                 A);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(shapeOf(R[0]), (Ints{N, M}));
  EXPECT_EQ(ints(R[0]), Want);
}

TEST(QuantFC, MatchesReference) {
  runFC(1, 10, 3, 8, 8, true, 0, 8, 1);
  runFC(3, 100, 17, 8, 4, false, 0, 8, 2);
  runFC(2, 4096, 9, 8, 8, true, 3, 16, 3);
  runFC(2, 33, 5, 16, 8, true, 6, 16, 4);
  runFC(2, 1000, 7, 8, 16, true, 8, 8, 5);
  runFC(3, 513, 6, 16, 16, true, 20, 16, 6);  // scalar int64 path
  runFC(2, 700, 5, 16, 10, true, 12, 16, 12); // int32 chunks of 128
  runFC(2, 5, 4, 16, 12, false, 0, 8, 8);
  runFC(1, 3, 1, 8, 8, false, 0, 8, 10);
}

//===----------------------------------------------------------------------===//
// The GEMM itself: AVX2 and portable agree with a direct sum
//===----------------------------------------------------------------------===//

TEST(QuantGemm, AVX2AndPortableMatchDirectSums) {
  using namespace onncf::interp::qgemm;
  std::mt19937 Rng(42);
  for (auto [M, K, P] : std::vector<std::array<int64_t, 3>>{
           {1, 1, 1}, {6, 27, 16}, {7, 513, 33}, {130, 1100, 50}, {13, 2, 5}}) {
    int64_t Kp = paddedK(K), LDC = numPanels(P) * NR;
    I64s A = randomInts(M * K, -128, 127, Rng);
    I64s B = randomInts(K * P, -128, 127, Rng);
    std::vector<int16_t> AP(M * Kp, 0), BP(packedBSize(K, P), 0);
    for (int64_t I = 0; I < M; ++I)
      for (int64_t J = 0; J < K; ++J)
        AP[I * Kp + J] = int16_t(A[I * K + J]);
    for (int64_t J = 0; J < K; ++J)
      for (int64_t Q = 0; Q < P; ++Q)
        BP[packedBIndex(J, Kp, Q)] = int16_t(B[J * P + Q]);
    std::vector<int32_t> C1(M * LDC), C2(M * LDC);
    std::vector<int64_t> C3(M * LDC);
    gemm32(M, Kp, P, AP.data(), BP.data(), C1.data(), LDC, Impl::Auto);
    gemm32(M, Kp, P, AP.data(), BP.data(), C2.data(), LDC, Impl::Portable);
    gemm64(M, Kp, P, AP.data(), BP.data(), C3.data(), LDC);
    for (int64_t I = 0; I < M; ++I)
      for (int64_t Q = 0; Q < P; ++Q) {
        int64_t S = 0;
        for (int64_t J = 0; J < K; ++J)
          S += A[I * K + J] * B[J * P + Q];
        ASSERT_EQ(C1[I * LDC + Q], S) << M << "x" << K << "x" << P;
        ASSERT_EQ(C2[I * LDC + Q], S);
        ASSERT_EQ(C3[I * LDC + Q], S);
      }
    // FC dot products, int8 and int16 weights, both paths.
    int64_t KPad = (K + 15) & ~int64_t(15);
    std::vector<int16_t> XP(KPad, 0);
    for (int64_t J = 0; J < K; ++J)
      XP[J] = int16_t(B[J * P]);
    std::vector<int8_t> W8(M * K);
    std::vector<int16_t> W16(M * K);
    for (int64_t I = 0; I < M * K; ++I)
      W8[I] = int8_t(A[I]), W16[I] = int16_t(A[I] * 3);
    std::vector<int32_t> D(M);
    for (Impl Im : {Impl::Auto, Impl::Portable}) {
      dot32(1, M, K, KPad, XP.data(), W8.data(), K, 1, D.data(), Im);
      for (int64_t I = 0; I < M; ++I)
        EXPECT_EQ(D[I], C3[I * LDC]);
      dot32(1, M, K, KPad, XP.data(), W16.data(), K, 2, D.data(), Im);
      for (int64_t I = 0; I < M; ++I)
        EXPECT_EQ(D[I], 3 * C3[I * LDC]);
    }
  }
}

} // namespace

namespace {

TEST(QuantGemm, VectorEpilogueMatchesFixp) {
  using namespace onncf::interp::qgemm;
  std::mt19937 Rng(9);
  I64s Acc = randomInts(203, INT32_MIN, INT32_MAX, Rng);
  I64s Small = randomInts(203, -70000, 70000, Rng);
  for (size_t I = 0; I < Small.size(); I += 2)
    Acc[I] = Small[I];
  Acc[0] = INT32_MIN;
  Acc[1] = INT32_MAX;
  Acc[2] = -1;
  Acc[3] = 0;
  std::vector<int32_t> A(Acc.begin(), Acc.end());
  for (int Trial = 0; Trial < 400; ++Trial) {
    unsigned Clip = Trial % 7 == 0 ? 31 : Rng() % 32;
    int32_t Bias = Trial % 5 == 0   ? INT32_MIN
                   : Trial % 5 == 1 ? INT32_MAX
                                    : int32_t(Rng() % 200001) - 100000;
    fixp::EpilogueParams E;
    E.Multiplier = Trial % 11 == 0 ? 32767 : int16_t(Rng() % 32768);
    E.Shift = Trial % 13 == 0 ? 63 : Rng() % 40;
    E.Relu = Rng() % 2;
    if (Rng() % 2) {
      E.ClampMin = int32_t(Rng() % 300) - 200;
      E.ClampMax = E.ClampMin + int32_t(Rng() % 300);
    }
    E.OutBits = Rng() % 2 ? 8 : 16;
    unsigned YB = E.OutBits / 8;
    std::vector<int16_t> Y1(A.size()), Y2(A.size());
    epilogueRow32(A.data(), A.size(), Clip, Bias, E, Y1.data(), YB, Impl::Auto);
    epilogueRow32(A.data(), A.size(), Clip, Bias, E, Y2.data(), YB,
                  Impl::Portable);
    // The per-element form (quant.add) and the int32 output.
    std::vector<int32_t> BV(A.rbegin(), A.rend()), Y3(A.size()), Y4(A.size());
    fixp::EpilogueParams E32 = E;
    E32.OutBits = 32;
    epilogueSum32(A.data(), BV.data(), A.size(), E32, Y3.data(), 4, Impl::Auto);
    epilogueRow32(A.data(), A.size(), Clip, Bias, E32, Y4.data(), 4,
                  Impl::Auto);
    for (size_t I = 0; I < A.size(); ++I) {
      ASSERT_EQ(Y3[I], fixp::sdpEpilogue(int64_t(A[I]) + BV[I], E32));
      ASSERT_EQ(Y4[I], fixp::sdpEpilogue(
                           int64_t(fixp::caccOutput(A[I], Clip)) + Bias, E32));
    }
    for (size_t I = 0; I < A.size(); ++I) {
      int64_t Want =
          fixp::sdpEpilogue(int64_t(fixp::caccOutput(A[I], Clip)) + Bias, E);
      int64_t G1 = YB == 2 ? Y1[I] : reinterpret_cast<int8_t *>(Y1.data())[I];
      int64_t G2 = YB == 2 ? Y2[I] : reinterpret_cast<int8_t *>(Y2.data())[I];
      ASSERT_EQ(G1, Want) << "trial " << Trial << " element " << I;
      ASSERT_EQ(G2, Want) << "trial " << Trial << " element " << I;
    }
  }
}

} // namespace

namespace {

TEST(QuantGemm, VectorQuantizeMatchesFixp) {
  using namespace onncf::interp::qgemm;
  std::mt19937 Rng(13);
  std::uniform_real_distribution<float> D(-300.0f, 300.0f);
  std::vector<float> X;
  for (float Special :
       {0.0f,      -0.0f,    0.5f,      -0.5f,   1.5f,        -1.5f,
        2.5f,      -2.5f,    126.5f,    127.5f,  -127.5f,     -128.5f,
        32766.5f,  32767.5f, -32768.5f, 1e30f,   -1e30f,      INFINITY,
        -INFINITY, NAN,      1e-40f,    -1e-40f, 0.49999997f, -0.49999997f})
    X.push_back(Special);
  for (int I = 0; I < 1000; ++I)
    X.push_back(I % 3 ? D(Rng) : std::round(D(Rng) * 2) / 2); // many ties
  for (double Scale : {1.0, 0.5, 0.25, 0.1, 0.0078740157480315, 3.0, 1e-3})
    for (unsigned Bits : {8u, 16u}) {
      std::vector<int16_t> Y(X.size());
      quantizeRow(X.data(), X.size(), Scale, Bits, Y.data(), Impl::Auto);
      for (size_t I = 0; I < X.size(); ++I) {
        int64_t Got =
            Bits == 16 ? Y[I] : reinterpret_cast<int8_t *>(Y.data())[I];
        ASSERT_EQ(Got, fixp::quantize(X[I], Scale, Bits))
            << "x " << X[I] << " scale " << Scale << " bits " << Bits;
      }
    }
}

} // namespace
