//===- LrnLut.cpp - ONNX LRN as NVDLA CDP parameters ----------------------===//
//
// Part of onnc-fault. See onncf/Quant/LrnLut.h for the table design.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/LrnLut.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"
#include <algorithm>
#include <cmath>
#include <vector>

using namespace llvm;

namespace onncf {

double lrnReference(double X, double SumSq, double Alpha, double Beta,
                    double Bias, int64_t Size) {
  return X * std::pow(Bias + Alpha / double(Size) * SumSq, -Beta);
}

Expected<LrnCdpDesign> designLrnCdp(double Alpha, double Beta, double Bias,
                                    int64_t Size, double InScale,
                                    unsigned InBits, double OutScale,
                                    unsigned OutBits) {
  auto Bad = [](const Twine &Msg) { return makeError("LRN on CDP: " + Msg); };
  if (Size < 3 || Size > 9 || Size % 2 == 0)
    return Bad("size " + Twine(Size) + " is not 3, 5, 7 or 9");
  if (!(Bias > 0) || !std::isfinite(Bias))
    return Bad("bias " + Twine(std::to_string(Bias)) + " is not positive");
  if (!(Alpha >= 0) || !std::isfinite(Alpha))
    return Bad("alpha " + Twine(std::to_string(Alpha)) +
               " is not a non-negative number");
  if (!std::isfinite(Beta))
    return Bad("beta is not finite");
  if (!(InScale > 0) || !std::isfinite(InScale) || !(OutScale > 0) ||
      !std::isfinite(OutScale))
    return Bad("input scale " + Twine(std::to_string(InScale)) +
               " / output scale " + Twine(std::to_string(OutScale)) +
               " are not positive");
  if ((InBits != 8 && InBits != 16) || (OutBits != 8 && OutBits != 16))
    return Bad("widths must be 8 or 16");

  double K = Alpha / double(Size) * InScale * InScale;
  auto F = [&](double Q) { return std::pow(Bias + K * Q, -Beta); };
  double Half = std::ldexp(1.0, int(InBits) - 1);
  double MaxQ = double(Size) * Half * Half;
  // f is monotone on [0, MaxQ]: its largest value is at an end.
  double FMax = std::max(F(0), F(MaxQ));
  if (!(FMax > 0) || !std::isfinite(FMax))
    return Bad("(bias + alpha/size * s)^(-beta) is not finite on the input "
               "range");
  auto L = [&](double Q) {
    return int16_t(fixp::roundToInt(F(Q) / FMax * 32767.0, 16));
  };

  LrnCdpDesign D;
  fixp::CdpLut &T = D.Lut;
  // LINEAR_ONLY: 256 intervals of 2^FracBits from 0, the smallest that
  // cover the whole input range.
  unsigned LoBits = 0;
  while (std::ldexp(256.0, int(LoBits)) < MaxQ)
    ++LoBits;
  for (unsigned I = 0; I <= 256; ++I)
    T.LoTable[I] = L(std::ldexp(double(I), int(LoBits)));
  T.LoOffset = int8_t(LoBits);
  T.LoStart = 0;
  T.LoEnd = int64_t(256) << LoBits;
  // LINEAR_EXP as a second LINEAR table: 64 finer intervals from 0 where f
  // bends most, preferred where it hits (hybrid priority 0). Its step is
  // chosen by measuring: the output error of an element is about
  // |LUT(q) - exact(q)| * |v| with |v| <= sqrt(q), so pick the step that
  // minimises the largest such product over the sums of squares.
  T.Method = 1;
  T.LeStart = 0;
  T.HybridPriority = false;
  T.UnderflowPriority = true;
  T.OverflowPriority = true;
  int64_t EvalMax = int64_t(std::min(MaxQ, std::ldexp(1.0, 18)));
  std::vector<double> Exact(size_t(EvalMax) + 1);
  for (int64_t Q = 0; Q <= EvalMax; ++Q)
    Exact[size_t(Q)] = F(double(Q)) / FMax * 32767.0;
  double BestErr = INFINITY;
  unsigned BestBits = 0;
  for (unsigned LeBits = 0; LeBits <= LoBits; ++LeBits) {
    for (unsigned I = 0; I <= 64; ++I)
      T.LeTable[I] = L(std::ldexp(double(I), int(LeBits)));
    T.LeOffset = int8_t(LeBits);
    T.LeEnd = int64_t(64) << LeBits;
    double Err = 0;
    for (int64_t Q = 0; Q <= EvalMax; ++Q)
      Err = std::max(
          Err, std::abs(double(fixp::cdpLutLookup(T, Q)) - Exact[size_t(Q)]) *
                   std::min(std::sqrt(double(Q)), Half));
    if (Err < BestErr) {
      BestErr = Err;
      BestBits = LeBits;
    }
  }
  for (unsigned I = 0; I <= 64; ++I)
    T.LeTable[I] = L(std::ldexp(double(I), int(BestBits)));
  T.LeOffset = int8_t(BestBits);
  T.LeEnd = int64_t(64) << BestBits;
  // Slopes stay 0: beyond the tables the end entries hold.

  fixp::CdpParams &P = D.Params;
  P.LocalSize = unsigned(Size);
  P.OutBits = OutBits;
  P.InCvt.Enable = false;
  fixp::MultiplierShift MS = fixp::computeMultiplierShift(
      FMax * InScale / (OutScale * 32767.0), 16, 63);
  if (MS.Multiplier == 0)
    return Bad("output scale " + Twine(std::to_string(OutScale)) +
               " is too large for the input scale " +
               Twine(std::to_string(InScale)));
  P.OutCvt.Enable = true;
  P.OutCvt.Scale = MS.Multiplier;
  P.OutCvt.Truncate = uint8_t(MS.Shift);
  P.OutCvt.Offset = 0;
  return D;
}

} // namespace onncf
