//===- CodegenTests.cpp - NVDLA lowering, planning and code generation ----===//
//
// Part of onnc-fault. Builds small quantized graphs by hand, lowers them for
// NVDLA configurations and checks (1) the nvdla.* ops and their planning
// attributes, (2) the errors for what a config cannot run, (3) the
// descriptors of the emitted loadable (dependency graph as NVIDIA's
// compiler writes it), and (4) that the virtual platform running the
// loadable gives exactly the integer interpreter's results.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/Placement.h"
#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Targets/NVDLA/FaultBlob.h"
#include "onncf/Targets/NVDLA/Layout.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/NvdlaOps.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "gtest/gtest.h"
#include <random>

using namespace llvm;
using namespace onncf;
using namespace onncf::nvdla;

namespace {

#define ASSERT_OK(X)                                                           \
  if (Error E_ = (X))                                                          \
  FAIL() << toString(std::move(E_))
#define ASSERT_VALUE(X) ASSERT_TRUE(bool(X)) << toString((X).takeError())

/// For helpers that cannot return a gtest failure.
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

struct Net {
  std::unique_ptr<Graph> G = std::make_unique<Graph>();
  float InScale = 0.02f, OutScale = 0.1f;
};

Tensor randomI8(std::mt19937 &R, ArrayRef<int64_t> Shape, int Lo = -127,
                int Hi = 127) {
  Tensor T(TensorType(ElementType::I8, Shape));
  std::uniform_int_distribution<int> D(Lo, Hi);
  for (int8_t &V : T.mutableData<int8_t>())
    V = static_cast<int8_t>(D(R));
  return T;
}

/// Biases on the SDP grid: int16 operands shifted left by \p Shift.
Tensor gridBias(std::mt19937 &R, int64_t K, unsigned Shift) {
  Tensor T(TensorType(ElementType::I32, {K}));
  std::uniform_int_distribution<int> D(-30000, 30000);
  for (int32_t &V : T.mutableData<int32_t>())
    V = D(R) * (1 << Shift);
  return T;
}

Value *op(Graph &G, StringRef Kind, ArrayRef<Value *> Operands, AttributeMap A,
          StringRef Name) {
  Builder B(G);
  Op *O = must(B.createOp(Kind, Operands, std::move(A)));
  O->setName(Name.str());
  return O->getResult();
}

/// quantize -> conv 3x3 pad 1 relu -> maxpool 2 -> conv 3x3 stride 2 ->
/// [add of a 1x1 conv branch] -> avgpool 3 pad 1 -> flatten -> fc ->
/// dequantize, on a 3 x 12 x 12 input.
Net makeNet(unsigned Seed, bool WithAdd, bool WithRequant = false) {
  Net N;
  Graph &G = *N.G;
  std::mt19937 R(Seed);
  Value *X =
      cantFail(G.addInput("x", TensorType(ElementType::F32, {1, 3, 12, 12})));
  Value *Q = op(G, "quant.quantize", {X},
                {{"scale", N.InScale}, {"bits", int64_t(8)}}, "q");
  auto Mul = [&](int64_t K) {
    std::vector<int64_t> M(K);
    std::uniform_int_distribution<int> D(8000, 30000);
    for (int64_t &V : M)
      V = D(R);
    return M;
  };
  Value *W1 = G.addConstantUnique("w1", randomI8(R, {10, 3, 3, 3}));
  Value *B1 = G.addConstantUnique("b1", gridBias(R, 10, 2));
  Value *C1 = op(G, "quant.conv", {Q, W1, B1},
                 {{"strides", std::vector<int64_t>{1, 1}},
                  {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                  {"clip_truncate", int64_t(1)},
                  {"mul", Mul(10)},
                  {"shift", int64_t(24)},
                  {"relu", int64_t(1)}},
                 "conv1");
  Value *P1 = op(G, "onnx.MaxPool", {C1},
                 {{"kernel_shape", std::vector<int64_t>{2, 2}},
                  {"strides", std::vector<int64_t>{2, 2}}},
                 "pool1");
  if (WithRequant) // an SDP from memory: MUL, truncate, clamp on Y
    P1 = op(G, "quant.requantize", {P1},
            {{"mul", std::vector<int64_t>{25000}},
             {"shift", int64_t(15)},
             {"clamp_max", int64_t(60)}},
            "rq");
  Value *W2 = G.addConstantUnique("w2", randomI8(R, {12, 10, 3, 3}));
  Value *B2 = G.addConstantUnique("b2", gridBias(R, 12, 0));
  Value *C2 = op(G, "quant.conv", {P1, W2, B2},
                 {{"strides", std::vector<int64_t>{2, 2}},
                  {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                  {"mul", std::vector<int64_t>{20000}},
                  {"shift", int64_t(24)},
                  {"clamp_min", int64_t(-20)},
                  {"clamp_max", int64_t(100)}},
                 "conv2");
  if (WithAdd) {
    Value *W3 = G.addConstantUnique("w3", randomI8(R, {12, 10, 1, 1}));
    Value *C3 = op(G, "quant.conv", {P1, W3},
                   {{"strides", std::vector<int64_t>{2, 2}},
                    {"mul", Mul(12)},
                    {"shift", int64_t(22)}},
                   "shortcut");
    C2 = op(G, "quant.add", {C2, C3},
            {{"mul_b", int64_t(17000)},
             {"shift_b", int64_t(14)},
             {"mul", std::vector<int64_t>{20000}},
             {"shift", int64_t(15)},
             {"relu", int64_t(1)}},
            "add");
  }
  Value *A = op(G, "quant.avgpool", {C2},
                {{"kernel_shape", std::vector<int64_t>{3, 3}},
                 {"strides", std::vector<int64_t>{1, 1}},
                 {"pads", std::vector<int64_t>{1, 1, 1, 1}}},
                "avg");
  Value *F = op(G, "onnx.Flatten", {A}, {{"axis", int64_t(1)}}, "flat");
  Value *WF = G.addConstantUnique("wf", randomI8(R, {7, 12 * 3 * 3}));
  Value *BF = G.addConstantUnique("bf", gridBias(R, 7, 1));
  Value *FC = op(G, "quant.fc", {F, WF, BF},
                 {{"mul", Mul(7)}, {"shift", int64_t(24)}}, "fc");
  Value *DQ = op(G, "quant.dequantize", {FC}, {{"scale", N.OutScale}}, "dq");
  G.addOutput(DQ);
  if (Error E = verifyGraph(G))
    ADD_FAILURE() << toString(std::move(E));
  return N;
}

std::vector<Op *> nvdlaOps(Graph &G) {
  std::vector<Op *> R;
  for (auto &O : G.getOps())
    if (O->getKind().startswith("nvdla."))
      R.push_back(O.get());
  return R;
}

TEST(NVDLACodegen, LowersAndPlans) {
  Net N = makeNet(1, false);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  ASSERT_OK(planNvdla(*N.G, Cfg));
  ASSERT_OK(verifyGraph(*N.G));
  auto Ops = nvdlaOps(*N.G);
  ASSERT_EQ(Ops.size(), 5u); // conv, pdp, conv, pdp, conv (the fc)
  EXPECT_EQ(Ops[0]->getKind(), "nvdla.conv");
  EXPECT_EQ(Ops[0]->getIntAttr("bias_shift", -1), 2);
  EXPECT_EQ(Ops[0]->getIntAttr("clip_truncate", -1), 1);
  // Per kernel: int16 ALU operand (bias >> 2), then the multiplier.
  auto SD = Ops[0]->getOperand(2)->getConstantData().data<int16_t>();
  ASSERT_EQ(SD.size(), 20u);
  EXPECT_EQ(Ops[1]->getKind(), "nvdla.pdp");
  EXPECT_EQ(Ops[1]->getIntAttr("pool_mode", -1), 1);
  // conv2 has one multiplier for all kernels: replicated.
  auto SD2 = Ops[2]->getOperand(2)->getConstantData().data<int16_t>();
  for (int K = 0; K < 12; ++K)
    EXPECT_EQ(SD2[2 * K + 1], 20000);
  EXPECT_EQ(Ops[3]->getIntAttr("pool_mode", -1), 0);
  // The fc reads the 12 x 3 x 3 cube with a 3 x 3 kernel.
  EXPECT_EQ(Ops[4]->getIntAttr("in_c", 0), 12);
  EXPECT_EQ(Ops[4]->getIntsAttr("kernel"), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(Ops[4]->getIntAttr("dst_memory", -1), 1);
  // Weights: packed blob then SDP operands, 256-byte aligned, in op order.
  EXPECT_EQ(Ops[0]->getIntAttr("weight_offset", -1), 0);
  EXPECT_EQ(Ops[0]->getIntAttr("weight_bytes", -1), 272); // 270, CBUF-padded
  EXPECT_EQ(Ops[0]->getIntAttr("sdp_offset", -1), 512);
  EXPECT_EQ(Ops[0]->getIntAttr("sdp_bytes", -1), 40);
  EXPECT_EQ(Ops[2]->getIntAttr("weight_offset", -1), 768);
  // CBUF: a 3-channel 12-wide input takes one 8-byte entry per pixel.
  EXPECT_EQ(Ops[0]->getIntAttr("entry_per_slice", -1), 12);
  EXPECT_EQ(Ops[0]->getIntAttr("data_bank", -1), 1);
  EXPECT_EQ(Ops[0]->getIntAttr("weight_bank", -1), 1);
  // Activations: conv1's 10x12x12 cube (2 surfaces, 2304 B) at 0; pool1
  // after it; conv2 reuses conv1's space (dead once pool1 has run).
  EXPECT_EQ(Ops[0]->getIntAttr("dst_offset", -1), 0);
  EXPECT_EQ(Ops[1]->getIntAttr("dst_offset", -1), 2304);
  EXPECT_EQ(Ops[2]->getIntAttr("dst_offset", -1), 0);
}

TEST(NVDLACodegen, ElementWiseNeedsSdpEw) {
  Net N = makeNet(2, true);
  Error E = lowerToNvdla(*N.G, config("nvdla-small"));
  ASSERT_TRUE(bool(E));
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("quant.add 'add'"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("not supported on nvdla-small"), std::string::npos) << Msg;
  Net L = makeNet(2, true);
  ASSERT_OK(lowerToNvdla(*L.G, config("nvdla-large")));
}

TEST(NVDLACodegen, UnsupportedOpNamesNodeAndConfig) {
  Net N = makeNet(3, false);
  Graph &G = *N.G;
  // A Sigmoid on the integers before the dequantize: no NVDLA engine.
  Op *DQ = G.getOutputs()[0]->getDefiningOp();
  Builder B(G, G.getIterator(DQ));
  auto S = B.createOp("onnx.Neg", {DQ->getOperand(0)});
  ASSERT_VALUE(S);
  (*S)->setName("neg");
  DQ->setOperand(0, (*S)->getResult());
  Error E = lowerToNvdla(G, config("nvdla-full"));
  ASSERT_TRUE(bool(E));
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("onnx.Neg 'neg'"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("nvdla-full"), std::string::npos) << Msg;
}

/// quantize -> conv 3x3 pad 1 (C -> K channels, stride \p Stride) ->
/// dequantize on a C x H x W input.
Net makeConvNet(unsigned Seed, int64_t C, int64_t H, int64_t W, int64_t K,
                int64_t Stride) {
  Net N;
  Graph &G = *N.G;
  std::mt19937 R(Seed);
  Value *X =
      cantFail(G.addInput("x", TensorType(ElementType::F32, {1, C, H, W})));
  Value *Q = op(G, "quant.quantize", {X}, {{"scale", N.InScale}}, "q");
  Value *Wt = G.addConstantUnique("w", randomI8(R, {K, C, 3, 3}));
  Value *B = G.addConstantUnique("b", gridBias(R, K, 3));
  std::vector<int64_t> Mul(K);
  std::uniform_int_distribution<int> D(8000, 30000);
  for (int64_t &V : Mul)
    V = D(R);
  Value *Cv = op(G, "quant.conv", {Q, Wt, B},
                 {{"strides", std::vector<int64_t>{Stride, Stride}},
                  {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                  {"mul", Mul},
                  {"shift", int64_t(26)},
                  {"relu", int64_t(1)}},
                 "big");
  G.addOutput(op(G, "quant.dequantize", {Cv}, {{"scale", N.OutScale}}, "dq"));
  return N;
}

TEST(NVDLACodegen, CbufOverflowIsAnError) {
  // 512 channels x 1024 columns: one input row needs 65536 entries.
  Net N = makeConvNet(4, 512, 3, 1024, 8, 1);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  Error E = planNvdla(*N.G, Cfg);
  ASSERT_TRUE(bool(E));
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("nvdla.conv 'big'"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("do not fit the 32 CBUF banks of nvdla-small"),
            std::string::npos)
      << Msg;
}

/// The DLA network of \p Bytes.
DLANetwork decode(ArrayRef<uint8_t> Bytes) {
  auto F = must(parseLoadable(Bytes, "test.nvdla"));
  return must(decodeDLATask(*F, 0));
}

TEST(NVDLACodegen, DependencyGraphAsNvidiaWritesIt) {
  Net N = makeNet(5, false);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  ASSERT_OK(planNvdla(*N.G, Cfg));
  auto Bytes = emitLoadable(*N.G, Cfg);
  ASSERT_VALUE(Bytes);
  DLANetwork D = decode(*Bytes);
  // conv1 CONV+SDP, pool1 PDP, conv2 CONV+SDP, avg PDP, fc CONV+SDP.
  ASSERT_EQ(D.Ops.size(), 8u);
  std::vector<int> Types, Deps;
  for (const DecodedOp &O : D.Ops) {
    Types.push_back(O.common.op_type);
    Deps.push_back(O.common.dependency_count);
  }
  EXPECT_EQ(Types, (std::vector<int>{1, 2, 3, 1, 2, 3, 1, 2}));
  // As in NVIDIA's NN_L0_0: CONV waits for its SDP to be enabled, the
  // SDP for the CONV to be programmed, later ops also for the previous op
  // of their engine (programmed) and the previous layer (completed).
  EXPECT_EQ(Deps, (std::vector<int>{1, 1, 1, 3, 2, 2, 3, 2}));
  EXPECT_EQ(D.Net.op_head[1], 0);
  EXPECT_EQ(D.Net.op_head[2], 1);
  EXPECT_EQ(D.Net.op_head[3], 2);
  EXPECT_EQ(D.Net.op_head[0], -1);
  EXPECT_EQ(D.Ops[0].common.consumers[2].index, 1);
  EXPECT_EQ(D.Ops[0].common.consumers[2].event, 2); // PROGRAMMED
  EXPECT_EQ(D.Ops[1].common.fused_parent.index, 0);
  EXPECT_EQ(D.Ops[1].common.fused_parent.event, 3); // ENABLED
  EXPECT_EQ(D.Ops[1].common.consumers[3].index, 2);
  EXPECT_EQ(D.Ops[1].common.consumers[3].event, 1);  // OP_COMPLETED
  EXPECT_EQ(D.Ops[0].surface.conv.dst_data.type, 2); // on the fly
  EXPECT_EQ(D.Ops[0].op.conv.out_cvt.truncate, 1);   // clip_truncate
  EXPECT_EQ(D.Ops[1].op.sdp.x1_op.shift_value, 2);   // bias shift
  EXPECT_EQ(D.Ops[4].op.sdp.x2_op.alu_type, 0);      // clamp_min: MAX
  EXPECT_EQ(D.Ops[4].op.sdp.x2_op.alu_operand, -20);
  EXPECT_EQ(D.Ops[4].op.sdp.y_op.alu_type, 1); // clamp_max: MIN
  EXPECT_EQ(D.Ops[4].op.sdp.y_op.alu_operand, 100);
}

/// Runs \p Samples random inputs through the interpreter on the quant graph
/// and through the VP on the loadable compiled for \p CfgName; every output
/// must be identical.
void expectBitExact(StringRef CfgName, bool WithAdd, unsigned Samples,
                    bool WithRequant = false) {
  const NvdlaConfig &Cfg = config(CfgName);
  Net Ref = makeNet(7, WithAdd, WithRequant),
      Dev = makeNet(7, WithAdd, WithRequant);
  auto I = Interpreter::create(*Ref.G);
  ASSERT_VALUE(I);
  ASSERT_OK(lowerToNvdla(*Dev.G, Cfg));
  ASSERT_OK(planNvdla(*Dev.G, Cfg));
  auto Bytes = emitLoadable(*Dev.G, Cfg);
  ASSERT_VALUE(Bytes);
  auto F = parseLoadable(*Bytes, "test.nvdla");
  ASSERT_VALUE(F);
  VPOptions VO;
  VO.Config = &Cfg;
  auto VP = VirtualPlatform::create(std::move(*F), VO);
  ASSERT_VALUE(VP);
  auto InS = makeFeatureSurface(3, 12, 12, 1, Cfg.MemoryAtomBytes);
  auto OutS = makeFeatureSurface(7, 1, 1, 1, Cfg.MemoryAtomBytes);
  ASSERT_VALUE(InS);
  ASSERT_VALUE(OutS);
  std::mt19937 R(11);
  std::normal_distribution<float> D(0.f, 1.2f);
  for (unsigned S = 0; S < Samples; ++S) {
    Tensor X(TensorType(ElementType::F32, {1, 3, 12, 12}));
    std::vector<uint8_t> Dense;
    for (float &V : X.mutableData<float>()) {
      V = D(R);
      Dense.push_back(uint8_t(int8_t(fixp::quantize(V, Ref.InScale, 8))));
    }
    auto Want = (*I)->runSingleThreaded({X});
    ASSERT_VALUE(Want);
    auto Surface = packFeature(*InS, Dense);
    ASSERT_VALUE(Surface);
    Surface->resize((*VP)->getInputs()[0].Size, 0);
    auto Got = (*VP)->runRaw({*Surface});
    ASSERT_VALUE(Got);
    auto Out = unpackFeature(*OutS, (*Got)[0]);
    ASSERT_VALUE(Out);
    auto WantF = (*Want)[0].data<float>();
    ASSERT_EQ(WantF.size(), 7u);
    for (unsigned K = 0; K < 7; ++K)
      ASSERT_EQ(float(int8_t((*Out)[K])) * Ref.OutScale, WantF[K])
          << CfgName.str() << " sample " << S << " output " << K;
  }
}

/// Interpreter vs VP on one random input of a makeConvNet network; returns
/// the nvdla.conv's split attributes (kernels, rows per part).
std::pair<int64_t, int64_t> expectConvBitExact(StringRef CfgName, int64_t C,
                                               int64_t H, int64_t W, int64_t K,
                                               int64_t Stride) {
  const NvdlaConfig &Cfg = config(CfgName);
  Net Ref = makeConvNet(9, C, H, W, K, Stride),
      Dev = makeConvNet(9, C, H, W, K, Stride);
  auto I = must(Interpreter::create(*Ref.G));
  if (Error E = lowerToNvdla(*Dev.G, Cfg))
    ADD_FAILURE() << toString(std::move(E));
  if (Error E = planNvdla(*Dev.G, Cfg))
    ADD_FAILURE() << toString(std::move(E));
  Op *Conv = nvdlaOps(*Dev.G).at(0);
  auto Split = std::make_pair(Conv->getIntAttr("split_kernels", 0),
                              Conv->getIntAttr("split_rows", 0));
  CubeDims Out = getOutCube(*Conv);
  auto Bytes = must(emitLoadable(*Dev.G, Cfg));
  VPOptions VO;
  VO.Config = &Cfg;
  auto VP = must(
      VirtualPlatform::create(must(parseLoadable(Bytes, "split.nvdla")), VO));
  auto InS = must(makeFeatureSurface(C, H, W, 1, Cfg.MemoryAtomBytes));
  auto OutS =
      must(makeFeatureSurface(Out.C, Out.H, Out.W, 1, Cfg.MemoryAtomBytes));
  std::mt19937 R(13);
  std::normal_distribution<float> D(0.f, 1.0f);
  Tensor X(TensorType(ElementType::F32, {1, C, H, W}));
  std::vector<uint8_t> Dense;
  for (float &V : X.mutableData<float>()) {
    V = D(R);
    Dense.push_back(uint8_t(int8_t(fixp::quantize(V, Ref.InScale, 8))));
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
    float G = float(int8_t(Outs[K])) * Ref.OutScale;
    Bad += G != WantF[K];
    NonZero += Outs[K] != 0;
  }
  EXPECT_EQ(Bad, 0u) << CfgName.str();
  EXPECT_GT(NonZero, Outs.size() / 4) << "too few non-zero outputs";
  return Split;
}

TEST(NVDLACodegen, SplitByKernelGroups) {
  // 64x40x40 input (25 data banks) and 128 3x3 kernels (18 weight banks)
  // on nv_small's 32: 48 kernels (7 banks) per part.
  auto S = expectConvBitExact("nvdla-small", 64, 40, 40, 128, 1);
  EXPECT_EQ(S.first, 48);
  EXPECT_EQ(S.second, 40);
}

TEST(NVDLACodegen, SplitByRows) {
  // 64x64x64: 64 data banks alone. All 64 kernels (9 banks) stay; 21
  // output rows (23 input rows, 23 banks) per part.
  auto S = expectConvBitExact("nvdla-small", 64, 64, 64, 64, 1);
  EXPECT_EQ(S.first, 64);
  EXPECT_EQ(S.second, 21);
  // Stride 2 on a tall input: rows split with the kernel overlap.
  auto T = expectConvBitExact("nvdla-small", 16, 300, 40, 16, 2);
  EXPECT_EQ(T.first, 16);
  EXPECT_LT(T.second, 150);
}

/// Two conv branches (8 and 16 kernels) concatenated on channels, then a
/// conv, a max pool and an fc.
Net makeConcatNet(unsigned Seed) {
  Net N;
  Graph &G = *N.G;
  std::mt19937 R(Seed);
  Value *X =
      cantFail(G.addInput("x", TensorType(ElementType::F32, {1, 3, 8, 8})));
  Value *Q = op(G, "quant.quantize", {X}, {{"scale", N.InScale}}, "q");
  auto Conv = [&](Value *In, int64_t C, int64_t K, StringRef Name) {
    Value *W = G.addConstantUnique("w", randomI8(R, {K, C, 3, 3}));
    Value *B = G.addConstantUnique("b", gridBias(R, K, 1));
    return op(G, "quant.conv", {In, W, B},
              {{"pads", std::vector<int64_t>{1, 1, 1, 1}},
               {"mul", std::vector<int64_t>{20000}},
               {"shift", int64_t(C > 3 ? 25 : 24)},
               {"relu", int64_t(1)}},
              Name);
  };
  Value *A = Conv(Q, 3, 8, "a");
  Value *B = Conv(Q, 3, 16, "b");
  Value *Cat = op(G, "onnx.Concat", {A, B}, {{"axis", int64_t(1)}}, "cat");
  Value *C = Conv(Cat, 24, 10, "c");
  Value *P = op(G, "onnx.MaxPool", {C},
                {{"kernel_shape", std::vector<int64_t>{2, 2}},
                 {"strides", std::vector<int64_t>{2, 2}}},
                "pool");
  Value *F = op(G, "onnx.Flatten", {P}, {{"axis", int64_t(1)}}, "flat");
  Value *WF = G.addConstantUnique("wf", randomI8(R, {7, 10 * 4 * 4}));
  Value *FC =
      op(G, "quant.fc", {F, WF},
         {{"mul", std::vector<int64_t>{20000}}, {"shift", int64_t(22)}}, "fc");
  G.addOutput(op(G, "quant.dequantize", {FC}, {{"scale", N.OutScale}}, "dq"));
  return N;
}

TEST(NVDLACodegen, ConcatIsOneBufferAtChannelOffsets) {
  const NvdlaConfig &Cfg = config("nvdla-small");
  Net Ref = makeConcatNet(21), Dev = makeConcatNet(21);
  ASSERT_OK(lowerToNvdla(*Dev.G, Cfg));
  ASSERT_OK(planNvdla(*Dev.G, Cfg));
  auto Ops = nvdlaOps(*Dev.G);
  ASSERT_EQ(Ops[2]->getKind(), "nvdla.concat");
  // b's 16 channels start at the concat buffer's second surface (8 x 8
  // pixels of 8 bytes).
  EXPECT_EQ(Ops[1]->getIntAttr("dst_offset", -1),
            Ops[2]->getIntAttr("dst_offset", -1) + 512);
  EXPECT_EQ(Ops[0]->getIntAttr("dst_offset", -1),
            Ops[2]->getIntAttr("dst_offset", -1));
  auto I = must(Interpreter::create(*Ref.G));
  auto Bytes = must(emitLoadable(*Dev.G, Cfg));
  VPOptions VO;
  VO.Config = &Cfg;
  auto VP = must(
      VirtualPlatform::create(must(parseLoadable(Bytes, "cat.nvdla")), VO));
  auto InS = must(makeFeatureSurface(3, 8, 8, 1, Cfg.MemoryAtomBytes));
  auto OutS = must(makeFeatureSurface(7, 1, 1, 1, Cfg.MemoryAtomBytes));
  std::mt19937 R(5);
  std::normal_distribution<float> D(0.f, 1.0f);
  unsigned NonZero = 0;
  for (int S = 0; S < 10; ++S) {
    Tensor X(TensorType(ElementType::F32, {1, 3, 8, 8}));
    std::vector<uint8_t> Dense;
    for (float &V : X.mutableData<float>()) {
      V = D(R);
      Dense.push_back(uint8_t(int8_t(fixp::quantize(V, Ref.InScale, 8))));
    }
    auto Want = must(I->runSingleThreaded({X}));
    auto Surface = must(packFeature(InS, Dense));
    Surface.resize(VP->getInputs()[0].Size, 0);
    auto Got = must(VP->runRaw({Surface}));
    auto Out = must(unpackFeature(OutS, Got[0]));
    for (unsigned K = 0; K < 7; ++K) {
      ASSERT_EQ(float(int8_t(Out[K])) * Ref.OutScale, Want[0].data<float>()[K])
          << "sample " << S << " output " << K;
      NonZero += Out[K] != 0;
    }
  }
  EXPECT_GT(NonZero, 20u);
}

TEST(NVDLACodegen, ConcatOffsetMustBeAtomAligned) {
  // On nv_full an atom holds 32 channels: b would start at channel 8.
  Net N = makeConcatNet(22);
  Error E = lowerToNvdla(*N.G, config("nvdla-full"));
  ASSERT_TRUE(bool(E));
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("onnx.Concat 'cat'"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("starts at channel 8, which is not a multiple of the 32 "
                     "channels of a memory atom on nvdla-full"),
            std::string::npos)
      << Msg;
}

TEST(NVDLACodegen, FlattenedOutputIsTheCube) {
  // conv -> Flatten -> output: the output port is the 16 x 5 x 5 cube,
  // whose dense C-H-W order is the flattened order.
  auto Make = [] {
    Net N;
    Graph &G = *N.G;
    std::mt19937 R(31);
    Value *X =
        cantFail(G.addInput("x", TensorType(ElementType::F32, {1, 3, 5, 5})));
    Value *Q = op(G, "quant.quantize", {X}, {{"scale", N.InScale}}, "q");
    Value *W = G.addConstantUnique("w", randomI8(R, {16, 3, 3, 3}));
    Value *C = op(G, "quant.conv", {Q, W},
                  {{"pads", std::vector<int64_t>{1, 1, 1, 1}},
                   {"mul", std::vector<int64_t>{20000}},
                   {"shift", int64_t(22)}},
                  "c");
    Value *F = op(G, "onnx.Flatten", {C}, {{"axis", int64_t(1)}}, "flat");
    G.addOutput(op(G, "quant.dequantize", {F}, {{"scale", N.OutScale}}, "dq"));
    return N;
  };
  const NvdlaConfig &Cfg = config("nvdla-small");
  Net Ref = Make(), Dev = Make();
  ASSERT_OK(lowerToNvdla(*Dev.G, Cfg));
  ASSERT_OK(planNvdla(*Dev.G, Cfg));
  EXPECT_EQ(nvdlaOps(*Dev.G).at(0)->getIntAttr("dst_memory", -1), 1);
  auto I = must(Interpreter::create(*Ref.G));
  VPOptions VO;
  VO.Config = &Cfg;
  auto VP = must(VirtualPlatform::create(
      must(parseLoadable(must(emitLoadable(*Dev.G, Cfg)), "flat.nvdla")), VO));
  Tensor X(TensorType(ElementType::F32, {1, 3, 5, 5}));
  std::vector<uint8_t> Dense;
  std::mt19937 R(3);
  std::normal_distribution<float> D(0.f, 1.0f);
  for (float &V : X.mutableData<float>()) {
    V = D(R);
    Dense.push_back(uint8_t(int8_t(fixp::quantize(V, Ref.InScale, 8))));
  }
  auto Want = must(I->runSingleThreaded({X}));
  auto Surface = must(packFeature(
      must(makeFeatureSurface(3, 5, 5, 1, Cfg.MemoryAtomBytes)), Dense));
  Surface.resize(VP->getInputs()[0].Size, 0);
  auto Got = must(VP->runRaw({Surface}));
  auto Out = must(unpackFeature(
      must(makeFeatureSurface(16, 5, 5, 1, Cfg.MemoryAtomBytes)), Got[0]));
  ASSERT_EQ(Out.size(), 400u);
  ASSERT_EQ(Want[0].getNumElements(), 400);
  for (unsigned K = 0; K < 400; ++K)
    ASSERT_EQ(float(int8_t(Out[K])) * Ref.OutScale, Want[0].data<float>()[K])
        << K;
}

/// Softmax over the dequantized logits of makeNet: an EMU1 task after the
/// DLA task, int16 probabilities in units of 2^-15.
void expectSoftmax(StringRef CfgName) {
  const NvdlaConfig &Cfg = config(CfgName);
  auto Make = [] {
    Net N = makeNet(41, false);
    Graph &G = *N.G;
    Value *Dq = G.getOutputs()[0];
    Value *Sm = op(G, "onnx.Softmax", {Dq}, {{"axis", int64_t(1)}}, "prob");
    G.setOutputs({Sm});
    return N;
  };
  Net Ref = Make(), Dev = Make();
  ASSERT_OK(lowerToNvdla(*Dev.G, Cfg));
  ASSERT_OK(planNvdla(*Dev.G, Cfg));
  ASSERT_EQ(Dev.G->getOutputs()[0]->getDefiningOp()->getKind(),
            "nvdla.softmax");
  auto I = must(Interpreter::create(*Ref.G));
  auto Bytes = must(emitLoadable(*Dev.G, Cfg));
  auto File = must(parseLoadable(Bytes, "softmax.nvdla"));
  EXPECT_EQ(File->root().task_list()->size(), 2u); // DLA1, then EMU1
  VPOptions VO;
  VO.Config = &Cfg;
  auto VP = must(VirtualPlatform::create(std::move(File), VO));
  auto InS = must(makeFeatureSurface(3, 12, 12, 1, Cfg.MemoryAtomBytes));
  auto OutS = must(makeFeatureSurface(7, 1, 1, 2, Cfg.MemoryAtomBytes));
  std::mt19937 R(17);
  std::normal_distribution<float> D(0.f, 1.2f);
  for (int S = 0; S < 10; ++S) {
    Tensor X(TensorType(ElementType::F32, {1, 3, 12, 12}));
    std::vector<uint8_t> Dense;
    for (float &V : X.mutableData<float>()) {
      V = D(R);
      Dense.push_back(uint8_t(int8_t(fixp::quantize(V, Ref.InScale, 8))));
    }
    auto Want = must(I->runSingleThreaded({X}));
    auto Surface = must(packFeature(InS, Dense));
    Surface.resize(VP->getInputs()[0].Size, 0);
    auto Got = must(VP->runRaw({Surface}));
    auto Out = must(unpackFeature(OutS, Got[0]));
    float Sum = 0;
    for (unsigned K = 0; K < 7; ++K) {
      int16_t Q = int16_t(Out[2 * K] | Out[2 * K + 1] << 8);
      float P = Q / 32768.f;
      Sum += P;
      EXPECT_NEAR(P, Want[0].data<float>()[K], 3.1e-5)
          << CfgName.str() << " sample " << S << " class " << K;
    }
    EXPECT_NEAR(Sum, 1.f, 1e-3);
  }
}

TEST(NVDLACodegen, TrailingSoftmaxRunsOnEmu) {
  expectSoftmax("nvdla-small");
  expectSoftmax("nvdla-full");
}

TEST(NVDLACodegen, BitExactWithInterpreterSmall) {
  expectBitExact("nvdla-small", false, 20);
  expectBitExact("nvdla-small", false, 20, /*WithRequant=*/true);
}
TEST(NVDLACodegen, BitExactWithInterpreterSmall256) {
  expectBitExact("nvdla-small-256", false, 10);
}
TEST(NVDLACodegen, BitExactWithInterpreterLargeWithAdd) {
  expectBitExact("nvdla-large", true, 20);
  expectBitExact("nvdla-large", true, 20, /*WithRequant=*/true);
}
TEST(NVDLACodegen, BitExactWithInterpreterFullWithAdd) {
  expectBitExact("nvdla-full", true, 10);
}

} // namespace

//===-- Fault-aware compilation: placement on the quant graph -------------===//

/// The placement of the quant graph (before lowering) gives every conv and
/// fc the offset Planning later gives its nvdla.conv, the NVDLA kernel
/// (the fc reads the 12x3x3 cube) and a layout lib/Fault reads back.
TEST(NVDLACodegen, FaultPlacementMatchesPlanning) {
  for (StringRef Name :
       {"nvdla-small", "nvdla-small-256", "nvdla-large", "nvdla-full"}) {
    SCOPED_TRACE(Name.str());
    Net N = makeNet(3, false);
    const NvdlaConfig &Cfg = config(Name);
    auto Bytes = placeNvdlaWeights(*N.G, Cfg);
    ASSERT_VALUE(Bytes);
    ASSERT_OK(verifyGraph(*N.G));
    auto Ts = fault::listStoredWeights(*N.G);
    ASSERT_VALUE(Ts);
    ASSERT_EQ(Ts->size(), 3u);
    std::vector<int64_t> Placed;
    for (const fault::StoredTensor &T : *Ts) {
      EXPECT_TRUE(T.IsGrouped);
      EXPECT_EQ(T.Grouped.KPerGroup, int64_t(Cfg.AtomicK));
      EXPECT_EQ(T.Grouped.CPerGroup, int64_t(Cfg.AtomicC));
      EXPECT_EQ(T.Owner->getIntsAttr(fault::attr::CmacCells),
                (std::vector<int64_t>{Cfg.AtomicK, Cfg.AtomicC}));
      Placed.push_back(int64_t(T.FirstByte));
    }
    EXPECT_EQ((*Ts)[2].Owner->getIntsAttr(fault::attr::WMemKCRS),
              (std::vector<int64_t>{7, 12, 3, 3}));
    ASSERT_OK(lowerToNvdla(*N.G, Cfg));
    ASSERT_OK(planNvdla(*N.G, Cfg));
    std::vector<int64_t> Planned;
    uint64_t End = 0;
    for (Op *O : nvdlaOps(*N.G))
      if (O->getKind() == "nvdla.conv") {
        Planned.push_back(O->getIntAttr("weight_offset", -1));
        EXPECT_EQ(O->getIntAttr("wmem_offset", -1), Planned.back());
        EXPECT_EQ(O->getStringAttr("decoder", ""), "none");
        End = std::max<uint64_t>(End, O->getIntAttr("sdp_offset", 0) +
                                          O->getIntAttr("sdp_bytes", 0));
      }
    EXPECT_EQ(Placed, Planned);
    EXPECT_EQ(alignTo(End, 256), *Bytes);
  }
}

TEST(NVDLACodegen, PlanningRefusesAMovedFaultPlacement) {
  Net N = makeNet(3, false);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_VALUE(placeNvdlaWeights(*N.G, Cfg));
  for (auto &O : N.G->getOps())
    if (O->getName() == "conv2")
      O->setAttr(fault::attr::WMemOffset,
                 O->getIntAttr(fault::attr::WMemOffset, 0) + 256);
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  Error E = planNvdla(*N.G, Cfg);
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E))
                .find("the fault placement put its weights "
                      "at byte 1024 of the weights blob, "
                      "planning gives 768"),
            std::string::npos);
}

TEST(NVDLACodegen, LoweringRefusesAnotherConfigsPlacement) {
  Net N = makeNet(3, false);
  ASSERT_VALUE(placeNvdlaWeights(*N.G, config("nvdla-full")));
  Error E = lowerToNvdla(*N.G, config("nvdla-small"));
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("is not this config's kernel layout"),
            std::string::npos);
}

