//===- VPEngineTests.cpp - PDP, CDP, RUBIK and EMU1 engine models ---------===//
//
// Part of onnc-fault. Two kinds of tests: small hand-made cubes whose
// results are worked out here (pooling with padding, split mode, LUT
// lookups, contract, POWER / SOFTMAX, and every validation error), and
// NVIDIA's regression loadables run op by op against their goldens.
//
// The goldens were dumped with 32-byte atoms whatever the configuration:
// golden(c, h, w) is the byte at (c / x) * surf_stride + h * line_stride +
// w * 32 + (c % x) * elem of the output memory (x = 32 / elem). For the
// nv_small files, whose cubes have 8-byte atoms, this reads overlapping
// pixels; the PDP_L0_0_small golden (a 1x1 pooling, i.e. a copy) is exactly
// that reading of the input. Comparisons below use the same reading.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "RegressionData.h"
#include "onncf/IR/ElementType.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Targets/NVDLA/Dimg.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace llvm;
using namespace onncf;
using namespace onncf::nvdla;
using namespace onncf::nvdla::vp;

namespace {

const NvdlaConfig &config(StringRef Name) {
  auto C = lookupNvdlaConfig(Name);
  EXPECT_TRUE(bool(C));
  return **C;
}

std::string errorText(Error E) { return toString(std::move(E)); }

/// A packed descriptor field by value: gtest's EXPECT_EQ binds references,
/// which must not point at misaligned fields (UBSan).
template <typename T> T copy(T V) { return V; }

/// Memories of a hand-made task: one vector per address index.
struct Memories {
  std::vector<std::vector<uint8_t>> Bufs;
  explicit Memories(std::vector<size_t> Sizes) {
    for (size_t S : Sizes)
      Bufs.emplace_back(S, 0);
  }
  TaskMemory mem() {
    std::vector<MutableArrayRef<uint8_t>> B;
    for (auto &V : Bufs)
      B.emplace_back(V);
    return TaskMemory(std::move(B));
  }
};

DataCube cube(int Address, unsigned C, unsigned H, unsigned W, unsigned Atom,
              unsigned Elem = 1) {
  DataCube D = {};
  D.type = MemDRAM;
  D.address = int16_t(Address);
  D.width = uint16_t(W);
  D.height = uint16_t(H);
  D.channel = uint16_t(C);
  D.line_stride = W * Atom;
  D.surf_stride = H * W * Atom;
  D.size = ((C + Atom / Elem - 1) / (Atom / Elem)) * D.surf_stride;
  return D;
}

uint64_t cubeBytes(const DataCube &D) { return D.size; }

FeatureView view(const TaskMemory &M, const DataCube &D, unsigned Elem,
                 unsigned Atom) {
  auto V = FeatureView::get(M, D, Elem, Atom, "test");
  EXPECT_TRUE(bool(V)) << (V ? "" : toString(V.takeError()));
  return *V;
}

DecodedOp pdpOp(const DataCube &Src, const DataCube &Dst, unsigned Mode,
                unsigned K, unsigned Stride, unsigned Pad) {
  DecodedOp Op;
  std::memset(&Op, 0, sizeof(Op));
  Op.common.op_type = OpPDP;
  PdpOpDesc &P = Op.op.pdp;
  P.split_num = 1;
  P.pool_mode = uint8_t(Mode);
  P.pool_width = P.pool_height = uint8_t(K - 1);
  P.stride_x = P.stride_y = uint8_t(Stride);
  P.pad_left = P.pad_right = P.pad_top = P.pad_bottom = uint8_t(Pad);
  Op.surface.pdp.src_data = Src;
  Op.surface.pdp.dst_data = Dst;
  return Op;
}

//===----------------------------------------------------------------------===//
// PDP
//===----------------------------------------------------------------------===//

TEST(VPPdp, AverageCountsPaddingLikeTheHardware) {
  const NvdlaConfig &Cfg = config("nv_small");
  DataCube Src = cube(0, 1, 3, 3, 8), Dst = cube(1, 1, 3, 3, 8);
  Memories M({cubeBytes(Src), cubeBytes(Dst)});
  TaskMemory Mem = M.mem();
  FeatureView In = view(Mem, Src, 1, 8);
  for (unsigned Y = 0; Y < 3; ++Y)
    for (unsigned X = 0; X < 3; ++X)
      In.store(0, Y, X, int32_t(Y * 3 + X + 1) * 10); // 10..90
  DecodedOp Op = pdpOp(Src, Dst, /*AVG*/ 0, 3, 1, 1);
  for (unsigned I = 0; I < 7; ++I)
    Op.op.pdp.padding_value[I] = int32_t(I + 1) * 3; // pad value 3 per cell
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, DescLayout::Current012, {}, Stats);
  ASSERT_FALSE(bool(runPdp(Op, 0, Ctx)));
  FeatureView Out = view(Mem, Dst, 1, 8);
  // Corner (0,0): real 10+20+40+50 = 120, 5 padded cells * 3 = 15; / 9.
  uint32_t R = fixp::pdpReciprocal(3);
  EXPECT_EQ(Out.load(0, 0, 0), fixp::pdpAverage(135, R, R));
  EXPECT_EQ(Out.load(0, 0, 0), 15);
  // Centre: all nine real cells, 450 / 9 = 50.
  EXPECT_EQ(Out.load(0, 1, 1), 50);
  EXPECT_EQ(Stats.Engines[OpPDP].Ops, 1u);
}

