//===- NvdlaOps.h - The nvdla.* op kinds -------------------------*- C++
//-*-===//
//
// Part of onnc-fault. The NVDLA target lowers the quant.* graph
// (onncf/IR/QuantOps.h) into these op kinds, one per hardware pipeline, in
// the same IR: `onnc-fault -march=nvdla-small --emit=ir` prints them. Each
// computes exactly what the quant op it replaces computes (the same
// onncf/Quant/FixedPoint.h primitives), so the loadable built from them runs
// bit-exact with the integer interpreter.
//
// Every op carries its feature cubes explicitly (in_c/in_h/in_w,
// out_c/out_h/out_w: an fc's [N, K] operand is the cube K x 1 x 1, or the
// C x H x W cube a Flatten/Reshape viewed), because the result keeps the
// type of the quant op it replaced (e.g. [N, M] for an fc).
//
//  nvdla.conv (X, WPACKED: i8[bytes], SDPOP: i16[2*K]) -> i8
//      CONV + CACC + SDP X1 (+ X2/Y for clamps), fused on the fly:
//        acc = caccOutput(sum x*w, clip_truncate)
//        v   = acc + (alu[k] << bias_shift)          (X1 ALU SUM)
//        t   = sdpTruncate(sdpMul(v, mul[k]), shift) (X1 MUL, truncate)
//        t   = relu ? max(t, 0) : t;  clamp via X2 MAX / Y MIN
//        y   = saturate(t, 8)                         (out_cvt 1/0)
//      WPACKED is the direct-conv weight blob (targets/NVDLA/Layout), SDPOP
//      the per-kernel operand buffer: per kernel an int16 ALU operand then
//      an int16 MUL operand. A quant.fc is a conv whose kernel covers its
//      whole input cube (kernel = [in_h, in_w]).
//      attrs: cube, kernel [R, S], strides [y, x], pads [top, left, bottom,
//      right], clip_truncate, bias_shift, shift, relu, clamp_min?,
//      clamp_max?; planning adds the attributes below.
//  nvdla.pdp (X) -> i8      PDP pooling: pool_mode 0 average (fixp::
//      pdpAverage, count_include_pad), 1 max; kernel, strides, pads.
//  nvdla.cdp (X) -> i8      CDP local response normalisation: a quant.lrn's
//      registers (size, in_cvt, out_cvt, lut_le, lut_lo, lut_regs;
//      onncf/IR/QuantLrn.h), emitted as a CDP op and its LUT.
//  nvdla.sdp (A[, B]) -> i8 SDP from memory: with B (element-wise, needs
//      SDP EW) v = a + sdpTruncate(sdpMul(b, mul_b), shift_b) through the X1
//      ALU's per-point operand converter; without, v = a; then MUL mul,
//      truncate shift, ReLU, clamps (quant.add / quant.requantize).
//      With "emu" 1 (element-wise, --allow-cpu-fallback on a config without
//      SDP EW) the same arithmetic runs on the CPU as an EMU1 ONNCF_ADD task.
//  nvdla.concat (X0, X1, ...) -> i8   no hardware op: a channel
//      concatenation is one buffer that the producers of X0, X1, ... write
//      at their channel offsets ("offsets", each a multiple of the memory
//      atom's channels); readers of Xi read their slice of it.
//  nvdla.softmax (X: i8) -> f32   a trailing quant.dequantize + Softmax
//      over the channels, run on the CPU as an EMU1 SOFTMAX task after the
//      DLA task: float(x) * in_scale, softmax, written as int16 units of
//      out_scale (2^-15, rounded half away from zero, saturated) into the
//      output memory. Approximates the host's float Softmax within 2^-16.
//
// Planning attributes (lib-independent, for the fault passes and codegen):
//   dst_memory   0 activations (ALLOC), 1 output (ALLOC|OUTPUT)
//   dst_offset   byte offset of the result cube in that memory
//   weight_offset / weight_bytes, sdp_offset / sdp_bytes   (nvdla.conv)
//                byte ranges in the "weights" blob (one SET memory)
//   data_bank, weight_bank, entry_per_slice                (nvdla.conv)
//   split_kernels, split_rows   kernels / output rows per CONV + SDP pair
//                when the conv is split to fit the CBUF (nvdla.conv)
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_NVDLAOPS_H
#define ONNCF_TARGETS_NVDLA_NVDLAOPS_H

namespace onncf {
namespace nvdla {

namespace nvdlaop {
constexpr const char *Conv = "nvdla.conv";
constexpr const char *Pdp = "nvdla.pdp";
constexpr const char *Cdp = "nvdla.cdp";
constexpr const char *Sdp = "nvdla.sdp";
constexpr const char *Concat = "nvdla.concat";
constexpr const char *Softmax = "nvdla.softmax";
} // namespace nvdlaop

/// Adds the nvdla.* op kinds to the OpRegistry (once; later calls do
/// nothing).
void registerNvdlaOps();

} // namespace nvdla
} // namespace onncf

#endif
