//===- Histogram.cpp - Activation histograms for calibration --------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/Histogram.h"
#include "onncf/Support/Diagnostics.h"
#include <cassert>
#include <cmath>

using namespace llvm;

namespace onncf {

static Error checkFinite(ArrayRef<float> Data) {
  for (size_t I = 0, E = Data.size(); I != E; ++I)
    if (!std::isfinite(Data[I]))
      return makeError(Twine(std::isnan(Data[I]) ? "NaN" : "infinite value") +
                       " at element " + Twine(static_cast<uint64_t>(I)));
  return Error::success();
}

Error updateAbsMax(float &MaxAbs, ArrayRef<float> Data) {
  if (Error E = checkFinite(Data))
    return E;
  float M = MaxAbs;
  for (float V : Data)
    M = std::fmax(M, std::fabs(V));
  MaxAbs = M;
  return Error::success();
}

Histogram::Histogram(float MaxAbs, unsigned NumBins)
    : MaxAbs(MaxAbs), Counts(NumBins ? NumBins : 1, 0) {
  assert(std::isfinite(MaxAbs) && MaxAbs >= 0 && "bad histogram range");
  // Computed once in double so every value is binned with the same divisor.
  Width = static_cast<double>(MaxAbs) / static_cast<double>(Counts.size());
}

unsigned Histogram::binIndex(float X) const {
  double A = std::fabs(static_cast<double>(X));
  const unsigned Last = static_cast<unsigned>(Counts.size()) - 1;
  if (!(Width > 0))
    return 0;
  double Q = A / Width;
  return Q >= static_cast<double>(Last) ? Last : static_cast<unsigned>(Q);
}

Error Histogram::add(ArrayRef<float> Data) {
  if (Error E = checkFinite(Data))
    return E;
  for (float V : Data) {
    ++Counts[binIndex(V)];
    if (std::fabs(V) > MaxAbs)
      ++Overflow;
  }
  Total += Data.size();
  return Error::success();
}

Error Histogram::merge(const Histogram &Other) {
  if (Other.MaxAbs != MaxAbs || Other.Counts.size() != Counts.size())
    return makeError("cannot merge histograms with different ranges or bins");
  for (size_t I = 0, E = Counts.size(); I != E; ++I)
    Counts[I] += Other.Counts[I];
  Total += Other.Total;
  Overflow += Other.Overflow;
  return Error::success();
}

} // namespace onncf
