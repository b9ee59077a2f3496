//===- PipelineTest.cpp - Pipeline strings, options and the registry ------===//
#include "TestPasses.h"
#include "onncf/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;

namespace {

class PipelineTest : public ::testing::Test {
protected:
  void SetUp() override { test::registerTestPasses(); }

  /// The error message of parsing \p Text ("" if it parses).
  std::string errorOf(StringRef Text) {
    auto P = parsePassPipeline(Text);
    if (P)
      return "";
    return toString(P.takeError());
  }
  std::string roundTrip(StringRef Text) {
    PassManager PM;
    if (Error E = PM.addPipeline(Text))
      return "error: " + toString(std::move(E));
    return PM.getPipelineString();
  }
};

TEST_F(PipelineTest, ParsesPassesAndOptions) {
  auto P = parsePassPipeline("test-noop{size=1024 flag mode=slow}, "
                             "test-drop-relu,test-noop{size=-3,flag=false}");
  ASSERT_TRUE(!!P) << toString(P.takeError());
  ASSERT_EQ(P->size(), 3u);
  auto *A = static_cast<test::NoOpPass *>((*P)[0].get());
  EXPECT_EQ((int64_t)A->Size, 1024);
  EXPECT_TRUE((bool)A->Flag);
  EXPECT_EQ(A->Mode.getValue(), "slow");
  EXPECT_EQ((*P)[1]->getName(), "test-drop-relu");
  auto *C = static_cast<test::NoOpPass *>((*P)[2].get());
  EXPECT_EQ((int64_t)C->Size, -3);
  EXPECT_FALSE((bool)C->Flag);
  EXPECT_EQ(C->Mode.getValue(), "fast"); // Default kept.
}

TEST_F(PipelineTest, EmptyPipelineIsValid) {
  auto P = parsePassPipeline("  ");
  ASSERT_TRUE(!!P);
  EXPECT_TRUE(P->empty());
}

TEST_F(PipelineTest, PipelineStringShowsEveryOption) {
  EXPECT_EQ(roundTrip("test-noop{size=5},test-drop-relu"),
            "test-noop{size=5 flag=false mode=fast},test-drop-relu");
  // Aliases expand in place with their own options.
  EXPECT_EQ(roundTrip("test-pipe"),
            "test-noop{size=3 flag=false mode=fast},test-drop-relu");
}

TEST_F(PipelineTest, UnknownPassNamesColumn) {
  EXPECT_EQ(errorOf("test-noop,foo"),
            "column 11: unknown pass 'foo' (use --list-passes to see the "
            "passes)");
  EXPECT_EQ(errorOf("bar"), "column 1: unknown pass 'bar' (use --list-passes "
                            "to see the passes)");
}

TEST_F(PipelineTest, UnknownOption) {
  EXPECT_EQ(errorOf("test-drop-relu{x=1}"),
            "column 16: unknown option 'x' for pass 'test-drop-relu' (it "
            "takes no options)");
  EXPECT_EQ(errorOf("test-noop{sise=1}"),
            "column 11: unknown option 'sise' for pass 'test-noop' "
            "(options: size, flag, mode)");
}

TEST_F(PipelineTest, BadOptionValues) {
  EXPECT_EQ(errorOf("test-noop{size=abc}"),
            "column 16: invalid value for option 'size' of pass 'test-noop': "
            "expected an integer, got 'abc'");
  EXPECT_EQ(errorOf("test-noop{size}"),
            "column 11: option 'size' of pass 'test-noop' needs a value "
            "(size=<int>)");
  EXPECT_EQ(errorOf("test-noop{size=}"),
            "column 16: expected a value for option 'size' of pass "
            "'test-noop'");
  EXPECT_EQ(errorOf("test-noop{flag=maybe}"),
            "column 16: invalid value for option 'flag' of pass 'test-noop': "
            "expected true or false, got 'maybe'");
}

TEST_F(PipelineTest, UnbalancedBraces) {
  EXPECT_EQ(errorOf("test-drop-relu,test-noop{size=1"),
            "column 25: unbalanced '{' (no matching '}') after pass "
            "'test-noop'");
  EXPECT_EQ(errorOf("test-noop}"),
            "column 10: unbalanced '}' (no matching '{')");
  EXPECT_EQ(errorOf("test-noop{size=1}}"),
            "column 18: unbalanced '}' (no matching '{')");
  EXPECT_EQ(errorOf("test-noop{size={1}}"),
            "column 16: unexpected '{' inside the options of pass "
            "'test-noop'");
}

TEST_F(PipelineTest, MalformedLists) {
  EXPECT_EQ(errorOf("test-noop,,dce"), "column 11: expected a pass name, "
                                       "got ','");
  EXPECT_EQ(errorOf("test-noop,"), "column 11: expected a pass name after ','");
  EXPECT_EQ(errorOf("{size=1}"), "column 1: expected a pass name before '{'");
  EXPECT_EQ(errorOf("test-noop test-drop-relu"),
            "column 11: expected ',' between passes, got 't'");
  EXPECT_EQ(errorOf("test-noop;x"),
            "column 10: expected ',' between passes, got ';'");
}

TEST_F(PipelineTest, PipelineAliases) {
  EXPECT_EQ(errorOf("test-pipe{size=1}"),
            "column 10: pipeline 'test-pipe' takes no options");
  std::string Loop = errorOf("test-loop");
  EXPECT_NE(Loop.find("pipeline 'test-loop' includes itself"),
            std::string::npos)
      << Loop;
}

TEST_F(PipelineTest, SetOptionDirectly) {
  test::NoOpPass P;
  EXPECT_FALSE(!!P.setOption("size", "0x10"));
  EXPECT_EQ((int64_t)P.Size, 16);
  Error E = P.setOption("nope", "1");
  EXPECT_EQ(toString(std::move(E)),
            "unknown option 'nope' for pass 'test-noop' (options: size, "
            "flag, mode)");
}

TEST_F(PipelineTest, ListPassesShowsOptionsAndPipelines) {
  std::string S;
  raw_string_ostream OS(S);
  PassRegistry::get().printPassList(OS);
  OS.flush();
  EXPECT_NE(S.find("test-noop"), std::string::npos);
  EXPECT_NE(S.find("size=<int>"), std::string::npos);
  EXPECT_NE(S.find("(default: 7)"), std::string::npos);
  EXPECT_NE(S.find("Pipelines:"), std::string::npos);
  EXPECT_NE(S.find("= test-noop{size=3},test-drop-relu"), std::string::npos);
}

} // namespace
