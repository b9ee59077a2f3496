//===- EmuAddTests.cpp - The EMU1 extension op ONNCF_ADD ------------------===//
//
// Part of onnc-fault. ONNCF_ADD (--allow-cpu-fallback's quant.add on the
// CPU) against a direct fixp computation of quant.add (onncf/IR/
// QuantOps.h), including saturation, ReLU, clamps, int16 output and an
// in-place destination; the descriptor encoder/decoder; and hostile
// descriptors (bad buffer index, sizes, attributes), which must be errors.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "gtest/gtest.h"
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace llvm;
using namespace onncf;
using namespace onncf::nvdla;
using namespace onncf::nvdla::vp;

namespace {

/// A packed descriptor field by value: EXPECT_EQ binds references, which
/// UBSan rejects for misaligned packed members.
template <typename T> T unpacked(T V) { return V; }


std::string errorText(Error E) { return E ? toString(std::move(E)) : ""; }

// A 10 x 2 x 3 (CxHxW) cube on nv_small: 8-byte atoms, two surfaces.
constexpr unsigned C = 10, H = 2, W = 3, Atom = 8;

/// Address indices: 0 network, 1 op list, 2 buffer descs (3), 3 A, 4 B,
/// 5 Y (int8 cubes, or int16 Y with twice the surfaces).
struct AddTask {
  std::vector<std::vector<uint8_t>> Bufs{
      std::vector<uint8_t>(256),     std::vector<uint8_t>(24),
      std::vector<uint8_t>(3 * 256), std::vector<uint8_t>(256),
      std::vector<uint8_t>(256),     std::vector<uint8_t>(512)};
  EmuBufferDesc Desc[3]; ///< A, Y, B (buffer order)

