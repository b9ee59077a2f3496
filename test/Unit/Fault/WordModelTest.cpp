//===- WordModelTest.cpp - Word faults, views, decoders, policy registry --===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Policy.h"
#include "llvm/Support/Error.h"
#include "gtest/gtest.h"
#include <random>

using namespace onncf::fault;
using namespace llvm;

namespace {

TEST(WordModel, ReadAndSilence) {
  WordFaults F{0x40, 0x08}; // sa0 b6, sa1 b3
  EXPECT_EQ(F.read(0xFF), 0xBFu);
  EXPECT_EQ(F.read(0x00), 0x08u);
  EXPECT_EQ(F.nonSilent(0x4C), 0x40u); // b6 non-silent, b3 silent
  EXPECT_EQ(F.nonSilent(0x08), 0u);
  EXPECT_TRUE(F.allSilent(0x08));
  EXPECT_FALSE(F.allSilent(0x00));
  EXPECT_EQ(F.truncated(4), (WordFaults{0, 0x08}));
}

TEST(WordModel, ViewsRoundTripForEveryWidth) {
  for (unsigned Q = 2; Q <= 16; ++Q) {
    for (bool Signed : {false, true}) {
      WordFormat Fmt{Q, Signed};
      EXPECT_EQ(Fmt.maxValue() - Fmt.minValue(), int64_t(Fmt.mask()));
      for (int64_t V = Fmt.minValue(); V <= Fmt.maxValue();
           V += (Q > 10 ? 37 : 1)) {
        uint64_t P = Fmt.toPattern(V);
        ASSERT_LE(P, Fmt.mask());
        ASSERT_EQ(Fmt.toValue(P), V) << Q << " " << Signed;
      }
    }
  }
  WordFormat S4{4, true};
  EXPECT_EQ(S4.toPattern(-1), 0xFu);
  EXPECT_EQ(S4.toValue(0x8), -8);
  EXPECT_EQ(S4.minValue(), -8);
  EXPECT_EQ(S4.maxValue(), 7);
  EXPECT_FALSE(S4.inRange(8));
}

TEST(WordModel, Decoders) {
  WordFormat U8{8, false};
  WordFaults None;
  EXPECT_EQ(decodeRead(0x35, None, Decoder::LSB, U8), 0xCAu);
  EXPECT_EQ(decodeRead(0x34, None, Decoder::LSB, U8), 0x34u);
  EXPECT_EQ(decodeRead(0x07, None, Decoder::C1, U8), 0xF8u); // 3 ones
  EXPECT_EQ(decodeRead(0x03, None, Decoder::C1, U8), 0x03u);
  WordFaults B3{0, 0x08};
  EXPECT_EQ(decodeRead(0x88, B3, Decoder::SignBit, U8), 0x88u);
  EXPECT_EQ(decodeRead(0x08, B3, Decoder::SignBit, U8), 0x00u);
  EXPECT_EQ(decodeRead(0x00, B3, Decoder::InverseSignBit, U8), 0x08u);
  for (Decoder D : {Decoder::None, Decoder::LSB, Decoder::C1, Decoder::SignBit,
                    Decoder::InverseSignBit})
    EXPECT_FALSE(decoderName(D).empty());
}

TEST(WordModel, FormatAndMaskChecks) {
  EXPECT_FALSE(errorToBool(checkPolicyFormat({2, true})));
  EXPECT_FALSE(errorToBool(checkPolicyFormat({16, false})));
  Error E = checkPolicyFormat({17, false});
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("17"), std::string::npos);
  EXPECT_TRUE(errorToBool(checkPolicyFormat({1, false})));
  EXPECT_TRUE(errorToBool(checkWordFaults({1, 1}, {8, false})));
  EXPECT_TRUE(errorToBool(checkWordFaults({0x100, 0}, {8, false})));
  EXPECT_FALSE(errorToBool(checkWordFaults({0x80, 0x01}, {8, false})));
}

TEST(PolicyRegistry, NamesRoundTrip) {
  for (const Policy &P : allPolicies()) {
    auto Q = parsePolicy(P.name());
    ASSERT_TRUE(bool(Q)) << P.name();
    EXPECT_EQ(*Q, P);
  }
  EXPECT_EQ(allPolicies().size(), 12u);
  auto O = parsePolicy("optimal");
  ASSERT_TRUE(bool(O));
  EXPECT_EQ(O->name(), "optimal:none");
  auto A = parseMitigation("auto");
  ASSERT_TRUE(bool(A));
  EXPECT_TRUE(A->Auto);
  EXPECT_EQ(A->name(), "auto");
  auto C = parseMitigation("c1");
  ASSERT_TRUE(bool(C));
  EXPECT_FALSE(C->Auto);
  EXPECT_EQ(C->Fixed.Dec, Decoder::C1);
}

