//===- DefectMapTest.cpp - Defect map format v1: parse, print, query ------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/DefectMap.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace onncf::fault;
using namespace llvm;

namespace {

const char *const Example = R"(# chip 42 from the BIST run of 2026-11-20
onncf-defect-map 1
chip die-42
memory wmem words=1024 width=8        # weight memory, byte addressed
memory cbuf banks=4 entries=16 width=128
memory cmac name=mac cells=64 bits=8
cell wmem 17 3 sa1
cell wmem 0x20 7 sa0
column wmem 5 sa1
row wmem 100 sa1
cell cbuf 2:15 100 sa1
column cbuf 1 64 sa0
row cbuf 3:0 sa1
bank cbuf 0 sa0
lane mac 5:weight sa1
cell mac 6:data 2 sa0
)";

std::string printed(const DefectMap &M) {
  std::string S;
  raw_string_ostream OS(S);
  M.print(OS);
  return OS.str();
}

DefectMap parseOK(StringRef Text) {
  auto M = parseDefectMap(Text, "t.map");
  EXPECT_TRUE(bool(M)) << (M ? "" : toString(M.takeError()));
  return M ? std::move(*M) : DefectMap();
}

std::string parseError(StringRef Text) {
  auto M = parseDefectMap(Text, "t.map");
  if (M)
    return "(no error)";
  return toString(M.takeError());
}

TEST(DefectMap, ParsesEveryStatement) {
  DefectMap M = parseOK(Example);
  EXPECT_EQ(M.Chip, "die-42");
  ASSERT_EQ(M.Memories.size(), 3u);
  EXPECT_EQ(M.Memories[0].Name, "wmem");
  EXPECT_EQ(M.Memories[1].rows(), 64u);
  EXPECT_EQ(M.Memories[2].Name, "mac");
  EXPECT_EQ(M.Memories[2].rows(), 128u);
  EXPECT_EQ(M.Faults.size(), 10u);
  // wmem: column 5 stuck at 1 in every word, plus the cells.
  EXPECT_EQ(M.faultsOfWord(0, 17), (WordFaults{0, 0x28}));
  EXPECT_EQ(M.faultsOfWord(0, 0x20), (WordFaults{0x80, 0x20}));
  EXPECT_EQ(M.faultsOfWord(0, 1), (WordFaults{0, 0x20}));
  EXPECT_EQ(M.faultsOfWord(0, 100), (WordFaults{0, 0xFF}));
  // cbuf: 128-bit entries are read 64 bits at a time.
  EXPECT_EQ(M.faultsOfBits(1, 2 * 16 + 15, 64, 64),
            (WordFaults{0, uint64_t(1) << 36}));
  EXPECT_EQ(M.faultsOfBits(1, 1 * 16 + 7, 64, 8), (WordFaults{1, 0}));
  EXPECT_EQ(M.faultsOfBits(1, 1 * 16 + 7, 0, 64), (WordFaults{}));
  EXPECT_EQ(M.faultsOfBits(1, 3 * 16 + 0, 0, 64), (WordFaults{0, ~0ULL}));
  EXPECT_EQ(M.faultsOfBits(1, 0 * 16 + 9, 60, 8), (WordFaults{0xFF, 0}));
  // cmac: lane 5 weight operand all stuck at 1; 6:data bit 2 at 0.
  EXPECT_EQ(M.faultsOfWord(2, 5 * 2 + 0), (WordFaults{0, 0xFF}));
  EXPECT_EQ(M.faultsOfWord(2, 5 * 2 + 1), (WordFaults{}));
  EXPECT_EQ(M.faultsOfWord(2, 6 * 2 + 1), (WordFaults{4, 0}));
  auto Q = M.faultsOfWord("wmem", 17);
  ASSERT_TRUE(bool(Q));
  EXPECT_EQ(*Q, (WordFaults{0, 0x28}));
}

