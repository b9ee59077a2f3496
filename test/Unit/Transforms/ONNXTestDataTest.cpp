//===- ONNXTestDataTest.cpp - The default pipeline on ONNX's test models --===//
//
// Part of onnc-fault. Every model of ONNX's backend test data (Debian's
// libonnx-testdata) that imports and runs on the interpreter must compute
// the same outputs after the default pipeline (with --verify-each) as
// before. This exercises the passes on hundreds of real exporter outputs
// (PyTorch's shape chains, Constant nodes, Gemm/MatMul variants, BN).
// Compared against the interpreter itself, so it does not depend on the
// interpreter's conformance.
//
//===----------------------------------------------------------------------===//
#include "TransformTestUtils.h"
#include "onncf/Data/TensorProtoIO.h"
#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;

namespace {

const char *kTestData = "/usr/share/libonnx-testdata/data";

/// Case folders (holding model.onnx and test_data_set_0) under \p Root.
std::vector<std::string> findCases(StringRef Root) {
  std::vector<std::string> Cases;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Root, EC), E; It != E && !EC;
       It.increment(EC)) {
    SmallString<256> Model(It->path());
    sys::path::append(Model, "model.onnx");
    SmallString<256> Set(It->path());
    sys::path::append(Set, "test_data_set_0");
    if (sys::fs::exists(Model) && sys::fs::is_directory(Set))
      Cases.push_back(It->path());
  }
  llvm::sort(Cases);
  return Cases;
}

/// input_0.pb, input_1.pb, ... of the case's first data set.
std::optional<std::vector<Tensor>> readInputs(StringRef Case) {
  std::vector<Tensor> In;
  for (unsigned I = 0;; ++I) {
    SmallString<256> P(Case);
    sys::path::append(P, "test_data_set_0", "input_" + Twine(I) + ".pb");
    if (!sys::fs::exists(P))
      break;
    auto T = readTensorProtoFile(P);
    if (!T) {
      consumeError(T.takeError());
      return std::nullopt;
    }
    In.push_back(std::move(*T));
  }
  return In;
}

/// Outputs of \p G on \p In, or None if the interpreter cannot run it.
std::optional<std::vector<Tensor>> tryRun(const Graph &G, ArrayRef<Tensor> In) {
  if (In.size() != G.getInputs().size())
    return std::nullopt;
  auto I = Interpreter::create(G);
  if (!I) {
    consumeError(I.takeError());
    return std::nullopt;
  }
  auto R = (*I)->runSingleThreaded(In);
  if (!R) {
    consumeError(R.takeError());
    return std::nullopt;
  }
  return std::move(*R);
}

bool sameTensor(const Tensor &A, const Tensor &B, std::string &Why) {
  if (A.getType().getShape() != B.getType().getShape() ||
      A.getElementType() != B.getElementType()) {
    Why = "type " + A.getType().str() + " vs " + B.getType().str();
    return false;
  }
  for (int64_t I = 0; I < A.getNumElements(); ++I) {
    double X = A.getAsDouble(I), Y = B.getAsDouble(I);
    if (std::isnan(X) && std::isnan(Y))
      continue;
    if (X == Y)
      continue;
    if (!(std::fabs(X - Y) <= 1e-5 + 1e-4 * std::fabs(Y))) {
      Why = "element " + std::to_string(I) + ": " + std::to_string(X) + " vs " +
            std::to_string(Y);
      return false;
    }
  }
  return true;
}

TEST(ONNXTestDataTest, DefaultPipelinePreservesOutputs) {
  if (!sys::fs::is_directory(kTestData))
    GTEST_SKIP() << kTestData << " not installed";
  registerTransformsPasses();
  unsigned Checked = 0, Changed = 0;
  for (const char *Sub :
       {"node", "pytorch-converted", "pytorch-operator", "simple"}) {
    SmallString<128> Root(kTestData);
    sys::path::append(Root, Sub);
    for (const std::string &Case : findCases(Root)) {
      SmallString<256> Model(Case);
      sys::path::append(Model, "model.onnx");
      auto G = importONNXFile(Model);
      if (!G) {
        consumeError(G.takeError());
        continue;
      }
      auto In = readInputs(Case);
      if (!In)
        continue;
      auto Before = tryRun(**G, *In);
      if (!Before)
        continue;
      std::string Printed = printGraphToString(**G);

      PassManager PM;
      cantFail(PM.addPipeline("default"));
      InstrumentationOptions IO;
      IO.VerifyEach = true;
      cantFail(PM.configure(IO));
      if (Error E = PM.run(**G)) {
        ADD_FAILURE() << Case << ": " << toString(std::move(E));
        continue;
      }
      Changed += printGraphToString(**G) != Printed;
      auto After = tryRun(**G, *In);
      if (!After) {
        ADD_FAILURE() << Case << ": no longer runs after the pipeline";
        continue;
      }
      ASSERT_EQ(After->size(), Before->size()) << Case;
      for (size_t I = 0; I < After->size(); ++I) {
        std::string Why;
        EXPECT_TRUE(sameTensor((*After)[I], (*Before)[I], Why))
            << Case << " output " << I << ": " << Why;
      }
      ++Checked;
    }
  }
  // Most cases import and run; far fewer would mean the walk broke.
  EXPECT_GT(Checked, 300u);
  RecordProperty("checked", Checked);
  RecordProperty("changed", Changed);
  std::printf("checked %u models, %u changed by the pipeline\n", Checked,
              Changed);
}

} // namespace
