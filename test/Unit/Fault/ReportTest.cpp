//===- ReportTest.cpp - Per-tensor mitigation summaries -------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Report.h"
#include "gtest/gtest.h"

using namespace onncf::fault;

namespace {

TEST(Report, DeviationBins) {
  EXPECT_EQ(deviationBin(0), 0u);
  EXPECT_EQ(deviationBin(1), 1u);
  EXPECT_EQ(deviationBin(2), 2u);
  EXPECT_EQ(deviationBin(3), 2u);
  EXPECT_EQ(deviationBin(128), 8u);
  EXPECT_EQ(deviationBin(65535), 16u);
  EXPECT_EQ(deviationBin(65536), 17u);
}

TEST(Report, CountsTheWorkedExamples) {
  const WordFormat U8{8, false};
  // 76 (1 non-silent: b6), 51 (1: b7), 202 (1: b0; b7 silent), 9 clean,
  // 0 with sa1 at b0 and b1 (2 non-silent).
  std::vector<int64_t> V = {76, 51, 202, 9, 0};
  std::vector<WordFaults> F = {{0x40, 0x08}, {0, 0x80}, {0, 0x81}, {}, {0, 3}};
  MitigationSummary S = summarize(*parsePolicy("c1"), U8, V, F);
  EXPECT_EQ(S.Words, 5u);
  EXPECT_EQ(S.FaultyWords, 4u);
  EXPECT_EQ(S.Words1NonSilent, 3u);
  EXPECT_EQ(S.Words2PlusNonSilent, 1u);
  // Before: |12-76| = 64 (bin 7), 128 (bin 8), 1 (bin 1), 0, 3 (bin 2).
  EXPECT_EQ(S.Before[7], 1u);
  EXPECT_EQ(S.Before[8], 1u);
  EXPECT_EQ(S.Before[1], 1u);
  EXPECT_EQ(S.Before[0], 1u);
  EXPECT_EQ(S.Before[2], 1u);
  EXPECT_EQ(S.TotalDeviationBefore, 64u + 128 + 1 + 0 + 3);
  uint64_t Sum = 0, Count = 0;
  for (unsigned I = 0; I < MitigationSummary::NumBins; ++I)
    Count += S.After[I];
  EXPECT_EQ(Count, 5u);
  Sum = totalDeviation(*parsePolicy("c1"), U8, V, F);
  EXPECT_EQ(S.TotalDeviationAfter, Sum);
  EXPECT_LT(S.TotalDeviationAfter, S.TotalDeviationBefore);

  MitigationSummary T;
  T.add(S);
  T.add(S);
  EXPECT_EQ(T.Words, 10u);
  EXPECT_EQ(T.Before[8], 2u);
  llvm::json::Object J = T.toJSON();
  EXPECT_EQ(J.getInteger("words").getValueOr(-1), 10);
  EXPECT_EQ(J.getInteger("faulty_words").getValueOr(-1), 8);
  EXPECT_EQ(J.getInteger("words_1_nonsilent").getValueOr(-1), 6);
  EXPECT_EQ(J.getInteger("words_2plus_nonsilent").getValueOr(-1), 2);
  ASSERT_TRUE(J.getArray("deviation_after"));
  EXPECT_EQ(J.getArray("deviation_after")->size(),
            size_t(MitigationSummary::NumBins));
}

} // namespace
