//===- IoBlob.h - The onnc-fault I/O description blob of a loadable -*- C++
//-*-===//
//
// Part of onnc-fault. NVIDIA's loadable says where the input and output
// surfaces live (tensor descriptors, bind ids) but not what the integers mean
// or which hardware configuration the file was built for. Our compiler adds a
// blob named "onncf.io" (interface NONE, version 1.0.0) holding this JSON
// document; the stock runtime ignores blobs it does not know. The virtual
// platform uses it to quantize float inputs, dequantize outputs and pick the
// config; a loadable without it (e.g. NVIDIA's regression files) runs on raw
// integer surfaces. Format: docs/LoadableFormat.md.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_IOBLOB_H
#define ONNCF_TARGETS_NVDLA_IOBLOB_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>
#include <vector>

namespace onncf {
namespace nvdla {

constexpr const char *IoBlobName = "onncf.io";

/// One graph input or output of a compiled model.
struct IoPort {
  /// The ONNX name of the tensor.
  std::string Name;
  /// Bind id of its INPUT / OUTPUT memory.
  unsigned BindId = 0;
  /// Tensor descriptor id (tensor_desc_list) of its surface.
  unsigned TensorDescId = 0;
  /// Dense logical shape, NCHW (N = 1; fc outputs are [1, C, 1, 1] with
  /// LogicalRank 2).
  int64_t N = 1, C = 0, H = 1, W = 1;
  unsigned LogicalRank = 4;
  /// Integer element width (8 or 16) and the real value of one unit.
  unsigned Bits = 8;
  double Scale = 1.0;
  /// Layout of the surface in memory ("NCxHWx" with AtomBytes channels
  /// bytes per atom, or "NCHW" dense).
  std::string Format = "NCxHWx";
  unsigned AtomBytes = 8;
  uint64_t LineStride = 0, SurfStride = 0;
};

struct IoInfo {
  /// -march name of the configuration the loadable was built for.
  std::string Config;
  /// onnc-fault version that wrote it.
  std::string Producer;
  std::vector<IoPort> Inputs, Outputs;
};

/// Serialises \p Info as the blob's JSON bytes (deterministic key order).
std::vector<uint8_t> writeIoBlob(const IoInfo &Info);
/// Parses the blob; errors name \p Name (the loadable) and the bad field.
llvm::Expected<IoInfo> parseIoBlob(llvm::ArrayRef<uint8_t> Bytes,
                                   llvm::StringRef Name);

} // namespace nvdla
} // namespace onncf

#endif
