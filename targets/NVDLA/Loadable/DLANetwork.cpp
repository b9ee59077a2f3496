//===- DLANetwork.cpp - Decode the network of a DLA1 task -----------------===//
//
// Part of onnc-fault. A DLA1 task's address index 0 holds the network
// descriptor; its *_index fields are further indices into the same task
// address list (op list, surface list, dependency graph, LUTs). Each count
// is checked against the bytes of the address it indexes before decoding.
//
//===----------------------------------------------------------------------===//
#include "ScalarAt.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "llvm/ADT/SmallVector.h"
#include <algorithm>

using namespace llvm;
namespace fl = ::nvdla::loadable;

namespace onncf {
namespace nvdla {

namespace {
struct TaskView {
  const LoadableFile &F;
  const fl::TaskListEntry &T;

  /// Bytes of task address index \p K; \p Field names the index in errors.
  Expected<std::vector<uint8_t>> bytesAt(int K, StringRef Field) const {
    unsigned N = T.address_list() ? T.address_list()->size() : 0;
    if (K < 0 || unsigned(K) >= N)
      return makeError("network: " + Field + " " + Twine(K) +
                       " is not an index of the task's address_list (" +
                       Twine(N) + " entries)");
    return F.addressBytes(scalarAt(*T.address_list(), K));
  }

