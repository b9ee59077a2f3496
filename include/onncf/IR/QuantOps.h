//===- QuantOps.h - The quant.* integer op kinds ----------------*- C++ -*-===//
//
// Part of onnc-fault. The quantize pass (lib/Quant) rewrites a float graph
// into these integer ops. Their semantics are defined entirely by integer
// attributes and the fixed-point primitives of onncf/Quant/FixedPoint.h, never
// by float scales: the scales in the result types (QuantParams) only say what
// the integers mean. That is what lets the integer interpreter, the NVDLA
// virtual platform and the CIM simulator agree bit for bit: each of these ops
// maps onto one NVDLA pipeline (CONV + CACC + SDP, SDP, PDP) with the same
// arithmetic.
//
// Common rules
//  * Activations are i8 or i16 tensors (the "bits" they carry is 8 or 16);
//    weights are i8 (2..8-bit words) or i16 (9..16-bit words) constants whose
//    type has QuantParams{Scales, Axis = 0, Bits = N}; biases are i32.
//  * Layouts are ONNX's: NCHW activations, OIHW conv weights, [M, K] fc
//    weights (y = x * W^T).
//  * Ops that do not change values (Reshape, Flatten, Transpose, Squeeze,
//    Unsqueeze, Identity, Slice, Split, Pad with zero, Concat of operands
//    sharing one scale, MaxPool, GlobalMaxPool) are NOT quant ops: the onnx.*
//    op is applied to the integer tensor and its result keeps the operand's
//    element type and QuantParams.
//
// The "SDP epilogue" (fixp::sdpEpilogue) shared by quant.conv, quant.fc,
// quant.add and quant.requantize, per element with value v (33-bit):
//     p = sdpMul(v, mul[c])            // int16 multiplier, per channel or one
//     t = sdpTruncate(p, shift)        // rounding right shift, sat int32
//     t = relu ? max(t, 0) : t
//     t = clamp(t, clamp_min, clamp_max)   // only bounds that are present
//     y = saturate(t, out_bits)        // out_bits 8 or 16
// Attributes of the epilogue (all Int / Ints):
//   mul        Ints, 1 or C entries in [0, 32767] (C = output channels)
//   shift      Int 0..63
//   relu       Int 0/1 (default 0)
//   clamp_min  Int (optional, in output integer units)
//   clamp_max  Int (optional, in output integer units)
//   out_bits   Int 8 or 16 (default 8); the result element type is i8 / i16
//
// OP KINDS
//  quant.quantize    (X: f32) -> i8|i16
//      y = fixp::quantize(x, scale, bits)   (round half away, saturate)
//      attrs: scale (Float > 0), bits (Int 8|16, default 8)
//  quant.dequantize  (X: i8|i16|i32) -> f32
//      y = float(x) * scale                 attrs: scale (Float > 0)
//  quant.conv        (X: i8|i16 [N,C,H,W], W: i8|i16 [O,C/g,kh,kw], B?: i32 [O])
//                    -> i8|i16 [N,O,OH,OW]
//      acc = sum x * w over the window (exact, int64; padded cells are 0)
//      a   = fixp::caccOutput(acc, clip_truncate)
//      v   = a + b[o]                       (33-bit, fixp::sdpAlu Add)
//      y   = sdpEpilogue(v)  with mul[o]
//      attrs: strides, pads (4 entries, begin-h begin-w end-h end-w),
//             dilations, group (ONNX names and defaults; no auto_pad: the
//             pass writes explicit pads), clip_truncate (Int 0..31,
//             default 0) + the epilogue attributes.
//  quant.fc          (X: i8|i16 [N,K], W: i8|i16 [M,K], B?: i32 [M]) -> [N,M]
//      as quant.conv with a 1x1 window over K inputs.
//      attrs: clip_truncate + the epilogue attributes.
//  Stored weights (quant.conv and quant.fc; optional, written by lib/Fault
//  only when compiling for a defect map, docs/FaultInjection.md):
//      wmem_offset   Int: byte address of weight element 0 in the chip's
//                    weight memory; element i is at wmem_offset + i * ceil(N/8)
//      wmem_words    Int: the number of weight words (= weight elements)
//      mitigation    String: the policy that chose the stored words
//      decoder       String none|lsb|c1|sign-bit|inverse-sign-bit (default
//                    none): the read decoder the weights need. With a
//                    decoder other than none, W holds the STORED words, not
//                    the values to compute with; executors decode first
//                    (fault::applyWeightFaults).
//      decoder_masks Ints (sign-bit decoders): (word index, substituted bit
//                    mask) pairs for the words that have known faults
//  quant.avgpool     (X: i8|i16 [N,C,H,W]) -> same element type
//      sum over the window, padded cells counted as 0 (count_include_pad),
//      y = saturate(fixp::pdpAverage(sum, pdpReciprocal(kw),
//                                    pdpReciprocal(kh)), bits of X)
//      The result has X's scale. GlobalAveragePool is this op with
//      kernel_shape = [H, W].
//      attrs: kernel_shape (required), strides, pads.
//  quant.add         (A: i8|i16, B: i8|i16, same shape) -> i8|i16
//      b' = sdpTruncate(sdpMul(b, mul_b), shift_b)   (B in A's units)
//      v  = a + b'                                     (33-bit)
//      y  = sdpEpilogue(v)   (mul has one entry)
//      attrs: mul_b (Int 0..32767), shift_b (Int 0..63) + epilogue attrs.
//  quant.requantize  (X: i8|i16|i32) -> i8|i16
//      y = sdpEpilogue(x)   (mul has one entry). Changes scale or width, or
//      applies a ReLU / clamp that could not be fused into a producer.
//
//  quant.lrn         (X: i8|i16 [N,C,H,W]) -> i8|i16 (out_bits)
//      local response normalisation exactly as the NVDLA CDP computes it,
//      per pixel fixp::cdpPixel (onncf/Quant/CdpArith.h): v = in_cvt(x),
//      s = sum of v^2 over `size` channels centred on c, y = out_cvt(v *
//      LUT(s)). Attributes are the CDP registers: size, out_bits, in_cvt,
//      out_cvt, lut_le, lut_lo, lut_regs (encoding in onncf/IR/QuantLrn.h).
//
// Everything else (Softmax, Sigmoid, ...) stays a float onnx.* op in a
// "float island" between quant.dequantize and quant.quantize.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_QUANTOPS_H
#define ONNCF_IR_QUANTOPS_H

namespace onncf {

class OpRegistry;

/// Defined by lib/IR/Quant/QuantOps.cpp; called once by OpRegistry::get().
void registerQuantOps(OpRegistry &R);

namespace quantop {
constexpr const char *Quantize = "quant.quantize";
constexpr const char *Dequantize = "quant.dequantize";
constexpr const char *Conv = "quant.conv";
constexpr const char *FC = "quant.fc";
constexpr const char *AvgPool = "quant.avgpool";
constexpr const char *Add = "quant.add";
constexpr const char *Requantize = "quant.requantize";
constexpr const char *Lrn = "quant.lrn";
} // namespace quantop

} // namespace onncf

#endif
