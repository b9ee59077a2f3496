//===- ModelLoaderTest.cpp - Telling ONNX from text IR --------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//

#include "onncf/Frontend/ModelLoader.h"
#include "onncf/IR/Graph.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/Support/FileSystem.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace llvm;

namespace {

TEST(ModelLoader, TellsONNXFromTextIR) {
  // Extensions decide first.
  EXPECT_TRUE(isONNXModel("m.onnx", "graph @g {"));
  EXPECT_TRUE(isONNXModel("m.ONNX", "graph @g {"));
  EXPECT_FALSE(isONNXModel("m.ir", StringRef("\x08\x07\x12", 3)));
  // Otherwise the content: protobuf tags are binary, the text IR is not.
  EXPECT_TRUE(isONNXModel("model", StringRef("\x08\x07\x12\x07pytorch", 11)));
  EXPECT_FALSE(isONNXModel("model", "graph @g {\n  input %x : f32[1]\r\n\t}"));
}

TEST(ModelLoader, LoadsTextIRAndNamesTheFileInErrors) {
  SmallString<64> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("onncf-loader", Dir));
  std::string Good = (Dir + "/g.ir").str(), Bad = (Dir + "/bad.ir").str();
  ASSERT_FALSE(bool(writeFileAtomically(Good, "graph @g {\n"
                                              "  input %x : f32[2]\n"
                                              "  %y = onnx.Relu(%x) : f32[2]\n"
                                              "  return %y\n"
                                              "}\n")));
  ASSERT_FALSE(bool(writeFileAtomically(Bad, "graph @g {\n  bogus\n}\n")));
  auto G = loadModel(Good);
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ((*G)->getOutputs().size(), 1u);
  auto B = loadModel(Bad);
  ASSERT_FALSE(bool(B));
  EXPECT_THAT(toString(B.takeError()), testing::HasSubstr("bad.ir"));
  auto Missing = loadModel((Dir + "/none.onnx").str());
  ASSERT_FALSE(bool(Missing));
  EXPECT_THAT(toString(Missing.takeError()), testing::HasSubstr("none.onnx"));
  sys::fs::remove_directories(Dir);
}

} // namespace
