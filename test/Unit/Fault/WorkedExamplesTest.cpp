//===- WorkedExamplesTest.cpp - ALGORITHMS.md's worked examples -----------===//
//
// Part of onnc-fault. Every worked example of
// ../shared/reference/ALGORITHMS.md (seed 001 figures 2-5, 8-bit unsigned
// view), plus the sign-bit substitution of seed 000 on small values.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Policy.h"
#include "gtest/gtest.h"

using namespace onncf::fault;

namespace {

const WordFormat U8{8, false};
const WordFormat S8{8, true};

WordFaults sa0(unsigned Bit) { return {uint64_t(1) << Bit, 0}; }
WordFaults sa1(unsigned Bit) { return {0, uint64_t(1) << Bit}; }
WordFaults operator+(WordFaults A, WordFaults B) {
  return {A.Sa0 | B.Sa0, A.Sa1 | B.Sa1};
}

Policy policy(const char *Name) {
  auto P = parsePolicy(Name);
  EXPECT_TRUE(bool(P)) << Name;
  return P ? *P : Policy();
}

// Figure 2: W = 76 (01001100), sa0 at b6 (non-silent), sa1 at b3 (silent).
TEST(WorkedExamples, Fig2Unmitigated76ReadsAs12) {
  WordFaults F = sa0(6) + sa1(3);
  EXPECT_EQ(F.read(76), 12u);
  EXPECT_EQ(policy("none").decode(policy("none").encode(76, F, U8), F, U8), 12);
  EXPECT_EQ(F.nonSilent(76), uint64_t(1) << 6);
}

TEST(WorkedExamples, Fig2AddSubStores63) {
  WordFaults F = sa0(6) + sa1(3);
  uint64_t S = encodeAddSub(76, F, U8);
  EXPECT_EQ(S, 63u);
  EXPECT_TRUE(F.allSilent(S));
  EXPECT_EQ(decodeStored(S, F, Decoder::None, U8), 63);
}

// Figure 3: W = 51 (00110011), sa1 at b7: subtracting gives -77 (out of the
// unsigned range), so Add/Sub adds and stores 128.
TEST(WorkedExamples, Fig3Unmitigated51ReadsAs179) {
  EXPECT_EQ(sa1(7).read(51), 179u);
}

TEST(WorkedExamples, Fig3AddSubStores128) {
  EXPECT_EQ(encodeAddSub(51, sa1(7), U8), 128u);
}

// Figure 4(a): LSB flips 51 to 204, flag 1 -> stores 205, decodes to 50.
TEST(WorkedExamples, Fig4aLSBStores205DecodesTo50) {
  uint64_t S = encodeLSB(51, sa1(7), U8);
  EXPECT_EQ(S, 205u);
  EXPECT_EQ(decodeStored(S, sa1(7), Decoder::LSB, U8), 50);
}

// Figure 5: W = 202 (11001010), sa1 at b7 (silent) and b0 (non-silent).
TEST(WorkedExamples, Fig5Unmitigated202ReadsAs203) {
  EXPECT_EQ((sa1(7) + sa1(0)).read(202), 203u);
}

TEST(WorkedExamples, Fig5aLSBStores129DecodesTo126) {
  WordFaults F = sa1(7) + sa1(0);
  uint64_t S = encodeLSB(202, F, U8);
  EXPECT_EQ(S, 129u);
  EXPECT_EQ(decodeStored(S, F, Decoder::LSB, U8), 126);
}

TEST(WorkedExamples, Fig5bC1Stores201DecodesTo201) {
  WordFaults F = sa1(7) + sa1(0);
  uint64_t S = encodeC1(202, F, U8);
  EXPECT_EQ(S, 201u);
  EXPECT_TRUE(F.allSilent(S));
  EXPECT_EQ(decodeStored(S, F, Decoder::C1, U8), 201);
}

// Figure 4(b) shows 70 for "76 with LSB then Add/Sub"; the algorithm text
// flips 76 to 179 (b6 non-silent), Add/Subs the now non-silent sa1 at b3
// (b2 = 0: subtract, 171, set b2..b0 -> 175) and keeps flag 1 in b0: 175,
// decoded 80. We follow the text; the exact optimum for the LSB decoder is
// 80 as well (|80-76| = 4 < |70-76| = 6).
TEST(WorkedExamples, Fig4bLSBFollowsTheTextNotTheFigure) {
  WordFaults F = sa0(6) + sa1(3);
  uint64_t S = encodeLSB(76, F, U8);
  EXPECT_EQ(S, 175u);
  EXPECT_EQ(decodeStored(S, F, Decoder::LSB, U8), 80);
  uint64_t O = encodeOptimal(76, F, U8, Decoder::LSB);
  EXPECT_EQ(decodeStored(O, F, Decoder::LSB, U8), 80);
}

// Seed 000: sign-bit substitution is exact for small magnitudes; the
// inverse sign bit gives the upper bound of |value|.
TEST(WorkedExamples, SignBitSubstitutionSmallValues) {
  // 5 = 00000101 with b6 stuck at 1 reads 69; bit 6 := bit 7 = 0 -> 5.
  EXPECT_EQ(decodeStored(5, sa1(6), Decoder::None, S8), 69);
  EXPECT_EQ(decodeStored(5, sa1(6), Decoder::SignBit, S8), 5);
  EXPECT_EQ(decodeStored(5, sa1(6), Decoder::InverseSignBit, S8), 69);
  // -3 = 11111101 with b5 stuck at 0 reads -35; bit 5 := 1 -> -3.
  uint64_t M3 = S8.toPattern(-3);
  EXPECT_EQ(decodeStored(M3, sa0(5), Decoder::None, S8), -35);
  EXPECT_EQ(decodeStored(M3, sa0(5), Decoder::SignBit, S8), -3);
  EXPECT_EQ(decodeStored(M3, sa0(5), Decoder::InverseSignBit, S8), -35);
  // The sign bit itself cannot be substituted.
  EXPECT_EQ(decodeStored(5, sa1(7), Decoder::SignBit, S8), -123);
}

TEST(WorkedExamples, SignBitClampMakesSubstitutionExact) {
  // 100 = 01100100 with b5 faulty: clamped to 31, decoded exactly.
  Policy Clamp = policy("sign-bit-clamp");
  uint64_t S = Clamp.encode(100, sa1(5), S8);
  EXPECT_EQ(S8.toValue(S), 31);
  EXPECT_EQ(Clamp.decode(S, sa1(5), S8), 31);
  // Without clamping the substitution turns 100 into 68 (bit 5 := 0).
  EXPECT_EQ(policy("sign-bit").decode(100, sa1(5), S8), 68);
  // Negative side: -100 clamps to -32.
  EXPECT_EQ(Clamp.decode(Clamp.encode(-100, sa0(5), S8), sa0(5), S8), -32);
  // In range already: unchanged.
  EXPECT_EQ(Clamp.decode(Clamp.encode(-7, sa0(5), S8), sa0(5), S8), -7);
}

} // namespace

// The text's parity fix would store 7 (three ones) as 6; the opposite
// initial flip stores ~7 = 0xF8 (five ones), which decodes to 7 exactly.
TEST(WorkedExamples, C1StoresOddParityFaultFreeWordsInverted) {
  WordFaults None;
  EXPECT_EQ(encodeC1(7, None, U8), 0xF8u);
  EXPECT_EQ(decodeStored(0xF8, None, Decoder::C1, U8), 7);
}
