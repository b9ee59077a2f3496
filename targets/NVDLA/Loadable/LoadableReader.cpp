//===- LoadableReader.cpp - Read and validate NVDLA loadables -------------===//
//
// Part of onnc-fault. First the flatbuffers Verifier (every offset inside the
// buffer, no identifier required), then the cross references between tables,
// then the DLA networks the DLA1 tasks point to. Every check names the file
// and the field so that a corrupt loadable is diagnosed, never followed.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "ScalarAt.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"
#include <algorithm>

using namespace llvm;
namespace fl = ::nvdla::loadable;

namespace onncf {
namespace nvdla {

ArrayRef<uint8_t> LoadableFile::bytes() const {
  return ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(Buf->getBufferStart()),
      Buf->getBufferSize());
}

const fl::Loadable &LoadableFile::root() const {
  return *fl::GetLoadable(Buf->getBufferStart());
}

const fl::MemoryListEntry *LoadableFile::memoryById(unsigned Id) const {
  if (const auto *L = root().memory_list())
    for (const auto *M : *L)
      if (M->id() == Id)
        return M;
  return nullptr;
}

const fl::AddressListEntry *LoadableFile::addressById(unsigned Id) const {
  if (const auto *L = root().address_list())
    for (const auto *A : *L)
      if (A->id() == Id)
        return A;
  return nullptr;
}

const fl::Blob *LoadableFile::blobByName(StringRef N) const {
  if (const auto *L = root().blobs())
    for (const auto *B : *L)
      if (B->name() && B->name()->string_view() == std::string_view(N))
        return B;
  return nullptr;
}

static uint64_t blobBytes(const fl::Blob &B) {
  return B.data() ? B.data()->size() : 0;
}

/// True when [Off, Off + Size) lies within [0, Limit), without overflow.
static bool fits(uint64_t Off, uint64_t Size, uint64_t Limit) {
  return Off <= Limit && Size <= Limit - Off;
}

Expected<std::vector<uint8_t>> LoadableFile::addressBytes(unsigned Id) const {
  const fl::AddressListEntry *A = addressById(Id);
  if (!A)
    return makeError("no address_list entry with id " + Twine(Id));
  const fl::MemoryListEntry *M = memoryById(A->mem_id());
  if (!M || !fits(A->offset(), A->size(), M->size()))
    return makeError("address " + Twine(Id) + " is not inside its memory");
  // NVIDIA's compiler writes size 0 for "the rest of the memory" (the
  // descriptor addresses of NN_L0_0).
  uint64_t Size = A->size() ? A->size() : M->size() - A->offset();
  if (Size > MaxAddressBytes)
    return makeError("address " + Twine(Id) + ": size " + Twine(Size) +
                     " is too large to read");
  std::vector<uint8_t> Out(Size, 0);
  if (!M->contents() || !M->offsets())
    return Out;
  uint64_t Lo = A->offset(), Hi = A->offset() + Size;
  for (unsigned I = 0,
                E = std::min(M->contents()->size(), M->offsets()->size());
       I < E; ++I) {
    const auto *N = M->contents()->Get(I);
    if (!N || N->size() == 0)
      continue;
    const fl::Blob *B = blobByName(N->string_view());
    if (!B || !B->data())
      continue;
    uint64_t BOff = scalarAt(*M->offsets(), I), BEnd = BOff + blobBytes(*B);
    uint64_t From = std::max(Lo, BOff), To = std::min(Hi, BEnd);
    for (uint64_t P = From; P < To; ++P)
      Out[P - Lo] = B->data()->Get(P - BOff);
  }
  return Out;
}

Expected<std::unique_ptr<LoadableFile>> parseLoadable(ArrayRef<uint8_t> Bytes,
                                                      StringRef Name) {
  if (Bytes.size() < 8)
    return makeError(Name + ": " + Twine(Bytes.size()) +
                     " bytes is too short for a loadable");
  // NVIDIA's older writer leaves some scalars unaligned; bounds are what
  // matter here (the reader copies scalars), so alignment is not checked.
  flatbuffers::Verifier V(Bytes.data(), Bytes.size(), /*max_depth=*/64,
                          /*max_tables=*/1000000, /*check_alignment=*/false);
  // nullptr: do not require the "NVDA" identifier (older files lack it).
  if (!V.VerifyBuffer<fl::Loadable>(nullptr))
    return makeError(Name + ": not a valid NVDLA loadable (the flatbuffers "
                            "verifier rejects it: truncated or corrupt)");
  auto F = std::make_unique<LoadableFile>(
      Name.str(),
      MemoryBuffer::getMemBufferCopy(
          StringRef(reinterpret_cast<const char *>(Bytes.data()), Bytes.size()),
          Name));
  if (Error E = validateLoadable(*F))
    return E;
  return F;
}

Expected<std::unique_ptr<LoadableFile>> readLoadable(StringRef Path) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parseLoadable(ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(
                                             (*Buf)->getBufferStart()),
                                         (*Buf)->getBufferSize()),
                       Path);
}

