//===- PdpSplit.h - PDP split mode for wide pooling inputs ------*- C++ -*-===//
//
// Part of onnc-fault. Internal to targets/NVDLA/Codegen. The PDP pools one
// line at a time out of a small internal buffer; a line whose output is
// wider than the buffer holds (NvdlaConfig::getPdpMaxSplitWidth) runs in
// split mode: one PDP op with split_num > 1 whose first / mid / last
// pieces cover consecutive column ranges of the input and of the output.
// The engine keeps the kernel overlap (kernel width minus stride) between
// pieces itself, so the input pieces do not overlap in the descriptor;
// this is how the virtual platform (VP/PdpEngine.cpp) reads the fields.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_CODEGEN_PDPSPLIT_H
#define ONNCF_TARGETS_NVDLA_CODEGEN_PDPSPLIT_H

#include "llvm/Support/Error.h"
#include <cstdint>

namespace onncf {
class Op;
namespace nvdla {
struct NvdlaConfig;

/// The split fields of a pdp_op descriptor.
struct PdpSplit {
  unsigned SplitNum = 1;
  unsigned InFirst = 0, InMid = 0, InLast = 0;    ///< Input columns.
  unsigned OutFirst = 0, OutMid = 0, OutLast = 0; ///< Output columns.
};

/// Chooses the split of nvdla.pdp \p O for \p Cfg (\p ElemBytes per
/// element): split_num 1 with the whole widths when the output line fits
/// the PDP buffer, else the fewest pieces that fit. An error names the op
/// and the configuration when no split the descriptor can express fits.
llvm::Expected<PdpSplit> planPdpSplit(const Op &O, const NvdlaConfig &Cfg,
                                      unsigned ElemBytes);

} // namespace nvdla
} // namespace onncf

#endif
