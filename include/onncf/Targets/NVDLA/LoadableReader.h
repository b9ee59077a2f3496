//===- LoadableReader.h - Read and validate NVDLA loadables ---------------===//
//
// Part of onnc-fault. A loadable is a flatbuffer (targets/NVDLA/Loadable/
// Loadable.fbs) whose tables refer to each other by ids, indices, offsets and
// blob names. The reader runs the flatbuffers Verifier and then checks every
// one of those references, so code after it (the dumper, a virtual platform)
// can follow them without range checks of its own. Errors name the file and
// the bad field, e.g. "X.nvdla: address_list[3]: offset 4096 + size 64
// exceeds memory 2 (size 2048)". The "NVDA" file identifier is not required.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_LOADABLEREADER_H
#define ONNCF_TARGETS_NVDLA_LOADABLEREADER_H

#include "onncf/Targets/NVDLA/Descriptors.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <string>
#include <vector>

namespace nvdla {
namespace loadable {
struct Loadable;
struct MemoryListEntry;
struct AddressListEntry;
struct TaskListEntry;
struct Blob;
} // namespace loadable
} // namespace nvdla

namespace onncf {
namespace nvdla {

/// Reading larger address ranges into memory is refused (a corrupt size).
constexpr uint64_t MaxAddressBytes = uint64_t(256) << 20;

/// A verified loadable and the bytes it lives in.
class LoadableFile {
public:
  LoadableFile(std::string Name, std::unique_ptr<llvm::MemoryBuffer> Buf)
      : Name(std::move(Name)), Buf(std::move(Buf)) {}
  llvm::StringRef name() const { return Name; }
  llvm::ArrayRef<uint8_t> bytes() const;
  const ::nvdla::loadable::Loadable &root() const;

  /// The memory / address entry with this id, or null.
  const ::nvdla::loadable::MemoryListEntry *memoryById(unsigned Id) const;
  const ::nvdla::loadable::AddressListEntry *addressById(unsigned Id) const;
  /// The blob with this name, or null.
  const ::nvdla::loadable::Blob *blobByName(llvm::StringRef N) const;

  /// The initial contents of address entry \p Id: the SET blobs of its
  /// memory copied at their offsets, zeros elsewhere.
  llvm::Expected<std::vector<uint8_t>> addressBytes(unsigned Id) const;

private:
  std::string Name;
  std::unique_ptr<llvm::MemoryBuffer> Buf;
};

/// The DLA network one DLA1 task runs, decoded (roi 0).
struct DLANetwork {
  unsigned TaskId = 0;
  DescLayout Layout = DescLayout::Current012;
  NetworkDesc Net;
  std::vector<DecodedOp> Ops;
  std::vector<LutParam> Luts;
};

/// Verifies and validates \p Bytes (named \p Name in messages); copies them.
llvm::Expected<std::unique_ptr<LoadableFile>>
parseLoadable(llvm::ArrayRef<uint8_t> Bytes, llvm::StringRef Name);
/// Reads \p Path and parses it.
llvm::Expected<std::unique_ptr<LoadableFile>>
readLoadable(llvm::StringRef Path);

/// Checks ids, indices, offsets and sizes of a verified loadable; also
/// decodes the network of every DLA1 task. Used by parseLoadable.
llvm::Error validateLoadable(const LoadableFile &F);

/// Decodes the network of the DLA1 task at \p TaskIndex of task_list.
llvm::Expected<DLANetwork> decodeDLATask(const LoadableFile &F,
                                         unsigned TaskIndex);

} // namespace nvdla
} // namespace onncf

#endif
