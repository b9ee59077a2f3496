//===- WeightMitigation.cpp - Stored weight words for a chip's map --------===//
//
// Part of onnc-fault. The compile-time half of onncf/Fault/WeightFaults.h:
// each placed weight tensor is encoded word by word with the chosen policy
// for the faults of the cells it lands on, and the op records the decoder
// the chip's read path applies.
//
//===----------------------------------------------------------------------===//
#include "WeightWords.h"
#include "onncf/Fault/WeightFaults.h"
#include "onncf/IR/Graph.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {
namespace fault {

json::Object WeightMitigationReport::toJSON() const {
  json::Object Totals = this->Totals.toJSON();
  json::Array Ls;
  for (const LayerMitigation &L : Layers) {
    json::Object O{{"op", L.Op},
                   {"kind", L.Kind},
                   {"weight", L.Weight},
                   {"policy", L.Chosen.name()},
                   {"decoder", decoderName(L.Chosen.Dec)},
                   {"wmem_offset", int64_t(L.FirstByte)},
                   {"word_bits", int64_t(L.WordBits)}};
    for (auto &KV : L.Summary.toJSON())
      O[KV.first] = KV.second;
    Ls.push_back(std::move(O));
  }
  return json::Object{{"mitigation", Mitigation},
                      {"memory", MemoryName},
                      {"totals", std::move(Totals)},
                      {"layers", std::move(Ls)}};
}

Expected<WeightMitigationReport> mitigateWeights(Graph &G, const DefectMap &Map,
                                                 const Mitigation &M,
                                                 StringRef MapName) {
  auto Ts = listStoredWeights(G);
  if (!Ts)
    return Ts.takeError();
  auto Mem = findWeightMemory(Map, *Ts, MapName);
  if (!Mem)
    return Mem.takeError();
  WeightMitigationReport R;
  R.Mitigation = M.name();
  R.MemoryName = Map.Memories[*Mem].Name;
  for (const StoredTensor &T : *Ts) {
    Op &O = *T.Owner;
    const WordFormat Fmt = T.format();
    std::vector<int64_t> Values = readWords(T.Data->getConstantData());
    for (int64_t V : Values)
      if (!Fmt.inRange(V))
        return makeError(O.getDescription() + ": weight value " + Twine(V) +
                         " does not fit its " + Twine(Fmt.Bits) + "-bit words");
    std::vector<WordFaults> Faults = faultsOfTensor(Map, *Mem, T);
    Policy P = M.Auto ? chooseAuto(Fmt, Values, Faults).Chosen : M.Fixed;

    std::vector<uint64_t> Stored(Values.size());
    encodeWords(P, Fmt, Values, Faults, Stored);
    std::vector<int64_t> StoredValues(Stored.size());
    for (size_t I = 0; I < Stored.size(); ++I)
      StoredValues[I] = Fmt.toValue(Stored[I]);
    Tensor Data = T.Data->getConstantData();
    writeWords(Data, StoredValues);
    T.Data->setConstantData(std::move(Data));

    O.setAttr(attr::Mitigation, P.name());
    O.setAttr(attr::Decoder, decoderName(P.Dec).str());
    O.removeAttr(attr::DecoderMasks);
    if (P.Dec == Decoder::SignBit || P.Dec == Decoder::InverseSignBit) {
      // The substitution circuit needs the known faulty bits of each word
      // (seed 000); the sign bit itself is never substituted.
      const uint64_t Sub = Fmt.mask() >> 1;
      std::vector<int64_t> Masks;
      for (size_t I = 0; I < Faults.size(); ++I)
        if (uint64_t K = Faults[I].defective() & Sub) {
          Masks.push_back(int64_t(I));
          Masks.push_back(int64_t(K));
        }
      if (!Masks.empty())
        O.setAttr(attr::DecoderMasks, std::move(Masks));
    }

    LayerMitigation L;
    L.Op = O.getName().empty() ? O.getDescription() : O.getName();
    L.Kind = O.getKind().str();
    L.Weight = T.Data->getName();
    L.Chosen = P;
    L.FirstByte = T.FirstByte;
    L.WordBits = T.WordBits;
    L.Summary = summarize(P, Fmt, Values, Faults);
    R.Totals.add(L.Summary);
    R.Layers.push_back(std::move(L));
  }
  return R;
}

} // namespace fault
} // namespace onncf
