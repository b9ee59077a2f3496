//===- onnc-run.cpp - Run a model on a tensor or a labelled dataset -------===//
//
// Part of onnc-fault. Loads an ONNX model or a text-IR graph and runs it with
// the reference interpreter, or an NVDLA loadable and runs it on the
// bit-true virtual platform, either on one input tensor (--input/--output)
// or over a labelled image dataset, reporting top-1/top-5 accuracy and
// throughput (--images/--labels/--report). See docs/tools/onnc-run.md.
//
//===----------------------------------------------------------------------===//
#include "LoadableRun.h"
#include "onncf/Config/Version.h"
#include "onncf/Data/Dataset.h"
#include "onncf/Data/NPY.h"
#include "onncf/Data/TensorProtoIO.h"
#include "onncf/Fault/ChipInjection.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/Fault/WeightFaults.h"
#include "onncf/Frontend/ModelLoader.h"
#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/Interp/Evaluate.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Interp/Sgemm.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "onncf/Targets/NVDLA/Dimg.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Statistic.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <thread>

using namespace llvm;
using namespace onncf;
namespace nv = onncf::nvdla;

static cl::OptionCategory RunCat("onnc-run options");

static cl::opt<std::string>
    ModelPath(cl::Positional, cl::Required,
              cl::desc("<model.onnx | model.ir | loadable.nvdla>"),
              cl::cat(RunCat));
static cl::opt<std::string>
    InputPath("input",
              cl::desc("Run on one input tensor (.npy, .pb, .pgm or IDX; a "
                       "leading batch axis is allowed; integer images get "
                       "the --scale/--mean/--std preprocessing)"),
              cl::value_desc("file"), cl::cat(RunCat));
static cl::opt<std::string>
    OutputPath("output",
               cl::desc("Write the first model output to this file (.npy, "
                        "or .pb for an ONNX TensorProto); default: print it"),
               cl::value_desc("file"), cl::cat(RunCat));
static cl::opt<std::string>
    ImagesPath("images",
               cl::desc("Dataset mode: images (IDX, .gz, .npy, .pb, PGM or a "
                        "folder of PGMs)"),
               cl::value_desc("file"), cl::cat(RunCat));
static cl::opt<std::string>
    LabelsPath("labels",
               cl::desc("Dataset mode: class labels (idx1, .npy, .pb or text)"),
               cl::value_desc("file"), cl::cat(RunCat));
static cl::opt<int64_t> Limit("limit",
                              cl::desc("Use only the first N images (0: all)"),
                              cl::value_desc("N"), cl::init(0),
                              cl::cat(RunCat));
static cl::opt<std::string>
    ReportPath("report", cl::desc("Write a JSON report of the dataset run"),
               cl::value_desc("file"), cl::cat(RunCat));
static cl::opt<std::string> PredictionsPath(
    "predictions",
    cl::desc("Write each image's top-1 class as a .npy (uint8 for up to 256 "
             "classes, else int64)"),
    cl::value_desc("file"), cl::cat(RunCat));
static cl::opt<std::string>
    ScaleStr("scale",
             cl::desc("Integer images are scaled first: x * scale (default "
                      "1/255; a number or a fraction like 1/255)"),
             cl::value_desc("s"), cl::init("1/255"), cl::cat(RunCat));
static cl::opt<std::string>
    MeanStr("mean",
            cl::desc("Subtracted after scaling: one value or one per channel, "
                     "comma-separated (default 0)"),
            cl::value_desc("m[,m...]"), cl::cat(RunCat));
static cl::opt<std::string>
    StdStr("std",
           cl::desc("Divides after the mean: one value or one per channel, "
                    "comma-separated (default 1)"),
           cl::value_desc("s[,s...]"), cl::cat(RunCat));
static cl::opt<int64_t> Batch("batch",
                              cl::desc("Images per inference (default 64)"),
                              cl::value_desc("N"), cl::init(64),
                              cl::cat(RunCat));
static cl::opt<unsigned>
    Threads("threads", cl::desc("Worker threads (0: all cores, the default)"),
            cl::value_desc("N"), cl::init(0), cl::cat(RunCat));
// -jN / -j N, as make takes it (a cl::alias cannot be a prefix option).
static cl::opt<unsigned> ThreadsShort("j", cl::desc("Same as --threads"),
                                      cl::value_desc("N"), cl::Prefix,
                                      cl::cat(RunCat));
static cl::opt<std::string> OutputFormat(
    "output-format",
    cl::desc("Format of --output: npy, pb or dimg (an NVDLA loadable's first "
             "output surface as NVIDIA's runtime dumps it); default: from "
             "the extension (.pb, .dimg, else npy)"),
    cl::value_desc("fmt"), cl::cat(RunCat));
