//===- MacInjectionTest.cpp - MAC lane faults on graphs and kernels -------===//
//
// Part of onnc-fault. placeMacLanes / mitigateMacLanes / applyMacFaults
// (onncf/Fault/MacFaults.h) and the host quant.conv / quant.fc kernels that
// honour cmac_lanes, checked against a direct per-product computation with
// MacLaneModel: strides, pads (padding zeros go through the data lane too),
// dilations, groups, fc with a [K, C, R, S] kernel; any thread count.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/MacFaults.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/Interp/Interpreter.h"
#include "gtest/gtest.h"
#include <string>

using namespace llvm;
using namespace onncf;
using namespace onncf::fault;

namespace {

::testing::AssertionResult ok(Error E) {
  if (!E)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << toString(std::move(E));
}

std::vector<int64_t> lcg(unsigned N, int64_t Max, uint64_t Seed) {
  std::vector<int64_t> R;
  for (unsigned I = 0; I < N; ++I) {
    Seed = Seed * 6364136223846793005ULL + 1442695040888963407ULL;
    R.push_back(int64_t((Seed >> 33) % uint64_t(2 * Max + 1)) - Max);
  }
  return R;
}

std::string list(const std::vector<int64_t> &V) {
  std::string S;
  for (size_t I = 0; I < V.size(); ++I)
    S += (I ? ", " : "") + std::to_string(V[I]);
  return S;
}

struct ConvCase {
  int64_t N, C, H, W, M, KH, KW, Group;
  int64_t Stride[2], Dil[2], Pads[4];
};

int64_t outDim(int64_t In, int64_t K, int64_t S, int64_t D, int64_t P0,
               int64_t P1) {
  return (In + P0 + P1 - D * (K - 1) - 1) / S + 1;
}

/// One quant.conv with i8 input and an i16 output (mul 1, shift 0: y is the
/// sum itself, saturated to 16 bits).
std::string convText(const ConvCase &C, const std::vector<int64_t> &W) {
  int64_t OH = outDim(C.H, C.KH, C.Stride[0], C.Dil[0], C.Pads[0], C.Pads[2]);
  int64_t OW = outDim(C.W, C.KW, C.Stride[1], C.Dil[1], C.Pads[1], C.Pads[3]);
  auto S = [](int64_t V) { return std::to_string(V); };
  return "graph @t {\n  input %x : i8[" + S(C.N) + "," + S(C.C) + "," + S(C.H) +
         "," + S(C.W) + "]{q8 scales=[0.1]}\n  const %w : i8[" + S(C.M) + "," +
         S(C.C / C.Group) + "," + S(C.KH) + "," + S(C.KW) +
         "]{q8 scales=[0.1]} = dense<[" + list(W) +
         "]>\n  %y = quant.conv(%x, %w) {dilations = [" + S(C.Dil[0]) + ", " +
         S(C.Dil[1]) + "], group = " + S(C.Group) +
         ", mul = [1], out_bits = "
         "16, pads = [" +
         S(C.Pads[0]) + ", " + S(C.Pads[1]) + ", " + S(C.Pads[2]) + ", " +
         S(C.Pads[3]) + "], shift = 0, strides = [" + S(C.Stride[0]) + ", " +
         S(C.Stride[1]) + "]} : i16[" + S(C.N) + "," + S(C.M) + "," + S(OH) +
         "," + S(OW) + "]{q16 scales=[0.01]}\n  return %y\n}\n";
}

int64_t sat16(int64_t V) {
  return std::max<int64_t>(-32768, std::min<int64_t>(32767, V));
}

/// The direct computation: every product through its cell's two lanes.
std::vector<int64_t> convRef(const ConvCase &C, const std::vector<int64_t> &X,
                             const std::vector<int64_t> &W,
                             const MacLaneModel &L) {
  int64_t OH = outDim(C.H, C.KH, C.Stride[0], C.Dil[0], C.Pads[0], C.Pads[2]);
  int64_t OW = outDim(C.W, C.KW, C.Stride[1], C.Dil[1], C.Pads[1], C.Pads[3]);
  int64_t Cg = C.C / C.Group, Mg = C.M / C.Group;
  std::vector<int64_t> Y;
  for (int64_t N = 0; N < C.N; ++N)
    for (int64_t K = 0; K < C.M; ++K)
      for (int64_t Oh = 0; Oh < OH; ++Oh)
        for (int64_t Ow = 0; Ow < OW; ++Ow) {
          int64_t Acc = 0;
          for (int64_t Ci = 0; Ci < Cg; ++Ci)
            for (int64_t Kh = 0; Kh < C.KH; ++Kh)
              for (int64_t Kw = 0; Kw < C.KW; ++Kw) {
                int64_t Ih = Oh * C.Stride[0] - C.Pads[0] + Kh * C.Dil[0];
                int64_t Iw = Ow * C.Stride[1] - C.Pads[1] + Kw * C.Dil[1];
                int64_t Xv = 0;
                if (Ih >= 0 && Ih < C.H && Iw >= 0 && Iw < C.W)
                  Xv = X[((N * C.C + K / Mg * Cg + Ci) * C.H + Ih) * C.W + Iw];
                int64_t Wv = W[((K * Cg + Ci) * C.KH + Kh) * C.KW + Kw];
                Acc += int64_t(L.effectiveData(K, Ci, int8_t(Xv))) *
                       L.effectiveWeight(K, Ci, int8_t(Wv));
              }
          Y.push_back(sat16(Acc));
        }
  return Y;
}

std::vector<int64_t> run(const Graph &G, const std::vector<int64_t> &X,
                         ArrayRef<int64_t> Shape, unsigned Threads) {
  InterpreterOptions IO;
  IO.Threads = Threads;
  auto I = Interpreter::create(G, IO);
  if (!I) {
    ADD_FAILURE() << toString(I.takeError());
    return {};
  }
  Tensor XT(TensorType(ElementType::I8, Shape));
  auto D = XT.mutableData<int8_t>();
  for (size_t J = 0; J < X.size(); ++J)
    D[J] = int8_t(X[J]);
  auto R = (*I)->run({XT});
  if (!R) {
    ADD_FAILURE() << toString(R.takeError());
    return {};
  }
  std::vector<int64_t> Y;
  for (int64_t J = 0; J < (*R)[0].getNumElements(); ++J)
    Y.push_back((*R)[0].getAsInt(J));
  return Y;
}

DefectMap map(const std::string &Body) {
  auto M = parseDefectMap("onncf-defect-map 1\n" + Body, "test.map");
  if (!M) {
    ADD_FAILURE() << toString(M.takeError());
    return DefectMap();
  }
  return std::move(*M);
}

/// A 4x2 array (8 cells): data faults on cells 1 (bit 6 sa1) and 6 (bit 2
/// sa0, bit 7 sa1), weight faults on cells 0 (bit 5 sa1) and 5 (bit 1 sa0).
const char *Faults = "memory cmac cells=8 bits=8\n"
                     "cell cmac 1:data 6 sa1\n"
                     "cell cmac 6:data 2 sa0\n"
                     "cell cmac 6:data 7 sa1\n"
                     "cell cmac 0:weight 5 sa1\n"
                     "cell cmac 5:weight 1 sa0\n";

void checkConv(const ConvCase &C, const char *Mit) {
  SCOPED_TRACE(std::string("mitigation ") + Mit);
  std::vector<int64_t> W = lcg(C.M * (C.C / C.Group) * C.KH * C.KW, 40, 5);
  std::vector<int64_t> X = lcg(C.N * C.C * C.H * C.W, 50, 9);
  auto G = parseGraph(convText(C, W), "conv.ir");
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  ASSERT_TRUE(ok(verifyGraph(**G)));
  MacGeometry Geo{4, 2};
  EXPECT_EQ(placeMacLanes(**G, Geo), 1u);
  DefectMap Map = map(Faults);
  auto M = parseMitigation(Mit);
  ASSERT_TRUE(bool(M));
  auto Rep = mitigateMacLanes(**G, Map, *M, "test.map");
  ASSERT_TRUE(bool(Rep)) << toString(Rep.takeError());
  ASSERT_TRUE(ok(verifyGraph(**G)));
  // The reference model: the map's faults and the recorded substitution.
  auto L = MacLaneModel::fromDefectMap(Map, Geo);
  ASSERT_TRUE(bool(L));
  Op &O = *(*G)->getOps().front();
  if (O.hasAttr(attr::CMacSubstitute))
    ASSERT_TRUE(ok(L->applySubstitutions(O.getIntsAttr(attr::CMacSubstitute))));
  L->finalize();
  std::vector<int64_t> WC;
  const Tensor &WT = O.getOperand(1)->getConstantData();
  for (int64_t J = 0; J < WT.getNumElements(); ++J)
    WC.push_back(WT.getAsInt(J));
  ASSERT_TRUE(ok(applyMacFaults(**G, &Map, "test.map")));
  ASSERT_TRUE(O.hasAttr(attr::CMacLanes));
  EXPECT_FALSE(O.hasAttr(attr::CMacSubstitute));
  std::vector<int64_t> Want = convRef(C, X, WC, *L);
  SmallVector<int64_t, 4> Shape{C.N, C.C, C.H, C.W};
  EXPECT_EQ(run(**G, X, Shape, 1), Want);
  EXPECT_EQ(run(**G, X, Shape, 2), Want);
  // Applying again changes nothing.
  std::vector<int64_t> Lanes = O.getIntsAttr(attr::CMacLanes);
  ASSERT_TRUE(ok(applyMacFaults(**G, &Map, "test.map")));
  EXPECT_EQ(O.getIntsAttr(attr::CMacLanes), Lanes);
  // The faults matter: the fault-free result differs.
  MacLaneModel Clean(Geo);
  EXPECT_NE(convRef(C, X, WC, Clean), Want);
}

TEST(MacInjection, ConvStride1Pads) {
  ConvCase C{2, 5, 6, 6, 9, 3, 3, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}};
  for (const char *M :
       {"none", "sign-bit", "inverse-sign-bit", "sign-bit-clamp",
        "optimal:sign-bit", "optimal:inverse-sign-bit"})
    checkConv(C, M);
}