TEST(VPPdp, MaxMinIgnorePaddingAndSplitEqualsUnsplit) {
  const NvdlaConfig &Cfg = config("nv_full");
  DataCube Src = cube(0, 3, 4, 12, 32), Dst = cube(1, 3, 2, 6, 32);
  Memories M({cubeBytes(Src), cubeBytes(Dst), cubeBytes(Dst)});
  TaskMemory Mem = M.mem();
  FeatureView In = view(Mem, Src, 1, 32);
  for (unsigned C = 0; C < 3; ++C)
    for (unsigned Y = 0; Y < 4; ++Y)
      for (unsigned X = 0; X < 12; ++X)
        In.store(C, Y, X, int32_t((C * 37 + Y * 11 + X * 5) % 200) - 100);
  for (unsigned Mode : {1u, 2u}) {
    DecodedOp Op = pdpOp(Src, Dst, Mode, 2, 2, 0);
    VPStats Stats;
    EngineContext Ctx(Mem, Cfg, DescLayout::Current012, {}, Stats);
    ASSERT_FALSE(bool(runPdp(Op, 0, Ctx)));
    // The same op split into three slices of the width.
    DecodedOp Split = Op;
    Split.surface.pdp.dst_data.address = 2;
    PdpOpDesc &P = Split.op.pdp;
    P.split_num = 3;
    P.partial_in_width_first = P.partial_in_width_mid = 4;
    P.partial_in_width_last = 4;
    P.partial_width_first = P.partial_width_mid = P.partial_width_last = 2;
    ASSERT_FALSE(bool(runPdp(Split, 0, Ctx)));
    EXPECT_EQ(M.Bufs[1], M.Bufs[2]);
    FeatureView Out = view(Mem, Dst, 1, 32);
    for (unsigned C = 0; C < 3; ++C)
      for (unsigned Y = 0; Y < 2; ++Y)
        for (unsigned X = 0; X < 6; ++X) {
          int32_t Want = In.load(C, 2 * Y, 2 * X);
          for (unsigned DY = 0; DY < 2; ++DY)
            for (unsigned DX = 0; DX < 2; ++DX) {
              int32_t V = In.load(C, 2 * Y + DY, 2 * X + DX);
              Want = Mode == 1 ? std::max(Want, V) : std::min(Want, V);
            }
          EXPECT_EQ(Out.load(C, Y, X), Want) << C << " " << Y << " " << X;
        }
  }
}

TEST(VPPdp, ReadsTheSdpPipeAndFp16Max) {
  const NvdlaConfig &Cfg = config("nv_full");
  DataCube Src = cube(-1, 1, 2, 2, 32, 2), Dst = cube(0, 1, 1, 1, 32, 2);
  Src.type = MemHW;
  Memories M({cubeBytes(Dst)});
  TaskMemory Mem = M.mem();
  DecodedOp Op = pdpOp(Src, Dst, 1, 2, 2, 0);
  Op.op.pdp.precision = 2;
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, DescLayout::Current012, {}, Stats);
  Ctx.SdpToPdp.Valid = true;
  Ctx.SdpToPdp.C = 1;
  Ctx.SdpToPdp.H = Ctx.SdpToPdp.W = 2;
  Ctx.SdpToPdp.Data = {floatToHalf(-3.0f), floatToHalf(1.5f),
                       floatToHalf(-0.25f), floatToHalf(0.5f)};
  ASSERT_FALSE(bool(runPdp(Op, 4, Ctx)));
  EXPECT_EQ(uint16_t(view(Mem, Dst, 2, 32).load(0, 0, 0)), floatToHalf(1.5f));
  EXPECT_FALSE(Ctx.SdpToPdp.Valid);
  // The pipe was consumed: a second run has no data.
  std::string E = errorText(runPdp(Op, 4, Ctx));
  EXPECT_NE(E.find("op 4 (PDP)"), std::string::npos) << E;
  // FP16 average is refused by name.
  Op.op.pdp.pool_mode = 0;
  E = errorText(runPdp(Op, 4, Ctx));
  EXPECT_NE(E.find("FP16 average"), std::string::npos) << E;
}

TEST(VPPdp, ValidationErrorsNameTheField) {
  const NvdlaConfig &Cfg = config("nv_full");
  DataCube Src = cube(0, 1, 4, 4, 32), Dst = cube(1, 1, 2, 2, 32);
  Memories M({cubeBytes(Src), cubeBytes(Dst)});
  TaskMemory Mem = M.mem();
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, DescLayout::Current012, {}, Stats);
  auto Check = [&](DecodedOp Op, StringRef Want) {
    std::string E = errorText(runPdp(Op, 7, Ctx));
    EXPECT_NE(E.find("op 7 (PDP)"), std::string::npos) << E;
    EXPECT_NE(E.find(Want.str()), std::string::npos) << E;
  };
  DecodedOp Good = pdpOp(Src, Dst, 1, 2, 2, 0);
  ASSERT_FALSE(bool(runPdp(Good, 7, Ctx)));
  DecodedOp Op = Good;
  Op.op.pdp.pool_width = 7; // 8 wide on a 4 wide cube
  Check(Op, "pool size 8x2");
  Op = Good;
  Op.op.pdp.stride_x = 0;
  Check(Op, "stride 0x2");
  Op = Good;
  Op.op.pdp.pool_mode = 9;
  Check(Op, "pool_mode 9");
  Op = Good;
  Op.op.pdp.split_num = 2;
  Op.op.pdp.partial_in_width_first = 3;
  Op.op.pdp.partial_in_width_last = 3;
  Check(Op, "partial_in_width");
  Op = Good;
  Op.surface.pdp.dst_data.width = 3;
  Check(Op, "dst_data 3x2");
  Op = Good;
  Op.surface.pdp.src_data.address = 5;
  Check(Op, "address index 5");
  Op = Good;
  Op.surface.pdp.src_data.line_stride = 1 << 20;
  Check(Op, "exceeds");
}

