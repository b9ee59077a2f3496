//===- Report.h - What a mitigation did to a tensor's words -----*- C++ -*-===//
//
// Part of onnc-fault. The per-layer and total counts of the compiler's
// --report (issue 5): words stored, faulty words, words with 1 and with 2+
// non-silent defects before mitigation, and the histogram of |decoded -
// intended| in log2 bins before and after (seed 001, figure 9).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_REPORT_H
#define ONNCF_FAULT_REPORT_H

#include "onncf/Fault/Policy.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"
#include <array>

namespace onncf {
namespace fault {

/// Bin of a deviation: 0 for exact, else k for 2^(k-1) <= d < 2^k ("k-bit"
/// bars of seed 001 figure 9); up to 17 for 16-bit words.
inline unsigned deviationBin(uint64_t D) {
  return D == 0 ? 0 : 64 - unsigned(__builtin_clzll(D));
}

struct MitigationSummary {
  static constexpr unsigned NumBins = 18;
  uint64_t Words = 0;
  uint64_t FaultyWords = 0;               ///< words with any defect
  uint64_t Words1NonSilent = 0;           ///< exactly 1 non-silent, unmitigated
  uint64_t Words2PlusNonSilent = 0;       ///< 2 or more, unmitigated
  std::array<uint64_t, NumBins> Before{}; ///< deviation bins, stored = W
  std::array<uint64_t, NumBins> After{};  ///< deviation bins, the policy
  uint64_t TotalDeviationBefore = 0, TotalDeviationAfter = 0;

  /// Adds the counts of \p O (a layer into the totals).
  void add(const MitigationSummary &O);
  /// {"words", "faulty_words", "words_1_nonsilent", "words_2plus_nonsilent",
  ///  "deviation_before": [...], "deviation_after": [...],
  ///  "total_deviation_before", "total_deviation_after"}.
  llvm::json::Object toJSON() const;
};

/// Summarises policy \p P on the words of one tensor (Values[i] in a word
/// with faults Faults[i]); "before" is the unmitigated store of W.
MitigationSummary summarize(const Policy &P, const WordFormat &Fmt,
                            llvm::ArrayRef<int64_t> Values,
                            llvm::ArrayRef<WordFaults> Faults);

} // namespace fault
} // namespace onncf

#endif
