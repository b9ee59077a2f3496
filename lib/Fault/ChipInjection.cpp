//===- ChipInjection.cpp - Everything a defect map does to a graph --------===//
//
// Part of onnc-fault. See onncf/Fault/ChipInjection.h.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/ChipInjection.h"
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/Fault/WeightFaults.h"
#include <vector>

using namespace llvm;

namespace onncf {
namespace fault {

Error injectChip(Graph &G, const DefectMap *Map, StringRef MapName) {
  auto Has = [&](MemoryKind K) {
    return Map && Map->findMemoryOfKind(K) >= 0;
  };
  // MAC lanes first: cmac_lanes is written while wmem_kcrs (removed with
  // the stored-weight attributes below) still gives an fc its channels.
  if (Has(MemoryKind::CMac)) {
    if (!hasMacPlacement(G))
      placeMacLanes(G, nvSmallMacGeometry());
    if (Error E = applyMacFaults(G, Map, MapName))
      return E;
  } else if (hasMacPlacement(G)) {
    if (Error E = applyMacFaults(G, nullptr))
      return E;
  }
  // CBUF faults are found while the NVDLA weight layout is on the ops and
  // applied after the weight memory and its decoder.
  std::vector<CbufOpFaults> Cbuf;
  if (Has(MemoryKind::CBuf)) {
    auto F = findCbufFaults(G, *Map, MapName);
    if (!F)
      return F.takeError();
    Cbuf = std::move(*F);
  }
  // A map with only lane or CBUF memories injects nothing into the weight
  // memory; a map with none of the three lets applyWeightFaults say what
  // is missing.
  const DefectMap *WMap = Map;
  if (!Has(MemoryKind::WMem) &&
      (Has(MemoryKind::CMac) || Has(MemoryKind::CBuf)))
    WMap = nullptr;
  if (WMap || hasStoredWeightAttrs(G))
    if (Error E = applyWeightFaults(G, WMap, MapName))
      return E;
  if (!Cbuf.empty())
    if (Error E = applyCbufFaults(G, Cbuf))
      return E;
  return Error::success();
}

} // namespace fault
} // namespace onncf
