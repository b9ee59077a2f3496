//===- NvdlaRun.h - onnc-campaign's NVDLA executors -------------*- C++ -*-===//
//
// Part of onnc-fault (private to tools/onnc-campaign). A campaign for
// -march=nvdla-* places the weights with the NVDLA backend's placement
// (placeNvdlaWeights, as onnc-fault -march=nvdla-* --defect-map does) and
// evaluates each run's chip either with the host integer interpreter on the
// placed, mitigated quant graph (the faults injected by fault::injectChip,
// as onnc-run --defect-map does) or by compiling that graph to a
// loadable in memory and running it on the virtual platform with the map
// (as onnc-run LOADABLE --defect-map does). Both are bit-exact
// (test/NVDLA/fault-*-vp-vs-host.test), so they give the same rows.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TOOLS_CAMPAIGN_NVDLARUN_H
#define ONNCF_TOOLS_CAMPAIGN_NVDLARUN_H

#include "onncf/Interp/Executor.h"
#include "onncf/Target/Target.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>

namespace onncf {
class Graph;
namespace fault {
class DefectMap;
}
namespace nvdla {
struct NvdlaConfig;
}
namespace campaign {

/// Lowers \p G (a placed, mitigated quant graph; consumed) for \p Cfg with
/// target \p T, emits the loadable in memory and returns a virtual-platform
/// executor for it with the chip \p Map (null: fault-free).
llvm::Expected<std::unique_ptr<Executor>>
compileForVP(Graph &G, const TargetInfo &T, const TargetOptions &TO,
             const nvdla::NvdlaConfig &Cfg, const fault::DefectMap *Map,
             llvm::StringRef MapName);

} // namespace campaign
} // namespace onncf

#endif