TEST(PolicyRegistry, UnknownNamesAreErrors) {
  for (const char *Bad : {"", "foo", "optimal:", "optimal:foo", "LSB", "c2"}) {
    auto M = parseMitigation(Bad);
    ASSERT_FALSE(bool(M)) << Bad;
    std::string Msg = toString(M.takeError());
    EXPECT_NE(Msg.find(std::string("'") + Bad + "'"), std::string::npos);
    EXPECT_NE(Msg.find("add-sub"), std::string::npos);
  }
  auto P = parsePolicy("auto"); // auto is not a single policy
  EXPECT_FALSE(bool(P));
  consumeError(P.takeError());
}

TEST(PolicyRegistry, PromisesAndDecoders) {
  EXPECT_FALSE(parsePolicy("none")->promisesSilent());
  EXPECT_FALSE(parsePolicy("sign-bit")->promisesSilent());
  EXPECT_TRUE(parsePolicy("add-sub")->promisesSilent());
  EXPECT_TRUE(parsePolicy("optimal:c1")->promisesSilent());
  EXPECT_EQ(parsePolicy("lsb")->Dec, Decoder::LSB);
  EXPECT_EQ(parsePolicy("sign-bit-clamp")->Dec, Decoder::SignBit);
  EXPECT_EQ(parsePolicy("add-sub")->Dec, Decoder::None);
}

// The vectorised helpers agree with the scalar functions.
TEST(Vectorised, EncodeDecodeMatchScalar) {
  std::mt19937_64 Rng(7);
  WordFormat Fmt{8, true};
  std::vector<int64_t> Values(500);
  std::vector<WordFaults> Faults(500);
  for (size_t I = 0; I < Values.size(); ++I) {
    Values[I] = int64_t(Rng() % 256) - 128;
    uint64_t D = (I % 3) ? 0 : (Rng() & Rng() & 0xFF);
    uint64_t S1 = Rng() & D;
    Faults[I] = {D & ~S1, S1};
  }
  for (const Policy &P : allPolicies()) {
    std::vector<uint64_t> Stored(Values.size());
    std::vector<int64_t> Decoded(Values.size());
    encodeWords(P, Fmt, Values, Faults, Stored);
    decodeWords(P, Fmt, Stored, Faults, Decoded);
    uint64_t Sum = 0;
    for (size_t I = 0; I < Values.size(); ++I) {
      ASSERT_EQ(Stored[I], P.encode(Values[I], Faults[I], Fmt)) << P.name();
      ASSERT_EQ(Decoded[I], P.decode(Stored[I], Faults[I], Fmt));
      Sum += deviation(Decoded[I], Values[I]);
    }
    EXPECT_EQ(Sum, totalDeviation(P, Fmt, Values, Faults)) << P.name();
  }
}

TEST(Auto, PicksLeastTotalDeviationWithStableTies) {
  WordFormat U8{8, false};
  // No faults: none, add-sub, optimal:none, ... all exact; the first wins.
  std::vector<int64_t> V = {1, 2, 3, 77};
  std::vector<WordFaults> Clean(4);
  AutoChoice C = chooseAuto(U8, V, Clean);
  EXPECT_EQ(C.Chosen.name(), "none");
  EXPECT_EQ(C.TotalDeviation, 0u);
  // 51 with sa1 at b7 (figure 3): Add/Sub and every decoder without a flip
  // are 77 or more away; LSB (50) is the first candidate at distance 1 (C-1
  // and the optima for both flip decoders are at 1 too: 51 itself is
  // unreachable, its complement 204 has even parity).
  std::vector<int64_t> W = {51};
  std::vector<WordFaults> F = {{0, 0x80}};
  AutoChoice D = chooseAuto(U8, W, F);
  EXPECT_EQ(D.Chosen.name(), "lsb");
  EXPECT_EQ(D.TotalDeviation, 1u);
  EXPECT_EQ(totalDeviation(*parsePolicy("optimal:c1"), U8, W, F), 1u);
  // Restricting the candidates restricts the choice.
  Policy Only[] = {*parsePolicy("add-sub"), *parsePolicy("none")};
  AutoChoice E = chooseAuto(U8, W, F, Only);
  EXPECT_EQ(E.Chosen.name(), "add-sub");
  EXPECT_EQ(E.TotalDeviation, 77u);
}

} // namespace
