//===- LoadableWriter.h - Build NVDLA loadables -----------------*- C++ -*-===//
//
// Part of onnc-fault. The NVDLA code generator describes what a loadable
// holds (memories, the data blobs that fill SET memories, address entries,
// DLA1 tasks as decoded descriptors, EMU1 tasks, tensor descriptors); the
// writer lays it out the way NVIDIA's runtime expects:
//  * every task's address_list is [its network descriptor, 1, 2, ..., N-1]:
//    address index k >= 1 of every task is global address entry k, so the
//    code generator refers to a buffer by the id addAddress returned;
//  * descriptor blobs (network, dependency graph, ops, surfaces, LUTs for a
//    DLA1 task; network, op list, buffer list for an EMU1 task) each get a
//    SET memory and an address entry of their own, in the 0.12 layout;
//  * tasks run in order: task i signals event (semaphore 0, value i + 1) and
//    task i + 1 waits for it; one submit entry per task;
//  * every vector field is present, bind ids of INPUT and OUTPUT memories
//    are 0..n-1 per kind, blobs are sorted by name, file identifier "NVDA".
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_LOADABLEWRITER_H
#define ONNCF_TARGETS_NVDLA_LOADABLEWRITER_H

#include "onncf/Targets/NVDLA/Descriptors.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>
#include <vector>

namespace onncf {
namespace nvdla {

/// MemoryFlags of the schema.
enum MemoryFlag : uint16_t {
  MemFlagNone = 0,
  MemFlagAlloc = 1,
  MemFlagSet = 2,
  MemFlagInput = 4,
  MemFlagOutput = 8,
};

struct TensorDescSpec {
  std::string Name;
  unsigned MemoryId = 0;
  uint64_t Size = 0, Offset = 0;
  uint8_t DataFormat = 3;   ///< NCxHWx
  uint8_t DataType = 4;     ///< INT8
  uint8_t DataCategory = 2; ///< FEATURE
  uint8_t PixelFormat = 36; ///< FEATURE
  uint8_t PixelMapping = 0;
  int32_t N = 1, C = 0, H = 0, W = 0;
  /// 0: bytes per element, 1: line stride, 2: surface stride.
  uint32_t Strides[8] = {};
};

/// An EMU1 task: its op list and buffer list blobs, already encoded
/// (EmuDescriptors.h); the writer adds the 256-byte network descriptor.
struct EmuTaskSpec {
  uint16_t NumOperations = 0;
  std::vector<uint8_t> OpList;
  std::vector<uint8_t> OpBufferList;
};

/// A DLA1 task. The writer fills the *_index fields and the num_* counts of
/// \p Net; op_head, dependency counts and consumers are the caller's.
struct DLATaskSpec {
  NetworkDesc Net = {};
  std::vector<DecodedOp> Ops;
  std::vector<LutParam> Luts;
};

class LoadableWriter {
public:
  LoadableWriter();
  ~LoadableWriter();

  /// A memory of \p Size bytes. \p Flags: MemoryFlag bits. INPUT / OUTPUT
  /// memories get the next bind id of their kind. Returns the memory id.
  unsigned addMemory(uint16_t Flags, uint64_t Size, uint32_t Alignment = 4096,
                     uint8_t Domain = 0);
  /// Adds blob \p Name (interface NONE unless given) copied into SET memory
  /// \p MemoryId at \p Offset.
  llvm::Error addContents(unsigned MemoryId, llvm::StringRef BlobName,
                          std::vector<uint8_t> Data, uint64_t Offset);
  /// A blob that fills no memory (e.g. the onncf.io description).
  void addBlob(llvm::StringRef Name, std::vector<uint8_t> Data,
               uint32_t Interface = 0, uint32_t SubInterface = 0,
               uint8_t VersionMajor = 1, uint8_t VersionMinor = 0);
  /// An address entry over [Offset, Offset + Size) of memory \p MemoryId;
  /// returns its id (>= 1), the address index descriptors use.
  unsigned addAddress(unsigned MemoryId, uint64_t Offset, uint64_t Size);
  /// Links memory \p MemoryId to a tensor descriptor; returns its id.
  unsigned addTensorDesc(const TensorDescSpec &T, bool BindToMemory = true);

  void addDLATask(DLATaskSpec Task);
  void addEmuTask(EmuTaskSpec Task);

  /// Serialises the loadable (deterministic bytes). Errors for
  /// inconsistent specs (an address past its memory, a cube address index
  /// that is not an entry, an empty task list).
  llvm::Expected<std::vector<uint8_t>> finish();

  /// Encodes the descriptors in the 0.12 layout (for tests and tools).
  static std::vector<uint8_t> encodeNetworkDesc(const NetworkDesc &N);
  static std::vector<uint8_t> encodeOps(llvm::ArrayRef<DecodedOp> Ops,
                                        std::vector<uint8_t> &Deps,
                                        std::vector<uint8_t> &Surfaces);

private:
  struct Memory;
  struct Blob;
  struct Address;
  struct Task;
  std::vector<Memory> Memories;
  std::vector<Blob> Blobs;
  std::vector<Address> Addresses;
  std::vector<TensorDescSpec> TensorDescs;
  std::vector<Task> Tasks;
  unsigned NextInputBind = 0, NextOutputBind = 0;
};

} // namespace nvdla
} // namespace onncf

#endif
