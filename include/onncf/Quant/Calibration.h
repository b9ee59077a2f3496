//===- Calibration.h - Clipping thresholds and scales -----------*- C++ -*-===//
//
// Part of onnc-fault. Turns activation histograms into clipping thresholds
// (KL divergence, min-max, percentile) and weights into symmetric scales.
// A threshold T maps to the scale T / (2^(Bits-1) - 1): real = scale * q.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_CALIBRATION_H
#define ONNCF_QUANT_CALIBRATION_H

#include "onncf/Quant/Histogram.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace onncf {

enum class CalibrationMethod { KL, MinMax, Percentile };

struct CalibrationMethodSpec {
  CalibrationMethod Method = CalibrationMethod::KL;
  /// For Percentile: the percentage of |x| kept unclipped, in (0, 100].
  double Percentile = 99.99;
  /// Printable form, e.g. "kl", "minmax", "percentile:99.99".
  std::string str() const;
};

/// Parses "kl", "minmax" or "percentile[:P]" (P in (0, 100], default 99.99).
llvm::Expected<CalibrationMethodSpec> parseCalibrationMethod(llvm::StringRef S);

/// TensorRT-style entropy calibration. For every candidate i in
/// [QuantBins, NumBins]: P = bins[0, i) with the counts beyond folded into
/// bin i-1; Q = bins[0, i) merged into QuantBins groups and spread back
/// evenly over the group's non-empty bins; both smoothed (empty bins get a
/// small epsilon taken from the others) and KL(P || Q) computed. Returns the
/// upper edge i * binWidth of the candidate with the least divergence (the
/// first one on ties). QuantBins is 128 for int8 (the positive levels). If
/// the histogram has no more bins than QuantBins, or is empty, MaxAbs.
double klThreshold(const Histogram &H, unsigned QuantBins = 128);

/// The upper edge of the bin holding the \p Percentile-th percentile of |x|
/// (never above MaxAbs). 100 gives MaxAbs.
double percentileThreshold(const Histogram &H, double Percentile);

/// Max |x|: the whole range, nothing clipped.
inline double minMaxThreshold(const Histogram &H) { return H.getMaxAbs(); }

/// Dispatches on \p Spec. \p Bits is the activation width (8 or 16): KL
/// uses 2^(Bits-1) quantization levels.
double computeThreshold(const Histogram &H, const CalibrationMethodSpec &Spec,
                        unsigned Bits = 8);

/// Symmetric scale of a threshold for \p Bits-bit values:
/// T / (2^(Bits-1) - 1). A zero threshold (an all-zero tensor) gives 1.0:
/// any scale represents zero exactly, and a zero scale would divide by zero.
float scaleForThreshold(double Threshold, unsigned Bits);

enum class WeightGranularity { PerChannel, PerTensor };

/// Symmetric weight scales for \p Bits-bit words (2 <= Bits <= 16):
/// maxabs / (2^(Bits-1) - 1), one per slice along \p Axis (PerChannel; axis
/// 0 is the output channel of Conv OIHW weights) or one for the whole tensor.
/// Errors: bad bits/axis/shape, NaN or infinite weights.
llvm::Expected<std::vector<float>> computeWeightScales(
    llvm::ArrayRef<float> Weights, llvm::ArrayRef<int64_t> Shape, unsigned Bits,
    WeightGranularity G = WeightGranularity::PerChannel, unsigned Axis = 0);

/// The integer words of \p Weights for the scales of computeWeightScales
/// (same shape, granularity and axis): round(w / scale) half away from zero,
/// saturated to \p Bits bits. With those scales the words stay within the
/// symmetric range [-(2^(Bits-1) - 1), 2^(Bits-1) - 1]. Errors: bad bits,
/// shape, axis, scale count or a non-positive scale.
llvm::Expected<std::vector<int32_t>>
quantizeWeights(llvm::ArrayRef<float> Weights, llvm::ArrayRef<int64_t> Shape,
                llvm::ArrayRef<float> Scales, unsigned Bits,
                WeightGranularity G = WeightGranularity::PerChannel,
                unsigned Axis = 0);

} // namespace onncf

#endif
