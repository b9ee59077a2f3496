//===- onnc-campaign.cpp - Fault-injection campaigns ----------------------===//
//
// Part of onnc-fault. Sweeps fault rates x defect maps x mitigations on a
// model (issue 5, item 7): the model is calibrated, quantized and placed
// once; each run builds a procedural weight-memory map, stores the weights
// with the mitigation (as onnc-fault --defect-map does), reads them through
// the map's faults and decoders (as onnc-run --defect-map does) and
// evaluates the integer interpreter on the dataset. Runs are independent and
// run on a thread pool, one run per thread, so results do not depend on -j.
// `onnc-campaign merge` recombines --shard outputs. --memory=cmac sweeps
// seed 000's MAC lane faults instead (operand x bit x stuck value x lane
// mitigation on chosen cells, onncf/Fault/MacFaults.h), --memory=cbuf the
// NVDLA convolution buffer. This file is the driver (options, calibration,
// placement, the sweep's list of runs, the pool); one run is Runs.cpp.
// See docs/tools/onnc-campaign.md.
//
//===----------------------------------------------------------------------===//
#include "NvdlaRun.h"
#include "Results.h"
#include "Runs.h"
#include "onncf/Campaign/Stats.h"
#include "onncf/Config/Version.h"
#include "onncf/Data/Dataset.h"
#include "onncf/Fault/ChipInjection.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/Fault/Policy.h"
#include "onncf/Fault/WeightFaults.h"
#include "onncf/Frontend/ModelLoader.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/Interp/Evaluate.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Pass/PassManager.h"
#include "onncf/Quant/Calibration.h"
#include "onncf/Quant/CalibrationRunner.h"
#include "onncf/Quant/CalibrationTable.h"
#include "onncf/Quant/Quantize.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "onncf/Target/Target.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

using namespace llvm;
using namespace onncf;
using namespace onncf::campaign;

static cl::OptionCategory Cat("onnc-campaign options");
static cl::list<std::string> Positional(cl::Positional, cl::ZeroOrMore,
                                        cl::desc("<model.onnx> | merge "
                                                 "<runs.csv>..."),
                                        cl::cat(Cat));
static cl::opt<std::string>
    March("march",
          cl::desc("Target whose weight placement the chips get: host "
                   "(default) or nvdla-small, nvdla-small-256, nvdla-large, "
                   "nvdla-full"),
          cl::init("host"), cl::cat(Cat));
static cl::opt<std::string>
    ExecutorName("executor",
                 cl::desc("nvdla-*: host (the integer interpreter on the "
                          "NVDLA-placed quant IR, default) or vp (each run's "
                          "loadable on the virtual platform)"),
                 cl::init("host"), cl::cat(Cat));
static cl::opt<bool> AllowCpuFallback(
    "allow-cpu-fallback",
    cl::desc("nvdla-*: ops the config cannot run (quant.add without SDP EW) "
             "run as EMU1 CPU tasks, as onnc-fault --allow-cpu-fallback"),
    cl::init(false), cl::cat(Cat));
static cl::opt<std::string>
    QuantizeMode("quantize", cl::desc("Activation type: int8 (default)"),
                 cl::init("int8"), cl::cat(Cat));
static cl::opt<unsigned> WeightBits("weight-bits",
                                    cl::desc("Weight word width (default 8)"),
                                    cl::init(8), cl::cat(Cat));
static cl::opt<std::string> CalibData("calibration-data",
                                      cl::desc("Calibration samples"),
                                      cl::value_desc("PATH"), cl::cat(Cat));
static cl::opt<unsigned>
    CalibSamples("calibration-samples",
                 cl::desc("Calibrate on the first N samples (default 500)"),
                 cl::init(500), cl::cat(Cat));
static cl::opt<std::string>
    CalibMethod("calibration-method",
                cl::desc("kl (default), minmax or percentile[:P]"),
                cl::init("kl"), cl::cat(Cat));
static cl::opt<std::string> CalibTable("calibration-table",
                                       cl::desc("Calibration table (JSON)"),
                                       cl::value_desc("FILE"), cl::cat(Cat));
static cl::opt<std::string> ImagesPath("images", cl::desc("Test images"),
                                       cl::value_desc("FILE"), cl::cat(Cat));