  AddTask(const EmuOnncfAddOpDesc &Op, bool Y16 = false) {
    auto Net = encodeEmuNetworkDesc({1, 2, 1});
    std::copy(Net.begin(), Net.end(), Bufs[0].begin());
    setOp(Op);
    const int16_t Addr[3] = {3, 5, 4};
    for (unsigned K = 0; K < 3; ++K) {
      bool Is16 = K == 1 && Y16;
      unsigned PerAtom = Is16 ? Atom / 2 : Atom;
      unsigned Surf = (C + PerAtom - 1) / PerAtom;
      Desc[K] = {Addr[K],
                 0,
                 uint32_t(Surf * H * W * Atom),
                 uint16_t(Is16 ? EmuFormatInt16 : EmuFormatInt8),
                 W,
                 H,
                 C,
                 W * Atom,
                 H * W * Atom};
    }
    writeDescs();
  }
  void setOp(const EmuOnncfAddOpDesc &Op) {
    auto B = encodeEmuOnncfAddOp(Op);
    std::copy(B.begin(), B.end(), Bufs[1].begin());
  }
  void writeDescs() {
    for (unsigned K = 0; K < 3; ++K) {
      auto B = encodeEmuBufferDesc(Desc[K], DescLayout::Current012);
      std::copy(B.begin(), B.end(), Bufs[2].begin() + K * 256);
    }
  }
  static uint64_t offset(unsigned Ch, unsigned Y, unsigned X, unsigned EB) {
    unsigned PerAtom = Atom / EB;
    return uint64_t(Ch / PerAtom) * H * W * Atom + uint64_t(Y) * W * Atom +
           X * Atom + (Ch % PerAtom) * EB;
  }
  void set(unsigned Buf, unsigned Ch, unsigned Y, unsigned X, int8_t V) {
    Bufs[Buf][offset(Ch, Y, X, 1)] = uint8_t(V);
  }
  int32_t get(unsigned Buf, unsigned Ch, unsigned Y, unsigned X,
              bool Is16 = false) const {
    uint64_t O = offset(Ch, Y, X, Is16 ? 2 : 1);
    if (!Is16)
      return int8_t(Bufs[Buf][O]);
    return int16_t(uint16_t(Bufs[Buf][O] | Bufs[Buf][O + 1] << 8));
  }
  Error run(VPStats &Stats, DescLayout L = DescLayout::Current012) {
    std::vector<MutableArrayRef<uint8_t>> Bases;
    for (auto &B : Bufs)
      Bases.push_back(B);
    return runEmuTask(TaskMemory(Bases), L, Stats);
  }
};

EmuOnncfAddOpDesc addOp(int16_t MulB, uint8_t ShiftB, int16_t Mul,
                        uint8_t Shift, bool Relu, int16_t CMin = INT16_MIN,
                        int16_t CMax = INT16_MAX, uint8_t OutBits = 8) {
  EmuOnncfAddOpDesc D;
  std::memset(&D, 0, sizeof(D));
  D.common.input_scale_factor = D.common.output_scale_factor = 1.0f;
  D.src_b_buffer = 2;
  D.mul_b = MulB;
  D.shift_b = ShiftB;
  D.mul = Mul;
  D.shift = Shift;
  D.relu = Relu;
  D.out_bits = OutBits;
  D.clamp_min = CMin;
  D.clamp_max = CMax;
  return D;
}

int32_t expected(int32_t A, int32_t B, const EmuOnncfAddOpDesc &D) {
  fixp::EpilogueParams P;
  P.Multiplier = D.mul;
  P.Shift = D.shift;
  P.Relu = D.relu;
  P.ClampMin = D.clamp_min;
  P.ClampMax = D.clamp_max;
  P.OutBits = D.out_bits;
  int64_t Bs = fixp::sdpTruncate(fixp::sdpMul(B, D.mul_b), D.shift_b);
  return fixp::sdpEpilogue(A + Bs, P);
}

TEST(EmuOnncfAdd, EncodeDecodeRoundTrip) {
  EmuOnncfAddOpDesc D = addOp(17159, 13, 18282, 15, true, -5, 100, 8);
  auto B = encodeEmuOnncfAddOp(D);
  ASSERT_EQ(B.size(), 24u);
  EXPECT_EQ(B[0], 0x80);
  auto Got = decodeEmuOp(B, 0, DescLayout::Current012);
  ASSERT_TRUE(bool(Got)) << toString(Got.takeError());
  EmuOnncfAddOpDesc G = Got->add;
  EXPECT_EQ(unsigned(G.common.op_type), 0x80u);
  EXPECT_EQ(unpacked(G.src_b_buffer), 2u);
  EXPECT_EQ(unpacked(G.mul_b), 17159);
  EXPECT_EQ(unpacked(G.shift_b), 13u);
  EXPECT_EQ(unpacked(G.mul), 18282);
  EXPECT_EQ(unpacked(G.shift), 15u);
  EXPECT_EQ(unpacked(G.relu), 1u);
  EXPECT_EQ(unpacked(G.out_bits), 8u);
  EXPECT_EQ(unpacked(G.clamp_min), -5);
  EXPECT_EQ(unpacked(G.clamp_max), 100);
  EXPECT_EQ(emuOpTypeName(0x80), "ONNCF_ADD");
  // Truncated, and the legacy layout (which has no such op).
  std::string E = errorText(decodeEmuOp(ArrayRef<uint8_t>(B).take_front(20), 0,
                                        DescLayout::Current012)
                                .takeError());
  EXPECT_NE(E.find("EMU ONNCF_ADD operation at byte 0 needs 23 bytes"),
            std::string::npos)
      << E;
  E = errorText(decodeEmuOp(B, 0, DescLayout::Legacy010).takeError());
  EXPECT_NE(E.find("needs the 0.12 descriptor layout"), std::string::npos) << E;
}

TEST(EmuOnncfAdd, EqualsFixpIncludingSaturationAndRelu) {
  std::mt19937 Rng(7);
  std::uniform_int_distribution<int> I8(-128, 127);
  // (mul_b, shift_b, mul, shift, relu, clamps): a typical residual add, a
  // saturating one (large multipliers, no shift), negative multipliers,
  // and clamps.
  const EmuOnncfAddOpDesc Cases[] = {
      addOp(17159, 13, 18282, 15, true),
      addOp(32767, 0, 32767, 0, false),
      addOp(32767, 0, 32767, 0, true),
      addOp(-3000, 10, 20000, 14, false),
      addOp(1, 0, 1, 0, false, -20, 30),
      addOp(26043, 14, 19532, 15, true, INT16_MIN, 50),
  };
  unsigned Saturated = 0, Clipped = 0;
  for (const EmuOnncfAddOpDesc &D : Cases) {
    AddTask T(D);
    int8_t As[C][H][W], Bs[C][H][W];
    for (unsigned Ch = 0; Ch < C; ++Ch)
      for (unsigned Y = 0; Y < H; ++Y)
        for (unsigned X = 0; X < W; ++X) {
          As[Ch][Y][X] = int8_t(I8(Rng));
          Bs[Ch][Y][X] = int8_t(I8(Rng));
          // Extremes in a corner of each cube.
          if (Ch == 0 && Y == 0 && X < 2)
            As[Ch][Y][X] = Bs[Ch][Y][X] = X ? 127 : -128;
          T.set(3, Ch, Y, X, As[Ch][Y][X]);
          T.set(4, Ch, Y, X, Bs[Ch][Y][X]);
        }
    VPStats Stats;
    ASSERT_EQ(errorText(T.run(Stats)), "");
    for (unsigned Ch = 0; Ch < C; ++Ch)
      for (unsigned Y = 0; Y < H; ++Y)
        for (unsigned X = 0; X < W; ++X) {
          int32_t Want = expected(As[Ch][Y][X], Bs[Ch][Y][X], D);
          ASSERT_EQ(T.get(5, Ch, Y, X), Want) << Ch << " " << Y << " " << X;
          Saturated += Want == 127 || Want == -128;
          Clipped += D.relu && Want == 0;
        }
    EXPECT_EQ(Stats.Emu.Ops, 1u);
    EXPECT_EQ(Stats.Emu.Macs, uint64_t(C * H * W));
  }
  EXPECT_GT(Saturated, 10u); // the cases do exercise saturation
  EXPECT_GT(Clipped, 10u);   // and ReLU

  // By hand: 100 + (100 * 2 >> 0) = 300 -> saturates to 127; -100 + -100
  // with ReLU -> 0; 3 + (5 * 3 >> 1 = 7.5 -> 8) = 11.
  AddTask T(addOp(2, 0, 1, 0, false));
  T.set(3, 0, 0, 0, 100);
  T.set(4, 0, 0, 0, 100);
  VPStats Stats;
  ASSERT_EQ(errorText(T.run(Stats)), "");
  EXPECT_EQ(T.get(5, 0, 0, 0), 127);
  AddTask R(addOp(1, 0, 1, 0, true));
  R.set(3, 0, 0, 0, -100);
  R.set(4, 0, 0, 0, -100);
  ASSERT_EQ(errorText(R.run(Stats)), "");
  EXPECT_EQ(R.get(5, 0, 0, 0), 0);
  AddTask S(addOp(3, 1, 1, 0, false));
  S.set(3, 0, 0, 0, 3);
  S.set(4, 0, 0, 0, 5);
  ASSERT_EQ(errorText(S.run(Stats)), "");
  EXPECT_EQ(S.get(5, 0, 0, 0), 11);
}

TEST(EmuOnncfAdd, Int16OutputAndInPlace) {
  // out_bits 16: 127 + 127 * 300 = 38227 saturates to 32767.
  EmuOnncfAddOpDesc D = addOp(300, 0, 1, 0, false, INT16_MIN, INT16_MAX, 16);
  AddTask T(D, /*Y16=*/true);
  T.set(3, 9, 1, 2, 127);
  T.set(4, 9, 1, 2, 127);
  T.set(3, 4, 0, 1, -7);
  T.set(4, 4, 0, 1, 50);
  VPStats Stats;
  ASSERT_EQ(errorText(T.run(Stats)), "");
  EXPECT_EQ(T.get(5, 9, 1, 2, true), 32767);
  EXPECT_EQ(T.get(5, 4, 0, 1, true), -7 + 50 * 300);

  // The destination is operand A's buffer: every element is read first.
  D = addOp(1, 0, 1, 0, false);
  AddTask P(D);
  P.Desc[1].addressIndex = 3;
  P.writeDescs();
  for (unsigned Ch = 0; Ch < C; ++Ch) {
    P.set(3, Ch, 1, 1, int8_t(Ch));
    P.set(4, Ch, 1, 1, int8_t(2 * Ch));
  }
  ASSERT_EQ(errorText(P.run(Stats)), "");
  for (unsigned Ch = 0; Ch < C; ++Ch)
    EXPECT_EQ(P.get(3, Ch, 1, 1), int32_t(3 * Ch));
}

TEST(EmuOnncfAdd, HostileDescriptorsAreErrors) {
  VPStats Stats;
  auto expectError = [&](AddTask &T, StringRef Want) {
    std::string E = errorText(T.run(Stats));
    EXPECT_NE(E.find(Want.str()), std::string::npos) << E;
  };
  {
    // Operand B's descriptor index past the buffer list (3 descriptors).
    EmuOnncfAddOpDesc D = addOp(1, 0, 1, 0, false);
    D.src_b_buffer = 7;
    AddTask T(D);
    expectError(T, "EMU op 0 (ONNCF_ADD) buffer descriptor 7");
    D.src_b_buffer = 65535;
    T.setOp(D);
    expectError(T, "buffer descriptor 65535");
  }
  {
    // A cube larger than its memory.
    AddTask T(addOp(1, 0, 1, 0, false));
    T.Desc[2].height = 200;
    T.Desc[2].surf_stride = 200 * W * Atom;
    T.Desc[0].height = T.Desc[1].height = 200;
    T.Desc[0].surf_stride = T.Desc[1].surf_stride = 200 * W * Atom;
    T.writeDescs();
    expectError(T, "ONNCF_ADD) operand A");
  }
  {
    // B's shape differs; B at an unknown address index; bad formats.
    AddTask T(addOp(1, 0, 1, 0, false));
    T.Desc[2].width = 2;
    T.writeDescs();
    expectError(T, "operand B 10x2x2 differs from the destination");
    T.Desc[2].width = W;
    T.Desc[2].addressIndex = 40;
    T.writeDescs();
    expectError(T, "operand B");
    T.Desc[2].addressIndex = 4;
    T.Desc[2].format = EmuFormatHalf;
    T.writeDescs();
    expectError(T, "operand B: format 2 is not INT16 3 or INT8 4");
    T.Desc[2].format = EmuFormatInt8;
    T.Desc[1].format = 9;
    T.writeDescs();
    expectError(T, "does not match destination format 9");
  }
  {
    // Attributes out of range.
    AddTask T(addOp(1, 64, 1, 0, false));
    expectError(T, "shift_b 64 outside 0..63");
    T.setOp(addOp(1, 0, 1, 0, false, INT16_MIN, INT16_MAX, 12));
    expectError(T, "out_bits 12 is not 8 or 16");
    T.setOp(addOp(1, 0, 1, 0, false, INT16_MIN, INT16_MAX, 16));
    expectError(T, "out_bits 16 does not match destination format 4");
    EmuOnncfAddOpDesc D = addOp(1, 0, 1, 0, false);
    D.relu = 2;
    T.setOp(D);
    expectError(T, "relu 2 is not 0 or 1");
  }
  {
    // The legacy layout has no ONNCF_ADD.
    AddTask T(addOp(1, 0, 1, 0, false));
    std::string E = errorText(T.run(Stats, DescLayout::Legacy010));
    EXPECT_NE(E.find("ONNCF_ADD (0x80) needs the 0.12 descriptor layout"),
              std::string::npos)
        << E;
  }
}

} // namespace