static cl::opt<std::string> NvdlaConfigName(
    "nvdla-config",
    cl::desc("Loadables: the NVDLA hardware configuration (nv_small, "
             "nv_large, nv_full, ...; default: the one the loadable's "
             "onncf.io blob names, else nv_full)"),
    cl::value_desc("name"), cl::cat(RunCat));
// --stats is LLVM's own -stats flag (registered by every LLVM tool, so a
// second option of that name cannot exist); main() documents it in this
// category and reads it through llvm::AreStatisticsEnabled().
static cl::opt<std::string> CompareDimg(
    "compare-dimg",
    cl::desc("Loadables: compare the first output with this DIMG golden; "
             "prints the number of differing elements, exit 1 if any"),
    cl::value_desc("file"), cl::cat(RunCat));

static cl::opt<std::string> DefectMapPath(
    "defect-map",
    cl::desc("Inject this chip's faults: weight-memory cells into the stored "
             "weights at load (then their read decoders), convolution-buffer "
             "(cbuf) cells into every convolution's operands, MAC lane "
             "(cmac) faults into every product. Models: a graph without "
             "placement gets the host's linear one; NVDLA loadables: the "
             "bytes every CONV op reads as weights, byte address = offset in "
             "the weights memory"),
    cl::value_desc("FILE"), cl::cat(RunCat));

/// A --mean / --std value; a bad item is a usage error.
static std::vector<float> parseList(StringRef Option, StringRef S) {
  auto R = parsePreprocessList(S);
  if (!R)
    usageError("--" + Option + ": " + toString(R.takeError()));
  return *R;
}

/// --output-format, or the one --output's extension implies.
static std::string outputFormat() {
  if (!OutputFormat.empty())
    return OutputFormat;
  StringRef Ext = sys::path::extension(OutputPath);
  if (Ext.equals_insensitive(".pb"))
    return "pb";
  if (Ext.equals_insensitive(".dimg"))
    return "dimg";
  return "npy";
}

static Error writeTensor(StringRef Path, const Tensor &T) {
  if (outputFormat() == "pb")
    return writeTensorProtoFile(Path, T);
  return writeNPYFile(Path, T);
}

static void printTensor(raw_ostream &OS, StringRef Name, const Tensor &T) {
  OS << Name << ": " << T.getType().str() << "\n";
  int64_t N = T.getNumElements(), Shown = std::min<int64_t>(N, 1000);
  int64_t Row = T.getType().getRank() ? T.getShape().back() : 1;
  for (int64_t I = 0; I < Shown; ++I) {
    if (isFloatType(T.getElementType()))
      OS << format("%g", T.getAsDouble(I));
    else
      OS << T.getAsInt(I);
    OS << ((I + 1) % std::max<int64_t>(Row, 1) == 0 || I + 1 == Shown ? "\n"
                                                                      : " ");
  }
  if (Shown < N)
    OS << "... (" << N - Shown << " more)\n";
}

/// The --input tensor fitted to \p I's single input (none for a loadable
/// without inputs, which runs once as it is).
static std::vector<Tensor> loadSingleInput(Executor &I,
                                           const Preprocess &Prep) {
  if (I.getInputs().empty() && InputPath.empty())
    return {};
  if (I.getInputs().size() != 1)
    exitOnError(makeError(ModelPath +
                          ": --input needs a model with one "
                          "input, this one has " +
                          Twine(I.getInputs().size())));
  Tensor Raw = exitOnErr(loadImages(InputPath));
  Tensor X = Raw;
  const ExecutorPort &Port = I.getInputs()[0];
  // Integer data is an image: preprocess it into a float batch.
  if (isIntegerType(Raw.getElementType()) &&
      Port.Type.getElementType() == ElementType::F32)
    X = exitOnErr(toFloatInput(Raw, Prep, InputPath));
  return {exitOnErr(adaptInput(X, Port.Type, Port.Name))};
}

static int runSingle(Executor &I, const Preprocess &Prep) {
  std::vector<Tensor> In = loadSingleInput(I, Prep);
  auto Out = I.run(In);
  if (!Out)
    exitOnError(addFileContext(Out.takeError(), ModelPath));
  if (!OutputPath.empty()) {
    exitOnErr(writeTensor(OutputPath, (*Out)[0]));
    return ExitSuccess;
  }
  for (size_t O = 0; O < Out->size(); ++O)
    printTensor(outs(), I.getOutputs()[O].Name, (*Out)[O]);
  return ExitSuccess;
}

