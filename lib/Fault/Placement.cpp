//===- Placement.cpp - Where the chip stores each weight word -------------===//
//
// Part of onnc-fault. The host target's linear weight memory and the
// placement read back from the IR attributes (onncf/Fault/Placement.h).
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Placement.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include <algorithm>

using namespace llvm;

namespace onncf {
namespace fault {

uint64_t GroupedKCRS::offsetOf(int64_t Kk, int64_t Ch, int64_t Rr,
                               int64_t Ss) const {
  // Kernel group, then channel group inside it, then (r, s, k, c) over the
  // (possibly partial) group sizes.
  int64_t Kg = Kk / KPerGroup, Kl = Kk % KPerGroup;
  int64_t KgSize = std::min<int64_t>(KPerGroup, K - Kg * KPerGroup);
  int64_t Cg = Ch / CPerGroup, Cl = Ch % CPerGroup;
  int64_t CgSize = std::min<int64_t>(CPerGroup, C - Cg * CPerGroup);
  return uint64_t(Kg) * KPerGroup * C * R * S +
         uint64_t(Cg) * CPerGroup * R * S * KgSize +
         uint64_t((Rr * S + Ss) * KgSize + Kl) * CgSize + Cl;
}

uint64_t GroupedKCRS::offsetOfIndex(uint64_t I) const {
  int64_t Ss = int64_t(I % S);
  I /= S;
  int64_t Rr = int64_t(I % R);
  I /= R;
  int64_t Ch = int64_t(I % C);
  return offsetOf(int64_t(I / C), Ch, Rr, Ss);
}

/// Reads wmem_layout / wmem_kcrs / wmem_groups of \p O into \p T.
static Error readLayout(const Op &O, StoredTensor &T) {
  const Attribute *LA = O.getAttr(attr::WMemLayout);
  if (!LA)
    return Error::success();
  if (!LA->is(AttrKind::String) || LA->getString() != attr::NvdlaDirect)
    return makeError(O.getDescription() + ": wmem_layout must be \"" +
                     attr::NvdlaDirect + "\"");
  std::vector<int64_t> D = O.getIntsAttr(attr::WMemKCRS);
  std::vector<int64_t> Gs = O.getIntsAttr(attr::WMemGroups);
  if (D.size() != 4 || Gs.size() != 2 ||
      llvm::any_of(D, [](int64_t V) { return V <= 0 || V > (1 << 20); }) ||
      llvm::any_of(Gs, [](int64_t V) { return V <= 0 || V > 4096; }))
    return makeError(O.getDescription() +
                     ": wmem_layout nvdla-direct needs wmem_kcrs = [K, C, R, "
                     "S] and wmem_groups = [kernels, channels] (positive)");
  T.IsGrouped = true;
  T.Grouped = GroupedKCRS{D[0], D[1], D[2], D[3], Gs[0], Gs[1]};
  if (T.Grouped.count() != T.Count)
    return makeError(O.getDescription() + ": wmem_kcrs [" + Twine(D[0]) + ", " +
                     Twine(D[1]) + ", " + Twine(D[2]) + ", " + Twine(D[3]) +
                     "] does not match its " + Twine(T.Count) +
                     "-element weight");
  return Error::success();
}

bool hasStoredWeight(const Op &O) {
  if (O.getKind() != quantop::Conv && O.getKind() != quantop::FC)
    return false;
  const Value *W = O.getOptionalOperand(1);
  if (!W || !W->isConstant())
    return false;
  ElementType E = W->getType().getElementType();
  return E == ElementType::I8 || E == ElementType::I16;
}

unsigned weightWordBits(const Op &O) {
  const TensorType &T = O.getOperand(1)->getType();
  if (const auto &Q = T.getQuant())
    return Q->Bits;
  return 8 * getElementSize(T.getElementType());
}

uint64_t placeWeightsLinearly(Graph &G) {
  uint64_t Next = 0;
  for (auto &OP : G.getOps()) {
    Op &O = *OP;
    if (!hasStoredWeight(O))
      continue;
    Value *W = O.getOperand(1);
    // Each op's words live at their own addresses, so mitigation may store
    // different words for them: a shared constant gets a private copy.
    if (G.getUses(W).size() > 1 || G.isOutput(W)) {
      W = G.addConstantUnique(W->getName(), W->getConstantData());
      O.setOperand(1, W);
    }
    uint64_t Bytes = (weightWordBits(O) + 7) / 8;
    Next = alignTo(Next, Bytes);
    uint64_t Count = uint64_t(W->getType().getNumElements());
    O.setAttr(attr::WMemOffset, int64_t(Next));
    O.setAttr(attr::WMemWords, int64_t(Count));
    Next += Count * Bytes;
  }
  return Next;
}

bool hasStoredWeightAttrs(const Graph &G) {
  for (const auto &O : G.getOps())
    if (O->hasAttr(attr::WMemOffset) || O->hasAttr(attr::Decoder) ||
        O->hasAttr(attr::DecoderMasks) || O->hasAttr(attr::Mitigation))
      return true;
  return false;
}

Expected<std::vector<StoredTensor>> listStoredWeights(const Graph &G) {
  std::vector<StoredTensor> Ts;
  DenseMap<const Value *, const Op *> Owners;
  for (const auto &OP : G.getOps()) {
    Op &O = *OP;
    if (!O.hasAttr(attr::WMemOffset))
      continue;
    if (!hasStoredWeight(O))
      return makeError(O.getDescription() +
                       ": has a weight placement but its weight is not a "
                       "constant i8/i16 tensor");
    // The graph may come from a text file no verifier has seen.
    const Attribute *OffA = O.getAttr(attr::WMemOffset);
    const Attribute *WordsA = O.getAttr(attr::WMemWords);
    if (!OffA->is(AttrKind::Int) || !WordsA || !WordsA->is(AttrKind::Int))
      return makeError(O.getDescription() + ": wmem_offset and wmem_words "
                                            "must both be integers");
    StoredTensor T;
    T.Owner = &O;
    T.Operand = 1;
    T.Data = O.getOperand(1);
    T.Kind = MemoryKind::WMem;
    T.WordBits = weightWordBits(O);
    if (T.WordBits < 2 || T.WordBits > 16)
      return makeError(O.getDescription() + ": weight words of " +
                       Twine(T.WordBits) + " bits cannot be stored (2..16)");
    T.StrideBytes = (T.WordBits + 7) / 8;
    int64_t Off = O.getIntAttr(attr::WMemOffset, 0);
    int64_t Words = O.getIntAttr(attr::WMemWords, -1);
    T.Count = uint64_t(T.Data->getType().getNumElements());
    if (Off < 0 || Words < 0 || uint64_t(Words) != T.Count)
      return makeError(O.getDescription() + ": wmem_offset " + Twine(Off) +
                       " / wmem_words " + Twine(Words) + " do not fit its " +
                       Twine(T.Count) + "-element weight");
    T.FirstByte = uint64_t(Off);
    if (Error E = readLayout(O, T))
      return E;
    auto [It, New] = Owners.try_emplace(T.Data, &O);
    if (!New)
      return makeError("weight '" + T.Data->getName() + "' is stored twice (" +
                       It->second->getDescription() + " and " +
                       O.getDescription() + ")");
    Ts.push_back(T);
  }
  std::vector<const StoredTensor *> ByAddr;
  for (const StoredTensor &T : Ts)
    ByAddr.push_back(&T);
  llvm::stable_sort(ByAddr, [](const StoredTensor *A, const StoredTensor *B) {
    return A->FirstByte < B->FirstByte;
  });
  for (size_t I = 1; I < ByAddr.size(); ++I)
    if (ByAddr[I]->Count && ByAddr[I - 1]->endByte() > ByAddr[I]->FirstByte)
      return makeError("the weights of " +
                       ByAddr[I - 1]->Owner->getDescription() + " and " +
                       ByAddr[I]->Owner->getDescription() +
                       " overlap in the weight memory (bytes " +
                       Twine(ByAddr[I]->FirstByte) + ".." +
                       Twine(ByAddr[I - 1]->endByte() - 1) + ")");
  return Ts;
}

uint64_t placementEndByte(ArrayRef<StoredTensor> Ts) {
  uint64_t End = 0;
  for (const StoredTensor &T : Ts)
    End = std::max(End, T.endByte());
  return End;
}

Expected<unsigned> findWeightMemory(const DefectMap &Map,
                                    ArrayRef<StoredTensor> Ts,
                                    StringRef MapName) {
  int M = Map.findMemoryOfKind(MemoryKind::WMem);
  if (M < 0)
    return makeError(MapName + ": the defect map has no wmem memory (the "
                               "weights are stored in the weight memory)");
  const Memory &Mem = Map.Memories[unsigned(M)];
  uint64_t End = placementEndByte(Ts);
  if (Mem.cells() / 8 < End)
    return makeError(MapName + ": memory '" + Mem.Name + "' (" +
                     Mem.describe() + ") is too small for the " + Twine(End) +
                     " bytes of weights");
  return unsigned(M);
}

std::vector<WordFaults> faultsOfTensor(const DefectMap &Map, unsigned Mem,
                                       const StoredTensor &T) {
  std::vector<WordFaults> F(T.Count);
  for (uint64_t I = 0; I < T.Count; ++I)
    F[I] = Map.faultsAtBitAddress(Mem, T.bitAddress(I), T.WordBits);
  return F;
}

} // namespace fault
} // namespace onncf