namespace {
/// Collects the checks of one file; the first failure is returned.
class Validator {
public:
  explicit Validator(const LoadableFile &F) : F(F), R(F.root()) {}
  Error run();

private:
  Error fail(const Twine &Msg) { return makeError(F.name() + ": " + Msg); }
  Error checkMemories();
  Error checkAddresses();
  Error checkTasks();
  Error checkOthers();

  const LoadableFile &F;
  const fl::Loadable &R;
  DenseMap<unsigned, const fl::MemoryListEntry *> Mems;
  DenseSet<unsigned> Addrs, Events, Tasks;
};
} // namespace

Error Validator::checkMemories() {
  if (const auto *Blobs = R.blobs()) {
    StringSet<> Names;
    for (unsigned I = 0; I < Blobs->size(); ++I) {
      const fl::Blob *B = Blobs->Get(I);
      if (!B->name() || B->name()->size() == 0)
        return fail("blobs[" + Twine(I) + "]: has no name");
      if (!Names.insert(B->name()->string_view()).second)
        return fail("blobs[" + Twine(I) + "]: name '" +
                    B->name()->string_view() + "' is used twice");
      if (B->size() != blobBytes(*B))
        return fail("blobs[" + Twine(I) + "] '" + B->name()->string_view() +
                    "': size " + Twine(B->size()) + " but data has " +
                    Twine(blobBytes(*B)) + " bytes");
    }
  }
  const auto *L = R.memory_list();
  if (!L)
    return Error::success();
  DenseMap<unsigned, SmallVector<unsigned, 4>> BindIds; // per INPUT/OUTPUT
  for (unsigned I = 0; I < L->size(); ++I) {
    const fl::MemoryListEntry *M = L->Get(I);
    std::string Where =
        ("memory_list[" + Twine(I) + "] (id " + Twine(M->id()) + ")").str();
    if (!Mems.insert({M->id(), M}).second)
      return fail(Where + ": id is used twice");
    unsigned NC = M->contents() ? M->contents()->size() : 0;
    unsigned NO = M->offsets() ? M->offsets()->size() : 0;
    if (NC != NO)
      return fail(Where + ": " + Twine(NC) + " contents but " + Twine(NO) +
                  " offsets");
    for (unsigned C = 0; C < NC; ++C) {
      StringRef N = M->contents()->Get(C)->string_view();
      if (N.empty())
        continue; // ALLOC-only memories list one empty name
      const fl::Blob *B = F.blobByName(N);
      if (!B)
        return fail(Where + ": contents[" + Twine(C) + "]: no blob named '" +
                    N + "'");
      uint64_t Off = scalarAt(*M->offsets(), C);
      if (!fits(Off, blobBytes(*B), M->size()))
        return fail(Where + ": contents[" + Twine(C) + "]: blob '" + N + "' (" +
                    Twine(blobBytes(*B)) + " bytes) at offset " + Twine(Off) +
                    " exceeds the memory size " + Twine(M->size()));
    }
    for (unsigned Bit : {4u, 8u}) // INPUT, OUTPUT
      if (M->flags() & Bit)
        BindIds[Bit].push_back(M->bind_id());
  }
  for (auto &KV : BindIds) {
    llvm::sort(KV.second);
    for (unsigned I = 0; I < KV.second.size(); ++I)
      if (KV.second[I] != I)
        return fail(Twine(KV.first == 4 ? "INPUT" : "OUTPUT") +
                    " memories: bind ids must run 0.." +
                    Twine(KV.second.size() - 1) + " without repeats");
  }
  return Error::success();
}

Error Validator::checkAddresses() {
  const auto *L = R.address_list();
  if (!L)
    return Error::success();
  for (unsigned I = 0; I < L->size(); ++I) {
    const fl::AddressListEntry *A = L->Get(I);
    std::string Where = ("address_list[" + Twine(I) + "]").str();
    if (!Addrs.insert(A->id()).second)
      return fail(Where + ": id " + Twine(A->id()) + " is used twice");
    auto It = Mems.find(A->mem_id());
    if (It == Mems.end())
      return fail(Where + ": mem_id " + Twine(A->mem_id()) +
                  " is not in memory_list");
    if (!fits(A->offset(), A->size(), It->second->size()))
      return fail(Where + ": offset " + Twine(A->offset()) + " + size " +
                  Twine(A->size()) + " exceeds memory " + Twine(A->mem_id()) +
                  " (size " + Twine(It->second->size()) + ")");
  }
  return Error::success();
}

