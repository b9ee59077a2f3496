//===- VPTests.cpp - NVDLA virtual platform: memory, scheduler, CONV/SDP --===//
//
// Part of onnc-fault. TaskMemory bounds, FeatureView addressing, a
// hand-built CONV -> SDP network (padding, strides, dilation, converters,
// per-kernel operands, PReLU) checked against a direct computation with the
// fixp primitives on three configurations, BDMA transfers, hostile
// descriptors (errors, never crashes), and a loadable with an onncf.io blob
// run through the executor from several threads.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "Scheduler.h"
#include "onncf/IR/ElementType.h"
#include "onncf/IR/Tensor.h"
#include "onncf/Interp/Executor.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Targets/NVDLA/IoBlob.h"
#include "onncf/Targets/NVDLA/Layout.h"
#include "onncf/Targets/NVDLA/LoadableWriter.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "gtest/gtest.h"
#include <set>
#include <thread>

using namespace llvm;
using namespace onncf;
using namespace onncf::nvdla;
using namespace onncf::nvdla::vp;

namespace {

const NvdlaConfig &config(StringRef Name) {
  return *cantFail(lookupNvdlaConfig(Name));
}

std::string errorOf(Error E) { return E ? toString(std::move(E)) : ""; }
template <typename T> std::string errorOf(Expected<T> V) {
  return V ? "" : toString(V.takeError());
}

/// One buffer per address index.
struct Buffers {
  std::vector<std::vector<uint8_t>> Bufs;
  TaskMemory mem() {
    std::vector<MutableArrayRef<uint8_t>> B;
    for (auto &V : Bufs)
      B.emplace_back(V);
    return TaskMemory(std::move(B));
  }
};

/// A deterministic pseudo-random sequence in [Lo, Hi].
struct Lcg {
  uint32_t S = 12345;
  int next(int Lo, int Hi) {
    S = S * 1103515245u + 12345u;
    return Lo + int((S >> 8) % uint32_t(Hi - Lo + 1));
  }
};

DataCube cube(int16_t Address, unsigned C, unsigned H, unsigned W,
              unsigned Atom, unsigned Eb) {
  DataCube D = {};
  D.type = MemDRAM;
  D.address = Address;
  D.width = W;
  D.height = H;
  D.channel = C;
  D.line_stride = W * Atom;
  D.surf_stride = H * W * Atom;
  D.size = D.surf_stride * ((C * Eb + Atom - 1) / Atom);
  return D;
}

DataCube onTheFly(unsigned C, unsigned H, unsigned W) {
  DataCube D = {};
  D.type = MemHW;
  D.address = -1;
  D.width = W;
  D.height = H;
  D.channel = C;
  return D;
}

DecodedOp emptyOp(unsigned Index, OpType T) {
  DecodedOp Op = {};
  Op.common.index = Index;
  Op.common.op_type = T;
  for (Consumer &C : Op.common.consumers)
    C.index = -1;
  Op.common.fused_parent.index = -1;
  return Op;
}

DLANetwork network(std::vector<DecodedOp> Ops) {
  DLANetwork N;
  N.Layout = DescLayout::Current012;
  N.Net = {};
  for (int16_t &H : N.Net.op_head)
    H = -1;
  for (unsigned I = 0; I < Ops.size(); ++I)
    if (N.Net.op_head[Ops[I].common.op_type] < 0)
      N.Net.op_head[Ops[I].common.op_type] = I;
  N.Net.num_operations = Ops.size();
  N.Ops = std::move(Ops);
  return N;
}

//===----------------------------------------------------------------------===//
// TaskMemory and FeatureView
//===----------------------------------------------------------------------===//

TEST(VPTaskMemory, ResolvesInsideAndRejectsOutside) {
  Buffers B{{std::vector<uint8_t>(16), std::vector<uint8_t>(4)}};
  TaskMemory M = B.mem();
  EXPECT_EQ(M.getNumAddresses(), 2u);
  auto R = M.resolve(0, 4, 12, "x");
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(R->data(), B.Bufs[0].data() + 4);
  EXPECT_EQ(R->size(), 12u);
  EXPECT_TRUE(bool(M.resolve(1, 4, 0, "x"))); // empty range at the end
  EXPECT_EQ(errorOf(M.resolve(0, 4, 13, "cube")),
            "cube: address index 0 offset 4 + 13 bytes exceeds its 16");
  EXPECT_EQ(errorOf(M.resolve(2, 0, 1, "cube")),
            "cube: address index 2 is not in the task's address list (2 "
            "entries)");
  EXPECT_EQ(errorOf(M.resolve(-1, 0, 1, "cube")),
            "cube: address index -1 is not in the task's address list (2 "
            "entries)");
  // Offset + size wrapping around 2^64 is still outside.
  EXPECT_FALSE(errorOf(M.resolve(0, 8, UINT64_MAX - 4, "w")).empty());
  EXPECT_FALSE(errorOf(M.resolve(0, UINT64_MAX, 2, "w")).empty());
}

TEST(VPFeatureView, AddressesNCxHWx) {
  // 10 int8 channels in 8-byte atoms: two surfaces, the second partial.
  Buffers B{{std::vector<uint8_t>(2 * 3 * 4 * 8 + 16)}};
  TaskMemory M = B.mem();
  DataCube C = cube(0, 10, 3, 4, 8, 1);
  C.offset = 16;
  auto V = FeatureView::get(M, C, 1, 8, "src");
  ASSERT_TRUE(bool(V)) << errorOf(V.takeError());
  EXPECT_EQ(V->offset(9, 2, 3), 1u * 96 + 2 * 32 + 3 * 8 + 1);
  V->store(9, 2, 3, -2);
  EXPECT_EQ(B.Bufs[0][16 + 96 + 64 + 24 + 1], 0xFE);
  EXPECT_EQ(V->load(9, 2, 3), -2);
  V->store(0, 0, 0, 300); // the low byte only
  EXPECT_EQ(V->load(0, 0, 0), 44);

  // int16 on a 32-byte atom: 16 channels per atom, little-endian.
  Buffers B2{{std::vector<uint8_t>(2 * 32)}};
  TaskMemory M2 = B2.mem();
  auto V2 = FeatureView::get(M2, cube(0, 20, 1, 1, 32, 2), 2, 32, "x");
  ASSERT_TRUE(bool(V2));
  V2->store(17, 0, 0, -1000);
  EXPECT_EQ(V2->offset(17, 0, 0), 32u + 2);
  EXPECT_EQ(V2->load(17, 0, 0), -1000);
  EXPECT_EQ(B2.Bufs[0][34], uint8_t(-1000 & 0xFF));
}

TEST(VPFeatureView, RejectsBadCubes) {
  Buffers B{{std::vector<uint8_t>(95)}};
  TaskMemory M = B.mem();
  // The furthest byte: surface 1, row 2, column 3, channel 7 of an atom
  // (channel 15 would be there; the span counts it, as the hardware reads
  // whole atoms): 96 + 64 + 24 + 7 + 1 = 192.
  EXPECT_EQ(errorOf(FeatureView::get(M, cube(0, 10, 3, 4, 8, 1), 1, 8, "src")),
            "src: address index 0 offset 0 + 192 bytes exceeds its 95");
  EXPECT_EQ(errorOf(FeatureView::get(M, onTheFly(1, 1, 1), 1, 8, "src")),
            "src: the cube is on-the-fly (memory type 2), not in memory");
  DataCube Empty = cube(0, 0, 1, 1, 8, 1);
  EXPECT_EQ(errorOf(FeatureView::get(M, Empty, 1, 8, "src")),
            "src: empty cube 0x1x1 (CxHxW)");
  DataCube Overlap = cube(0, 1, 4, 4, 8, 1);
  Overlap.line_stride = 8;
  EXPECT_EQ(errorOf(FeatureView::get(M, Overlap, 1, 8, "src")),
            "src: line stride 8 is below width 4 x 8-byte atoms");
  // 65535^3 with zero strides would be tiny in memory but huge to walk.
  DataCube Huge = cube(0, 65535, 65535, 65535, 8, 1);
  Huge.line_stride = Huge.surf_stride = 0;
  EXPECT_FALSE(errorOf(FeatureView::get(M, Huge, 1, 8, "src")).empty());
  EXPECT_FALSE(errorOf(FeatureView::get(M, cube(0, 1, 1, 1, 8, 1), 3, 8, "src"))
                   .empty());
}

//===----------------------------------------------------------------------===//
// CONV -> SDP against a direct computation
//===----------------------------------------------------------------------===//

struct ConvCase {
  const char *Config;
  unsigned Eb; ///< 1 INT8, 2 INT16
};

class VPConvSdp : public ::testing::TestWithParam<ConvCase> {};

TEST_P(VPConvSdp, MatchesDirectComputation) {
  const NvdlaConfig &Cfg = config(GetParam().Config);
  const unsigned Eb = GetParam().Eb, Atom = Cfg.MemoryAtomBytes, Bits = Eb * 8;
  const int C = 10, H = 5, W = 6, K = 12, R = 3, S = 2;
  const int StrideX = 2, StrideY = 1, DilY = 2, PadL = 1, PadR = 0, PadT = 1,
            PadB = 1;
  const int OH = (H + PadT + PadB - ((R - 1) * DilY + 1)) / StrideY + 1;
  const int OW = (W + PadL + PadR - S) / StrideX + 1;
  ASSERT_EQ(OH, 3);
  ASSERT_EQ(OW, 3);
  const int PadVal = -3, Clip = Eb == 1 ? 2 : 12, X1Trunc = 14;
  const CvtParam InCvt = {3, 1, 1, 1}; // (x - 1) * 3 >> 1
  const int Vmax = Eb == 1 ? 100 : 3000;

  Lcg G;
  std::vector<int> X(C * H * W), Wt(K * C * R * S), Bias(K), Scale(K);
  for (int &V : X)
    V = G.next(-Vmax, Vmax);
  for (int &V : Wt)
    V = G.next(-Vmax, Vmax);
  for (int &V : Bias)
    V = G.next(-2000, 2000);
  for (int &V : Scale)
    V = G.next(-300, 300);

  // Memories: 0 unused (network descriptor), 1 src, 2 weights, 3 dst,
  // 4 per-kernel operands (ALU, MUL int16 pairs).
  DataCube Src = cube(1, C, H, W, Atom, Eb), Dst = cube(3, K, OH, OW, Atom, 1);
  Buffers B;
  B.Bufs.emplace_back(40);
  B.Bufs.emplace_back(Src.size);
  auto WL = cantFail(makeWeightLayout(Cfg, K, C, R, S, Eb));
  std::vector<uint8_t> Dense(WL.getDenseBytes());
  for (size_t I = 0; I < Wt.size(); ++I)
    for (unsigned Bt = 0; Bt < Eb; ++Bt)
      Dense[I * Eb + Bt] = uint8_t(uint32_t(Wt[I]) >> (8 * Bt));
  B.Bufs.push_back(cantFail(packWeights(WL, Dense)));
  B.Bufs.emplace_back(Dst.size);
  B.Bufs.emplace_back(K * 4);
  for (int Kk = 0; Kk < K; ++Kk)
    for (int Half = 0; Half < 2; ++Half) {
      uint16_t V = uint16_t(Half ? Scale[Kk] : Bias[Kk]);
      B.Bufs[4][Kk * 4 + Half * 2] = uint8_t(V);
      B.Bufs[4][Kk * 4 + Half * 2 + 1] = uint8_t(V >> 8);
    }
  TaskMemory M = B.mem();
  {
    auto In = cantFail(FeatureView::get(M, Src, Eb, Atom, "src"));
    for (int Ch = 0; Ch < C; ++Ch)
      for (int Y = 0; Y < H; ++Y)
        for (int Xx = 0; Xx < W; ++Xx)
          In.store(Ch, Y, Xx, X[(Ch * H + Y) * W + Xx]);
  }

  DecodedOp Conv = emptyOp(0, OpCONV);
  Conv.common.dependency_count = 1; // the SDP's ENABLED event
  Conv.common.consumers[OpSDP] = {1, 2, 0};
  ConvOpDesc &CD = Conv.op.conv;
  CD.data_format = 36;
  CD.in_precision = CD.out_precision = Eb - 1;
  CD.conv_stride_x = StrideX;
  CD.conv_stride_y = StrideY;
  CD.dilation_x = 1;
  CD.dilation_y = DilY;
  CD.pad_x_left = PadL;
  CD.pad_x_right = PadR;
  CD.pad_y_top = PadT;
  CD.pad_y_bottom = PadB;
  CD.pad_val = PadVal;
  CD.in_cvt = InCvt;
  CD.out_cvt.truncate = Clip;
  ConvSurfaceDesc &CS = Conv.surface.conv;
  CS.src_data = Src;
  CS.weight_data = cube(2, C, R, S, Atom, Eb);
  CS.weight_data.size = WL.getPackedBytes();
  CS.dst_data = onTheFly(K, OH, OW);
  CS.wmb_data.address = CS.wgs_data.address = -1;

  DecodedOp Sdp = emptyOp(1, OpSDP);
  Sdp.common.dependency_count = 1; // the CONV's PROGRAMMED event
  Sdp.common.fused_parent = {0, 3, 0};
  SdpOpDesc &SD = Sdp.op.sdp;
  SD.src_precision = Eb - 1;
  SD.dst_precision = 0;
  SD.x1_op = {1, 2, 3, 1, 1, /*shift*/ 1, X1Trunc, 1, 0, 0, {}, {}};
  SD.x2_op = {1, 2, 1, 0, 3, 0, /*truncate*/ 1, 1, 0, /*mul*/ 3, {}, {}};
  SD.out_cvt = {7, 2, 1, 5};
  SdpSurfaceDesc &SS = Sdp.surface.sdp;
  SS.src_data = onTheFly(K, OH, OW);
  SS.x1_data = cube(4, K, 1, 1, Atom, 2);
  SS.x2_data.address = SS.y_data.address = -1;
  SS.x2_data.type = SS.y_data.type = MemHW;
  SS.dst_data = Dst;

  VPStats Stats;
  DLANetwork Net = network({Conv, Sdp});
  ASSERT_EQ(errorOf(runDLANetwork(Net, M, Cfg, Stats, "net")), "");

  auto Out = cantFail(FeatureView::get(M, Dst, 1, Atom, "dst"));
  std::set<int32_t> Seen;
  for (int Kk = 0; Kk < K; ++Kk)
    for (int Oy = 0; Oy < OH; ++Oy)
      for (int Ox = 0; Ox < OW; ++Ox) {
        int64_t Acc = 0;
        for (int Ch = 0; Ch < C; ++Ch)
          for (int Rr = 0; Rr < R; ++Rr)
            for (int Ss = 0; Ss < S; ++Ss) {
              int Iy = Oy * StrideY + Rr * DilY - PadT;
              int Ix = Ox * StrideX + Ss - PadL;
              int64_t V = PadVal;
              if (Iy >= 0 && Iy < H && Ix >= 0 && Ix < W)
                V = fixp::outputConvert(X[(Ch * H + Iy) * W + Ix], InCvt.offset,
                                        InCvt.scale, InCvt.truncate, Bits);
              Acc += V * Wt[((Kk * C + Ch) * R + Rr) * S + Ss];
            }
        int32_t V = fixp::caccOutput(Acc, Clip);
        // X1: BOTH per kernel, ALU add of bias << 1, MUL, >> 17, ReLU.
        int64_t A = fixp::sdpAlu(V, fixp::sdpAluOperand(Bias[Kk], 1),
                                 fixp::SdpAluOp::Add);
        V = fixp::relu(fixp::sdpTruncate(fixp::sdpMul(A, Scale[Kk]), X1Trunc));
        // X2: MUL per layer with PReLU (positives pass), >> 1.
        V = fixp::sdpTruncate(fixp::sdpMul(V, 3, /*PReLU=*/true), 1);
        int32_t Want = fixp::outputConvert(V, 5, 7, 2, 8);
        ASSERT_EQ(Out.load(Kk, Oy, Ox), Want)
            << "k " << Kk << " y " << Oy << " x " << Ox;
        Seen.insert(Want);
      }
  // The data exercise the arithmetic: not all clipped or zero.
  EXPECT_GT(Seen.size(), 20u) << Seen.size();
  EXPECT_EQ(Stats.Engines[OpCONV].Ops, 1u);
  EXPECT_EQ(Stats.Engines[OpCONV].Macs, uint64_t(K) * OH * OW * C * R * S);
  EXPECT_EQ(Stats.Engines[OpSDP].Ops, 1u);
  EXPECT_EQ(Stats.Engines[OpSDP].BytesWritten, uint64_t(K) * OH * OW);
}

INSTANTIATE_TEST_SUITE_P(Configs, VPConvSdp,
                         ::testing::Values(ConvCase{"nv_small", 1},
                                           ConvCase{"nv_full", 1},
                                           ConvCase{"nv_full", 2}));

TEST(VPConvSdpFp16, RoundsOnceAtTheSdpOutput) {
  const NvdlaConfig &Cfg = config("nv_full");
  const unsigned C = 3, H = 4, W = 4, K = 2, R = 2, S = 2, OH = 3, OW = 3;
  DataCube Src = cube(1, C, H, W, 32, 2), Dst = cube(3, K, OH, OW, 32, 2);
  auto WL = cantFail(makeWeightLayout(Cfg, K, C, R, S, 2));
  Buffers B;
  B.Bufs.emplace_back(40);
  B.Bufs.emplace_back(Src.size);
  std::vector<float> X(C * H * W), Wt(K * C * R * S);
  Lcg G;
  for (float &V : X)
    V = halfToFloat(floatToHalf(G.next(-1000, 1000) / 97.0f));
  for (float &V : Wt)
    V = halfToFloat(floatToHalf(G.next(-1000, 1000) / 311.0f));
  std::vector<uint8_t> Dense(WL.getDenseBytes());
  for (size_t I = 0; I < Wt.size(); ++I) {
    uint16_t H16 = floatToHalf(Wt[I]);
    Dense[2 * I] = uint8_t(H16);
    Dense[2 * I + 1] = uint8_t(H16 >> 8);
  }
  B.Bufs.push_back(cantFail(packWeights(WL, Dense)));
  B.Bufs.emplace_back(Dst.size);
  B.Bufs.emplace_back(K * 2);
  const float Bias[2] = {0.5f, -3.25f};
  for (unsigned Kk = 0; Kk < K; ++Kk) {
    uint16_t H16 = floatToHalf(Bias[Kk]);
    B.Bufs[4][2 * Kk] = uint8_t(H16);
    B.Bufs[4][2 * Kk + 1] = uint8_t(H16 >> 8);
  }
  TaskMemory M = B.mem();
  auto In = cantFail(FeatureView::get(M, Src, 2, 32, "src"));
  for (unsigned Ch = 0; Ch < C; ++Ch)
    for (unsigned Y = 0; Y < H; ++Y)
      for (unsigned Xx = 0; Xx < W; ++Xx)
        In.store(Ch, Y, Xx, int16_t(floatToHalf(X[(Ch * H + Y) * W + Xx])));

  DecodedOp Conv = emptyOp(0, OpCONV);
  Conv.common.dependency_count = 1;
  Conv.common.consumers[OpSDP] = {1, 2, 0};
  Conv.op.conv.data_format = 36;
  Conv.op.conv.in_precision = Conv.op.conv.out_precision = 2;
  Conv.op.conv.conv_stride_x = Conv.op.conv.conv_stride_y = 1;
  Conv.surface.conv.src_data = Src;
  Conv.surface.conv.weight_data = cube(2, C, R, S, 32, 2);
  Conv.surface.conv.dst_data = onTheFly(K, OH, OW);
  DecodedOp Sdp = emptyOp(1, OpSDP);
  Sdp.common.dependency_count = 1;
  Sdp.common.fused_parent = {0, 3, 0};
  Sdp.op.sdp.src_precision = Sdp.op.sdp.dst_precision = 2;
  Sdp.op.sdp.x1_op = {1, 2, 2, 1, 1, 0, 0, 2, 0, 0, {}, {}};
  Sdp.op.sdp.out_cvt = {1, 0, 1, 0};
  Sdp.surface.sdp.src_data = onTheFly(K, OH, OW);
  Sdp.surface.sdp.x1_data = cube(4, K, 1, 1, 32, 2);
  Sdp.surface.sdp.x2_data = Sdp.surface.sdp.y_data = onTheFly(0, 0, 0);
  Sdp.surface.sdp.dst_data = Dst;
  VPStats St;
  ASSERT_EQ(errorOf(runDLANetwork(network({Conv, Sdp}), M, Cfg, St, "f")), "");
  auto Out = cantFail(FeatureView::get(M, Dst, 2, 32, "dst"));
  unsigned Positive = 0;
  for (unsigned Kk = 0; Kk < K; ++Kk)
    for (unsigned Oy = 0; Oy < OH; ++Oy)
      for (unsigned Ox = 0; Ox < OW; ++Ox) {
        double Acc = 0;
        for (unsigned Ch = 0; Ch < C; ++Ch)
          for (unsigned Rr = 0; Rr < R; ++Rr)
            for (unsigned Ss = 0; Ss < S; ++Ss)
              Acc += double(X[(Ch * H + Oy + Rr) * W + Ox + Ss]) *
                     Wt[((Kk * C + Ch) * R + Rr) * S + Ss];
        float V = std::max(float(Acc) + Bias[Kk], 0.0f);
        Positive += V > 0;
        EXPECT_EQ(uint16_t(Out.load(Kk, Oy, Ox)), floatToHalf(V))
            << Kk << " " << Oy << " " << Ox;
      }
  EXPECT_GT(Positive, 4u);
  EXPECT_LT(Positive, K * OH * OW);

  // FP16 in, integer out: not modelled, said so.
  Sdp.op.sdp.dst_precision = 0;
  EXPECT_NE(errorOf(runDLANetwork(network({Conv, Sdp}), M, Cfg, St, "f"))
                .find("converting between FP16 and integer data"),
            std::string::npos);
}

/// Runs one CONV (1x1 input rows, \p Wt dense KCRS int8) -> SDP identity on
/// nv_full, the weights packed or compressed; returns the SDP output.
std::vector<int32_t> runConvWeights(ArrayRef<int8_t> Wt, unsigned K, unsigned C,
                                    bool Compress, int FlipMaskBit = -1) {
  const NvdlaConfig &Cfg = config("nv_full");
  const unsigned H = 3, W = 3;
  auto WL = cantFail(makeWeightLayout(Cfg, K, C, 1, 1, 1));
  std::vector<uint8_t> Dense(Wt.begin(), Wt.end());
  std::vector<uint8_t> Packed = cantFail(packWeights(WL, Dense));
  DataCube Src = cube(1, C, H, W, 32, 1), Dst = cube(3, K, H, W, 32, 1);
  Buffers B;
  B.Bufs.emplace_back(40);
  B.Bufs.emplace_back(Src.size);
  std::vector<uint8_t> Data, Mask((WL.getDenseBytes() + 7) / 8 + 128), Counts;
  if (Compress) {
    uint64_t Elem = 0;
    for (int64_t G = 0; G < WL.getNumKernelGroups(); ++G) {
      uint32_t N = 0;
      for (uint64_t I = 0; I < WL.getKernelGroupBytes(G); ++I, ++Elem)
        if (Packed[Elem]) {
          Mask[Elem / 8] |= 1 << (Elem % 8);
          Data.push_back(Packed[Elem]);
          ++N;
        }
      for (unsigned Bt = 0; Bt < 4; ++Bt)
        Counts.push_back(uint8_t(N >> (8 * Bt)));
    }
    if (FlipMaskBit >= 0)
      Mask[FlipMaskBit / 8] ^= 1 << (FlipMaskBit % 8);
  } else {
    Data = Packed;
  }
  B.Bufs.push_back(Data);
  B.Bufs.emplace_back(Dst.size);
  B.Bufs.push_back(Mask);
  B.Bufs.push_back(Counts);
  TaskMemory M = B.mem();
  auto In = cantFail(FeatureView::get(M, Src, 1, 32, "src"));
  for (unsigned Ch = 0; Ch < C; ++Ch)
    for (unsigned Y = 0; Y < H; ++Y)
      for (unsigned X = 0; X < W; ++X)
        In.store(Ch, Y, X, int(Ch * 3 + Y * 5 + X) % 11 - 5);
  DecodedOp Conv = emptyOp(0, OpCONV);
  Conv.common.dependency_count = 1;
  Conv.common.consumers[OpSDP] = {1, 2, 0};
  Conv.op.conv.data_format = 36;
  Conv.op.conv.conv_stride_x = Conv.op.conv.conv_stride_y = 1;
  Conv.op.conv.weight_format = Compress;
  Conv.surface.conv.src_data = Src;
  Conv.surface.conv.weight_data = cube(2, C, 1, 1, 32, 1);
  Conv.surface.conv.wmb_data = cube(4, 1, 1, 1, 32, 1);
  Conv.surface.conv.wgs_data = cube(5, 1, 1, 1, 32, 1);
  Conv.surface.conv.dst_data = onTheFly(K, H, W);
  DecodedOp Sdp = emptyOp(1, OpSDP);
  Sdp.common.dependency_count = 1;
  Sdp.common.fused_parent = {0, 3, 0};
  Sdp.surface.sdp.src_data = onTheFly(K, H, W);
  Sdp.surface.sdp.x1_data = Sdp.surface.sdp.x2_data = Sdp.surface.sdp.y_data =
      onTheFly(0, 0, 0);
  Sdp.surface.sdp.dst_data = Dst;
  VPStats St;
  Error E = runDLANetwork(network({Conv, Sdp}), M, Cfg, St, "c");
  EXPECT_EQ(errorOf(std::move(E)), "");
  auto Out = cantFail(FeatureView::get(M, Dst, 1, 32, "dst"));
  std::vector<int32_t> R;
  for (unsigned Kk = 0; Kk < K; ++Kk)
    for (unsigned Y = 0; Y < H; ++Y)
      for (unsigned X = 0; X < W; ++X)
        R.push_back(Out.load(Kk, Y, X));
  return R;
}

TEST(VPConv, CompressedWeightsAndIndexSynchronisation) {
  // 40 kernels: two kernel groups on nv_full (32 + 8); most weights zero.
  const unsigned K = 40, C = 5;
  std::vector<int8_t> Wt(K * C);
  for (unsigned I = 0; I < Wt.size(); ++I)
    Wt[I] = I % 3 == 0 ? int8_t(int(I % 7) - 3) : 0;
  std::vector<int32_t> Plain = runConvWeights(Wt, K, C, false);
  EXPECT_EQ(runConvWeights(Wt, K, C, true), Plain);
  // A flipped mask bit in group 0 changes group 0's outputs only: group 1
  // starts from its own byte count.
  std::vector<int32_t> Faulty = runConvWeights(Wt, K, C, true, 7);
  EXPECT_NE(Faulty, Plain);
  const unsigned PerKernel = 9;
  for (unsigned I = 32 * PerKernel; I < Plain.size(); ++I)
    EXPECT_EQ(Faulty[I], Plain[I]) << I;
}

//===----------------------------------------------------------------------===//
// SDP per-point (element-wise) and BDMA
//===----------------------------------------------------------------------===//

TEST(VPSdp, PerPointAddAndMax) {
  const NvdlaConfig &Cfg = config("nv_small");
  DataCube A = cube(0, 3, 2, 2, 8, 1), Bc = cube(1, 3, 2, 2, 8, 1),
           D = cube(2, 3, 2, 2, 8, 1);
  Buffers B{{std::vector<uint8_t>(A.size), std::vector<uint8_t>(Bc.size),
             std::vector<uint8_t>(D.size)}};
  TaskMemory M = B.mem();
  auto VA = cantFail(FeatureView::get(M, A, 1, 8, "a"));
  auto VB = cantFail(FeatureView::get(M, Bc, 1, 8, "b"));
  for (unsigned C = 0; C < 3; ++C)
    for (unsigned Y = 0; Y < 2; ++Y)
      for (unsigned X = 0; X < 2; ++X) {
        VA.store(C, Y, X, int(C * 40) - int(Y * 70) + int(X));
        VB.store(C, Y, X, 100 - int(C * 30) + int(Y));
      }
  for (uint8_t Alu : {uint8_t(2), uint8_t(0)}) { // SUM, MAX
    DecodedOp Op = emptyOp(0, OpSDP);
    Op.op.sdp.x1_op = {1, Alu, 2, 2, 0, 0, 0, 0, 0, 0, {}, {}};
    Op.surface.sdp.src_data = A;
    Op.surface.sdp.x1_data = Bc;
    Op.surface.sdp.x2_data.type = Op.surface.sdp.y_data.type = MemHW;
    Op.surface.sdp.dst_data = D;
    VPStats St;
    ASSERT_EQ(errorOf(runDLANetwork(network({Op}), M, Cfg, St, "ew")), "");
    auto VD = cantFail(FeatureView::get(M, D, 1, 8, "d"));
    for (unsigned C = 0; C < 3; ++C)
      for (unsigned Y = 0; Y < 2; ++Y)
        for (unsigned X = 0; X < 2; ++X) {
          int64_t R = fixp::sdpAlu(VA.load(C, Y, X), VB.load(C, Y, X),
                                   Alu == 2 ? fixp::SdpAluOp::Add
                                            : fixp::SdpAluOp::Max);
          EXPECT_EQ(VD.load(C, Y, X), fixp::saturate(R, 8));
        }
  }
}

TEST(VPBdma, CopiesStridedSurfaces) {
  const NvdlaConfig &Cfg = config("nv_full");
  Buffers B{{std::vector<uint8_t>(64), std::vector<uint8_t>(64)}};
  for (unsigned I = 0; I < 64; ++I)
    B.Bufs[0][I] = I;
  TaskMemory M = B.mem();
  DecodedOp Op = emptyOp(0, OpBDMA);
  Op.surface.bdma.num_transfers = 1;
  // 2 surfaces x 3 lines x 4 bytes; source lines 8 apart, surfaces 32;
  // destination packed (lines 4, surfaces 12).
  Op.surface.bdma.transfers[0] = {0, 1, 4, 3, 8, 4, 2, 32, 12};
  VPStats St;
  ASSERT_EQ(errorOf(runDLANetwork(network({Op}), M, Cfg, St, "b")), "");
  for (unsigned Sf = 0; Sf < 2; ++Sf)
    for (unsigned L = 0; L < 3; ++L)
      for (unsigned K = 0; K < 4; ++K)
        EXPECT_EQ(B.Bufs[1][Sf * 12 + L * 4 + K], Sf * 32 + L * 8 + K);
  EXPECT_EQ(B.Bufs[1][24], 0);
  EXPECT_EQ(St.Engines[OpBDMA].BytesWritten, 24u);

  // The source span (2 surfaces 60 apart) leaves the 64-byte buffer.
  Op.surface.bdma.transfers[0].source_surface = 60;
  EXPECT_EQ(errorOf(runDLANetwork(network({Op}), M, Cfg, St, "b")),
            "b: op 0 (BDMA): transfer 0 source: address index 0 offset 0 + "
            "80 bytes exceeds its 64");
  // Zero strides cannot make a copy loop run 2^64 times.
  Op.surface.bdma.transfers[0] = {0, 1, 1, 0xFFFFFFFF, 0, 0, 0xFFFFFFFF, 0, 0};
  EXPECT_NE(errorOf(runDLANetwork(network({Op}), M, Cfg, St, "b"))
                .find("moves more than"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Hostile networks: errors, never crashes or hangs
//===----------------------------------------------------------------------===//

TEST(VPScheduler, ReportsDeadlocksAndBadChains) {
  const NvdlaConfig &Cfg = config("nv_small");
  Buffers B{{std::vector<uint8_t>(64)}};
  TaskMemory M = B.mem();
  VPStats St;
  // An SDP fed on the fly by a CONV that does not exist.
  DecodedOp Sdp = emptyOp(0, OpSDP);
  Sdp.surface.sdp.src_data = onTheFly(1, 1, 1);
  Sdp.surface.sdp.dst_data = cube(0, 1, 1, 1, 8, 1);
  EXPECT_EQ(errorOf(runDLANetwork(network({Sdp}), M, Cfg, St, "t")),
            "t: deadlock: 1 of 1 ops can never run: op 0 (SDP) enabled but "
            "its engine or on-the-fly data never got to it");
  // An op waiting for an event nobody raises.
  DecodedOp Wait = emptyOp(0, OpSDP);
  Wait.common.dependency_count = 3;
  Wait.surface.sdp.src_data = cube(0, 1, 1, 1, 8, 1);
  Wait.surface.sdp.dst_data = cube(0, 1, 1, 1, 8, 1);
  EXPECT_EQ(errorOf(runDLANetwork(network({Wait}), M, Cfg, St, "t")),
            "t: deadlock: 1 of 1 ops can never run: op 0 (SDP) waits for 3 "
            "more event(s)");
  // An op no engine chain reaches.
  DLANetwork Two = network({Wait, Wait});
  Two.Ops[0].common.dependency_count = 0;
  Two.Ops[1].common.index = 1;
  EXPECT_NE(errorOf(runDLANetwork(Two, M, Cfg, St, "t"))
                .find("op 1 (SDP) never programmed"),
            std::string::npos);
  // op_head past the ops, and a chain into itself.
  DLANetwork Bad = network({Wait});
  Bad.Ops[0].common.dependency_count = 0;
  Bad.Net.op_head[OpSDP] = 7;
  EXPECT_EQ(errorOf(runDLANetwork(Bad, M, Cfg, St, "t")),
            "t: the SDP op chain names op 7 but the network has 1 ops");
  Bad.Net.op_head[OpSDP] = 0;
  Bad.Ops[0].common.consumers[OpSDP].index = 0;
  EXPECT_EQ(errorOf(runDLANetwork(Bad, M, Cfg, St, "t")),
            "t: op 0 (SDP): the SDP op chain comes back to this op (a cycle)");
  // Unknown op type.
  DLANetwork Unknown = network({Wait});
  Unknown.Ops[0].common.op_type = 9;
  EXPECT_EQ(errorOf(runDLANetwork(Unknown, M, Cfg, St, "t")),
            "t: op 0 (): unknown op type 9");
}

TEST(VPEngines, RejectUnsupportedAndInconsistentDescriptors) {
  const NvdlaConfig &Cfg = config("nv_small");
  Buffers B{{std::vector<uint8_t>(512), std::vector<uint8_t>(512)}};
  TaskMemory M = B.mem();
  VPStats St;
  EngineContext Ctx(M, Cfg, DescLayout::Current012, {}, St);
  DecodedOp Conv = emptyOp(0, OpCONV);
  Conv.op.conv.data_format = 36;
  Conv.op.conv.conv_stride_x = Conv.op.conv.conv_stride_y = 1;
  Conv.surface.conv.src_data = cube(0, 8, 4, 4, 8, 1);
  Conv.surface.conv.weight_data = cube(1, 8, 3, 3, 8, 1);
  Conv.surface.conv.dst_data = onTheFly(4, 2, 2);
  EXPECT_EQ(errorOf(runConv(Conv, 0, Ctx)), "");
  EXPECT_TRUE(Ctx.ConvToSdp.Valid);
  Ctx.ConvToSdp.Valid = false;

  DecodedOp C2 = Conv;
  C2.op.conv.in_precision = 1;
  EXPECT_EQ(errorOf(runConv(C2, 3, Ctx)),
            "op 3 (CONV): INT16 is not supported by nv_small");
  C2 = Conv;
  C2.op.conv.in_precision = 2;
  EXPECT_EQ(errorOf(runConv(C2, 3, Ctx)),
            "op 3 (CONV): FP16 is not supported by nv_small");
  C2 = Conv;
  C2.op.conv.weight_format = 1;
  EXPECT_EQ(errorOf(runConv(C2, 3, Ctx)),
            "op 3 (CONV): compressed weights (weight_format 1) are not "
            "supported by nv_small");
  C2 = Conv;
  C2.surface.conv.dst_data = cube(1, 4, 2, 2, 8, 1);
  EXPECT_EQ(errorOf(runConv(C2, 3, Ctx)),
            "op 3 (CONV): dst_data memory type 0: CACC output only goes on "
            "the fly to SDP (type 2)");
  C2 = Conv;
  C2.surface.conv.weight_data.channel = 7;
  EXPECT_EQ(errorOf(runConv(C2, 3, Ctx)),
            "op 3 (CONV): weight_data has 7 channels but src_data 8");
  C2 = Conv;
  C2.surface.conv.dst_data.channel = 200; // weights past the 512 bytes
  C2.surface.conv.dst_data.width = 2;
  EXPECT_NE(errorOf(runConv(C2, 3, Ctx)).find("weight_data: address index 1"),
            std::string::npos);
  C2 = Conv;
  C2.surface.conv.weight_data.height = 9;
  EXPECT_EQ(errorOf(runConv(C2, 3, Ctx)),
            "op 3 (CONV): the 9x3 kernel does not fit the padded 4x4 input");

  // SDP: per-kernel operands past their buffer, LUT, EQL, sizes.
  DecodedOp Sdp = emptyOp(1, OpSDP);
  Sdp.surface.sdp.src_data = cube(0, 8, 4, 4, 8, 1);
  Sdp.surface.sdp.dst_data = cube(1, 8, 4, 4, 8, 1);
  Sdp.op.sdp.x1_op = {1, 2, 3, 1, 0, 0, 0, 1, 0, 0, {}, {}};
  Sdp.surface.sdp.x1_data = cube(1, 8, 1, 1, 8, 2);
  Sdp.surface.sdp.x1_data.offset = 500;
  EXPECT_EQ(errorOf(runSdp(Sdp, 1, Ctx)),
            "op 1 (SDP): x1 per-kernel operands: address index 1 offset 500 + "
            "32 bytes exceeds its 512");
  Sdp.op.sdp.x1_op.act = 2;
  EXPECT_EQ(errorOf(runSdp(Sdp, 1, Ctx)),
            "op 1 (SDP): x1: LUT activation is not supported");
  Sdp.op.sdp.x1_op.act = 0;
  Sdp.op.sdp.x1_op.alu_type = 3;
  EXPECT_EQ(errorOf(runSdp(Sdp, 1, Ctx)),
            "op 1 (SDP): x1: ALU type 3 is not supported");
  Sdp.op.sdp.x1_op.enable = 0;
  Sdp.surface.sdp.dst_data.width = 3;
  EXPECT_EQ(errorOf(runSdp(Sdp, 1, Ctx)),
            "op 1 (SDP): dst_data is 8x4x3 but the input is 8x4x4");
  Sdp.surface.sdp.dst_data.width = 4;
  Sdp.surface.sdp.src_data = onTheFly(8, 4, 4);
  EXPECT_EQ(errorOf(runSdp(Sdp, 1, Ctx)),
            "op 1 (SDP): src_data is on the fly but CONV sent nothing");
}

//===----------------------------------------------------------------------===//
// A whole loadable through VirtualPlatform and the executor
//===----------------------------------------------------------------------===//

/// One SDP op: y = relu(x + 3 << 1) >> 0 on a 4x2x2 int8 cube of nv_small,
/// with float ports (scale 0.5) described by an onncf.io blob.
std::unique_ptr<LoadableFile> sdpLoadable(bool WithIo) {
  LoadableWriter W;
  unsigned In = W.addMemory(MemFlagInput, 32),
           Out = W.addMemory(MemFlagOutput, 32);
  unsigned InA = W.addAddress(In, 0, 32), OutA = W.addAddress(Out, 0, 32);
  TensorDescSpec T;
  T.Name = "x";
  T.MemoryId = In;
  T.Size = 32;
  T.C = 4;
  T.H = T.W = 2;
  T.Strides[1] = 16;
  T.Strides[2] = 32;
  unsigned TdIn = W.addTensorDesc(T);
  T.Name = "y";
  T.MemoryId = Out;
  unsigned TdOut = W.addTensorDesc(T);
  DLATaskSpec Task;
  for (int16_t &H : Task.Net.op_head)
    H = -1;
  Task.Net.op_head[OpSDP] = 0;
  DecodedOp Op = emptyOp(0, OpSDP);
  Op.op.sdp.x1_op = {1, 2, 2, 0, 1, 1, 0, 0, 3, 0, {}, {}};
  Op.op.sdp.out_cvt = {1, 0, 1, 0};
  Op.surface.sdp.src_data = cube(InA, 4, 2, 2, 8, 1);
  Op.surface.sdp.dst_data = cube(OutA, 4, 2, 2, 8, 1);
  Op.surface.sdp.x1_data = Op.surface.sdp.x2_data = Op.surface.sdp.y_data =
      onTheFly(0, 0, 0);
  Task.Ops.push_back(Op);
  W.addDLATask(std::move(Task));
  if (WithIo) {
    IoInfo Io;
    Io.Config = "nvdla-small";
    IoPort P;
    P.Name = "input";
    P.TensorDescId = TdIn;
    P.C = 4;
    P.H = P.W = 2;
    P.Scale = 0.5;
    P.AtomBytes = 8;
    P.LineStride = 16;
    P.SurfStride = 32;
    Io.Inputs.push_back(P);
    P.Name = "output";
    P.TensorDescId = TdOut;
    Io.Outputs.push_back(P);
    W.addBlob(IoBlobName, writeIoBlob(Io));
  }
  auto Bytes = cantFail(W.finish());
  return cantFail(parseLoadable(Bytes, "sdp.nvdla"));
}

TEST(VPExecutor, FloatPortsThroughOnncfIo) {
  auto VP = cantFail(VirtualPlatform::create(sdpLoadable(true)));
  EXPECT_EQ(VP->getConfig().NvidiaName, "nv_small"); // from onncf.io
  ASSERT_EQ(VP->getInputs().size(), 1u);
  EXPECT_EQ(VP->getInputs()[0].Name, "x");
  VPStats Stats;
  auto E = cantFail(createVPExecutor(std::move(VP), &Stats));
  ASSERT_EQ(E->getInputs().size(), 1u);
  EXPECT_EQ(E->getInputs()[0].Type.str(), "f32[?,4,2,2]");
  // Two items; x quantized with round-half-away (1.25 / 0.5 = 2.5 -> 3).
  std::vector<float> X(32);
  for (unsigned I = 0; I < 32; ++I)
    X[I] = (int(I) - 16) * 0.75f + (I == 5 ? 0.5f : 0.0f);
  Tensor In = Tensor::fromVector<float>({2, 4, 2, 2}, X);
  std::vector<std::vector<float>> Results(4);
  std::vector<std::thread> Threads;
  for (unsigned T = 0; T < 4; ++T)
    Threads.emplace_back([&, T] {
      auto Out = E->run({In});
      ASSERT_TRUE(bool(Out)) << toString(Out.takeError());
      auto D = (*Out)[0].data<float>();
      Results[T].assign(D.begin(), D.end());
    });
  for (auto &Th : Threads)
    Th.join();
  for (unsigned I = 0; I < 32; ++I) {
    int64_t Q = fixp::quantize(X[I], 0.5, 8);
    int64_t Y = fixp::relu(fixp::saturateInt32(fixp::sdpAlu(
        int32_t(Q), fixp::sdpAluOperand(3, 1), fixp::SdpAluOp::Add)));
    for (unsigned T = 0; T < 4; ++T)
      ASSERT_EQ(Results[T][I], float(fixp::saturate(Y, 8) * 0.5)) << I;
  }
  EXPECT_EQ(Stats.Runs, 8u);
  EXPECT_EQ(Stats.Engines[OpSDP].Ops, 8u);
}

TEST(VPExecutor, RawPortsWithoutOnncfIo) {
  auto VP = cantFail(VirtualPlatform::create(sdpLoadable(false)));
  EXPECT_EQ(VP->getConfig().NvidiaName, "nv_full"); // the default
  VPOptions O;
  O.Config = &config("nv_small");
  VP = cantFail(VirtualPlatform::create(sdpLoadable(false), O));
  EXPECT_EQ(VP->getInitialInputSurfaces(),
            std::vector<std::vector<uint8_t>>{std::vector<uint8_t>(32)});
  // Raw surfaces: one memory of the wrong size is an error.
  EXPECT_EQ(errorOf(VP->runRaw({std::vector<uint8_t>(31)})),
            "sdp.nvdla: input 0 (bind id 0): 31 bytes given, the memory has "
            "32");
  EXPECT_EQ(errorOf(VP->runRaw({})),
            "sdp.nvdla: 0 input surfaces given, the loadable binds 1");
  std::vector<uint8_t> S(32);
  S[0] = uint8_t(-100);
  S[1] = 120;
  auto Out = cantFail(VP->runRaw({S}));
  ASSERT_EQ(Out.size(), 1u);
  EXPECT_EQ(Out[0][0], 0);   // relu(-100 + 6)
  EXPECT_EQ(Out[0][1], 126); // 120 + 6
  EXPECT_EQ(Out[0][2], 6);

  auto E = cantFail(createVPExecutor(std::move(VP), nullptr));
  EXPECT_EQ(E->getInputs()[0].Type.str(), "i8[?,4,2,2]");
  std::vector<int8_t> X(16, 0);
  X[0] = -100;
  X[4] = 125; // channel 1, (0, 0)
  auto R = cantFail(E->run({Tensor::fromVector<int8_t>({1, 4, 2, 2}, X)}));
  EXPECT_EQ(R[0].data<int8_t>()[0], 0);
  EXPECT_EQ(R[0].data<int8_t>()[4], 127); // saturated
  EXPECT_EQ(R[0].data<int8_t>()[1], 6);
  EXPECT_NE(errorOf(E->run({Tensor::fromVector<int8_t>(
                {1, 15}, std::vector<int8_t>(15))})),
            "");
}

} // namespace
