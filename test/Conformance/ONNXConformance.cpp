//===- ONNXConformance.cpp - Runs ONNX's own operator test data -----------===//
//
// Part of onnc-fault. Walks ONNX's backend test data (Debian's
// libonnx-testdata: one folder per case with model.onnx and
// test_data_set_*/{input,output}_*.pb), runs every case whose operators are
// all supported through the importer and the reference interpreter, and
// compares each output at rtol/atol. Each imported model must also
// round-trip through the text IR exactly. A case with an unsupported operator is
// skipped and listed with the reason; a supported case that fails for any
// reason (import, run or mismatch) is a failure unless it is listed in the
// known-failures file with a reason, in which case it is reported as an
// expected failure (and an expected failure that passes is an error, so the
// list never goes stale).
//
//===----------------------------------------------------------------------===//
#include "onncf/Data/TensorProtoIO.h"
#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "onncf/IR/OpDef.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <cmath>
#include <map>
#include <set>

using namespace llvm;
using namespace onncf;

static cl::list<std::string> Roots(cl::Positional, cl::OneOrMore,
                                   cl::desc("<test data folder>..."));
static cl::opt<double> RTol("rtol", cl::init(1e-4),
                            cl::desc("Relative tolerance"));
static cl::opt<double> ATol("atol", cl::init(1e-5),
                            cl::desc("Absolute tolerance"));
static cl::opt<std::string>
    KnownFailures("known-failures",
                  cl::desc("File listing '<case> <reason>' expected failures"));
static cl::opt<std::string> Filter("filter",
                                   cl::desc("Only run cases containing this"));
static cl::opt<bool> Verbose("v", cl::desc("Print every case"));

