//===- Stats.h - Statistics of fault-injection campaigns --------*- C++ -*-===//
//
// Part of onnc-fault. The confidence interval onnc-campaign reports for a
// sweep point, and the deterministic per-run seed derivation, kept in a
// library so unit tests can check them against known values.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_CAMPAIGN_STATS_H
#define ONNCF_CAMPAIGN_STATS_H

#include <cstdint>

namespace onncf {
namespace campaign {

struct Interval {
  double Low = 0, High = 0;
};

/// The Wilson score interval for a binomial proportion: \p Successes hits
/// out of \p Trials, at normal quantile \p Z (1.959963984540054 for 95 %).
/// Zero trials give [0, 1].
Interval wilsonInterval(uint64_t Successes, uint64_t Trials,
                        double Z = 1.959963984540054);

/// SplitMix64 finaliser: a well-mixed 64-bit function of \p X.
uint64_t mix64(uint64_t X);

/// The defect-map seed of map \p K at fault rate \p Rate of a campaign with
/// base seed \p Seed. It depends only on these three (not on the
/// mitigation, the run order or the shard), so every mitigation at a given
/// (rate, k) sees the same chip.
uint64_t mapSeed(uint64_t Seed, double Rate, uint64_t K);

} // namespace campaign
} // namespace onncf

#endif
