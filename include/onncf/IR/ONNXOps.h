//===- ONNXOps.h - Canonical forms and helpers of onnx.* ops ---*- C++ -*-===//
//
// Part of onnc-fault. The onnx.* op kinds keep ONNX's names and attribute
// names. This header documents the canonical form the IR uses where ONNX's
// opsets disagree, and exports the shape arithmetic (broadcasting, conv/pool
// windows, Reshape, Slice, Split, ...) that type inference uses, so that the
// interpreter's kernels compute exactly the same geometry.
//
// CANONICAL FORMS (what the importer produces; the opset-13+ form):
//  * Operands, not attributes, carry:
//      Squeeze/Unsqueeze axes            operand 1 (i64, optional for Squeeze)
//      Split split                       operand 1 (i64, optional)
//      Clip min / max                    operands 1 / 2 (optional, absent =
//                                        no bound)
//      Pad pads / constant_value / axes  operands 1 / 2 / 3
//      Reshape shape                     operand 1
//      Slice starts/ends/axes/steps      operands 1..4
//      Reduce* axes                      operand 1 (optional)
//      Dropout ratio / training_mode     operands 1 / 2 (optional)
//    The legacy attribute forms (axes, split, min, max, pads, value, shape,
//    starts, ends, ratio) are still accepted by the op definitions (the
//    integer lists are resolved by getIntListArg(); kernels that accept the
//    float ones read them themselves), but giving both forms is a verifier
//    error. New code should produce the operand form. TopK's legacy "k"
//    attribute is not accepted.
//  * Softmax / LogSoftmax / Hardmax: opset-13 semantics (normalise along the
//    single axis "axis", default -1). The opset < 13 semantics (coerce the
//    input to 2-D [prod(d < axis), prod(d >= axis)] and normalise each row)
//    are expressed by the int attribute "legacy_2d" = 1; with legacy_2d the
//    default axis is 1 (the importer should always write "axis").
//  * Elementwise binary ops use numpy (multidirectional) broadcasting only.
//    The opset < 7 "broadcast"/"axis" attributes are not part of the IR: the
//    importer must reshape the second operand so numpy broadcasting gives
//    the same result (e.g. B of shape [C] with axis=1 on NCHW -> [C,1,1]).
//  * Cast "to" is the ONNX TensorProto.DataType integer (see
//    elementTypeFromONNX); the opset-1 string form is converted by the
//    importer.
//  * Constant keeps whichever of value / value_float(s) / value_int(s) the
//    model used; getConstantAttrValue() turns any of them into a Tensor.
//  * BatchNormalization is the inference form: 5 operands, 1 result. Extra
//    (training) results are accepted and typed, but executors may leave
//    them unset. Legacy attributes (spatial, is_test, consumed_inputs) are
//    accepted and ignored.
//  * Resize uses the opset-11+ operands (X, roi, scales, sizes). Opset-10
//    Resize (X, scales) is rewritten by moving scales to operand 2; the
//    importer should also set coordinate_transformation_mode "asymmetric"
//    and nearest_mode "floor" there, which is what opset 10 meant. Upsample
//    is not an IR op: it is Resize with those two attributes.
//  * TopK takes k as operand 1 (i64 [1]); its indices result is i64.
//  * QuantizeLinear/DequantizeLinear keep ONNX's operands (zero point
//    optional); the quantize result type is the zero point's element type,
//    else output_dtype, else u8.
//  * Split: the number of results is the number of pieces; without a split
//    operand the pieces are ceil(dim/N) each with a smaller last one (the
//    opset-18 num_outputs rule, equal parts when N divides the dim).
//  * Concat without "axis" (opset < 4) concatenates along axis 1.
//  * Conv/pools: all-zero "pads" next to auto_pad != NOTSET are tolerated.
//  * MaxPool's optional second result (Indices) is i64.
//  * Dropout is the identity at inference; its optional mask result is bool.
//
// Type inference rules: dynamic dimensions (kDynamicDim) propagate; where a
// result shape depends on an operand's values (Reshape's shape, Slice's
// starts, ...) and those values are unknown, the result gets dynamic dims of
// the right rank, and inference fails only when not even the rank is known.
// Quantization parameters are carried from the input by pure data-movement
// ops (Reshape, Transpose, Slice, MaxPool, Relu, ...); arithmetic ops cannot
// infer them, so their results keep the quantization they already declare
// (set by the quantizer) when the element type is unchanged.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_ONNXOPS_H
#define ONNCF_IR_ONNXOPS_H

