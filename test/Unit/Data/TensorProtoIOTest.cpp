//===- TensorProtoIOTest.cpp - ONNX .pb tensor files ----------------------===//
#include "onncf/Data/TensorProtoIO.h"
#include "DataTestUtils.h"
#include "onncf/Support/FileUtils.h"
#include "gmock/gmock.h"
#include <onnx/onnx_pb.h>
#include <random>

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

TEST(TensorProtoIOTest, RoundTrip) {
  std::string Dir = tempDir();
  std::vector<Tensor> Ts = {
      Tensor::fromVector<float>({1, 2, 2}, {1, 2, 3, -4}),
      Tensor::fromVector<int64_t>({3}, {1, -2, int64_t(1) << 50}),
      Tensor::fromVector<uint8_t>({2}, {0, 255}),
      Tensor::fromVector<double>({}, {3.25}),
  };
  for (const Tensor &T : Ts) {
    std::string P = Dir + "/t.pb";
    ASSERT_FALSE(errorToBool(writeTensorProtoFile(P, T, "x")));
    std::string Name;
    auto R = readTensorProtoFile(P, &Name);
    ASSERT_TRUE(bool(R)) << toString(R.takeError());
    EXPECT_TRUE(*R == T) << T.getType().str();
    EXPECT_EQ(Name, "x");
  }
}

TEST(TensorProtoIOTest, ReadsTypedFields) {
  onnx::TensorProto P;
  P.set_data_type(onnx::TensorProto_DataType_INT8);
  P.add_dims(3);
  for (int V : {-1, 2, 127})
    P.add_int32_data(V);
  std::string Path = writeTemp("typed.pb", P.SerializeAsString());
  auto R = readTensorProtoFile(Path);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->getElementType(), ElementType::I8);
  EXPECT_EQ(R->data<int8_t>()[0], -1);
  EXPECT_EQ(R->data<int8_t>()[2], 127);
}

TEST(TensorProtoIOTest, ExternalDataNextToTheFile) {
  std::string Dir = tempDir();
  float Vals[] = {1.5f, 2.5f};
  std::string Blob = "PAD!" + std::string((const char *)Vals, sizeof(Vals));
  writeTemp("weights.bin", Blob, Dir);
  onnx::TensorProto P;
  P.set_data_type(onnx::TensorProto_DataType_FLOAT);
  P.add_dims(2);
  P.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  auto Add = [&](const char *K, const char *V) {
    auto *E = P.add_external_data();
    E->set_key(K);
    E->set_value(V);
  };
  Add("location", "weights.bin");
  Add("offset", "4");
  Add("length", "8");
  std::string Path = writeTemp("ext.pb", P.SerializeAsString(), Dir);
  auto R = readTensorProtoFile(Path);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_TRUE(R->isMapped());
  EXPECT_EQ(R->data<float>()[1], 2.5f);
}

TEST(TensorProtoIOTest, Corruption) {
  std::string Dir = tempDir();
  std::string P = Dir + "/t.pb";
  ASSERT_FALSE(errorToBool(writeTensorProtoFile(
      P, Tensor::fromVector<float>({4}, {1, 2, 3, 4}), "x")));
  auto Buf = readFile(P);
  ASSERT_TRUE(bool(Buf));
  std::string Cut = writeTemp("cut.pb", (*Buf)->getBuffer().drop_back(3), Dir);
  std::string E = errorOf(readTensorProtoFile(Cut));
  EXPECT_THAT(E, HasSubstr(Cut));

  std::mt19937 Rng(42);
  for (int Trial = 0; Trial < 50; ++Trial) {
    std::string Random(64 + Trial, '\0');
    for (char &C : Random)
      C = char(Rng());
    std::string RP = writeTemp("random.pb", Random, Dir);
    // Random bytes may happen to parse; they must never crash.
    auto R = readTensorProtoFile(RP);
    if (!R) {
      EXPECT_THAT(toString(R.takeError()), HasSubstr(RP));
    }
  }

  onnx::TensorProto Bad;
  Bad.set_data_type(onnx::TensorProto_DataType_FLOAT);
  Bad.add_dims(3);
  Bad.add_float_data(1);
  std::string BP = writeTemp("short.pb", Bad.SerializeAsString(), Dir);
  EXPECT_THAT(errorOf(readTensorProtoFile(BP)),
              HasSubstr("float_data holds 1 values"));
  Bad.set_data_type(onnx::TensorProto_DataType_STRING);
  BP = writeTemp("string.pb", Bad.SerializeAsString(), Dir);
  EXPECT_THAT(errorOf(readTensorProtoFile(BP)),
              HasSubstr("unsupported tensor data type STRING"));
}

} // namespace
