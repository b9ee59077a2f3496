//===- NvdlaTarget.cpp - The nvdla-* targets ------------------------------===//
//
// Part of onnc-fault. Registers one target per NVDLA configuration
// (NvdlaConfig.h): Lower runs the lowering and the planning passes
// (Lowering.h) in place, so `--emit=ir` prints the planned nvdla.* graph;
// Emit writes the loadable.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/NvdlaTarget.h"
#include "onncf/IR/Graph.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Target/Target.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/NvdlaOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

using namespace nvdla;

static Error checkOptions(const NvdlaConfig &Cfg, const TargetOptions &O) {
  if (O.ActivationBits != 8)
    return makeError(Cfg.Name + ": only int8 activations are supported "
                                "(--quantize=int8)");
  if (O.WeightBits > 8)
    return makeError(Cfg.Name + ": weights wider than 8 bits are not "
                                "supported (--weight-bits <= 8)");
  return Error::success();
}

void registerNvdlaTargets() {
  registerNvdlaOps();
  for (const NvdlaConfig &C : getAllNvdlaConfigs()) {
    const NvdlaConfig *Cfg = &C;
    TargetInfo T;
    T.Name = C.Name.str();
    T.Description = "NVDLA " + C.NvidiaName.str() +
                    ": an INT8 loadable (.nvdla), run by onnc-run on the "
                    "virtual platform";
    T.OutputExtension = ".nvdla";
    T.BinaryOutput = true;
    T.Lower = [Cfg](Graph &G, const TargetOptions &O) -> Error {
      if (Error E = checkOptions(*Cfg, O))
        return E;
      if (Error E = lowerToNvdla(G, *Cfg, O.AllowCpuFallback))
        return E;
      return planNvdla(G, *Cfg);
    };
    T.Emit = [Cfg](const Graph &G, raw_ostream &OS,
                   const TargetOptions &) -> Error {
      auto Bytes = emitLoadable(G, *Cfg);
      if (!Bytes)
        return Bytes.takeError();
      OS.write(reinterpret_cast<const char *>(Bytes->data()), Bytes->size());
      return Error::success();
    };
    TargetRegistry::get().registerTarget(std::move(T));
  }
}

} // namespace onncf