/// Decoder masks travel from weight elements (KCRS order) to bytes of the
/// packed range.
TEST(NVDLACodegen, DecoderMasksAreReindexedToPackedBytes) {
  Net N = makeNet(3, false);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_VALUE(placeNvdlaWeights(*N.G, Cfg));
  for (auto &O : N.G->getOps())
    if (O->getName() == "conv2") {
      O->setAttr(fault::attr::Decoder, std::string("sign-bit"));
      // Element (k=9, c=2, r=1, s=0) of the 12x10x3x3 kernel, and element 0.
      O->setAttr(fault::attr::DecoderMasks,
                 std::vector<int64_t>{((9 * 10 + 2) * 3 + 1) * 3 + 0, 5, 0, 3});
    }
  ASSERT_OK(verifyGraph(*N.G));
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  auto L = makeWeightLayout(Cfg, 12, 10, 3, 3, 1);
  ASSERT_VALUE(L);
  for (Op *O : nvdlaOps(*N.G))
    if (O->getName() == "conv2") {
      EXPECT_EQ(O->getStringAttr("decoder", ""), "sign-bit");
      EXPECT_EQ(O->getIntsAttr("decoder_masks"),
                (std::vector<int64_t>{int64_t(L->getWeightOffset(9, 2, 1, 0)),
                                      5, 0, 3}));
    }
}

