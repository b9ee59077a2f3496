//===- ConvSplit.h - Splitting convolutions to fit the CBUF -----*- C++ -*-===//
//
// Part of onnc-fault. Internal to targets/NVDLA/Codegen. A convolution
// whose input rows and kernels do not fit the convolution buffer together
// runs as several CONV + SDP pairs: by kernel groups (each pair loads a
// slice of the kernels and writes that channel slice of the output) and by
// output rows (each pair reads the input rows its output rows need, with
// the kernel's overlap, and the padding that falls inside its slice).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_CODEGEN_CONVSPLIT_H
#define ONNCF_TARGETS_NVDLA_CODEGEN_CONVSPLIT_H

#include "onncf/Targets/NVDLA/Lowering.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
class Op;
namespace nvdla {
struct NvdlaConfig;

/// One CONV + SDP pair of a (possibly split) nvdla.conv.
struct ConvPart {
  int64_t K0 = 0, K1 = 0;   ///< Kernels [K0, K1).
  int64_t OY0 = 0, OY1 = 0; ///< Output rows [OY0, OY1).
  int64_t IY0 = 0, IY1 = 0; ///< Input rows read [IY0, IY1).
  int64_t PadTop = 0, PadBottom = 0;
};

/// Chooses the split of nvdla.conv \p O for \p Cfg and records it:
/// entry_per_slice, data_bank and weight_bank (of the largest part),
/// split_kernels (kernels per part, a multiple of atomic K) and split_rows
/// (output rows per part). An error names the op when even one kernel
/// group next to the input rows of one output row does not fit.
/// What the CBUF planning of one convolution depends on: the input and
/// output cubes, the kernel, the vertical stride and the packed weight
/// bytes (an fc: its C x H x W input cube read by an H x W kernel).
struct CbufShape {
  CubeDims In, Out;
  int64_t R = 1, S = 1, Stride = 1;
  uint64_t WeightBytes = 0;
};

/// The banks and split of one convolution (the attributes entry_per_slice,
/// data_bank, weight_bank, split_kernels, split_rows).
struct CbufPlan {
  uint64_t EntryPerSlice = 0;
  int64_t DataBanks = 0, WeightBanks = 0;
  int64_t SplitKernels = 0, SplitRows = 0;
  /// Parts the convolution runs in (1: not split).
  int64_t parts(const CbufShape &Sh) const {
    return (Sh.Out.C + SplitKernels - 1) / SplitKernels *
           ((Sh.Out.H + SplitRows - 1) / SplitRows);
  }
};

/// The planning rule (the file comment of ConvSplit.cpp), shared by
/// planConvCbuf and the fault placement (cbuf_banks) so both give the same
/// banks. Errors name \p What.
llvm::Expected<CbufPlan> planCbuf(const CbufShape &Sh, const NvdlaConfig &Cfg,
                                  const llvm::Twine &What);

/// Sets the CBUF attributes of nvdla.conv \p O by planCbuf; errors when
/// it does not fit or differs from the op's cbuf_banks.
llvm::Error planConvCbuf(Op &O, const NvdlaConfig &Cfg);

/// The parts recorded by planConvCbuf, kernel slices outermost.
std::vector<ConvPart> getConvParts(const Op &O);

} // namespace nvdla
} // namespace onncf

#endif
