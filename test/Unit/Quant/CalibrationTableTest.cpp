//===- CalibrationTableTest.cpp - Calibration table I/O tests -------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/CalibrationTable.h"
#include "QuantTestUtil.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>
#include <cstring>
#include <random>

using namespace onncf;
using namespace llvm;

namespace {

std::string writeToString(const CalibrationTable &T) {
  std::string S;
  raw_string_ostream OS(S);
  cantFail(T.write(OS));
  return OS.str();
}

/// Parses \p Json and returns the error message ("" on success).
std::string parseError(StringRef Json) {
  auto T = CalibrationTable::parse(Json, "t.json");
  if (T)
    return "";
  return toString(T.takeError());
}

float randomFloat(std::mt19937 &Rng) {
  // Random bit patterns cover every exponent and mantissa; keep finite ones.
  for (;;) {
    uint32_t Bits = Rng();
    float F;
    std::memcpy(&F, &Bits, sizeof(F));
    if (std::isfinite(F))
      return F;
  }
}

TEST(CalibrationTable, FormatFloatExact) {
  EXPECT_EQ(formatFloatExact(0.1f), "0.1");
  EXPECT_EQ(formatFloatExact(1.0f), "1");
  EXPECT_EQ(formatFloatExact(-0.0f), "-0");
  EXPECT_EQ(formatFloatExact(1.0f / 127), "0.007874016");
  std::mt19937 Rng(1);
  for (int I = 0; I < 200000; ++I) {
    float F = randomFloat(Rng);
    std::string S = formatFloatExact(F);
    float Back = static_cast<float>(std::strtod(S.c_str(), nullptr));
    ASSERT_EQ(std::memcmp(&Back, &F, sizeof(F)), 0) << S;
  }
}

TEST(CalibrationTable, WriteIsSortedAndNvidiaShaped) {
  CalibrationTable T;
  T.set("conv1", {0.05f, -3.0f, 6.35f, 0});
  T.set("data", {1.0f / 127, 0.0f, 1.0f, 0});
  std::string S = writeToString(T);
  EXPECT_EQ(S, "{\n"
               "  \"conv1\": {\n"
               "    \"scale\": 0.05,\n"
               "    \"min\": -3,\n"
               "    \"max\": 6.35,\n"
               "    \"offset\": 0\n"
               "  },\n"
               "  \"data\": {\n"
               "    \"scale\": 0.007874016,\n"
               "    \"min\": 0,\n"
               "    \"max\": 1,\n"
               "    \"offset\": 0\n"
               "  }\n"
               "}\n");
}

TEST(CalibrationTable, RoundTripBitExact) {
  std::mt19937 Rng(2);
  CalibrationTable T;
  for (int I = 0; I < 500; ++I) {
    CalibrationEntry E;
    E.Scale = std::fabs(randomFloat(Rng));
    if (!(E.Scale > 0))
      E.Scale = 1e-45f;
    float A = randomFloat(Rng), B = randomFloat(Rng);
    E.Min = std::fmin(A, B);
    E.Max = std::fmax(A, B);
    T.set("tensor/" + std::to_string(Rng() % 100000) + "\"q\\", E);
  }
  std::string S = writeToString(T);
  auto Back = CalibrationTable::parse(S, "mem");
  ASSERT_THAT_EXPECTED(Back, Succeeded());
  EXPECT_EQ(Back->size(), T.size());
  EXPECT_TRUE(*Back == T);
  EXPECT_EQ(writeToString(*Back), S) << "same table, same bytes";
}

TEST(CalibrationTable, ReadsNvidiaTable) {
  auto T = CalibrationTable::parse(
      R"({"data": {"scale": 0.00392157, "min": 0, "max": 0, "offset": 0},
          "conv1": {"scale": 0.0625, "min": -8, "max": 7.9375}})",
      "calib.json");
  ASSERT_THAT_EXPECTED(T, Succeeded());
  ASSERT_EQ(T->size(), 2u);
  const CalibrationEntry *D = T->lookup("data");
  ASSERT_NE(D, nullptr);
  EXPECT_EQ(D->Scale, 0.00392157f);
  const CalibrationEntry *C = T->lookup("conv1");
  ASSERT_NE(C, nullptr);
  EXPECT_EQ(C->Min, -8.0f);
  EXPECT_EQ(C->Offset, 0);
  EXPECT_EQ(T->lookup("nope"), nullptr);
}