/// lib/Fault reads hand-edited nvdla-direct attributes with errors naming
/// the op instead of addressing nonsense.
TEST(NVDLACodegen, BadNvdlaDirectAttributesAreErrors) {
  auto ErrorWith = [](void (*Edit)(Op &)) {
    Net N = makeNet(3, false);
    cantFail(placeNvdlaWeights(*N.G, config("nvdla-small")));
    for (auto &O : N.G->getOps())
      if (O->getName() == "conv1")
        Edit(*O);
    auto Ts = fault::listStoredWeights(*N.G);
    return Ts ? std::string() : toString(Ts.takeError());
  };
  EXPECT_NE(ErrorWith([](Op &O) {
              O.setAttr(fault::attr::WMemKCRS, std::vector<int64_t>{10, 3, 3});
            })
                .find("quant.conv 'conv1': wmem_layout nvdla-direct needs "
                      "wmem_kcrs = [K, C, R, S]"),
            std::string::npos);
  EXPECT_NE(
      ErrorWith([](Op &O) {
        O.setAttr(fault::attr::WMemKCRS, std::vector<int64_t>{10, 3, 3, 2});
      }).find("does not match its 270-element weight"),
      std::string::npos);
  EXPECT_NE(ErrorWith([](Op &O) {
              O.setAttr(fault::attr::WMemGroups, std::vector<int64_t>{0, 8});
            }).find("wmem_groups"),
            std::string::npos);
  EXPECT_NE(ErrorWith([](Op &O) {
              O.setAttr(fault::attr::WMemLayout, std::string("linear"));
            }).find("wmem_layout must be \"nvdla-direct\""),
            std::string::npos);
  // Two ranges that overlap once conv1 is moved onto conv2's bytes.
  EXPECT_NE(ErrorWith([](Op &O) {
              O.setAttr(fault::attr::WMemOffset, int64_t(700));
            }).find("overlap in the weight memory"),
            std::string::npos);
}

