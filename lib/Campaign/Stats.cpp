//===- Stats.cpp - Statistics of fault-injection campaigns ----------------===//
//
// Part of onnc-fault. See onncf/Campaign/Stats.h.
//
//===----------------------------------------------------------------------===//
#include "onncf/Campaign/Stats.h"
#include <algorithm>
#include <cmath>
#include <cstring>

namespace onncf {
namespace campaign {

Interval wilsonInterval(uint64_t Successes, uint64_t Trials, double Z) {
  if (Trials == 0)
    return {0.0, 1.0};
  double N = double(Trials);
  double P = double(Successes) / N;
  double Z2 = Z * Z;
  double Denom = 1 + Z2 / N;
  double Centre = (P + Z2 / (2 * N)) / Denom;
  double Half = Z * std::sqrt(P * (1 - P) / N + Z2 / (4 * N * N)) / Denom;
  // Rounding can push the bounds a hair outside [0, 1] at p = 0 or 1.
  return {std::max(0.0, Centre - Half), std::min(1.0, Centre + Half)};
}

uint64_t mix64(uint64_t X) {
  X += 0x9e3779b97f4a7c15ULL;
  X = (X ^ (X >> 30)) * 0xbf58476d1ce4e5b9ULL;
  X = (X ^ (X >> 27)) * 0x94d049bb133111ebULL;
  return X ^ (X >> 31);
}

uint64_t mapSeed(uint64_t Seed, double Rate, uint64_t K) {
  uint64_t RateBits;
  static_assert(sizeof(RateBits) == sizeof(Rate), "double is 64-bit");
  std::memcpy(&RateBits, &Rate, sizeof(Rate));
  return mix64(mix64(mix64(Seed) ^ RateBits) ^ K);
}

} // namespace campaign
} // namespace onncf
