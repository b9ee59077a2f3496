//===- NvdlaConfig.cpp - NVDLA hardware configurations --------------------===//
//
// Part of onnc-fault. The values are those of shared/reference/NVDLA.md's
// table. Where the table is silent the record follows the table's wording:
// nv_small_256 is "as nv_small" (engines and throughputs), and nv_large is
// nv_full minus what the table switches off (INT16/FP16, BDMA, RUBIK,
// Winograd, batch), so it keeps SDP BS/BN, weight compression and the
// secondary memory. docs/NVDLATarget.md repeats these assumptions.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include <string>

namespace onncf {
namespace nvdla {

unsigned getPrecisionBytes(Precision P) { return P == Precision::Int8 ? 1 : 2; }

bool NvdlaConfig::supports(Precision P) const {
  switch (P) {
  case Precision::Int8:
    return Int8;
  case Precision::Int16:
    return Int16;
  case Precision::Fp16:
    return Fp16;
  }
  return false;
}

static NvdlaConfig makeSmall(llvm::StringRef Name, llvm::StringRef NvName,
                             unsigned AtomicC, unsigned Depth, unsigned Width) {
  NvdlaConfig C;
  C.Name = Name;
  C.NvidiaName = NvName;
  C.AtomicC = AtomicC;
  C.AtomicK = 8;
  C.MemoryAtomBytes = 8;
  C.CbufBanks = 32;
  C.CbufBankDepth = Depth;
  C.CbufEntryBytes = Width;
  C.Int8 = true;
  C.Conv = C.Sdp = C.SdpBs = C.SdpBn = C.Pdp = C.Cdp = true;
  // No LUT, no EW, no BDMA, no RUBIK, no secondary memory.
  C.SdpBsThroughput = C.SdpBnThroughput = 1;
  C.PdpThroughput = C.CdpThroughput = 1;
  return C;
}

static NvdlaConfig makeBig(llvm::StringRef Name, llvm::StringRef NvName,
                           bool Full) {
  NvdlaConfig C;
  C.Name = Name;
  C.NvidiaName = NvName;
  C.AtomicC = 64;
  C.AtomicK = 32;
  C.MemoryAtomBytes = 32;
  C.CbufBanks = 16;
  C.CbufBankDepth = 512;
  C.CbufEntryBytes = 64;
  C.Int8 = true;
  C.Int16 = C.Fp16 = Full;
  C.Conv = C.Sdp = C.SdpLut = C.SdpEw = C.SdpBs = C.SdpBn = true;
  C.Pdp = C.Cdp = true;
  C.Bdma = C.Rubik = C.Winograd = C.Batch = Full;
  C.WeightCompression = true;
  C.SecondaryMemory = true;
  C.SdpBsThroughput = C.SdpBnThroughput = 16;
  C.SdpEwThroughput = 4;
  C.PdpThroughput = C.CdpThroughput = 8;
  return C;
}

llvm::ArrayRef<NvdlaConfig> getAllNvdlaConfigs() {
  static const NvdlaConfig Configs[] = {
      makeSmall("nvdla-small", "nv_small", 8, 512, 8),
      makeSmall("nvdla-small-256", "nv_small_256", 32, 128, 32),
      makeBig("nvdla-large", "nv_large", /*Full=*/false),
      makeBig("nvdla-full", "nv_full", /*Full=*/true),
  };
  return Configs;
}

llvm::Expected<const NvdlaConfig *> lookupNvdlaConfig(llvm::StringRef Name) {
  std::string Valid;
  for (const NvdlaConfig &C : getAllNvdlaConfigs()) {
    if (Name == C.Name || Name == C.NvidiaName)
      return &C;
    Valid +=
        (Valid.empty() ? "" : ", ") + C.Name.str() + ", " + C.NvidiaName.str();
  }
  return makeError("unknown NVDLA configuration '" + Name +
                   "' (valid: " + Valid + ")");
}

} // namespace nvdla
} // namespace onncf
