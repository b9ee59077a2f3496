//===- WordFaults.h - Stuck-at faults of one stored word -------*- C++ -*-===//
//
// Part of onnc-fault. The word model every mitigation works on: a stored word
// of Q bits (2..16 for weights), its stuck-at-0 and stuck-at-1 masks, what a
// read returns, and the two views of its bit pattern (unsigned 0..2^Q-1 and
// two's complement -2^(Q-1)..2^(Q-1)-1). See docs/DefectMapFormat.md and
// ../shared/reference/ALGORITHMS.md (seed 001, "Problem 1").
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_WORDFAULTS_H
#define ONNCF_FAULT_WORDFAULTS_H

#include "llvm/Support/Error.h"
#include <cstdint>

namespace onncf {
namespace fault {

/// The stuck-at cells of one word: bit i of Sa0 (Sa1) is set when cell i
/// always reads 0 (1). A cell is never in both masks.
struct WordFaults {
  uint64_t Sa0 = 0;
  uint64_t Sa1 = 0;

  uint64_t defective() const { return Sa0 | Sa1; }
  bool empty() const { return (Sa0 | Sa1) == 0; }
  /// What a read of stored word \p S returns: (S & ~sa0) | sa1.
  uint64_t read(uint64_t S) const { return (S & ~Sa0) | Sa1; }
  /// The defects that change the read of \p S (the stored bit differs from
  /// the stuck value): a defect is silent iff it is not in this mask.
  uint64_t nonSilent(uint64_t S) const { return (S & Sa0) | (~S & Sa1); }
  bool allSilent(uint64_t S) const { return nonSilent(S) == 0; }
  /// Restricts both masks to the low \p Bits bits.
  WordFaults truncated(unsigned Bits) const;
  bool operator==(const WordFaults &O) const {
    return Sa0 == O.Sa0 && Sa1 == O.Sa1;
  }
  bool operator!=(const WordFaults &O) const { return !(*this == O); }
};

/// A Q-bit word and how its pattern is read as a number.
struct WordFormat {
  unsigned Bits = 8; ///< Q, 2..16 for the mitigation policies (1..63 here)
  bool Signed = false;

  uint64_t mask() const { return (uint64_t(1) << Bits) - 1; }
  int64_t minValue() const { return Signed ? -(int64_t(1) << (Bits - 1)) : 0; }
  int64_t maxValue() const {
    return Signed ? (int64_t(1) << (Bits - 1)) - 1 : int64_t(mask());
  }
  bool inRange(int64_t V) const { return V >= minValue() && V <= maxValue(); }
  /// The Q-bit pattern of value \p V (two's complement when signed).
  uint64_t toPattern(int64_t V) const { return uint64_t(V) & mask(); }
  /// The value of the low Q bits of \p P in this view.
  int64_t toValue(uint64_t P) const {
    P &= mask();
    if (Signed && (P >> (Bits - 1)) & 1)
      return int64_t(P) - (int64_t(1) << Bits);
    return int64_t(P);
  }
  bool operator==(const WordFormat &O) const {
    return Bits == O.Bits && Signed == O.Signed;
  }
};

/// Checks a format the policies accept (Q in 2..16).
llvm::Error checkPolicyFormat(const WordFormat &F);

/// Checks that \p Faults has disjoint masks inside the low Q bits.
llvm::Error checkWordFaults(const WordFaults &Faults, const WordFormat &F);

/// Number of set bits (popcount) of \p X.
inline unsigned countOnes(uint64_t X) {
  return unsigned(__builtin_popcountll(X));
}

} // namespace fault
} // namespace onncf

#endif
