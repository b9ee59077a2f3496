//===- DefectMapWriter.cpp - Print a defect map in the v1 text form -------===//
//
// Part of onnc-fault. The canonical form: header, chip, memories, random
// statements, then the explicit faults in their original order. Numbers
// read from a file are printed as they were spelled, so print(parse(x))
// is a fixed point after one round.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/DefectMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>

using namespace llvm;

namespace onncf {
namespace fault {

/// The shortest decimal that reads back as \p V.
static std::string shortestDouble(double V) {
  char Buf[64];
  for (int Prec = 1; Prec <= 17; ++Prec) {
    snprintf(Buf, sizeof(Buf), "%.*g", Prec, V);
    if (std::strtod(Buf, nullptr) == V)
      break;
  }
  return Buf;
}

static std::string spelled(const std::string &Text, double V) {
  return Text.empty() ? shortestDouble(V) : Text;
}

void DefectMap::print(raw_ostream &OS) const {
  OS << "onncf-defect-map " << Version << "\n";
  if (!Chip.empty())
    OS << "chip " << Chip << "\n";
  for (const Memory &M : Memories) {
    OS << "memory " << memoryKindName(M.Kind) << " name=" << M.Name;
    switch (M.Kind) {
    case MemoryKind::WMem:
      OS << " words=" << M.Entries << " width=" << M.Width;
      break;
    case MemoryKind::CBuf:
      OS << " banks=" << M.Banks << " entries=" << M.Entries
         << " width=" << M.Width;
      break;
    case MemoryKind::CMac:
      OS << " cells=" << M.Entries << " bits=" << M.Width;
      break;
    }
    OS << "\n";
  }
  for (size_t I = 0; I < Random.size() && I < Memories.size(); ++I) {
    if (!Random[I])
      continue;
    const RandomFaults &R = *Random[I];
    OS << "random " << Memories[I].Name
       << " rate=" << spelled(R.RateText, R.Rate)
       << " sa1-share=" << spelled(R.Sa1ShareText, R.Sa1Share)
       << " seed=" << R.Seed << " distribution="
       << (R.Dist == Distribution::Uniform ? "uniform" : "column");
    if (R.Dist == Distribution::ColumnClustered)
      OS << " cluster=" << spelled(R.ClusterText, R.Cluster);
    OS << "\n";
  }
  for (const ExplicitFault &F : Faults) {
    const Memory &M = Memories[F.Mem];
    OS << faultScopeName(F.Scope) << " " << M.Name << " ";
    switch (F.Scope) {
    case FaultScope::Cell:
      OS << M.formatRow(F.Index) << " " << F.Bit;
      break;
    case FaultScope::Column:
      if (M.Kind == MemoryKind::CBuf)
        OS << F.Index << " ";
      OS << F.Bit;
      break;
    case FaultScope::Row:
    case FaultScope::Lane:
      OS << M.formatRow(F.Index);
      break;
    case FaultScope::Bank:
      OS << F.Index;
      break;
    }
    OS << (F.StuckAt1 ? " sa1" : " sa0") << "\n";
  }
}

} // namespace fault
} // namespace onncf
