//===- ChipInjection.h - Everything a defect map does to a graph -*- C++ -*-=//
//
// Part of onnc-fault. The host executors (onnc-run MODEL --defect-map,
// onnc-campaign's host executor) turn a compiled quant graph into the graph
// that computes what the chip computes, once, before an executor is built.
// The order matters and is the virtual platform's: per weight, the weight
// memory's stuck cells and read decoder, then the CBUF cells, then the MAC
// lane (the lanes act inside the kernels); per activation, the CBUF cells
// and then the MAC lane. One function does it so the tools cannot drift.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_CHIPINJECTION_H
#define ONNCF_FAULT_CHIPINJECTION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace onncf {
class Graph;
namespace fault {
class DefectMap;

/// Injects \p Map (null: the fault-free chip, whose decoders and lane
/// substitutions still apply) into the compiled graph \p G: MAC lanes
/// (cmac_lanes; a graph without a MAC placement gets nv_small's 8x8 array
/// when the map has a cmac memory), CBUF faults (found while the NVDLA
/// weight layout is on the ops), the weight memory's faults and decoders
/// (a map with only cmac / cbuf memories injects none there), then the
/// CBUF hits. Errors name \p MapName or the op.
llvm::Error injectChip(Graph &G, const DefectMap *Map,
                       llvm::StringRef MapName);

} // namespace fault
} // namespace onncf

#endif
