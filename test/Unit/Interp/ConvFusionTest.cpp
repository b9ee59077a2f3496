//===- ConvFusionTest.cpp - Conv paths and prepared Conv/Gemm steps -------===//
//
// Part of onnc-fault. The interpreter runs Conv -> [BatchNormalization] ->
// [Relu] chains as one step and packs constant Conv/Gemm weights once per
// plan; the results must be bit-identical to running the ops one by one
// with weights packed per call, and chains whose intermediates have other
// uses must not be fused. Also checks Conv's direct GEMM path on shapes
// that cross its column-tile edges against a naive convolution.
//
//===----------------------------------------------------------------------===//
#include "InterpTestUtil.h"
#include <cstring>
#include <random>

using namespace onncf;
using namespace onncf::test;

namespace {

Tensor randomTensor(Ints Shape, unsigned Seed, float Lo = -1, float Hi = 1) {
  std::mt19937 Rng(Seed);
  std::uniform_real_distribution<float> D(Lo, Hi);
  Tensor T(TensorType(ElementType::F32, Shape));
  for (float &X : T.mutableData<float>())
    X = D(Rng);
  return T;
}

/// Same type and the same bytes (so -0 differs from +0, unlike ==).
bool bitsEqual(const Tensor &A, const Tensor &B) {
  return A.getType() == B.getType() && A.bytes().size() == B.bytes().size() &&
         std::memcmp(A.bytes().data(), B.bytes().data(), A.bytes().size()) ==
             0;
}

Value *res(llvm::Expected<Op *> O) { return cantFail(std::move(O))->getResult(); }

struct Net {
  std::unique_ptr<Graph> G = std::make_unique<Graph>();
  Value *X = nullptr;
};

/// conv(3->8, 3x3, pad 1, bias) -> BN -> relu -> conv(8->5, 3x3, stride 1,
/// no bias) -> relu -> conv(5->6, 3x3, stride 2) -> BN, on [N,3,9,7].
/// \p ExposeBN also makes the first BN's result a graph output, so that
/// chain fuses Conv and BN only and its Relu runs as its own step.
Net buildNet(bool ExposeBN) {
  Net R;
  Graph &G = *R.G;
  Builder B(G);
  R.X = cantFail(G.addInput("x", TensorType(ElementType::F32,
                                             {kDynamicDim, 3, 9, 7})));
  auto C = [&](const char *N, Ints S, unsigned Seed, float Lo = -1,
               float Hi = 1) {
    return B.createConstant(N, randomTensor(S, Seed, Lo, Hi));
  };
  auto BN = [&](Value *In, int64_t Ch, unsigned Seed) {
    return res(B.createOp("onnx.BatchNormalization",
                          {In, C("s", {Ch}, Seed), C("b", {Ch}, Seed + 1),
                           C("m", {Ch}, Seed + 2), C("v", {Ch}, Seed + 3, 0.1f, 2)},
                          {{"epsilon", 1e-3f}}));
  };
  Ints Pad1{1, 1, 1, 1};
  Value *C1 = res(B.createOp("onnx.Conv", {R.X, C("w1", {8, 3, 3, 3}, 1),
                                           C("b1", {8}, 2)},
                             {{"pads", Pad1}}));
  Value *N1 = BN(C1, 8, 10);
  Value *R1 = res(B.createOp("onnx.Relu", {N1}));
  Value *C2 = res(B.createOp("onnx.Conv", {R1, C("w2", {5, 8, 3, 3}, 3)},
                             {{"pads", Pad1}}));
  Value *R2 = res(B.createOp("onnx.Relu", {C2}));
  Value *C3 = res(B.createOp("onnx.Conv", {R2, C("w3", {6, 5, 3, 3}, 4),
                                           C("b3", {6}, 5)},
                             {{"strides", Ints{2, 2}}}));
  Value *N3 = BN(C3, 6, 20);
  G.addOutput(N3);
  G.addOutput(R2); // A fused chain's last result may be an output.
  if (ExposeBN)
    G.addOutput(N1);
  return R;
}

std::vector<Tensor> run(const Graph &G, const Tensor &X, bool Fuse,
                        unsigned Threads) {
  InterpreterOptions O;
  O.Threads = Threads;
  O.FuseConvEpilogues = Fuse;
  auto I = cantFail(Interpreter::create(G, O));
  auto Out = I->run({X});
  EXPECT_TRUE(bool(Out)) << (Out ? "" : llvm::toString(Out.takeError()));
  return Out ? *Out : std::vector<Tensor>{};
}

TEST(ConvFusion, FusedChainsAreBitIdenticalToOpByOp) {
  for (bool Expose : {false, true}) {
    Net N = buildNet(Expose);
    Tensor X = randomTensor({5, 3, 9, 7}, 42);
    auto Ref = run(*N.G, X, /*Fuse=*/false, 1);
    ASSERT_EQ(Ref.size(), Expose ? 3u : 2u);
    EXPECT_EQ(shapeOf(Ref[0]), (Ints{5, 6, 4, 3}));
    for (unsigned Threads : {1u, 2u, 3u}) {
      auto Out = run(*N.G, X, /*Fuse=*/true, Threads);
      ASSERT_EQ(Out.size(), Ref.size());
      for (size_t I = 0; I < Ref.size(); ++I)
        EXPECT_TRUE(bitsEqual(Out[I], Ref[I]))
            << "output " << I << " threads " << Threads << " expose "
            << Expose;
    }
  }
}

TEST(ConvFusion, ReluZeroesNegativesAndKeepsTheRest) {
  // A fused conv -> relu still clamps: 1x1 conv with weight -1 negates.
  Graph G;
  Builder B(G);
  Value *X = cantFail(
      G.addInput("x", TensorType(ElementType::F32, {1, 1, 1, 4})));
  Value *W = B.createConstant("w", F({1, 1, 1, 1}, {-1}));
  Value *C = res(B.createOp("onnx.Conv", {X, W}));
  G.addOutput(res(B.createOp("onnx.Relu", {C})));
  Tensor In = F({1, 1, 1, 4}, {1, -2, 0, 3});
  auto Out = run(G, In, true, 1);
  ASSERT_EQ(Out.size(), 1u);
  EXPECT_TRUE(bitsEqual(Out[0], F({1, 1, 1, 4}, {0, 2, 0, 0})));
  // Bitwise, so a fused Relu writing -0 for negatives would fail.
  EXPECT_TRUE(bitsEqual(Out[0], run(G, In, false, 1)[0]));
}

/// Direct convolution in double, the definition.
Floats naiveConv(const Tensor &XT, const Tensor &WT, Ints Str, Ints Dil,
                 Ints Pads, Ints &YS) {
  auto X = XT.data<float>(), W = WT.data<float>();
  int64_t N = XT.getShape()[0], C = XT.getShape()[1], H = XT.getShape()[2],
          Wd = XT.getShape()[3];
  int64_t M = WT.getShape()[0], KH = WT.getShape()[2], KW = WT.getShape()[3];
  int64_t OH = (H + Pads[0] + Pads[2] - (KH - 1) * Dil[0] - 1) / Str[0] + 1;
  int64_t OW = (Wd + Pads[1] + Pads[3] - (KW - 1) * Dil[1] - 1) / Str[1] + 1;
  YS = {N, M, OH, OW};
  Floats Y;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double S = 0;
          for (int64_t c = 0; c < C; ++c)
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                int64_t ih = oh * Str[0] - Pads[0] + kh * Dil[0];
                int64_t iw = ow * Str[1] - Pads[1] + kw * Dil[1];
                if (ih >= 0 && ih < H && iw >= 0 && iw < Wd)
                  S += double(X[((n * C + c) * H + ih) * Wd + iw]) *
                       W[((m * C + c) * KH + kh) * KW + kw];
              }
          Y.push_back(float(S));
        }
  return Y;
}

