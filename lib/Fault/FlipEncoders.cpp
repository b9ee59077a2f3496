//===- FlipEncoders.cpp - LSB and Count-One approximation -----------------===//
//
// Part of onnc-fault. Seed 001, Algorithms 2 and 3: flip the whole word when
// its leftmost defect is non-silent, Add/Sub the leftmost defect that is
// still non-silent, then record the flip in the LSB (Decoder::LSB) or in the
// parity of the word (Decoder::C1). We follow the algorithm text; where the
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

uint64_t encodeC1(int64_t W, const WordFaults &FIn, const WordFormat &Fmt) {
  const WordFaults F = FIn.truncated(Fmt.Bits);
  const uint64_t M = Fmt.mask();
  uint64_t P = Fmt.toPattern(W);
  bool Odd = false;
  int L = leftmostDefect(F);
  if (L >= 0 && ((F.nonSilent(P) >> L) & 1)) {
    P = ~P & M; // lines 3-5
    Odd = true;
  }
  if (F.nonSilent(P) & M) // lines 6-7
    P = addSubStep(P, F, Fmt);
  if (bool(countOnes(P) & 1) != Odd) { // lines 8-9
    uint64_t Free = M & ~F.defective();
    if (Free)
      P ^= Free & (~Free + 1); // the rightmost fault-free bit
  }
  return P;
}

} // namespace fault
} // namespace onncf
