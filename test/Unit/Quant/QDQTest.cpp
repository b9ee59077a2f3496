//===- QDQTest.cpp - quant.* -> ONNX QDQ lowering -------------------------===//
//
// Part of onnc-fault. Checks lowerQuantToQDQ on a small hand-written
// quantized graph: only onnx.* ops and plain types remain, tensor names are
// kept, the Q/DQ scales are the ones the integer attributes imply, and the
// float QDQ graph (run by our interpreter, and re-imported from the exported
// .onnx file) reproduces the integer graph's outputs.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/QDQ.h"
#include "QuantTestUtil.h"
#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/Interp/Interpreter.h"
#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>

using namespace onncf;
using namespace llvm;

namespace {

/// x -> quantize -> conv(relu) -> MaxPool -> Concat -> Reshape -> fc ->
/// requantize(relu, clamp) -> add(fc, r) -> dequantize. The scales avoid
/// exact rounding ties (ONNX rounds them to even, NVDLA away from zero).
const char *TinyIR = R"IR(graph @tiny attributes {opset = 13} {
  input %x : f32[1,1,4,4]
  const %w : i8[2,1,3,3]{q8 axis=0 scales=[0.01, 0.02]} = dense<[48, 69, -102, 119, -60, 84, 24, -24, -35, 58, 15, -104, -55, -38, -17, -85, 91, 9]>
  const %b : i32[2] = dense<[1280, -640]>
  const %w2 : i8[3,16]{q8 axis=0 scales=[0.01, 0.015, 0.02]} = dense<[40, 103, -59, 49, 0, 8, 45, -127, -52, -72, 123, -121, -108, 61, -83, 64, -58, -71, 25, 56, 54, -15, 124, 62, 65, -93, -71, 74, 79, -89, -123, 111, 10, -40, 100, 68, -55, -44, 49, -126, 65, 17, -9, 32, -34, 45, -35, 125]>
  const %b2 : i32[3] = dense<[100, -200, 50]>
  const %shape : i64[2] = dense<[1, 16]>
  %xq = quant.quantize(%x) {scale = 0.0078125} : i8[1,1,4,4]{q8 scales=[0.0078125]}
  %c = quant.conv(%xq, %w, %b) {mul = [13107, 26214], pads = [1, 1, 1, 1], relu = 1, shift = 23} : i8[1,2,4,4]{q8 scales=[0.0500000007]} name "conv"
  %mp = onnx.MaxPool(%c) {kernel_shape = [2, 2], strides = [2, 2]} : i8[1,2,2,2]{q8 scales=[0.0500000007]}
  %cat = onnx.Concat(%mp, %mp) {axis = 1} : i8[1,4,2,2]{q8 scales=[0.0500000007]}
  %flat = onnx.Reshape(%cat, %shape) : i8[1,16]{q8 scales=[0.0500000007]}
  %fc = quant.fc(%flat, %w2, %b2) {mul = [10486, 15729, 20972], shift = 21} : i8[1,3]{q8 scales=[0.100000001]}
  %r = quant.requantize(%fc) {clamp_max = 20, mul = [28494], relu = 1, shift = 16} : i8[1,3]{q8 scales=[0.230000004]}
  %s = quant.add(%r, %fc) {mul = [27913], mul_b = 28494, shift = 15, shift_b = 16} : i8[1,3]{q8 scales=[0.270000011]}
  %y = quant.dequantize(%s) {scale = 0.270000011} : f32[1,3]
  return %y
}
)IR";

std::unique_ptr<Graph> parse(StringRef Text) {
  auto G = parseGraph(Text, "test.ir");
  if (!G) {
    ADD_FAILURE() << toString(G.takeError());
    return nullptr;
  }
  if (Error E = verifyGraph(**G)) {
    ADD_FAILURE() << toString(std::move(E));
    return nullptr;
  }
  return std::move(*G);
}

const Op *producer(const Graph &G, StringRef Name) {
  Value *V = G.lookup(Name);
  return V ? V->getDefiningOp() : nullptr;
}

