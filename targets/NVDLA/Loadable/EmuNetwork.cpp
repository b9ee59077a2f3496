//===- EmuNetwork.cpp - Decode the network of an EMU1 task ----------------===//
//
// Part of onnc-fault. Mirrors DLANetwork.cpp for CPU tasks: the network
// descriptor at address index 0 names the operation list and the buffer
// descriptor list by task address index. Counts are checked against the
// bytes of the address they index before anything is decoded, so a corrupt
// num_operations or src_b_buffer is an error, not a huge loop; buffer
// descriptors must name a task address and lie inside its window.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/EmuNetwork.h"
#include "ScalarAt.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "llvm/ADT/SmallVector.h"
#include <algorithm>

using namespace llvm;
namespace fl = ::nvdla::loadable;

namespace onncf {
namespace nvdla {

namespace {
/// The address list of one EMU1 task.
struct EmuTaskView {
  const LoadableFile &F;
  const fl::TaskListEntry &T;

  unsigned size() const { return T.address_list()->size(); }

  /// Bytes of task address index \p K; \p Field names the index in errors.
  Expected<std::vector<uint8_t>> bytesAt(int K, StringRef Field) const {
    if (K < 0 || unsigned(K) >= size())
      return makeError("emu network: " + Field + " " + Twine(K) +
                       " is not an index of the task's address_list (" +
                       Twine(size()) + " entries)");
    auto B = F.addressBytes(scalarAt(*T.address_list(), K));
    if (!B)
      return makeError("emu network: " + Field + " " + Twine(K) + ": " +
                       toString(B.takeError()));
    return B;
  }

  /// The layout of the first blob of address index 0's memory.
  Expected<DescLayout> layout() const {
    const fl::AddressListEntry *A =
        F.addressById(scalarAt(*T.address_list(), 0));
    const fl::MemoryListEntry *M = A ? F.memoryById(A->mem_id()) : nullptr;
    if (M && M->contents())
      for (const auto *N : *M->contents())
        if (const fl::Blob *B = F.blobByName(N->string_view())) {
          const fl::Version *V = B->version();
          auto L = emuLayoutForBlobVersion(
              V ? V->major() : 0, V ? V->minor() : 0, V ? V->sub_minor() : 0);
          if (!L)
            return makeError("emu network descriptor blob '" +
                             N->string_view() +
                             "': " + toString(L.takeError()));
          return *L;
        }
    return DescLayout::Current012;
  }

