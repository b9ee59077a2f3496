//===- Optimal.cpp - The exact best stored word for a read decoder --------===//
//
// Part of onnc-fault. Our extension of seed 001: for a given decoder the
// stored word that minimises |decoded - intended| is found exactly, a lower
// bound for every heuristic with the same decoder.
//
// Why the search is exact: the value the hardware uses depends only on the
// read r = (s & ~sa0) | sa1, and a read r is possible iff every defective
// bit of r equals its stuck value (then s = r stores it, with every defect
// silent). Each decoder maps a read to a value through a function whose
// preimages are tiny: None {v}; LSB {v, ~v} for even v, none for odd v; C1
// {v if v has even parity, ~v if ~v has odd parity}; sign-bit substitution
// {v with its substituted bits replaced by their stuck values} when the
// substituted bits of v equal v's sign (or its inverse). So "is v reachable"
// costs O(1), and testing v = W, W-1, W+1, W-2, ... in order of distance
// returns the first reachable value: every nearer value was tested and is
// unreachable, hence it is optimal. The loop ends because the read of any
// word decodes to some in-range value, i.e. within 2^Q steps.
//
// Tie-break (shared with the exhaustive reference): smaller deviation, then
// the decoded value nearer zero, then the smaller value, then a stored word
// with every defect silent, then the smaller stored pattern.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Mitigation.h"
#include <tuple>

namespace onncf {
namespace fault {

static uint64_t magnitude(int64_t V) { return V < 0 ? uint64_t(-V) : V; }

uint64_t encodeOptimalExhaustive(int64_t W, const WordFaults &FIn,
                                 const WordFormat &Fmt, Decoder D) {
  const WordFaults F = FIn.truncated(Fmt.Bits);
  using Key = std::tuple<uint64_t, uint64_t, int64_t, bool, uint64_t>;
  Key Best{~uint64_t(0), 0, 0, true, 0};
  for (uint64_t S = 0, E = Fmt.mask(); S <= E; ++S) {
    int64_t V = decodeStored(S, F, D, Fmt);
    Key K{deviation(V, W), magnitude(V), V, !F.allSilent(S), S};
    if (K < Best)
      Best = K;
  }
  return std::get<4>(Best);
}

/// The smallest read that decodes to pattern \p P and is possible with the
/// faults \p F, or ~0 if there is none.
static uint64_t reachableRead(uint64_t P, const WordFaults &F,
                              const WordFormat &Fmt, Decoder D) {
  const uint64_t M = Fmt.mask();
  const uint64_t Def = F.defective() & M;
  auto Possible = [&](uint64_t R) { return (R & Def) == (F.Sa1 & Def); };
  const uint64_t None = ~uint64_t(0);
  switch (D) {
  case Decoder::None:
    return Possible(P) ? P : None;
  case Decoder::LSB:
  case Decoder::C1: {
    uint64_t Flip = ~P & M;
    bool Direct = D == Decoder::LSB ? (P & 1) == 0 : (countOnes(P) & 1) == 0;
    bool Flipped =
        D == Decoder::LSB ? (Flip & 1) == 1 : (countOnes(Flip) & 1) == 1;
    uint64_t Best = None;
    if (Direct && Possible(P))
      Best = P;
    if (Flipped && Possible(Flip) && Flip < Best)
      Best = Flip;
    return Best;
  }
  case Decoder::SignBit:
  case Decoder::InverseSignBit: {
    const unsigned Sign = Fmt.Bits - 1;
    const uint64_t K = Def & ~(uint64_t(1) << Sign);
    bool Fill = (P >> Sign) & 1;
    if (D == Decoder::InverseSignBit)
      Fill = !Fill;
    if ((P & K) != (Fill ? K : 0))
      return None;
    uint64_t R = (P & ~K) | (F.Sa1 & K);
    return Possible(R) ? R : None;
  }
  }
  return None;
}

uint64_t encodeOptimalSearch(int64_t W, const WordFaults &FIn,
                             const WordFormat &Fmt, Decoder D) {
  const WordFaults F = FIn.truncated(Fmt.Bits);
  const uint64_t None = ~uint64_t(0);
  auto Try = [&](int64_t V) {
    return Fmt.inRange(V) ? reachableRead(Fmt.toPattern(V), F, Fmt, D) : None;
  };
  for (int64_t Dist = 0, Limit = int64_t(Fmt.mask()) + 1; Dist <= Limit;
       ++Dist) {
    if (Dist == 0) {
      if (uint64_t R = Try(W); R != None)
        return R;
      continue;
    }
    int64_t A = W - Dist, B = W + Dist;
    // Nearer zero first; at equal magnitude (W = 0) the smaller value.
    if (magnitude(B) < magnitude(A))
      std::swap(A, B);
    if (uint64_t R = Try(A); R != None)
      return R;
    if (uint64_t R = Try(B); R != None)
      return R;
  }
  return encodeOptimalExhaustive(W, F, Fmt, D); // unreachable
}

uint64_t encodeOptimal(int64_t W, const WordFaults &F, const WordFormat &Fmt,
                       Decoder D) {
  // A fault-free word is settled at distance 0 or 1 by the search; faulty
  // words of up to 8 bits are settled exhaustively as the spec asks (both
  // agree on every 8-bit input: FaultTests OptimalSearchEqualsExhaustive).
  if (Fmt.Bits <= 8 && !F.truncated(Fmt.Bits).empty())
    return encodeOptimalExhaustive(W, F, Fmt, D);
  return encodeOptimalSearch(W, F, Fmt, D);
}

} // namespace fault
} // namespace onncf
