//===- PdpSplitTests.cpp - PDP split mode for wide pooling lines ----------===//
//
// Part of onnc-fault. Hand-built quantize -> pool -> dequantize networks
// whose pooled line is wider than the PDP buffer of the configuration: the
// loadable's PDP op must run in split mode (split_num > 1, partial widths
// tiling the input and the output width) and the virtual platform must
// give exactly the host integer interpreter's result. A line that needs
// more pieces than split_num can count is an error naming node and config.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Targets/NVDLA/Layout.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "gtest/gtest.h"
#include <random>

using namespace llvm;
using namespace onncf;
using namespace onncf::nvdla;

namespace {

template <typename T> T must(Expected<T> E) {
  if (!E) {
    ADD_FAILURE() << toString(E.takeError());
    std::abort();
  }
  return std::move(*E);
}

const NvdlaConfig &config(StringRef Name) {
  return *must(lookupNvdlaConfig(Name));
}

struct Pool {
  bool Max = true;
  int64_t C = 8, H = 4, W = 600;
  int64_t K = 3, S = 2, Pad = 1;
};

constexpr float InScale = 0.02f, OutScale = 0.02f;

/// quantize -> MaxPool or quant.avgpool ('pool') -> dequantize.
std::unique_ptr<Graph> makePoolNet(const Pool &P) {
  auto G = std::make_unique<Graph>();
  Builder B(*G);
  auto Make = [&](StringRef Kind, ArrayRef<Value *> Ops, AttributeMap A,
                  StringRef Name) {
    Op *O = must(B.createOp(Kind, Ops, std::move(A)));
    O->setName(Name.str());
    return O->getResult();
  };
  Value *X = cantFail(
      G->addInput("x", TensorType(ElementType::F32, {1, P.C, P.H, P.W})));
  Value *Q = Make("quant.quantize", {X},
                  {{"scale", InScale}, {"bits", int64_t(8)}}, "q");
  Value *Y = Make(P.Max ? "onnx.MaxPool" : "quant.avgpool", {Q},
                  {{"kernel_shape", std::vector<int64_t>{P.K, P.K}},
                   {"strides", std::vector<int64_t>{P.S, P.S}},
                   {"pads", std::vector<int64_t>(4, P.Pad)}},
                  "pool");
  G->addOutput(Make("quant.dequantize", {Y}, {{"scale", OutScale}}, "dq"));
  if (Error E = verifyGraph(*G))
    ADD_FAILURE() << toString(std::move(E));
  return G;
}

/// Compiles \p P for \p CfgName, runs one random input through the VP and
/// the interpreter, expects equal outputs; returns the decoded PDP op.
PdpOpDesc expectPoolBitExact(StringRef CfgName, const Pool &P) {
  const NvdlaConfig &Cfg = config(CfgName);
  auto Ref = makePoolNet(P), Dev = makePoolNet(P);
  auto I = must(Interpreter::create(*Ref));
  if (Error E = lowerToNvdla(*Dev, Cfg))
    ADD_FAILURE() << toString(std::move(E));
  if (Error E = planNvdla(*Dev, Cfg))
    ADD_FAILURE() << toString(std::move(E));
  auto Bytes = must(emitLoadable(*Dev, Cfg));
  auto F = must(parseLoadable(Bytes, "pdp.nvdla"));
  DLANetwork Net = must(decodeDLATask(*F, 0));
  EXPECT_EQ(Net.Ops.size(), 1u);
  PdpOpDesc Desc = Net.Ops.at(0).op.pdp;
  EXPECT_EQ(Net.Ops[0].common.op_type, 3); // PDP

  VPOptions VO;
  VO.Config = &Cfg;
  auto VP = must(VirtualPlatform::create(std::move(F), VO));
  int64_t OW = (P.W + 2 * P.Pad - P.K) / P.S + 1;
  int64_t OH = (P.H + 2 * P.Pad - P.K) / P.S + 1;
  auto InS = must(makeFeatureSurface(P.C, P.H, P.W, 1, Cfg.MemoryAtomBytes));
  auto OutS = must(makeFeatureSurface(P.C, OH, OW, 1, Cfg.MemoryAtomBytes));
  std::mt19937 R(21);
  std::normal_distribution<float> D(0.f, 1.0f);
  Tensor X(TensorType(ElementType::F32, {1, P.C, P.H, P.W}));
  std::vector<uint8_t> Dense;
  for (float &V : X.mutableData<float>()) {
    V = D(R);
    Dense.push_back(uint8_t(int8_t(fixp::quantize(V, InScale, 8))));
  }
  auto Want = must(I->runSingleThreaded({X}));
  auto Surface = must(packFeature(InS, Dense));
  Surface.resize(VP->getInputs()[0].Size, 0);
  auto Got = must(VP->runRaw({Surface}));
  auto Outs = must(unpackFeature(OutS, Got[0]));
  auto WantF = Want[0].data<float>();
  EXPECT_EQ(WantF.size(), Outs.size());
  unsigned Bad = 0, NonZero = 0;
  for (size_t K = 0; K < Outs.size() && K < WantF.size(); ++K) {
    float G = float(int8_t(Outs[K])) * OutScale;
    if (G != WantF[K] && Bad++ < 5)
      ADD_FAILURE() << CfgName.str() << " output " << K << ": VP " << G
                    << ", interpreter " << WantF[K];
    NonZero += Outs[K] != 0;
  }
  EXPECT_EQ(Bad, 0u) << CfgName.str();
  EXPECT_GT(NonZero, Outs.size() / 2) << "too few non-zero outputs";
  return Desc;
}

/// The partial widths tile the input and output widths.
void expectTiles(const PdpOpDesc &D, int64_t W, int64_t OW) {
  ASSERT_GT(D.split_num, 1);
  unsigned Mids = D.split_num - 2u;
  EXPECT_EQ(D.partial_in_width_first + Mids * D.partial_in_width_mid +
                D.partial_in_width_last,
            W);
  EXPECT_EQ(D.partial_width_first + Mids * D.partial_width_mid +
                D.partial_width_last,
            OW);
}

/// Every piece reads the input columns its output columns' windows need
/// (up to the start of the next piece) and nothing a later window of the
/// previous piece does not also need.
void expectPiecesMatchWindows(const PdpOpDesc &D, const Pool &P, int64_t OW) {
  int64_t I0 = 0, O0 = 0;
  for (unsigned J = 0; J < D.split_num; ++J) {
    bool First = J == 0, Last = J + 1 == D.split_num;
    int64_t In = First  ? D.partial_in_width_first
                 : Last ? D.partial_in_width_last
                        : D.partial_in_width_mid;
    int64_t Out = First  ? D.partial_width_first
                  : Last ? D.partial_width_last
                         : D.partial_width_mid;
    int64_t I1 = I0 + In, O1 = O0 + Out;
    // The last window of the piece ends inside it (or in right padding).
    int64_t End = (O1 - 1) * P.S - P.Pad + P.K;
    EXPECT_TRUE(End <= I1 || I1 == P.W) << "piece " << J;
    // Its first column is needed by the piece's own last window.
    if (!Last)
      EXPECT_GT(End, I1 - 1) << "piece " << J;
    I0 = I1;
    O0 = O1;
  }
  EXPECT_EQ(I0, P.W);
  EXPECT_EQ(O0, OW);
}

TEST(NVDLAPdpSplit, BufferLimitPerConfig) {
  // 7 KiB; int8 partial results 16-bit; ceil(3/2) = 2 lines in flight.
  EXPECT_EQ(config("nvdla-small").getPdpMaxSplitWidth(1, 3, 2), 224u);
  EXPECT_EQ(config("nvdla-small").getPdpMaxSplitWidth(1, 3, 1), 149u);
  EXPECT_EQ(config("nvdla-full").getPdpMaxSplitWidth(1, 3, 2), 56u);
  EXPECT_EQ(config("nvdla-full").getPdpMaxSplitWidth(1, 8, 1), 14u);
}

TEST(NVDLAPdpSplit, WideMaxPoolSmall) {
  // 1x8x4x600, 3x3 stride 2 pad 1: 300 output columns > 224.
  Pool P;
  PdpOpDesc D = expectPoolBitExact("nvdla-small", P);
  EXPECT_EQ(D.split_num, 2);
  EXPECT_EQ(D.pool_mode, 1);
  expectTiles(D, 600, 300);
  // First piece: outputs 0..223 read columns 0..447 (-1 pad + 3 wide).
  EXPECT_EQ(D.partial_width_first, 224);
  EXPECT_EQ(D.partial_in_width_first, 448);
  EXPECT_EQ(D.partial_width_last, 76);
  EXPECT_EQ(D.partial_in_width_last, 152);
}

TEST(NVDLAPdpSplit, WideAveragePoolSmallWithMidPieces) {
  // 1x12x4x600 (two channel surfaces), 3x3 stride 1 pad 1: 600 columns in
  // pieces of 149: first, 3 mid, last.
  Pool P;
  P.Max = false;
  P.C = 12;
  P.S = 1;
  PdpOpDesc D = expectPoolBitExact("nvdla-small", P);
  EXPECT_EQ(D.split_num, 5);
  EXPECT_EQ(D.pool_mode, 0);
  expectTiles(D, 600, 600);
  EXPECT_EQ(D.partial_width_mid, 149);
  EXPECT_EQ(D.partial_in_width_mid, 149);
  EXPECT_EQ(D.partial_in_width_first, 150);
  EXPECT_EQ(D.partial_width_last, 4);
}

TEST(NVDLAPdpSplit, WidePoolsOnOtherConfigs) {
  Pool P;
  P.W = 200; // 100 output columns > 56 on the 32-byte atom
  expectTiles(expectPoolBitExact("nvdla-full", P), 200, 100);
  // 2x2 stride 2: one line in flight, 112 columns a piece.
  P.Max = false;
  P.K = 2;
  P.Pad = 0;
  P.W = 300;
  expectTiles(expectPoolBitExact("nvdla-large", P), 300, 150);
  P.W = 800; // 400 <= 448 columns on the 8-byte atom: no split
  EXPECT_EQ(expectPoolBitExact("nvdla-small-256", P).split_num, 1);
}

TEST(NVDLAPdpSplit, SweepOfWindowsStridesAndPads) {
  // Every piece layout the planner picks must tile the widths (the VP
  // checks) and pool like the interpreter, including pads that leave the
  // last window mostly outside the cube.
  for (StringRef Cfg : {"nvdla-small", "nvdla-full"})
    for (bool Max : {true, false})
      for (int64_t K : {2, 3, 5, 8})
        for (int64_t S : {1, 2, 3, 7})
          for (int64_t Pad : {int64_t(0), K - 1}) {
            Pool P;
            P.Max = Max;
            P.K = K;
            P.S = S;
            P.Pad = Pad;
            P.H = K + 1;
            P.W = 1000 + 3 * K + S;
            SCOPED_TRACE(testing::Message()
                         << Cfg.str() << " max " << Max << " k " << K << " s "
                         << S << " pad " << Pad);
            int64_t OW = (P.W + 2 * Pad - K) / S + 1;
            PdpOpDesc D = expectPoolBitExact(Cfg, P);
            if (OW > config(Cfg).getPdpMaxSplitWidth(1, K, S)) {
              expectTiles(D, P.W, OW);
              expectPiecesMatchWindows(D, P, OW);
            } else
              EXPECT_EQ(D.split_num, 1);
          }
}

TEST(NVDLAPdpSplit, NarrowPoolIsNotSplit) {
  Pool P;
  P.W = 100;
  PdpOpDesc D = expectPoolBitExact("nvdla-small", P);
  EXPECT_EQ(D.split_num, 1);
  EXPECT_EQ(D.partial_in_width_first, 100);
  EXPECT_EQ(D.partial_width_first, 50);
}

TEST(NVDLAPdpSplit, TooWideIsAnErrorNamingNodeAndConfig) {
  // 8x8 stride 1 on nv_full: 14 columns a piece, 3993 columns need 286
  // pieces; split_num holds 255.
  Pool P;
  P.H = 8;
  P.W = 4000;
  P.K = 8;
  P.S = 1;
  P.Pad = 0;
  const NvdlaConfig &Cfg = config("nvdla-full");
  auto G = makePoolNet(P);
  if (Error E = lowerToNvdla(*G, Cfg))
    FAIL() << toString(std::move(E));
  if (Error E = planNvdla(*G, Cfg))
    FAIL() << toString(std::move(E));
  auto Bytes = emitLoadable(*G, Cfg);
  ASSERT_FALSE(bool(Bytes));
  std::string Msg = toString(Bytes.takeError());
  EXPECT_NE(Msg.find("nvdla.pdp 'pool'"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("nvdla-full"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("3993 columns"), std::string::npos) << Msg;
}

} // namespace