/// Scalar or per-axis float constant operand I of \p O.
std::vector<float> floatsOf(const Op &O, unsigned I) {
  const Tensor &T = O.getOperand(I)->getConstantData();
  auto D = T.data<float>();
  return {D.begin(), D.end()};
}

Tensor randomImages(int64_t N, unsigned Seed) {
  std::mt19937 Rng(Seed);
  std::uniform_real_distribution<float> U(0.0f, 1.0f);
  Tensor T(TensorType(ElementType::F32, {N, 1, 4, 4}));
  for (float &V : T.mutableData<float>())
    V = U(Rng);
  return T;
}

std::vector<float> runGraph(const Graph &G, const Tensor &X) {
  auto I = Interpreter::create(G, {});
  if (!I) {
    ADD_FAILURE() << toString(I.takeError());
    return {};
  }
  auto Out = (*I)->run({X});
  if (!Out) {
    ADD_FAILURE() << toString(Out.takeError());
    return {};
  }
  // Every output, one after the other.
  std::vector<float> R;
  for (const Tensor &T : *Out) {
    auto D = T.data<float>();
    R.insert(R.end(), D.begin(), D.end());
  }
  return R;
}

TEST(QDQ, OnlyONNXOpsAndPlainTypesRemain) {
  auto G = parse(TinyIR);
  ASSERT_TRUE(G);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*G), Succeeded());
  for (const auto &O : G->getOps()) {
    EXPECT_TRUE(O->getKind().startswith("onnx.")) << O->getDescription();
    for (Value *R : O->getResults()) {
      EXPECT_FALSE(R->getType().getQuant()) << R->getName();
      // No dead ops left behind.
      EXPECT_TRUE(G->hasUses(R)) << R->getName();
    }
  }
  for (Value *C : G->getConstants())
    EXPECT_FALSE(C->getType().getQuant()) << C->getName();
  // int8-only graph: opset 13 suffices.
  EXPECT_EQ(G->getMetadata().at("opset").getInt(), 13);
  ASSERT_THAT_ERROR(verifyGraph(*G), Succeeded());
}

TEST(QDQ, KeepsNamesAndIntegerDataMovement) {
  auto G = parse(TinyIR);
  ASSERT_TRUE(G);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*G), Succeeded());
  // Integer activations keep their names. Those a ReLU made non-negative
  // (c, r) are uint8 with zero point 0, the others int8.
  for (StringRef N : {"xq", "c", "fc", "r", "s"}) {
    const Op *P = producer(*G, N);
    ASSERT_TRUE(P) << N.str();
    EXPECT_EQ(P->getKind(), "onnx.QuantizeLinear") << N.str();
    bool NonNeg = N == "c" || N == "r";
    EXPECT_EQ(G->lookup(N)->getType().getElementType(),
              NonNeg ? ElementType::U8 : ElementType::I8)
        << N.str();
    EXPECT_EQ(P->getOperand(2)->getType().getElementType(),
              NonNeg ? ElementType::U8 : ElementType::I8)
        << N.str();
  }
  // conv's relu is a Clip(0, 127 * s_y) between Conv and Q: the int8
  // saturation the uint8 type no longer does.
  const Op *Clip = producer(*G, "c")->getOperand(0)->getDefiningOp();
  ASSERT_EQ(Clip->getKind(), "onnx.Clip");
  EXPECT_FLOAT_EQ(floatsOf(*Clip, 1)[0], 0.0f);
  EXPECT_FLOAT_EQ(floatsOf(*Clip, 2)[0], 127 * 0.05f);
  EXPECT_EQ(Clip->getOperand(0)->getDefiningOp()->getKind(), "onnx.Conv");
  // MaxPool, Concat and Reshape stay on the (uint8) integer tensors.
  EXPECT_EQ(producer(*G, "mp")->getKind(), "onnx.MaxPool");
  EXPECT_EQ(producer(*G, "mp")->getOperand(0), G->lookup("c"));
  EXPECT_EQ(producer(*G, "cat")->getKind(), "onnx.Concat");
  EXPECT_EQ(producer(*G, "flat")->getKind(), "onnx.Reshape");
  EXPECT_EQ(G->lookup("flat")->getType().getElementType(), ElementType::U8);
  // The output is the float DequantizeLinear of s, named like before.
  ASSERT_EQ(G->getOutputs().size(), 1u);
  EXPECT_EQ(G->getOutputs()[0]->getName(), "y");
  EXPECT_EQ(producer(*G, "y")->getKind(), "onnx.DequantizeLinear");
  EXPECT_EQ(producer(*G, "y")->getOperand(0), G->lookup("s"));
  // Weights are int8 initializers read per output channel.
  EXPECT_EQ(G->lookup("w")->getType().getElementType(), ElementType::I8);
}