static int runDataset(Executor &I, const Preprocess &Prep) {
  Dataset D = exitOnErr(loadDataset(ImagesPath, LabelsPath));
  EvaluateOptions EO;
  EO.Batch = Batch;
  EO.Limit = Limit;
  EO.Threads = Threads;
  EO.Prep = Prep;
  EvaluateResult R = exitOnErr(evaluateDataset(I, D, EO));
  double PerSec = R.Seconds > 0 ? R.Count / R.Seconds : 0;
  if (D.hasLabels() && R.Count > 0)
    outs() << format("top-1: %.4f (%lld/%lld)  top-5: %.4f (%lld/%lld)\n",
                     double(R.Top1) / R.Count, (long long)R.Top1,
                     (long long)R.Count, double(R.Top5) / R.Count,
                     (long long)R.Top5, (long long)R.Count);
  else
    outs() << "images: " << R.Count << " (no labels, no accuracy)\n";
  outs() << format("time: %.3f s  (%.1f images/s, %u threads, batch %lld)\n",
                   R.Seconds, PerSec, I.getNumThreads(), (long long)Batch);

  if (!PredictionsPath.empty()) {
    Tensor P;
    if (R.NumClasses <= 256) {
      std::vector<uint8_t> V(R.Predictions.begin(), R.Predictions.end());
      P = Tensor::fromVector<uint8_t>({R.Count}, V);
    } else {
      P = Tensor::fromVector<int64_t>({R.Count}, R.Predictions);
    }
    exitOnErr(writeNPYFile(PredictionsPath, P));
  }
  if (!ReportPath.empty()) {
    json::Object J{
        {"tool", "onnc-run"},
        {"version", ONNCF_VERSION_STRING},
        {"model", ModelPath},
        {"images", ImagesPath},
        {"labels", LabelsPath},
        {"executor", I.getName()},
        {"sgemm", getSgemmVariant()},
        {"count", R.Count},
        {"classes", R.NumClasses},
        {"batch", (int64_t)Batch},
        {"threads", (int64_t)I.getNumThreads()},
        {"seconds", R.Seconds},
        {"images_per_second", PerSec},
        {"scale", Prep.Scale},
    };
    if (!DefectMapPath.empty())
      J["defect_map"] = DefectMapPath.getValue();
    if (D.hasLabels() && R.Count > 0) {
      J["top1"] = double(R.Top1) / R.Count;
      J["top5"] = double(R.Top5) / R.Count;
      J["top1_correct"] = R.Top1;
      J["top5_correct"] = R.Top5;
    }
    json::Array Mean, Std;
    for (float V : Prep.Mean)
      Mean.push_back(V);
    for (float V : Prep.Std)
      Std.push_back(V);
    J["mean"] = std::move(Mean);
    J["std"] = std::move(Std);
    exitOnErr(writeFileAtomically(ReportPath, [&](raw_ostream &OS) {
      OS << formatv("{0:2}", json::Value(std::move(J))) << "\n";
      return Error::success();
    }));
  }
  return ExitSuccess;
}

static std::unique_ptr<nv::VirtualPlatform> createVP(const nv::VPOptions &O) {
  auto File = exitOnErr(nv::readLoadable(ModelPath));
  return exitOnErr(nv::VirtualPlatform::create(std::move(File), O));
}

