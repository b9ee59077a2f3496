//===- onnc-defect.cpp - Make, inspect and apply defect maps --------------===//
//
// Part of onnc-fault. Subcommands:
//   gen     write a procedural (or fully explicit) random defect map
//   stats   count faulty cells and words per memory (text or --json)
//   check   validate a map (exit 1 with file:line:col on the first error)
//   approx  run a mitigation policy over words given as CSV
// See docs/tools/onnc-defect.md and docs/DefectMapFormat.md.
//
//===----------------------------------------------------------------------===//
#include "onncf/Config/Version.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/Policy.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace onncf;
using namespace onncf::fault;

static cl::SubCommand GenCmd("gen", "Write a random defect map (procedural, "
                                    "or every fault with --explicit)");
static cl::SubCommand StatsCmd("stats", "Count faulty cells and words of "
                                        "each memory of a map");
static cl::SubCommand CheckCmd("check", "Validate a defect map");
static cl::SubCommand ApproxCmd("approx",
                                "Apply a mitigation policy to words read "
                                "from a CSV file");

static cl::OptionCategory GenCat("onnc-defect gen options");
static cl::OptionCategory StatsCat("onnc-defect stats options");
static cl::OptionCategory CheckCat("onnc-defect check options");
static cl::OptionCategory ApproxCat("onnc-defect approx options");

// gen
static cl::opt<std::string>
    GenMemory("memory", cl::desc("Memory kind: wmem, cbuf or cmac"),
              cl::value_desc("wmem|cbuf|cmac"), cl::sub(GenCmd),
              cl::cat(GenCat));
static cl::opt<std::string>
    GenRate("rate",
            cl::desc("Probability that a cell is stuck (0.001 or "
                     "0.1%)"),
            cl::value_desc("R"), cl::sub(GenCmd), cl::cat(GenCat));
static cl::opt<std::string>
    GenShare("sa1-share",
             cl::desc("Share of stuck cells stuck at 1 (default 0.5; seed "
                      "001 uses 0.8 for RRAM)"),
             cl::value_desc("S"), cl::init("0.5"), cl::sub(GenCmd),
             cl::cat(GenCat));
// 64-bit numbers are read as strings: LLVM 14's cl::opt<uint64_t> keeps
// only 32 bits on this platform.
static cl::opt<std::string> GenSeedStr("seed", cl::desc("RNG seed (default 0)"),
                                       cl::value_desc("N"), cl::init("0"),
                                       cl::sub(GenCmd), cl::cat(GenCat));
static cl::opt<std::string> GenDist(
    "distribution",
    cl::desc("uniform (default) or column (faults clustered in bit lines)"),
    cl::value_desc("uniform|column"), cl::init("uniform"), cl::sub(GenCmd),
    cl::cat(GenCat));
static cl::opt<std::string>
    GenCluster("cluster",
               cl::desc("With --distribution=column: 1 in K columns is "
                        "weak, at K times the rate (default 8)"),
               cl::value_desc("K"), cl::sub(GenCmd), cl::cat(GenCat));
static cl::opt<std::string>
    GenWordsStr("words",
                cl::desc("wmem words (default 65536), cbuf entries per bank "
                         "(512), cmac MAC cells (64)"),
                cl::value_desc("N"), cl::sub(GenCmd), cl::cat(GenCat));
static cl::opt<std::string> GenBanksStr("banks",
                                        cl::desc("cbuf banks (default 32)"),
                                        cl::value_desc("N"), cl::sub(GenCmd),
                                        cl::cat(GenCat));
static cl::opt<unsigned>
    GenWidth("width",
             cl::desc("Bits per word / entry / operand (default wmem 8, "
                      "cbuf 64, cmac 8)"),
             cl::value_desc("B"), cl::init(0), cl::sub(GenCmd),
             cl::cat(GenCat));
static cl::opt<std::string> GenName("name",
                                    cl::desc("Memory name (default: the kind)"),
                                    cl::value_desc("NAME"), cl::sub(GenCmd),
                                    cl::cat(GenCat));
static cl::opt<std::string> GenChip("chip", cl::desc("Chip id line"),
                                    cl::value_desc("ID"), cl::sub(GenCmd),
                                    cl::cat(GenCat));
static cl::opt<bool>
    GenExplicit("explicit",
                cl::desc("Write every drawn fault as a cell line instead of "
                         "the random statement (same faults)"),
                cl::sub(GenCmd), cl::cat(GenCat));
static cl::opt<std::string> GenOut("o", cl::desc("Output map ('-': stdout)"),
                                   cl::value_desc("FILE"), cl::sub(GenCmd),
                                   cl::cat(GenCat));