TEST(QDQ, ScalesFollowTheIntegerArithmetic) {
  auto G = parse(TinyIR);
  ASSERT_TRUE(G);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*G), Succeeded());
  // Q of c uses c's scale; W's DQ the effective s_y * mul / 2^shift / s_x.
  const Op *QC = producer(*G, "c");
  EXPECT_FLOAT_EQ(floatsOf(*QC, 1)[0], 0.05f);
  const Op *Relu = QC->getOperand(0)->getDefiningOp();
  const Op *Conv = Relu->getOperand(0)->getDefiningOp();
  const Op *DQW = Conv->getOperand(1)->getDefiningOp();
  ASSERT_EQ(DQW->getKind(), "onnx.DequantizeLinear");
  EXPECT_EQ(DQW->getOperand(0), G->lookup("w"));
  EXPECT_EQ(DQW->getIntAttr("axis", -1), 0);
  std::vector<float> SW = floatsOf(*DQW, 1);
  ASSERT_EQ(SW.size(), 2u);
  EXPECT_FLOAT_EQ(SW[0], float(0.05 * 13107 / std::ldexp(1.0, 23) / 0.0078125));
  EXPECT_FLOAT_EQ(SW[1], float(0.05 * 26214 / std::ldexp(1.0, 23) / 0.0078125));
  EXPECT_NEAR(SW[0], 0.01f, 0.01f * 1e-4);
  // The bias is DQ'd with s_x * s_w_eff.
  const Op *DQB = Conv->getOperand(2)->getDefiningOp();
  EXPECT_EQ(DQB->getOperand(0)->getType().getElementType(), ElementType::I32);
  EXPECT_FLOAT_EQ(floatsOf(*DQB, 1)[1], 0.0078125f * SW[1]);
  // requantize's relu + clamp_max = 20 becomes Clip(0, 20 * 0.23).
  const Op *Clip = producer(*G, "r")->getOperand(0)->getDefiningOp();
  ASSERT_EQ(Clip->getKind(), "onnx.Clip");
  EXPECT_FLOAT_EQ(floatsOf(*Clip, 1)[0], 0.0f);
  EXPECT_FLOAT_EQ(floatsOf(*Clip, 2)[0], 20 * 0.23f);
  // add: B (fc) is first rounded to A's (r's) units, as the SDP does: a
  // Q with s_b * 2^shift_b / mul_b, then read with A's scale.
  const Op *Add = producer(*G, "s")->getOperand(0)->getDefiningOp();
  ASSERT_EQ(Add->getKind(), "onnx.Add");
  // A's scale is the one its multiplier implies, s_y * mul / 2^shift
  // (0.23 up to the multiplier's rounding).
  float SA = float(double(0.27f) * 27913 / 32768);
  EXPECT_FLOAT_EQ(floatsOf(*Add->getOperand(0)->getDefiningOp(), 1)[0], SA);
  const Op *DQAdd = Add->getOperand(1)->getDefiningOp();
  EXPECT_FLOAT_EQ(floatsOf(*DQAdd, 1)[0], SA);
  const Op *QB = DQAdd->getOperand(0)->getDefiningOp();
  ASSERT_EQ(QB->getKind(), "onnx.QuantizeLinear");
  EXPECT_FLOAT_EQ(floatsOf(*QB, 1)[0], SA);
  // fc is read at s_a * mul_b / 2^shift_b (about its declared 0.1).
  const Op *DQFc = QB->getOperand(0)->getDefiningOp();
  EXPECT_FLOAT_EQ(floatsOf(*DQFc, 1)[0], float(double(SA) * 28494 / 65536));
  EXPECT_NEAR(floatsOf(*DQFc, 1)[0], 0.1f, 1e-5f);
  EXPECT_EQ(QB->getOperand(0)->getDefiningOp()->getOperand(0), G->lookup("fc"));
  EXPECT_FLOAT_EQ(floatsOf(*producer(*G, "s"), 1)[0], 0.27f);
  // fc: Gemm with transB.
  const Op *Gemm = producer(*G, "fc")->getOperand(0)->getDefiningOp();
  EXPECT_EQ(Gemm->getKind(), "onnx.Gemm");
  EXPECT_EQ(Gemm->getIntAttr("transB", 0), 1);
}

