//===- AddSub.cpp - Add/Sub approximation (seed 001, Algorithm 1) ---------===//
//
// Part of onnc-fault. The leftmost non-silent defect k is compensated by
// adding or subtracting 2^k and pushing the fault-free bits below k to the
// other extreme. Choices where the paper's text leaves room (documented in
// docs/DefectMapFormat.md, "Mitigation policies"):
// - "reset/set bits k-1..0" touches the fault-free bits only; defective
//   lower bits are written with their stuck value (the text of section 3.1,
//   "resetting/setting the fault-free bits"), so one step silences every
//   defect and Algorithm 1 needs no loop;
// - for k = 0 there is no b(k-1): the option without carry or borrow is
//   preferred (both are at distance 1);
// - an option is invalid if (1) its value leaves the view's range, (2) a
//   defect at or above k is non-silent in it (a carry or borrow changed a
//   higher silent defect), or (3) b(k-1) is defective; the other option is
//   used then. If the other option fails (1) or (2) too, the first one is
//   kept when only (3) rejected it. One of the two options always passes (1)
//   and (2): the one that sets bit k without carry or borrow (or, for the
//   sign bit in the signed view, the one that stays in range).
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Mitigation.h"

namespace onncf {
namespace fault {

uint64_t encodePlain(int64_t W, const WordFaults &, const WordFormat &Fmt) {
  return Fmt.toPattern(W);
}

namespace {
struct Candidate {
  uint64_t Pattern = 0;
  bool Valid = false; // passes exceptions (1) and (2)
};
} // namespace

static Candidate makeCandidate(int64_t W, unsigned K, bool Add,
                               const WordFaults &F, const WordFormat &Fmt) {
  const uint64_t Low = (uint64_t(1) << K) - 1;
  const uint64_t DefLow = F.defective() & Low;
  int64_t V = Add ? W + (int64_t(1) << K) : W - (int64_t(1) << K);
  uint64_t U = uint64_t(V);
  uint64_t Fill = Add ? 0 : Low;
  U = (U & ~Low) | (Fill & ~DefLow) | (F.Sa1 & Low);
  V = int64_t(U);
  Candidate C;
  C.Pattern = Fmt.toPattern(V);
  const uint64_t AtOrAboveK = Fmt.mask() & ~Low;
  C.Valid = Fmt.inRange(V) && (F.nonSilent(C.Pattern) & AtOrAboveK) == 0;
  return C;
}

uint64_t addSubStep(uint64_t P, const WordFaults &F, const WordFormat &Fmt) {
  P &= Fmt.mask();
  uint64_t NS = F.nonSilent(P) & Fmt.mask();
  if (!NS)
    return P;
  const unsigned K = 63 - unsigned(__builtin_clzll(NS));
  const int64_t W = Fmt.toValue(P);
  bool PreferAdd;
  bool PreferredRejected = false; // exception (3)
  if (K == 0) {
    PreferAdd = (P & 1) == 0; // set bit 0 without carry, clear without borrow
  } else {
    PreferAdd = (P >> (K - 1)) & 1;
    PreferredRejected = (F.defective() >> (K - 1)) & 1;
  }
  Candidate Pref = makeCandidate(W, K, PreferAdd, F, Fmt);
  if (Pref.Valid && !PreferredRejected)
    return Pref.Pattern;
  Candidate Other = makeCandidate(W, K, !PreferAdd, F, Fmt);
  if (Other.Valid)
    return Other.Pattern;
  if (Pref.Valid)
    return Pref.Pattern;
  return P; // unreachable: one option always passes (1) and (2)
}

uint64_t encodeAddSub(int64_t W, const WordFaults &F, const WordFormat &Fmt) {
  return addSubStep(Fmt.toPattern(W), F.truncated(Fmt.Bits), Fmt);
}

} // namespace fault
} // namespace onncf