// stats / check
static cl::opt<std::string> StatsFile(cl::Positional, cl::desc("<map>"),
                                      cl::sub(StatsCmd), cl::cat(StatsCat));
static cl::opt<bool> StatsJSON("json", cl::desc("Print JSON"),
                               cl::sub(StatsCmd), cl::cat(StatsCat));
static cl::opt<std::string> CheckFile(cl::Positional, cl::desc("<map>"),
                                      cl::sub(CheckCmd), cl::cat(CheckCat));
static cl::opt<bool>
    CheckPrint("print",
               cl::desc("Print the map in canonical form (no comments, "
                        "every memory named) instead of the summary"),
               cl::sub(CheckCmd), cl::cat(CheckCat));

// approx
static cl::opt<unsigned> ApproxBits("bits", cl::desc("Word width Q (2..16)"),
                                    cl::value_desc("Q"), cl::init(0),
                                    cl::sub(ApproxCmd), cl::cat(ApproxCat));
static cl::opt<bool>
    ApproxSigned("signed",
                 cl::desc("Values are two's complement (default unsigned)"),
                 cl::sub(ApproxCmd), cl::cat(ApproxCat));
// cl::value_desc keeps a StringRef: the text must outlive the option.
static const std::string PolicyValueDesc = policySyntax(true);
static cl::opt<std::string>
    ApproxPolicy("policy",
                 cl::desc("Mitigation policy (auto: the best one for the "
                          "whole file, reported on stderr)"),
                 cl::value_desc(PolicyValueDesc), cl::sub(ApproxCmd),
                 cl::cat(ApproxCat));
static cl::opt<std::string> ApproxWords(
    "words", cl::desc("Input CSV: value,sa0_mask,sa1_mask per line"),
    cl::value_desc("IN.csv"), cl::sub(ApproxCmd), cl::cat(ApproxCat));
static cl::opt<std::string>
    ApproxOut("o", cl::desc("Output CSV (adds stored,decoded; '-': stdout)"),
              cl::value_desc("OUT.csv"), cl::sub(ApproxCmd),
              cl::cat(ApproxCat));

//===----------------------------------------------------------------------===//
// gen
//===----------------------------------------------------------------------===//

/// Parses a probability like the map format does (0.001 or 0.1%).
static double parseProbability(StringRef Option, StringRef S) {
  std::string Line = "onncf-defect-map 1\nmemory wmem words=1 width=1\n"
                     "random wmem rate=" +
                     S.str() + "\n";
  auto M = parseDefectMap(Line, "--" + Option.str());
  if (!M) {
    consumeError(M.takeError());
    usageError("--" + Option +
               ": expected a probability in [0, 1] like "
               "0.001 or 0.1%, got '" +
               S + "'");
  }
  return M->Random[0]->Rate;
}

/// A 64-bit unsigned flag value (decimal or 0x hex); 0 if absent.
static uint64_t flagU64(StringRef Option, StringRef S) {
  uint64_t V = 0;
  if (S.empty())
    return 0;
  bool Bad = S.startswith_insensitive("0x")
                 ? S.size() == 2 || S.drop_front(2).getAsInteger(16, V)
                 : S.getAsInteger(10, V);
  if (Bad)
    usageError("--" + Option + ": expected an unsigned integer, got '" + S +
               "'");
  return V;
}

