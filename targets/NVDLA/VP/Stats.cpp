//===- Stats.cpp - Statistics of the NVDLA virtual platform ---------------===//
//
// Part of onnc-fault. Per-engine counters the engine models fill in (ops,
// MACs or elements, bytes moved, estimated cycles from the configuration's
// throughputs) and the table onnc-run --stats prints.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>

using namespace llvm;

namespace onncf {
namespace nvdla {

EngineStats &EngineStats::operator+=(const EngineStats &O) {
  Ops += O.Ops;
  Macs += O.Macs;
  BytesRead += O.BytesRead;
  BytesWritten += O.BytesWritten;
  Cycles += O.Cycles;
  return *this;
}

VPStats &VPStats::operator+=(const VPStats &O) {
  for (unsigned I = 0; I < NumOpTypes; ++I)
    Engines[I] += O.Engines[I];
  Emu += O.Emu;
  Runs += O.Runs;
  return *this;
}

uint64_t VPStats::getEstimatedCycles() const {
  // CONV, SDP and PDP usually run as one on-the-fly pipeline, so the
  // slowest of them bounds the chain; the other engines and the CPU work on
  // their own and add up. A rough model: no memory stalls, no overlap of
  // independent engines.
  uint64_t Pipe = std::max(
      {Engines[OpCONV].Cycles, Engines[OpSDP].Cycles, Engines[OpPDP].Cycles});
  uint64_t Total = Pipe + Engines[OpBDMA].Cycles + Engines[OpCDP].Cycles +
                   Engines[OpRUBIK].Cycles + Emu.Cycles;
  return Total / std::max<uint64_t>(Runs, 1);
}

void VPStats::print(raw_ostream &OS, const NvdlaConfig &Cfg) const {
  uint64_t N = std::max<uint64_t>(Runs, 1);
  OS << "NVDLA virtual platform statistics (" << Cfg.NvidiaName << ", " << Runs
     << " run" << (Runs == 1 ? "" : "s") << "; per run)\n";
  OS << "engine        ops     MACs/elems     bytes read  bytes written"
        "       cycles\n";
  auto Row = [&](StringRef Name, const EngineStats &S) {
    OS << format("%-6s %10llu %14llu %14llu %14llu %12llu\n",
                 Name.str().c_str(), (unsigned long long)(S.Ops / N),
                 (unsigned long long)(S.Macs / N),
                 (unsigned long long)(S.BytesRead / N),
                 (unsigned long long)(S.BytesWritten / N),
                 (unsigned long long)(S.Cycles / N));
  };
  for (unsigned I = 0; I < NumOpTypes; ++I)
    if (Engines[I].Ops)
      Row(opTypeName(I), Engines[I]);
  if (Emu.Ops)
    Row("EMU", Emu);
  OS << "estimated cycles per run: " << getEstimatedCycles() << "\n";
}

} // namespace nvdla
} // namespace onncf