/// The loadable's onncf.fault blob: one range per placed conv at its
/// weight_offset, the decoders, and the MAC array's substitutions.
TEST(NVDLACodegen, FaultBlobInTheLoadable) {
  Net N = makeNet(3, false);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_VALUE(placeNvdlaWeights(*N.G, Cfg));
  const std::vector<int64_t> Quads{5, 0, 0x21, 0, 63, 1, 0x40, 1};
  for (auto &O : N.G->getOps())
    if (O->hasAttr(fault::attr::WMemOffset)) {
      O->setAttr("cmac_substitute", Quads);
      if (O->getName() == "fc")
        O->setAttr(fault::attr::Decoder, std::string("c1"));
    }
  ASSERT_OK(verifyGraph(*N.G));
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  ASSERT_OK(planNvdla(*N.G, Cfg));
  auto Bytes = emitLoadable(*N.G, Cfg);
  ASSERT_VALUE(Bytes);
  auto F = parseLoadable(*Bytes, "m.nvdla");
  ASSERT_VALUE(F);
  const auto *B = (*F)->blobByName(FaultBlobName);
  ASSERT_NE(B, nullptr);
  auto FI = parseFaultBlob(
      ArrayRef<uint8_t>(B->data()->data(), B->data()->size()), "m.nvdla");
  ASSERT_VALUE(FI);
  ASSERT_EQ(FI->Weights.size(), 3u);
  EXPECT_EQ(FI->Weights[0].Op, "conv1");
  EXPECT_EQ(FI->Weights[0].Offset, 0u);
  EXPECT_EQ(FI->Weights[0].Bytes, 272u);
  EXPECT_EQ(FI->Weights[0].Decoder, "none");
  EXPECT_EQ(FI->Weights[1].Offset, 768u);
  EXPECT_EQ(FI->Weights[2].Op, "fc");
  EXPECT_EQ(FI->Weights[2].Decoder, "c1");
  EXPECT_TRUE(FI->HasCmac);
  EXPECT_EQ(FI->AtomK, 8u);
  EXPECT_EQ(FI->AtomC, 8u);
  ASSERT_EQ(FI->Substitutes.size(), 2u);
  EXPECT_EQ(FI->Substitutes[0].Cell, 5u);
  EXPECT_EQ(FI->Substitutes[0].Operand, "weight");
  EXPECT_EQ(FI->Substitutes[0].Mask, 0x21u);
  EXPECT_EQ(FI->Substitutes[0].Mode, "sign-bit");
  EXPECT_EQ(FI->Substitutes[1].Operand, "data");
  EXPECT_EQ(FI->Substitutes[1].Mode, "inverse-sign-bit");

  // Without a placement, no blob.
  Net P = makeNet(3, false);
  ASSERT_OK(lowerToNvdla(*P.G, Cfg));
  ASSERT_OK(planNvdla(*P.G, Cfg));
  auto PB = emitLoadable(*P.G, Cfg);
  ASSERT_VALUE(PB);
  auto PF = parseLoadable(*PB, "p.nvdla");
  ASSERT_VALUE(PF);
  EXPECT_EQ((*PF)->blobByName(FaultBlobName), nullptr);
}