/// The QDQ graph computes in float what the integer graph computes with the
/// SDP arithmetic: outputs agree except on rare rounding ties (one LSB).
TEST(QDQ, FloatGraphReproducesIntegerResults) {
  auto Q = parse(TinyIR);
  auto F = parse(TinyIR);
  ASSERT_TRUE(Q && F);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*F), Succeeded());
  Tensor X = randomImages(256, 1);
  std::vector<float> Want = runGraph(*Q, X), Got = runGraph(*F, X);
  ASSERT_EQ(Want.size(), Got.size());
  ASSERT_EQ(Want.size(), 256u * 3);
  unsigned Same = 0;
  for (size_t I = 0; I < Want.size(); ++I) {
    EXPECT_LE(std::fabs(Want[I] - Got[I]), 0.27f + 1e-6f) << "at " << I;
    Same += Want[I] == Got[I];
  }
  EXPECT_GE(Same, Want.size() * 99 / 100);
}

/// Runs \p IR as written and after lowerQuantToQDQ on N random images and
/// counts the output elements that differ; \p MaxDiff gets the largest
/// absolute difference.
unsigned countDifferences(const char *IR, int64_t N, unsigned Seed,
                          float *MaxDiff = nullptr) {
  auto Q = parse(IR), F = parse(IR);
  if (!Q || !F)
    return ~0u;
  if (Error E = lowerQuantToQDQ(*F)) {
    ADD_FAILURE() << toString(std::move(E));
    return ~0u;
  }
  Tensor X = randomImages(N, Seed);
  std::vector<float> Want = runGraph(*Q, X), Got = runGraph(*F, X);
  EXPECT_EQ(Want.size(), Got.size());
  EXPECT_FALSE(Want.empty());
  unsigned Diff = 0;
  float Max = 0;
  for (size_t I = 0; I < Want.size() && I < Got.size(); ++I) {
    Diff += Want[I] != Got[I];
    Max = std::max(Max, std::fabs(Want[I] - Got[I]));
  }
  if (MaxDiff)
    *MaxDiff = Max;
  return Diff;
}

/// quant.avgpool rounds twice with the PDP reciprocals; the lowering spells
/// both roundings out, so the float graph gives the same integers (a single
/// AveragePool + Q would differ on many outputs here).
TEST(QDQ, AvgPoolReproducesThePDPRoundings) {
  const char *IR = R"IR(graph @g {
  input %x : f32[1,1,4,4]
  %xq = quant.quantize(%x) {scale = 0.0078125} : i8[1,1,4,4]{q8 scales=[0.0078125]}
  %ap = quant.avgpool(%xq) {kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [1, 1]} : i8[1,1,4,4]{q8 scales=[0.0078125]}
  %g2 = quant.avgpool(%xq) {kernel_shape = [2, 2], strides = [2, 2]} : i8[1,1,2,2]{q8 scales=[0.0078125]}
  %g4 = quant.avgpool(%xq) {kernel_shape = [4, 4]} : i8[1,1,1,1]{q8 scales=[0.0078125]}
  %y = quant.dequantize(%ap) {scale = 0.0078125} : f32[1,1,4,4]
  %y2 = quant.dequantize(%g2) {scale = 0.0078125} : f32[1,1,2,2]
  %y4 = quant.dequantize(%g4) {scale = 0.0078125} : f32[1,1,1,1]
  return %y, %y2, %y4
})IR";
  auto F = parse(IR);
  ASSERT_TRUE(F);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*F), Succeeded());
  const Op *Last = producer(*F, "ap")->getOperand(0)->getDefiningOp();
  ASSERT_EQ(Last->getKind(), "onnx.Mul");
  const Op *Op = Last;
  while (Op && Op->getKind() != "onnx.AveragePool")
    Op = Op->getOperand(0)->getDefiningOp();
  ASSERT_TRUE(Op);
  EXPECT_EQ(Op->getIntAttr("count_include_pad", 0), 1);
  EXPECT_EQ(Op->getIntsAttr("pads"), std::vector<int64_t>({1, 1, 1, 1}));
  EXPECT_EQ(countDifferences(IR, 256, 3), 0u);
}