namespace {

enum class Outcome { Pass, Fail, Skip };

struct CaseResult {
  Outcome O;
  std::string Detail;
};

/// Why a case is outside what onnc-fault supports, or "" if it is inside:
/// an opset above 17 (older ones are imported when their operators are
/// unchanged at opset 7), a non-tensor or unsupported element type at the
/// graph boundary, or an operator with no OpDef or no interpreter kernel.
std::string whyUnsupported(const onnx::ModelProto &M) {
  for (const auto &OS : M.opset_import())
    if ((OS.domain().empty() || OS.domain() == "ai.onnx") &&
        OS.version() > kMaxONNXOpset)
      return "opset " + std::to_string(OS.version()) + " outside " +
             std::to_string(kMinONNXOpset) + ".." +
             std::to_string(kMaxONNXOpset);

  // The importer's rule for older models: every operator must have the
  // same definition at opset 7 as at the model's opset.
  int64_t Opset = kMinONNXOpset;
  for (const auto &OS : M.opset_import())
    if (OS.domain().empty() || OS.domain() == "ai.onnx")
      Opset = OS.version();
  if (Opset < kMinONNXOpset)
    for (const auto &N : M.graph().node()) {
      const onnx::OpSchema *At7 =
          onnx::OpSchemaRegistry::Schema(N.op_type(), kMinONNXOpset, "");
      if (At7 && At7->since_version() > Opset)
        return "opset < 7 with an operator redefined at 7";
    }

  static const std::set<int> SupportedTypes = {
      onnx::TensorProto::FLOAT, onnx::TensorProto::DOUBLE,
      onnx::TensorProto::FLOAT16, onnx::TensorProto::INT64,
      onnx::TensorProto::INT32, onnx::TensorProto::INT16,
      onnx::TensorProto::INT8, onnx::TensorProto::UINT8,
      onnx::TensorProto::BOOL};
  auto CheckValue = [&](const onnx::ValueInfoProto &V) -> std::string {
    if (!V.type().has_tensor_type())
      return "non-tensor value '" + V.name() + "'";
    int T = V.type().tensor_type().elem_type();
    if (!SupportedTypes.count(T))
      return "element type " + onnx::TensorProto::DataType_Name(T);
    return "";
  };
  for (const auto &V : M.graph().input())
    if (std::string Why = CheckValue(V); !Why.empty())
      return Why;
  for (const auto &V : M.graph().output())
    if (std::string Why = CheckValue(V); !Why.empty())
      return Why;

  std::set<std::string> NoDef, NoKernel;
  for (const auto &N : M.graph().node()) {
    bool DefaultDomain = N.domain().empty() || N.domain() == "ai.onnx";
    std::string Kind = "onnx." + N.op_type();
    if (!DefaultDomain || !OpRegistry::get().lookup(Kind))
      NoDef.insert(N.domain().empty() ? N.op_type()
                                      : N.domain() + "." + N.op_type());
    else if (!KernelRegistry::get().lookup(Kind))
      NoKernel.insert(N.op_type());
  }
  if (!NoDef.empty())
    return "unsupported op" + std::string(NoDef.size() > 1 ? "s: " : ": ") +
           join(NoDef, ", ");
  if (!NoKernel.empty())
    return "no interpreter kernel for " + join(NoKernel, ", ");
  return "";
}

std::string compare(const Tensor &Got, const Tensor &Want, unsigned Index) {
  std::string Msg;
  raw_string_ostream OS(Msg);
  if (Got.getType().getShape() != Want.getType().getShape() ||
      Got.getElementType() != Want.getElementType()) {
    OS << "output " << Index << ": got " << Got.getType().str()
       << ", expected " << Want.getType().str();
    return OS.str();
  }
  bool Float = isFloatType(Want.getElementType());
  for (int64_t I = 0, E = Want.getNumElements(); I < E; ++I) {
    if (Float) {
      double G = Got.getAsDouble(I), W = Want.getAsDouble(I);
      if (std::isnan(W) && std::isnan(G))
        continue;
      if (std::isinf(W) && G == W)
        continue;
      if (std::fabs(G - W) <= ATol + RTol * std::fabs(W))
        continue;
      OS << "output " << Index << " element " << I << ": got " << G
         << ", expected " << W;
      return OS.str();
    }
    if (Got.getAsInt(I) != Want.getAsInt(I)) {
      OS << "output " << Index << " element " << I << ": got "
         << Got.getAsInt(I) << ", expected " << Want.getAsInt(I);
      return OS.str();
    }
  }
  return "";
}

Expected<std::vector<Tensor>> readTensors(StringRef Dir, StringRef Prefix) {
  std::vector<Tensor> Ts;
  for (unsigned I = 0;; ++I) {
    SmallString<256> P(Dir);
    sys::path::append(P, (Prefix + "_" + Twine(I) + ".pb").str());
    if (!sys::fs::exists(P))
      break;
    auto T = readTensorProtoFile(P);
    if (!T)
      return T.takeError();
    Ts.push_back(std::move(*T));
  }
  return Ts;
}

CaseResult runCase(StringRef CaseDir) {
  SmallString<256> ModelPath(CaseDir);
  sys::path::append(ModelPath, "model.onnx");
  auto Buf = readFile(ModelPath);
  if (!Buf)
    return {Outcome::Fail, toString(Buf.takeError())};
  onnx::ModelProto M;
  if (!M.ParseFromArray((*Buf)->getBufferStart(), (*Buf)->getBufferSize()))
    return {Outcome::Fail, "cannot parse model.onnx"};
  if (std::string Why = whyUnsupported(M); !Why.empty())
    return {Outcome::Skip, Why};

  auto G = importONNXFile(ModelPath);
  if (!G)
    return {Outcome::Fail, "import: " + toString(G.takeError())};
  // Every imported model must round-trip through the text IR exactly.
  std::string Text = printGraphToString(**G);
  auto Reparsed = parseGraph(Text, (ModelPath + ".ir").str());
  if (!Reparsed)
    return {Outcome::Fail, "text IR: " + toString(Reparsed.takeError())};
  if (printGraphToString(**Reparsed) != Text)
    return {Outcome::Fail, "text IR does not round-trip"};

  auto Interp = Interpreter::create(**G, InterpreterOptions{1});
  if (!Interp)
    return {Outcome::Fail, "plan: " + toString(Interp.takeError())};

  std::error_code EC;
  std::vector<std::string> DataSets;
  for (sys::fs::directory_iterator It(CaseDir, EC), End; It != End && !EC;
       It.increment(EC))
    if (sys::path::filename(It->path()).startswith("test_data_set_"))
      DataSets.push_back(It->path());
  llvm::sort(DataSets);
  if (DataSets.empty())
    return {Outcome::Fail, "no test_data_set_* folder"};

  for (const std::string &DS : DataSets) {
    auto Inputs = readTensors(DS, "input");
    auto Outputs = readTensors(DS, "output");
    if (!Inputs)
      return {Outcome::Fail, toString(Inputs.takeError())};
    if (!Outputs)
      return {Outcome::Fail, toString(Outputs.takeError())};
    auto Got = (*Interp)->run(*Inputs);
    if (!Got)
      return {Outcome::Fail, "run: " + toString(Got.takeError())};
    if (Got->size() != Outputs->size())
      return {Outcome::Fail, "got " + std::to_string(Got->size()) +
                                 " outputs, expected " +
                                 std::to_string(Outputs->size())};
    for (unsigned I = 0; I < Got->size(); ++I) {
      std::string Diff = compare((*Got)[I], (*Outputs)[I], I);
      if (!Diff.empty())
        return {Outcome::Fail,
                sys::path::filename(DS).str() + ": " + Diff};
    }
  }
  return {Outcome::Pass, ""};
}

std::map<std::string, std::string> readKnownFailures(StringRef Path) {
  std::map<std::string, std::string> Known;
  if (Path.empty())
    return Known;
  auto Buf = readFile(Path);
  if (!Buf)
    exitOnError(Buf.takeError());
  SmallVector<StringRef, 64> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (StringRef L : Lines) {
    L = L.trim();
    if (L.empty() || L.startswith("#"))
      continue;
    auto [Name, Reason] = L.split(' ');
    Known[Name.str()] = Reason.trim().str();
  }
  return Known;
}

} // namespace

