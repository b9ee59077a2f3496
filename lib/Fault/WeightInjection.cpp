//===- WeightInjection.cpp - What the chip computes with ------------------===//
//
// Part of onnc-fault. The run-time half of onncf/Fault/WeightFaults.h: the
// stored words of a placed graph are read through a defect map's wmem
// faults and decoded by each op's read decoder, once, before an executor is
// built (so the interpreter's kernels keep their speed).
//
//===----------------------------------------------------------------------===//
#include "WeightWords.h"
#include "onncf/Fault/WeightFaults.h"
#include "onncf/IR/Graph.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {
namespace fault {

static std::optional<Decoder> parseDecoder(StringRef S) {
  for (Decoder D : {Decoder::None, Decoder::LSB, Decoder::C1, Decoder::SignBit,
                    Decoder::InverseSignBit})
    if (S == decoderName(D))
      return D;
  return std::nullopt;
}

Expected<StoredWeights> StoredWeights::capture(Graph &G) {
  auto Ts = listStoredWeights(G);
  if (!Ts)
    return Ts.takeError();
  StoredWeights SW;
  SW.Tensors = std::move(*Ts);
  for (const StoredTensor &T : SW.Tensors) {
    const Op &O = *T.Owner;
    Entry E;
    E.Stored = T.Data->getConstantData(); // shared; apply() copies on write
    const Attribute *DA = O.getAttr(attr::Decoder);
    const Attribute *MA = O.getAttr(attr::DecoderMasks);
    if ((DA && !DA->is(AttrKind::String)) || (MA && !MA->is(AttrKind::Ints)))
      return makeError(O.getDescription() + ": decoder must be a string and "
                                            "decoder_masks a list of ints");
    std::string Name = O.getStringAttr(attr::Decoder, "none");
    auto D = parseDecoder(Name);
    if (!D)
      return makeError(O.getDescription() + ": unknown decoder '" + Name + "'");
    E.Dec = *D;
    std::vector<int64_t> M = O.getIntsAttr(attr::DecoderMasks);
    if (M.size() % 2)
      return makeError(O.getDescription() +
                       ": decoder_masks must hold (word, mask) pairs");
    if (!M.empty() && E.Dec != Decoder::SignBit &&
        E.Dec != Decoder::InverseSignBit)
      return makeError(O.getDescription() + ": decoder_masks needs decoder "
                                            "sign-bit or inverse-sign-bit");
    for (size_t I = 0; I < M.size(); I += 2) {
      if (M[I] < 0 || uint64_t(M[I]) >= T.Count || M[I + 1] < 0 ||
          uint64_t(M[I + 1]) > T.format().mask())
        return makeError(O.getDescription() + ": decoder_masks has the bad " +
                         "pair (" + Twine(M[I]) + ", " + Twine(M[I + 1]) +
                         ") for " + Twine(T.Count) + " words of " +
                         Twine(T.WordBits) + " bits");
      E.Masks.emplace_back(uint64_t(M[I]), uint64_t(M[I + 1]));
    }
    SW.Entries.push_back(std::move(E));
  }
  return SW;
}

std::vector<int64_t> StoredWeights::computedValues(size_t Idx,
                                                   const DefectMap *Map,
                                                   unsigned Mem) const {
  const StoredTensor &T = Tensors[Idx];
  const Entry &E = Entries[Idx];
  const WordFormat Fmt = T.format();
  std::vector<int64_t> V = readWords(E.Stored);
  // The substitution decoders see the faulty bits the compiler recorded,
  // not the map's: the chip only knows what it was told.
  std::vector<uint64_t> Sub;
  if (!E.Masks.empty()) {
    Sub.assign(V.size(), 0);
    for (auto [Word, Mask] : E.Masks)
      Sub[Word] = Mask;
  }
  for (size_t I = 0; I < V.size(); ++I) {
    uint64_t S = Fmt.toPattern(V[I]);
    uint64_t R = S;
    if (Map)
      R = Map->faultsAtBitAddress(Mem, T.bitAddress(I), T.WordBits).read(S);
    WordFaults Known{Sub.empty() ? 0 : Sub[I], 0};
    V[I] = Fmt.toValue(decodeRead(R & Fmt.mask(), Known, E.Dec, Fmt));
  }
  return V;
}

Error StoredWeights::apply(const DefectMap *Map, StringRef MapName) const {
  unsigned Mem = 0;
  if (Map) {
    auto M = findWeightMemory(*Map, Tensors, MapName);
    if (!M)
      return M.takeError();
    Mem = *M;
  }
  for (size_t I = 0; I < Tensors.size(); ++I) {
    // Nothing to do for a fault-free read without a decoder.
    if (!Map && Entries[I].Dec == Decoder::None)
      continue;
    Tensor Data = Entries[I].Stored;
    writeWords(Data, computedValues(I, Map, Mem));
    Tensors[I].Data->setConstantData(std::move(Data));
  }
  return Error::success();
}

void removeStoredWeightAttrs(Graph &G) {
  for (auto &O : G.getOps())
    for (const char *A : {attr::WMemOffset, attr::WMemWords, attr::Mitigation,
                          attr::Decoder, attr::DecoderMasks, attr::WMemLayout,
                          attr::WMemKCRS, attr::WMemGroups})
      O->removeAttr(A);
}

Error applyWeightFaults(Graph &G, const DefectMap *Map, StringRef MapName) {
  auto SW = StoredWeights::capture(G);
  if (!SW)
    return SW.takeError();
  if (Error E = SW->apply(Map, MapName))
    return E;
  removeStoredWeightAttrs(G);
  return Error::success();
}

} // namespace fault
} // namespace onncf