/// A requantize by exactly 0.5 and an add whose B operand is halved hit
/// rounding ties on every odd value: they must go away from zero as in the
/// SDP, not to even as QuantizeLinear alone would.
TEST(QDQ, TiesRoundAwayFromZero) {
  const char *IR = R"IR(graph @g {
  input %x : f32[1,1,4,4]
  %xq = quant.quantize(%x) {scale = 0.00390625} : i8[1,1,4,4]{q8 scales=[0.00390625]}
  %h = quant.requantize(%xq) {mul = [16384], shift = 15} : i8[1,1,4,4]{q8 scales=[0.0078125]}
  %s = quant.add(%h, %xq) {mul = [16384], mul_b = 16384, shift = 15, shift_b = 15} : i8[1,1,4,4]{q8 scales=[0.015625]}
  %y = quant.dequantize(%h) {scale = 0.0078125} : f32[1,1,4,4]
  %y2 = quant.dequantize(%s) {scale = 0.015625} : f32[1,1,4,4]
  return %y, %y2
})IR";
  EXPECT_EQ(countDifferences(IR, 256, 4), 0u);
}

/// A ReLU'd int8 result is written as uint8: its Clip must still saturate
/// at 127 (here most values of x * 4 would reach 255 in uint8), and a
/// MaxPool and an avgpool on it stay unsigned.
TEST(QDQ, UnsignedResultsSaturateLikeInt8) {
  const char *IR = R"IR(graph @g {
  input %x : f32[1,1,4,4]
  %xq = quant.quantize(%x) {scale = 0.0078125} : i8[1,1,4,4]{q8 scales=[0.0078125]}
  %r = quant.requantize(%xq) {mul = [32767], relu = 1, shift = 13} : i8[1,1,4,4]{q8 scales=[0.001953125]}
  %m = onnx.MaxPool(%r) {kernel_shape = [2, 2], strides = [2, 2]} : i8[1,1,2,2]{q8 scales=[0.001953125]}
  %a = quant.avgpool(%r) {kernel_shape = [2, 2], strides = [2, 2]} : i8[1,1,2,2]{q8 scales=[0.001953125]}
  %y = quant.dequantize(%r) {scale = 0.001953125} : f32[1,1,4,4]
  %ym = quant.dequantize(%m) {scale = 0.001953125} : f32[1,1,2,2]
  %ya = quant.dequantize(%a) {scale = 0.001953125} : f32[1,1,2,2]
  return %y, %ym, %ya
})IR";
  auto F = parse(IR);
  ASSERT_TRUE(F);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*F), Succeeded());
  for (StringRef N : {"r", "m", "a"})
    EXPECT_EQ(F->lookup(N)->getType().getElementType(), ElementType::U8)
        << N.str();
  EXPECT_EQ(countDifferences(IR, 256, 6), 0u);
}

TEST(QDQ, ExportWritesAnImportableModelAndKeepsTheGraph) {
  auto G = parse(TinyIR);
  ASSERT_TRUE(G);
  std::string Before = printGraphToString(*G);
  SmallString<128> Path;
  ASSERT_FALSE(sys::fs::createTemporaryFile("qdq", "onnx", Path));
  ASSERT_THAT_ERROR(exportQDQModel(*G, Path), Succeeded());
  EXPECT_EQ(printGraphToString(*G), Before);
  // Our importer reads the opset-13 QDQ model back; it runs like the
  // in-memory lowering.
  auto M = importONNXFile(Path);
  sys::fs::remove(Path);
  ASSERT_TRUE(bool(M)) << toString(M.takeError());
  auto L = parse(TinyIR);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*L), Succeeded());
  Tensor X = randomImages(32, 2);
  EXPECT_EQ(runGraph(**M, X), runGraph(*L, X));
}