int main(int argc, char **argv) {
  setToolName("onnx-conformance");
  cl::ParseCommandLineOptions(argc, argv,
                              "Runs ONNX backend test data on the interpreter");
  std::map<std::string, std::string> Known = readKnownFailures(KnownFailures);

  unsigned Passed = 0, Failed = 0, Skipped = 0, XFailed = 0, XPassed = 0;
  std::map<std::string, unsigned> SkipReasons;
  for (const std::string &Root : Roots) {
    std::vector<std::string> Cases;
    std::error_code EC;
    for (sys::fs::directory_iterator It(Root, EC), End; It != End && !EC;
         It.increment(EC)) {
      SmallString<256> Model(It->path());
      sys::path::append(Model, "model.onnx");
      if (sys::fs::exists(Model))
        Cases.push_back(It->path());
    }
    if (EC || Cases.empty()) {
      reportError(Root + ": no ONNX test cases found");
      return ExitUserError;
    }
    llvm::sort(Cases);
    StringRef Suite = sys::path::filename(Root);
    for (const std::string &C : Cases) {
      std::string Name = (Suite + "/" + sys::path::filename(C)).str();
      if (!Filter.empty() && Name.find(Filter) == std::string::npos)
        continue;
      CaseResult R = runCase(C);
      bool Expected = Known.count(Name);
      switch (R.O) {
      case Outcome::Pass:
        if (Expected) {
          ++XPassed;
          outs() << "XPASS " << Name << " (listed as known failure: "
                 << Known[Name] << ")\n";
        } else {
          ++Passed;
          if (Verbose)
            outs() << "PASS  " << Name << "\n";
        }
        break;
      case Outcome::Skip:
        ++Skipped;
        ++SkipReasons[R.Detail];
        outs() << "SKIP  " << Name << ": " << R.Detail << "\n";
        break;
      case Outcome::Fail:
        if (Expected) {
          ++XFailed;
          outs() << "XFAIL " << Name << ": " << Known[Name] << "\n";
        } else {
          ++Failed;
          outs() << "FAIL  " << Name << ": " << R.Detail << "\n";
        }
        break;
      }
    }
  }
  unsigned Ran = Passed + Failed + XFailed + XPassed;
  outs() << "\nONNX conformance: " << Ran << " cases ran: " << Passed
         << " passed, " << Failed << " failed, " << XFailed
         << " expected failures, " << XPassed << " unexpected passes; "
         << Skipped << " skipped\n";
  if (!SkipReasons.empty()) {
    outs() << "Skip reasons:\n";
    for (const auto &[Why, Count] : SkipReasons)
      outs() << "  " << Count << " x " << Why << "\n";
  }
  return (Failed || XPassed) ? ExitUserError : ExitSuccess;
}
