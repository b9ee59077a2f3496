//===- onnc-fault.cpp - The onnc-fault compiler driver --------------------===//
//
// Part of onnc-fault. Compiles an ONNX model (or a text-IR graph) for a
// target: import, the `default` canonicalization pipeline, calibration on
// user data (or a calibration table), quantization, target lowering and
// emission of the target's native output (or the final IR, or a QDQ ONNX
// model). See docs/tools/onnc-fault.md.
//
// Calibration, quantization and lowering run as passes of the same pass
// manager as the `default` pipeline, so --print-after-all, --time-passes and
// --verify-each see the whole compilation. The calibration data (or table)
// is read before the pipeline starts, so a bad file fails fast and its error
// names that file rather than a pass.
//
//===----------------------------------------------------------------------===//
#include "onncf/Config/Version.h"
#include "onncf/Data/Dataset.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/Fault/Policy.h"
#include "onncf/Fault/WeightFaults.h"
#include "onncf/Frontend/ModelLoader.h"
#include "onncf/Frontend/ONNX/ONNXExporter.h"
#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/Pass/PassManager.h"
#include "onncf/Pass/PassManagerOptions.h"
#include "onncf/Quant/CalibrationRunner.h"
#include "onncf/Quant/CalibrationTable.h"
#include "onncf/Quant/QDQ.h"
#include "onncf/Quant/Quantize.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "onncf/Target/Target.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Transforms/Passes.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>

using namespace llvm;
using namespace onncf;

static cl::OptionCategory FaultCat("onnc-fault options");

static cl::opt<std::string> ModelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx | model.ir>"),
                                      cl::cat(FaultCat));
static cl::opt<std::string> OutputPath(
    "o",
    cl::desc("Output file ('-' is stdout; default: the model's file stem "
             "plus the output's extension, in the current folder)"),
    cl::value_desc("FILE"), cl::cat(FaultCat));
static cl::opt<std::string> March("march", cl::desc("Target (set in main)"),
                                  cl::value_desc("target"), cl::init("host"),
                                  cl::cat(FaultCat));

enum class EmitKind { Native, IR, QuantIR, ONNX };
static cl::opt<EmitKind> Emit(
    "emit", cl::desc("What to write (default: the target's native output)"),
    cl::values(clEnumValN(EmitKind::Native, "native",
                          "the target's native output (host: text IR)"),
               clEnumValN(EmitKind::IR, "ir",
                          "the final IR as text, for any target"),
               clEnumValN(EmitKind::QuantIR, "quant-ir",
                          "the quantized IR before the target's lowering "
                          "(with --defect-map: placed for the target and "
                          "mitigated: what the chip stores, for onnc-run)"),
               clEnumValN(EmitKind::ONNX, "onnx",
                          "the quantized model as standard ONNX "
                          "(QuantizeLinear/DequantizeLinear)")),
    cl::init(EmitKind::Native), cl::cat(FaultCat));

static cl::opt<std::string>
    QuantizeMode("quantize",
                 cl::desc("Activation type: int8 (default) or int16"),
                 cl::value_desc("int8|int16"), cl::init("int8"),
                 cl::cat(FaultCat));
static cl::opt<unsigned>
    WeightBits("weight-bits",
               cl::desc("Weight word width, 2..16 (default 8; symmetric "
                        "range +-(2^(N-1)-1))"),
               cl::value_desc("N"), cl::init(8), cl::cat(FaultCat));
static cl::opt<WeightGranularity> WeightGran(
    "weight-granularity",
    cl::desc("Weight scales per output channel (default) or per tensor"),
    cl::values(clEnumValN(WeightGranularity::PerChannel, "per-channel",
                          "one scale per output channel"),
               clEnumValN(WeightGranularity::PerTensor, "per-tensor",
                          "one scale per weight tensor")),
    cl::init(WeightGranularity::PerChannel), cl::cat(FaultCat));

