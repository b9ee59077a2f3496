//===- IoBlobTest.cpp - onncf.io blob tests -------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/IoBlob.h"
#include "gtest/gtest.h"

using namespace onncf::nvdla;
using namespace llvm;

namespace {

IoInfo sample() {
  IoInfo I;
  I.Config = "nvdla-small";
  I.Producer = "onnc-fault test";
  IoPort In;
  In.Name = "input";
  In.C = 1;
  In.H = In.W = 28;
  In.Scale = 1.0 / 127;
  In.LineStride = 28 * 8;
  In.SurfStride = 28 * 28 * 8;
  I.Inputs.push_back(In);
  IoPort Out = In;
  Out.Name = "logits";
  Out.TensorDescId = 1;
  Out.C = 10;
  Out.H = Out.W = 1;
  Out.LogicalRank = 2;
  Out.Scale = 0.0731;
  I.Outputs.push_back(Out);
  return I;
}

TEST(NVDLAIoBlob, RoundTrips) {
  IoInfo I = sample();
  std::vector<uint8_t> Bytes = writeIoBlob(I);
  auto R = parseIoBlob(Bytes, "m.nvdla");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->Config, "nvdla-small");
  ASSERT_EQ(R->Inputs.size(), 1u);
  ASSERT_EQ(R->Outputs.size(), 1u);
  EXPECT_EQ(R->Outputs[0].Name, "logits");
  EXPECT_EQ(R->Outputs[0].C, 10);
  EXPECT_EQ(R->Outputs[0].LogicalRank, 2u);
  EXPECT_EQ(float(R->Inputs[0].Scale), float(1.0 / 127));
  EXPECT_EQ(float(R->Outputs[0].Scale), 0.0731f);
  EXPECT_EQ(R->Inputs[0].Scale, 1.0 / 127); // exactly the double written
  EXPECT_EQ(R->Inputs[0].SurfStride, uint64_t(28 * 28 * 8));
  // Writing the parsed info again gives the same bytes.
  EXPECT_EQ(writeIoBlob(*R), Bytes);
}

TEST(NVDLAIoBlob, BadBlobsNameTheField) {
  auto Err = [](StringRef Text) {
    auto R = parseIoBlob(
        ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Text.data()),
                          Text.size()),
        "m.nvdla");
    return R ? std::string() : toString(R.takeError());
  };
  EXPECT_NE(Err("{").find("m.nvdla: blob 'onncf.io'"), std::string::npos);
  EXPECT_NE(Err("[]").find("expected a JSON object"), std::string::npos);
  EXPECT_NE(Err(R"({"version": 2})").find("'version' is 2"), std::string::npos);
  std::string Good(reinterpret_cast<const char *>(writeIoBlob(sample()).data()),
                   writeIoBlob(sample()).size());
  std::string BadScale = Good;
  BadScale.replace(BadScale.find("\"scale\""), 7, "\"scalX\"");
  EXPECT_NE(Err(BadScale).find("inputs[0]: 'scale'"), std::string::npos);
  std::string BadBits = Good;
  BadBits.replace(BadBits.find("\"bits\": 8"), 9, "\"bits\": 9");
  EXPECT_NE(Err(BadBits).find("'bits' must be 8 or 16"), std::string::npos);
}

} // namespace