#include "onncf/IR/OpDef.h"
#include "onncf/IR/Tensor.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include <optional>

namespace onncf {

class Op;

// Errors from these helpers and from the onnx.* verifiers and inference
// functions do not name the op: verifyGraph() and inferOpTypes() prefix
// Op::getDescription(), and other callers should do the same.

/// Maps an axis in [-Rank, Rank) to [0, Rank); error otherwise.
llvm::Expected<unsigned> normalizeAxis(int64_t Axis, int64_t Rank);

/// Numpy (multidirectional) broadcasting of two shapes. A dynamic dim
/// against 1 stays dynamic; against N > 1 it becomes N (any other runtime
/// value would be an error).
llvm::Expected<llvm::SmallVector<int64_t, 4>>
broadcastShapes(llvm::ArrayRef<int64_t> A, llvm::ArrayRef<int64_t> B);
/// True if \p From can be broadcast to exactly \p To (unidirectional, as
/// for Gemm's C, PRelu's slope and Expand-like operands). Dynamic dims are
/// assumed compatible.
bool isUnidirectionalBroadcastable(llvm::ArrayRef<int64_t> From,
                                   llvm::ArrayRef<int64_t> To);

/// ONNX TensorProto.DataType <-> IR element type (None if unsupported).
std::optional<ElementType> elementTypeFromONNX(int64_t DataType);
std::optional<int64_t> onnxDataTypeOf(ElementType Ty);

enum class AutoPad { NotSet, SameUpper, SameLower, Valid };
/// Parses "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID" (also "" as
/// NOTSET).
std::optional<AutoPad> parseAutoPad(llvm::StringRef S);

/// The sliding-window geometry of Conv, ConvTranspose and the pools along
/// the N spatial dims (input dims 2..N+1). Pads are resolved, including
/// auto_pad; Output holds the output spatial dims.
///
/// With a dynamic input spatial dim, that Output dim is kDynamicDim, and
/// with auto_pad SAME_* its pads are unknown and reported as 0: executors
/// recompute the geometry with the actual shape.
struct SpatialGeometry {
  AutoPad Pad = AutoPad::NotSet;
  bool CeilMode = false;
  llvm::SmallVector<int64_t, 3> Input;
  llvm::SmallVector<int64_t, 3> Kernel;
  llvm::SmallVector<int64_t, 3> Strides;
  llvm::SmallVector<int64_t, 3> Dilations;
  llvm::SmallVector<int64_t, 3> PadsBegin;
  llvm::SmallVector<int64_t, 3> PadsEnd;
  /// ConvTranspose only (zeros otherwise).
  llvm::SmallVector<int64_t, 3> OutputPadding;
  llvm::SmallVector<int64_t, 3> Output;

