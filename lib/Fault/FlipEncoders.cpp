//===- FlipEncoders.cpp - LSB and Count-One approximation -----------------===//
//
// Part of onnc-fault. Seed 001, Algorithms 2 and 3: flip the whole word when
// its leftmost defect is non-silent, Add/Sub the leftmost defect that is
// still non-silent, then record the flip in the LSB (Decoder::LSB) or in the
// parity of the word (Decoder::C1). We follow the algorithm text (C-1 also
// tries the opposite initial flip, see encodeC1); where the
// paper's figure 4(b) disagrees (76 with sa0 at b6 and sa1 at b3: the figure
// shows 70, the text stores 175 which decodes to 80, nearer to 76) the text
// wins, and encodeOptimal confirms 80 is the best LSB-decodable value.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Mitigation.h"

namespace onncf {
namespace fault {

/// Index of the leftmost defect, or -1.
static int leftmostDefect(const WordFaults &F) {
  return F.defective() ? 63 - __builtin_clzll(F.defective()) : -1;
}

uint64_t encodeLSB(int64_t W, const WordFaults &FIn, const WordFormat &Fmt) {
  const WordFaults F = FIn.truncated(Fmt.Bits);
  const uint64_t M = Fmt.mask();
  // The decoded LSB is always 0 (it carries the flag), so the value kept is
  // a (Q-1)-bit one. The text just overwrites b0 with the flag, which
  // rounds every odd value down (towards -infinity in the signed view): a
  // bias shared by all weights of a layer. Rounding odd values towards zero
  // first keeps the worked examples (their values are even or handled by
  // the flip) and makes the rounding unbiased.
  if (W & 1)
    W += W > 0 ? -1 : 1;
  uint64_t P = Fmt.toPattern(W);
  uint64_t Flipped = 0;
  int L = leftmostDefect(F);
  bool LSBFaultFree = (F.defective() & 1) == 0;
  if (LSBFaultFree && L >= 0 && ((F.nonSilent(P) >> L) & 1)) {
    P = ~P & M; // lines 3-5
    Flipped = 1;
  } else if (F.Sa1 & 1) {
    P = (~P & M & ~uint64_t(1)) | (P & 1); // lines 6-8: bits Q-1..1
    Flipped = 1;
  }
  if (F.nonSilent(P) & M) // lines 9-10
    P = addSubStep(P, F, Fmt);
  return (P & ~uint64_t(1)) | Flipped; // line 11
}

/// Algorithm 3 with the initial flip decided by \p FlipFirst: the text
/// flips when the leftmost defect is non-silent.
static uint64_t c1Candidate(uint64_t P, const WordFaults &F,
                            const WordFormat &Fmt, bool FlipFirst) {
  const uint64_t M = Fmt.mask();
  if (FlipFirst)
    P = ~P & M; // lines 3-5
  if (F.nonSilent(P) & M) // lines 6-7
    P = addSubStep(P, F, Fmt);
  if (bool(countOnes(P) & 1) != FlipFirst) { // lines 8-9
    uint64_t Free = M & ~F.defective();
    if (Free)
      P ^= Free & (~Free + 1); // the rightmost fault-free bit
  }
  return P;
}

uint64_t encodeC1(int64_t W, const WordFaults &FIn, const WordFormat &Fmt) {
  const WordFaults F = FIn.truncated(Fmt.Bits);
  const uint64_t P = Fmt.toPattern(W);
  int L = leftmostDefect(F);
  bool TextFlips = L >= 0 && ((F.nonSilent(P) >> L) & 1);
  // The text's parity fix changes the value whenever the parity disagrees,
  // even for a fault-free word with an odd number of ones: half of all
  // words would lose an LSB although storing ~W (odd parity for even Q)
  // decodes to W exactly. The same steps with the other initial flip are
  // the read hardware's other half, so both are tried and the nearer
  // decoded value wins (ties: the text's word).
  uint64_t Text = c1Candidate(P, F, Fmt, TextFlips);
  uint64_t Other = c1Candidate(P, F, Fmt, !TextFlips);
  uint64_t DText = deviation(decodeStored(Text, F, Decoder::C1, Fmt), W);
  uint64_t DOther = deviation(decodeStored(Other, F, Decoder::C1, Fmt), W);
  return DOther < DText ? Other : Text;
}

} // namespace fault
} // namespace onncf