static int runGen() {
  const uint64_t GenSeed = flagU64("seed", GenSeedStr);
  const uint64_t GenWords = flagU64("words", GenWordsStr);
  const uint64_t GenBanks = flagU64("banks", GenBanksStr);
  if (GenMemory.empty())
    usageError("gen: --memory=wmem|cbuf|cmac is required");
  auto Kind = parseMemoryKind(GenMemory);
  if (!Kind)
    usageError("--memory: unknown memory kind '" + GenMemory +
               "' (expected wmem, cbuf or cmac)");
  if (GenRate.empty())
    usageError("gen: --rate=R is required");
  if (GenOut.empty())
    usageError("gen: -o FILE is required");
  if (GenDist != "uniform" && GenDist != "column")
    usageError("--distribution: expected uniform or column, got '" + GenDist +
               "'");
  if (!GenCluster.empty() && GenDist != "column")
    usageError("--cluster needs --distribution=column");
  if (GenBanks && *Kind != MemoryKind::CBuf)
    usageError("--banks applies to --memory=cbuf only");

  // The values are copied into map text: one field each.
  for (const cl::opt<std::string> *O :
       {&GenRate, &GenShare, &GenCluster, &GenName, &GenChip})
    if (O->find_first_of(" \t\r\n#") != std::string::npos)
      usageError("--" + O->ArgStr + ": spaces and '#' are not allowed, got '" +
                 *O + "'");
  unsigned MaxWidth = *Kind == MemoryKind::CBuf ? 4096 : 64;
  if (GenWidth.getNumOccurrences() && (GenWidth < 1 || GenWidth > MaxWidth))
    usageError("--width: a " + GenMemory + " memory is 1 to " +
               Twine(MaxWidth) + " bits wide, got " + Twine(GenWidth));
  if (!GenWordsStr.empty() && GenWords == 0)
    usageError("--words: must be at least 1");
  if (!GenBanksStr.empty() && GenBanks == 0)
    usageError("--banks: must be at least 1");

  Memory M;
  M.Kind = *Kind;
  M.Name = GenName.empty() ? GenMemory.getValue() : GenName.getValue();
  switch (M.Kind) {
  case MemoryKind::WMem:
    M.Entries = GenWords ? GenWords : 65536;
    M.Width = GenWidth ? GenWidth : 8;
    break;
  case MemoryKind::CBuf: // nv_small: 32 banks x 512 entries x 8 bytes
    M.Banks = GenBanks ? GenBanks : 32;
    M.Entries = GenWords ? GenWords : 512;
    M.Width = GenWidth ? GenWidth : 64;
    break;
  case MemoryKind::CMac: // nv_small: 8 x 8 MACs, INT8 operands
    M.Entries = GenWords ? GenWords : 64;
    M.Width = GenWidth ? GenWidth : 8;
    break;
  }
  // Build the text and let the parser check it: one set of rules for
  // files and flags (geometry limits, names, probabilities).
  DefectMap Shape;
  Shape.Chip = GenChip;
  Shape.addMemory(M);
  std::string Head; // header, chip and memory lines
  raw_string_ostream HS(Head);
  Shape.print(HS);
  HS.flush();
  std::string Text = Head;
  raw_string_ostream OS(Text);
  parseProbability("rate", GenRate);
  parseProbability("sa1-share", GenShare);
  OS << "random " << M.Name << " rate=" << GenRate << " sa1-share=" << GenShare
     << " seed=" << GenSeed << " distribution=" << GenDist;
  if (GenDist == "column")
    OS << " cluster=" << (GenCluster.empty() ? "8" : GenCluster.getValue());
  OS << "\n";
  OS.flush();
  auto Map = parseDefectMap(Text, "<command line>");
  if (!Map) { // names or sizes outside the format's limits
    // The flags are not a file: drop "<command line>:line:col: ".
    StringRef Msg = "";
    std::string Full = toString(Map.takeError());
    Msg = Full;
    for (int I = 0; I < 3 && Msg.contains(": "); ++I)
      Msg = Msg.split(':').second;
    usageError("gen: " + Msg.ltrim());
  }
  if (!GenExplicit) {
    exitOnErr(writeFileAtomically(GenOut, Text));
    return ExitSuccess;
  }
  // --explicit: the same faults, one cell line each.
  const Memory &Mem = Map->Memories[0];
  exitOnErr(writeFileAtomically(GenOut, [&](raw_ostream &Out) -> Error {
    auto [Header, Rest] = StringRef(Head).split('\n');
    Out << Header << "\n# every fault of: random " << Mem.Name
        << " rate=" << GenRate << " sa1-share=" << GenShare
        << " seed=" << GenSeed << " distribution=" << GenDist << "\n"
        << Rest;
    for (uint64_t Row = 0; Row < Mem.rows(); ++Row)
      for (unsigned First = 0; First < Mem.Width; First += 64) {
        WordFaults F =
            Map->faultsOfBits(0, Row, First, std::min(64u, Mem.Width - First));
        for (uint64_t D = F.defective(); D; D &= D - 1) {
          unsigned B = unsigned(__builtin_ctzll(D));
          Out << "cell " << Mem.Name << " " << Mem.formatRow(Row) << " "
              << First + B << ((F.Sa1 >> B) & 1 ? " sa1" : " sa0") << "\n";
        }
      }
    return Error::success();
  }));
  return ExitSuccess;
}

//===----------------------------------------------------------------------===//
// stats / check
//===----------------------------------------------------------------------===//

static std::string percent(uint64_t Part, uint64_t Whole) {
  return Whole ? formatv("{0:f4} %", 100.0 * double(Part) / double(Whole)).str()
               : std::string("0 %");
}