//===----------------------------------------------------------------------===//
// CDP
//===----------------------------------------------------------------------===//

LutParam zeroLut() {
  LutParam L;
  std::memset(&L, 0, sizeof(L));
  L.method = 1;
  L.hybrid_priority = L.underflow_priority = L.overflow_priority = 1;
  for (LutSlope *S : {&L.linear_exp_underflow, &L.linear_exp_overflow,
                      &L.linear_only_underflow, &L.linear_only_overflow})
    S->scale = 1;
  return L;
}

DecodedOp cdpOp(const DataCube &Src, const DataCube &Dst) {
  DecodedOp Op;
  std::memset(&Op, 0, sizeof(Op));
  Op.common.op_type = OpCDP;
  CdpOpDesc &P = Op.op.cdp;
  P.local_size = 3;
  P.in_cvt = {1, 0, 1, 0};
  P.out_cvt = {2, 0, 1, 0};
  Op.surface.cdp.src_data = Src;
  Op.surface.cdp.dst_data = Dst;
  return Op;
}

TEST(VPCdp, LinearTableHitAndOverflowSlope) {
  // The CDP goldens' LUT: zero tables, start = end = 0, slopes 1. Sums of
  // squares below 256 hit the LO table (0); from 256 the overflow slope
  // gives the sum itself.
  const NvdlaConfig &Cfg = config("nv_full");
  DataCube Src = cube(0, 3, 1, 1, 32), Dst = cube(1, 3, 1, 1, 32);
  Memories M({cubeBytes(Src), cubeBytes(Dst)});
  TaskMemory Mem = M.mem();
  FeatureView In = view(Mem, Src, 1, 32);
  In.store(0, 0, 0, 1);
  In.store(1, 0, 0, 15);
  In.store(2, 0, 0, 2);
  std::vector<LutParam> Luts = {zeroLut()};
  Luts[0].linear_only_table[256] = 7;
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, DescLayout::Current012, Luts, Stats);
  DecodedOp Op = cdpOp(Src, Dst);
  Op.op.cdp.out_cvt.scale = 1;
  ASSERT_FALSE(bool(runCdp(Op, 0, Ctx)));
  FeatureView Out = view(Mem, Dst, 1, 32);
  EXPECT_EQ(Out.load(0, 0, 0), 0); // 1 + 225 = 226 < 256: table value 0
  // Channel 1: 1 + 225 + 4 = 230, still a hit.
  EXPECT_EQ(Out.load(1, 0, 0), 0);
  // Interpolation inside the table: a ramp 0, 1, 2 ... with frac bits 2.
  for (unsigned I = 0; I < 257; ++I)
    Luts[0].linear_only_table[I] = int16_t(I);
  Luts[0].linear_only_offset.exp_offset_or_frac_bits = 2;
  ASSERT_FALSE(bool(runCdp(Op, 0, Ctx)));
  // Channel 2: 225 + 4 = 229 -> index 57 frac 1/4 -> 57 (rounded 57.25);
  // times v = 2 -> 114.
  EXPECT_EQ(Out.load(2, 0, 0), 114);
  // Overflow: a single-channel sum of 1100 beyond 4 * 256 = 1024 gives
  // table[256] + (1100 - end 0) = 1356; with v and out_cvt >> 8.
  In.store(0, 0, 0, 0);
  In.store(1, 0, 0, 0);
  In.store(2, 0, 0, 0);
  Luts[0].linear_only_table[256] = 256;
  DataCube Src1 = cube(0, 1, 1, 1, 32), Dst1 = cube(1, 1, 1, 1, 32);
  DecodedOp Op1 = cdpOp(Src1, Dst1);
  Op1.op.cdp.in_cvt = {1, 0, 1, 0};
  Op1.op.cdp.out_cvt = {1, 8, 1, 0};
  In.store(0, 0, 0, 33); // 33^2 = 1089
  ASSERT_FALSE(bool(runCdp(Op1, 0, Ctx)));
  // LUT = 256 + 1089 = 1345; 33 * 1345 = 44385; >> 8 rounded = 173 -> 127.
  EXPECT_EQ(Out.load(0, 0, 0), 127);
  In.store(0, 0, 0, 5); // 25: hit, index 6 frac 1/4 -> 6; 5 * 6 >> 8 = 0
  ASSERT_FALSE(bool(runCdp(Op1, 0, Ctx)));
  EXPECT_EQ(Out.load(0, 0, 0), 0);
}