  unsigned getNumSpatial() const { return Kernel.size(); }
  /// (Kernel - 1) * Dilation + 1.
  int64_t getEffectiveKernel(unsigned I) const {
    return (Kernel[I] - 1) * Dilations[I] + 1;
  }
};

/// Conv: \p XShape is [N, C, D1..Dn], \p WShape is [M, C/group, k1..kn].
/// kernel_shape defaults to W's spatial dims.
llvm::Expected<SpatialGeometry>
computeConvGeometry(const Op &O, llvm::ArrayRef<int64_t> XShape,
                    llvm::ArrayRef<int64_t> WShape);
/// MaxPool / AveragePool / LpPool: kernel_shape is required; ceil_mode is
/// honoured (a window starting in the right padding is dropped).
llvm::Expected<SpatialGeometry>
computePoolGeometry(const Op &O, llvm::ArrayRef<int64_t> XShape);
/// ConvTranspose: \p WShape is [C, M/group, k1..kn]; output_shape (spatial
/// dims, or a full shape whose trailing dims are used) overrides pads; with
/// it or auto_pad SAME_*, the total padding is clamped at 0, so Output may
/// exceed the natural size (those output positions receive only the bias).
llvm::Expected<SpatialGeometry>
computeConvTransposeGeometry(const Op &O, llvm::ArrayRef<int64_t> XShape,
                             llvm::ArrayRef<int64_t> WShape);

/// An integer list given either as an operand (canonical) or a legacy
/// attribute. Present: one of them is given. Known: its values are
/// available (always for attributes; for operands only when their data is).
struct IntListArg {
  bool Present = false;
  bool Known = false;
  llvm::SmallVector<int64_t, 4> Values;
};
/// Reads operand \p OperandIdx if present (its data from \p In), else
/// attribute \p AttrName (if non-empty). Errors if both are given or the
/// operand is not a 0-D/1-D integer tensor.
llvm::Expected<IntListArg> getIntListArg(const Op &O, const InferenceInputs &In,
                                         unsigned OperandIdx,
                                         llvm::StringRef AttrName);

/// Reshape: resolves 0 (copy input dim, unless \p AllowZero) and -1 (infer).
/// Dims that depend on dynamic input dims come out dynamic.
llvm::Expected<llvm::SmallVector<int64_t, 4>>
computeReshapeShape(llvm::ArrayRef<int64_t> InShape,
                    llvm::ArrayRef<int64_t> Target, bool AllowZero);

/// Per input dim of a Slice: first index, step and element count (Count is
/// kDynamicDim if the dim is dynamic and sliced).
struct SliceDim {
  int64_t Start = 0;
  int64_t Step = 1;
  int64_t Count = 0;
};
/// Slice with ONNX clamping: negative starts/ends add the dim; starts clamp
/// to [0, dim] (or [0, dim-1] for negative steps), ends to [0, dim] (or
/// [-1, dim-1]). \p Axes empty means 0..len-1, \p Steps empty means 1s.
llvm::Expected<llvm::SmallVector<SliceDim, 4>>
computeSlice(llvm::ArrayRef<int64_t> InShape, llvm::ArrayRef<int64_t> Starts,
             llvm::ArrayRef<int64_t> Ends, llvm::ArrayRef<int64_t> Axes,
             llvm::ArrayRef<int64_t> Steps);

/// Split sizes of a dim of size \p Dim into \p NumOutputs pieces: \p Split
/// when known, else equal parts (num_outputs semantics of opset 18: every
/// piece ceil(Dim/N), the last one smaller). Dynamic Dim -> dynamic sizes.
llvm::Expected<llvm::SmallVector<int64_t, 4>>
computeSplitSizes(int64_t Dim, unsigned NumOutputs, const IntListArg &Split);

/// Pad: the 2*Rank pad amounts [x1_begin, x2_begin, ..., x1_end, ...] from
/// the pads operand (or legacy "pads"/"paddings" attribute) and the
/// optional axes operand. Known is false if the pads' values are unknown.
llvm::Expected<IntListArg> getPadAmounts(const Op &O, const InferenceInputs &In,
                                         unsigned Rank);

/// Softmax family: the normalised axis (see the canonical form above).
llvm::Expected<unsigned> getSoftmaxAxis(const Op &O, unsigned Rank);

/// Constant: the tensor held by value / value_float(s) / value_int(s).
llvm::Expected<Tensor> getConstantAttrValue(const Op &O);

/// Reduce*: the sorted, normalised axes reduced (all axes when none are
/// given and noop_with_empty_axes is 0; none when it is 1). Known is false
/// when the axes operand's data is unknown.
llvm::Expected<IntListArg> getReduceAxes(const Op &O, const InferenceInputs &In,
                                         unsigned Rank);

/// Resize: output dims and per-dim scales (1 on dims not in "axes").
/// Scales come from the scales operand, or from sizes (output/input with
/// keep_aspect_ratio_policy "stretch", the common min/max ratio
/// otherwise); an empty (0-element) scales or sizes operand counts as
/// absent. Output dims are floor(input * scale) (times the roi extent for
/// tf_crop_and_resize), or the given sizes. Unknown operand data gives
/// dynamic dims on the resized axes and a scale of 0.
struct ResizeGeometry {
  llvm::SmallVector<double, 4> Scales;
  llvm::SmallVector<int64_t, 4> Output;
};
llvm::Expected<ResizeGeometry> computeResizeGeometry(const Op &O,
                                                     const InferenceInputs &In);

} // namespace onncf

#endif