TEST(ConvFusion, DirectPathMatchesNaiveOnTileEdges) {
  struct Case {
    Ints XS, WS, Str, Dil, Pads;
  };
  // Output widths/areas chosen so the padded-width GEMM ends on every kind
  // of column remainder (1..23 past a 24-column tile) and M % 4 != 0;
  // strides > 1 go through the phase-split buffer.
  std::vector<Case> Cases = {
      {{2, 3, 7, 7}, {5, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      {{1, 2, 5, 11}, {7, 2, 2, 4}, {1, 1}, {1, 1}, {0, 3, 1, 0}},
      {{1, 4, 6, 6}, {3, 4, 3, 3}, {1, 1}, {2, 2}, {2, 2, 2, 2}},
      {{3, 6, 4, 4}, {9, 6, 1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},
      {{1, 1, 28, 28}, {16, 1, 3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
      {{1, 5, 1, 13}, {2, 5, 1, 3}, {1, 1}, {1, 1}, {0, 0, 0, 2}},
      {{2, 24, 14, 14}, {48, 24, 3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}},
      {{1, 6, 14, 14}, {8, 6, 1, 1}, {2, 2}, {1, 1}, {0, 0, 0, 0}},
      {{1, 3, 11, 10}, {5, 3, 3, 2}, {3, 2}, {1, 2}, {2, 0, 1, 3}},
      // Rows sharing their padding (stride 1): PR > PL, pads as wide as
      // the kernel reach, and pads wider than it (no sharing possible).
      {{1, 2, 6, 9}, {3, 2, 3, 3}, {1, 1}, {1, 1}, {1, 0, 0, 2}},
      {{1, 3, 6, 6}, {2, 3, 3, 3}, {1, 1}, {1, 1}, {2, 2, 2, 2}},
      {{1, 2, 5, 5}, {4, 2, 1, 1}, {1, 1}, {1, 1}, {1, 1, 1, 1}},
  };
  unsigned Seed = 100;
  for (const Case &C : Cases) {
    Tensor X = randomTensor(C.XS, Seed++), W = randomTensor(C.WS, Seed++);
    Ints YS;
    Floats Want = naiveConv(X, W, C.Str, C.Dil, C.Pads, YS);
    auto R = runOp("onnx.Conv", {X, W},
                   {{"strides", C.Str}, {"dilations", C.Dil}, {"pads", C.Pads}});
    ASSERT_EQ(R.size(), 1u);
    EXPECT_EQ(shapeOf(R[0]), YS);
    EXPECT_THAT(values(R[0]), FloatsNear(Want)) << "case M" << C.WS[0];
  }
}

/// \p Kind on (x, w[, b]) with w a constant (packed once by the plan) or a
/// second graph input (packed by the kernel on every call).
Tensor runWeighted(llvm::StringRef Kind, const Tensor &X, const Tensor &W,
                   const Tensor *Bias, AttributeMap Attrs, bool WAsInput) {
  Graph G;
  Builder B(G);
  Value *XV = cantFail(G.addInput("x", X.getType()));
  Value *WV = WAsInput ? cantFail(G.addInput("w", W.getType()))
                       : B.createConstant("w", W);
  std::vector<Value *> Ops = {XV, WV};
  if (Bias)
    Ops.push_back(B.createConstant("b", *Bias));
  G.addOutput(res(B.createOp(Kind, Ops, std::move(Attrs))));
  InterpreterOptions O;
  O.Threads = 1;
  auto I = cantFail(Interpreter::create(G, O));
  std::vector<Tensor> In = {X};
  if (WAsInput)
    In.push_back(W);
  auto Out = I->run(In);
  EXPECT_TRUE(bool(Out)) << (Out ? "" : llvm::toString(Out.takeError()));
  return Out ? (*Out)[0] : Tensor();
}

TEST(PrepackedWeights, GemmMatchesPerCallPacking) {
  // Sizes past the SGEMM's row block (64), K block (256) and panel edges.
  struct Case {
    int64_t M, N, K;
    bool TB;
  };
  for (Case C : {Case{8, 128, 576, true}, Case{70, 37, 300, false},
                 Case{3, 10, 84, true}, Case{1, 1, 1, false}}) {
    Tensor X = randomTensor({C.M, C.K}, 1);
    Tensor W = randomTensor(C.TB ? Ints{C.N, C.K} : Ints{C.K, C.N}, 2);
    Tensor Bias = randomTensor({C.N}, 3);
    AttributeMap A{{"transB", int64_t(C.TB)}, {"alpha", 0.5f}};
    Tensor Packed = runWeighted("onnx.Gemm", X, W, &Bias, A, false);
    Tensor PerCall = runWeighted("onnx.Gemm", X, W, &Bias, A, true);
    EXPECT_EQ(shapeOf(Packed), (Ints{C.M, C.N}));
    EXPECT_TRUE(bitsEqual(Packed, PerCall)) << C.M << "x" << C.N << "x" << C.K;
  }
}

TEST(PrepackedWeights, ConvMatchesPerCallPacking) {
  Tensor X = randomTensor({3, 6, 9, 8}, 4);
  for (int64_t Group : {1, 2, 3}) {
    Tensor W = randomTensor({6, 6 / Group, 3, 3}, 5 + Group);
    Tensor Bias = randomTensor({6}, 9);
    AttributeMap A{{"group", Group}, {"pads", Ints{1, 0, 2, 1}}};
    Tensor Packed = runWeighted("onnx.Conv", X, W, &Bias, A, false);
    Tensor PerCall = runWeighted("onnx.Conv", X, W, &Bias, A, true);
    EXPECT_EQ(shapeOf(Packed), (Ints{3, 6, 10, 7}));
    EXPECT_TRUE(bitsEqual(Packed, PerCall)) << "group " << Group;
  }
}

/// A residual block: conv1 -> relu -> conv2 (+ BN when \p WithBN); the
/// block input goes through a 1x1 shortcut conv computed after conv2; then
/// add (operands in the order \p ConvFirst) -> relu, and a second add of
/// the block's relu result and conv3 (a conv whose Add operand comes first
/// in the op order).
std::unique_ptr<Graph> buildResidual(bool ConvFirst, bool WithBN) {
  auto G = std::make_unique<Graph>();
  Builder B(*G);
  Value *X = cantFail(G->addInput("x", TensorType(ElementType::F32,
                                                   {kDynamicDim, 4, 6, 6})));
  auto C = [&](const char *N, Ints S, unsigned Seed, float Lo = -1,
               float Hi = 1) {
    return B.createConstant(N, randomTensor(S, Seed, Lo, Hi));
  };
  Ints Pad1{1, 1, 1, 1};
  Value *C1 = res(B.createOp("onnx.Conv", {X, C("w1", {4, 4, 3, 3}, 1),
                                           C("b1", {4}, 2)},
                             {{"pads", Pad1}}));
  Value *R1 = res(B.createOp("onnx.Relu", {C1}));
  Value *C2 = res(B.createOp("onnx.Conv", {R1, C("w2", {4, 4, 3, 3}, 3),
                                           C("b2", {4}, 4)},
                             {{"pads", Pad1}}));
  if (WithBN)
    C2 = res(B.createOp("onnx.BatchNormalization",
                        {C2, C("s", {4}, 5), C("bb", {4}, 6), C("m", {4}, 7),
                         C("v", {4}, 8, 0.1f, 2)}));
  Value *Sc = res(B.createOp("onnx.Conv", {X, C("ws", {4, 4, 1, 1}, 9)}));
  Value *A = res(B.createOp("onnx.Add", ConvFirst ? std::vector<Value *>{C2, Sc}
                                                  : std::vector<Value *>{Sc, C2}));
  Value *R2 = res(B.createOp("onnx.Relu", {A}));
  Value *C3 = res(B.createOp("onnx.Conv", {R2, C("w3", {4, 4, 3, 3}, 10)},
                             {{"pads", Pad1}}));
  Value *A2 = res(B.createOp("onnx.Add", {R2, C3}));
  G->addOutput(A2);
  G->addOutput(R2);
  return G;
}

TEST(ConvFusion, ResidualAddsAreBitIdenticalToOpByOp) {
  for (bool ConvFirst : {true, false})
    for (bool WithBN : {false, true}) {
      auto G = buildResidual(ConvFirst, WithBN);
      Tensor X = randomTensor({5, 4, 6, 6}, 77);
      auto Ref = run(*G, X, /*Fuse=*/false, 1);
      ASSERT_EQ(Ref.size(), 2u);
      for (unsigned Threads : {1u, 2u}) {
        auto Out = run(*G, X, /*Fuse=*/true, Threads);
        ASSERT_EQ(Out.size(), 2u);
        for (size_t I = 0; I < 2; ++I)
          EXPECT_TRUE(bitsEqual(Out[I], Ref[I]))
              << "output " << I << " conv first " << ConvFirst << " BN "
              << WithBN << " threads " << Threads;
      }
    }
}

TEST(ConvFusion, BroadcastingResidualFallsBackToOpByOp) {
  // Both batch axes are dynamic, so the plan fuses the Add; a run with a
  // residual batch of 1 broadcasts and must still give the op-by-op result.
  Graph G;
  Builder B(G);
  Value *X = cantFail(G.addInput("x", TensorType(ElementType::F32,
                                                  {kDynamicDim, 2, 5, 5})));
  Value *Rs = cantFail(G.addInput("r", TensorType(ElementType::F32,
                                                   {kDynamicDim, 3, 5, 5})));
  Value *Cv = res(B.createOp("onnx.Conv",
                             {X, B.createConstant("w", randomTensor({3, 2, 3, 3}, 1))},
                             {{"pads", Ints{1, 1, 1, 1}}}));
  Value *A = res(B.createOp("onnx.Add", {Rs, Cv}));
  G.addOutput(res(B.createOp("onnx.Relu", {A})));
  Tensor XT = randomTensor({3, 2, 5, 5}, 2);
  for (int64_t RB : {3, 1}) {
    Tensor RT = randomTensor({RB, 3, 5, 5}, 3);
    std::vector<Tensor> Outs[2];
    for (bool Fuse : {false, true}) {
      InterpreterOptions O;
      O.Threads = 1;
      O.FuseConvEpilogues = Fuse;
      auto I = cantFail(Interpreter::create(G, O));
      auto Out = I->run({XT, RT});
      ASSERT_TRUE(bool(Out)) << llvm::toString(Out.takeError());
      Outs[Fuse] = *Out;
    }
    ASSERT_EQ(Outs[1].size(), 1u);
    EXPECT_EQ(shapeOf(Outs[1][0]), (Ints{3, 3, 5, 5}));
    EXPECT_TRUE(bitsEqual(Outs[0][0], Outs[1][0])) << "residual batch " << RB;
  }
}

} // namespace
