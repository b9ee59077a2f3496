//===- SignBit.cpp - Weight clamping for sign-bit substitution ------------===//
//
// Part of onnc-fault. Seed 000's sign-bit substitution replaces a known
// faulty bit k by bit Q-1 at read time; it is exact for values whose bits
// k..Q-1 all equal the sign. Our extension (ALGORITHMS.md) clamps each
// stored weight into that range at compile time so the substitution loses
// nothing but the clamp.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Mitigation.h"

namespace onncf {
namespace fault {

uint64_t encodeSignBitClamp(int64_t W, const WordFaults &F,
                            const WordFormat &Fmt) {
  const unsigned Sign = Fmt.Bits - 1;
  uint64_t K = F.defective() & Fmt.mask() & ~(uint64_t(1) << Sign);
  if (!K)
    return Fmt.toPattern(W);
  const unsigned Low = unsigned(__builtin_ctzll(K));
  const int64_t Half = int64_t(1) << Low;
  if (Fmt.Signed)
    return Fmt.toPattern(W < -Half ? -Half : (W > Half - 1 ? Half - 1 : W));
  // Unsigned view: bits Low..Q-1 all 0 ([0, 2^k-1]) or all 1
  // ([2^Q-2^k, 2^Q-1]); a value between goes to the nearer end (ties to
  // the lower one).
  const int64_t LowEnd = Half - 1, HighEnd = int64_t(Fmt.mask()) + 1 - Half;
  if (W <= LowEnd || W >= HighEnd)
    return Fmt.toPattern(W);
  return Fmt.toPattern(W - LowEnd <= HighEnd - W ? LowEnd : HighEnd);
}

} // namespace fault
} // namespace onncf