TEST(VPCdp, ExpTableAndPriorities) {
  // bypass_sqsum and bypass_out_mul: the output is LUT(v) itself.
  const NvdlaConfig &Cfg = config("nv_full");
  DataCube Src = cube(0, 4, 1, 1, 32), Dst = cube(1, 4, 1, 1, 32, 2);
  Memories M({cubeBytes(Src), cubeBytes(Dst)});
  TaskMemory Mem = M.mem();
  FeatureView In = view(Mem, Src, 1, 32);
  const int32_t V[4] = {12, 1, 0, -3};
  for (unsigned C = 0; C < 4; ++C)
    In.store(C, 0, 0, V[C]);
  std::vector<LutParam> Luts = {zeroLut()};
  LutParam &L = Luts[0];
  L.method = 0; // EXP: entry i covers [2^i, 2^(i+1))
  for (unsigned I = 0; I < 65; ++I)
    L.linear_exp_table[I] = int16_t(100 * I);
  L.linear_only_start = 1000; // LO never hits below 1000
  L.underflow_priority = 0;   // both under: LE
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, DescLayout::Current012, Luts, Stats);
  DecodedOp Op = cdpOp(Src, Dst);
  Op.op.cdp.out_precision = 1;
  Op.op.cdp.out_cvt.scale = 1;
  Op.op.cdp.bypass_sqsum = Op.op.cdp.bypass_out_mul = 1;
  ASSERT_FALSE(bool(runCdp(Op, 0, Ctx)));
  FeatureView Out = view(Mem, Dst, 2, 32);
  EXPECT_EQ(Out.load(0, 0, 0), 350); // 12 = 8 + 4: 300 + 100 * 4 / 8
  EXPECT_EQ(Out.load(1, 0, 0), 0);   // 1 = 2^0: entry 0
  EXPECT_EQ(Out.load(2, 0, 0), 0);   // 0: LE underflow, T[0] + 0
  EXPECT_EQ(Out.load(3, 0, 0), -3);  // LE underflow slope 1
  L.underflow_priority = 1;          // both under: LO, 0 + (-3 - 1000)
  ASSERT_FALSE(bool(runCdp(Op, 0, Ctx)));
  EXPECT_EQ(Out.load(3, 0, 0), -1003);
}

TEST(VPCdp, ValidationErrorsNameTheField) {
  const NvdlaConfig &Cfg = config("nv_full");
  DataCube Src = cube(0, 3, 1, 1, 32), Dst = cube(1, 3, 1, 1, 32);
  Memories M({cubeBytes(Src), cubeBytes(Dst)});
  TaskMemory Mem = M.mem();
  std::vector<LutParam> Luts = {zeroLut()};
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, DescLayout::Current012, Luts, Stats);
  auto Check = [&](const DecodedOp &Op, StringRef Want) {
    std::string E = errorText(runCdp(Op, 2, Ctx));
    EXPECT_NE(E.find("op 2 (CDP)"), std::string::npos) << E;
    EXPECT_NE(E.find(Want.str()), std::string::npos) << E;
  };
  DecodedOp Op = cdpOp(Src, Dst);
  Op.op.cdp.lut_index = 1;
  Check(Op, "lut_index 1");
  Op.op.cdp.lut_index = -1;
  Check(Op, "lut_index -1");
  Op = cdpOp(Src, Dst);
  Op.op.cdp.local_size = 4;
  Check(Op, "local_size 4");
  Op = cdpOp(Src, Dst);
  Op.op.cdp.in_precision = 2;
  Check(Op, "in_precision 2 (FP16)");
  Op = cdpOp(Src, Dst);
  Op.surface.cdp.dst_data.channel = 2;
  Check(Op, "dst_data 2x1x1");
  Luts[0].linear_only_offset.exp_offset_or_frac_bits = -3;
  Check(cdpOp(Src, Dst), "linear_only_offset -3");
}

//===----------------------------------------------------------------------===//
// RUBIK
//===----------------------------------------------------------------------===//