TEST(MacInjection, ConvStridedDilatedGrouped) {
  ConvCase C{2, 6, 7, 8, 10, 3, 2, 2, {2, 1}, {2, 1}, {1, 0, 2, 1}};
  for (const char *M : {"none", "sign-bit"})
    checkConv(C, M);
  ConvCase D{1, 3, 5, 5, 7, 1, 1, 1, {2, 2}, {1, 1}, {0, 0, 0, 0}};
  checkConv(D, "none");
}

TEST(MacInjection, SignBitClampMakesWeightLanesExact) {
  ConvCase C{1, 4, 4, 4, 8, 3, 3, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}};
  std::vector<int64_t> W = lcg(8 * 4 * 9, 60, 5);
  auto G = parseGraph(convText(C, W), "conv.ir");
  ASSERT_TRUE(bool(G));
  MacGeometry Geo{4, 2};
  placeMacLanes(**G, Geo);
  DefectMap Map = map(Faults);
  auto Rep = mitigateMacLanes(**G, Map, *parseMitigation("sign-bit-clamp"),
                              "test.map");
  ASSERT_TRUE(bool(Rep)) << toString(Rep.takeError());
  auto L = MacLaneModel::fromDefectMap(Map, Geo);
  ASSERT_TRUE(bool(L));
  L->substituteKnownFaults(LaneMode::SignBit);
  L->finalize();
  const Tensor &WT = (*G)->getOps().front()->getOperand(1)->getConstantData();
  uint64_t Changed = 0;
  for (int64_t J = 0; J < WT.getNumElements(); ++J) {
    int64_t K = J / 36, Ci = J % 36 / 9, V = WT.getAsInt(J);
    Changed += V != W[J];
    unsigned Cell = Geo.cellOf(K, Ci);
    // Cell 0: bit 5 -> [-32, 31]; cell 5: bit 1 -> [-2, 1]; else unchanged.
    if (Cell == 0)
      EXPECT_EQ(V, std::max<int64_t>(-32, std::min<int64_t>(31, W[J])));
    else if (Cell == 5)
      EXPECT_EQ(V, std::max<int64_t>(-2, std::min<int64_t>(1, W[J])));
    else
      EXPECT_EQ(V, W[J]);
    // The substitution then returns the clamped value exactly.
    EXPECT_EQ(L->effectiveWeight(K, Ci, int8_t(V)), V);
  }
  EXPECT_GT(Changed, 0u);
  EXPECT_EQ(Rep->Clamped, Changed);
  EXPECT_EQ(Rep->Weights, uint64_t(W.size()));
  EXPECT_EQ(Rep->Lanes, 4u);
  EXPECT_EQ(Rep->SignFaultLanes, 1u);
}

