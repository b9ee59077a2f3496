//===- Mitigation.h - Encoders and read decoders for faulty words -*- C++ -*-=//
//
// Part of onnc-fault. A mitigation is a pair of pure functions on one word:
// encode(W, faults, Q, signed) -> the stored word, chosen at compile time
// from the defect map, and decode(stored) -> the value the hardware computes
// with, i.e. the read (s & ~sa0) | sa1 followed by the read-path decoder the
// chip implements. The encoders follow the algorithm text of seed 001
// (Add/Sub, LSB, C-1) and seed 000 (sign-bit substitution); Optimal is the
// exact best stored word for a decoder. Policy.h names the pairs.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_MITIGATION_H
#define ONNCF_FAULT_MITIGATION_H

#include "onncf/Fault/WordFaults.h"
#include "llvm/ADT/StringRef.h"

namespace onncf {
namespace fault {

/// The read-path decoders. None: the value read is used as is. LSB: if bit
/// 0 of the read is 1, all Q bits are flipped (N-1 XOR gates). C1: if the
/// read has an odd number of ones, all Q bits are flipped. SignBit /
/// InverseSignBit (seed 000): every known defective bit k < Q-1 of the word
/// is replaced by bit Q-1 of the read (or its inverse).
enum class Decoder { None, LSB, C1, SignBit, InverseSignBit };

llvm::StringRef decoderName(Decoder D);

/// Applies decoder \p D to the pattern \p Read of a word whose defects are
/// \p F; returns the decoded Q-bit pattern.
uint64_t decodeRead(uint64_t Read, const WordFaults &F, Decoder D,
                    const WordFormat &Fmt);

/// The value the hardware computes with when \p Stored was written to a word
/// with faults \p F: decode(read(Stored)) in the view of \p Fmt.
inline int64_t decodeStored(uint64_t Stored, const WordFaults &F, Decoder D,
                            const WordFormat &Fmt) {
  return Fmt.toValue(
      decodeRead(F.read(Stored & Fmt.mask()) & Fmt.mask(), F, D, Fmt));
}

/// |decoded - intended| (at most 2^16 for the policy formats).
inline uint64_t deviation(int64_t Decoded, int64_t Intended) {
  return Decoded > Intended ? uint64_t(Decoded - Intended)
                            : uint64_t(Intended - Decoded);
}

//===-- Encoders: value W in the view of Fmt -> stored Q-bit pattern ------===//
// Preconditions for all encoders: Fmt.Bits in 2..16, W in range, F's masks
// disjoint (checked by the callers that read user input: Policy.h).

/// Stores W unchanged.
uint64_t encodePlain(int64_t W, const WordFaults &F, const WordFormat &Fmt);

/// One Add/Sub step (Algorithm 1, seed 001) on pattern \p P: handles the
/// leftmost non-silent defect k by +/- 2^k, then sets the fault-free bits
/// below k to 0 (add) or 1 (sub) and the defective ones to their stuck
/// values, so every defect is silent afterwards. Returns \p P if no defect
/// is non-silent.
uint64_t addSubStep(uint64_t P, const WordFaults &F, const WordFormat &Fmt);

/// Add/Sub approximation (Algorithm 1). No read hardware (Decoder::None).
uint64_t encodeAddSub(int64_t W, const WordFaults &F, const WordFormat &Fmt);

/// LSB approximation (Algorithm 2) for Decoder::LSB.
uint64_t encodeLSB(int64_t W, const WordFaults &F, const WordFormat &Fmt);

/// Count-One approximation (Algorithm 3) for Decoder::C1.
uint64_t encodeC1(int64_t W, const WordFaults &F, const WordFormat &Fmt);

/// Weight clamping for sign-bit substitution (our extension of seed 000):
/// W is clamped into the range where the lowest defective bit k < Q-1 and
/// every bit above it equal bit Q-1 ([-2^k, 2^k-1] in the signed view; the
/// two ends [0, 2^k-1] and [2^Q-2^k, 2^Q-1] in the unsigned one), so the
/// substitution reproduces the stored value exactly (unless bit Q-1 itself
/// is defective).
uint64_t encodeSignBitClamp(int64_t W, const WordFaults &F,
                            const WordFormat &Fmt);

/// The exact best stored word for decoder \p D: minimises |decode - W|; ties
/// go to the decoded value nearer zero, then to the stored word that needs no
/// flip (the smaller stored pattern). The stored word always makes every
/// defect silent. Exhaustive over 2^Q words for Q <= 8, else the bounded
/// search of encodeOptimalSearch.
uint64_t encodeOptimal(int64_t W, const WordFaults &F, const WordFormat &Fmt,
                       Decoder D);

/// Tries every one of the 2^Q stored words (any Q <= 16; used for Q <= 8 and
/// by the tests as the reference).
uint64_t encodeOptimalExhaustive(int64_t W, const WordFaults &F,
                                 const WordFormat &Fmt, Decoder D);

/// Exact search over decoded values in order of distance from W (W, then
/// the nearer-to-zero of W-d and W+d, for d = 1, 2, ...). A decoded value v
/// is reachable iff one of the (at most two) reads the decoder maps to v has
/// every defective bit at its stuck value; the first reachable v is optimal
/// because every value nearer to W was tested and found unreachable. Cost:
/// 2*|v-W|+1 tests of O(1).
uint64_t encodeOptimalSearch(int64_t W, const WordFaults &F,
                             const WordFormat &Fmt, Decoder D);

} // namespace fault
} // namespace onncf

#endif
