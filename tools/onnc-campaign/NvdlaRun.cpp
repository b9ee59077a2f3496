//===- NvdlaRun.cpp - onnc-campaign's NVDLA executors ---------------------===//
//
// Part of onnc-fault. See NvdlaRun.h.
//
//===----------------------------------------------------------------------===//
#include "NvdlaRun.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/IR/Graph.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {
namespace campaign {

// The same steps, in the same order, as onnc-run's model path: a campaign
// run must compute what onnc-run on onnc-fault's --emit=quant-ir output
// computes for the same chip.
Expected<std::unique_ptr<Executor>> compileForVP(Graph &G, const TargetInfo &T,
                                                 const TargetOptions &TO,
                                                 const nvdla::NvdlaConfig &Cfg,
                                                 const fault::DefectMap *Map,
                                                 StringRef MapName) {
  // Lower and emit exactly as onnc-fault's TargetLowerPass and native
  // output do, into memory instead of a file.
  if (Error E = T.Lower(G, TO))
    return E;
  std::string Bytes;
  raw_string_ostream OS(Bytes);
  if (Error E = T.Emit(G, OS, TO))
    return E;
  OS.flush();
  auto File = nvdla::parseLoadable(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Bytes.data()),
                        Bytes.size()),
      "<campaign loadable>");
  if (!File)
    return File.takeError();
  nvdla::VPOptions O;
  O.Config = &Cfg;
  O.Map = Map;
  O.MapName = MapName.str();
  auto VP = nvdla::VirtualPlatform::create(std::move(*File), O);
  if (!VP)
    return VP.takeError();
  return nvdla::createVPExecutor(std::move(*VP), nullptr);
}

} // namespace campaign
} // namespace onncf
