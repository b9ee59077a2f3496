//===- WeightFaults.h - Weight-memory faults on the VP ----------*- C++ -*-===//
//
// Part of onnc-fault. What the chip of a defect map reads from its weight
// memory, applied once when the virtual platform loads a loadable (not per
// image, so runs stay fast, deterministic and thread-safe): the map's wmem
// faults on the bytes every CONV op reads as weight_data, then the read
// decoder of each range of the onncf.fault blob. See docs/FaultInjection.md.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_VP_WEIGHTFAULTS_H
#define ONNCF_TARGETS_NVDLA_VP_WEIGHTFAULTS_H

#include "onncf/Targets/NVDLA/FaultBlob.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
namespace fault {
class DefectMap;
}
namespace nvdla {
namespace vp {

/// Bytes [Offset, Offset + Size) of memory Memory (an index into the
/// memories) that a CONV op reads as its weights.
struct WeightRead {
  unsigned Memory = 0;
  uint64_t Offset = 0, Size = 0;
};

/// Rewrites \p Memories (initial contents): with \p Map, every byte of a
/// \p Reads range (byte address = its offset in the memory; bit j is the
/// map's cell 8 * address + j of its first wmem memory) becomes what the
/// faulty cells read; then each range of \p Blob (memory ids mapped to
/// indices by \p MemIndexOfId, -1 for none) is decoded byte by byte with
/// its decoder and masks. Errors name \p Where and \p MapName.
llvm::Error applyWeightFaults(std::vector<std::vector<uint8_t>> &Memories,
                              llvm::ArrayRef<WeightRead> Reads,
                              const fault::DefectMap *Map,
                              llvm::StringRef MapName, const FaultInfo *Blob,
                              llvm::ArrayRef<int> MemIndexOfId,
                              llvm::StringRef Where);

} // namespace vp
} // namespace nvdla
} // namespace onncf

#endif