static cl::opt<std::string> LabelsPath("labels", cl::desc("Test labels"),
                                       cl::value_desc("FILE"), cl::cat(Cat));
static cl::opt<int64_t> Limit("limit",
                              cl::desc("Use the first N images (0: all)"),
                              cl::init(0), cl::cat(Cat));
static cl::opt<std::string>
    MemoryKind("memory",
               cl::desc("Faulty memory: wmem (default), cmac (MAC lanes) or "
                        "cbuf (nvdla-*: the convolution buffer)"),
               cl::init("wmem"), cl::cat(Cat));
static cl::opt<std::string>
    BitsStr("bits",
            cl::desc("cmac: faulty bit positions, e.g. 0-7 or 2,4,6 "
                     "(default 0-7)"),
            cl::init("0-7"), cl::cat(Cat));
static cl::opt<std::string>
    StuckStr("stuck", cl::desc("cmac: stuck values, 0 and/or 1 (default 0,1)"),
             cl::init("0,1"), cl::cat(Cat));
static cl::opt<std::string>
    OperandsStr("operands",
                cl::desc("cmac: faulty operand lanes, weight and/or data "
                         "(default weight,data)"),
                cl::init("weight,data"), cl::cat(Cat));
static cl::opt<std::string>
    CellsStr("cells",
             cl::desc("cmac: the MAC cells whose lane has the faulty bit, "
                      "all at once (default 0,32: seed 000's CMAC_A and "
                      "CMAC_B cell)"),
             cl::init("0,32"), cl::cat(Cat));
static cl::opt<std::string>
    MacGeometryStr("mac-geometry",
                   cl::desc("cmac: MAC array atomKxatomC (default 8x8, "
                            "nv_small)"),
                   cl::init("8x8"), cl::cat(Cat));
static cl::opt<std::string>
    RatesStr("rates",
             cl::desc("Fault rates per cell, comma-separated: fractions "
                      "(0.001) or percents (0.1%); 0 is one fault-free run"),
             cl::value_desc("R1,R2,..."), cl::cat(Cat));
static cl::opt<std::string> Sa1ShareStr("sa1-share",
                                        cl::desc("Share of stuck-at-1 faults "
                                                 "(default 0.8, i.e. 4:1)"),
                                        cl::init("0.8"), cl::cat(Cat));
static cl::opt<unsigned> Maps("maps", cl::desc("Maps (chips) per rate"),
                              cl::init(1), cl::cat(Cat));
static cl::opt<std::string>
    MitigationsStr("mitigations",
                   cl::desc("Comma-separated --mitigation values"),
                   cl::init("none"), cl::cat(Cat));
static cl::opt<uint64_t> Seed("seed", cl::desc("Base seed (default 1)"),
                              cl::init(1), cl::cat(Cat));
static cl::opt<std::string> OutputPath("o", cl::desc("Runs CSV"),
                                       cl::value_desc("FILE"), cl::cat(Cat));
static cl::opt<std::string> SummaryPath("summary", cl::desc("Summary JSON"),
                                        cl::value_desc("FILE"), cl::cat(Cat));
static cl::opt<std::string>
    PlotPath("plot", cl::desc("Plot (SVG; a PNG, .gp and .dat beside it)"),
             cl::value_desc("FILE"), cl::cat(Cat));
static cl::opt<unsigned> Jobs("j",
                              cl::desc("Runs in parallel (default: all "
                                       "cores); results do not depend on it"),
                              cl::Prefix, cl::init(0), cl::cat(Cat));
static cl::opt<std::string> ShardStr("shard",
                                     cl::desc("Run every N-th run from i"),
                                     cl::value_desc("i/N"), cl::cat(Cat));
static cl::opt<int64_t> Batch("batch", cl::desc("Images per executor call"),
                              cl::init(250), cl::cat(Cat));
static cl::opt<std::string> ScaleStr("scale",
                                     cl::desc("Image scale (default 1/255)"),
                                     cl::init("1/255"), cl::cat(Cat));

static std::string hex64(uint64_t V) { return formatv("{0:x-16}", V).str(); }

static uint64_t hashFile(StringRef Path) {
  auto B = readFile(Path);
  if (!B)
    exitOnError(B.takeError());
  return xxHash64((*B)->getBuffer());
}

