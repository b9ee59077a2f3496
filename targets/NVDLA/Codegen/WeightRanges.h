//===- WeightRanges.h - Where each conv's weights go in the blob -*- C++
//-*-===//
//
// Part of onnc-fault. The one rule both the fault placement on the quant IR
// (FaultPlacement.cpp, before lowering) and the planner (Planning.cpp, after
// it) use to lay out the "weights" blob: in op order, each conv's packed
// weights, then its per-kernel SDP operands (int16 ALU + int16 MUL per
// kernel), each range aligned to 256 bytes. Sharing it keeps wmem_offset
// equal to weight_offset; Planning checks the two anyway.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_CODEGEN_WEIGHTRANGES_H
#define ONNCF_TARGETS_NVDLA_CODEGEN_WEIGHTRANGES_H

#include <cstdint>

namespace onncf {
namespace nvdla {

struct WeightRange {
  uint64_t WeightOffset = 0; ///< Packed weights.
  uint64_t SdpOffset = 0;    ///< Per-kernel SDP operands.
  uint64_t End = 0;          ///< Where the next conv's range starts.
};

inline uint64_t alignWeightRange(uint64_t X) {
  return (X + 255) & ~uint64_t(255);
}

/// Bytes of the SDP operands of a conv with \p K kernels (two int16 each).
inline uint64_t getSdpOperandBytes(int64_t K) { return uint64_t(K) * 4; }

/// The range of the next conv, starting at \p Next (a previous End or 0).
inline WeightRange allocateWeightRange(uint64_t Next, uint64_t WeightBytes,
                                       uint64_t SdpBytes) {
  WeightRange R;
  R.WeightOffset = Next;
  R.SdpOffset = alignWeightRange(Next + WeightBytes);
  R.End = alignWeightRange(R.SdpOffset + SdpBytes);
  return R;
}

} // namespace nvdla
} // namespace onncf

#endif
