//===- LoadableWriter.cpp - Build NVDLA loadables -------------------------===//
//
// Part of onnc-fault. Lays out what the code generator describes the way
// NVIDIA's runtime expects it (see LoadableWriter.h); the bytes depend only
// on the calls made, so the same model and flags give the same file.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/LoadableWriter.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include <algorithm>
#include <cstring>
#include <numeric>

using namespace llvm;
namespace fl = ::nvdla::loadable;

namespace onncf {
namespace nvdla {

// The interface version of the firmware descriptors we write (0.12 layout)
// and of the EMU1 descriptors (0.0.2: buffer descriptors with
// addressIndexOffset; NVIDIA's older files carry 0.0.1).
static constexpr uint8_t DlaVersion[3] = {0, 12, 0};
static constexpr uint8_t EmuVersion[3] = {0, 0, 2};
// Sizes of the EMU1 network descriptor (aligned to 256 by the runtime).
static constexpr unsigned EmuNetworkDescSize = 256;

struct LoadableWriter::Memory {
  uint16_t Flags = 0;
  uint64_t Size = 0;
  uint32_t Alignment = 4096;
  uint8_t Domain = 0;
  std::vector<std::string> Contents;
  std::vector<uint64_t> Offsets;
  uint16_t BindId = 0;
  uint16_t TensorDescId = 0;
};

struct LoadableWriter::Blob {
  std::string Name;
  std::vector<uint8_t> Data;
  uint32_t Interface = 0, SubInterface = 0;
  uint8_t Version[3] = {0, 0, 0};
};

struct LoadableWriter::Address {
  unsigned MemoryId = 0;
  uint64_t Offset = 0, Size = 0;
};

struct LoadableWriter::Task {
  bool IsEmu = false;
  DLATaskSpec Dla;
  EmuTaskSpec Emu;
};

LoadableWriter::LoadableWriter() {
  // Address entry 0 is every task's slot for its own network descriptor;
  // finish() points it at the first task's. Code generators' ids start at 1.
  Addresses.push_back(Address());
}

LoadableWriter::~LoadableWriter() = default;

unsigned LoadableWriter::addMemory(uint16_t Flags, uint64_t Size,
                                   uint32_t Alignment, uint8_t Domain) {
  Memory M;
  // NVIDIA's runtime allocates every memory; SET ones are also filled.
  M.Flags = Flags | MemFlagAlloc;
  M.Size = Size;
  M.Alignment = Alignment;
  M.Domain = Domain;
  if (Flags & MemFlagInput)
    M.BindId = NextInputBind++;
  else if (Flags & MemFlagOutput)
    M.BindId = NextOutputBind++;
  Memories.push_back(std::move(M));
  return Memories.size() - 1;
}

Error LoadableWriter::addContents(unsigned MemoryId, StringRef BlobName,
                                  std::vector<uint8_t> Data, uint64_t Offset) {
  if (MemoryId >= Memories.size())
    return makeError("loadable writer: no memory " + Twine(MemoryId) +
                     " for blob '" + BlobName + "'");
  Memory &M = Memories[MemoryId];
  if (Offset > M.Size || Data.size() > M.Size - Offset)
    return makeError("loadable writer: blob '" + BlobName + "' (" +
                     Twine(Data.size()) + " bytes at offset " + Twine(Offset) +
                     ") exceeds memory " + Twine(MemoryId) + " of " +
                     Twine(M.Size) + " bytes");
  M.Flags |= MemFlagSet;
  M.Contents.push_back(BlobName.str());
  M.Offsets.push_back(Offset);
  addBlob(BlobName, std::move(Data));
  return Error::success();
}

void LoadableWriter::addBlob(StringRef Name, std::vector<uint8_t> Data,
                             uint32_t Interface, uint32_t SubInterface,
                             uint8_t VersionMajor, uint8_t VersionMinor) {
  Blob B;
  B.Name = Name.str();
  B.Data = std::move(Data);
  B.Interface = Interface;
  B.SubInterface = SubInterface;
  B.Version[0] = VersionMajor;
  B.Version[1] = VersionMinor;
  Blobs.push_back(std::move(B));
}

unsigned LoadableWriter::addAddress(unsigned MemoryId, uint64_t Offset,
                                    uint64_t Size) {
  Addresses.push_back({MemoryId, Offset, Size});
  return Addresses.size() - 1;
}

unsigned LoadableWriter::addTensorDesc(const TensorDescSpec &T,
                                       bool BindToMemory) {
  TensorDescs.push_back(T);
  unsigned Id = TensorDescs.size() - 1;
  if (BindToMemory && T.MemoryId < Memories.size())
    Memories[T.MemoryId].TensorDescId = Id;
  return Id;
}

void LoadableWriter::addDLATask(DLATaskSpec T) {
  Task Tk;
  Tk.Dla = std::move(T);
  Tasks.push_back(std::move(Tk));
}

void LoadableWriter::addEmuTask(EmuTaskSpec T) {
  Task Tk;
  Tk.IsEmu = true;
  Tk.Emu = std::move(T);
  Tasks.push_back(std::move(Tk));
}

template <typename T>
static void append(std::vector<uint8_t> &Out, const T &V) {
  const uint8_t *P = reinterpret_cast<const uint8_t *>(&V);
  Out.insert(Out.end(), P, P + sizeof(T));
}

std::vector<uint8_t> LoadableWriter::encodeNetworkDesc(const NetworkDesc &N) {
  std::vector<uint8_t> Out;
  append(Out, N);
  return Out;
}

std::vector<uint8_t> LoadableWriter::encodeOps(ArrayRef<DecodedOp> Ops,
                                               std::vector<uint8_t> &Deps,
                                               std::vector<uint8_t> &Surfaces) {
  // The structs are declared packed in the 0.12 layout with static size
  // checks, and the host is little-endian like the firmware.
  std::vector<uint8_t> OpBytes;
  Deps.clear();
  Surfaces.clear();
  for (const DecodedOp &Op : Ops) {
    append(Deps, Op.common);
    append(OpBytes, Op.op);
    append(Surfaces, Op.surface);
  }
  return OpBytes;
}

// Cube address indices a descriptor refers to, for the consistency check.
static SmallVector<int16_t, 8> cubeAddresses(const DecodedOp &Op) {
  auto Cubes = [](std::initializer_list<const DataCube *> L) {
    SmallVector<int16_t, 8> R;
    for (const DataCube *C : L)
      // Memory type HW (2) cubes flow between engines and have no address.
      if (C->type != 2)
        R.push_back(C->address);
    return R;
  };
  const SurfaceContainer &S = Op.surface;
  switch (Op.common.op_type) {
  case OpCONV:
    return Cubes({&S.conv.weight_data, &S.conv.wmb_data, &S.conv.wgs_data,
                  &S.conv.src_data, &S.conv.dst_data});
  case OpSDP:
    return Cubes({&S.sdp.src_data, &S.sdp.x1_data, &S.sdp.x2_data,
                  &S.sdp.y_data, &S.sdp.dst_data});
  case OpPDP:
  case OpCDP:
  case OpRUBIK:
    return Cubes({&S.pdp.src_data, &S.pdp.dst_data});
  case OpBDMA: {
    SmallVector<int16_t, 8> R;
    for (unsigned I = 0; I < S.bdma.num_transfers && I < 20; ++I) {
      R.push_back(S.bdma.transfers[I].source_address);
      R.push_back(S.bdma.transfers[I].destination_address);
    }
    return R;
  }
  default:
    return {};
  }
}

Expected<std::vector<uint8_t>> LoadableWriter::finish() {
  if (Tasks.empty())
    return makeError("loadable writer: the network has no task");
  for (size_t I = 1; I < Addresses.size(); ++I) {
    const Address &A = Addresses[I];
    if (A.MemoryId >= Memories.size())
      return makeError("loadable writer: address " + Twine(I) +
                       " refers to memory " + Twine(A.MemoryId) +
                       " which does not exist");
    uint64_t MemSize = Memories[A.MemoryId].Size;
    if (A.Offset > MemSize || A.Size > MemSize - A.Offset)
      return makeError("loadable writer: address " + Twine(I) + " (offset " +
                       Twine(A.Offset) + ", size " + Twine(A.Size) +
                       ") exceeds memory " + Twine(A.MemoryId) + " of " +
                       Twine(MemSize) + " bytes");
  }
  const unsigned NumUserAddresses = Addresses.size();
  for (size_t T = 0; T < Tasks.size(); ++T) {
    if (Tasks[T].IsEmu)
      continue;
    for (size_t I = 0; I < Tasks[T].Dla.Ops.size(); ++I)
      for (int16_t A : cubeAddresses(Tasks[T].Dla.Ops[I]))
        if (A != -1 && (A < 1 || unsigned(A) >= NumUserAddresses))
          return makeError("loadable writer: task " + Twine(T) + " op " +
                           Twine(I) + " uses address index " + Twine(A) +
                           ", which is not an address entry");
  }

  // Descriptor blobs: one SET memory and address entry each. Their address
  // ids come after the code generator's, so those keep their meaning.
  std::vector<Memory> Mems = Memories;
  std::vector<Address> Addrs = Addresses;
  std::vector<Blob> AllBlobs = Blobs;
  auto AddDescriptor = [&](const std::string &Name, std::vector<uint8_t> Data,
                           uint32_t Interface, uint32_t Sub,
                           const uint8_t *Ver) -> unsigned {
    Memory M;
    M.Flags = MemFlagAlloc | MemFlagSet;
    M.Size = Data.size();
    M.Contents.push_back(Name);
    M.Offsets.push_back(0);
    Mems.push_back(std::move(M));
    Blob B;
    B.Name = Name;
    B.Data = std::move(Data);
    B.Interface = Interface;
    B.SubInterface = Sub;
    std::copy(Ver, Ver + 3, B.Version);
    AllBlobs.push_back(std::move(B));
    // Size 0: "to the end of the memory", as NVIDIA's compiler writes it.
    Addrs.push_back({unsigned(Mems.size() - 1), 0, 0});
    return Addrs.size() - 1;
  };

  std::vector<unsigned> NetAddress(Tasks.size());
  for (size_t T = 0; T < Tasks.size(); ++T) {
    std::string Prefix = "task-" + std::to_string(T) + "-";
    if (Tasks[T].IsEmu) {
      const EmuTaskSpec &E = Tasks[T].Emu;
      unsigned OpsId =
          AddDescriptor(Prefix + "op_list", E.OpList, 2, 3, EmuVersion);
      unsigned BufId = AddDescriptor(Prefix + "op_buf_list", E.OpBufferList, 2,
                                     4, EmuVersion);
      std::vector<uint8_t> Net(EmuNetworkDescSize, 0);
      int16_t OpIdx = OpsId, BufIdx = BufId;
      uint16_t Num = E.NumOperations;
      std::memcpy(&Net[0], &OpIdx, 2);
      std::memcpy(&Net[2], &BufIdx, 2);
      std::memcpy(&Net[4], &Num, 2);
      NetAddress[T] =
          AddDescriptor(Prefix + "addr0", std::move(Net), 2, 1, EmuVersion);
      continue;
    }
    DLATaskSpec &D = Tasks[T].Dla;
    std::vector<uint8_t> Deps, Surfs;
    std::vector<uint8_t> Ops = encodeOps(D.Ops, Deps, Surfs);
    NetworkDesc N = D.Net;
    N.dependency_graph_index =
        AddDescriptor(Prefix + "dep_graph", std::move(Deps), 1, 2, DlaVersion);
    N.operation_desc_index =
        AddDescriptor(Prefix + "op_list", std::move(Ops), 1, 3, DlaVersion);
    N.surface_desc_index =
        AddDescriptor(Prefix + "surf_list", std::move(Surfs), 1, 4, DlaVersion);
    if (!D.Luts.empty()) {
      std::vector<uint8_t> Luts;
      for (const LutParam &L : D.Luts)
        append(Luts, L);
      N.lut_data_index =
          AddDescriptor(Prefix + "lut_list", std::move(Luts), 1, 5, DlaVersion);
    } else {
      N.lut_data_index = -1;
    }
    N.roi_array_index = -1;
    N.surface_index = -1;
    N.stat_list_index = -1;
    N.num_rois = 1;
    N.num_operations = D.Ops.size();
    N.num_luts = D.Luts.size();
    // Set below once the address count is known: every task sees them all.
    NetAddress[T] = AddDescriptor(Prefix + "addr0", {}, 1, 1, DlaVersion);
    D.Net = N;
  }
  // Address entry 0 is the first task's network descriptor.
  Addrs[0] = Addrs[NetAddress[0]];
  const unsigned NumAddresses = Addrs.size();
  if (NumAddresses > 0xffff || Mems.size() > 0xffff)
    return makeError("loadable writer: more than 65535 memories or addresses");
  for (size_t T = 0; T < Tasks.size(); ++T) {
    if (Tasks[T].IsEmu)
      continue;
    Tasks[T].Dla.Net.num_addresses = NumAddresses;
    Memory &M = Mems[Addrs[NetAddress[T]].MemoryId];
    Blob &B = *llvm::find_if(
        AllBlobs, [&](const Blob &X) { return X.Name == M.Contents[0]; });
    B.Data = encodeNetworkDesc(Tasks[T].Dla.Net);
    M.Size = B.Data.size();
  }

  flatbuffers::FlatBufferBuilder FB(1 << 16);
  // NVIDIA's reader dereferences every field: write defaults too.
  FB.ForceDefaults(true);

  std::vector<flatbuffers::Offset<fl::TaskListEntry>> TaskOffs;
  std::vector<flatbuffers::Offset<fl::EventListEntry>> EventOffs;
  std::vector<flatbuffers::Offset<fl::SubmitListEntry>> SubmitOffs;
  uint16_t NextEvent = 0;
  for (size_t T = 0; T < Tasks.size(); ++T) {
    std::vector<uint16_t> AddrList(NumAddresses);
    std::iota(AddrList.begin(), AddrList.end(), 0);
    AddrList[0] = NetAddress[T];
    std::vector<uint16_t> Pre, Post;
    // Task T waits for semaphore 0 to reach T, then signals T + 1.
    if (T > 0) {
      Pre.push_back(NextEvent);
      EventOffs.push_back(
          fl::CreateEventListEntry(FB, NextEvent++, 0, 0, T, fl::EventOp_WAIT));
    }
    Post.push_back(NextEvent);
    EventOffs.push_back(fl::CreateEventListEntry(FB, NextEvent++, 0, 0, T + 1,
                                                 fl::EventOp_SIGNAL));
    TaskOffs.push_back(fl::CreateTaskListEntryDirect(
        FB, T, Tasks[T].IsEmu ? fl::Interface_EMU1 : fl::Interface_DLA1, -1,
        &AddrList, &Pre, &Post));
    std::vector<uint16_t> Ids = {uint16_t(T)};
    SubmitOffs.push_back(fl::CreateSubmitListEntryDirect(FB, T, &Ids));
  }

  std::vector<flatbuffers::Offset<fl::MemoryListEntry>> MemOffs;
  for (size_t I = 0; I < Mems.size(); ++I) {
    const Memory &M = Mems[I];
    std::vector<flatbuffers::Offset<flatbuffers::String>> Names;
    for (const std::string &S : M.Contents)
      Names.push_back(FB.CreateString(S));
    MemOffs.push_back(fl::CreateMemoryListEntryDirect(
        FB, I, fl::MemoryDomain(M.Domain), fl::MemoryFlags(M.Flags), M.Size,
        M.Alignment, &Names, &M.Offsets, M.BindId, M.TensorDescId));
  }

  std::vector<flatbuffers::Offset<fl::AddressListEntry>> AddrOffs;
  for (size_t I = 0; I < Addrs.size(); ++I)
    AddrOffs.push_back(fl::CreateAddressListEntry(
        FB, I, Addrs[I].MemoryId, Addrs[I].Offset, Addrs[I].Size));

  llvm::sort(AllBlobs,
             [](const Blob &A, const Blob &B) { return A.Name < B.Name; });
  for (size_t I = 1; I < AllBlobs.size(); ++I)
    if (AllBlobs[I].Name == AllBlobs[I - 1].Name)
      return makeError("loadable writer: two blobs are named '" +
                       AllBlobs[I].Name + "'");
  std::vector<flatbuffers::Offset<fl::Blob>> BlobOffs;
  for (const Blob &B : AllBlobs) {
    fl::Version V(B.Version[0], B.Version[1], B.Version[2]);
    BlobOffs.push_back(fl::CreateBlobDirect(FB, B.Name.c_str(), B.Data.size(),
                                            fl::Interface(B.Interface),
                                            B.SubInterface, &V, &B.Data));
  }

  std::vector<flatbuffers::Offset<fl::TensorDescListEntry>> TDOffs;
  for (size_t I = 0; I < TensorDescs.size(); ++I) {
    const TensorDescSpec &T = TensorDescs[I];
    const uint32_t *S = T.Strides;
    TDOffs.push_back(fl::CreateTensorDescListEntryDirect(
        FB, T.Name.c_str(), I, T.MemoryId, T.Size, T.Offset,
        fl::DataFormat(T.DataFormat), fl::DataType(T.DataType),
        fl::DataCategory(T.DataCategory), T.PixelFormat,
        fl::PixelMapping(T.PixelMapping), T.N, T.C, T.H, T.W, S[0], S[1], S[2],
        S[3], S[4], S[5], S[6], S[7]));
  }
  std::vector<flatbuffers::Offset<fl::RelocListEntry>> Relocs;

  // Loadable schema version, as NVIDIA's compiler writes it.
  fl::Version LoadableVersion(0, 7, 0);
  auto Root = fl::CreateLoadableDirect(
      FB, &LoadableVersion, &TaskOffs, &MemOffs, &AddrOffs, &EventOffs,
      &BlobOffs, &TDOffs, &Relocs, &SubmitOffs);
  fl::FinishLoadableBuffer(FB, Root);
  return std::vector<uint8_t>(FB.GetBufferPointer(),
                              FB.GetBufferPointer() + FB.GetSize());
}

} // namespace nvdla
} // namespace onncf
