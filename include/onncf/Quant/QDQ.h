//===- QDQ.h - quant.* graph -> standard ONNX QDQ form ----------*- C++ -*-===//
//
// Part of onnc-fault. Rewrites a quantized graph (onncf/IR/QuantOps.h) into
// onnx.* ops only, in the QDQ style onnxruntime and Netron understand:
// integer activations become QuantizeLinear/DequantizeLinear pairs around the
// float ops, integer weights DequantizeLinear of int8 initializers (per-axis
// scales). The ONNX exporter then writes it as a standard model
// (`onnc-fault --emit=onnx`). Activations keep their declared scales; the
// weights' and biases' scales are the ones the integer multipliers imply,
// and the roundings the SDP/PDP add (B of quant.add in A's units, the two
// reciprocal steps of quant.avgpool, ties away from zero) are spelled out,
// so a runtime computing the QDQ graph in float reproduces our integers
// (lib/Quant/QDQ.cpp says how).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_QDQ_H
#define ONNCF_QUANT_QDQ_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace onncf {

class Graph;

/// Rewrites \p G in place; errors name an op that has no QDQ form.
llvm::Error lowerQuantToQDQ(Graph &G);

/// Lowers a copy of \p G (left unchanged) with lowerQuantToQDQ and writes it
/// atomically to \p Path as an ONNX model: opset 13, or 21 when the graph
/// has int16 activations (int16 QuantizeLinear; onnxruntime >= 1.17 runs
/// it, the onnx package's checker needs version >= 1.15 to accept it).
llvm::Error exportQDQModel(const Graph &G, llvm::StringRef Path);

} // namespace onncf

#endif