static int runStats() {
  if (StatsFile.empty())
    usageError("stats: expected a defect map file");
  DefectMap Map = exitOnErr(readDefectMap(StatsFile));
  json::Array Mems;
  std::string Text;
  raw_string_ostream OS(Text);
  OS << "file: " << StatsFile << "\n";
  if (!Map.Chip.empty())
    OS << "chip: " << Map.Chip << "\n";
  for (unsigned I = 0; I < Map.Memories.size(); ++I) {
    const Memory &M = Map.Memories[I];
    MemoryStats S = Map.stats(I);
    StringRef Word = M.Kind == MemoryKind::WMem   ? "words"
                     : M.Kind == MemoryKind::CBuf ? "entries"
                                                  : "lanes";
    OS << "memory " << M.Name << " (" << memoryKindName(M.Kind) << ", "
       << M.describe() << ")\n";
    OS << "  cells: " << S.Cells << "\n";
    OS << "  faulty cells: " << S.FaultyCells << " ("
       << percent(S.FaultyCells, S.Cells) << ")\n";
    OS << "  stuck-at-0: " << S.Sa0Cells << "\n";
    OS << "  stuck-at-1: " << S.Sa1Cells << "\n";
    OS << "  " << Word << ": " << S.Rows << "\n";
    OS << "  " << Word << " with 1 fault: " << S.RowsWith1 << " ("
       << percent(S.RowsWith1, S.Rows) << ")\n";
    OS << "  " << Word << " with 2+ faults: " << S.RowsWith2Plus << " ("
       << percent(S.RowsWith2Plus, S.Rows) << ")\n";
    json::Object J{{"name", M.Name},
                   {"kind", memoryKindName(M.Kind)},
                   {"words", int64_t(S.Rows)},
                   {"width", int64_t(M.Width)},
                   {"cells", int64_t(S.Cells)},
                   {"faulty_cells", int64_t(S.FaultyCells)},
                   {"sa0_cells", int64_t(S.Sa0Cells)},
                   {"sa1_cells", int64_t(S.Sa1Cells)},
                   {"words_1_fault", int64_t(S.RowsWith1)},
                   {"words_2plus_faults", int64_t(S.RowsWith2Plus)}};
    if (M.Kind == MemoryKind::CBuf) {
      J["banks"] = int64_t(M.Banks);
      J["entries"] = int64_t(M.Entries);
    }
    Mems.push_back(std::move(J));
  }
  OS.flush();
  if (StatsJSON) {
    json::Object Out{{"file", StatsFile.getValue()},
                     {"chip", Map.Chip},
                     {"memories", std::move(Mems)}};
    outs() << formatv("{0:2}", json::Value(std::move(Out))) << "\n";
  } else {
    outs() << Text;
  }
  return ExitSuccess;
}

static int runCheck() {
  if (CheckFile.empty())
    usageError("check: expected a defect map file");
  DefectMap Map = exitOnErr(readDefectMap(CheckFile));
  if (CheckPrint) {
    Map.print(outs());
    return ExitSuccess;
  }
  unsigned Random = 0;
  for (const auto &R : Map.Random)
    Random += R.has_value();
  outs() << CheckFile << ": ok: " << Map.Memories.size() << " memories, "
         << Map.Faults.size() << " explicit faults, " << Random
         << " random statements\n";
  return ExitSuccess;
}

//===----------------------------------------------------------------------===//
// approx
//===----------------------------------------------------------------------===//

namespace {
struct CSVWord {
  int64_t Value;
  WordFaults Faults;
};
} // namespace

static Expected<uint64_t> csvUnsigned(StringRef S, const Twine &Where,
                                      StringRef What) {
  uint64_t V;
  S = S.trim();
  bool Bad = S.startswith_insensitive("0x")
                 ? S.size() == 2 || S.drop_front(2).getAsInteger(16, V)
                 : S.getAsInteger(10, V);
  if (Bad)
    return makeError(Where + ": expected " + What +
                     " as an unsigned integer, got '" + S + "'");
  return V;
}

