//===- ONNXExporterTest.cpp - IR -> ONNX -> IR round trips ----------------===//
#include "onncf/Frontend/ONNX/ONNXExporter.h"
#include "ModelBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

Expected<std::unique_ptr<Graph>> roundTrip(const Graph &G) {
  std::string Bytes;
  raw_string_ostream OS(Bytes);
  if (Error E = exportONNX(G, OS))
    return E;
  OS.flush();
  return importONNXBuffer(Bytes, "exported.onnx");
}

void expectSameGraph(const Graph &A, const Graph &B) {
  ASSERT_EQ(A.getNumOps(), B.getNumOps());
  ASSERT_EQ(A.getInputs().size(), B.getInputs().size());
  ASSERT_EQ(A.getConstants().size(), B.getConstants().size());
  for (Value *C : A.getConstants()) {
    Value *D = B.lookup(C->getName());
    ASSERT_TRUE(D && D->isConstant()) << C->getName();
    EXPECT_TRUE(C->getConstantData() == D->getConstantData()) << C->getName();
  }
  auto It = B.getOps().begin();
  for (const auto &O : A.getOps()) {
    const Op &P = **It++;
    EXPECT_EQ(O->getKind(), P.getKind());
    EXPECT_EQ(O->getName(), P.getName());
    EXPECT_TRUE(O->getAttrs() == P.getAttrs()) << O->getDescription();
    ASSERT_EQ(O->getNumResults(), P.getNumResults());
    for (unsigned I = 0; I < O->getNumResults(); ++I) {
      EXPECT_EQ(O->getResult(I)->getName(), P.getResult(I)->getName());
      EXPECT_EQ(O->getResult(I)->getType(), P.getResult(I)->getType());
    }
  }
}

TEST(ONNXExporterTest, ConvGraphRoundTrips) {
  ModelBuilder B;
  B.input("x", {-1, 3, 8, 8});
  B.floatInit("w", {4, 3, 3, 3}, std::vector<float>(108, 0.25f));
  auto &C = B.node("Conv", {"x", "w"}, {"c"}, "conv1");
  setInts(C, "pads", {1, 1, 1, 1});
  B.node("Relu", {"c"}, {"r"});
  B.node("GlobalAveragePool", {"r"}, {"p"});
  B.node("Flatten", {"p"}, {"y"});
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  auto H = roundTrip(**G);
  ASSERT_TRUE(bool(H)) << toString(H.takeError());
  expectSameGraph(**G, **H);
}

TEST(ONNXExporterTest, LegacyFormsExportAsOpset13) {
  ModelBuilder B(11);
  B.input("x", {1, 3, 1});
  setInts(B.node("Squeeze", {"x"}, {"s"}), "axes", {0, 2});
  auto &R = B.node("ReduceMean", {"s"}, {"y"});
  setInts(R, "axes", {0});
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  auto H = roundTrip(**G);
  ASSERT_TRUE(bool(H)) << toString(H.takeError());
  EXPECT_EQ((*H)->getMetadata().at("opset").getInt(), 13);
  EXPECT_EQ((*H)->lookup("y")->getType(), (*G)->lookup("y")->getType());
}

TEST(ONNXExporterTest, Legacy2DSoftmaxIsRejected) {
  ModelBuilder B(11);
  B.input("x", {1, 2, 3});
  setInt(B.node("Softmax", {"x"}, {"y"}, "sm"), "axis", 1);
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  std::string S;
  raw_string_ostream OS(S);
  Error E = exportONNX(**G, OS);
  ASSERT_TRUE(bool(E));
  EXPECT_THAT(toString(std::move(E)), HasSubstr("onnx.Softmax 'sm'"));
}

} // namespace

namespace {

/// Every ONNX backend-test model that imports must survive export and
/// re-import unchanged (ops, names, attributes, types, constant data).
TEST(ONNXExporterTest, BackendTestModelsRoundTrip) {
  const char *Root = "/usr/share/libonnx-testdata/data/node";
  if (!sys::fs::is_directory(Root))
    GTEST_SKIP() << "ONNX test data not installed";
  std::error_code EC;
  int Imported = 0, RoundTripped = 0;
  for (sys::fs::directory_iterator It(Root, EC), End; It != End && !EC;
       It.increment(EC)) {
    std::string Path = It->path() + "/model.onnx";
    if (!sys::fs::exists(Path))
      continue;
    auto G = importONNXFile(Path);
    if (!G) {
      consumeError(G.takeError());
      continue;
    }
    ++Imported;
    std::string Bytes;
    raw_string_ostream OS(Bytes);
    if (Error E = exportONNX(**G, OS)) {
      std::string Msg = toString(std::move(E));
      EXPECT_THAT(Msg, HasSubstr("cannot be exported")) << Path;
      continue;
    }
    OS.flush();
    auto H = importONNXBuffer(Bytes, Path + " (exported)");
    ASSERT_TRUE(bool(H)) << toString(H.takeError());
    SCOPED_TRACE(Path);
    expectSameGraph(**G, **H);
    ++RoundTripped;
  }
  EXPECT_GT(Imported, 300);
  EXPECT_GT(RoundTripped, Imported * 9 / 10);
}

} // namespace
