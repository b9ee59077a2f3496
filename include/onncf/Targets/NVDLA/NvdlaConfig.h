//===- NvdlaConfig.h - NVDLA hardware configurations ------------*- C++ -*-===//
//
// Part of onnc-fault. One record per NVDLA hardware configuration (the spec
// files of the public nvdla/hw release, summarised in
// shared/reference/NVDLA.md): MAC array shape, memory atom, convolution
// buffer geometry, precisions, which engines and features exist and the
// post-processing throughputs. Every later stage (weight packing, CBUF
// allocation, the virtual platform's cycle counts) reads these numbers from
// here instead of repeating them.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_NVDLACONFIG_H
#define ONNCF_TARGETS_NVDLA_NVDLACONFIG_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>

namespace onncf {
namespace nvdla {

/// Firmware precision codes (INT8 0, INT16 1, FP16 2).
enum class Precision : uint8_t { Int8 = 0, Int16 = 1, Fp16 = 2 };

/// Bytes of one element of \p P (1 for INT8, 2 otherwise).
unsigned getPrecisionBytes(Precision P);

struct NvdlaConfig {
  /// Our -march spelling ("nvdla-small") and NVIDIA's ("nv_small").
  llvm::StringRef Name;
  llvm::StringRef NvidiaName;

  unsigned AtomicC = 0;         ///< Input channels per MAC atomic operation.
  unsigned AtomicK = 0;         ///< Kernels per atomic operation (8-bit).
  unsigned MemoryAtomBytes = 0; ///< Smallest memory access, in bytes.
  unsigned CbufBanks = 0;
  unsigned CbufBankDepth = 0;  ///< Entries (rows) per bank.
  unsigned CbufEntryBytes = 0; ///< Width of one bank row ("CBUF width").

  bool Int8 = false, Int16 = false, Fp16 = false;

  // Engines and engine features.
  bool Conv = false;
  bool Sdp = false;
  bool SdpLut = false, SdpEw = false, SdpBs = false, SdpBn = false;
  bool Pdp = false, Cdp = false, Bdma = false, Rubik = false;
  bool Winograd = false, Batch = false, WeightCompression = false;
  bool SecondaryMemory = false; ///< CV-SRAM (MemoryDomain SRAM).

  // Elements per cycle (0 where the unit is absent).
  unsigned SdpBsThroughput = 0, SdpBnThroughput = 0, SdpEwThroughput = 0;
  unsigned PdpThroughput = 0, CdpThroughput = 0;

  /// PDP's internal line buffer, which holds the partial results of the
  /// pooled lines in flight. 7 KiB on every configuration: an assumption
  /// (NVDLA.md does not give the size; see docs/NVDLATarget.md, "PDP split
  /// mode").
  unsigned PdpBufferBytes = 7 * 1024;

  unsigned getMacsPerCycle() const { return AtomicC * AtomicK; }
  uint64_t getCbufBankBytes() const {
    return uint64_t(CbufBankDepth) * CbufEntryBytes;
  }
  uint64_t getCbufBytes() const { return CbufBanks * getCbufBankBytes(); }
  bool supports(Precision P) const;
  /// Feature channels one memory atom holds (the x of NCxHWx).
  unsigned getChannelsPerAtom(unsigned ElemBytes) const {
    return MemoryAtomBytes / ElemBytes;
  }
  unsigned getChannelsPerAtom(Precision P) const {
    return getChannelsPerAtom(getPrecisionBytes(P));
  }
  /// Kernels in one direct-convolution kernel group (atomic K, halved for
  /// 16-bit elements).
  unsigned getKernelsPerGroup(unsigned ElemBytes) const {
    return ElemBytes == 2 ? AtomicK / 2 : AtomicK;
  }
  /// Output columns one PDP split may produce: the line buffer holds, for
  /// each of the ceil(kernel height / stride y) pooled lines in flight, one
  /// memory atom of channels per output column as partial results twice as
  /// wide as the elements. Conservative by construction (at least 1).
  unsigned getPdpMaxSplitWidth(unsigned ElemBytes, unsigned KernelH,
                               unsigned StrideY) const {
    unsigned Lines = StrideY ? (KernelH + StrideY - 1) / StrideY : KernelH;
    uint64_t PerColumn = uint64_t(getChannelsPerAtom(ElemBytes)) * ElemBytes *
                         2 * (Lines ? Lines : 1);
    uint64_t W = PerColumn ? PdpBufferBytes / PerColumn : 0;
    return W ? unsigned(W) : 1;
  }
};

/// nvdla-small, nvdla-small-256, nvdla-large, nvdla-full in that order.
llvm::ArrayRef<NvdlaConfig> getAllNvdlaConfigs();

/// Finds a configuration by our name or NVIDIA's (nv_small, nv_small_256,
/// nv_large, nv_full). The error lists every accepted name.
llvm::Expected<const NvdlaConfig *> lookupNvdlaConfig(llvm::StringRef Name);

} // namespace nvdla
} // namespace onncf

#endif
