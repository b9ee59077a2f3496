//===- LrnLut.h - ONNX LRN as NVDLA CDP parameters --------------*- C++ -*-===//
//
// Part of onnc-fault. Designs the CDP registers (onncf/Quant/CdpArith.h)
// that compute ONNX LRN, y = x * (bias + alpha / size * sum x^2)^(-beta),
// on integers of a given input and output scale, for a quant.lrn op
// (onncf/IR/QuantLrn.h); the quantize pass calls it
// (lib/Quant/QuantizeLrn.cpp).
//
// Design: the input converter is off (v = x), so the window's sum of
// squares q is an exact integer in [0, size * 2^(2 * (bits - 1))]. The LUT
// holds l(q) = round(f(q) / fmax * 32767) with f(q) = (bias + alpha / size *
// in_scale^2 * q)^(-beta) and fmax = max f over that range, so l uses the
// full int16 range. Both tables are LINEAR from 0: LINEAR_ONLY has 256
// intervals of the smallest power of two covering the whole range;
// LINEAR_EXP (used as a LINEAR table) has 64 finer intervals where f bends
// most, preferred where it hits, its step picked by measuring the largest
// |LUT(q) - exact(q)| * sqrt(q) (|v| <= sqrt(q)). The output
// converter multiplies v * l by fmax * in_scale / (out_scale * 32767) as an
// int16 multiplier and a right shift.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_LRNLUT_H
#define ONNCF_QUANT_LRNLUT_H

#include "onncf/Quant/CdpArith.h"
#include "llvm/Support/Error.h"

namespace onncf {

struct LrnCdpDesign {
  fixp::CdpParams Params;
  fixp::CdpLut Lut;
};

/// The CDP parameters for ONNX LRN(\p Alpha, \p Beta, \p Bias, \p Size) on
/// \p InBits-bit integers of scale \p InScale giving \p OutBits-bit integers
/// of scale \p OutScale. Errors (size not 3, 5, 7 or 9, bias <= 0,
/// non-finite or non-positive scales, ...) say which parameter is wrong.
llvm::Expected<LrnCdpDesign> designLrnCdp(double Alpha, double Beta,
                                          double Bias, int64_t Size,
                                          double InScale, unsigned InBits,
                                          double OutScale, unsigned OutBits);

/// Float ONNX LRN at one element: \p X is the element, \p SumSq the sum of
/// squares over its window.
double lrnReference(double X, double SumSq, double Alpha, double Beta,
                    double Bias, int64_t Size);

} // namespace onncf

#endif
