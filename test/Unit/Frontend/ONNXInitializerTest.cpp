//===- ONNXInitializerTest.cpp - Initializer data: raw, typed, external ---===//
#include "ModelBuilder.h"
#include "onncf/Frontend/ONNX/ONNXTensor.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

std::string tempDir() {
  SmallString<128> Dir;
  EXPECT_FALSE(sys::fs::createUniqueDirectory("onncf-frontend-test", Dir));
  return std::string(Dir);
}

void writeFile(const std::string &Path, StringRef Bytes) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC);
  ASSERT_FALSE(EC);
  OS << Bytes;
}

/// A model whose output is Identity(w), so the initializer is used.
ModelBuilder identityOf(onnx::TensorProto T) {
  ModelBuilder B;
  T.set_name("w");
  *B.M.mutable_graph()->add_initializer() = T;
  B.node("Identity", {"w"}, {"y"});
  B.output("y");
  return B;
}

const Tensor &weights(const Graph &G) {
  return G.lookup("w")->getConstantData();
}

TEST(ONNXInitializerTest, TypedFields) {
  onnx::TensorProto T;
  T.set_data_type(onnx::TensorProto_DataType_INT8);
  T.add_dims(3);
  for (int V : {-5, 0, 100})
    T.add_int32_data(V);
  auto G = identityOf(T).import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ(weights(**G).getElementType(), ElementType::I8);
  EXPECT_EQ(weights(**G).data<int8_t>()[0], -5);

  onnx::TensorProto D;
  D.set_data_type(onnx::TensorProto_DataType_DOUBLE);
  D.add_dims(2);
  D.add_double_data(0.5);
  D.add_double_data(-1e200);
  G = identityOf(D).import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ(weights(**G).data<double>()[1], -1e200);

  onnx::TensorProto H; // f16 bit patterns in int32_data
  H.set_data_type(onnx::TensorProto_DataType_FLOAT16);
  H.add_dims(2);
  H.add_int32_data(0x3c00); // 1.0
  H.add_int32_data(0xc000); // -2.0
  G = identityOf(H).import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ(weights(**G).getAsDouble(0), 1.0);
  EXPECT_EQ(weights(**G).getAsDouble(1), -2.0);

  onnx::TensorProto Bo;
  Bo.set_data_type(onnx::TensorProto_DataType_BOOL);
  Bo.add_dims(2);
  Bo.add_int32_data(1);
  Bo.add_int32_data(0);
  G = identityOf(Bo).import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ(weights(**G).getElementType(), ElementType::Bool);

  onnx::TensorProto F;
  F.set_data_type(onnx::TensorProto_DataType_FLOAT);
  F.add_dims(2);
  F.add_dims(1);
  F.add_float_data(1.5f);
  F.add_float_data(2.5f);
  G = identityOf(F).import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ(weights(**G).getShape(), ArrayRef<int64_t>({2, 1}));
  EXPECT_EQ(weights(**G).data<float>()[1], 2.5f);

  onnx::TensorProto S; // a scalar
  S.set_data_type(onnx::TensorProto_DataType_INT64);
  S.add_int64_data(42);
  G = identityOf(S).import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ(weights(**G).getShape().size(), 0u);
  EXPECT_EQ(weights(**G).data<int64_t>()[0], 42);
}

TEST(ONNXInitializerTest, SizeMismatchNamesTheInitializer) {
  onnx::TensorProto T;
  T.set_data_type(onnx::TensorProto_DataType_FLOAT);
  T.add_dims(4);
  T.set_raw_data(std::string(12, '\0'));
  EXPECT_EQ(errorOf(identityOf(T).import()),
            "model.onnx: initializer 'w': raw_data holds 12 bytes but dims "
            "f32[4] need 16");
  T.clear_raw_data();
  T.add_float_data(1);
  EXPECT_THAT(errorOf(identityOf(T).import()),
              HasSubstr("initializer 'w': float_data holds 1 values"));
  onnx::TensorProto C;
  C.set_data_type(onnx::TensorProto_DataType_COMPLEX64);
  EXPECT_THAT(errorOf(identityOf(C).import()),
              HasSubstr("initializer 'w': unsupported tensor data type "
                        "COMPLEX64"));
  onnx::TensorProto N;
  N.set_data_type(onnx::TensorProto_DataType_FLOAT);
  N.add_dims(-3);
  EXPECT_THAT(errorOf(identityOf(N).import()), HasSubstr("negative dimension"));
}

