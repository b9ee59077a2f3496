//===- Histogram.h - Activation histograms for calibration ------*- C++ -*-===//
//
// Part of onnc-fault. Per-tensor histograms of |x| (2048 bins by default)
// from which the calibration thresholds are chosen.
//
// Determinism design: calibration runs in TWO passes over the same data.
// Pass 1 folds every value into the tensor's maximum |x| (updateAbsMax: a max
// is exact and independent of order). Pass 2 bins the values into a histogram
// whose range [0, MaxAbs] is fixed before any value is counted. Counts are
// integers, so partial histograms (one per thread or per batch) merge
// associatively and commutatively. The result is therefore bit-identical
// whatever the batching, the thread count and even the order of the data.
// (A histogram whose range grows when a batch exceeds it must re-bin counts
// that were already merged, and the result then depends on when the growth
// happened; we avoid that rather than document it.)
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_HISTOGRAM_H
#define ONNCF_QUANT_HISTOGRAM_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {

/// Pass 1: raises \p MaxAbs to the largest |x| of \p Data. A NaN or infinite
/// value is an error naming its index (calibration data must be finite).
llvm::Error updateAbsMax(float &MaxAbs, llvm::ArrayRef<float> Data);

/// Pass 2: counts of |x| in NumBins equal bins over [0, MaxAbs]. Bin i holds
/// |x| in [i * W, (i + 1) * W) with W = MaxAbs / NumBins; the last bin also
/// holds MaxAbs itself and anything beyond it (counted in overflowCount()).
class Histogram {
public:
  static constexpr unsigned DefaultNumBins = 2048;

  /// \p MaxAbs must be finite and >= 0; NumBins >= 1. A zero range puts
  /// every value in bin 0.
  explicit Histogram(float MaxAbs, unsigned NumBins = DefaultNumBins);

  /// Counts the values of \p Data. NaN or infinity is an error (nothing of
  /// this call is counted then).
  llvm::Error add(llvm::ArrayRef<float> Data);
  /// Adds another histogram's counts; it must have the same range and bins.
  llvm::Error merge(const Histogram &Other);

  float getMaxAbs() const { return MaxAbs; }
  unsigned getNumBins() const { return static_cast<unsigned>(Counts.size()); }
  /// Width of one bin (0 for a zero range).
  double getBinWidth() const { return Width; }
  llvm::ArrayRef<uint64_t> getCounts() const { return Counts; }
  uint64_t getTotalCount() const { return Total; }
  /// Values above MaxAbs seen by add() (data differing from pass 1).
  uint64_t getOverflowCount() const { return Overflow; }
  /// Bin index of a finite value (|X| is binned).
  unsigned binIndex(float X) const;

  bool operator==(const Histogram &O) const {
    return MaxAbs == O.MaxAbs && Counts == O.Counts && Total == O.Total &&
           Overflow == O.Overflow;
  }

private:
  float MaxAbs;
  double Width;
  std::vector<uint64_t> Counts;
  uint64_t Total = 0;
  uint64_t Overflow = 0;
};

} // namespace onncf

#endif
