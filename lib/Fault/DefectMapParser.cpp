//===- DefectMapParser.cpp - Read the v1 defect map text format -----------===//
//
// Part of onnc-fault. A line-oriented format (docs/DefectMapFormat.md):
// whitespace-separated fields, '#' starts a comment, the first statement is
// the versioned header. Every error names file:line:column of the field at
// fault; semantic checks (ranges, conflicting duplicates) follow in
// DefectMap::finalize with the same locations.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/DefectMap.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include <cmath>
#include <cstdlib>

using namespace llvm;

namespace onncf {
namespace fault {

namespace {

struct Token {
  StringRef Text;
  unsigned Col = 0; // 1-based
};

class Parser {
public:
  Parser(StringRef Text, StringRef File) : Text(Text), File(File) {}
  Expected<DefectMap> run();

private:
  StringRef Text, File;
  unsigned Line = 0;
  SmallVector<Token, 8> Toks;
  DefectMap Map;
  bool SawHeader = false;
  SmallVector<unsigned, 4> MemoryLines, RandomLines;
  unsigned ChipLine = 0;

  Error err(const Token &T, const Twine &Msg) {
    return makeError(File + ":" + Twine(Line) + ":" + Twine(T.Col) + ": " +
                     Msg);
  }
  Error errEnd(const Twine &Msg) {
    unsigned Col =
        Toks.empty() ? 1 : Toks.back().Col + unsigned(Toks.back().Text.size());
    return makeError(File + ":" + Twine(Line) + ":" + Twine(Col) + ": " + Msg);
  }
  void tokenize(StringRef L);
  Error statement();
  Error header();
  Error memory();
  Error random();
  Error fault(FaultScope Scope);
  Expected<unsigned> memoryRef(const Token &T);
  Expected<uint64_t> integer(const Token &T, StringRef What, uint64_t Max);
  Expected<double> fraction(const Token &T, StringRef What);
  Expected<bool> stuck(const Token &T);
  Expected<uint64_t> rowAddress(const Token &T, const Memory &M);
  Error arity(size_t Want, StringRef Usage);
  /// An error if key \p Key of field \p I already appeared on the line.
  Error duplicateKey(size_t I, StringRef Key) {
    for (size_t J = 2; J < I; ++J)
      if (Toks[J].Text.split('=').first == Key)
        return err(Toks[I], "duplicate key '" + Key + "'");
    return Error::success();
  }
};

} // namespace

void Parser::tokenize(StringRef L) {
  Toks.clear();
  size_t Hash = L.find('#');
  if (Hash != StringRef::npos)
    L = L.take_front(Hash);
  size_t Pos = 0;
  while (Pos < L.size()) {
    while (Pos < L.size() && isSpace(L[Pos]))
      ++Pos;
    size_t Start = Pos;
    while (Pos < L.size() && !isSpace(L[Pos]))
      ++Pos;
    if (Pos > Start)
      Toks.push_back({L.slice(Start, Pos), unsigned(Start + 1)});
  }
}

Expected<DefectMap> Parser::run() {
  if (Text.startswith("\xEF\xBB\xBF")) // a UTF-8 byte order mark
    Text = Text.drop_front(3);
  StringRef Rest = Text;
  while (!Rest.empty()) {
    auto [L, Next] = Rest.split('\n');
    Rest = Next;
    ++Line;
    tokenize(L.rtrim("\r"));
    if (Toks.empty())
      continue;
    if (Error E = SawHeader ? statement() : header())
      return E;
  }
  if (!SawHeader)
    return makeError(File + ":" + Twine(Line ? Line : 1) +
                     ":1: empty defect map: expected the header "
                     "'onncf-defect-map 1'");
  if (Error E = Map.finalize(File))
    return E;
  return std::move(Map);
}

Error Parser::header() {
  if (Toks[0].Text != "onncf-defect-map")
    return err(Toks[0], "expected the header 'onncf-defect-map 1' before '" +
                            Toks[0].Text + "'");
  if (Toks.size() < 2)
    return errEnd("expected the format version after 'onncf-defect-map'");
  if (Toks[1].Text != "1")
    return err(Toks[1], "unsupported defect map version '" + Toks[1].Text +
                            "' (this reader knows version 1)");
  if (Toks.size() > 2)
    return err(Toks[2], "unexpected '" + Toks[2].Text + "' after the header");
  SawHeader = true;
  return Error::success();
}

Error Parser::arity(size_t Want, StringRef Usage) {
  if (Toks.size() < Want)
    return errEnd("missing field: expected '" + Usage + "'");
  if (Toks.size() > Want)
    return err(Toks[Want], "unexpected '" + Toks[Want].Text + "': expected '" +
                               Usage + "'");
  return Error::success();
}

Error Parser::statement() {
  StringRef K = Toks[0].Text;
  if (K == "onncf-defect-map")
    return err(Toks[0], "duplicate header");
  if (K == "chip") {
    if (Error E = arity(2, "chip <id>"))
      return E;
    if (ChipLine)
      return err(Toks[0],
                 "duplicate chip line (first at line " + Twine(ChipLine) + ")");
    ChipLine = Line;
    Map.Chip = Toks[1].Text.str();
    return Error::success();
  }
  if (K == "memory")
    return memory();
  if (K == "random")
    return random();
  if (K == "cell")
    return fault(FaultScope::Cell);
  if (K == "column")
    return fault(FaultScope::Column);
  if (K == "row")
    return fault(FaultScope::Row);
  if (K == "bank")
    return fault(FaultScope::Bank);
  if (K == "lane")
    return fault(FaultScope::Lane);
  return err(Toks[0], "unknown statement '" + K +
                          "' (expected chip, memory, random, cell, column, "
                          "row, bank or lane)");
}

Expected<uint64_t> Parser::integer(const Token &T, StringRef What,
                                   uint64_t Max) {
  uint64_t V;
  StringRef S = T.Text;
  bool Bad = S.startswith_insensitive("0x")
                 ? S.drop_front(2).getAsInteger(16, V) || S.size() == 2
                 : S.getAsInteger(10, V);
  if (Bad)
    return err(T, "expected " + What + " (a decimal or 0x number), got '" + S +
                      "'");
  if (V > Max)
    return err(T,
               What + " " + S + " is too large (at most " + Twine(Max) + ")");
  return V;
}

Expected<double> Parser::fraction(const Token &T, StringRef What) {
  StringRef S = T.Text;
  bool Percent = S.consume_back("%");
  std::string Str = S.str();
  char *End = nullptr;
  double V = Str.empty() ? NAN : std::strtod(Str.c_str(), &End);
  if (Str.empty() || *End || !std::isfinite(V))
    return err(T, "expected " + What +
                      " as a number like 0.001 or 0.1%, "
                      "got '" +
                      T.Text + "'");
  if (Percent)
    V /= 100;
  if (V < 0 || V > 1)
    return err(T,
               What + " must be in [0, 1] (0% to 100%), got '" + T.Text + "'");
  return V;
}

Expected<bool> Parser::stuck(const Token &T) {
  if (T.Text == "sa0")
    return false;
  if (T.Text == "sa1")
    return true;
  return err(T, "expected sa0 or sa1, got '" + T.Text + "'");
}

Expected<unsigned> Parser::memoryRef(const Token &T) {
  int I = Map.findMemory(T.Text);
  if (I >= 0)
    return unsigned(I);
  std::string Known;
  for (const Memory &M : Map.Memories)
    Known += (Known.empty() ? "" : ", ") + M.Name;
  return err(T, "unknown memory '" + T.Text + "' (" +
                    (Known.empty() ? std::string("none declared yet")
                                   : "declared: " + Known) +
                    ")");
}

Error Parser::memory() {
  if (Toks.size() < 2)
    return errEnd("missing field: expected 'memory <wmem|cbuf|cmac> "
                  "key=value...'");
  auto Kind = parseMemoryKind(Toks[1].Text);
  if (!Kind)
    return err(Toks[1], "unknown memory kind '" + Toks[1].Text +
                            "' (expected wmem, cbuf or cmac)");
  Memory M;
  M.Kind = *Kind;
  M.Name = Toks[1].Text.str();
  const Token *NameTok = &Toks[1];
  bool HaveEntries = false, HaveWidth = false, HaveBanks = false;
  StringRef KindName = Toks[1].Text;
  for (size_t I = 2; I < Toks.size(); ++I) {
    const Token &T = Toks[I];
    auto [Key, Val] = T.Text.split('=');
    if (!T.Text.contains('=') || Val.empty())
      return err(T, "expected key=value, got '" + T.Text + "'");
    if (Error E = duplicateKey(I, Key))
      return E;
    Token V{Val, T.Col + unsigned(Key.size()) + 1};
    auto Is = [&](StringRef K, std::initializer_list<MemoryKind> Kinds) {
      return Key == K && llvm::is_contained(Kinds, M.Kind);
    };
    if (Key == "name") {
      if (!isAlpha(Val[0]) && Val[0] != '_')
        return err(V, "memory name '" + Val + "' must start with a letter");
      for (char C : Val)
        if (!isAlnum(C) && C != '_' && C != '-' && C != '.')
          return err(V, "memory name '" + Val +
                            "' may contain letters, digits, '_', '-', '.'");
      M.Name = Val.str();
      NameTok = &T;
      continue;
    }
    uint64_t MaxV = uint64_t(1) << 40;
    bool IsWidth = Is("width", {MemoryKind::WMem, MemoryKind::CBuf}) ||
                   Is("bits", {MemoryKind::CMac});
    if (IsWidth)
      MaxV = M.Kind == MemoryKind::CBuf ? 4096 : 64;
    bool IsEntries = Is("words", {MemoryKind::WMem}) ||
                     Is("entries", {MemoryKind::CBuf}) ||
                     Is("cells", {MemoryKind::CMac});
    bool IsBanks = Is("banks", {MemoryKind::CBuf});
    if (!IsWidth && !IsEntries && !IsBanks)
      return err(T, "unknown key '" + Key + "' for a " + KindName +
                        " memory (expected " +
                        (M.Kind == MemoryKind::WMem ? "name, words, width"
                         : M.Kind == MemoryKind::CBuf
                             ? "name, banks, entries, width"
                             : "name, cells, bits") +
                        ")");
    auto N = integer(V, Key, MaxV);
    if (!N)
      return N.takeError();
    if (*N == 0)
      return err(V, Key + " must be at least 1");
    if (IsWidth) {
      M.Width = unsigned(*N);
      HaveWidth = true;
    } else if (IsEntries) {
      M.Entries = *N;
      HaveEntries = true;
    } else {
      M.Banks = *N;
      HaveBanks = true;
    }
  }
  const char *Need = nullptr;
  if (!HaveEntries)
    Need = M.Kind == MemoryKind::WMem   ? "words"
           : M.Kind == MemoryKind::CBuf ? "entries"
                                        : "cells";
  else if (!HaveWidth)
    Need = M.Kind == MemoryKind::CMac ? "bits" : "width";
  else if (M.Kind == MemoryKind::CBuf && !HaveBanks)
    Need = "banks";
  if (Need)
    return errEnd("missing key '" + Twine(Need) + "=' for a " + KindName +
                  " memory");
  if (M.rows() > (uint64_t(1) << 40))
    return err(Toks[1], "memory '" + M.Name + "' has more than 2^40 rows");
  if (int Old = Map.findMemory(M.Name); Old >= 0)
    return err(*NameTok, "memory '" + M.Name +
                             "' is declared twice (first at line " +
                             Twine(MemoryLines[Old]) + ")");
  Map.addMemory(std::move(M));
  MemoryLines.push_back(Line);
  RandomLines.push_back(0);
  return Error::success();
}

Error Parser::random() {
  if (Toks.size() < 2)
    return errEnd("missing field: expected 'random <memory> rate=R "
                  "[sa1-share=S] [seed=N] [distribution=uniform|column] "
                  "[cluster=K]'");
  auto Mem = memoryRef(Toks[1]);
  if (!Mem)
    return Mem.takeError();
  if (RandomLines[*Mem])
    return err(Toks[0], "memory '" + Toks[1].Text +
                            "' already has random faults (line " +
                            Twine(RandomLines[*Mem]) + ")");
  RandomFaults R;
  R.Line = Line;
  bool HaveRate = false;
  const Token *ClusterTok = nullptr;
  for (size_t I = 2; I < Toks.size(); ++I) {
    const Token &T = Toks[I];
    auto [Key, Val] = T.Text.split('=');
    if (!T.Text.contains('=') || Val.empty())
      return err(T, "expected key=value, got '" + T.Text + "'");
    if (Error E = duplicateKey(I, Key))
      return E;
    Token V{Val, T.Col + unsigned(Key.size()) + 1};
    if (Key == "rate") {
      auto F = fraction(V, "rate");
      if (!F)
        return F.takeError();
      R.Rate = *F;
      R.RateText = Val.str();
      HaveRate = true;
    } else if (Key == "sa1-share") {
      auto F = fraction(V, "sa1-share");
      if (!F)
        return F.takeError();
      R.Sa1Share = *F;
      R.Sa1ShareText = Val.str();
    } else if (Key == "seed") {
      auto N = integer(V, "seed", ~uint64_t(0));
      if (!N)
        return N.takeError();
      R.Seed = *N;
    } else if (Key == "distribution") {
      if (Val == "uniform")
        R.Dist = Distribution::Uniform;
      else if (Val == "column")
        R.Dist = Distribution::ColumnClustered;
      else
        return err(V, "unknown distribution '" + Val +
                          "' (expected uniform or column)");
    } else if (Key == "cluster") {
      std::string S = Val.str();
      char *End = nullptr;
      double K = std::strtod(S.c_str(), &End);
      if (*End || !std::isfinite(K) || K < 1)
        return err(V, "cluster must be a number >= 1, got '" + Val + "'");
      R.Cluster = K;
      R.ClusterText = S;
      ClusterTok = &T;
    } else {
      return err(T, "unknown key '" + Key +
                        "' for random faults (expected rate, sa1-share, "
                        "seed, distribution, cluster)");
    }
  }
  if (!HaveRate)
    return errEnd("missing key 'rate=' for random faults");
  if (ClusterTok && R.Dist != Distribution::ColumnClustered)
    return err(*ClusterTok, "cluster= needs distribution=column");
  RandomLines[*Mem] = Line;
  Map.Random[*Mem] = std::move(R);
  return Error::success();
}

Expected<uint64_t> Parser::rowAddress(const Token &T, const Memory &M) {
  StringRef S = T.Text;
  if (M.Kind == MemoryKind::WMem)
    return integer(T, "a word address", M.rows() - 1);
  auto [A, B] = S.split(':');
  if (!S.contains(':') || A.empty() || B.empty())
    return err(T,
               "expected an address " +
                   Twine(M.Kind == MemoryKind::CBuf ? "<bank>:<entry>"
                                                    : "<cell>:<weight|data>") +
                   " for " + memoryKindName(M.Kind) + " memory '" + M.Name +
                   "', got '" + S + "'");
  Token TA{A, T.Col}, TB{B, T.Col + unsigned(A.size()) + 1};
  if (M.Kind == MemoryKind::CBuf) {
    auto Bank = integer(TA, "a bank", M.Banks - 1);
    if (!Bank)
      return Bank.takeError();
    auto Entry = integer(TB, "an entry", M.Entries - 1);
    if (!Entry)
      return Entry.takeError();
    return *Bank * M.Entries + *Entry;
  }
  auto Cell = integer(TA, "a MAC cell", M.Entries - 1);
  if (!Cell)
    return Cell.takeError();
  if (B != "weight" && B != "data")
    return err(TB, "expected operand weight or data, got '" + B + "'");
  return *Cell * 2 + (B == "data" ? 1 : 0);
}

Error Parser::fault(FaultScope Scope) {
  if (Toks.size() < 2)
    return errEnd("missing field: expected the memory name");
  auto Mem = memoryRef(Toks[1]);
  if (!Mem)
    return Mem.takeError();
  const Memory &M = Map.Memories[*Mem];
  ExplicitFault F;
  F.Scope = Scope;
  F.Mem = *Mem;
  F.Line = Line;
  F.Col = Toks[0].Col;
  StringRef KindName = memoryKindName(M.Kind);
  auto BitOf = [&](const Token &T) -> Error {
    auto B = integer(T, "a bit", M.Width - 1);
    if (!B)
      return B.takeError();
    F.Bit = unsigned(*B);
    return Error::success();
  };
  auto WrongKind = [&](const Twine &Which) {
    return err(Toks[1], Twine(faultScopeName(Scope)) + " faults need " + Which +
                            " memory; '" + M.Name + "' is a " + KindName +
                            " memory");
  };
  switch (Scope) {
  case FaultScope::Cell: {
    if (Error E = arity(5, "cell <memory> <address> <bit> sa0|sa1"))
      return E;
    auto Row = rowAddress(Toks[2], M);
    if (!Row)
      return Row.takeError();
    F.Index = *Row;
    if (Error E = BitOf(Toks[3]))
      return E;
    break;
  }
  case FaultScope::Column: {
    if (M.Kind == MemoryKind::CMac)
      return WrongKind("a wmem or cbuf");
    bool CBuf = M.Kind == MemoryKind::CBuf;
    if (Error E = arity(CBuf ? 5 : 4, CBuf ? "column <memory> <bank> <bit> "
                                             "sa0|sa1"
                                           : "column <memory> <bit> sa0|sa1"))
      return E;
    if (CBuf) {
      auto Bank = integer(Toks[2], "a bank", M.Banks - 1);
      if (!Bank)
        return Bank.takeError();
      F.Index = *Bank;
    }
    if (Error E = BitOf(Toks[CBuf ? 3 : 2]))
      return E;
    break;
  }
  case FaultScope::Row: {
    if (M.Kind == MemoryKind::CMac)
      return WrongKind("a wmem or cbuf");
    if (Error E = arity(4, "row <memory> <address> sa0|sa1"))
      return E;
    auto Row = rowAddress(Toks[2], M);
    if (!Row)
      return Row.takeError();
    F.Index = *Row;
    break;
  }
  case FaultScope::Bank: {
    if (M.Kind != MemoryKind::CBuf)
      return WrongKind("a cbuf");
    if (Error E = arity(4, "bank <memory> <bank> sa0|sa1"))
      return E;
    auto Bank = integer(Toks[2], "a bank", M.Banks - 1);
    if (!Bank)
      return Bank.takeError();
    F.Index = *Bank;
    break;
  }
  case FaultScope::Lane: {
    if (M.Kind != MemoryKind::CMac)
      return WrongKind("a cmac");
    if (Error E = arity(4, "lane <memory> <cell>:<weight|data> sa0|sa1"))
      return E;
    auto Row = rowAddress(Toks[2], M);
    if (!Row)
      return Row.takeError();
    F.Index = *Row;
    break;
  }
  }
  auto Sa = stuck(Toks.back());
  if (!Sa)
    return Sa.takeError();
  F.StuckAt1 = *Sa;
  Map.Faults.push_back(F);
  return Error::success();
}

Expected<DefectMap> parseDefectMap(StringRef Text, StringRef File) {
  return Parser(Text, File).run();
}

Expected<DefectMap> readDefectMap(StringRef Path) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parseDefectMap((*Buf)->getBuffer(), Path);
}

} // namespace fault
} // namespace onncf