TEST(DefectMap, LinearBitAddressesSpanRows) {
  // A 4-bit-wide memory holding 8-bit weights: weight i is words 2i, 2i+1.
  DefectMap M = parseOK("onncf-defect-map 1\nmemory wmem words=8 width=4\n"
                        "cell wmem 2 3 sa1\ncell wmem 3 0 sa0\n"
                        "row wmem 7 sa1\n");
  EXPECT_EQ(M.faultsAtBitAddress(0, 8, 8), (WordFaults{0x10, 0x08}));
  EXPECT_EQ(M.faultsAtBitAddress(0, 11, 2), (WordFaults{0x2, 0x1}));
  EXPECT_EQ(M.faultsAtBitAddress(0, 26, 6), (WordFaults{0, 0x3C}));
  EXPECT_EQ(M.faultsAtBitAddress(0, 0, 8), (WordFaults{}));
  // A 16-bit weight in a 128-bit-wide cbuf entry and across two entries.
  DefectMap C = parseOK("onncf-defect-map 1\n"
                        "memory cbuf banks=1 entries=2 width=128\n"
                        "cell cbuf 0:0 127 sa1\ncell cbuf 0:1 0 sa0\n"
                        "column cbuf 0 70 sa1\n");
  EXPECT_EQ(C.faultsAtBitAddress(0, 120, 16), (WordFaults{0x100, 0x80}));
  EXPECT_EQ(C.faultsAtBitAddress(0, 64, 16), (WordFaults{0, 0x40}));
  EXPECT_EQ(C.faultsAtBitAddress(0, 0, 64), (WordFaults{}));
}

TEST(DefectMap, CheckedQueriesNameTheProblem) {
  DefectMap M = parseOK(Example);
  auto A = M.faultsOfWord("nope", 0);
  ASSERT_FALSE(bool(A));
  EXPECT_EQ(toString(A.takeError()), "defect map has no memory 'nope'");
  auto B = M.faultsOfWord("wmem", 1024);
  ASSERT_FALSE(bool(B));
  EXPECT_EQ(toString(B.takeError()),
            "row 1024 is outside memory 'wmem' (1024 words x 8 bits)");
  auto C = M.faultsOfWord("cbuf", 0);
  ASSERT_FALSE(bool(C));
  EXPECT_NE(toString(C.takeError()).find("64 bits at a time"),
            std::string::npos);
}

TEST(DefectMap, PrintParseRoundTrips) {
  DefectMap M = parseOK(Example);
  std::string Once = printed(M);
  EXPECT_EQ(printed(parseOK(Once)), Once);
  EXPECT_EQ(Once.find('#'), std::string::npos); // comments are dropped
  EXPECT_EQ(StringRef(Once).split('\n').first, "onncf-defect-map 1");
  EXPECT_NE(Once.find("memory cmac name=mac cells=64 bits=8\n"),
            std::string::npos);
  EXPECT_NE(Once.find("lane mac 5:weight sa1\n"), std::string::npos);
  EXPECT_NE(Once.find("column cbuf 1 64 sa0\n"), std::string::npos);
  // Random statements keep their spelling.
  const char *R = "onncf-defect-map 1\nmemory wmem words=8 width=16\n"
                  "random wmem rate=0.1% sa1-share=0.8 seed=0x10 "
                  "distribution=column cluster=4\n";
  std::string P = printed(parseOK(R));
  EXPECT_NE(P.find("random wmem rate=0.1% sa1-share=0.8 seed=16 "
                   "distribution=column cluster=4\n"),
            std::string::npos)
      << P;
  EXPECT_EQ(printed(parseOK(P)), P);
}

TEST(DefectMap, StatisticsCountCellsAndWords) {
  DefectMap M = parseOK("onncf-defect-map 1\nmemory wmem words=10 width=8\n"
                        "cell wmem 1 0 sa1\ncell wmem 1 1 sa0\n"
                        "cell wmem 2 7 sa1\nrow wmem 9 sa0\n");
  MemoryStats S = M.stats(0);
  EXPECT_EQ(S.Rows, 10u);
  EXPECT_EQ(S.Cells, 80u);
  EXPECT_EQ(S.FaultyCells, 11u);
  EXPECT_EQ(S.Sa0Cells, 9u);
  EXPECT_EQ(S.Sa1Cells, 2u);
  EXPECT_EQ(S.RowsWith1, 1u);
  EXPECT_EQ(S.RowsWith2Plus, 2u);
}

