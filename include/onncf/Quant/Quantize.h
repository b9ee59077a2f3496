//===- Quantize.h - Float graph -> quant.* integer graph --------*- C++ -*-===//
//
// Part of onnc-fault. The quantize pass rewrites a canonical float graph
// (after the `default` pipeline: BatchNormalization folded, Gemm/MatMul in
// normal form) into the integer ops of onncf/IR/QuantOps.h, using activation
// scales from a CalibrationTable keyed by value name. The result depends only
// on the graph, the table entries and the options, so a table written by one
// run reproduces the same quantized graph bit for bit.
//
// The table's `scale` is the int8 scale T / 127 of threshold T (NVIDIA's
// convention); for 16-bit activations the pass uses T / 32767 with
// T = scale * 127.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_QUANTIZE_H
#define ONNCF_QUANT_QUANTIZE_H

#include "onncf/Quant/Calibration.h"
#include "llvm/Support/Error.h"

namespace onncf {

class Graph;
class CalibrationTable;

struct QuantizeOptions {
  /// Activation width: 8 or 16.
  unsigned ActivationBits = 8;
  /// Weight word width, 2..16 (symmetric: [-(2^(N-1)-1), 2^(N-1)-1]).
  unsigned WeightBits = 8;
  WeightGranularity Weights = WeightGranularity::PerChannel;
};

/// Parses "int8" / "int16" (the --quantize= values) into activation bits.
llvm::Expected<unsigned> parseQuantizeMode(llvm::StringRef S);

/// Rewrites \p G in place. Every quantized value keeps its float value's
/// name; graph inputs and outputs keep their names and float types (a
/// quant.quantize follows each input, a quant.dequantize precedes each
/// output). Errors name the value missing from the table or the op that
/// cannot be quantized and why.
llvm::Error quantizeGraph(Graph &G, const CalibrationTable &Table,
                          const QuantizeOptions &Opts);

/// Registers the `quantize` pass (options: table=FILE, bits=8|16,
/// weight-bits=N, per-tensor=0|1) with the pass registry, so onnc-opt and
/// lit tests can run it on text IR.
void registerQuantizePass();

} // namespace onncf

#endif
