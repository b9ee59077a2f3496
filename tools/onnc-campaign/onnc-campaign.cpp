//===- onnc-campaign.cpp - Fault-injection campaigns ----------------------===//
//
// Part of onnc-fault. Sweeps fault rates x defect maps x mitigations on a
// model (issue 5, item 7): the model is calibrated, quantized and placed
// once; each run builds a procedural weight-memory map, stores the weights
// with the mitigation (as onnc-fault --defect-map does), reads them through
// the map's faults and decoders (as onnc-run --defect-map does) and
// evaluates the integer interpreter on the dataset. Runs are independent and
// run on a thread pool, one run per thread, so results do not depend on -j.
// `onnc-campaign merge` recombines --shard outputs. See
// docs/tools/onnc-campaign.md.
//
//===----------------------------------------------------------------------===//
#include "Results.h"
#include "onncf/Campaign/Stats.h"
#include "onncf/Config/Version.h"
#include "onncf/Data/Dataset.h"
#include "onncf/Fault/DefectMap.h"
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
static cl::opt<std::string> March("march", cl::desc("Executor: host"),
                                  cl::init("host"), cl::cat(Cat));
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
static cl::opt<std::string> MemoryKind("memory",
                                       cl::desc("Faulty memory: wmem"),
                                       cl::init("wmem"), cl::cat(Cat));
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

namespace {
/// One cell of the sweep.
struct RunSpec {
  uint64_t Index;
  double Rate;
  unsigned Map;
  unsigned Mitigation; ///< index into the mitigation list
};

/// What every run shares (read-only while the pool runs).
struct Shared {
  std::string PlacedText; ///< the quantized, placed graph as text IR
  uint64_t WMemBytes = 0;
  std::vector<fault::Mitigation> Mitigations;
  Dataset Data;
  EvaluateOptions EO;
  double Sa1Share = 0.8;
};
} // namespace

