//===- Calibration.cpp - Clipping thresholds and scales -------------------===//
//
// Part of onnc-fault. Everything here is sequential double arithmetic in a
// fixed order, so the same histogram always gives the same threshold.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/Calibration.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

using namespace llvm;

namespace onncf {

std::string CalibrationMethodSpec::str() const {
  switch (Method) {
  case CalibrationMethod::KL:
    return "kl";
  case CalibrationMethod::MinMax:
    return "minmax";
  case CalibrationMethod::Percentile: {
    char Buf[64];
    std::snprintf(Buf, sizeof(Buf), "percentile:%.15g", Percentile);
    return Buf;
  }
  }
  return "kl";
}

Expected<CalibrationMethodSpec> parseCalibrationMethod(StringRef S) {
  CalibrationMethodSpec Spec;
  if (S == "kl" || S == "entropy") {
    Spec.Method = CalibrationMethod::KL;
    return Spec;
  }
  if (S == "minmax") {
    Spec.Method = CalibrationMethod::MinMax;
    return Spec;
  }
  StringRef Rest = S;
  if (Rest.consume_front("percentile")) {
    Spec.Method = CalibrationMethod::Percentile;
    if (Rest.empty())
      return Spec;
    double P = 0;
    if (Rest.consume_front(":") && !Rest.getAsDouble(P) && P > 0 && P <= 100) {
      Spec.Percentile = P;
      return Spec;
    }
    return makeError("bad percentile in calibration method '" + S +
                     "' (expected percentile:P with 0 < P <= 100)");
  }
  return makeError("unknown calibration method '" + S +
                   "' (expected kl, minmax or percentile[:P])");
}

/// Makes a distribution of counts usable by KL: empty bins get Eps, taken
/// evenly from the non-empty ones so the total is unchanged. Returns false
/// if every bin is empty.
static bool smooth(std::vector<double> &D, size_t N) {
  const double Eps = 0.0001;
  size_t Zeros = 0;
  for (size_t K = 0; K < N; ++K)
    Zeros += D[K] == 0;
  if (Zeros == N)
    return false;
  double Take =
      Eps * static_cast<double>(Zeros) / static_cast<double>(N - Zeros);
  for (size_t K = 0; K < N; ++K)
    D[K] = D[K] == 0 ? Eps : D[K] - Take;
  return true;
}

/// KL(P || Q) of two smoothed, unnormalized distributions of N bins.
static double klDivergence(const std::vector<double> &P,
                           const std::vector<double> &Q, size_t N) {
  double SP = 0, SQ = 0;
  for (size_t K = 0; K < N; ++K) {
    SP += P[K];
    SQ += Q[K];
  }
  double D = 0;
  for (size_t K = 0; K < N; ++K) {
    double PK = P[K] / SP, QK = Q[K] / SQ;
    if (PK > 0)
      D += PK * std::log(PK / QK);
  }
  return D;
}

/// Point masses (one value repeated many times) flattened to the level of
/// their neighbourhood. A constant region of an image (the black background
/// of Fashion-MNIST) makes a convolution output exactly relu(bias) there, so
/// a channel's histogram gets a spike at that value holding a large share of
/// all samples. KL compares P and Q bin by bin and Q spreads each level's
/// mass evenly, so a spike dominates the divergence: the minimum lands on
/// the candidate that isolates the spike (LeNet-5's first layer: a
/// threshold of 0.23 for a range of 1.86, clipping a fifth of the nonzero
/// values, 8.9 points of accuracy lost). Quantization maps a point mass to a
/// single level whatever the threshold, so it carries no information about
/// where to clip. A bin is a spike when it holds more than SpikeRatio times
/// the mean of the SpikeWindow bins on each side; it is lowered to that
/// bound. Isolated bins (empty neighbourhood: outliers) and smooth peaks
/// (neighbours of similar height) are left as they are.
static std::vector<uint64_t> flattenPointMasses(ArrayRef<uint64_t> C) {
  constexpr size_t SpikeWindow = 8;
  constexpr uint64_t SpikeRatio = 8;
  const size_t N = C.size();
  std::vector<uint64_t> Prefix(N + 1, 0);
  for (size_t K = 0; K < N; ++K)
    Prefix[K + 1] = Prefix[K] + C[K];
  std::vector<uint64_t> Out(C.begin(), C.end());
  for (size_t K = 0; K < N; ++K) {
    size_t Lo = K >= SpikeWindow ? K - SpikeWindow : 0;
    size_t Hi = std::min(N, K + SpikeWindow + 1);
    uint64_t Neighbours = Prefix[Hi] - Prefix[Lo] - C[K];
    uint64_t Count = Hi - Lo - 1;
    if (Neighbours == 0 || Count == 0)
      continue;
    // C[K] > SpikeRatio * Neighbours / Count, in integers (exact).
    if (C[K] * Count > SpikeRatio * Neighbours)
      Out[K] = SpikeRatio * Neighbours / Count;
  }
  return Out;
}

double klThreshold(const Histogram &H, unsigned QuantBins) {
  const size_t N = H.getNumBins();
  if (QuantBins == 0 || N <= QuantBins || H.getTotalCount() == 0 ||
      !(H.getBinWidth() > 0))
    return H.getMaxAbs();
  const std::vector<uint64_t> Flattened = flattenPointMasses(H.getCounts());
  ArrayRef<uint64_t> C = Flattened;

  // Suffix sums: the outliers beyond candidate i are Suffix[i].
  std::vector<uint64_t> Suffix(N + 1, 0);
  for (size_t K = N; K-- > 0;)
    Suffix[K] = Suffix[K + 1] + C[K];

  std::vector<double> P(N), Q(N);
  double Best = std::numeric_limits<double>::infinity();
  size_t BestI = N;
  for (size_t I = QuantBins; I <= N; ++I) {
    for (size_t K = 0; K < I; ++K)
      P[K] = static_cast<double>(C[K]);
    P[I - 1] += static_cast<double>(Suffix[I]);

    // Q: the unclipped bins merged into QuantBins groups (the last takes the
    // remainder), each group's mass spread over its non-empty bins.
    const size_t Merged = I / QuantBins;
    for (size_t J = 0; J < QuantBins; ++J) {
      size_t Start = J * Merged;
      size_t Stop = J + 1 == QuantBins ? I : Start + Merged;
      uint64_t Sum = 0, NonZero = 0;
      for (size_t K = Start; K < Stop; ++K) {
        Sum += C[K];
        NonZero += C[K] != 0;
      }
      double Avg = NonZero ? static_cast<double>(Sum) / NonZero : 0.0;
      for (size_t K = Start; K < Stop; ++K)
        Q[K] = C[K] != 0 ? Avg : 0.0;
    }
    if (!smooth(P, I) || !smooth(Q, I))
      continue;
    double D = klDivergence(P, Q, I);
    if (D < Best) {
      Best = D;
      BestI = I;
    }
  }
  double T = static_cast<double>(BestI) * H.getBinWidth();
  return std::fmin(T, static_cast<double>(H.getMaxAbs()));
}

double percentileThreshold(const Histogram &H, double Percentile) {
  if (Percentile >= 100 || H.getTotalCount() == 0)
    return H.getMaxAbs();
  double Target = Percentile / 100.0 * static_cast<double>(H.getTotalCount());
  ArrayRef<uint64_t> C = H.getCounts();
  uint64_t Cum = 0;
  for (size_t K = 0; K < C.size(); ++K) {
    Cum += C[K];
    if (static_cast<double>(Cum) >= Target)
      return std::fmin(static_cast<double>(K + 1) * H.getBinWidth(),
                       static_cast<double>(H.getMaxAbs()));
  }
  return H.getMaxAbs();
}

double computeThreshold(const Histogram &H, const CalibrationMethodSpec &Spec,
                        unsigned Bits) {
  switch (Spec.Method) {
  case CalibrationMethod::KL:
    return klThreshold(H, static_cast<unsigned>(fixp::intMax(Bits) + 1));
  case CalibrationMethod::MinMax:
    return minMaxThreshold(H);
  case CalibrationMethod::Percentile:
    return percentileThreshold(H, Spec.Percentile);
  }
  return minMaxThreshold(H);
}

float scaleForThreshold(double Threshold, unsigned Bits) {
  if (!(Threshold > 0) || !std::isfinite(Threshold))
    return 1.0f;
  return static_cast<float>(Threshold /
                            static_cast<double>(fixp::intMax(Bits)));
}

namespace {
/// A weight tensor viewed as [Outer, Channels, Inner] around the channel
/// axis (Channels = 1 and Inner = all for per-tensor).
struct WeightLayout {
  uint64_t Outer = 1, Channels = 1, Inner = 1;
};
} // namespace

static Expected<WeightLayout> checkWeights(ArrayRef<float> Weights,
                                           ArrayRef<int64_t> Shape,
                                           unsigned Bits, WeightGranularity G,
                                           unsigned Axis) {
  if (Bits < 2 || Bits > 16)
    return makeError("weight bits must be in 2..16, got " + Twine(Bits));
  uint64_t Elems = 1;
  for (int64_t D : Shape) {
    if (D < 0)
      return makeError("weight shape has a negative dimension");
    Elems *= static_cast<uint64_t>(D);
  }
  if (Elems != Weights.size())
    return makeError("weight shape has " + Twine(Elems) + " elements but " +
                     Twine(static_cast<uint64_t>(Weights.size())) +
                     " values were given");
  for (size_t I = 0; I < Weights.size(); ++I)
    if (!std::isfinite(Weights[I]))
      return makeError("non-finite weight at element " +
                       Twine(static_cast<uint64_t>(I)));
  WeightLayout L;
  if (G == WeightGranularity::PerTensor) {
    L.Inner = Elems;
    return L;
  }
  if (Axis >= Shape.size())
    return makeError("per-channel axis " + Twine(Axis) +
                     " out of range for a weight of rank " +
                     Twine(static_cast<uint64_t>(Shape.size())));
  for (unsigned D = 0; D < Axis; ++D)
    L.Outer *= Shape[D];
  for (size_t D = Axis + 1; D < Shape.size(); ++D)
    L.Inner *= Shape[D];
  L.Channels = Shape[Axis];
  return L;
}

Expected<std::vector<float>>
computeWeightScales(ArrayRef<float> Weights, ArrayRef<int64_t> Shape,
                    unsigned Bits, WeightGranularity G, unsigned Axis) {
  Expected<WeightLayout> L = checkWeights(Weights, Shape, Bits, G, Axis);
  if (!L)
    return L.takeError();
  std::vector<float> MaxAbs(L->Channels, 0.0f);
  for (uint64_t O = 0; O < L->Outer; ++O)
    for (uint64_t Ch = 0; Ch < L->Channels; ++Ch) {
      const float *Row = Weights.data() + (O * L->Channels + Ch) * L->Inner;
      for (uint64_t K = 0; K < L->Inner; ++K)
        MaxAbs[Ch] = std::fmax(MaxAbs[Ch], std::fabs(Row[K]));
    }
  std::vector<float> Scales(L->Channels);
  for (uint64_t Ch = 0; Ch < L->Channels; ++Ch)
    Scales[Ch] = scaleForThreshold(MaxAbs[Ch], Bits);
  return Scales;
}

Expected<std::vector<int32_t>>
quantizeWeights(ArrayRef<float> Weights, ArrayRef<int64_t> Shape,
                ArrayRef<float> Scales, unsigned Bits, WeightGranularity G,
                unsigned Axis) {
  Expected<WeightLayout> L = checkWeights(Weights, Shape, Bits, G, Axis);
  if (!L)
    return L.takeError();
  if (Scales.size() != L->Channels)
    return makeError("expected " + Twine(L->Channels) + " weight scales, got " +
                     Twine(static_cast<uint64_t>(Scales.size())));
  for (float S : Scales)
    if (!(S > 0) || !std::isfinite(S))
      return makeError("weight scales must be positive and finite");
  std::vector<int32_t> Q(Weights.size());
  for (uint64_t O = 0; O < L->Outer; ++O)
    for (uint64_t Ch = 0; Ch < L->Channels; ++Ch) {
      uint64_t Base = (O * L->Channels + Ch) * L->Inner;
      for (uint64_t K = 0; K < L->Inner; ++K)
        Q[Base + K] = static_cast<int32_t>(
            fixp::quantize(Weights[Base + K], Scales[Ch], Bits));
    }
  return Q;
}

} // namespace onncf
