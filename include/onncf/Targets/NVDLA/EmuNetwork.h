//===- EmuNetwork.h - Decode the network of an NVDLA EMU1 task ------------===//
//
// Part of onnc-fault. The EMU1 (CPU) counterpart of decodeDLATask: address
// index 0 of the task holds the EMU network descriptor, whose indices name
// the operation list and the buffer descriptor list in the same task
// address list (layouts: onncf/Targets/NVDLA/EmuDescriptors.h). onnc-dump
// prints the result.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_EMUNETWORK_H
#define ONNCF_TARGETS_NVDLA_EMUNETWORK_H

#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include <vector>

namespace onncf {
namespace nvdla {

/// The operations one EMU1 task runs, decoded.
struct EmuNetwork {
  unsigned TaskId = 0;
  /// From the version of the first blob of address index 0's memory
  /// (emuLayoutForBlobVersion); the current layout when it has no blob, as
  /// the virtual platform assumes.
  DescLayout Layout = DescLayout::Current012;
  EmuNetworkDesc Net = {};
  std::vector<EmuOpContainer> Ops;
  /// Buffer descriptors 0 .. the highest index an op uses (2i, 2i + 1 and
  /// ONNCF_ADD's src_b_buffer).
  std::vector<EmuBufferDesc> Buffers;
};

/// Decodes the network of the EMU1 task at \p TaskIndex of task_list.
/// Every index, count, offset and size is checked against the bytes it
/// refers to; errors start with "emu network: " and name the field.
llvm::Expected<EmuNetwork> decodeEmuTask(const LoadableFile &F,
                                         unsigned TaskIndex);

} // namespace nvdla
} // namespace onncf

#endif