// optimal:sign-bit stores, per weight on a faulty weight lane, the value
// whose value after the lane (faults, then substitution) is nearest to it:
// as near as any stored word gets, never farther than the clamp or plain
// substitution.
TEST(MacInjection, OptimalSignBitIsNearestExactValue) {
  ConvCase C{1, 4, 4, 4, 8, 3, 3, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}};
  std::vector<int64_t> W = lcg(8 * 4 * 9, 60, 5);
  MacGeometry Geo{4, 2};
  DefectMap Map = map(Faults);
  auto Stored = [&](const char *Mit) {
    auto G = parseGraph(convText(C, W), "conv.ir");
    EXPECT_TRUE(bool(G));
    placeMacLanes(**G, Geo);
    auto Rep = mitigateMacLanes(**G, Map, *parseMitigation(Mit), "test.map");
    EXPECT_TRUE(bool(Rep)) << toString(Rep.takeError());
    const Tensor &WT =
        (*G)->getOps().front()->getOperand(1)->getConstantData();
    std::vector<int64_t> V;
    for (int64_t J = 0; J < WT.getNumElements(); ++J)
      V.push_back(WT.getAsInt(J));
    return V;
  };
  std::vector<int64_t> Opt = Stored("optimal:sign-bit"),
                       Clamp = Stored("sign-bit-clamp");
  auto L = MacLaneModel::fromDefectMap(Map, Geo);
  ASSERT_TRUE(bool(L));
  L->substituteKnownFaults(LaneMode::SignBit);
  L->finalize();
  uint64_t DevOpt = 0, DevClamp = 0, DevSub = 0, Moved = 0;
  for (size_t J = 0; J < W.size(); ++J) {
    int64_t K = J / 36, Ci = J % 36 / 9;
    int64_t EOpt = L->effectiveWeight(K, Ci, int8_t(Opt[J]));
    int64_t EClamp = L->effectiveWeight(K, Ci, int8_t(Clamp[J]));
    int64_t ESub = L->effectiveWeight(K, Ci, int8_t(W[J]));
    EXPECT_LE(std::abs(EOpt - W[J]), std::abs(EClamp - W[J])) << J;
    EXPECT_LE(std::abs(EOpt - W[J]), std::abs(ESub - W[J])) << J;
    int64_t Best = 256; // the nearest any stored word can get
    for (int S = -128; S < 128; ++S)
      Best = std::min<int64_t>(
          Best, std::abs(L->effectiveWeight(K, Ci, int8_t(S)) - W[J]));
    EXPECT_EQ(std::abs(EOpt - W[J]), Best) << J;
    DevOpt += std::abs(EOpt - W[J]);
    DevClamp += std::abs(EClamp - W[J]);
    DevSub += std::abs(ESub - W[J]);
    Moved += Opt[J] != W[J];
  }
  EXPECT_GT(Moved, 0u);
  EXPECT_LT(DevOpt, DevClamp);
  EXPECT_LT(DevOpt, DevSub);
}

