//===- FaultBlobTest.cpp - onncf.fault blob tests -------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/FaultBlob.h"
#include "gtest/gtest.h"

using namespace onncf::nvdla;
using namespace llvm;

namespace {

FaultInfo sample() {
  FaultInfo I;
  FaultWeightRange A;
  A.Op = "conv1";
  A.Memory = 3;
  A.Offset = 0;
  A.Bytes = 152;
  A.Decoder = "sign-bit";
  A.Masks = {{0, 0x01}, {7, 0x40}, {151, 0x7f}};
  I.Weights.push_back(A);
  FaultWeightRange B;
  B.Op = "fc";
  B.Memory = 3;
  B.Offset = 512;
  B.Bytes = 4000;
  B.Decoder = "c1";
  I.Weights.push_back(B);
  I.HasCmac = true;
  I.AtomK = 8;
  I.AtomC = 8;
  I.Substitutes.push_back({5, "weight", 0x21, "sign-bit"});
  I.Substitutes.push_back({63, "data", 0x80, "inverse-sign-bit"});
  return I;
}

std::string errorOf(StringRef Text) {
  std::vector<uint8_t> B(Text.begin(), Text.end());
  auto R = parseFaultBlob(B, "m.nvdla");
  if (R)
    return "";
  return toString(R.takeError());
}

TEST(NVDLAFaultBlob, RoundTrips) {
  FaultInfo I = sample();
  std::vector<uint8_t> Bytes = writeFaultBlob(I);
  auto R = parseFaultBlob(Bytes, "m.nvdla");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  ASSERT_EQ(R->Weights.size(), 2u);
  for (size_t K = 0; K < 2; ++K) {
    EXPECT_EQ(R->Weights[K].Op, I.Weights[K].Op);
    EXPECT_EQ(R->Weights[K].Memory, I.Weights[K].Memory);
    EXPECT_EQ(R->Weights[K].Offset, I.Weights[K].Offset);
    EXPECT_EQ(R->Weights[K].Bytes, I.Weights[K].Bytes);
    EXPECT_EQ(R->Weights[K].WordBits, 8u);
    EXPECT_EQ(R->Weights[K].Decoder, I.Weights[K].Decoder);
    EXPECT_EQ(R->Weights[K].Masks, I.Weights[K].Masks);
  }
  EXPECT_TRUE(R->HasCmac);
  EXPECT_EQ(R->AtomK, 8u);
  EXPECT_EQ(R->AtomC, 8u);
  ASSERT_EQ(R->Substitutes.size(), 2u);
  EXPECT_EQ(R->Substitutes[1].Cell, 63u);
  EXPECT_EQ(R->Substitutes[1].Operand, "data");
  EXPECT_EQ(R->Substitutes[1].Mask, 0x80u);
  EXPECT_EQ(R->Substitutes[1].Mode, "inverse-sign-bit");
  // Deterministic bytes: writing the parsed info gives the same blob.
  EXPECT_EQ(writeFaultBlob(*R), Bytes);
}

TEST(NVDLAFaultBlob, NoCmacSection) {
  FaultInfo I = sample();
  I.HasCmac = false;
  I.Substitutes.clear();
  std::vector<uint8_t> Bytes = writeFaultBlob(I);
  std::string S(Bytes.begin(), Bytes.end());
  EXPECT_EQ(S.find("cmac"), std::string::npos);
  auto R = parseFaultBlob(Bytes, "m.nvdla");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_FALSE(R->HasCmac);
}

TEST(NVDLAFaultBlob, CorruptBlobsAreErrors) {
  EXPECT_NE(errorOf("{").find("m.nvdla: blob 'onncf.fault'"),
            std::string::npos);
  EXPECT_NE(errorOf("[]").find("expected a JSON object"), std::string::npos);
  EXPECT_NE(errorOf(R"({"version": 2, "weights": []})").find("'version'"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"version": 1})").find("'weights' must be an array"),
            std::string::npos);
  const char *Range = R"({"version": 1, "weights": [{"op": "c", "memory": 3,
      "offset": 0, "bytes": 8, "word_bits": 8, "decoder": "%s",
      "masks": %s}]})";
  auto Blob = [&](const char *Dec, const char *Masks) {
    char Buf[512];
    snprintf(Buf, sizeof(Buf), Range, Dec, Masks);
    return std::string(Buf);
  };
  EXPECT_EQ(errorOf(Blob("sign-bit", "[[0, 1], [7, 127]]")), "");
  EXPECT_NE(errorOf(Blob("xor", "[]")).find("unknown decoder 'xor'"),
            std::string::npos);
  EXPECT_NE(errorOf(Blob("c1", "[[0, 1]]")).find("masks need decoder"),
            std::string::npos);
  EXPECT_NE(errorOf(Blob("sign-bit", "[[8, 1]]")).find("outside the 8-byte"),
            std::string::npos);
  EXPECT_NE(errorOf(Blob("sign-bit", "[[0, 128]]")).find("7-bit mask"),
            std::string::npos);
  EXPECT_NE(errorOf(Blob("sign-bit", "[[3, 1], [3, 2]]")).find("increase"),
            std::string::npos);
  EXPECT_NE(errorOf(Blob("sign-bit", "[[3]]")).find("pair of integers"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"version": 1, "weights": [{"op": "c", "memory": 3,
      "offset": 0, "bytes": 8, "word_bits": 16, "decoder": "none",
      "masks": []}]})")
                .find("'word_bits' is 16"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"version": 1, "weights": [],
      "cmac": {"cells": [8], "substitute": []}})")
                .find("'cells' must be"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"version": 1, "weights": [],
      "cmac": {"cells": [8, 8], "substitute": [{"cell": 64,
      "operand": "weight", "mask": 1, "mode": "sign-bit"}]}})")
                .find("'cell' is 64"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"version": 1, "weights": [],
      "cmac": {"cells": [8, 8], "substitute": [{"cell": 1,
      "operand": "bias", "mask": 1, "mode": "sign-bit"}]}})")
                .find("'operand' must be"),
            std::string::npos);
}

} // namespace
