//===- Runs.h - One run of an onnc-campaign sweep ---------------*- C++ -*-===//
//
// Part of onnc-fault (private to tools/onnc-campaign). A run is one chip:
// its defect map is built from the run's coordinates (a procedural weight
// memory or CBUF map for a rate and map index, or explicit MAC-lane cell
// faults for a bit, stuck value and operand), the placed graph is
// mitigated for it as onnc-fault --defect-map does, the faults are
// injected as onnc-run --defect-map does (or the loadable runs on the
// virtual platform), and the dataset is evaluated. Runs share only
// read-only state, so a thread pool can run them in any order.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TOOLS_CAMPAIGN_RUNS_H
#define ONNCF_TOOLS_CAMPAIGN_RUNS_H

#include "Results.h"
#include "onncf/Data/Dataset.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/Fault/Policy.h"
#include "onncf/Interp/Evaluate.h"
#include "onncf/Target/Target.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace onncf {
namespace nvdla {
struct NvdlaConfig;
}
namespace campaign {

/// One cell of the sweep.
struct RunSpec {
  uint64_t Index;
  double Rate;
  unsigned Map;
  unsigned Mitigation; ///< index into the mitigation list
  // --memory=cmac: Bit < 0 is the fault-free run.
  fault::Operand Operand = fault::Operand::Weight;
  int Bit = -1, Stuck = 0;
};

/// What every run shares (read-only while the pool runs).
struct Shared {
  std::string PlacedText; ///< the quantized, placed graph as text IR
  unsigned WeightBits = 8;
  uint64_t Seed = 1;      ///< --seed: the base of every map seed
  uint64_t WMemBytes = 0;
  std::vector<fault::Mitigation> Mitigations;
  Dataset Data;
  EvaluateOptions EO;
  double Sa1Share = 0.8;
  // --memory=cmac
  bool Cmac = false;
  fault::MacGeometry Geo;
  std::vector<unsigned> Cells;
  // -march=nvdla-*: the config, its target and options; VP: --executor=vp.
  const nvdla::NvdlaConfig *Cfg = nullptr;
  const TargetInfo *Target = nullptr;
  TargetOptions TO;
  bool VP = false;
  bool Cbuf = false; ///< --memory=cbuf: random maps of the config's CBUF
};

/// Runs \p Spec: builds its chip, mitigates, injects and evaluates.
llvm::Expected<RunRow> runOne(const Shared &S, const RunSpec &Spec);

} // namespace campaign
} // namespace onncf

#endif
