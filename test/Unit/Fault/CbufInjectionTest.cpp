//===- CbufInjectionTest.cpp - CBUF faults on graphs and kernels ----------===//
//
// Part of onnc-fault. findCbufFaults / applyCbufFaults
// (onncf/Fault/CbufFaults.h) and the host quant.conv / quant.fc kernels
// that honour cbuf_data_hits: cells placed by hand on known elements of a
// small placed convolution (positions derived in the comments from the
// layout of docs/CbufFaults.md), checked against a direct computation on
// the corrupted operands; errors for split convolutions, a missing
// placement and a map of another geometry.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/WeightFaults.h"
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

std::string list(const std::vector<int64_t> &V) {
  std::string S;
  for (size_t I = 0; I < V.size(); ++I)
    S += (I ? ", " : "") + std::to_string(V[I]);
  return S;
}

// N=2 images of 3 x 4 x 5, 5 kernels of 3 x 2 x 2, pads [1, 0, 0, 1]
// (top, left, bottom, right), stride 1: output 5 x 4 x 5. The CBUF: entries
// of 4 bytes, 16 per bank (64 bytes), atoms of 2 channels; data banks
// [0, 2) (the cube is 4 rows x 2 surfaces x 5 columns x 2 bytes = 80),
// weight bank 2 (60 packed bytes).
constexpr int64_t N = 2, C = 3, H = 4, W = 5, M = 5, R = 2, S = 2;
constexpr int64_t OH = 4, OW = 5;

std::vector<int64_t> weights() {
  std::vector<int64_t> V;
  for (int64_t I = 0; I < M * C * R * S; ++I)
    V.push_back((I * 37 + 11) % 61 - 30);
  return V;
}
std::vector<int64_t> input() {
  std::vector<int64_t> V;
  for (int64_t I = 0; I < N * C * H * W; ++I)
    V.push_back((I * 53 + 7) % 101 - 50);
  return V;
}

std::string convText(const std::string &Extra = "cbuf_parts = 1") {
  return "graph @t {\n  input %x : i8[2,3,4,5]{q8 scales=[0.1]}\n"
         "  const %w : i8[5,3,2,2]{q8 scales=[0.1]} = dense<[" +
         list(weights()) +
         "]>\n  %y = quant.conv(%x, %w) {cbuf_banks = [2, 1], "
         "cbuf_geometry = [16, 4, 2], " +
         Extra +
         ", mul = [1], out_bits = 16, pads = [1, 0, 0, 1], shift = 0, "
         "strides = [1, 1], wmem_groups = [4, 2], wmem_kcrs = [5, 3, 2, 2], "
         "wmem_layout = \"nvdla-direct\", wmem_offset = 0, wmem_words = 60} : "
         "i16[2,5,4,5]{q16 scales=[0.01]}\n  return %y\n}\n";
}

DefectMap map(const std::string &Body,
              const std::string &Decl = "memory cbuf banks=3 entries=16 "
                                        "width=32\n") {
  auto Mp = parseDefectMap("onncf-defect-map 1\n" + Decl + Body, "test.map");
  EXPECT_TRUE(bool(Mp)) << toString(Mp.takeError());
  return Mp ? std::move(*Mp) : DefectMap();
}

/// The direct convolution (i16 saturation of the exact sum).
std::vector<int64_t> convRef(const std::vector<int64_t> &X,
                             const std::vector<int64_t> &Wt) {
  std::vector<int64_t> Y;
  for (int64_t Ni = 0; Ni < N; ++Ni)
    for (int64_t K = 0; K < M; ++K)
      for (int64_t Oy = 0; Oy < OH; ++Oy)
        for (int64_t Ox = 0; Ox < OW; ++Ox) {
          int64_t Acc = 0;
          for (int64_t Ch = 0; Ch < C; ++Ch)
            for (int64_t Ry = 0; Ry < R; ++Ry)
              for (int64_t Sx = 0; Sx < S; ++Sx) {
                int64_t Iy = Oy + Ry - 1, Ix = Ox + Sx;
                if (Iy < 0 || Iy >= H || Ix < 0 || Ix >= W)
                  continue;
                Acc += X[((Ni * C + Ch) * H + Iy) * W + Ix] *
                       Wt[((K * C + Ch) * R + Ry) * S + Sx];
              }
          Y.push_back(std::max<int64_t>(-32768, std::min<int64_t>(32767, Acc)));
        }
  return Y;
}

std::vector<int64_t> run(const Graph &G, const std::vector<int64_t> &X,
                         unsigned Threads) {
  InterpreterOptions IO;
  IO.Threads = Threads;
  auto I = Interpreter::create(G, IO);
  if (!I) {
    ADD_FAILURE() << toString(I.takeError());
    return {};
  }
  Tensor XT(TensorType(ElementType::I8, {N, C, H, W}));
  auto D = XT.mutableData<int8_t>();
  for (size_t J = 0; J < X.size(); ++J)
    D[J] = int8_t(X[J]);
  auto Rs = (*I)->run({XT});
  if (!Rs) {
    ADD_FAILURE() << toString(Rs.takeError());
    return {};
  }
  std::vector<int64_t> Y;
  for (int64_t J = 0; J < (*Rs)[0].getNumElements(); ++J)
    Y.push_back((*Rs)[0].getAsInt(J));
  return Y;
}

int64_t s8(int64_t V) { return int64_t(int8_t(uint8_t(V))); }