/// Parses "0-7" / "2,4,6" / "0,3-5" into distinct integers in [0, Max].
static std::vector<int> parseIntList(StringRef Opt, StringRef S, int Max) {
  std::vector<int> R;
  SmallVector<StringRef, 8> Items;
  S.split(Items, ',');
  for (StringRef It : Items) {
    StringRef A, B;
    std::tie(A, B) = It.trim().split('-');
    int Lo, Hi;
    if (A.getAsInteger(10, Lo) ||
        (B.empty() ? (Hi = Lo, false) : B.getAsInteger(10, Hi)) || Lo < 0 ||
        Hi > Max || Lo > Hi)
      usageError("--" + Opt + ": '" + It + "' is not a number or range in 0.." +
                 Twine(Max));
    for (int V = Lo; V <= Hi; ++V) {
      if (llvm::is_contained(R, V))
        usageError("--" + Opt + ": " + Twine(V) + " is given twice");
      R.push_back(V);
    }
  }
  return R;
}

/// Writes the CSV, summary and plot of \p Rows.
static void writeOutputs(const Campaign &C, std::vector<RunRow> &Rows) {
  llvm::sort(
      Rows, [](const RunRow &A, const RunRow &B) { return A.Index < B.Index; });
  exitOnErr(writeRunsCSV(OutputPath, C, Rows));
  exitOnErr(writeSummary(SummaryPath, C, Rows));
  if (!PlotPath.empty())
    exitOnErr(writePlot(PlotPath, C, Rows));
}

static int mergeMain() {
  if (Positional.size() < 2)
    usageError("merge needs at least one runs CSV");
  Campaign C;
  std::vector<RunRow> Rows;
  std::string Hash;
  for (size_t I = 1; I < Positional.size(); ++I) {
    Campaign CI;
    exitOnErr(readRunsCSV(Positional[I], CI, Rows));
    std::string H = CI.Provenance.getString("campaign_hash")->str();
    if (I == 1) {
      C = std::move(CI);
      Hash = H;
    } else if (H != Hash) {
      exitOnError(makeError(Positional[I] +
                            ": comes from another campaign "
                            "(campaign_hash " +
                            H + ", " + Positional[1] + " has " + Hash + ")"));
    }
  }
  std::vector<char> Seen(C.TotalRuns, 0);
  for (const RunRow &R : Rows) {
    if (Seen[R.Index])
      exitOnError(makeError("run " + Twine(R.Index) +
                            " appears twice (the same shard merged twice?)"));
    Seen[R.Index] = 1;
  }
  uint64_t Missing = std::count(Seen.begin(), Seen.end(), 0);
  if (Missing)
    exitOnError(
        makeError(Twine(Missing) + " of " + Twine(C.TotalRuns) +
                  " runs are missing (first: run " +
                  Twine(std::find(Seen.begin(), Seen.end(), 0) - Seen.begin()) +
                  "); give every shard's CSV"));
  writeOutputs(C, Rows);
  return ExitSuccess;
}