Error Validator::checkTasks() {
  if (const auto *EL = R.event_list())
    for (unsigned I = 0; I < EL->size(); ++I)
      if (!Events.insert(EL->Get(I)->id()).second)
        return fail("event_list[" + Twine(I) + "]: id " +
                    Twine(EL->Get(I)->id()) + " is used twice");
  const auto *L = R.task_list();
  if (!L)
    return Error::success();
  for (unsigned I = 0; I < L->size(); ++I) {
    const fl::TaskListEntry *T = L->Get(I);
    std::string Where = ("task_list[" + Twine(I) + "]").str();
    if (!Tasks.insert(T->id()).second)
      return fail(Where + ": id " + Twine(T->id()) + " is used twice");
    if (T->interface() != fl::Interface_DLA1 &&
        T->interface() != fl::Interface_EMU1)
      return fail(Where + ": interface " + Twine(T->interface()) +
                  " is neither DLA1 nor EMU1");
    if (const auto *AL = T->address_list())
      for (unsigned K = 0; K < AL->size(); ++K)
        if (!Addrs.count(scalarAt(*AL, K)))
          return fail(Where + ": address_list[" + Twine(K) + "]: address " +
                      Twine(scalarAt(*AL, K)) + " is not in address_list");
    for (auto [Name, V] : {std::make_pair("pre_actions", T->pre_actions()),
                           std::make_pair("post_actions", T->post_actions())})
      if (V)
        for (unsigned K = 0; K < V->size(); ++K)
          if (!Events.count(scalarAt(*V, K)))
            return fail(Where + ": " + Name + "[" + Twine(K) + "]: event " +
                        Twine(scalarAt(*V, K)) + " is not in event_list");
    if (T->interface() == fl::Interface_DLA1) {
      if (!T->address_list() || T->address_list()->size() == 0)
        return fail(Where + ": a DLA1 task needs address index 0 (the "
                            "network descriptor)");
      auto Net = decodeDLATask(F, I);
      if (!Net)
        return fail(Where + ": " + toString(Net.takeError()));
    }
  }
  return Error::success();
}

Error Validator::checkOthers() {
  if (const auto *L = R.submit_list())
    for (unsigned I = 0; I < L->size(); ++I)
      if (const auto *Ids = L->Get(I)->task_id())
        for (unsigned K = 0; K < Ids->size(); ++K)
          if (!Tasks.count(scalarAt(*Ids, K)))
            return fail("submit_list[" + Twine(I) + "]: task_id[" + Twine(K) +
                        "]: task " + Twine(scalarAt(*Ids, K)) +
                        " is not in task_list");
  if (const auto *L = R.tensor_desc_list())
    for (unsigned I = 0; I < L->size(); ++I) {
      const fl::TensorDescListEntry *T = L->Get(I);
      std::string Where = ("tensor_desc_list[" + Twine(I) + "]").str();
      auto It = Mems.find(T->mem_id());
      if (It == Mems.end())
        return fail(Where + ": mem_id " + Twine(T->mem_id()) +
                    " is not in memory_list");
      if (!fits(T->offset(), T->size(), It->second->size()))
        return fail(Where + ": offset " + Twine(T->offset()) + " + size " +
                    Twine(T->size()) + " exceeds memory " + Twine(T->mem_id()) +
                    " (size " + Twine(It->second->size()) + ")");
    }
  if (const auto *L = R.reloc_list())
    for (unsigned I = 0; I < L->size(); ++I) {
      const fl::RelocListEntry *E = L->Get(I);
      std::string Where = ("reloc_list[" + Twine(I) + "]").str();
      if (!Addrs.count(E->address_id()))
        return fail(Where + ": address_id " + Twine(E->address_id()) +
                    " is not in address_list");
      auto It = Mems.find(E->write_id());
      if (It == Mems.end())
        return fail(Where + ": write_id " + Twine(E->write_id()) +
                    " is not in memory_list");
    }
  return Error::success();
}

Error Validator::run() {
  if (Error E = checkMemories())
    return E;
  if (Error E = checkAddresses())
    return E;
  if (Error E = checkTasks())
    return E;
  return checkOthers();
}

Error validateLoadable(const LoadableFile &F) { return Validator(F).run(); }

} // namespace nvdla
} // namespace onncf