TEST(CalibrationTable, ParseErrors) {
  EXPECT_EQ(parseError("{"),
            "t.json: invalid JSON: [1:1, byte=1]: Expected object key");
  EXPECT_EQ(parseError("[1]"), "t.json: expected a JSON object mapping tensor "
                               "names to {scale, min, max, offset}");
  EXPECT_EQ(parseError(R"({"a": 3})"), "t.json: entry 'a': expected an object");
  EXPECT_EQ(parseError(R"({"a": {"min": 0, "max": 1}})"),
            "t.json: entry 'a': missing field 'scale'");
  EXPECT_EQ(parseError(R"({"a": {"scale": 1, "max": 1}})"),
            "t.json: entry 'a': missing field 'min'");
  EXPECT_EQ(parseError(R"({"a": {"scale": 1, "min": 0}})"),
            "t.json: entry 'a': missing field 'max'");
  EXPECT_EQ(parseError(R"({"a": {"scale": "x", "min": 0, "max": 1}})"),
            "t.json: entry 'a': field 'scale' is not a number");
  EXPECT_EQ(parseError(R"({"a": {"scale": "NaN", "min": 0, "max": 1}})"),
            "t.json: entry 'a': field 'scale' is not a number");
  EXPECT_EQ(parseError(R"({"a": {"scale": 1, "min": null, "max": 1}})"),
            "t.json: entry 'a': field 'min' is not a number");
  EXPECT_EQ(parseError(R"({"a": {"scale": 0, "min": 0, "max": 1}})"),
            "t.json: entry 'a': scale must be positive and finite, got 0");
  EXPECT_EQ(parseError(R"({"a": {"scale": -0.5, "min": 0, "max": 1}})"),
            "t.json: entry 'a': scale must be positive and finite, got -0.5");
  EXPECT_EQ(parseError(R"({"a": {"scale": 1e-50, "min": 0, "max": 1}})"),
            "t.json: entry 'a': scale must be positive and finite, got 0");
  EXPECT_EQ(parseError(R"({"a": {"scale": 1e300, "min": 0, "max": 1}})"),
            "t.json: entry 'a': value out of float range");
  EXPECT_EQ(parseError(R"({"a": {"scale": 1, "min": 2, "max": 1}})"),
            "t.json: entry 'a': min 2 is greater than max 1");
  EXPECT_EQ(
      parseError(R"({"a": {"scale": 1, "min": 0, "max": 1, "offset": 3}})"),
      "t.json: entry 'a': offset 3 is not supported (only symmetric "
      "quantization, offset 0)");
  EXPECT_EQ(
      parseError(R"({"a": {"scale": 1, "min": 0, "max": 1, "offset": 0.5}})"),
      "t.json: entry 'a': offset is not an integer");
  // The first bad entry in name order is reported.
  EXPECT_EQ(parseError(R"({"z": {"scale": 0, "min": 0, "max": 1},
                           "b": {"scale": 1, "min": 0}})"),
            "t.json: entry 'b': missing field 'max'");
  EXPECT_EQ(parseError("{}"), "");
}

TEST(CalibrationTable, FilesAreWrittenAtomically) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("quant-table", Dir));
  SmallString<128> Path(Dir);
  sys::path::append(Path, "t.json");
  CalibrationTable T;
  T.set("x", {0.5f, -1.0f, 1.0f, 0});
  ASSERT_THAT_ERROR(T.writeFile(Path), Succeeded());
  auto Back = CalibrationTable::readFile(Path);
  ASSERT_THAT_EXPECTED(Back, Succeeded());
  EXPECT_TRUE(*Back == T);

  // An invalid entry is refused and the existing file is left alone.
  CalibrationTable Bad;
  Bad.set("y", {0.0f, 0.0f, 0.0f, 0});
  EXPECT_THAT_ERROR(Bad.writeFile(Path),
                    FailedWithMessage("entry 'y': scale must be positive and "
                                      "finite, got 0"));
  auto Still = CalibrationTable::readFile(Path);
  ASSERT_THAT_EXPECTED(Still, Succeeded());
  EXPECT_TRUE(*Still == T);

  SmallString<128> Missing(Dir);
  sys::path::append(Missing, "missing.json");
  auto NoFile = CalibrationTable::readFile(Missing);
  ASSERT_FALSE(bool(NoFile));
  std::string Msg = toString(NoFile.takeError());
  EXPECT_NE(Msg.find("missing.json"), std::string::npos) << Msg;
  sys::fs::remove_directories(Dir);
}

TEST(CalibrationTableTest, NonUTF8NameIsAnErrorNotAnAssertion) {
  // ONNX does not enforce UTF-8 names; a JSON key must be UTF-8.
  CalibrationTable T;
  T.set("bad\xff", {1.0f, 0.0f, 1.0f, 0});
  std::string S;
  raw_string_ostream OS(S);
  Error E = T.write(OS);
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("not valid UTF-8"), std::string::npos);
}

} // namespace