  /// Bytes of each task address window (size 0: to the end of the memory).
  Expected<SmallVector<uint64_t, 16>> windows() const {
    SmallVector<uint64_t, 16> W;
    for (unsigned K = 0; K < size(); ++K) {
      const fl::AddressListEntry *A =
          F.addressById(scalarAt(*T.address_list(), K));
      const fl::MemoryListEntry *M = A ? F.memoryById(A->mem_id()) : nullptr;
      if (!A || !M || A->offset() > M->size())
        return makeError("emu network: task address index " + Twine(K) +
                         " has no valid address entry");
      W.push_back(A->size() ? A->size() : M->size() - A->offset());
    }
    return W;
  }
};
} // namespace

/// Checks that buffer descriptor \p Index names a task address and lies
/// inside its window.
static Error checkBuffer(const EmuBufferDesc &D, unsigned Index,
                         ArrayRef<uint64_t> Windows) {
  int Addr = D.addressIndex;
  int N = int(Windows.size());
  std::string Where =
      ("emu network: buffer descriptor " + Twine(Index) + ": ").str();
  if (Addr < 0 || Addr >= N)
    return makeError(Where + "addressIndex " + Twine(Addr) +
                     " is not an index of the task's address_list (" +
                     Twine(N) + " entries)");
  uint64_t Off = D.addressIndexOffset, Size = D.size;
  if (Off > Windows[Addr] || Size > Windows[Addr] - Off)
    return makeError(Where + "addressIndexOffset " + Twine(Off) + " + size " +
                     Twine(Size) + " exceeds address index " + Twine(Addr) +
                     " (" + Twine(Windows[Addr]) + " bytes)");
  return Error::success();
}

Expected<EmuNetwork> decodeEmuTask(const LoadableFile &F, unsigned TaskIndex) {
  const auto *TL = F.root().task_list();
  if (!TL || TaskIndex >= TL->size())
    return makeError("no task at index " + Twine(TaskIndex));
  const fl::TaskListEntry &T = *TL->Get(TaskIndex);
  if (T.interface() != fl::Interface_EMU1 || !T.address_list() ||
      T.address_list()->size() == 0)
    return makeError("task " + Twine(T.id()) +
                     " is not an EMU1 task with an address list (address "
                     "index 0 holds its network descriptor)");
  EmuTaskView TV{F, T};
  EmuNetwork Net;
  Net.TaskId = T.id();
  auto L = TV.layout();
  if (!L)
    return L.takeError();
  Net.Layout = *L;
  auto Head = TV.bytesAt(0, "address index");
  if (!Head)
    return Head.takeError();
  auto ND = decodeEmuNetworkDesc(*Head);
  if (!ND)
    return makeError("emu network: " + toString(ND.takeError()));
  Net.Net = *ND;
  unsigned NumOps = Net.Net.num_operations;
  if (NumOps == 0)
    return Net;

  auto Ops = TV.bytesAt(Net.Net.operation_desc_index, "operation_desc_index");
  if (!Ops)
    return Ops.takeError();
  // The last container may be cut to its used bytes (NN_L0_0's op list is
  // exactly one 16-byte container); decodeEmuOp checks those.
  uint64_t OpStride = getEmuOpContainerSize(Net.Layout);
  if (uint64_t(NumOps - 1) * OpStride >= Ops->size())
    return makeError("emu network: num_operations " + Twine(NumOps) + " x " +
                     Twine(OpStride) + "-byte containers needs " +
                     Twine(uint64_t(NumOps) * OpStride) +
                     " bytes of operation list (address index " +
                     Twine(Net.Net.operation_desc_index) + ") but it has " +
                     Twine(Ops->size()));
  unsigned MaxBuffer = 2 * NumOps - 1;
  for (unsigned I = 0; I < NumOps; ++I) {
    auto Op = decodeEmuOp(*Ops, I * OpStride, Net.Layout);
    if (!Op)
      return makeError("emu network: op " + Twine(I) + ": " +
                       toString(Op.takeError()));
    if (Op->common.op_type == EmuOpOnncfAdd)
      MaxBuffer = std::max<unsigned>(MaxBuffer, Op->add.src_b_buffer);
    Net.Ops.push_back(*Op);
  }

  auto Bufs = TV.bytesAt(Net.Net.operation_buffer_desc_index,
                         "operation_buffer_desc_index");
  if (!Bufs)
    return Bufs.takeError();
  // Only the used bytes of the last 256-byte descriptor must be present.
  uint64_t Used = Net.Layout == DescLayout::Legacy010
                      ? sizeof(EmuBufferDesc) - sizeof(uint32_t)
                      : sizeof(EmuBufferDesc);
  uint64_t Need = uint64_t(MaxBuffer) * EmuBufferDescSize + Used;
  if (Need > Bufs->size())
    return makeError(
        "emu network: buffer descriptor " + Twine(MaxBuffer) +
        " (used by num_operations " + Twine(NumOps) +
        (MaxBuffer >= 2 * NumOps ? " and an ONNCF_ADD src_b_buffer" : "") +
        ") needs " + Twine(Need) +
        " bytes of buffer descriptor list (address index " +
        Twine(Net.Net.operation_buffer_desc_index) + ") but it has " +
        Twine(Bufs->size()));
  auto Windows = TV.windows();
  if (!Windows)
    return Windows.takeError();
  for (unsigned J = 0; J <= MaxBuffer; ++J) {
    auto B =
        decodeEmuBufferDesc(*Bufs, uint64_t(J) * EmuBufferDescSize, Net.Layout);
    if (!B)
      return makeError("emu network: buffer descriptor " + Twine(J) + ": " +
                       toString(B.takeError()));
    if (Error E = checkBuffer(*B, J, *Windows))
      return E;
    Net.Buffers.push_back(*B);
  }
  return Net;
}

} // namespace nvdla
} // namespace onncf
