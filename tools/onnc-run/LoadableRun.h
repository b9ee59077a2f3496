//===- LoadableRun.h - onnc-run's NVDLA loadable helpers --------*- C++ -*-===//
//
// Part of onnc-fault (private to tools/onnc-run). Recognising a loadable by
// its content, and the DIMG image of an output surface as NVIDIA's runtime
// tests dump it, with a comparison against a golden.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TOOLS_ONNC_RUN_LOADABLERUN_H
#define ONNCF_TOOLS_ONNC_RUN_LOADABLERUN_H

#include "onncf/Targets/NVDLA/Dimg.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
}

namespace onncf {

/// True for a file named .nvdla, a flatbuffer with the "NVDA" identifier,
/// or one whose root verifies as a loadable (NVIDIA's files without the
/// identifier). ONNX (.onnx) and unreadable files are not loadables.
bool looksLikeLoadable(llvm::StringRef Path);

/// The DIMG of output \p Index (bytes \p Memory of its memory): the tensor
/// descriptor's type, C/H/W and strides in the header; the payload read
/// with a 32-byte atom for every configuration, as NVIDIA's dumper does
/// (the nv_small goldens show it), unless the onncf.io blob gives the
/// port's atom.
llvm::Expected<nvdla::DimgImage>
makeOutputDimg(const nvdla::VirtualPlatform &VP, unsigned Index,
               llvm::ArrayRef<uint8_t> Memory);

/// Compares \p Got with the golden DIMG at \p GoldenPath element by
/// element and prints the result on \p OS. Returns the number of differing
/// elements (all of them when the headers' type or shape differ).
llvm::Expected<uint64_t> compareWithDimg(const nvdla::DimgImage &Got,
                                         llvm::StringRef GoldenPath,
                                         llvm::raw_ostream &OS);

} // namespace onncf

#endif