TEST(MacInjection, FcChannelsFromKCRS) {
  // fc over a flattened [6, 2, 2] cube: input element i is channel i / 4.
  std::vector<int64_t> W = lcg(5 * 24, 40, 3), X = lcg(3 * 24, 60, 4);
  std::string Text =
      "graph @t {\n  input %x : i8[3,24]{q8 scales=[0.1]}\n"
      "  const %w : i8[5,24]{q8 scales=[0.1]} = dense<[" +
      list(W) +
      "]>\n  %y = quant.fc(%x, %w) {mul = [1], out_bits = 16, "
      "shift = 0} : i16[3,5]{q16 scales=[0.01]}\n  return %y\n}\n";
  for (bool KCRS : {false, true}) {
    auto G = parseGraph(Text, "fc.ir");
    ASSERT_TRUE(bool(G));
    MacGeometry Geo{4, 2};
    placeMacLanes(**G, Geo);
    Op &O = *(*G)->getOps().front();
    if (KCRS)
      O.setAttr(attr::CMacKCRS, std::vector<int64_t>{5, 6, 2, 2});
    DefectMap Map = map(Faults);
    ASSERT_TRUE(ok(applyMacFaults(**G, &Map, "test.map")));
    auto L = MacLaneModel::fromDefectMap(Map, Geo);
    ASSERT_TRUE(bool(L));
    std::vector<int64_t> Want;
    for (int64_t N = 0; N < 3; ++N)
      for (int64_t K = 0; K < 5; ++K) {
        int64_t Acc = 0;
        for (int64_t I = 0; I < 24; ++I) {
          int64_t C = KCRS ? I / 4 : I;
          Acc += int64_t(L->effectiveData(K, C, int8_t(X[N * 24 + I]))) *
                 L->effectiveWeight(K, C, int8_t(W[K * 24 + I]));
        }
        Want.push_back(sat16(Acc));
      }
    EXPECT_EQ(run(**G, X, {3, 24}, 1), Want) << "kcrs " << KCRS;
    EXPECT_EQ(run(**G, X, {3, 24}, 2), Want) << "kcrs " << KCRS;
  }
}

