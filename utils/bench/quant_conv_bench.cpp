//===- quant_conv_bench.cpp - quant.conv / quant.fc kernel speed ----------===//
//
// Part of onnc-fault. A google-benchmark binary (built by quant_conv.sh,
// not part of the test suite) timing one image through the interpreter's
// kernels: quant.conv on VGG-sized layers (8-bit and 16-bit operands)
// against onnx.Conv in float on the same layer, and quant.fc. Reports
// GOPS (2 ops per multiply-accumulate).
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Op.h"
#include "onncf/Interp/Kernels.h"
#include "llvm/Support/Error.h"
#include <benchmark/benchmark.h>
#include <random>

using namespace onncf;

namespace {

struct Layer {
  int64_t C, H, W, M, K; // input channels, spatial dims, outputs, kernel
};

template <typename T>
Tensor randomTensor(ElementType Elt, std::vector<int64_t> Shape, int64_t Lo,
                    int64_t Hi, unsigned Seed) {
  Tensor R(TensorType(Elt, Shape));
  std::mt19937 Rng(Seed);
  std::uniform_int_distribution<int64_t> D(Lo, Hi);
  for (T &V : R.mutableData<T>())
    V = static_cast<T>(D(Rng));
  return R;
}

/// Times one op over \p Operands (operand 0 a graph input, the others
/// constants).
void runOp(benchmark::State &St, const char *Kind, std::vector<Tensor> Operands,
           AttributeMap Attrs, double MACs) {
  Graph G;
  Builder B(G);
  std::vector<Value *> Vals;
  Vals.push_back(*G.addInput("x", Operands[0].getType()));
  for (size_t I = 1; I < Operands.size(); ++I)
    Vals.push_back(B.createConstant("c", Operands[I]));
  auto O = B.createOp(Kind, Vals, std::move(Attrs));
  if (!O) {
    St.SkipWithError(llvm::toString(O.takeError()).c_str());
    return;
  }
  std::vector<const Tensor *> Args;
  for (const Tensor &T : Operands)
    Args.push_back(&T);
  for (auto _ : St) {
    auto R = evaluateOp(**O, Args);
    if (!R) {
      St.SkipWithError(llvm::toString(R.takeError()).c_str());
      return;
    }
    benchmark::DoNotOptimize(R->front().bytes().data());
  }
  St.counters["GOPS"] = benchmark::Counter(2 * MACs * St.iterations() * 1e-9,
                                           benchmark::Counter::kIsRate);
}

const Layer Layers[] = {
    {64, 112, 112, 128, 3}, // VGG16 conv2_1
    {256, 56, 56, 256, 3},  // VGG16 conv3_2
    {512, 14, 14, 512, 3},  // VGG16 conv5_x
    {3, 224, 224, 64, 3},   // VGG16 conv1_1 (K = 27)
};

double macs(const Layer &L) {
  return double(L.C) * L.K * L.K * L.M * L.H * L.W;
}

AttributeMap convAttrs(const Layer &L, bool Quant) {
  int64_t P = L.K / 2;
  AttributeMap A{{"pads", std::vector<int64_t>{P, P, P, P}}};
  if (Quant) {
    A["mul"] = std::vector<int64_t>{20000};
    A["shift"] = int64_t(24);
    A["relu"] = int64_t(1);
  }
  return A;
}

void BM_QuantConv8(benchmark::State &St) {
  const Layer &L = Layers[St.range(0)];
  runOp(
      St, "quant.conv",
      {randomTensor<int8_t>(ElementType::I8, {1, L.C, L.H, L.W}, -128, 127, 1),
       randomTensor<int8_t>(ElementType::I8, {L.M, L.C, L.K, L.K}, -128, 127,
                            2),
       randomTensor<int32_t>(ElementType::I32, {L.M}, -1000, 1000, 3)},
      convAttrs(L, true), macs(L));
}

void BM_QuantConv16(benchmark::State &St) {
  // 16-bit activations, 12-bit weights: the int32 path still applies.
  const Layer &L = Layers[St.range(0)];
  AttributeMap A = convAttrs(L, true);
  A["out_bits"] = int64_t(16);
  A["clip_truncate"] = int64_t(8);
  runOp(St, "quant.conv",
        {randomTensor<int16_t>(ElementType::I16, {1, L.C, L.H, L.W}, -2000,
                               2000, 1),
         randomTensor<int16_t>(ElementType::I16, {L.M, L.C, L.K, L.K}, -2048,
                               2047, 2)},
        A, macs(L));
}

void BM_FloatConv(benchmark::State &St) {
  const Layer &L = Layers[St.range(0)];
  Tensor X(TensorType(ElementType::F32, {1, L.C, L.H, L.W}));
  Tensor W(TensorType(ElementType::F32, {L.M, L.C, L.K, L.K}));
  std::mt19937 Rng(1);
  std::uniform_real_distribution<float> D(-1, 1);
  for (float &V : X.mutableData<float>())
    V = D(Rng);
  for (float &V : W.mutableData<float>())
    V = D(Rng);
  runOp(St, "onnx.Conv", {X, W}, convAttrs(L, false), macs(L));
}

void BM_QuantDepthwise(benchmark::State &St) {
  // MobileNet-style depthwise 3x3 (group = channels), stride St.range(0).
  int64_t C = 256, H = 28, S = St.range(0);
  AttributeMap A{{"pads", std::vector<int64_t>{1, 1, 1, 1}},
                 {"strides", std::vector<int64_t>{S, S}},
                 {"group", C},
                 {"mul", std::vector<int64_t>{20000}},
                 {"shift", int64_t(20)}};
  int64_t OH = (H - 1) / S + 1;
  runOp(St, "quant.conv",
        {randomTensor<int8_t>(ElementType::I8, {1, C, H, H}, -128, 127, 1),
         randomTensor<int8_t>(ElementType::I8, {C, 1, 3, 3}, -128, 127, 2)},
        A, double(C) * 9 * OH * OH);
}

void BM_QuantFC(benchmark::State &St) {
  int64_t N = St.range(0), K = 4096, M = 4096;
  runOp(St, "quant.fc",
        {randomTensor<int8_t>(ElementType::I8, {N, K}, -128, 127, 1),
         randomTensor<int8_t>(ElementType::I8, {M, K}, -128, 127, 2)},
        {{"mul", std::vector<int64_t>{1000}}, {"shift", int64_t(20)}},
        double(N) * K * M);
}

} // namespace

BENCHMARK(BM_QuantConv8)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QuantConv16)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FloatConv)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QuantDepthwise)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QuantFC)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
