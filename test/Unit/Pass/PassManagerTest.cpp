//===- PassManagerTest.cpp - Running pipelines and instrumentation --------===//
#include "onncf/Pass/PassManager.h"
#include "TestPasses.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;

namespace {

class PassManagerTest : public ::testing::Test {
protected:
  void SetUp() override { test::registerTestPasses(); }
};

TEST_F(PassManagerTest, RunsPassesAndCountsChanges) {
  auto G = test::makeReluGraph();
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-noop,test-drop-relu"));
  ASSERT_FALSE(!!PM.run(*G));
  EXPECT_EQ(G->getNumOps(), 0u);
  EXPECT_EQ(PM.getContext().getStatistic("test-drop-relu", "removed relus"),
            2u);
  ASSERT_EQ(PM.getContext().getStatistics().size(), 1u);
}

TEST_F(PassManagerTest, FailureNamesThePassAndStops) {
  auto G = test::makeReluGraph();
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-fail,test-drop-relu"));
  Error E = PM.run(*G);
  EXPECT_EQ(toString(std::move(E)),
            "pass 'test-fail' failed: deliberate failure");
  EXPECT_EQ(G->getNumOps(), 2u); // test-drop-relu never ran.
}

TEST_F(PassManagerTest, VerifyEachBlamesTheBreakingPass) {
  auto G = test::makeReluGraph();
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-noop,test-break,test-drop-relu"));
  InstrumentationOptions IO;
  IO.VerifyEach = true;
  ASSERT_FALSE(!!PM.configure(IO));
  std::string Msg = toString(PM.run(*G));
  EXPECT_EQ(Msg.rfind("pass 'test-break' produced an invalid graph: ", 0), 0u)
      << Msg;
  EXPECT_EQ(G->getNumOps(), 2u);
}

TEST_F(PassManagerTest, WithoutVerifyEachBrokenGraphPassesThrough) {
  auto G = test::makeReluGraph();
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-break"));
  EXPECT_FALSE(!!PM.run(*G));
}

TEST_F(PassManagerTest, PrintAfterAllAndSelected) {
  auto G = test::makeReluGraph();
  std::string S;
  raw_string_ostream OS(S);
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-noop,test-drop-relu"));
  InstrumentationOptions IO;
  IO.PrintAfterAll = true;
  IO.PrintBefore = {"test-drop-relu"};
  IO.OS = &OS;
  ASSERT_FALSE(!!PM.configure(IO));
  ASSERT_FALSE(!!PM.run(*G));
  OS.flush();
  size_t A =
      S.find("// -----// IR Dump After test-noop (unchanged) //----- //");
  size_t B = S.find("// -----// IR Dump Before test-drop-relu //----- //");
  size_t C =
      S.find("// -----// IR Dump After test-drop-relu (changed) //----- //");
  ASSERT_NE(A, std::string::npos) << S;
  ASSERT_NE(B, std::string::npos) << S;
  ASSERT_NE(C, std::string::npos) << S;
  EXPECT_LT(A, B);
  EXPECT_LT(B, C);
  EXPECT_EQ(S.find("Before test-noop"), std::string::npos);
}

TEST_F(PassManagerTest, PrintChangedOnly) {
  auto G = test::makeReluGraph();
  std::string S;
  raw_string_ostream OS(S);
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-noop,test-drop-relu"));
  InstrumentationOptions IO;
  IO.PrintAfterAll = true;
  IO.PrintChangedOnly = true;
  IO.OS = &OS;
  ASSERT_FALSE(!!PM.configure(IO));
  ASSERT_FALSE(!!PM.run(*G));
  OS.flush();
  EXPECT_EQ(S.find("After test-noop"), std::string::npos) << S;
  EXPECT_NE(S.find("After test-drop-relu"), std::string::npos) << S;
}

TEST_F(PassManagerTest, UnknownPrintAfterName) {
  PassManager PM;
  InstrumentationOptions IO;
  IO.PrintAfter = {"nope"};
  EXPECT_EQ(toString(PM.configure(IO)),
            "--print-after: unknown pass 'nope' (use --list-passes to see the "
            "passes)");
}

TEST_F(PassManagerTest, TimePassesPrintsATable) {
  auto G = test::makeReluGraph();
  std::string S;
  raw_string_ostream OS(S);
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-noop,test-drop-relu"));
  InstrumentationOptions IO;
  IO.TimePasses = true;
  IO.OS = &OS;
  ASSERT_FALSE(!!PM.configure(IO));
  ASSERT_FALSE(!!PM.run(*G));
  OS.flush();
  EXPECT_NE(S.find("Pass execution timing report"), std::string::npos) << S;
  EXPECT_NE(S.find("test-noop"), std::string::npos) << S;
  EXPECT_NE(S.find("test-drop-relu"), std::string::npos) << S;
  EXPECT_NE(S.find("Total"), std::string::npos) << S;
}

TEST_F(PassManagerTest, StatisticsReport) {
  auto G = test::makeReluGraph();
  std::string S;
  raw_string_ostream OS(S);
  PassManager PM;
  ASSERT_FALSE(!!PM.addPipeline("test-drop-relu"));
  InstrumentationOptions IO;
  IO.PrintStatistics = true;
  IO.OS = &OS;
  ASSERT_FALSE(!!PM.configure(IO));
  ASSERT_FALSE(!!PM.run(*G));
  OS.flush();
  EXPECT_NE(S.find("test-drop-relu: removed relus: 2"), std::string::npos) << S;
}

/// A custom instrumentation sees every pass in order.
TEST_F(PassManagerTest, CustomInstrumentation) {
  struct Recorder : PassInstrumentation {
    std::vector<std::string> *Log;
    void runBeforePass(const Pass &P, const Graph &) override {
      Log->push_back("before " + P.getName().str());
    }
    Error runAfterPass(const Pass &P, const Graph &, bool Changed) override {
      Log->push_back("after " + P.getName().str() +
                     (Changed ? " changed" : ""));
      return Error::success();
    }
    void runAfterPipeline(const Graph &) override { Log->push_back("end"); }
  };
  std::vector<std::string> Log;
  auto R = std::make_unique<Recorder>();
  R->Log = &Log;
  auto G = test::makeReluGraph();
  PassManager PM;
  PM.addInstrumentation(std::move(R));
  ASSERT_FALSE(!!PM.addPipeline("test-noop,test-drop-relu"));
  ASSERT_FALSE(!!PM.run(*G));
  std::vector<std::string> Expected = {"before test-noop", "after test-noop",
                                       "before test-drop-relu",
                                       "after test-drop-relu changed", "end"};
  EXPECT_EQ(Log, Expected);
}

} // namespace