TEST(NVDLACodegen, FaultBlobNeedsOneMacArraySetting) {
  Net N = makeNet(3, false);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_VALUE(placeNvdlaWeights(*N.G, Cfg));
  for (auto &O : N.G->getOps())
    if (O->hasAttr(fault::attr::WMemOffset))
      O->setAttr("cmac_substitute",
                 std::vector<int64_t>{O->getName() == "fc" ? 6 : 5, 0, 1, 0});
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  ASSERT_OK(planNvdla(*N.G, Cfg));
  auto Bytes = emitLoadable(*N.G, Cfg);
  ASSERT_FALSE(bool(Bytes));
  EXPECT_NE(toString(Bytes.takeError()).find("the chip has one MAC array"),
            std::string::npos);
}

namespace {
/// cbuf_banks of every placed quant.conv / quant.fc, then the planner's
/// [data_bank, weight_bank] of every nvdla.conv: equal, op by op.
void expectCbufPlacementIsPlanned(Net &N, const NvdlaConfig &Cfg,
                                  int64_t WantParts) {
  ASSERT_VALUE(placeNvdlaWeights(*N.G, Cfg));
  ASSERT_OK(verifyGraph(*N.G));
  std::vector<std::vector<int64_t>> Placed;
  for (auto &O : N.G->getOps())
    if (O->hasAttr(fault::attr::CbufBanks)) {
      Placed.push_back(O->getIntsAttr(fault::attr::CbufBanks));
      EXPECT_EQ(O->getIntsAttr(fault::attr::CbufGeometry),
                (std::vector<int64_t>{Cfg.CbufBankDepth, Cfg.CbufEntryBytes,
                                      Cfg.AtomicC}));
      if (WantParts)
        EXPECT_EQ(O->getIntAttr(fault::attr::CbufParts, 0), WantParts);
    }
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  ASSERT_OK(planNvdla(*N.G, Cfg));
  std::vector<std::vector<int64_t>> Planned;
  for (Op *O : nvdlaOps(*N.G))
    if (O->getKind() == "nvdla.conv")
      Planned.push_back(
          {O->getIntAttr("data_bank", -1), O->getIntAttr("weight_bank", -1)});
  EXPECT_FALSE(Placed.empty());
  EXPECT_EQ(Placed, Planned);
}
} // namespace

