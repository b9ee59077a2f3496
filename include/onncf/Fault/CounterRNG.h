//===- CounterRNG.h - Counter-based random numbers for fault maps -*- C++ -*-=//
//
// Part of onnc-fault. A procedural defect map never stores its faults: the
// fault of cell (memory, row, bit) is a pure function of (seed, memory,
// row, bit), so any cell can be asked for in any order, by any thread, and
// the answer never changes. The function is SplitMix64's finaliser chained
// over the counter words (a stateless hash in the spirit of Philox/Threefry:
// every output bit depends on every input bit).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_COUNTERRNG_H
#define ONNCF_FAULT_COUNTERRNG_H

#include "llvm/ADT/StringRef.h"
#include <cmath>
#include <cstdint>

namespace onncf {
namespace fault {

/// SplitMix64's output function: a bijection of 64-bit words with full
/// avalanche.
inline uint64_t splitMix64(uint64_t X) {
  X += 0x9E3779B97F4A7C15ULL;
  X = (X ^ (X >> 30)) * 0xBF58476D1CE4E5B9ULL;
  X = (X ^ (X >> 27)) * 0x94D049BB133111EBULL;
  return X ^ (X >> 31);
}

/// The key of stream \p Stream under \p Seed (the first half of
/// counterHash, shared by every counter of the stream).
inline uint64_t counterStreamKey(uint64_t Seed, uint64_t Stream) {
  return splitMix64(Seed ^ splitMix64(Stream));
}
/// The key of counter word \p A in a stream (shared by every B).
inline uint64_t counterRowKey(uint64_t StreamKey, uint64_t A) {
  return splitMix64(StreamKey ^ A);
}
/// The random word of counter (A, B) from its row key.
inline uint64_t counterFinish(uint64_t RowKey, uint64_t B) {
  return splitMix64(RowKey ^ (B * 0xD6E8FEB86659FD93ULL));
}

/// The random word of counter (Stream, A, B) under \p Seed.
inline uint64_t counterHash(uint64_t Seed, uint64_t Stream, uint64_t A,
                            uint64_t B) {
  return counterFinish(counterRowKey(counterStreamKey(Seed, Stream), A), B);
}

/// A stable 64-bit name hash (FNV-1a), so a memory's stream depends on its
/// name and not on its position in a file.
inline uint64_t stableNameHash(llvm::StringRef S) {
  uint64_t H = 0xCBF29CE484222325ULL;
  for (unsigned char C : S)
    H = (H ^ C) * 0x100000001B3ULL;
  return H;
}

/// The threshold T with P(hash < T) = \p P for a uniform 64-bit hash
/// (exact to 2^-64; P >= 1 is "always", P <= 0 "never").
inline uint64_t probabilityThreshold(double P) {
  if (!(P > 0))
    return 0;
  if (P >= 1)
    return ~uint64_t(0);
  return uint64_t(std::ldexp(P, 64));
}

} // namespace fault
} // namespace onncf

#endif