// Maps without random faults are counted in bulk; the result must equal a
// visit of every cell (forced by a random statement of rate 0).
TEST(DefectMap, BulkStatisticsEqualACellByCellCount) {
  const char *Bodies[] = {
      "memory cbuf banks=4 entries=16 width=100\n"
      "column cbuf 0 3 sa0\ncolumn cbuf 0 99 sa1\ncolumn cbuf 2 5 sa1\n"
      "bank cbuf 1 sa0\nrow cbuf 2:7 sa1\ncell cbuf 2:7 5 sa1\n"
      "cell cbuf 2:0 70 sa0\ncell cbuf 3:15 0 sa1\ncell cbuf 3:15 1 sa1\n"
      "cell cbuf 1:2 4 sa0\n",
      "memory wmem words=1000 width=8\ncolumn wmem 2 sa1\n"
      "cell wmem 5 0 sa0\nrow wmem 999 sa1\n",
      "memory cmac cells=8 bits=8\nlane cmac 3:data sa1\n"
      "cell cmac 0:weight 7 sa0\n",
      "memory wmem words=10 width=8\n"};
  for (const char *Body : Bodies) {
    std::string Text = std::string("onncf-defect-map 1\n") + Body;
    DefectMap Bulk = parseOK(Text);
    std::string Name = Bulk.Memories[0].Name;
    DefectMap Visit = parseOK(Text + "random " + Name + " rate=0\n");
    MemoryStats A = Bulk.stats(0), B = Visit.stats(0);
    EXPECT_EQ(A.FaultyCells, B.FaultyCells) << Body;
    EXPECT_EQ(A.Sa0Cells, B.Sa0Cells) << Body;
    EXPECT_EQ(A.Sa1Cells, B.Sa1Cells) << Body;
    EXPECT_EQ(A.RowsWith1, B.RowsWith1) << Body;
    EXPECT_EQ(A.RowsWith2Plus, B.RowsWith2Plus) << Body;
    EXPECT_EQ(A.Cells, B.Cells);
  }
  // A large explicit map is counted without visiting its rows.
  DefectMap Big = parseOK("onncf-defect-map 1\nmemory wmem words=0x10000000000 "
                          "width=64\ncolumn wmem 63 sa1\ncell wmem 7 0 sa0\n");
  MemoryStats S = Big.stats(0);
  EXPECT_EQ(S.FaultyCells, (uint64_t(1) << 40) + 1);
  EXPECT_EQ(S.RowsWith2Plus, 1u);
  EXPECT_EQ(S.RowsWith1, (uint64_t(1) << 40) - 1);
}

TEST(DefectMap, AgreeingDuplicatesAreAcceptedConflictsAreErrors) {
  std::string Head = "onncf-defect-map 1\nmemory wmem words=64 width=8\n"
                     "memory cbuf banks=2 entries=4 width=8\n";
  parseOK(Head + "cell wmem 3 3 sa1\ncell wmem 3 3 sa1\ncolumn wmem 3 sa1\n");
  EXPECT_EQ(parseError(Head + "cell wmem 3 3 sa1\ncell wmem 3 3 sa0\n"),
            "t.map:5:1: conflicting fault: cell wmem 3 3 sa0 overlaps cells "
            "stuck at 1 by line 4");
  EXPECT_EQ(parseError(Head + "cell wmem 3 5 sa0\ncolumn wmem 5 sa1\n"),
            "t.map:5:1: conflicting fault: column wmem 5 sa1 overlaps cells "
            "stuck at 0 by line 4");
  EXPECT_EQ(parseError(Head + "row wmem 9 sa1\ncolumn wmem 0 sa0\n"),
            "t.map:5:1: conflicting fault: column wmem 0 sa0 overlaps cells "
            "stuck at 1 by line 4");
  // A column of bank 1 does not meet a row of bank 0.
  parseOK(Head + "row cbuf 0:1 sa1\ncolumn cbuf 1 3 sa0\n");
  EXPECT_NE(parseError(Head + "bank cbuf 1 sa1\ncell cbuf 1:3 0 sa0\n")
                .find("t.map:5:1: conflicting fault: cell cbuf 1:3 0 sa0"),
            std::string::npos);
  EXPECT_NE(parseError(Head + "cell cbuf 1:3 0 sa0\nbank cbuf 1 sa1\n")
                .find("t.map:5:1: conflicting fault: bank cbuf 1 sa1"),
            std::string::npos);
}

TEST(DefectMap, ExplicitFaultsWinOverRandomOnes) {
  DefectMap M = parseOK("onncf-defect-map 1\nmemory wmem words=4 width=8\n"
                        "random wmem rate=1 sa1-share=1\n"
                        "cell wmem 0 0 sa0\nrow wmem 3 sa0\n");
  EXPECT_EQ(M.faultsOfWord(0, 0), (WordFaults{0x01, 0xFE}));
  EXPECT_EQ(M.faultsOfWord(0, 1), (WordFaults{0, 0xFF}));
  EXPECT_EQ(M.faultsOfWord(0, 3), (WordFaults{0xFF, 0}));
}

struct ErrorCase {
  const char *Text;
  const char *Message;
};