static Expected<std::vector<CSVWord>> readWordsCSV(StringRef Path,
                                                   const WordFormat &Fmt) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  std::vector<CSVWord> Words;
  StringRef Rest = (*Buf)->getBuffer();
  unsigned Line = 0;
  while (!Rest.empty()) {
    auto [L, Next] = Rest.split('\n');
    Rest = Next;
    ++Line;
    L = L.trim();
    if (L.empty() || L.startswith("#"))
      continue;
    std::string Where = (Path + ":" + Twine(Line)).str();
    SmallVector<StringRef, 4> Cols;
    L.split(Cols, ',');
    if (Words.empty() && Line && L.startswith("value")) // header
      continue;
    if (Cols.size() != 3)
      return makeError(Where +
                       ": expected 3 columns value,sa0_mask,sa1_mask, "
                       "got " +
                       Twine(Cols.size()));
    int64_t V;
    StringRef VS = Cols[0].trim();
    if (VS.getAsInteger(10, V))
      return makeError(Where + ": expected an integer value, got '" + VS + "'");
    if (!Fmt.inRange(V))
      return makeError(Where + ": value " + Twine(V) + " is outside the " +
                       Twine(Fmt.Bits) + "-bit " +
                       (Fmt.Signed ? "signed" : "unsigned") + " range [" +
                       Twine(Fmt.minValue()) + ", " + Twine(Fmt.maxValue()) +
                       "]" + (Fmt.Signed ? "" : " (use --signed?)"));
    auto Sa0 = csvUnsigned(Cols[1], Where, "sa0_mask");
    if (!Sa0)
      return Sa0.takeError();
    auto Sa1 = csvUnsigned(Cols[2], Where, "sa1_mask");
    if (!Sa1)
      return Sa1.takeError();
    WordFaults F{*Sa0, *Sa1};
    if (Error E = checkWordFaults(F, Fmt))
      return makeError(Where + ": " + toString(std::move(E)));
    Words.push_back({V, F});
  }
  return Words;
}

static int runApprox() {
  if (!ApproxBits)
    usageError("approx: --bits=Q is required");
  WordFormat Fmt{ApproxBits, ApproxSigned};
  if (Error E = checkPolicyFormat(Fmt))
    usageError("--bits: " + toString(std::move(E)));
  if (ApproxPolicy.empty())
    usageError("approx: --policy=P is required");
  auto Mit = parseMitigation(ApproxPolicy);
  if (!Mit)
    usageError("--policy: " + toString(Mit.takeError()));
  if (ApproxWords.empty())
    usageError("approx: --words=IN.csv is required");
  if (ApproxOut.empty())
    usageError("approx: -o OUT.csv is required");

  std::vector<CSVWord> Words = exitOnErr(readWordsCSV(ApproxWords, Fmt));
  std::vector<int64_t> Values;
  std::vector<WordFaults> Faults;
  for (const CSVWord &W : Words) {
    Values.push_back(W.Value);
    Faults.push_back(W.Faults);
  }
  Policy P = Mit->Fixed;
  if (Mit->Auto) {
    AutoChoice C = chooseAuto(Fmt, Values, Faults);
    P = C.Chosen;
    errs() << "onnc-defect: auto chose '" << P.name() << "' (total deviation "
           << C.TotalDeviation << ")\n";
  }
  std::vector<uint64_t> Stored(Values.size());
  std::vector<int64_t> Decoded(Values.size());
  encodeWords(P, Fmt, Values, Faults, Stored);
  decodeWords(P, Fmt, Stored, Faults, Decoded);
  exitOnErr(writeFileAtomically(ApproxOut, [&](raw_ostream &OS) -> Error {
    OS << "value,sa0_mask,sa1_mask,stored,decoded\n";
    for (size_t I = 0; I < Values.size(); ++I)
      OS << Values[I] << "," << Faults[I].Sa0 << "," << Faults[I].Sa1 << ","
         << Stored[I] << "," << Decoded[I] << "\n";
    return Error::success();
  }));
  return ExitSuccess;
}

static void printVersion(raw_ostream &OS) {
  OS << "onnc-defect (onnc-fault) " << ONNCF_VERSION_STRING << "\n";
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  setToolName("onnc-defect");
  cl::HideUnrelatedOptions({&GenCat, &StatsCat, &CheckCat, &ApproxCat});
  cl::SetVersionPrinter(printVersion);
  cl::ParseCommandLineOptions(
      argc, argv,
      "onnc-defect: make, inspect and apply chip defect maps\n\n"
      "  onnc-defect gen --memory=wmem|cbuf|cmac --rate=R [--sa1-share=S] "
      "[--seed=N] -o FILE\n"
      "  onnc-defect stats [--json] FILE\n"
      "  onnc-defect check FILE\n"
      "  onnc-defect approx --bits=Q [--signed] --policy=P --words=IN.csv "
      "-o OUT.csv\n\n"
      "Run 'onnc-defect <subcommand> --help' for the options of each.\n");
  if (GenCmd)
    return runGen();
  if (StatsCmd)
    return runStats();
  if (CheckCmd)
    return runCheck();
  if (ApproxCmd)
    return runApprox();
  usageError("expected a subcommand: gen, stats, check or approx");
}
