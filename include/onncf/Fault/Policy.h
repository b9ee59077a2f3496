//===- Policy.h - Mitigation policies, their registry and auto -*- C++ -*-===//
//
// Part of onnc-fault. A policy pairs a compile-time encoder with the read
// decoder the chip applies. Names, as --mitigation= takes them:
//   none              stored = W, no decoder
//   add-sub           Algorithm 1 of seed 001, no decoder
//   lsb               Algorithm 2 + LSB flip decoder
//   c1                Algorithm 3 + count-one flip decoder
//   sign-bit          stored = W, faulty bits replaced by the sign (seed 000)
//   inverse-sign-bit  stored = W, faulty bits replaced by NOT sign
//   sign-bit-clamp    W clamped so the substitution is exact, sign-bit decoder
//   optimal[:D]       exact best stored word for decoder D (none when
//                     omitted; also lsb, c1, sign-bit, inverse-sign-bit)
//   auto              per tensor (layer): the candidate with the least total
//                     |decoded - intended|, ties to the earlier candidate
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_POLICY_H
#define ONNCF_FAULT_POLICY_H

#include "onncf/Fault/Mitigation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <string>

namespace onncf {
namespace fault {

enum class Encoder { Plain, AddSub, LSB, C1, SignBitClamp, Optimal };

struct Policy {
  Encoder Enc = Encoder::Plain;
  Decoder Dec = Decoder::None;

  /// The --mitigation= spelling ("add-sub", "optimal:c1", ...).
  std::string name() const;
  /// True if every stored word this policy produces makes every defect of
  /// its word silent (Add/Sub, LSB, C-1 and the optima).
  bool promisesSilent() const;
  uint64_t encode(int64_t W, const WordFaults &F, const WordFormat &Fmt) const;
  int64_t decode(uint64_t Stored, const WordFaults &F,
                 const WordFormat &Fmt) const {
    return decodeStored(Stored, F, Dec, Fmt);
  }
  bool operator==(const Policy &O) const {
    return Enc == O.Enc && Dec == O.Dec;
  }
};

/// A --mitigation= value: one policy, or auto (a choice per tensor).
struct Mitigation {
  bool Auto = false;
  Policy Fixed;
  std::string name() const { return Auto ? "auto" : Fixed.name(); }
};

/// Every policy, in the order auto breaks ties: cheapest read path first,
/// and a heuristic before the optimum for the same decoder.
llvm::ArrayRef<Policy> allPolicies();

/// "none|add-sub|lsb|c1|sign-bit|inverse-sign-bit|sign-bit-clamp|
/// optimal[:none|lsb|c1|sign-bit|inverse-sign-bit]" (plus "|auto" with
/// \p WithAuto), for help texts and errors.
std::string policySyntax(bool WithAuto);

/// Parses a policy name; the error quotes the name and lists the valid ones.
llvm::Expected<Policy> parsePolicy(llvm::StringRef S);
/// Parses a --mitigation= value (a policy name or "auto").
llvm::Expected<Mitigation> parseMitigation(llvm::StringRef S);

//===-- Vectorised helpers over the words of a tensor ---------------------===//
// Values[i] is stored in a word with faults Faults[i]; all arrays have the
// same length. Formats must pass checkPolicyFormat.

void encodeWords(const Policy &P, const WordFormat &Fmt,
                 llvm::ArrayRef<int64_t> Values,
                 llvm::ArrayRef<WordFaults> Faults,
                 llvm::MutableArrayRef<uint64_t> Stored);
void decodeWords(const Policy &P, const WordFormat &Fmt,
                 llvm::ArrayRef<uint64_t> Stored,
                 llvm::ArrayRef<WordFaults> Faults,
                 llvm::MutableArrayRef<int64_t> Decoded);
/// Sum over the words of |decode(encode(v)) - v|.
uint64_t totalDeviation(const Policy &P, const WordFormat &Fmt,
                        llvm::ArrayRef<int64_t> Values,
                        llvm::ArrayRef<WordFaults> Faults);

struct AutoChoice {
  Policy Chosen;
  uint64_t TotalDeviation = 0;
};
/// The per-tensor choice of `auto`: the candidate with the least total
/// deviation over the tensor's words; ties go to the earlier candidate
/// (default: allPolicies() order). \p Candidates must not be empty.
AutoChoice chooseAuto(const WordFormat &Fmt, llvm::ArrayRef<int64_t> Values,
                      llvm::ArrayRef<WordFaults> Faults,
                      llvm::ArrayRef<Policy> Candidates = allPolicies());

} // namespace fault
} // namespace onncf

#endif
