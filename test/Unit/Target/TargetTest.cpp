//===- TargetTest.cpp - Target registry and the host target ---------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Target/Target.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "llvm/Support/raw_ostream.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

TargetInfo dummy(std::string Name) {
  TargetInfo T;
  T.Name = std::move(Name);
  T.Description = "test target";
  T.Lower = [](Graph &, const TargetOptions &) { return Error::success(); };
  T.Emit = [](const Graph &, raw_ostream &OS, const TargetOptions &) {
    OS << "dummy";
    return Error::success();
  };
  return T;
}

TEST(TargetRegistry, LookupFindAndList) {
  registerAllTargets();
  registerAllTargets(); // idempotent
  TargetRegistry &R = TargetRegistry::get();
  R.registerTarget(dummy("zz-test-b"));
  R.registerTarget(dummy("zz-test-a"));
  ASSERT_NE(R.lookup("host"), nullptr);
  EXPECT_EQ(R.lookup("zz-test-a")->Description, "test target");
  EXPECT_EQ(R.lookup("nope"), nullptr);

  auto Found = R.find("zz-test-b");
  ASSERT_TRUE(bool(Found));
  EXPECT_EQ((*Found)->Name, "zz-test-b");
  auto Missing = R.find("nvdla-huge");
  ASSERT_FALSE(bool(Missing));
  EXPECT_EQ(toString(Missing.takeError()),
            "unknown target 'nvdla-huge' (registered targets: host, "
            "nvdla-full, nvdla-large, nvdla-small, nvdla-small-256, "
            "zz-test-a, zz-test-b)");

  std::vector<const TargetInfo *> All = R.all();
  ASSERT_EQ(All.size(), 7u);
  EXPECT_EQ(All[0]->Name, "host");
  EXPECT_EQ(All[1]->Name, "nvdla-full");
  EXPECT_EQ(All[4]->Name, "nvdla-small-256");
  EXPECT_EQ(All[5]->Name, "zz-test-a");
  EXPECT_EQ(All[6]->Name, "zz-test-b");
}

TEST(HostTarget, LowerChecksAndEmitPrintsTheIR) {
  registerAllTargets();
  const TargetInfo *Host = TargetRegistry::get().lookup("host");
  ASSERT_NE(Host, nullptr);
  EXPECT_EQ(Host->OutputExtension, ".ir");
  EXPECT_FALSE(Host->BinaryOutput);
  const char *Text = R"(graph @g {
  input %x : f32[?,2]
  %y = onnx.Relu(%x) : f32[?,2]
  return %y
}
)";
  auto G = parseGraph(Text, "g.ir");
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  TargetOptions O;
  ASSERT_FALSE(bool(Host->Lower(**G, O)));
  std::string Out;
  raw_string_ostream OS(Out);
  ASSERT_FALSE(bool(Host->Emit(**G, OS, O)));
  EXPECT_EQ(OS.str(), Text);

  // A graph the verifier rejects is a lowering error, not a crash.
  (*G)->getOps().front()->getResult()->setType(
      TensorType(ElementType::F32, {3, 5}));
  Error E = Host->Lower(**G, O);
  ASSERT_TRUE(bool(E));
  EXPECT_THAT(toString(std::move(E)), HasSubstr("host:"));
}

} // namespace