TEST(MacInjection, Errors) {
  ConvCase C{1, 2, 3, 3, 2, 1, 1, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}};
  auto G = parseGraph(convText(C, {1, 2, 3, 4}), "conv.ir");
  ASSERT_TRUE(bool(G));
  DefectMap Map = map(Faults);
  // No placement yet.
  auto E0 = mitigateMacLanes(**G, Map, *parseMitigation("sign-bit"), "m");
  ASSERT_FALSE(bool(E0));
  EXPECT_NE(toString(E0.takeError()).find("carries cmac_cells"),
            std::string::npos);
  placeMacLanes(**G, MacGeometry{4, 2});
  for (const char *P : {"c1", "add-sub", "lsb", "optimal:c1", "auto"}) {
    auto E = mitigateMacLanes(**G, Map, *parseMitigation(P), "m");
    ASSERT_FALSE(bool(E)) << P;
    EXPECT_EQ(toString(E.takeError()),
              std::string("--mitigation=") + P +
                  " does not apply to MAC lanes (cmac): a lane has no stored "
                  "word to encode; use none, sign-bit, inverse-sign-bit, "
                  "sign-bit-clamp, optimal:sign-bit or "
                  "optimal:inverse-sign-bit");
  }
  DefectMap NoCmac = map("memory wmem words=8 width=8\n");
  auto E1 =
      mitigateMacLanes(**G, NoCmac, *parseMitigation("sign-bit"), "w.map");
  ASSERT_FALSE(bool(E1));
  EXPECT_EQ(toString(E1.takeError()),
            "w.map: the defect map has no cmac memory");
  // A geometry the map does not have.
  (*G)->getOps().front()->setAttr(attr::CMacCells, std::vector<int64_t>{8, 8});
  Error E2 = applyMacFaults(**G, &Map, "test.map");
  ASSERT_TRUE(bool(E2));
  EXPECT_NE(
      toString(std::move(E2)).find("has 8 MAC cells but the array is 8x8"),
      std::string::npos);
  (*G)->getOps().front()->setAttr(attr::CMacCells, std::vector<int64_t>{0, 8});
  Error E3 = applyMacFaults(**G, &Map, "test.map");
  ASSERT_TRUE(bool(E3));
  EXPECT_NE(toString(std::move(E3)).find("cmac_cells must be [atomK, atomC]"),
            std::string::npos);
  // A bad cmac_lanes attribute is an error of the kernel, not a crash.
  (*G)->getOps().front()->setAttr(attr::CMacCells, std::vector<int64_t>{4, 2});
  (*G)->getOps().front()->setAttr(
      attr::CMacLanes, std::vector<int64_t>{4, 2, 1, 9, 0, 0, 0, 0, 0});
  InterpreterOptions IO;
  auto I = Interpreter::create(**G, IO);
  ASSERT_TRUE(bool(I));
  Tensor XT(TensorType(ElementType::I8, {1, 2, 3, 3}));
  auto R = (*I)->run({XT});
  ASSERT_FALSE(bool(R));
  EXPECT_NE(toString(R.takeError()).find("cmac_lanes' has a bad lane entry"),
            std::string::npos);
}

} // namespace
