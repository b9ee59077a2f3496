//===- Report.cpp - What a mitigation did to a tensor's words -------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Report.h"

using namespace llvm;

namespace onncf {
namespace fault {

void MitigationSummary::add(const MitigationSummary &O) {
  Words += O.Words;
  FaultyWords += O.FaultyWords;
  Words1NonSilent += O.Words1NonSilent;
  Words2PlusNonSilent += O.Words2PlusNonSilent;
  for (unsigned I = 0; I < NumBins; ++I) {
    Before[I] += O.Before[I];
    After[I] += O.After[I];
  }
  TotalDeviationBefore += O.TotalDeviationBefore;
  TotalDeviationAfter += O.TotalDeviationAfter;
}

json::Object MitigationSummary::toJSON() const {
  auto Bins = [](const std::array<uint64_t, NumBins> &B) {
    json::Array A;
    for (uint64_t C : B)
      A.push_back(int64_t(C));
    return A;
  };
  return json::Object{{"words", int64_t(Words)},
                      {"faulty_words", int64_t(FaultyWords)},
                      {"words_1_nonsilent", int64_t(Words1NonSilent)},
                      {"words_2plus_nonsilent", int64_t(Words2PlusNonSilent)},
                      {"deviation_before", Bins(Before)},
                      {"deviation_after", Bins(After)},
                      {"total_deviation_before", int64_t(TotalDeviationBefore)},
                      {"total_deviation_after", int64_t(TotalDeviationAfter)}};
}

MitigationSummary summarize(const Policy &P, const WordFormat &Fmt,
                            ArrayRef<int64_t> Values,
                            ArrayRef<WordFaults> Faults) {
  assert(Values.size() == Faults.size());
  MitigationSummary S;
  const uint64_t M = Fmt.mask();
  for (size_t I = 0, E = Values.size(); I < E; ++I) {
    const int64_t W = Values[I];
    const WordFaults &F = Faults[I];
    ++S.Words;
    uint64_t Plain = Fmt.toPattern(W);
    unsigned NS = countOnes(F.nonSilent(Plain) & M);
    S.FaultyWords += (F.defective() & M) != 0;
    S.Words1NonSilent += NS == 1;
    S.Words2PlusNonSilent += NS >= 2;
    uint64_t DB = deviation(Fmt.toValue(F.read(Plain)), W);
    uint64_t DA = deviation(P.decode(P.encode(W, F, Fmt), F, Fmt), W);
    ++S.Before[deviationBin(DB)];
    ++S.After[deviationBin(DA)];
    S.TotalDeviationBefore += DB;
    S.TotalDeviationAfter += DA;
  }
  return S;
}

} // namespace fault
} // namespace onncf