static cl::opt<std::string> CalibData(
    "calibration-data",
    cl::desc("Calibration samples: an IDX(.gz), .npy or .pb file (batch "
             "axis first) or a folder of .pgm/.npy/.pb files (name order)"),
    cl::value_desc("PATH"), cl::cat(FaultCat));
static cl::opt<unsigned> CalibSamples(
    "calibration-samples",
    cl::desc("Use the first N samples (default 500; 0: all)"),
    cl::value_desc("N"), cl::init(500), cl::cat(FaultCat));
static cl::opt<std::string> CalibMethod(
    "calibration-method",
    cl::desc("Activation thresholds: kl (default), minmax or "
             "percentile[:P] (P in (0,100], default 99.99)"),
    cl::value_desc("method"), cl::init("kl"), cl::cat(FaultCat));
static cl::opt<std::string> CalibTable(
    "calibration-table",
    cl::desc("Quantize with this calibration table (JSON) instead of "
             "calibrating on data"),
    cl::value_desc("FILE"), cl::cat(FaultCat));
static cl::opt<std::string> WriteCalibTable(
    "write-calibration-table",
    cl::desc("Write the activation scales used as a calibration table"),
    cl::value_desc("FILE"), cl::cat(FaultCat));

static cl::opt<std::string>
    ScaleStr("scale",
             cl::desc("Integer calibration images are scaled first: x * "
                      "scale (default 1/255; a number or a fraction)"),
             cl::value_desc("s"), cl::init("1/255"), cl::cat(FaultCat));
static cl::opt<std::string>
    MeanStr("mean",
            cl::desc("Subtracted after scaling: one value or one per channel, "
                     "comma-separated (default 0)"),
            cl::value_desc("m[,m...]"), cl::cat(FaultCat));
static cl::opt<std::string>
    StdStr("std",
           cl::desc("Divides after the mean: one value or one per channel, "
                    "comma-separated (default 1)"),
           cl::value_desc("s[,s...]"), cl::cat(FaultCat));
static cl::opt<unsigned> Threads(
    "threads",
    cl::desc("Worker threads (0: all cores, the default); the output does "
             "not depend on it"),
    cl::value_desc("N"), cl::init(0), cl::cat(FaultCat));
// -jN / -j N, as make takes it (a cl::alias cannot be a prefix option).
static cl::opt<unsigned> ThreadsShort("j", cl::desc("Same as --threads"),
                                      cl::value_desc("N"), cl::Prefix,
                                      cl::cat(FaultCat));

static cl::opt<bool> AllowCpuFallback(
    "allow-cpu-fallback",
    cl::desc("Run ops the target's hardware cannot run on its CPU (NVDLA: "
             "EMU1 tasks, e.g. an element-wise add without SDP EW as the "
             "onnc-fault extension op ONNCF_ADD, which NVIDIA's runtime "
             "does not know) instead of failing"),
    cl::init(false), cl::cat(FaultCat));

// Fault-aware compilation for one chip (docs/FaultInjection.md).
static cl::opt<std::string> DefectMapPath(
    "defect-map",
    cl::desc("Compile for the chip of this defect map: place the weights in "
             "its weight memory and store them with --mitigation (host and "
             "nvdla-*); nvdla-* also takes maps of the convolution buffer "
             "(cbuf) and MAC lanes (cmac)"),
    cl::value_desc("FILE"), cl::cat(FaultCat));
static cl::opt<std::string> MitigationName(
    "mitigation",
    cl::desc("With --defect-map: how weights are stored: none (default), "
             "add-sub, lsb, c1, sign-bit, inverse-sign-bit, sign-bit-clamp, "
             "optimal[:none|lsb|c1|sign-bit|inverse-sign-bit] or auto (per "
             "layer); MAC lanes (cmac) take none, sign-bit, inverse-sign-bit, "
             "sign-bit-clamp and optimal:sign-bit|inverse-sign-bit"),
    cl::value_desc("policy"), cl::init("none"), cl::cat(FaultCat));