static std::vector<double> parseRates() {
  std::vector<double> Rates;
  SmallVector<StringRef, 8> Items;
  StringRef(RatesStr).split(Items, ',');
  for (StringRef It : Items) {
    StringRef T = It.trim();
    bool Percent = T.consume_back("%");
    double D;
    if (T.empty() || T.getAsDouble(D) || D < 0 || D > (Percent ? 100 : 1))
      usageError("--rates: '" + It +
                 "' is not a rate in [0, 1] (or a "
                 "percent like 0.1%)");
    D = Percent ? D / 100 : D;
    if (llvm::is_contained(Rates, D))
      usageError("--rates: rate '" + It + "' is given twice");
    Rates.push_back(D);
  }
  return Rates;
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  setToolName("onnc-campaign");
  registerTransformsPasses();
  registerQuantizePass();
  registerAllTargets();
  cl::HideUnrelatedOptions(Cat);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "onnc-campaign version " << ONNCF_VERSION_STRING << "\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "onnc-campaign: fault-injection campaigns\n\n"
          "  onnc-campaign MODEL --calibration-table=T --images=I "
          "--labels=L\n"
          "      --rates=0,0.001,0.01 --maps=20 --mitigations=none,c1 "
          "--seed=1\n"
          "      -o runs.csv --summary=s.json [--plot=p.svg] [-j N] "
          "[--shard=i/N]\n"
          "  onnc-campaign merge A.csv B.csv -o runs.csv --summary=s.json\n",
          &errs()))
    return ExitUsageError;
  if (Positional.empty())
    usageError("give a model (or 'merge' and runs CSVs)");
  if (OutputPath.empty() || SummaryPath.empty())
    usageError("give -o RUNS.csv and --summary=S.json");
  if (Positional[0] == "merge")
    return mergeMain();
  if (Positional.size() != 1)
    usageError("give one model");
  std::string ModelPath = Positional[0];

  // Usage checks, before reading anything.
  // -march: host, or an NVDLA config (its placement; executor host or vp).
  const nvdla::NvdlaConfig *Cfg = nullptr;
  if (March != "host") {
    auto C = nvdla::lookupNvdlaConfig(March);
    if (!StringRef(March).startswith("nvdla-") || !C) {
      if (!C)
        consumeError(C.takeError());
      usageError("--march=" + March +
                 ": not a campaign target (host, nvdla-small, "
                 "nvdla-small-256, nvdla-large or nvdla-full)");
    }
    Cfg = *C;
  }
  if (ExecutorName != "host" && ExecutorName != "vp")
    usageError("--executor=" + ExecutorName + ": not host or vp");
  if (AllowCpuFallback && !Cfg)
    usageError("--allow-cpu-fallback needs --march=nvdla-*");
  if (ExecutorName == "vp" && !Cfg)
    usageError("--executor=vp runs NVDLA loadables: it needs "
               "--march=nvdla-*");
  bool Cmac = MemoryKind == "cmac";
  if (MemoryKind == "cbuf" && !Cfg)
    usageError("--memory=cbuf: the host target has no CBUF (use "
               "--march=nvdla-*)");
  const bool Cbuf = MemoryKind == "cbuf";
  if (MemoryKind != "wmem" && !Cmac && !Cbuf)
    usageError("--memory=" + MemoryKind +
               ": only wmem (the weight memory), cmac (the MAC array's "
               "operand lanes) and, for nvdla-*, cbuf (the convolution "
               "buffer) are supported");
  if (!Cmac &&
      (BitsStr.getNumOccurrences() || StuckStr.getNumOccurrences() ||
       OperandsStr.getNumOccurrences() || CellsStr.getNumOccurrences() ||
       MacGeometryStr.getNumOccurrences()))
    usageError("--bits, --stuck, --operands, --cells and --mac-geometry need "
               "--memory=cmac");
  auto ActBits = parseQuantizeMode(QuantizeMode);
  if (!ActBits)
    usageError("--quantize: " + toString(ActBits.takeError()));
  if (WeightBits < 2 || WeightBits > 16)
    usageError("--weight-bits must be in 2..16, not " + Twine(WeightBits));
  // The NVDLA backend stores int8 weights and runs int8 activations only
  // (onnc-fault -march=nvdla-* says the same, later).
  if (Cfg && (WeightBits != 8 || *ActBits != 8))
    usageError("--march=" + March +
               ": NVDLA fault-aware compilation needs --weight-bits=8 and "
               "--quantize=int8");
  auto Method = parseCalibrationMethod(CalibMethod);
  if (!Method)
    usageError("--calibration-method: " + toString(Method.takeError()));
  if (CalibData.empty() == CalibTable.empty())
    usageError("give one of --calibration-data and --calibration-table");
  if (ImagesPath.empty() || LabelsPath.empty())
    usageError("give --images and --labels");
  if (Limit < 0 || Batch < 1)
    usageError("--limit must be >= 0 and --batch >= 1");
  std::vector<double> Rates;
  Shared S;
  S.WeightBits = WeightBits;
  S.Seed = Seed;
  S.Cmac = Cmac;
  std::vector<int> Bits, Stucks;
  std::vector<fault::Operand> Operands;
  std::vector<std::string> OperandNames;
  if (Cmac) {
    if (!RatesStr.empty() || Maps.getNumOccurrences() ||
        Sa1ShareStr.getNumOccurrences())
      usageError("--rates, --maps and --sa1-share do not apply to "
                 "--memory=cmac (its sweep is --operands x --bits x --stuck "
                 "on --cells)");
    if (WeightBits != 8 || *ActBits != 8)
      usageError("--memory=cmac models the int8 MAC array: use "
                 "--weight-bits=8 and --quantize=int8");
    auto Geo = fault::parseMacGeometry(MacGeometryStr);
    if (!Geo)
      usageError("--mac-geometry: " + toString(Geo.takeError()));
    S.Geo = *Geo;
    if (Cfg) {
      // The config's MAC array; --mac-geometry may only repeat it.
      fault::MacGeometry CG{Cfg->AtomicK, Cfg->AtomicC};
      if (MacGeometryStr.getNumOccurrences() &&
          (Geo->AtomK != CG.AtomK || Geo->AtomC != CG.AtomC))
        usageError("--mac-geometry=" + MacGeometryStr + ": " + March +
                   "'s MAC array is " + Twine(CG.AtomK) + "x" +
                   Twine(CG.AtomC) +
                   " (atomic K x atomic C); leave --mac-geometry out");
      S.Geo = CG;
    }
    Bits = parseIntList("bits", BitsStr, 7);
    Stucks = parseIntList("stuck", StuckStr, 1);
    for (int C : parseIntList("cells", CellsStr, int(S.Geo.cells()) - 1))
      S.Cells.push_back(unsigned(C));
    SmallVector<StringRef, 2> Items;
    StringRef(OperandsStr).split(Items, ',');
    for (StringRef It : Items) {
      StringRef T = It.trim();
      if (T != "weight" && T != "data")
        usageError("--operands: '" + It + "' is not weight or data");
      if (llvm::is_contained(OperandNames, T.str()))
        usageError("--operands: '" + T + "' is given twice");
      OperandNames.push_back(T.str());
      Operands.push_back(T == "weight" ? fault::Operand::Weight
                                       : fault::Operand::Data);
    }
  } else {
    if (RatesStr.empty())
      usageError("give --rates");
    Rates = parseRates();
  }
  double Sa1;
  if (StringRef(Sa1ShareStr).getAsDouble(Sa1) || Sa1 < 0 || Sa1 > 1)
    usageError("--sa1-share: '" + Sa1ShareStr + "' is not in [0, 1]");
  if (Maps < 1)
    usageError("--maps must be >= 1");
  S.Sa1Share = Sa1;
  std::vector<std::string> MitNames;
  {
    SmallVector<StringRef, 8> Items;
    StringRef(MitigationsStr).split(Items, ',');
    for (StringRef It : Items) {
      auto M = fault::parseMitigation(It.trim());
      if (!M)
        usageError("--mitigations: " + toString(M.takeError()));
      if (llvm::is_contained(MitNames, M->name()))
        usageError("--mitigations: '" + It + "' is given twice");
      static const StringRef LanePolicies[] = {
          "none",           "sign-bit",          "inverse-sign-bit",
          "sign-bit-clamp", "optimal:sign-bit", "optimal:inverse-sign-bit"};
      if (Cbuf && M->name() != "none")
        usageError("--mitigations: '" + It +
                   "': CBUF faults have no mitigation (--memory=cbuf takes "
                   "none only)");
      if (Cmac && !llvm::is_contained(LanePolicies, StringRef(M->name())))
        usageError("--mitigations: '" + It +
                   "' does not apply to MAC lanes (--memory=cmac takes none, "
                   "sign-bit, inverse-sign-bit, sign-bit-clamp, "
                   "optimal:sign-bit and optimal:inverse-sign-bit)");
      MitNames.push_back(M->name());
      S.Mitigations.push_back(*M);
    }
  }
  unsigned ShardI = 0, ShardN = 1;
  if (!ShardStr.empty()) {
    StringRef A, B;
    std::tie(A, B) = StringRef(ShardStr).split('/');
    if (A.getAsInteger(10, ShardI) || B.getAsInteger(10, ShardN) ||
        ShardN == 0 || ShardI >= ShardN)
      usageError("--shard: '" + ShardStr + "' is not i/N with 0 <= i < N");
  }
  auto Scale = parsePreprocessNumber(ScaleStr);
  if (!Scale)
    usageError("--scale: '" + ScaleStr + "' is not a number");
  Preprocess Prep;
  Prep.Scale = *Scale;

  // The sweep, in run-index order: rate 0 once, then rate x map x mitigation.
  // cmac: the fault-free run, then operand x bit x stuck x mitigation.
  std::vector<RunSpec> All;
  if (Cmac) {
    All.push_back({0, 0, 0, 0});
    for (fault::Operand Op : Operands)
      for (int B : Bits)
        for (int St : Stucks)
          for (unsigned M = 0; M < MitNames.size(); ++M)
            All.push_back({All.size(), 0, 0, M, Op, B, St});
  }
  for (double R : Rates)
    for (unsigned K = 0; K < (R == 0 ? 1u : unsigned(Maps)); ++K)
      for (unsigned M = 0; M < (R == 0 ? 1u : MitNames.size()); ++M)
        All.push_back({All.size(), R, K, M});

  // Provenance: everything that determines the rows, nothing that does not.
  Campaign C;
  C.TotalRuns = All.size();
  C.Rates = Rates;
  C.Mitigations = MitNames;
  C.Cmac = Cmac;
  C.Operands = OperandNames;
  C.Bits = Bits;
  C.Stucks = Stucks;
  json::Array RatesJ, MitsJ;
  for (double R : Rates)
    RatesJ.push_back(R);
  for (auto &M : MitNames)
    MitsJ.push_back(M);
  // The march as the command spells it: nvdla-* with its executor (host
  // campaigns keep their earlier command line).
  std::string MarchArg =
      Cfg ? (Cfg->Name + " --executor=" + ExecutorName +
             (AllowCpuFallback ? " --allow-cpu-fallback" : ""))
                .str()
          : March.getValue();
  std::string Command =
      formatv("onnc-campaign {0} --march={1} --quantize={2} "
              "--weight-bits={3} {4} --images={5} "
              "--labels={6} --limit={7} --memory={8} "
              "--rates={9} --sa1-share={10} --maps={11} "
              "--mitigations={12} --seed={13} --scale={14}",
              ModelPath, MarchArg, QuantizeMode, WeightBits,
              CalibTable.empty() ? "--calibration-data=" + CalibData +
                                       " --calibration-samples=" +
                                       std::to_string(CalibSamples) +
                                       " --calibration-method=" + CalibMethod
                                 : "--calibration-table=" + CalibTable,
              ImagesPath, LabelsPath, Limit, MemoryKind, RatesStr, Sa1ShareStr,
              Maps, MitigationsStr, Seed, ScaleStr)
          .str();
  if (Cmac)
    Command =
        formatv(
            "onnc-campaign {0} --march={1} --quantize={2} "
            "--weight-bits={3} {4} --images={5} --labels={6} "
            "--limit={7} --memory=cmac --mac-geometry={8}x{9} "
            "--cells={10} --operands={11} --bits={12} --stuck={13} "
            "--mitigations={14} --scale={15}",
            ModelPath, MarchArg, QuantizeMode, WeightBits,
            CalibTable.empty()
                ? "--calibration-data=" + CalibData +
                      " --calibration-samples=" + std::to_string(CalibSamples) +
                      " --calibration-method=" + CalibMethod
                : "--calibration-table=" + CalibTable,
            ImagesPath, LabelsPath, Limit, S.Geo.AtomK, S.Geo.AtomC, CellsStr,
            OperandsStr, BitsStr, StuckStr, MitigationsStr, ScaleStr)
            .str();
  json::Object P{
      {"tool", "onnc-campaign"},
      {"version", ONNCF_VERSION_STRING},
      {"command", Command},
      {"model", ModelPath},
      {"model_hash", hex64(hashFile(ModelPath))},
      {"calibration", CalibTable.empty() ? CalibData : CalibTable},
      {"calibration_hash",
       CalibTable.empty() ? std::string("-") : hex64(hashFile(CalibTable))},
      {"images", ImagesPath},
      {"labels", LabelsPath},
      {"limit", Limit.getValue()},
      {"march", Cfg ? Cfg->Name.str() : March.getValue()},
      {"executor", ExecutorName.getValue()},
      {"memory", MemoryKind},
      {"weight_bits", int64_t(WeightBits)},
      {"rates", std::move(RatesJ)},
      {"sa1_share", Sa1},
      {"maps", int64_t(Maps)},
      {"mitigations", std::move(MitsJ)},
      {"seed", int64_t(Seed)},
      {"map_seed_rule", "seed = mix64(mix64(mix64(seed) ^ bits(rate)) ^ k) "
                        "(SplitMix64 finaliser; per-run seeds in the CSV)"}};
  if (Cmac) {
    // The wmem sweep's fields mean nothing here.
    json::Object Q;
    for (auto &KV : P) {
      StringRef K = KV.first;
      if (K != "rates" && K != "sa1_share" && K != "maps" && K != "seed" &&
          K != "map_seed_rule")
        Q[K] = KV.second;
    }
    P = std::move(Q);
    json::Array Ops, BitsJ, StuckJ, CellsJ;
    for (auto &O : OperandNames)
      Ops.push_back(O);
    for (int B : Bits)
      BitsJ.push_back(B);
    for (int St : Stucks)
      StuckJ.push_back(St);
    for (unsigned Ce : S.Cells)
      CellsJ.push_back(int64_t(Ce));
    P["operands"] = std::move(Ops);
    P["bits"] = std::move(BitsJ);
    P["stuck"] = std::move(StuckJ);
    P["cells"] = std::move(CellsJ);
    P["mac_geometry"] = json::Array{int64_t(S.Geo.AtomK), int64_t(S.Geo.AtomC)};
    P["fault_model"] = "explicit cell faults: bit <bit> of the <operand> lane "
                       "of every listed MAC cell stuck at <stuck> "
                       "(docs/CmacFaults.md)";
  }

  // Load, calibrate, quantize, lower and place once.
  std::unique_ptr<Graph> G = exitOnErr(loadModel(ModelPath));
  if (Error E = verifyGraph(*G))
    exitOnError(addFileContext(std::move(E), ModelPath));
  S.Data = exitOnErr(loadDataset(ImagesPath, LabelsPath));
  if (!S.Data.hasLabels())
    exitOnError(makeError(ImagesPath + ": the dataset has no labels"));
  CalibrationTable Table;
  {
    PassManager PM;
    if (Error E = PM.addPipeline("default"))
      exitOnError(std::move(E));
    if (Error E = PM.run(*G))
      exitOnError(addFileContext(std::move(E), ModelPath));
    if (!CalibTable.empty()) {
      Table = exitOnErr(CalibrationTable::readFile(CalibTable));
    } else {
      if (G->getInputs().size() != 1)
        exitOnError(makeError(ModelPath + ": calibration needs a model with "
                                          "one input"));
      Tensor Samples = exitOnErr(loadCalibrationData(
          CalibData, CalibSamples, Prep, G->getInputs()[0]->getType()));
      CalibrationOptions CO;
      CO.Method = *Method;
      CO.ActivationBits = *ActBits;
      Table = exitOnErr(calibrateGraph(*G, Samples, CO));
    }
    QuantizeOptions QO;
    QO.ActivationBits = *ActBits;
    QO.WeightBits = WeightBits;
    if (Error E = quantizeGraph(*G, Table, QO))
      exitOnError(addFileContext(std::move(E), ModelPath));
    TargetOptions TO;
    TO.ActivationBits = *ActBits;
    TO.WeightBits = WeightBits;
    TO.Threads = 1; // parallelism is across runs
    TO.AllowCpuFallback = AllowCpuFallback;
    if (Cfg) {
      // NVDLA: onnc-fault's nvdla-place-weights on the quant graph; each
      // run mitigates it (and for the VP lowers it) as onnc-fault does.
      S.Cfg = Cfg;
      S.Target = exitOnErr(TargetRegistry::get().find(Cfg->Name));
      S.TO = TO;
      S.VP = ExecutorName == "vp";
      S.Cbuf = Cbuf;
      auto Bytes = nvdla::placeNvdlaWeights(*G, *Cfg);
      if (!Bytes)
        exitOnError(addFileContext(Bytes.takeError(), ModelPath));
      S.WMemBytes = *Bytes;
      if (S.WMemBytes == 0)
        exitOnError(makeError(ModelPath + ": the quantized model stores no "
                                          "weights (quant.conv / quant.fc)"));
    } else {
      const TargetInfo *T = exitOnErr(TargetRegistry::get().find("host"));
      if (Error E = T->Lower(*G, TO))
        exitOnError(addFileContext(std::move(E), ModelPath));
    }
  }
  if (Cfg) {
    if (Cmac && !fault::hasMacPlacement(*G))
      exitOnError(makeError(ModelPath + ": the quantized model has no int8 "
                                        "quant.conv / quant.fc for the MAC "
                                        "array"));
    P["allow_cpu_fallback"] = bool(AllowCpuFallback);
    if (Cbuf)
      P["cbuf_geometry"] =
          json::Array{int64_t(Cfg->CbufBanks), int64_t(Cfg->CbufBankDepth),
                      int64_t(8 * Cfg->CbufEntryBytes)};
    else if (!Cmac)
      P["wmem_bytes"] = int64_t(S.WMemBytes);
  } else if (Cmac) {
    if (fault::placeMacLanes(*G, S.Geo) == 0)
      exitOnError(makeError(ModelPath + ": the quantized model has no int8 "
                                        "quant.conv / quant.fc for the MAC "
                                        "array"));
  } else {
    S.WMemBytes = fault::placeWeightsLinearly(*G);
    if (S.WMemBytes == 0)
      exitOnError(makeError(ModelPath + ": the quantized model stores no "
                                        "weights (quant.conv / quant.fc)"));
    P["wmem_bytes"] = int64_t(S.WMemBytes);
  }
  S.PlacedText = printGraphToString(*G);
  if (Cfg) {
    // Both executors evaluate only what onnc-fault -march=<Cfg> compiles:
    // one trial lowering of the placed graph reports an op the config
    // cannot run (e.g. quant.add without SDP EW) once, up front, instead of
    // the host executor running a model the chip cannot.
    auto Trial = exitOnErr(parseGraph(S.PlacedText, "<placed model>"));
    if (Error E = S.Target->Lower(*Trial, S.TO))
      exitOnError(addFileContext(std::move(E), ModelPath));
  }
  // The calibrated, quantized model itself, so a changed calibration (data
  // or code) gives another campaign.
  P["quantized_model_hash"] = hex64(xxHash64(S.PlacedText));
  std::string ProvText;
  raw_string_ostream(ProvText) << json::Value(json::Object(P));
  P["campaign_hash"] = hex64(xxHash64(ProvText));
  C.Provenance = std::move(P);
  S.EO.Batch = Batch;
  S.EO.Limit = Limit;
  S.EO.Threads = 1;
  S.EO.Prep = Prep;

  std::vector<RunSpec> Mine;
  for (const RunSpec &R : All)
    if (R.Index % ShardN == ShardI)
      Mine.push_back(R);

  std::vector<RunRow> Rows(Mine.size());
  std::vector<std::optional<std::string>> Errors(Mine.size());
  std::atomic<size_t> Done{0};
  std::mutex ProgressLock;
  bool Progress = sys::Process::StandardErrIsDisplayed();
  auto Report = [&] {
    size_t D = ++Done;
    if (!Progress)
      return;
    std::lock_guard<std::mutex> L(ProgressLock);
    unsigned Width = 40, Fill = unsigned(D * Width / Mine.size());
    errs() << "\r[" << std::string(Fill, '#') << std::string(Width - Fill, ' ')
           << "] " << D << "/" << Mine.size() << " runs";
    if (D == Mine.size())
      errs() << "\n";
  };
  auto Start = std::chrono::steady_clock::now();
  ThreadPoolStrategy Strategy = hardware_concurrency(Jobs);
  {
    ThreadPool Pool(Strategy);
    for (size_t I = 0; I < Mine.size(); ++I)
      Pool.async([&, I] {
        auto R = runOne(S, Mine[I]);
        if (R)
          Rows[I] = std::move(*R);
        else
          Errors[I] = toString(R.takeError());
        Report();
      });
    Pool.wait();
  }
  for (size_t I = 0; I < Mine.size(); ++I)
    if (Errors[I])
      exitOnError(makeError(ModelPath + ": run " + Twine(Mine[I].Index) + ": " +
                            *Errors[I]));
  writeOutputs(C, Rows);
  // Timing goes to stdout, never into the outputs (they must not depend on
  // the machine).
  double Secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  int64_t Images = 0;
  for (const RunRow &R : Rows)
    Images += R.Count;
  outs() << formatv("onnc-campaign: {0} runs, {1} images in {2:f2} s ({3:f0} "
                    "images/s, {4} threads)\n",
                    Rows.size(), Images, Secs, Secs > 0 ? Images / Secs : 0.0,
                    Strategy.compute_thread_count());
  return ExitSuccess;
}