TEST(QDQ, Int16ActivationsUseOpset21) {
  auto G = parse(R"IR(graph @g {
  input %x : f32[1,4]
  const %w : i16[2,4]{q12 axis=0 scales=[0.001, 0.002]} = dense<[1000, -2000, 30, 4, 5, 6, -7, 2047]>
  %xq = quant.quantize(%x) {bits = 16, scale = 0.0001} : i16[1,4]{q16 scales=[9.99999975e-05]}
  %fc = quant.fc(%xq, %w) {mul = [16384, 32767], out_bits = 16, shift = 20} : i16[1,2]{q16 scales=[0.00100000005]}
  %y = quant.dequantize(%fc) {scale = 0.00100000005} : f32[1,2]
  return %y
})IR");
  ASSERT_TRUE(G);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*G), Succeeded());
  EXPECT_EQ(G->getMetadata().at("opset").getInt(), 21);
  const Op *Q = producer(*G, "xq");
  ASSERT_EQ(Q->getKind(), "onnx.QuantizeLinear");
  EXPECT_EQ(Q->getOperand(2)->getType().getElementType(), ElementType::I16);
  // With opset 21 anyway, the i16 weights stay integers.
  EXPECT_EQ(G->lookup("w")->getType().getElementType(), ElementType::I16);
}

/// int16 activations and 12-bit weights (int16 DQ at opset 21) through a
/// conv with relu and a requantize back to int8: the float graph gives the
/// same integers except, rarely, one int16 LSB where float32's 24-bit
/// mantissa cannot resolve a value this close to a rounding boundary. (The
/// input scale is not a power of two: x / 2^-15 would hit exact ties, which
/// quant.quantize rounds away from zero and QuantizeLinear to even.)
TEST(QDQ, Int16GraphReproducesIntegerResults) {
  const char *IR = R"IR(graph @g {
  input %x : f32[1,1,4,4]
  const %w : i16[2,1,3,3]{q12 axis=0 scales=[0.0005, 0.00025]} = dense<[2047, -1500, 30, 400, -2047, 1200, 77, -5, 900, -300, 2000, -2047, 150, 600, -800, 1000, 1, -1]>
  const %b : i32[2] = dense<[40000, -90000]>
  %xq = quant.quantize(%x) {bits = 16, scale = 3.09999996e-05} : i16[1,1,4,4]{q16 scales=[3.09999996e-05]}
  %c = quant.conv(%xq, %w, %b) {mul = [23456, 31001], out_bits = 16, pads = [1, 1, 1, 1], relu = 1, shift = 21} : i16[1,2,4,4]{q16 scales=[0.000123]}
  %r = quant.requantize(%c) {mul = [20000], shift = 22} : i8[1,2,4,4]{q8 scales=[0.025]}
  %y = quant.dequantize(%c) {scale = 0.000123} : f32[1,2,4,4]
  %y8 = quant.dequantize(%r) {scale = 0.025} : f32[1,2,4,4]
  return %y, %y8
})IR";
  auto F = parse(IR);
  ASSERT_TRUE(F);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*F), Succeeded());
  EXPECT_EQ(F->getMetadata().at("opset").getInt(), 21);
  EXPECT_EQ(F->lookup("w")->getType().getElementType(), ElementType::I16);
  float MaxDiff = 0;
  EXPECT_LE(countDifferences(IR, 256, 5, &MaxDiff), 256u * 64 / 1000);
  EXPECT_LE(MaxDiff, 0.000123f * 1.01f);
}