static Expected<RunRow> runOne(const Shared &S, const RunSpec &Spec) {
  RunRow Row;
  Row.Index = Spec.Index;
  Row.Rate = Spec.Rate;
  Row.Map = Spec.Map;
  Row.WeightBits = WeightBits;
  Row.Mitigation =
      Spec.Rate == 0 ? "none" : S.Mitigations[Spec.Mitigation].name();
  Row.MapHash = "-";
  auto G = parseGraph(S.PlacedText, "<placed model>");
  if (!G)
    return G.takeError();
  std::optional<fault::DefectMap> Map;
  std::string MapName;
  if (Spec.Rate != 0) {
    Row.Seed = mapSeed(Seed, Spec.Rate, Spec.Map);
    Map.emplace();
    fault::Memory M;
    M.Kind = fault::MemoryKind::WMem;
    M.Name = "wmem";
    M.Entries = S.WMemBytes;
    M.Width = 8;
    unsigned Idx = Map->addMemory(M);
    fault::RandomFaults R;
    R.Rate = Spec.Rate;
    R.Sa1Share = S.Sa1Share;
    R.Seed = Row.Seed;
    Map->Random[Idx] = R;
    MapName = formatv("map(rate={0},k={1},seed={2})", formatDouble(Spec.Rate),
                      Spec.Map, Row.Seed)
                  .str();
    if (Error E = Map->finalize(MapName))
      return E;
    std::string Text;
    raw_string_ostream OS(Text);
    Map->print(OS);
    Row.MapHash = hex64(xxHash64(OS.str()));
    auto Rep = fault::mitigateWeights(**G, *Map, S.Mitigations[Spec.Mitigation],
                                      MapName);
    if (!Rep)
      return Rep.takeError();
    Row.FaultyWords = Rep->Totals.FaultyWords;
    Row.Words1NonSilent = Rep->Totals.Words1NonSilent;
    Row.Words2PlusNonSilent = Rep->Totals.Words2PlusNonSilent;
  }
  if (Error E = fault::applyWeightFaults(**G, Map ? &*Map : nullptr, MapName))
    return E;
  InterpreterOptions IO;
  IO.Threads = 1; // parallelism is across runs
  auto I = Interpreter::create(**G, IO);
  if (!I)
    return I.takeError();
  auto R = evaluateDataset(**I, S.Data, S.EO);
  if (!R)
    return R.takeError();
  Row.Top1Correct = R->Top1;
  Row.Top5Correct = R->Top5;
  Row.Count = R->Count;
  return Row;
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
  if (March != "host")
    usageError("-march=" + March +
               ": only the host executor is supported "
               "by onnc-campaign so far");
  if (MemoryKind != "wmem")
    usageError("--memory=" + MemoryKind +
               ": only wmem (the host weight "
               "memory) is supported so far");
  auto ActBits = parseQuantizeMode(QuantizeMode);
  if (!ActBits)
    usageError("--quantize: " + toString(ActBits.takeError()));
  if (WeightBits < 2 || WeightBits > 16)
    usageError("--weight-bits must be in 2..16, not " + Twine(WeightBits));
  auto Method = parseCalibrationMethod(CalibMethod);
  if (!Method)
    usageError("--calibration-method: " + toString(Method.takeError()));
  if (CalibData.empty() == CalibTable.empty())
    usageError("give one of --calibration-data and --calibration-table");
  if (ImagesPath.empty() || LabelsPath.empty())
    usageError("give --images and --labels");
  if (Limit < 0 || Batch < 1)
    usageError("--limit must be >= 0 and --batch >= 1");
  if (RatesStr.empty())
    usageError("give --rates");
  std::vector<double> Rates = parseRates();
  double Sa1;
  if (StringRef(Sa1ShareStr).getAsDouble(Sa1) || Sa1 < 0 || Sa1 > 1)
    usageError("--sa1-share: '" + Sa1ShareStr + "' is not in [0, 1]");
  if (Maps < 1)
    usageError("--maps must be >= 1");
  Shared S;
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
  std::vector<RunSpec> All;
  for (double R : Rates)
    for (unsigned K = 0; K < (R == 0 ? 1u : unsigned(Maps)); ++K)
      for (unsigned M = 0; M < (R == 0 ? 1u : MitNames.size()); ++M)
        All.push_back({All.size(), R, K, M});

  // Provenance: everything that determines the rows, nothing that does not.
  Campaign C;
  C.TotalRuns = All.size();
  C.Rates = Rates;
  C.Mitigations = MitNames;
  json::Array RatesJ, MitsJ;
  for (double R : Rates)
    RatesJ.push_back(R);
  for (auto &M : MitNames)
    MitsJ.push_back(M);
  std::string Command =
      formatv("onnc-campaign {0} --march={1} --quantize={2} "
              "--weight-bits={3} {4} --images={5} "
              "--labels={6} --limit={7} --memory={8} "
              "--rates={9} --sa1-share={10} --maps={11} "
              "--mitigations={12} --seed={13} --scale={14}",
              ModelPath, March, QuantizeMode, WeightBits,
              CalibTable.empty() ? "--calibration-data=" + CalibData +
                                       " --calibration-samples=" +
                                       std::to_string(CalibSamples) +
                                       " --calibration-method=" + CalibMethod
                                 : "--calibration-table=" + CalibTable,
              ImagesPath, LabelsPath, Limit, MemoryKind, RatesStr, Sa1ShareStr,
              Maps, MitigationsStr, Seed, ScaleStr)
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
      {"march", March},
      {"memory", MemoryKind},
      {"weight_bits", int64_t(WeightBits)},
      {"rates", std::move(RatesJ)},
      {"sa1_share", Sa1},
      {"maps", int64_t(Maps)},
      {"mitigations", std::move(MitsJ)},
      {"seed", int64_t(Seed)},
      {"map_seed_rule", "seed = mix64(mix64(mix64(seed) ^ bits(rate)) ^ k) "
                        "(SplitMix64 finaliser; per-run seeds in the CSV)"}};

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
    const TargetInfo *T = exitOnErr(TargetRegistry::get().find("host"));
    TargetOptions TO;
    TO.ActivationBits = *ActBits;
    TO.WeightBits = WeightBits;
    if (Error E = T->Lower(*G, TO))
      exitOnError(addFileContext(std::move(E), ModelPath));
  }
  S.WMemBytes = fault::placeWeightsLinearly(*G);
  if (S.WMemBytes == 0)
    exitOnError(makeError(ModelPath + ": the quantized model stores no "
                                      "weights (quant.conv / quant.fc)"));
  S.PlacedText = printGraphToString(*G);
  P["wmem_bytes"] = int64_t(S.WMemBytes);
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