onnx::TensorProto
externalTensor(std::vector<int64_t> Dims,
               std::vector<std::pair<std::string, std::string>> KVs) {
  onnx::TensorProto T;
  T.set_data_type(onnx::TensorProto_DataType_FLOAT);
  for (int64_t D : Dims)
    T.add_dims(D);
  T.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  for (auto &[K, V] : KVs) {
    auto *E = T.add_external_data();
    E->set_key(K);
    E->set_value(V);
  }
  return T;
}

TEST(ONNXInitializerTest, ExternalDataIsMapped) {
  std::string Dir = tempDir();
  std::vector<float> Vals = {1, 2, 3, 4, 5, 6};
  writeFile(Dir + "/weights.bin",
            std::string(16, 'x') + std::string((const char *)Vals.data(), 24));
  auto T = externalTensor(
      {2, 3},
      {{"location", "weights.bin"}, {"offset", "16"}, {"length", "24"}});
  ModelBuilder B = identityOf(T);
  std::string ModelPath = Dir + "/model.onnx";
  writeFile(ModelPath, B.bytes());
  auto G = importONNXFile(ModelPath);
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Tensor &W = weights(**G);
  EXPECT_TRUE(W.isMapped());
  EXPECT_EQ(W.getShape(), ArrayRef<int64_t>({2, 3}));
  EXPECT_EQ(W.data<float>()[5], 6.0f);

  // No length: the rest of the file.
  T = externalTensor({2, 3}, {{"location", "weights.bin"}, {"offset", "16"}});
  G = identityOf(T).import({}, Dir);
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ(weights(**G).data<float>()[0], 1.0f);

  // An unaligned offset is copied rather than mapped.
  writeFile(Dir + "/odd.bin", "y" + std::string((const char *)Vals.data(), 24));
  T = externalTensor({6}, {{"location", "odd.bin"}, {"offset", "1"}});
  G = identityOf(T).import({}, Dir);
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_FALSE(weights(**G).isMapped());
  EXPECT_EQ(weights(**G).data<float>()[2], 3.0f);
}

TEST(ONNXInitializerTest, ExternalDataErrors) {
  std::string Dir = tempDir();
  writeFile(Dir + "/w.bin", std::string(40, '\0'));
  auto Err = [&](std::vector<std::pair<std::string, std::string>> KVs) {
    return errorOf(identityOf(externalTensor({2, 3}, KVs)).import({}, Dir));
  };
  std::string E =
      Err({{"location", "w.bin"}, {"offset", "32"}, {"length", "24"}});
  EXPECT_THAT(E, HasSubstr("initializer 'w'"));
  EXPECT_THAT(E, HasSubstr("w.bin"));
  EXPECT_THAT(E, HasSubstr("outside"));
  E = Err({{"location", "w.bin"}, {"offset", "100"}});
  EXPECT_THAT(E, HasSubstr("past the end"));
  E = Err({{"location", "w.bin"}, {"offset", "0"}, {"length", "20"}});
  EXPECT_THAT(E, HasSubstr("has 20 bytes but f32[2,3] needs 24"));
  E = Err({{"location", "w.bin"}});
  EXPECT_THAT(E, HasSubstr("has 40 bytes"));
  E = Err({{"location", "missing.bin"}});
  EXPECT_THAT(E, HasSubstr("missing.bin: cannot read external data file"));
  E = Err({{"location", "../w.bin"}});
  EXPECT_THAT(E, HasSubstr("inside the model's folder"));
  E = Err({{"location", "w.bin"}, {"offset", "abc"}});
  EXPECT_THAT(E, HasSubstr("offset 'abc' is not a number"));
  E = Err({{"offset", "0"}});
  EXPECT_THAT(E, HasSubstr("no 'location'"));
}

TEST(ONNXInitializerTest, TensorRoundTrip) {
  Tensor T = Tensor::fromVector<int32_t>({2, 2}, {1, -2, 3, -4});
  onnx::TensorProto P;
  tensorToProto(T, "t", P);
  EXPECT_EQ(P.name(), "t");
  auto R = tensorFromProto(P, "t", nullptr);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_TRUE(*R == T);
}

} // namespace