/// Runs a loadable on the virtual platform: through the Executor like a
/// model, or, for DIMG output or comparison, through runRaw (the DIMG is
/// read from the output memory's bytes).
static int runLoadable(bool Single, bool WantDimg, const Preprocess &Prep) {
  nv::VPOptions O;
  std::optional<fault::DefectMap> Map;
  if (!DefectMapPath.empty()) {
    Map = exitOnErr(fault::readDefectMap(DefectMapPath));
    O.Map = &*Map;
    O.MapName = DefectMapPath;
  }
  if (NvdlaConfigName.getNumOccurrences()) {
    auto C = nv::lookupNvdlaConfig(NvdlaConfigName);
    if (!C)
      usageError("--nvdla-config: " + toString(C.takeError()));
    O.Config = *C;
  }
  std::unique_ptr<nv::VirtualPlatform> VP = createVP(O);
  const nv::NvdlaConfig &Cfg = VP->getConfig();
  nv::VPStats Stats;
  int Code = ExitSuccess;
  if (WantDimg) {
    // The executor only converts the input; the run itself is runRaw's.
    // Without --input, bound inputs keep their initial contents (SET
    // blobs, else zeros): NVIDIA's goldens were dumped that way.
    std::vector<std::vector<uint8_t>> Surfaces;
    if (InputPath.empty()) {
      Surfaces = VP->getInitialInputSurfaces();
    } else {
      auto Exec = exitOnErr(nv::createVPExecutor(createVP(O), nullptr));
      std::vector<Tensor> In = loadSingleInput(*Exec, Prep);
      Surfaces = exitOnErr(nv::makeVPInputSurfaces(*VP, In));
    }
    auto Out = exitOnErr(VP->runRaw(Surfaces, &Stats));
    if (Out.empty())
      exitOnError(makeError(ModelPath + ": the loadable has no output"));
    nv::DimgImage Img = exitOnErr(makeOutputDimg(*VP, 0, Out[0]));
    if (!OutputPath.empty())
      exitOnErr(nv::writeDimgFile(OutputPath, Img));
    if (!CompareDimg.empty() &&
        exitOnErr(compareWithDimg(Img, CompareDimg, outs())) != 0)
      Code = ExitUserError;
  } else {
    auto Exec = exitOnErr(nv::createVPExecutor(std::move(VP), &Stats));
    if (Single && Exec->getInputs().size() && InputPath.empty())
      usageError("give either --input=FILE or --images=FILE");
    Code = Single ? runSingle(*Exec, Prep) : runDataset(*Exec, Prep);
  }
  if (AreStatisticsEnabled())
    Stats.print(outs(), Cfg);
  return Code;
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  setToolName("onnc-run");
  cl::HideUnrelatedOptions(RunCat);
  if (cl::Option *O = cl::getRegisteredOptions().lookup("stats")) {
    O->setDescription("Loadables: print per-engine statistics (ops, MACs, "
                      "bytes, estimated cycles) after the run");
    O->addCategory(RunCat);
    O->setHiddenFlag(cl::NotHidden);
  }
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "onnc-fault version " << ONNCF_VERSION_STRING;
    if (StringRef(ONNCF_GIT_REVISION).size())
      OS << " (" << ONNCF_GIT_REVISION << ")";
    OS << "\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "onnc-run: run a model with the reference interpreter, or an "
          "NVDLA loadable on the virtual platform\n\n"
          "  onnc-run MODEL --input=x.npy [--output=y.npy]\n"
          "  onnc-run LOADABLE [--output=y.dimg] [--stats]\n"
          "  onnc-run MODEL --images=IMAGES --labels=LABELS "
          "[--report=r.json]\n",
          &errs()))
    return ExitUsageError;

  if (ThreadsShort.getNumOccurrences())
    Threads = unsigned(ThreadsShort);
  bool IsLoadable = looksLikeLoadable(ModelPath);
  bool Single = !InputPath.empty(), Data = !ImagesPath.empty();
  // A loadable may embed its input (NVIDIA's unit tests): it runs as it is.
  if (IsLoadable && !Single && !Data)
    Single = true;
  if (Single == Data)
    usageError("give either --input=FILE or --images=FILE");
  if (!Data && (!LabelsPath.empty() || !ReportPath.empty() ||
                !PredictionsPath.empty() || Limit != 0))
    usageError("--labels, --limit, --report and --predictions need --images");
  if (Data && !OutputPath.empty())
    usageError("--output needs --input");
  if (Data && !CompareDimg.empty())
    usageError("--compare-dimg needs a single run, not --images");
  if (Batch < 1)
    usageError("--batch must be >= 1");
  if (Limit < 0)
    usageError("--limit must be >= 0");
  if (!OutputFormat.empty() && OutputFormat != "npy" && OutputFormat != "pb" &&
      OutputFormat != "dimg")
    usageError("--output-format must be npy, pb or dimg, not '" + OutputFormat +
               "'");
  bool WantDimg =
      (!OutputPath.empty() && outputFormat() == "dimg") || !CompareDimg.empty();
  if (!IsLoadable && (WantDimg || AreStatisticsEnabled() ||
                      NvdlaConfigName.getNumOccurrences()))
    usageError("--output-format=dimg, --compare-dimg, --stats and "
               "--nvdla-config need an NVDLA loadable");
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

  if (IsLoadable)
    return runLoadable(Single, WantDimg, Prep);
  std::optional<fault::DefectMap> Map;
  if (!DefectMapPath.empty())
    Map = exitOnErr(fault::readDefectMap(DefectMapPath));
  std::unique_ptr<Graph> G = exitOnErr(loadModel(ModelPath));
  // What the chip computes with: the stored words read through the map's
  // faults and decoded, written into the graph once, before the plan.
  if (Map && !fault::hasStoredWeightAttrs(*G) &&
      fault::placeWeightsLinearly(*G) == 0)
    exitOnError(makeError(ModelPath + ": --defect-map: the model has no "
                                      "stored integer weights (quant.conv / "
                                      "quant.fc); compile it with onnc-fault "
                                      "first"));
  // MAC lanes, weight memory and decoders, CBUF (docs/FaultInjection.md).
  if (Error E = fault::injectChip(*G, Map ? &*Map : nullptr, DefectMapPath))
    exitOnError(addFileContext(std::move(E), ModelPath));
  InterpreterOptions IO;
  IO.Threads = Threads;
  auto I = Interpreter::create(*G, IO);
  if (!I)
    exitOnError(addFileContext(I.takeError(), ModelPath));
  return Single ? runSingle(**I, Prep) : runDataset(**I, Prep);
}