TEST(CbufInjection, ConvDataAndWeightCells) {
  // Data (c=2, h=3, w=4): atom (row 3, surface 1, column 4) = (3*2+1)*5+4
  // = 39, byte 39*2 + (2 mod 2) = 78: bank 1 entry 3 (78/4 = 19 = 16 + 3),
  // byte 2 of the entry, so bit 5 is bit 21 of the row. Data (c=0, h=0,
  // w=1): byte 2, bank 0 entry 0, bits 16..23; bit 0 stuck at 0.
  // Weight (k=4, c=1, r=1, s=0): kernel group 1 starts at byte 4*3*2*2 =
  // 48, channel group 0 of it holds 1 kernel x 2 channels x 2 x 2 in the
  // order (r, s, k, c): (1*2 + 0)*2 + 1 = 5, packed byte 53; CBUF byte
  // 2*64 + 53 = 181: bank 2 entry 13, byte 1, so bit 6 is bit 14.
  DefectMap Map = map("cell cbuf 1:3 21 sa1\ncell cbuf 0:0 16 sa0\n"
                      "cell cbuf 2:13 14 sa1\n");
  auto G = parseGraph(convText(), "conv.ir");
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  ASSERT_TRUE(ok(verifyGraph(**G)));
  auto F = findCbufFaults(**G, Map, "test.map");
  ASSERT_TRUE(bool(F)) << toString(F.takeError());
  ASSERT_EQ(F->size(), 1u);
  ASSERT_EQ((*F)[0].Data.size(), 2u);
  ASSERT_EQ((*F)[0].Weights.size(), 1u);
  EXPECT_EQ((*F)[0].Weights[0].Index, uint64_t(((4 * C + 1) * R + 1) * S));
  ASSERT_TRUE(ok(applyWeightFaults(**G, nullptr, "test.map")));
  ASSERT_TRUE(ok(applyCbufFaults(**G, *F)));
  ASSERT_TRUE(ok(verifyGraph(**G)));

  std::vector<int64_t> X = input(), Wt = weights();
  std::vector<int64_t> XF = X, WF = Wt;
  for (int64_t Ni = 0; Ni < N; ++Ni) {
    int64_t &A = XF[((Ni * C + 2) * H + 3) * W + 4];
    A = s8(A | 32);
    int64_t &B = XF[((Ni * C + 0) * H + 0) * W + 1];
    B = s8(B & ~1);
  }
  int64_t &WV = WF[((4 * C + 1) * R + 1) * S + 0];
  WV = s8(WV | 64);
  std::vector<int64_t> Want = convRef(XF, WF);
  EXPECT_EQ(run(**G, X, 1), Want);
  EXPECT_EQ(run(**G, X, 2), Want);
  // The cells matter.
  EXPECT_NE(convRef(X, Wt), Want);
}

TEST(CbufInjection, NoFaultsNoChange) {
  DefectMap Map = map("");
  auto G = parseGraph(convText(), "conv.ir");
  ASSERT_TRUE(bool(G));
  auto F = findCbufFaults(**G, Map, "test.map");
  ASSERT_TRUE(bool(F)) << toString(F.takeError());
  ASSERT_TRUE(ok(applyCbufFaults(**G, *F)));
  EXPECT_FALSE((*G)->getOps().front()->hasAttr(attr::CbufDataHits));
  EXPECT_EQ(run(**G, input(), 1), convRef(input(), weights()));
}

TEST(CbufInjection, Errors) {
  DefectMap Map = map("cell cbuf 0:0 0 sa1\n");
  {
    auto G = parseGraph(convText("cbuf_parts = 2"), "conv.ir");
    ASSERT_TRUE(bool(G));
    auto F = findCbufFaults(**G, Map, "test.map");
    ASSERT_FALSE(bool(F));
    EXPECT_NE(toString(F.takeError())
                  .find("the NVDLA planner runs this convolution in 2 parts"),
              std::string::npos);
  }
  {
    // Entries of 8 bytes: not this placement's 4-byte CBUF.
    DefectMap Wide = map("", "memory cbuf banks=3 entries=16 width=64\n");
    auto G = parseGraph(convText(), "conv.ir");
    ASSERT_TRUE(bool(G));
    auto F = findCbufFaults(**G, Wide, "wide.map");
    ASSERT_FALSE(bool(F));
    EXPECT_NE(toString(F.takeError())
                  .find("wide.map: memory 'cbuf' is 3 banks "
                        "x 16 entries x 64 bits"),
              std::string::npos);
  }
  {
    auto G = parseGraph(
        "graph @t {\n  input %x : i8[1,4]{q8 scales=[0.1]}\n  const %w : "
        "i8[2,4]{q8 scales=[0.1]} = dense<[1, 2, 3, 4, 5, 6, 7, 8]>\n  %y = "
        "quant.fc(%x, %w) {mul = [1], out_bits = 16, shift = 0} : "
        "i16[1,2]{q16 scales=[0.01]}\n  return %y\n}\n",
        "fc.ir");
    ASSERT_TRUE(bool(G)) << toString(G.takeError());
    auto F = findCbufFaults(**G, Map, "test.map");
    ASSERT_FALSE(bool(F));
    EXPECT_NE(toString(F.takeError())
                  .find("no quant.conv / quant.fc carries "
                        "a CBUF placement"),
              std::string::npos);
  }
}

} // namespace