TEST(DefectMap, ParseErrorsNameLineAndColumn) {
  const ErrorCase Cases[] = {
      {"", "t.map:1:1: empty defect map: expected the header "
           "'onncf-defect-map 1'"},
      {"# only a comment\n\n", "t.map:2:1: empty defect map"},
      {"memory wmem words=1 width=8\n",
       "t.map:1:1: expected the header 'onncf-defect-map 1' before 'memory'"},
      {"onncf-defect-map 2\n", "t.map:1:18: unsupported defect map version "
                               "'2' (this reader knows version 1)"},
      {"onncf-defect-map\n", "t.map:1:17: expected the format version"},
      {"onncf-defect-map 1 x\n", "t.map:1:20: unexpected 'x' after the "
                                 "header"},
      {"onncf-defect-map 1\nfoo bar\n",
       "t.map:2:1: unknown statement 'foo' (expected chip, memory, random, "
       "cell, column, row, bank or lane)"},
      {"onncf-defect-map 1\nchip a\nchip b\n",
       "t.map:3:1: duplicate chip line (first at line 2)"},
      {"onncf-defect-map 1\nmemory dram words=1 width=8\n",
       "t.map:2:8: unknown memory kind 'dram' (expected wmem, cbuf or cmac)"},
      {"onncf-defect-map 1\nmemory wmem words=1\n",
       "t.map:2:20: missing key 'width=' for a wmem memory"},
      {"onncf-defect-map 1\nmemory wmem words=1 width=65\n",
       "t.map:2:27: width 65 is too large (at most 64)"},
      {"onncf-defect-map 1\nmemory wmem words=x width=8\n",
       "t.map:2:19: expected words (a decimal or 0x number), got 'x'"},
      {"onncf-defect-map 1\nmemory wmem words=0 width=8\n",
       "t.map:2:19: words must be at least 1"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8 banks=2\n",
       "t.map:2:29: unknown key 'banks' for a wmem memory (expected name, "
       "words, width)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "memory wmem words=4 width=8\n",
       "t.map:3:8: memory 'wmem' is declared twice (first at line 2)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8 name=9x\n",
       "t.map:2:34: memory name '9x' must start with a letter"},
      {"onncf-defect-map 1\ncell wmem 0 0 sa1\n",
       "t.map:2:6: unknown memory 'wmem' (none declared yet)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\ncell w 0 0 sa1\n",
       "t.map:3:6: unknown memory 'w' (declared: wmem)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\ncell wmem 4 0 sa1\n",
       "t.map:3:11: a word address 4 is too large (at most 3)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\ncell wmem 3 8 sa1\n",
       "t.map:3:13: a bit 8 is too large (at most 7)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\ncell wmem 3 1 sa2\n",
       "t.map:3:15: expected sa0 or sa1, got 'sa2'"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\ncell wmem 3 1\n",
       "t.map:3:14: missing field: expected 'cell <memory> <address> <bit> "
       "sa0|sa1'"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "cell wmem 3 1 sa1 extra\n",
       "t.map:3:19: unexpected 'extra': expected 'cell <memory> <address> "
       "<bit> sa0|sa1'"},
      {"onncf-defect-map 1\nmemory cbuf banks=2 entries=4 width=8\n"
       "cell cbuf 7 1 sa1\n",
       "t.map:3:11: expected an address <bank>:<entry> for cbuf memory "
       "'cbuf', got '7'"},
      {"onncf-defect-map 1\nmemory cbuf banks=2 entries=4 width=8\n"
       "cell cbuf 1:4 1 sa1\n",
       "t.map:3:13: an entry 4 is too large (at most 3)"},
      {"onncf-defect-map 1\nmemory cmac cells=4 bits=8\n"
       "lane cmac 1:bias sa1\n",
       "t.map:3:13: expected operand weight or data, got 'bias'"},
      {"onncf-defect-map 1\nmemory cmac cells=4 bits=8\ncolumn cmac 1 sa1\n",
       "t.map:3:8: column faults need a wmem or cbuf memory; 'cmac' is a cmac "
       "memory"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\nbank wmem 0 sa1\n",
       "t.map:3:6: bank faults need a cbuf memory; 'wmem' is a wmem memory"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\nlane wmem 0 sa1\n",
       "t.map:3:6: lane faults need a cmac memory"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "random wmem sa1-share=0.5\n",
       "t.map:3:26: missing key 'rate=' for random faults"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\nrandom wmem rate=2\n",
       "t.map:3:18: rate must be in [0, 1] (0% to 100%), got '2'"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "random wmem rate=abc\n",
       "t.map:3:18: expected rate as a number like 0.001 or 0.1%, got 'abc'"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "random wmem rate=0.1 distribution=gauss\n",
       "t.map:3:35: unknown distribution 'gauss' (expected uniform or "
       "column)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "random wmem rate=0.1 cluster=4\n",
       "t.map:3:22: cluster= needs distribution=column"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "random wmem rate=0.1\nrandom wmem rate=0.2\n",
       "t.map:4:1: memory 'wmem' already has random faults (line 3)"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "random wmem rate=0.1 speed=3\n",
       "t.map:3:22: unknown key 'speed' for random faults"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8\n"
       "random wmem rate=0.1 seed=5 seed=0\n",
       "t.map:3:29: duplicate key 'seed'"},
      {"onncf-defect-map 1\nmemory wmem words=4 width=8 words=5\n",
       "t.map:2:29: duplicate key 'words'"},
      {"onncf-defect-map 1\nonncf-defect-map 1\n",
       "t.map:2:1: duplicate header"},
  };
  for (const ErrorCase &C : Cases) {
    std::string Msg = parseError(C.Text);
    EXPECT_EQ(Msg.rfind(C.Message, 0), 0u)
        << "input:\n"
        << C.Text << "\ngot:      " << Msg << "\nexpected: " << C.Message;
  }
}