TEST(VPRubik, ContractSplitMerge) {
  const NvdlaConfig &Cfg = config("nv_small");
  // Contract 8 channels x 2x2 pixels by 2x2 into 2 channels... with 8-byte
  // atoms a group is 8 channels, so use 32 source channels -> 8 outputs.
  DataCube Src = cube(0, 32, 2, 2, 8), Dst = cube(1, 8, 4, 4, 8);
  Memories M({cubeBytes(Src), cubeBytes(Dst), 8 * 16, cubeBytes(Src)});
  TaskMemory Mem = M.mem();
  FeatureView In = view(Mem, Src, 1, 8);
  for (unsigned C = 0; C < 32; ++C)
    for (unsigned Y = 0; Y < 2; ++Y)
      for (unsigned X = 0; X < 2; ++X)
        In.store(C, Y, X, int32_t(C * 4 + Y * 2 + X) - 64);
  DecodedOp Op;
  std::memset(&Op, 0, sizeof(Op));
  Op.op.rubik = {0, 0, 2, 2};
  Op.surface.rubik.src_data = Src;
  Op.surface.rubik.dst_data = Dst;
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, DescLayout::Current012, {}, Stats);
  ASSERT_FALSE(bool(runRubik(Op, 0, Ctx)));
  FeatureView Out = view(Mem, Dst, 1, 8);
  for (unsigned C = 0; C < 8; ++C)
    for (unsigned Y = 0; Y < 4; ++Y)
      for (unsigned X = 0; X < 4; ++X)
        EXPECT_EQ(Out.load(C, Y, X),
                  In.load(((Y % 2) * 2 + X % 2) * 8 + C, Y / 2, X / 2));

  // Split the 8x4x4 result into planes, merge it back into a new cube.
  DataCube Planar = {};
  Planar.address = 2;
  Planar.width = Planar.height = 4;
  Planar.channel = 8;
  Planar.line_stride = 4;
  Planar.plane_stride = 16;
  DecodedOp S = Op;
  S.op.rubik = {1, 0, 0, 0};
  S.surface.rubik.src_data = Dst;
  S.surface.rubik.dst_data = Planar;
  ASSERT_FALSE(bool(runRubik(S, 0, Ctx)));
  EXPECT_EQ(int8_t(M.Bufs[2][3 * 16 + 2 * 4 + 1]), Out.load(3, 2, 1));
  DataCube Back = Dst;
  Back.address = 3;
  DecodedOp Mg = Op;
  Mg.op.rubik = {2, 0, 0, 0};
  Mg.surface.rubik.src_data = Planar;
  Mg.surface.rubik.dst_data = Back;
  ASSERT_FALSE(bool(runRubik(Mg, 0, Ctx)));
  EXPECT_TRUE(
      std::equal(M.Bufs[1].begin(), M.Bufs[1].end(), M.Bufs[3].begin()));

  // Errors.
  DecodedOp Bad = Op;
  Bad.op.rubik.stride_x = 0;
  EXPECT_NE(errorText(runRubik(Bad, 3, Ctx)).find("op 3 (RUBIK)"),
            std::string::npos);
  Bad = Op;
  Bad.op.rubik.stride_x = 3;
  EXPECT_NE(errorText(runRubik(Bad, 3, Ctx)).find("stride 3x2"),
            std::string::npos);
  Bad = Op;
  Bad.op.rubik.mode = 5;
  EXPECT_NE(errorText(runRubik(Bad, 3, Ctx)).find("mode 5"), std::string::npos);
  Bad = S;
  Bad.surface.rubik.dst_data.plane_stride = 1 << 20;
  EXPECT_NE(errorText(runRubik(Bad, 3, Ctx)).find("exceeds"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// EMU1 descriptors and tasks
//===----------------------------------------------------------------------===//

TEST(VPEmu, DescriptorsRoundTripBothLayouts) {
  for (DescLayout L : {DescLayout::Current012, DescLayout::Legacy010}) {
    bool Legacy = L == DescLayout::Legacy010;
    EmuPowerOpDesc P = {};
    P.common.input_scale_factor = 0.5f;
    P.common.output_scale_factor = 0.25f;
    P.power = 2.0f;
    P.scale = 3.0f;
    P.shift = -1.0f;
    std::vector<uint8_t> B = encodeEmuPowerOp(P, L);
    EXPECT_EQ(B.size(), Legacy ? 16u : 24u);
    auto D = decodeEmuOp(B, 0, L);
    ASSERT_TRUE(bool(D));
    EXPECT_EQ(copy(D->common.op_type), EmuOpPower);
    EXPECT_EQ(copy(D->power.power), 2.0f);
    EXPECT_EQ(copy(D->power.shift), -1.0f);
    EXPECT_EQ(copy(D->common.input_scale_factor), Legacy ? 1.0f : 0.5f);

    EmuSoftmaxOpDesc S = {};
    S.axis = 1;
    B = encodeEmuSoftmaxOp(S, L);
    D = decodeEmuOp(B, 0, L);
    ASSERT_TRUE(bool(D));
    EXPECT_EQ(copy(D->common.op_type), EmuOpSoftmax);
    EXPECT_EQ(copy(D->softmax.axis), 1);
    EXPECT_EQ(B[Legacy ? 1 : 9], 1);

    EmuBufferDesc Buf = {3, 64, 512, 2, 7, 5, 10, 224, 1120};
    B = encodeEmuBufferDesc(Buf, L);
    EXPECT_EQ(B.size(), 256u);
    auto DB = decodeEmuBufferDesc(B, 0, L);
    ASSERT_TRUE(bool(DB));
    EXPECT_EQ(copy(DB->addressIndex), 3);
    EXPECT_EQ(copy(DB->addressIndexOffset), Legacy ? 0u : 64u);
    EXPECT_EQ(copy(DB->size), 512u);
    EXPECT_EQ(copy(DB->channel), 10);
    EXPECT_EQ(copy(DB->surf_stride), 1120u);
  }
  auto L = emuLayoutForBlobVersion(0, 0, 1); // NN_L0_0's EMU blobs: 0.0.1
  ASSERT_TRUE(bool(L));
  EXPECT_EQ(*L, DescLayout::Legacy010);
  L = emuLayoutForBlobVersion(0, 0, 2); // what onnc-fault writes
  ASSERT_TRUE(bool(L));
  EXPECT_EQ(*L, DescLayout::Current012);
  L = emuLayoutForBlobVersion(0, 12, 0);
  ASSERT_TRUE(bool(L));
  EXPECT_EQ(*L, DescLayout::Current012);
  L = emuLayoutForBlobVersion(1, 0, 0);
  ASSERT_FALSE(bool(L));
  EXPECT_NE(errorText(L.takeError()).find("1.0 is not supported"),
            std::string::npos);
  EmuNetworkDesc N = {20, 21, 1};
  std::vector<uint8_t> B = encodeEmuNetworkDesc(N);
  ASSERT_EQ(B.size(), 256u);
  // The bytes of NN_L0_0's task-0-addr0 blob.
  EXPECT_EQ(B[0], 0x14);
  EXPECT_EQ(B[2], 0x15);
  EXPECT_EQ(B[4], 0x01);
  // NN_L0_0's legacy POWER op: f32 1.0 at bytes 1 and 5, 0.0 at 9.
  const uint8_t Legacy[16] = {0, 0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f};
  auto D = decodeEmuOp(Legacy, 0, DescLayout::Legacy010);
  ASSERT_TRUE(bool(D));
  EXPECT_EQ(copy(D->power.power), 1.0f);
  EXPECT_EQ(copy(D->power.scale), 1.0f);
  EXPECT_EQ(copy(D->power.shift), 0.0f);
  // Errors: truncation and unknown op types.
  std::string E = errorText(
      decodeEmuOp(ArrayRef<uint8_t>(Legacy, 5), 0, DescLayout::Legacy010)
          .takeError());
  EXPECT_NE(E.find("needs 13 bytes"), std::string::npos) << E;
  const uint8_t Bad[16] = {7};
  E = errorText(decodeEmuOp(Bad, 0, DescLayout::Legacy010).takeError());
  EXPECT_NE(E.find("op_type 7"), std::string::npos) << E;
  E = errorText(
      decodeEmuBufferDesc(B, 250, DescLayout::Current012).takeError());
  EXPECT_NE(E.find("EMU buffer descriptor at byte 250"), std::string::npos);
}

/// An EMU task: index 0 network, 1 ops, 2 buffer descs, 3 src, 4 dst.
struct EmuTask {
  Memories M{{256, 24, 512, 64, 64}};
  EmuTask(std::vector<uint8_t> Op, uint16_t Format, unsigned C) {
    auto Net = encodeEmuNetworkDesc({1, 2, 1});
    std::copy(Net.begin(), Net.end(), M.Bufs[0].begin());
    std::copy(Op.begin(), Op.end(), M.Bufs[1].begin());
    for (unsigned K = 0; K < 2; ++K) {
      EmuBufferDesc D = {int16_t(3 + K), 0,  32, Format, 1, 1,
                         uint16_t(C),    32, 32};
      auto B = encodeEmuBufferDesc(D, DescLayout::Current012);
      std::copy(B.begin(), B.end(), M.Bufs[2].begin() + K * 256);
    }
  }
};

TEST(VPEmu, SoftmaxAndPowerFp16) {
  EmuSoftmaxOpDesc S = {};
  S.axis = 1;
  EmuTask T(encodeEmuSoftmaxOp(S, DescLayout::Current012), EmuFormatHalf, 3);
  float In[3] = {1.0f, 2.0f, 3.0f};
  for (unsigned C = 0; C < 3; ++C) {
    uint16_t H = floatToHalf(In[C]);
    T.M.Bufs[3][2 * C] = uint8_t(H);
    T.M.Bufs[3][2 * C + 1] = uint8_t(H >> 8);
  }
  VPStats Stats;
  ASSERT_FALSE(bool(runEmuTask(T.M.mem(), DescLayout::Current012, Stats)));
  float Sum = std::exp(-2.0f) + std::exp(-1.0f) + 1.0f;
  for (unsigned C = 0; C < 3; ++C) {
    uint16_t H = uint16_t(T.M.Bufs[4][2 * C] | T.M.Bufs[4][2 * C + 1] << 8);
    EXPECT_EQ(H, floatToHalf(std::exp(In[C] - 3.0f) / Sum)) << C;
  }
  EXPECT_EQ(Stats.Emu.Ops, 1u);

  // POWER on INT8 through the scales: y = (1 + 2x)^2, x = q * 0.5,
  // y / 0.25 rounded and saturated.
  EmuPowerOpDesc P = {};
  P.common.input_scale_factor = 0.5f;
  P.common.output_scale_factor = 0.25f;
  P.power = 2.0f;
  P.scale = 2.0f;
  P.shift = 1.0f;
  EmuTask T2(encodeEmuPowerOp(P, DescLayout::Current012), EmuFormatInt8, 3);
  T2.M.Bufs[3][0] = 1;           // x 0.5 -> 4 -> 16
  T2.M.Bufs[3][1] = uint8_t(-2); // x -1 -> 1 -> 4
  T2.M.Bufs[3][2] = 20;          // x 10 -> 441 -> 1764 -> 127
  ASSERT_FALSE(bool(runEmuTask(T2.M.mem(), DescLayout::Current012, Stats)));
  EXPECT_EQ(int8_t(T2.M.Bufs[4][0]), 16);
  EXPECT_EQ(int8_t(T2.M.Bufs[4][1]), 4);
  EXPECT_EQ(int8_t(T2.M.Bufs[4][2]), 127);
}

TEST(VPEmu, BadTasksGiveErrors) {
  EmuSoftmaxOpDesc S = {};
  S.axis = 1;
  VPStats Stats;
  {
    EmuTask T(encodeEmuSoftmaxOp(S, DescLayout::Current012), 9, 3);
    std::string E =
        errorText(runEmuTask(T.M.mem(), DescLayout::Current012, Stats));
    EXPECT_NE(E.find("EMU op 0 (SOFTMAX) source: format 9"), std::string::npos)
        << E;
  }
  {
    EmuTask T(encodeEmuSoftmaxOp(S, DescLayout::Current012), EmuFormatHalf,
              40); // 40 channels need two 32-byte surfaces: 64 + 32 > 64
    std::string E =
        errorText(runEmuTask(T.M.mem(), DescLayout::Current012, Stats));
    EXPECT_NE(E.find("exceeds"), std::string::npos) << E;
  }
  {
    EmuTask T(encodeEmuSoftmaxOp(S, DescLayout::Current012), EmuFormatHalf, 3);
    T.M.Bufs[0][4] = 2; // two operations, but the list holds one
    std::string E =
        errorText(runEmuTask(T.M.mem(), DescLayout::Current012, Stats));
    EXPECT_NE(E.find("EMU op 1 descriptor"), std::string::npos) << E;
    T.M.Bufs[0][4] = 1;
    T.M.Bufs[0][0] = 9; // operation list at an unknown address index
    E = errorText(runEmuTask(T.M.mem(), DescLayout::Current012, Stats));
    EXPECT_NE(E.find("address index 9"), std::string::npos) << E;
  }
  {
    S.axis = 3;
    EmuTask T(encodeEmuSoftmaxOp(S, DescLayout::Current012), EmuFormatHalf, 3);
    std::string E =
        errorText(runEmuTask(T.M.mem(), DescLayout::Current012, Stats));
    EXPECT_NE(E.find("axis 3"), std::string::npos) << E;
  }
  Memories Empty({2});
  EXPECT_NE(errorText(runEmuTask(Empty.mem(), DescLayout::Current012, Stats))
                .find("EMU network descriptor"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// NVIDIA's NN_L0_0: its two EMU tasks on their own (legacy descriptors)
//===----------------------------------------------------------------------===//

/// Every memory of a loadable with its SET blobs, and a task's view of them.
struct LoadableMemories {
  std::vector<std::vector<uint8_t>> Mems;
  const LoadableFile &F;
  explicit LoadableMemories(const LoadableFile &F) : F(F) {
    for (const auto *M : *F.root().memory_list()) {
      Mems.emplace_back(M->size(), 0);
      if (!M->contents() || !M->offsets())
        continue;
      for (unsigned I = 0; I < M->contents()->size(); ++I) {
        const auto *B = F.blobByName(M->contents()->Get(I)->str());
        if (!B || !B->data())
          continue;
        uint64_t Off; // [ulong] may be 4-aligned: copy the bytes
        std::memcpy(&Off, M->offsets()->Data() + 8 * I, 8);
        std::copy(B->data()->begin(), B->data()->end(),
                  Mems.back().begin() + Off);
      }
    }
  }
  /// Address index k of task \p T: its address entry's memory from the
  /// entry's offset to the memory's end.
  TaskMemory task(unsigned T) {
    std::vector<MutableArrayRef<uint8_t>> Bases;
    for (uint16_t Id : *F.root().task_list()->Get(T)->address_list()) {
      const auto *A = F.addressById(Id);
      Bases.push_back(
          MutableArrayRef<uint8_t>(Mems[A->mem_id()]).drop_front(A->offset()));
    }
    return TaskMemory(std::move(Bases));
  }
};

TEST(VPEmu, NvidiaNNTasksMatchTheGolden) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  std::string Root = onncf::testing::nvdlaRegressionRoot();
  SmallString<256> FB(Root), GP(Root);
  sys::path::append(FB, "flatbufs", "NN_L0_0_fbuf");
  sys::path::append(GP, "golden", "NN_L0_0_9521de.dimg");
  auto F = readLoadable(FB);
  ASSERT_TRUE(bool(F)) << toString(F.takeError());
  LoadableMemories LM(**F);
  VPStats Stats;

  // Task 0: POWER (1 + 0 * x)^1 copies the 28x28 FP16 input (memory 2)
  // into the first convolution's source (memory 1), one channel per atom.
  for (unsigned I = 0; I < 28 * 28; ++I) {
    uint16_t H = floatToHalf(float(int(I % 97) - 48) / 16.0f);
    LM.Mems[2][(I / 28) * 896 + (I % 28) * 32] = uint8_t(H);
    LM.Mems[2][(I / 28) * 896 + (I % 28) * 32 + 1] = uint8_t(H >> 8);
  }
  ASSERT_FALSE(bool(runEmuTask(LM.task(0), DescLayout::Legacy010, Stats)));
  EXPECT_EQ(LM.Mems[1], LM.Mems[2]);

  // Task 2: SOFTMAX of the 10 logits the DLA task leaves in memory 10. The
  // logits are those of NVIDIA's network for its (all-zero) input, worked
  // out offline in float64 from the loadable's FP16 weights (kernel groups
  // of 16, channel groups of 64) and biases, each SDP output (accumulator +
  // bias) rounded once to FP16. With them the golden is reproduced bit for
  // bit; rounding the convolution output to FP16 before the bias add
  // instead moves two logits by an ulp and the softmax by an ulp in two
  // channels.
  const uint16_t Logits[10] = {0xb521, 0x3b71, 0x9ea1, 0xacfe, 0x3016,
                               0x3382, 0xae1b, 0x3640, 0xbbd9, 0xb4e5};
  for (unsigned C = 0; C < 10; ++C) {
    LM.Mems[10][2 * C] = uint8_t(Logits[C]);
    LM.Mems[10][2 * C + 1] = uint8_t(Logits[C] >> 8);
  }
  ASSERT_FALSE(bool(runEmuTask(LM.task(2), DescLayout::Legacy010, Stats)));
  auto G = readDimgFile(GP);
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  ASSERT_EQ(G->Payload.size(), 20u);
  for (unsigned C = 0; C < 10; ++C)
    EXPECT_EQ(G->Payload[2 * C] | G->Payload[2 * C + 1] << 8,
              LM.Mems[12][2 * C] | LM.Mems[12][2 * C + 1] << 8)
        << "channel " << C;
  EXPECT_EQ(Stats.Emu.Ops, 2u);
}

//===----------------------------------------------------------------------===//
// NVIDIA's regression goldens, one op each
//===----------------------------------------------------------------------===//

struct RegressionCase {
  const char *File;   ///< flatbufs/<File>_fbuf
  const char *Golden; ///< golden/<Golden>.dimg
  const char *Config;
};

class VPRegression : public ::testing::TestWithParam<RegressionCase> {};

TEST_P(VPRegression, MatchesGolden) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  const RegressionCase &RC = GetParam();
  std::string Root = onncf::testing::nvdlaRegressionRoot();
  SmallString<256> FB(Root), GP(Root);
  sys::path::append(FB, "flatbufs", std::string(RC.File) + "_fbuf");
  sys::path::append(GP, "golden", std::string(RC.Golden) + ".dimg");
  auto F = readLoadable(FB);
  ASSERT_TRUE(bool(F)) << toString(F.takeError());
  auto Net = decodeDLATask(**F, 0);
  ASSERT_TRUE(bool(Net)) << toString(Net.takeError());
  ASSERT_EQ(Net->Ops.size(), 1u);
  const auto *Task = (*F)->root().task_list()->Get(0);
  Memories M({});
  for (unsigned K = 0; K < Task->address_list()->size(); ++K) {
    auto B = (*F)->addressBytes(Task->address_list()->Get(K));
    ASSERT_TRUE(bool(B)) << toString(B.takeError());
    M.Bufs.push_back(std::move(*B));
  }
  TaskMemory Mem = M.mem();
  const NvdlaConfig &Cfg = config(RC.Config);
  VPStats Stats;
  EngineContext Ctx(Mem, Cfg, Net->Layout, Net->Luts, Stats);
  const DecodedOp &Op = Net->Ops[0];
  Error E = Error::success();
  switch (Op.common.op_type) {
  case OpPDP:
    E = runPdp(Op, 0, Ctx);
    break;
  case OpCDP:
    E = runCdp(Op, 0, Ctx);
    break;
  case OpRUBIK:
    E = runRubik(Op, 0, Ctx);
    break;
  default:
    FAIL() << "unexpected op type " << unsigned(Op.common.op_type);
  }
  ASSERT_FALSE(bool(E)) << toString(std::move(E));

  auto G = readDimgFile(GP);
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  unsigned EB = G->getElemBytes();
  const DataCube &Dst = Op.surface.pdp.dst_data; // same place for all three
  ASSERT_EQ(Dst.width, G->W);
  ASSERT_EQ(Dst.height, G->H);
  ASSERT_EQ(Dst.channel, G->C);
  // The dump's reading: 32-byte atoms with the cube's strides (rows overlap
  // on nv_small, so FeatureView, which rejects that, is not used here).
  ASSERT_GE(Dst.address, 0);
  const std::vector<uint8_t> &OutMem = M.Bufs[Dst.address];
  unsigned Per = 32 / EB;
  auto Dumped = [&](unsigned C, unsigned Y, unsigned X) -> int32_t {
    uint64_t O = Dst.offset + uint64_t(C / Per) * Dst.surf_stride +
                 uint64_t(Y) * Dst.line_stride + uint64_t(X) * 32 +
                 (C % Per) * EB;
    if (O + EB > OutMem.size())
      return INT32_MIN;
    return EB == 1 ? int8_t(OutMem[O])
                   : int16_t(OutMem[O] | OutMem[O + 1] << 8);
  };
  unsigned Mismatches = 0;
  for (unsigned C = 0; C < G->C; ++C)
    for (unsigned Y = 0; Y < G->H; ++Y)
      for (unsigned X = 0; X < G->W; ++X) {
        uint64_t I = ((uint64_t(C) * G->H + Y) * G->W + X) * EB;
        int32_t Want = EB == 1
                           ? int8_t(G->Payload[I])
                           : int16_t(G->Payload[I] | G->Payload[I + 1] << 8);
        if (Dumped(C, Y, X) != Want && ++Mismatches <= 5)
          ADD_FAILURE() << RC.File << " (" << C << ", " << Y << ", " << X
                        << "): got " << Dumped(C, Y, X) << ", golden " << Want;
      }
  EXPECT_EQ(Mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Nvidia, VPRegression,
    ::testing::Values(
        RegressionCase{"PDP_L0_0", "PDP_L0_0_e21636", "nv_full"},
        RegressionCase{"PDP_L0_0_large", "PDP_L0_0_large_a57d22", "nv_large"},
        RegressionCase{"PDP_L0_0_small", "PDP_L0_0_small_fbdf76", "nv_small"},
        RegressionCase{"CDP_L0_0", "CDP_L0_0_66cb25", "nv_full"},
        RegressionCase{"CDP_L0_0_large", "CDP_L0_0_large_fe3167", "nv_large"},
        RegressionCase{"CDP_L0_0_small", "CDP_L0_0_small_4531af", "nv_small"},
        RegressionCase{"RBK_L0_0", "RBK_L0_0_6dbb5a", "nv_full"}),
    [](const ::testing::TestParamInfo<RegressionCase> &I) {
      return std::string(I.param.File);
    });

} // namespace