TEST(QDQ, WideWeightsInAnInt8GraphBecomeFloat) {
  auto G = parse(R"IR(graph @g {
  input %x : f32[1,4]
  const %w : i16[2,4]{q12 axis=0 scales=[0.001, 0.002]} = dense<[1000, -2000, 30, 4, 5, 6, -7, 2047]>
  %xq = quant.quantize(%x) {scale = 0.0078125} : i8[1,4]{q8 scales=[0.0078125]}
  %fc = quant.fc(%xq, %w) {mul = [16384], shift = 15} : i8[1,2]{q8 scales=[0.0078125]}
  %y = quant.dequantize(%fc) {scale = 0.0078125} : f32[1,2]
  return %y
})IR");
  ASSERT_TRUE(G);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*G), Succeeded());
  EXPECT_EQ(G->getMetadata().at("opset").getInt(), 13);
  const Op *Gemm = producer(*G, "fc")->getOperand(0)->getDefiningOp();
  ASSERT_EQ(Gemm->getKind(), "onnx.Gemm");
  Value *W = Gemm->getOperand(1);
  ASSERT_TRUE(W->isConstant());
  ASSERT_EQ(W->getType().getElementType(), ElementType::F32);
  // q * s_eff with s_eff = s_y * mul / 2^shift / s_x = 0.5.
  EXPECT_FLOAT_EQ(W->getConstantData().data<float>()[0], 500.0f);
  EXPECT_FLOAT_EQ(W->getConstantData().data<float>()[7], 1023.5f);
}

TEST(QDQ, ClipTruncateScalesTheBiasIntegers) {
  auto G = parse(R"IR(graph @g {
  input %x : f32[1,2]
  const %w : i8[1,2]{q8 axis=0 scales=[0.01]} = dense<[3, -4]>
  const %b : i32[1] = dense<[-5]>
  %xq = quant.quantize(%x) {scale = 0.0078125} : i8[1,2]{q8 scales=[0.0078125]}
  %fc = quant.fc(%xq, %w, %b) {clamp_min = -3, clip_truncate = 2, mul = [16384], shift = 13} : i8[1,1]{q8 scales=[0.0078125]}
  %y = quant.dequantize(%fc) {scale = 0.0078125} : f32[1,1]
  return %y
})IR");
  ASSERT_TRUE(G);
  ASSERT_THAT_ERROR(lowerQuantToQDQ(*G), Succeeded());
  const Op *Clip = producer(*G, "fc")->getOperand(0)->getDefiningOp();
  ASSERT_EQ(Clip->getKind(), "onnx.Clip");
  EXPECT_FLOAT_EQ(floatsOf(*Clip, 1)[0], -3 * 0.0078125f);
  EXPECT_EQ(Clip->getOperand(2), nullptr);
  const Op *Gemm = Clip->getOperand(0)->getDefiningOp();
  const Op *DQB = Gemm->getOperand(2)->getDefiningOp();
  const Tensor &B = DQB->getOperand(0)->getConstantData();
  EXPECT_EQ(B.data<int32_t>()[0], -20); // -5 << 2
  // s_w_eff = s_y * mul / 2^(shift + ct) / s_x = 0.5; bias scale s_x * 0.5.
  EXPECT_FLOAT_EQ(floatsOf(*Gemm->getOperand(1)->getDefiningOp(), 1)[0], 0.5f);
  EXPECT_FLOAT_EQ(floatsOf(*DQB, 1)[0], 0.0078125f * 0.5f);
}

TEST(QDQ, ErrorsNameTheOp) {
  // Not verified: the point is what the lowering says about a bad graph.
  auto G = parseGraph(R"IR(graph @g {
  input %x : f32[1,2]
  const %w : i8[1,2]{q8 axis=0 scales=[0.01]} = dense<[3, -4]>
  %xq = quant.quantize(%x) {scale = 0.0078125} : i8[1,2]{q8 scales=[0.0078125]}
  %fc = quant.fc(%xq, %w) {mul = [16384], shift = 13} : i8[1,1]
  %y = quant.dequantize(%fc) {scale = 0.0078125} : f32[1,1]
  return %y
})IR",
                      "bad.ir");
  ASSERT_THAT_EXPECTED(G, Succeeded());
  Error E = lowerQuantToQDQ(**G);
  ASSERT_TRUE(bool(E));
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("quant.fc"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("quantization scale"), std::string::npos) << Msg;
}

} // namespace