TEST(DefectMap, CommentsBlankLinesCRLFAndHex) {
  DefectMap M = parseOK("\xEF\xBB\xBF# bom\r\n\r\nonncf-defect-map 1 # v1\r\n"
                        "memory wmem words=0x100 width=16\r\n"
                        "cell wmem 0xff 15 sa1  # last word\r\n");
  EXPECT_EQ(M.Memories[0].Entries, 256u);
  EXPECT_EQ(M.faultsOfWord(0, 255), (WordFaults{0, 0x8000}));
}

TEST(DefectMap, BuiltInCodeAndFinalized) {
  DefectMap M;
  Memory W;
  W.Kind = MemoryKind::WMem;
  W.Name = "w";
  W.Entries = 4;
  W.Width = 8;
  M.addMemory(W);
  ExplicitFault F;
  F.Index = 9; // out of range
  M.Faults.push_back(F);
  Error E = M.finalize("code");
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(toString(std::move(E)),
            "code: row 9 is outside memory 'w' (4 words x 8 bits)");
  M.Faults[0].Index = 2;
  M.Faults[0].Bit = 6;
  M.Faults[0].StuckAt1 = true;
  ASSERT_FALSE(errorToBool(M.finalize("code")));
  EXPECT_EQ(M.faultsOfWord(0, 2), (WordFaults{0, 0x40}));
  EXPECT_EQ(printed(M), "onncf-defect-map 1\nmemory wmem name=w words=4 "
                        "width=8\ncell w 2 6 sa1\n");
  M.Memories[0].Width = 0;
  Error G = M.finalize("code");
  ASSERT_TRUE(bool(G));
  EXPECT_EQ(toString(std::move(G)),
            "code: memory 'w' has an invalid geometry (4 words x 0 bits)");
}

} // namespace

namespace {

// Corrupted maps: every truncation and single-byte substitution of a valid
// map either parses (and then prints and re-parses to the same text) or
// fails with a "t.map:<line>:<col>: " message; never a crash (the
// sanitizer build runs this too).
TEST(DefectMap, CorruptedMapsFailCleanly) {
  std::string Base = Example;
  Base += "random wmem rate=0.5% sa1-share=0.8 seed=9 distribution=column "
          "cluster=4\n";
  ASSERT_TRUE(bool(parseDefectMap(Base, "t.map")));
  auto Check = [](const std::string &Text) {
    auto M = parseDefectMap(Text, "t.map");
    if (!M) {
      std::string Msg = toString(M.takeError());
      EXPECT_EQ(Msg.rfind("t.map:", 0), 0u) << Msg;
      return;
    }
    std::string P = printed(*M);
    auto Again = parseDefectMap(P, "t.map");
    ASSERT_TRUE(bool(Again)) << toString(Again.takeError()) << "\n" << P;
    EXPECT_EQ(printed(*Again), P);
    for (unsigned I = 0; I < M->Memories.size(); ++I)
      if (M->Memories[I].Width <= 64 && M->Memories[I].rows() < 100000)
        M->stats(I);
  };
  for (size_t Len = 0; Len <= Base.size(); ++Len)
    Check(Base.substr(0, Len));
  const char Subst[] = {':', '0', '9', '#', ' ', '\n', 'x', '=', '\xff', '-'};
  for (size_t Pos = 0; Pos < Base.size(); ++Pos)
    for (char C : Subst) {
      std::string T = Base;
      T[Pos] = C;
      Check(T);
    }
}

} // namespace