static cl::opt<std::string> FaultReportPath(
    "report",
    cl::desc("With --defect-map: write what the mitigation did, in total and "
             "per layer, as JSON"),
    cl::value_desc("FILE"), cl::cat(FaultCat));

/// A --mean / --std value; a bad item is a usage error.
static std::vector<float> parseList(StringRef Option, StringRef S) {
  auto R = parsePreprocessList(S);
  if (!R)
    usageError("--" + Option + ": " + toString(R.takeError()));
  return *R;
}

namespace {

/// Calibrates the graph as it is at this point of the pipeline (after the
/// `default` passes), or takes the table read from --calibration-table.
/// The samples were loaded before the pipeline started.
class CalibratePass : public Pass {
public:
  CalibratePass(std::optional<Tensor> Samples,
                std::optional<CalibrationTable> Given,
                CalibrationOptions Opts, CalibrationTable &Out)
      : Samples(std::move(Samples)), Given(std::move(Given)), Opts(Opts),
        Out(Out) {}
  StringRef getName() const override { return "calibrate"; }
  StringRef getDescription() const override {
    return "compute activation scales on calibration data";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    if (Given) {
      Out = *Given;
      return Error::success();
    }
    auto T = calibrateGraph(G, *Samples, Opts);
    if (!T)
      return T.takeError();
    Out = std::move(*T);
    Ctx.recordChange("values calibrated", Out.size());
    return Error::success();
  }

private:
  std::optional<Tensor> Samples;
  std::optional<CalibrationTable> Given;
  CalibrationOptions Opts;
  CalibrationTable &Out;
};

/// Writes the table the calibrate pass produced (--write-calibration-table)
/// before quantization, so the table exists even if quantization fails.
class WriteTablePass : public Pass {
public:
  WriteTablePass(std::string Path, const CalibrationTable &T)
      : Path(std::move(Path)), T(T) {}
  StringRef getName() const override { return "write-calibration-table"; }
  StringRef getDescription() const override {
    return "write the calibration table";
  }
  Error run(Graph &, PassContext &) override { return T.writeFile(Path); }

private:
  std::string Path;
  const CalibrationTable &T;
};

class QuantizeWithTablePass : public Pass {
public:
  QuantizeWithTablePass(const CalibrationTable &T, QuantizeOptions Opts)
      : T(T), Opts(Opts) {}
  StringRef getName() const override { return "quantize"; }
  StringRef getDescription() const override {
    return "rewrite the float graph into quant.* integer ops";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    Ctx.markChanged();
    return quantizeGraph(G, T, Opts);
  }

private:
  const CalibrationTable &T;
  QuantizeOptions Opts;
};

/// Places the weights in the chip's weight memory (the host target's linear
/// one) and rewrites them into the words stored for the defect map's chip.
class MitigateWeightsPass : public Pass {
public:
  MitigateWeightsPass(const fault::DefectMap &Map, fault::Mitigation M,
                      std::string MapName, fault::WeightMitigationReport &Out,
                      bool PlaceLinearly)
      : Map(Map), M(M), MapName(std::move(MapName)), Out(Out),
        PlaceLinearly(PlaceLinearly) {}
  StringRef getName() const override { return "mitigate-weights"; }
  StringRef getDescription() const override {
    return "store the weights for the defect map's chip";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    if (PlaceLinearly)
      fault::placeWeightsLinearly(G);
    auto R = fault::mitigateWeights(G, Map, M, MapName);
    if (!R)
      return R.takeError();
    Out = std::move(*R);
    Ctx.recordChange("weight words stored", Out.Totals.Words);
    return Error::success();
  }

private:
  const fault::DefectMap &Map;
  fault::Mitigation M;
  std::string MapName;
  fault::WeightMitigationReport &Out;
  /// Host: the linear weight memory; a target that placed the weights
  /// itself (NvdlaPlacePass) keeps its placement.
  bool PlaceLinearly;
};

/// MAC lane mitigation (docs/CmacFaults.md) for the map's cmac memory:
/// the read-path substitutions, and for sign-bit-clamp the clamped weights,
/// which therefore run before mitigate-weights stores them. The host
/// target, which has no MAC placement, gets its linear weight placement
/// (which wmem_kcrs needs) and nv_small's 8x8 array as onnc-run gives it.
class MitigateMacLanesPass : public Pass {
public:
  MitigateMacLanesPass(const fault::DefectMap &Map, fault::Mitigation M,
                       std::string MapName, fault::MacMitigationReport &Out,
                       bool PlaceLinearly)
      : Map(Map), M(M), MapName(std::move(MapName)), Out(Out),
        PlaceLinearly(PlaceLinearly) {}
  StringRef getName() const override { return "mitigate-mac-lanes"; }
  StringRef getDescription() const override {
    return "set the MAC lane substitutions for the defect map's chip";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    if (PlaceLinearly)
      fault::placeWeightsLinearly(G);
    if (!fault::hasMacPlacement(G))
      fault::placeMacLanes(G, fault::nvSmallMacGeometry());
    auto R = fault::mitigateMacLanes(G, Map, M, MapName);
    if (!R)
      return R.takeError();
    Out = std::move(*R);
    Ctx.recordChange("MAC lanes substituted", Out.Lanes);
    Ctx.recordChange("weights clamped for MAC lanes", Out.Clamped);
    return Error::success();
  }

private:
  const fault::DefectMap &Map;
  fault::Mitigation M;
  std::string MapName;
  fault::MacMitigationReport &Out;
  bool PlaceLinearly;
};

/// NVDLA: places the weights of the quant graph where the loadable's
/// weights blob will hold them (before lowering, so mitigation and the
/// host interpreter work on quant ops).
class NvdlaPlacePass : public Pass {
public:
  explicit NvdlaPlacePass(const nvdla::NvdlaConfig &Cfg) : Cfg(Cfg) {}
  StringRef getName() const override { return "nvdla-place-weights"; }
  StringRef getDescription() const override {
    return "place the weights in the NVDLA weights blob";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    auto Bytes = nvdla::placeNvdlaWeights(G, Cfg);
    if (!Bytes)
      return Bytes.takeError();
    Ctx.recordChange("weight bytes placed", *Bytes);
    return Error::success();
  }

private:
  const nvdla::NvdlaConfig &Cfg;
};

class QDQPass : public Pass {
public:
  StringRef getName() const override { return "quant-to-qdq"; }
  StringRef getDescription() const override {
    return "rewrite quant.* ops into ONNX QuantizeLinear/DequantizeLinear";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    Ctx.markChanged();
    return lowerQuantToQDQ(G);
  }
};

class TargetLowerPass : public Pass {
public:
  TargetLowerPass(const TargetInfo &T, TargetOptions Opts)
      : T(T), Opts(Opts), Name("lower-" + T.Name) {}
  StringRef getName() const override { return Name; }
  StringRef getDescription() const override {
    return "lower the quantized graph for the target";
  }
  Error run(Graph &G, PassContext &Ctx) override {
    Ctx.markChanged();
    return T.Lower(G, Opts);
  }

private:
  const TargetInfo &T;
  TargetOptions Opts;
  std::string Name;
};

} // namespace