/// The CBUF fault placement (cbuf_banks, by planCbuf on the quant op) is
/// what the planner gives each nvdla.conv, on every config, also for a
/// convolution the planner splits (cbuf_parts counts its parts).
TEST(NVDLACodegen, CbufPlacementMatchesPlanning) {
  for (StringRef Name :
       {"nvdla-small", "nvdla-small-256", "nvdla-large", "nvdla-full"}) {
    SCOPED_TRACE(Name.str());
    Net N = makeNet(3, false);
    expectCbufPlacementIsPlanned(N, config(Name), 1);
  }
  // 128 kernels of 64x3x3 next to a 64x40x40 input on nv_small: 48
  // kernels per part (SplitByKernelGroups), 3 parts.
  Net S = makeConvNet(9, 64, 40, 40, 128, 1);
  expectCbufPlacementIsPlanned(S, config("nvdla-small"), 3);
}

TEST(NVDLACodegen, PlanningRefusesAMovedCbufPlacement) {
  Net N = makeNet(3, false);
  const NvdlaConfig &Cfg = config("nvdla-small");
  ASSERT_VALUE(placeNvdlaWeights(*N.G, Cfg));
  for (auto &O : N.G->getOps())
    if (O->getName() == "conv2")
      O->setAttr(fault::attr::CbufBanks, std::vector<int64_t>{9, 9});
  ASSERT_OK(lowerToNvdla(*N.G, Cfg));
  Error E = planNvdla(*N.G, Cfg);
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E))
                .find("its CBUF fault placement (cbuf_banks) is not the "
                      "planner's"),
            std::string::npos);
}
