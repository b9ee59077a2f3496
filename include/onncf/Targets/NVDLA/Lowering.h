//===- Lowering.h - The NVDLA backend passes --------------------*- C++ -*-===//
//
// Part of onnc-fault. The three stages of `-march=nvdla-*`:
//  1. lowerToNvdla: quant.* (+ the value-moving onnx.* ops) -> nvdla.*
//     (NvdlaOps.h), same arithmetic bit for bit; an op the config cannot run
//     is an error naming the node, the op and the config.
//  2. planNvdla: weight packing into one "weights" blob, per-conv CBUF bank
//     split, activation buffers with liveness-based reuse; results are
//     attributes of the nvdla.* ops.
//  3. emitLoadable: firmware descriptors, dependency graph, memories,
//     tensor descriptors and the onncf.io blob, written by LoadableWriter.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_LOWERING_H
#define ONNCF_TARGETS_NVDLA_LOWERING_H

#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
class Graph;
class Op;
class Value;

namespace nvdla {
struct NvdlaConfig;

llvm::Error lowerToNvdla(Graph &G, const NvdlaConfig &Cfg);
/// Like lowerToNvdla; with \p AllowCpuFallback (onnc-fault
/// --allow-cpu-fallback) the ops \p Cfg cannot run (quant.add without
/// SDP EW) are marked "emu" 1 and run as EMU1 tasks instead of failing.
llvm::Error lowerToNvdla(Graph &G, const NvdlaConfig &Cfg,
                         bool AllowCpuFallback);
llvm::Error planNvdla(Graph &G, const NvdlaConfig &Cfg);
/// Fault-aware compilation: the weight placement on the QUANT graph
/// (before lowerToNvdla): wmem_offset (= the weight_offset planNvdla will
/// give), wmem_words, wmem_layout "nvdla-direct", wmem_kcrs, wmem_groups and
/// cmac_cells on every quant.conv / quant.fc (onncf/Fault/Placement.h).
/// Errors on weights other than constant int8. Returns the bytes of the
/// weights blob.
llvm::Expected<uint64_t> placeNvdlaWeights(Graph &G, const NvdlaConfig &Cfg);
llvm::Expected<std::vector<uint8_t>> emitLoadable(const Graph &G,
                                                  const NvdlaConfig &Cfg);

/// A feature cube's dimensions (batch 1).
struct CubeDims {
  int64_t C = 0, H = 0, W = 0;
};
/// NCxHWx bytes of \p D with packed strides on \p Cfg (int8).
uint64_t getCubeBytes(const CubeDims &D, const NvdlaConfig &Cfg);
/// The input cube (in_c/in_h/in_w) and output cube of an nvdla.* op.
CubeDims getInCube(const Op &O);
CubeDims getOutCube(const Op &O);

} // namespace nvdla
} // namespace onncf

#endif