/// The -o default: the model's stem plus \p Ext, in the current folder.
static std::string defaultOutput(StringRef Ext) {
  SmallString<128> Out(sys::path::stem(ModelPath));
  Out += Ext;
  return std::string(Out);
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  setToolName("onnc-fault");
  registerTransformsPasses();
  registerQuantizePass();
  registerAllTargets();
  registerPassManagerCLOptions(FaultCat, /*VerifyEachDefault=*/true);

  // -march's help lists the registered targets; cl keeps a StringRef.
  static std::string MarchDesc = [] {
    std::string S = "Target to compile for (default host):";
    for (const TargetInfo *T : TargetRegistry::get().all())
      S += "\n  " + T->Name + " - " + T->Description;
    return S;
  }();
  March.setDescription(MarchDesc);
  cl::HideUnrelatedOptions(FaultCat);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "onnc-fault version " << ONNCF_VERSION_STRING;
    if (StringRef(ONNCF_GIT_REVISION).size())
      OS << " (" << ONNCF_GIT_REVISION << ")";
    OS << "\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "onnc-fault: fault-aware ONNX compiler\n\n"
          "Imports MODEL, canonicalizes it, calibrates it on data (or reads "
          "a\ncalibration table), quantizes it and compiles it for -march.\n\n"
          "  onnc-fault model.onnx --calibration-data=calib/ -o model.ir\n"
          "  onnc-fault model.onnx --calibration-table=model.calib.json "
          "--weight-bits=4\n"
          "  onnc-fault model.onnx --calibration-data=x.npy --emit=onnx -o "
          "model.qdq.onnx\n"
          "  onnc-fault model.onnx -march=nvdla-small --calibration-data=x.npy "
          "\\\n      --defect-map=chip.map --mitigation=c1 -o m.nvdla   "
          "(and --emit=quant-ir\n      -o m.ir: the same stored weights for "
          "onnc-run m.ir --defect-map=chip.map)\n",
          &errs()))
    return ExitUsageError;

  if (ThreadsShort.getNumOccurrences())
    Threads = unsigned(ThreadsShort);

  // Usage checks, all before reading anything.
  const TargetInfo *Target = nullptr;
  {
    auto T = TargetRegistry::get().find(March);
    if (!T)
      usageError("-march: " + toString(T.takeError()));
    Target = *T;
  }
  auto ActBits = parseQuantizeMode(QuantizeMode);
  if (!ActBits)
    usageError("--quantize: " + toString(ActBits.takeError()));
  if (WeightBits < 2 || WeightBits > 16)
    usageError("--weight-bits must be in 2..16, not " + Twine(WeightBits));
  auto Method = parseCalibrationMethod(CalibMethod);
  if (!Method)
    usageError("--calibration-method: " + toString(Method.takeError()));
  bool HaveData = !CalibData.empty(), HaveTable = !CalibTable.empty();
  if (!HaveData && !HaveTable)
    usageError("give --calibration-data=PATH or --calibration-table=FILE");
  if (HaveData && HaveTable)
    usageError("--calibration-data and --calibration-table are exclusive");
  if (HaveTable && (CalibMethod.getNumOccurrences() ||
                    CalibSamples.getNumOccurrences()))
    usageError("--calibration-method and --calibration-samples need "
               "--calibration-data");
  Preprocess Prep;
  auto Scale = parsePreprocessNumber(ScaleStr);
  if (!Scale)
    usageError("--scale: '" + ScaleStr + "' is not a number");
  Prep.Scale = *Scale;
  Prep.Mean = parseList("mean", MeanStr);
  Prep.Std = parseList("std", StdStr);
  for (float S : Prep.Std)
    if (S == 0)
      usageError("--std values must be non-zero");

  std::string Output = OutputPath;
  if (Output.empty())
    Output = defaultOutput(Emit == EmitKind::ONNX ? StringRef(".onnx")
                           : Emit == EmitKind::IR || Emit == EmitKind::QuantIR
                               ? StringRef(".ir")
                               : StringRef(Target->OutputExtension));
  std::optional<fault::Mitigation> Mitig;
  if (DefectMapPath.empty()) {
    if (MitigationName.getNumOccurrences() || !FaultReportPath.empty())
      usageError("--mitigation and --report need --defect-map");
  } else {
    auto M = fault::parseMitigation(MitigationName);
    if (!M)
      usageError("--mitigation: " + toString(M.takeError()));
    Mitig = *M;
    if (Target->Name != "host" && !StringRef(Target->Name).startswith("nvdla-"))
      usageError("--defect-map: -march=" + Target->Name +
                 " has no weight placement (use -march=host or nvdla-*)");
    if (Emit == EmitKind::ONNX)
      usageError("--defect-map cannot be used with --emit=onnx");
  }

  if (Output != "-" && sys::fs::equivalent(Output, ModelPath))
    usageError("the output '" + Output + "' would overwrite the model; give "
               "-o");

  PassManager PM;
  if (Error E = PM.addPipeline("default"))
    exitOnError(std::move(E)); // a registry bug, not the user's
  if (Error E = PM.configure(getPassManagerCLOptions()))
    usageError(toString(std::move(E)));

  // Read the model, then the calibration input (its shape needs the model).
  std::unique_ptr<Graph> G = exitOnErr(loadModel(ModelPath));
  if (Error E = verifyGraph(*G))
    exitOnError(addFileContext(
        makeError("invalid input graph: " + toString(std::move(E))),
        ModelPath));
  // The defect map, read before the pipeline so a bad map fails fast.
  std::optional<fault::DefectMap> Map;
  if (!DefectMapPath.empty()) {
    Map = exitOnErr(fault::readDefectMap(DefectMapPath));
    // nvdla-*: a map of MAC lanes or CBUF cells alone is a chip too; the
    // host target compiles for its weight memory (onnc-run places the
    // lanes).
    const bool Other = Map->findMemoryOfKind(fault::MemoryKind::CMac) >= 0 ||
                       Map->findMemoryOfKind(fault::MemoryKind::CBuf) >= 0;
    if (Map->findMemoryOfKind(fault::MemoryKind::WMem) < 0 &&
        (Target->Name == "host" || !Other))
      exitOnError(makeError(
          DefectMapPath + ": the defect map has no wmem memory (the " +
          Target->Name + " target stores its weights in one)"));
    // CBUF faults have no mitigation: a policy needs a wmem or cmac memory.
    if (Map->findMemoryOfKind(fault::MemoryKind::WMem) < 0 &&
        Map->findMemoryOfKind(fault::MemoryKind::CMac) < 0 &&
        Mitig->name() != "none")
      exitOnError(makeError(DefectMapPath + ": --mitigation=" + Mitig->name() +
                            " needs a wmem or cmac memory; CBUF faults "
                            "(cbuf) have no mitigation"));
  }
  const bool MapWMem =
      Map && Map->findMemoryOfKind(fault::MemoryKind::WMem) >= 0;
  const bool MapCMac =
      Map && Map->findMemoryOfKind(fault::MemoryKind::CMac) >= 0;
  std::optional<Tensor> Samples;
  std::optional<CalibrationTable> Given;
  if (HaveTable) {
    Given = exitOnErr(CalibrationTable::readFile(CalibTable));
  } else {
    if (G->getInputs().size() != 1)
      exitOnError(addFileContext(
          makeError("calibration needs a model with one input, this one "
                    "has " +
                    Twine(G->getInputs().size())),
          ModelPath));
    Samples = exitOnErr(loadCalibrationData(
        CalibData, CalibSamples, Prep, G->getInputs()[0]->getType()));
  }

  CalibrationOptions CO;
  CO.Method = *Method;
  CO.ActivationBits = *ActBits;
  CO.Threads = Threads;
  QuantizeOptions QO;
  QO.ActivationBits = *ActBits;
  QO.WeightBits = WeightBits;
  QO.Weights = WeightGran;
  TargetOptions TO;
  TO.ActivationBits = *ActBits;
  TO.WeightBits = WeightBits;
  TO.Weights = WeightGran;
  TO.Threads = Threads;
  TO.AllowCpuFallback = AllowCpuFallback;

  CalibrationTable Table;
  PM.addPass(std::make_unique<CalibratePass>(std::move(Samples),
                                             std::move(Given), CO, Table));
  if (!WriteCalibTable.empty())
    PM.addPass(std::make_unique<WriteTablePass>(WriteCalibTable, Table));
  PM.addPass(std::make_unique<QuantizeWithTablePass>(Table, QO));
  fault::WeightMitigationReport FaultReport;
  fault::MacMitigationReport MacReport;
  // NVDLA: the weights are placed and mitigated on the quant graph, before
  // lowering packs the stored words (docs/FaultInjection.md, "NVDLA"). MAC
  // lanes first: sign-bit-clamp changes weights, which are then stored.
  const bool IsNvdla = StringRef(Target->Name).startswith("nvdla-");
  if (Map && IsNvdla) {
    auto Cfg = nvdla::lookupNvdlaConfig(Target->Name);
    if (!Cfg)
      exitOnError(Cfg.takeError()); // a registry bug, not the user's
    // A cbuf memory must be this config's CBUF (the VP and onnc-run check
    // it per convolution too).
    int CbufMem = Map->findMemoryOfKind(fault::MemoryKind::CBuf);
    if (CbufMem >= 0) {
      const fault::Memory &CM = Map->Memories[unsigned(CbufMem)];
      const nvdla::NvdlaConfig &C = **Cfg;
      if (CM.Banks != C.CbufBanks || CM.Entries != C.CbufBankDepth ||
          CM.Width != 8 * C.CbufEntryBytes)
        exitOnError(makeError(
            DefectMapPath + ": memory '" + CM.Name + "' is " + Twine(CM.Banks) +
            " banks x " + Twine(CM.Entries) + " entries x " + Twine(CM.Width) +
            " bits, but the CBUF of " + Target->Name + " is " +
            Twine(C.CbufBanks) + " x " + Twine(C.CbufBankDepth) + " x " +
            Twine(8 * C.CbufEntryBytes)));
    }
    PM.addPass(std::make_unique<NvdlaPlacePass>(**Cfg));
    if (MapCMac)
      PM.addPass(std::make_unique<MitigateMacLanesPass>(
          *Map, *Mitig, DefectMapPath.getValue(), MacReport,
          /*PlaceLinearly=*/false));
    if (MapWMem)
      PM.addPass(std::make_unique<MitigateWeightsPass>(
          *Map, *Mitig, DefectMapPath.getValue(), FaultReport,
          /*PlaceLinearly=*/false));
  }
  if (Emit == EmitKind::ONNX)
    PM.addPass(std::make_unique<QDQPass>());
  else if (Emit != EmitKind::QuantIR)
    PM.addPass(std::make_unique<TargetLowerPass>(*Target, TO));
  if (Map && !IsNvdla && MapCMac)
    PM.addPass(std::make_unique<MitigateMacLanesPass>(
        *Map, *Mitig, DefectMapPath.getValue(), MacReport,
        /*PlaceLinearly=*/true));
  if (Map && !IsNvdla && MapWMem)
    PM.addPass(std::make_unique<MitigateWeightsPass>(
        *Map, *Mitig, DefectMapPath.getValue(), FaultReport,
        /*PlaceLinearly=*/true));
  if (Error E = PM.run(*G))
    exitOnError(addFileContext(std::move(E), ModelPath));
  if (!FaultReportPath.empty()) {
    json::Object J{{"tool", "onnc-fault"},
                   {"version", ONNCF_VERSION_STRING},
                   {"model", ModelPath.getValue()},
                   {"march", Target->Name},
                   {"defect_map", DefectMapPath.getValue()},
                   {"chip", Map->Chip},
                   {"weight_bits", int64_t(WeightBits)}};
    if (MapWMem)
      for (auto &KV : FaultReport.toJSON())
        J[KV.first] = std::move(KV.second);
    if (MapCMac)
      J["cmac"] = MacReport.toJSON();
    exitOnErr(writeFileAtomically(FaultReportPath, [&](raw_ostream &OS) {
      OS << formatv("{0:2}", json::Value(std::move(J))) << "\n";
      return Error::success();
    }));
  }

  exitOnErr(writeFileAtomically(Output, [&](raw_ostream &OS) -> Error {
    switch (Emit) {
    case EmitKind::ONNX:
      return exportONNX(*G, OS);
    case EmitKind::IR:
    case EmitKind::QuantIR:
      printGraph(*G, OS);
      return Error::success();
    case EmitKind::Native:
      return Target->Emit(*G, OS, TO);
    }
    return Error::success();
  }));
  return ExitSuccess;
}