  /// Layout from the version of the first blob of address index 0's memory.
  Expected<DescLayout> layout() const {
    const fl::AddressListEntry *A =
        F.addressById(scalarAt(*T.address_list(), 0));
    const fl::MemoryListEntry *M = A ? F.memoryById(A->mem_id()) : nullptr;
    if (M && M->contents())
      for (const auto *N : *M->contents())
        if (const fl::Blob *B = F.blobByName(N->string_view()))
          if (const fl::Version *V = B->version()) {
            auto L = layoutForBlobVersion(V->major(), V->minor());
            if (!L)
              return makeError("network descriptor blob '" + N->string_view() +
                               "': " + toString(L.takeError()));
            return *L;
          }
    return makeError("network: address index 0 is not filled by a blob");
  }
};

/// Checks that the cubes of op \p Op name task address indices (or -1)
/// and lie inside those address windows (\p Windows: bytes per index), and
/// that BDMA transfers name task address indices.
Error checkCubes(const DecodedOp &Op, ArrayRef<uint64_t> Windows,
                 unsigned Index) {
  SmallVector<std::pair<const char *, const DataCube *>, 5> Cubes;
  const SurfaceContainer &S = Op.surface;
  std::string Where = ("network: op " + Twine(Index) + " (" +
                       opTypeName(Op.common.op_type) + "): surface ")
                          .str();
  int N = int(Windows.size());
  switch (Op.common.op_type) {
  case OpCONV:
    Cubes = {{"weight_data", &S.conv.weight_data},
             {"wmb_data", &S.conv.wmb_data},
             {"wgs_data", &S.conv.wgs_data},
             {"src_data", &S.conv.src_data},
             {"dst_data", &S.conv.dst_data}};
    break;
  case OpSDP:
    Cubes = {{"src_data", &S.sdp.src_data},
             {"x1_data", &S.sdp.x1_data},
             {"x2_data", &S.sdp.x2_data},
             {"y_data", &S.sdp.y_data},
             {"dst_data", &S.sdp.dst_data}};
    break;
  case OpPDP:
  case OpCDP:
  case OpRUBIK:
    Cubes = {{"src_data", &S.pdp.src_data}, {"dst_data", &S.pdp.dst_data}};
    break;
  case OpBDMA: {
    unsigned NT = std::min<unsigned>(S.bdma.num_transfers, 20);
    for (unsigned I = 0; I < NT; ++I) {
      const BdmaTransferDesc &T = S.bdma.transfers[I];
      for (int A : {int(T.source_address), int(T.destination_address)})
        if (A < -1 || A >= N)
          return makeError(Where + "transfers[" + Twine(I) + "]: address " +
                           Twine(A) +
                           " is not an index of the task's "
                           "address_list (" +
                           Twine(N) + " entries)");
    }
    return Error::success();
  }
  default:
    return Error::success();
  }
  for (const auto &[Name, C] : Cubes) {
    int Addr = C->address;
    if (Addr == -1)
      continue;
    if (Addr < -1 || Addr >= N)
      return makeError(Where + Name + ".address " + Twine(Addr) +
                       " is not an index of the task's address_list (" +
                       Twine(N) + " entries)");
    uint64_t Off = C->offset, Size = C->size;
    if (Off > Windows[Addr] || Size > Windows[Addr] - Off)
      return makeError(Where + Name + ": offset " + Twine(Off) + " + size " +
                       Twine(Size) + " exceeds address index " + Twine(Addr) +
                       " (" + Twine(Windows[Addr]) + " bytes)");
  }
  return Error::success();
}
} // namespace

Expected<DLANetwork> decodeDLATask(const LoadableFile &F, unsigned TaskIndex) {
  const auto *TL = F.root().task_list();
  if (!TL || TaskIndex >= TL->size())
    return makeError("no task at index " + Twine(TaskIndex));
  const fl::TaskListEntry &T = *TL->Get(TaskIndex);
  if (T.interface() != fl::Interface_DLA1 || !T.address_list() ||
      T.address_list()->size() == 0)
    return makeError("task " + Twine(T.id()) +
                     " is not a DLA1 task with "
                     "an address list");
  TaskView TV{F, T};
  DLANetwork Net;
  Net.TaskId = T.id();
  auto L = TV.layout();
  if (!L)
    return L.takeError();
  Net.Layout = *L;
  auto Head = TV.bytesAt(0, "address index");
  if (!Head)
    return Head.takeError();
  auto ND = decodeNetworkDesc(*Head);
  if (!ND)
    return makeError("network: " + toString(ND.takeError()));
  Net.Net = *ND;
  const NetworkDesc &D = Net.Net;
  unsigned NumOps = D.num_operations;
  if (NumOps == 0)
    return Net;
  unsigned Rois = D.num_rois ? D.num_rois : 1;
  auto Ops = TV.bytesAt(D.operation_desc_index, "operation_desc_index");
  if (!Ops)
    return Ops.takeError();
  auto Surfs = TV.bytesAt(D.surface_desc_index, "surface_desc_index");
  if (!Surfs)
    return Surfs.takeError();
  auto Deps = TV.bytesAt(D.dependency_graph_index, "dependency_graph_index");
  if (!Deps)
    return Deps.takeError();
  struct {
    const char *Name;
    uint64_t Need, Have;
  } Counts[] = {{"operation list", uint64_t(Rois) * NumOps * OpContainerSize,
                 Ops->size()},
                {"surface list", uint64_t(Rois) * NumOps * SurfaceContainerSize,
                 Surfs->size()},
                {"dependency graph", uint64_t(NumOps) * sizeof(CommonOpDesc),
                 Deps->size()}};
  for (const auto &C : Counts)
    if (C.Need > C.Have)
      return makeError("network: num_operations " + Twine(NumOps) +
                       " x num_rois " + Twine(Rois) + " needs " +
                       Twine(C.Need) + " bytes of " + C.Name + " but it has " +
                       Twine(C.Have));
  // Bytes of each task address window (size 0: to the end of the memory).
  SmallVector<uint64_t, 32> Windows;
  for (unsigned K = 0; K < T.address_list()->size(); ++K) {
    const fl::AddressListEntry *A =
        F.addressById(scalarAt(*T.address_list(), K));
    const fl::MemoryListEntry *M = A ? F.memoryById(A->mem_id()) : nullptr;
    if (!A || !M || A->offset() > M->size())
      return makeError("network: task address index " + Twine(K) +
                       " has no valid address entry");
    Windows.push_back(A->size() ? A->size() : M->size() - A->offset());
  }
  for (unsigned I = 0; I < NumOps; ++I) {
    auto Op = decodeOp(*Deps, *Ops, *Surfs, I, 0, NumOps, Net.Layout);
    if (!Op)
      return makeError("network: op " + Twine(I) + ": " +
                       toString(Op.takeError()));
    if (Error E = checkCubes(*Op, Windows, I))
      return E;
    Net.Ops.push_back(*Op);
  }
  if (D.num_luts) {
    auto Luts = TV.bytesAt(D.lut_data_index, "lut_data_index");
    if (!Luts)
      return Luts.takeError();
    if (uint64_t(D.num_luts) * sizeof(LutParam) > Luts->size())
      return makeError("network: num_luts " + Twine(D.num_luts) + " needs " +
                       Twine(uint64_t(D.num_luts) * sizeof(LutParam)) +
                       " bytes but the LUT list has " + Twine(Luts->size()));
    for (unsigned J = 0; J < D.num_luts; ++J) {
      auto Lut = decodeLutParam(*Luts, uint64_t(J) * sizeof(LutParam));
      if (!Lut)
        return Lut.takeError();
      Net.Luts.push_back(*Lut);
    }
  }
  return Net;
}

} // namespace nvdla
} // namespace onncf
