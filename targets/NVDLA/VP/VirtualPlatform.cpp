//===- VirtualPlatform.cpp - Loadable runtime of the NVDLA VP -------------===//
//
// Part of onnc-fault. What NVIDIA's user-mode runtime and kernel driver do
// with a loadable, minus the hardware: create() reads the tables once
// (memories and their initial contents, address entries, tasks in submit
// order, decoded DLA networks, bound inputs and outputs, the configuration);
// runRaw() gives every run its own copy of the memories, copies the input
// surfaces in, runs the tasks in submit order (DLA1 through the firmware
// scheduler, EMU1 on the CPU model) and copies the outputs out. Runs share
// nothing mutable except the statistics, which are merged under a lock.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "Scheduler.h"
#include "WeightFaults.h"
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/ADT/DenseMap.h"
#include <cstring>
#include <mutex>

using namespace llvm;
namespace fl = ::nvdla::loadable;

namespace onncf {
namespace nvdla {

/// The total bytes of all memories of one run; beyond it create() refuses.
static constexpr uint64_t MaxRunBytes = uint64_t(1) << 30;

namespace {
struct AddressInfo {
  unsigned Memory = 0; ///< Index into Impl::Memories.
  uint64_t Offset = 0, Size = 0;
};

struct TaskInfo {
  unsigned Id = 0;
  bool IsDLA = false;
  std::vector<unsigned> Addresses; ///< Indices into Impl::Addresses.
  DLANetwork Net;                  ///< DLA1 only.
  /// CBUF faults per op of Net (empty without a cbuf memory).
  std::vector<fault::CbufConvFaults> Cbuf;
  DescLayout EmuLayout = DescLayout::Current012;
};
} // namespace

struct VirtualPlatform::Impl {
  std::vector<std::vector<uint8_t>> Memories; ///< Initial contents.
  std::vector<AddressInfo> Addresses;
  std::vector<TaskInfo> Tasks;
  std::vector<unsigned> Order; ///< Task indices in submit order.
  std::vector<unsigned> InputMemories, OutputMemories; ///< By bind id.
  /// MAC lane faults + substitutions; absent: a fault-free array.
  Optional<fault::MacLaneModel> Mac;
  mutable std::mutex StatsLock;
};

VirtualPlatform::~VirtualPlatform() = default;

static const fl::Blob *firstBlob(const LoadableFile &F,
                                 const fl::MemoryListEntry &M) {
  if (!M.contents())
    return nullptr;
  for (const auto *N : *M.contents())
    if (N && N->size())
      if (const fl::Blob *B = F.blobByName(N->string_view()))
        return B;
  return nullptr;
}

/// The tensor descriptor of memory \p M: the one tensor_desc_id names if it
/// refers to this memory (our compiler's files), else the first one whose
/// mem_id is this memory (NVIDIA's files leave tensor_desc_id 0 everywhere).
static const fl::TensorDescListEntry *tensorDescOf(const fl::Loadable &R,
                                                   const fl::MemoryListEntry &M,
                                                   unsigned &Id) {
  const auto *L = R.tensor_desc_list();
  if (!L)
    return nullptr;
  for (const auto *T : *L)
    if (T->id() == M.tensor_desc_id() && T->mem_id() == M.id()) {
      Id = T->id();
      return T;
    }
  for (const auto *T : *L)
    if (T->mem_id() == M.id()) {
      Id = T->id();
      return T;
    }
  return nullptr;
}

static BoundSurface makeBound(const fl::Loadable &R,
                              const fl::MemoryListEntry &M) {
  BoundSurface B;
  B.BindId = M.bind_id();
  B.MemoryId = M.id();
  B.Size = M.size();
  unsigned TdId = 0;
  if (const fl::TensorDescListEntry *T = tensorDescOf(R, M, TdId)) {
    B.TensorDescId = TdId;
    if (T->name())
      B.Name = T->name()->str();
    // Negative dimensions in a corrupt file read as 0 (no elements).
    B.N = std::max(T->n(), 0);
    B.C = std::max(T->c(), 0);
    B.H = std::max(T->h(), 0);
    B.W = std::max(T->w(), 0);
    B.DataType = T->data_type();
    B.DataFormat = T->data_format();
    B.LineStride = T->stride_1();
    B.SurfStride = T->stride_2();
    B.Offset = T->offset();
  }
  return B;
}

Expected<std::unique_ptr<VirtualPlatform>>
VirtualPlatform::create(std::unique_ptr<LoadableFile> File,
                        const VPOptions &Opts) {
  std::unique_ptr<VirtualPlatform> VP(new VirtualPlatform());
  VP->P = std::make_unique<Impl>();
  Impl &I = *VP->P;
  const LoadableFile &F = *File;
  const fl::Loadable &R = F.root();
  auto Fail = [&](const Twine &Msg) {
    return makeError(F.name() + ": " + Msg);
  };

  // The onncf.io blob, then the configuration.
  if (const fl::Blob *B = F.blobByName(IoBlobName)) {
    ArrayRef<uint8_t> Data;
    if (B->data())
      Data = ArrayRef<uint8_t>(B->data()->data(), B->data()->size());
    auto Io = parseIoBlob(Data, F.name());
    if (!Io)
      return Io.takeError();
    VP->Io = std::move(*Io);
  }
  if (Opts.Config) {
    VP->Config = Opts.Config;
  } else if (VP->Io && !VP->Io->Config.empty()) {
    auto C = lookupNvdlaConfig(VP->Io->Config);
    if (!C)
      return Fail("onncf.io: " + toString(C.takeError()));
    VP->Config = *C;
  } else {
    VP->Config = cantFail(lookupNvdlaConfig("nv_full"));
  }

  // Memories and their initial contents.
  DenseMap<unsigned, unsigned> MemIndex;
  uint64_t Total = 0;
  if (const auto *ML = R.memory_list()) {
    for (unsigned K = 0; K < ML->size(); ++K) {
      const fl::MemoryListEntry *M = ML->Get(K);
      if (M->size() > MaxAddressBytes)
        return Fail("memory " + Twine(M->id()) + ": size " + Twine(M->size()) +
                    " exceeds the " + Twine(MaxAddressBytes) +
                    " bytes the virtual platform allocates per memory");
      Total += M->size();
      if (Total > MaxRunBytes)
        return Fail("the memories need more than " + Twine(MaxRunBytes) +
                    " bytes in all");
      MemIndex[M->id()] = I.Memories.size();
      std::vector<uint8_t> Bytes(M->size(), 0);
      unsigned NC = M->contents() ? M->contents()->size() : 0;
      unsigned NO = M->offsets() ? M->offsets()->size() : 0;
      for (unsigned C = 0; C < std::min(NC, NO); ++C) {
        const auto *N = M->contents()->Get(C);
        if (!N || !N->size())
          continue;
        const fl::Blob *B = F.blobByName(N->string_view());
        if (!B || !B->data())
          continue;
        uint64_t Off;
        std::memcpy(&Off, M->offsets()->Data() + C * sizeof(uint64_t),
                    sizeof(Off));
        uint64_t Len = B->data()->size();
        if (Off > Bytes.size() || Len > Bytes.size() - Off)
          return Fail("memory " + Twine(M->id()) + ": blob '" +
                      N->string_view() + "' does not fit");
        if (Len)
          std::memcpy(Bytes.data() + Off, B->data()->data(), Len);
      }
      I.Memories.push_back(std::move(Bytes));
      if (M->flags() & fl::MemoryFlags_INPUT) {
        VP->Inputs.push_back(makeBound(R, *M));
      }
      if (M->flags() & fl::MemoryFlags_OUTPUT)
        VP->Outputs.push_back(makeBound(R, *M));
    }
  }
  for (auto *L : {&VP->Inputs, &VP->Outputs}) {
    llvm::sort(*L, [](const BoundSurface &A, const BoundSurface &B) {
      return A.BindId < B.BindId;
    });
    for (unsigned K = 0; K < L->size(); ++K)
      if ((*L)[K].BindId != K)
        return Fail("bind ids of the " +
                    Twine(L == &VP->Inputs ? "INPUT" : "OUTPUT") +
                    " memories do not run 0..n-1");
  }
  for (const BoundSurface &B : VP->Inputs)
    I.InputMemories.push_back(MemIndex[B.MemoryId]);
  for (const BoundSurface &B : VP->Outputs)
    I.OutputMemories.push_back(MemIndex[B.MemoryId]);

  // Address entries (size 0: the rest of the memory, as NVIDIA writes it).
  DenseMap<unsigned, unsigned> AddrIndex;
  if (const auto *AL = R.address_list())
    for (const auto *A : *AL) {
      auto It = MemIndex.find(A->mem_id());
      if (It == MemIndex.end())
        return Fail("address " + Twine(A->id()) + ": no memory " +
                    Twine(A->mem_id()));
      uint64_t MSize = I.Memories[It->second].size();
      if (A->offset() > MSize || A->size() > MSize - A->offset())
        return Fail("address " + Twine(A->id()) + " is not inside memory " +
                    Twine(A->mem_id()));
      AddressInfo Info;
      Info.Memory = It->second;
      Info.Offset = A->offset();
      Info.Size = A->size() ? A->size() : MSize - A->offset();
      AddrIndex[A->id()] = I.Addresses.size();
      I.Addresses.push_back(Info);
    }

  // Tasks, decoded once.
  DenseMap<unsigned, unsigned> TaskIndex;
  if (const auto *TL = R.task_list())
    for (unsigned K = 0; K < TL->size(); ++K) {
      const fl::TaskListEntry *T = TL->Get(K);
      std::string Where = ("task " + Twine(T->id())).str();
      TaskInfo Info;
      Info.Id = T->id();
      if (const auto *AL = T->address_list())
        for (unsigned A = 0; A < AL->size(); ++A) {
          uint16_t Id;
          std::memcpy(&Id, AL->Data() + A * sizeof(uint16_t), sizeof(Id));
          auto It = AddrIndex.find(Id);
          if (It == AddrIndex.end())
            return Fail(Where + ": address_list[" + Twine(A) +
                        "]: no address " + Twine(Id));
          Info.Addresses.push_back(It->second);
        }
      if (T->interface() == fl::Interface_DLA1) {
        Info.IsDLA = true;
        auto Net = decodeDLATask(F, K);
        if (!Net)
          return Fail(Where + ": " + toString(Net.takeError()));
        Info.Net = std::move(*Net);
        if (Error E = vp::checkNetworkEngines(Info.Net, *VP->Config, Where))
          return Fail(toString(std::move(E)));
      } else if (T->interface() == fl::Interface_EMU1) {
        if (Info.Addresses.empty())
          return Fail(Where + ": an EMU1 task needs address index 0 (its "
                              "network descriptor)");
        // The descriptor blob's version selects the (legacy) layout: EMU
        // interface 0.0.1 (NVIDIA's files) has no addressIndexOffset, 0.0.2
        // (ours) has; a DLA-style 0.10 .. 0.12 version is read as such.
        const AddressInfo &A0 = I.Addresses[Info.Addresses[0]];
        const fl::MemoryListEntry *M = R.memory_list()->Get(A0.Memory);
        if (const fl::Blob *B = firstBlob(F, *M)) {
          const fl::Version *V = B->version();
          unsigned Major = V ? V->major() : 0, Minor = V ? V->minor() : 0,
                   Sub = V ? V->sub_minor() : 0;
          auto L = emuLayoutForBlobVersion(Major, Minor, Sub);
          if (!L)
            return Fail(Where + ": " + toString(L.takeError()));
          Info.EmuLayout = *L;
        }
      } else {
        return Fail(Where + ": interface " + Twine(T->interface()) +
                    " is neither DLA1 nor EMU1");
      }
      TaskIndex[T->id()] = I.Tasks.size();
      I.Tasks.push_back(std::move(Info));
    }
  if (const auto *SL = R.submit_list())
    for (const auto *S : *SL) {
      if (!S->task_id())
        continue;
      for (unsigned K = 0; K < S->task_id()->size(); ++K) {
        uint16_t Id;
        std::memcpy(&Id, S->task_id()->Data() + K * sizeof(uint16_t),
                    sizeof(Id));
        auto It = TaskIndex.find(Id);
        if (It == TaskIndex.end())
          return Fail("submit " + Twine(S->id()) + ": no task " + Twine(Id));
        I.Order.push_back(It->second);
      }
    }
  // The chip's weight reads (docs/FaultInjection.md, "NVDLA"): the defect
  // map's wmem faults on every CONV op's weight_data bytes, then the
  // onncf.fault decoders, written once into the initial memory contents.
  // SDP operands and other SET memory contents are read fault-free.
  Optional<FaultInfo> Faults;
  if (const fl::Blob *B = F.blobByName(FaultBlobName)) {
    ArrayRef<uint8_t> Data;
    if (B->data())
      Data = ArrayRef<uint8_t>(B->data()->data(), B->data()->size());
    auto FI = parseFaultBlob(Data, F.name());
    if (!FI)
      return FI.takeError();
    Faults = std::move(*FI);
  }
  // MAC lane faults (docs/CmacFaults.md): the map's cmac memory on the
  // array of the blob's cmac.cells (else the config's atomics), with the
  // blob's read-path substitutions, which apply without a map too (a
  // substituted fault-free lane still rewrites its bits). ConvEngine looks
  // each operand up in the lane tables (the host kernels' very tables).
  const bool MapCmac =
      Opts.Map && Opts.Map->findMemoryOfKind(fault::MemoryKind::CMac) >= 0;
  if (MapCmac || (Faults && Faults->HasCmac && !Faults->Substitutes.empty())) {
    fault::MacGeometry Geo{VP->Config->AtomicK, VP->Config->AtomicC};
    if (Faults && Faults->HasCmac)
      Geo = fault::MacGeometry{Faults->AtomK, Faults->AtomC};
    if (Geo.AtomK < 1 || Geo.AtomC < 1 || Geo.AtomK > 4096 ||
        Geo.AtomC > 4096)
      return Fail("onncf.fault: cmac cells " + Twine(Geo.AtomK) + "x" +
                  Twine(Geo.AtomC) + " are not a MAC array");
    fault::MacLaneModel Mo(Geo);
    if (MapCmac) {
      auto M = fault::MacLaneModel::fromDefectMap(*Opts.Map, Geo, Opts.MapName);
      if (!M)
        return M.takeError();
      Mo = std::move(*M);
    }
    if (Faults && Faults->HasCmac) {
      std::vector<int64_t> Quads;
      for (const FaultCmacSubstitute &S : Faults->Substitutes) {
        if ((S.Operand != "weight" && S.Operand != "data") ||
            (S.Mode != "sign-bit" && S.Mode != "inverse-sign-bit"))
          return Fail("onncf.fault: cmac substitute of cell " +
                      Twine(S.Cell) + ": operand '" + S.Operand +
                      "' / mode '" + S.Mode + "'");
        Quads.insert(Quads.end(),
                     {int64_t(S.Cell), S.Operand == "data" ? 1 : 0,
                      int64_t(S.Mask), S.Mode == "inverse-sign-bit" ? 1 : 0});
      }
      if (Error E = Mo.applySubstitutions(Quads))
        return Fail("onncf.fault: cmac: " + toString(std::move(E)));
    }
    Mo.finalize();
    if (Mo.anyFaulty(fault::Operand::Weight) ||
        Mo.anyFaulty(fault::Operand::Data))
      I.Mac = std::move(Mo);
  }
  // CBUF faults (docs/CbufFaults.md): per CONV op, the faulty elements of
  // the input rows and packed weights it loads into its banks, listed once
  // here; ConvEngine corrupts copies of its operands with them.
  const int CbufMem =
      Opts.Map ? Opts.Map->findMemoryOfKind(fault::MemoryKind::CBuf) : -1;
  if (CbufMem >= 0)
    for (TaskInfo &T : I.Tasks) {
      if (!T.IsDLA)
        continue;
      T.Cbuf.resize(T.Net.Ops.size());
      for (size_t K = 0; K < T.Net.Ops.size(); ++K) {
        const DecodedOp &D = T.Net.Ops[K];
        if (D.common.op_type != OpCONV)
          continue;
        std::string What =
            (F.name() + ": task " + Twine(T.Id) + " op " + Twine(K) + " (CONV)")
                .str();
        const ConvOpDesc &C = D.op.conv;
        const ConvSurfaceDesc &S = D.surface.conv;
        if (C.in_precision > 1 || C.weight_format != 0)
          return makeError(What + ": CBUF faults are modelled for "
                                  "uncompressed int8 / int16 convolutions "
                                  "only");
        fault::CbufConvLayout L;
        L.EntryBytes = VP->Config->CbufEntryBytes;
        L.BankDepth = VP->Config->CbufBankDepth;
        L.AtomC = VP->Config->AtomicC;
        L.ElemBytes = getPrecisionBytes(Precision(C.in_precision));
        L.C = S.src_data.channel, L.H = S.src_data.height;
        L.W = S.src_data.width;
        L.DataBanks = C.data_bank;
        L.WeightBanks = C.weight_bank;
        uint64_t WeightBytes = uint64_t(S.dst_data.channel) *
                               S.weight_data.channel * S.weight_data.height *
                               S.weight_data.width * L.ElemBytes;
        auto CF = fault::cbufFaultsOfConv(*Opts.Map, unsigned(CbufMem), L,
                                          WeightBytes, What, Opts.MapName);
        if (!CF)
          return CF.takeError();
        T.Cbuf[K] = std::move(*CF);
      }
    }
  // A map without a wmem memory but with cmac or cbuf faults injects no
  // weight-memory faults; any other map needs its wmem memory
  // (applyWeightFaults says so).
  const fault::DefectMap *WMap = Opts.Map;
  if ((MapCmac || CbufMem >= 0) &&
      Opts.Map->findMemoryOfKind(fault::MemoryKind::WMem) < 0)
    WMap = nullptr;
  if (WMap || Faults) {
    std::vector<vp::WeightRead> Reads;
    for (const TaskInfo &T : I.Tasks)
      for (const DecodedOp &D : T.Net.Ops) {
        if (!T.IsDLA || D.common.op_type != OpCONV)
          continue;
        const ConvOpDesc &C = D.op.conv;
        const DataCube &W = D.surface.conv.weight_data;
        if (C.weight_format != 0 || C.in_precision > 2)
          return Fail("task " + Twine(T.Id) +
                      ": a defect map needs uncompressed weights");
        if (W.address < 0 || unsigned(W.address) >= T.Addresses.size())
          return Fail("task " + Twine(T.Id) + ": weight_data address index " +
                      Twine(W.address) + " is not in its address list");
        const AddressInfo &A = I.Addresses[T.Addresses[unsigned(W.address)]];
        uint64_t Size = uint64_t(D.surface.conv.dst_data.channel) * W.channel *
                        W.height * W.width *
                        getPrecisionBytes(Precision(C.in_precision));
        if (W.offset > A.Size || Size > A.Size - W.offset)
          return Fail("task " + Twine(T.Id) + ": weight_data (" + Twine(Size) +
                      " bytes at offset " + Twine(W.offset) +
                      ") exceeds its address range");
        Reads.push_back({A.Memory, A.Offset + W.offset, Size});
      }
    std::vector<int> IndexOfId;
    for (auto &KV : MemIndex) {
      if (KV.first >= IndexOfId.size())
        IndexOfId.resize(KV.first + 1, -1);
      IndexOfId[KV.first] = int(KV.second);
    }
    if (Error E = vp::applyWeightFaults(
            I.Memories, Reads, WMap, Opts.MapName,
            Faults ? &*Faults : nullptr, IndexOfId, F.name()))
      return std::move(E);
  }
  VP->File = std::move(File);
  return VP;
}

std::vector<std::vector<uint8_t>>
VirtualPlatform::getInitialInputSurfaces() const {
  std::vector<std::vector<uint8_t>> Out;
  for (unsigned M : P->InputMemories)
    Out.push_back(P->Memories[M]);
  return Out;
}

Expected<std::vector<std::vector<uint8_t>>>
VirtualPlatform::runRaw(ArrayRef<std::vector<uint8_t>> InputSurfaces,
                        VPStats *Stats) const {
  const Impl &I = *P;
  if (InputSurfaces.size() != Inputs.size())
    return makeError(File->name() + ": " + Twine(InputSurfaces.size()) +
                     " input surfaces given, the loadable binds " +
                     Twine(Inputs.size()));
  std::vector<std::vector<uint8_t>> Mem = I.Memories;
  for (unsigned K = 0; K < Inputs.size(); ++K) {
    std::vector<uint8_t> &Dst = Mem[I.InputMemories[K]];
    if (InputSurfaces[K].size() != Dst.size())
      return makeError(File->name() + ": input " + Twine(K) + " (bind id " +
                       Twine(K) + "): " + Twine(InputSurfaces[K].size()) +
                       " bytes given, the memory has " + Twine(Dst.size()));
    Dst = InputSurfaces[K];
  }
  VPStats Run;
  Run.Runs = 1;
  for (unsigned TI : I.Order) {
    const TaskInfo &T = I.Tasks[TI];
    std::vector<MutableArrayRef<uint8_t>> Bases;
    for (unsigned A : T.Addresses) {
      const AddressInfo &AI = I.Addresses[A];
      Bases.push_back(
          MutableArrayRef<uint8_t>(Mem[AI.Memory]).slice(AI.Offset, AI.Size));
    }
    vp::TaskMemory TM(std::move(Bases));
    std::string What = (File->name() + ": task " + Twine(T.Id)).str();
    if (T.IsDLA) {
      if (Error E = vp::runDLANetwork(T.Net, TM, *Config, Run, What,
                                      I.Mac ? &*I.Mac : nullptr, T.Cbuf))
        return E;
    } else {
      if (Error E = vp::runEmuTask(TM, T.EmuLayout, Run))
        return makeError(What + " (EMU1): " + toString(std::move(E)));
    }
  }
  std::vector<std::vector<uint8_t>> Out;
  for (unsigned M : I.OutputMemories)
    Out.push_back(Mem[M]); // a copy: a memory may be bound twice
  if (Stats) {
    std::lock_guard<std::mutex> Lock(I.StatsLock);
    *Stats += Run;
  }
  return Out;
}

} // namespace nvdla
} // namespace onncf
