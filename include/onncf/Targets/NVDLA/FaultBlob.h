//===- FaultBlob.h - The onnc-fault fault description blob ------*- C++ -*-===//
//
// Part of onnc-fault. A loadable compiled for the chip of a defect map
// (onnc-fault --defect-map) carries a blob "onncf.fault" (interface NONE,
// version 1.0.0; the stock runtime ignores it) saying how the chip reads
// the stored weights: for every conv weight range of the weights memory,
// the read decoder the mitigation chose and, for the sign-bit decoders, the
// substituted bits of each byte (masks indexed by byte of the packed
// range), plus the MAC array's lane substitution settings (cmac). The
// virtual platform applies the map's faults to the stored bytes, then these
// decoders (docs/FaultInjection.md). Format: docs/LoadableFormat.md.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_FAULTBLOB_H
#define ONNCF_TARGETS_NVDLA_FAULTBLOB_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace onncf {
namespace nvdla {

constexpr const char *FaultBlobName = "onncf.fault";

/// One stored weight range (a conv's packed weights).
struct FaultWeightRange {
  std::string Op;      ///< the quant op's name
  unsigned Memory = 0; ///< memory id of the weights memory
  uint64_t Offset = 0; ///< byte offset of the range in that memory
  uint64_t Bytes = 0;  ///< bytes of the range
  unsigned WordBits = 8;
  /// none | lsb | c1 | sign-bit | inverse-sign-bit
  std::string Decoder = "none";
  /// (byte index in the range, substituted bit mask), increasing index.
  std::vector<std::pair<uint64_t, uint64_t>> Masks;
};

/// One lane of the MAC array whose known faulty bits are substituted.
struct FaultCmacSubstitute {
  unsigned Cell = 0;
  std::string Operand = "weight"; ///< weight | data
  uint64_t Mask = 0;
  std::string Mode = "sign-bit"; ///< sign-bit | inverse-sign-bit
};

struct FaultInfo {
  std::vector<FaultWeightRange> Weights;
  /// The cmac section (written when HasCmac).
  bool HasCmac = false;
  unsigned AtomK = 0, AtomC = 0;
  std::vector<FaultCmacSubstitute> Substitutes;
};

/// True for the decoder names the blob accepts.
bool isFaultBlobDecoder(llvm::StringRef S);

/// Serialises \p Info as the blob's JSON bytes (deterministic order).
std::vector<uint8_t> writeFaultBlob(const FaultInfo &Info);
/// Parses the blob; errors name \p Name (the loadable) and the bad field.
llvm::Expected<FaultInfo> parseFaultBlob(llvm::ArrayRef<uint8_t> Bytes,
                                         llvm::StringRef Name);

} // namespace nvdla
} // namespace onncf

#endif
