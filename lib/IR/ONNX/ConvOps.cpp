//===- ConvOps.cpp - Conv, ConvTranspose and the integer conv forms -------===//
//
// Part of onnc-fault. The geometry itself lives in Geometry.cpp so the
// interpreter reuses it; this file holds the schemas, the checks of the
// channel/group structure and the result shapes.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

using namespace llvm;

namespace onncf {
namespace onnxops {

/// Number of spatial dims: from the input's rank if known, else from
/// kernel_shape; -1 if neither is known.
static int64_t numSpatial(const Op &O) {
  if (const TensorType *X = operandType(O, 0))
    if (X->getRank() >= 2)
      return (int64_t)X->getRank() - 2;
  if (const Attribute *K = O.getAttr("kernel_shape"))
    return K->getInts().size();
  return -1;
}

Error verifyWindowAttrs(const Op &O) {
  int64_t N = numSpatial(O);
  if (Error E = checkAutoPadAttr(O))
    return E;
  if (Error E = checkIntsAttr(O, "kernel_shape", N, 1))
    return E;
  if (Error E = checkIntsAttr(O, "strides", N, 1))
    return E;
  if (Error E = checkIntsAttr(O, "dilations", N, 1))
    return E;
  if (Error E = checkIntsAttr(O, "pads", N >= 0 ? 2 * N : -1, 0))
    return E;
  return Error::success();
}

/// \p WIdx / \p BIdx: operand indices of the weight and the bias (-1: no
/// bias), which differ for the integer and QLinear forms.
static Error verifyConvLike(const Op &O, bool Transpose, unsigned WIdx = 1,
                            int BIdx = 2) {
  if (Error E = verifyWindowAttrs(O))
    return E;
  if (Error E = checkIntAttrRange(O, "group", 1, INT64_MAX))
    return E;
  int64_t Group = O.getIntAttr("group", 1);
  const TensorType *X = operandType(O, 0);
  const TensorType *W = operandType(O, WIdx);
  if (!X || !W || X->getRank() < 2 || W->getRank() < 2)
    return Error::success();
  int64_t C = X->getDim(1);
  // Conv: W is [M, C/group, k...]; ConvTranspose: W is [C, M/group, k...].
  int64_t WOut = Transpose ? W->getDim(1) * Group : W->getDim(0);
  int64_t WIn = Transpose ? W->getDim(0) : W->getDim(1) * Group;
  if (C != kDynamicDim && C % Group != 0)
    return makeOpError(O, "group " + Twine(Group) +
                              " does not divide the input channels " +
                              Twine(C));
  if (!Transpose && W->getDim(0) != kDynamicDim && W->getDim(0) % Group != 0)
    return makeOpError(O, "group " + Twine(Group) +
                              " does not divide the output channels " +
                              Twine(W->getDim(0)));
  if (C != kDynamicDim && W->getDim(Transpose ? 0 : 1) != kDynamicDim &&
      C != WIn)
    return makeOpError(O, "input has " + Twine(C) +
                              " channels but the weight expects " + Twine(WIn) +
                              " (group " + Twine(Group) + ")");
  if (const TensorType *B = BIdx >= 0 ? operandType(O, BIdx) : nullptr) {
    if (B->getRank() != 1)
      return makeOpError(O, "bias must be 1-D, not " + B->str());
    if (B->getDim(0) != kDynamicDim &&
        W->getDim(Transpose ? 1 : 0) != kDynamicDim && B->getDim(0) != WOut)
      return makeOpError(O, "bias has " + Twine(B->getDim(0)) +
                                " entries for " + Twine(WOut) +
                                " output channels");
  }
  return Error::success();
}

/// Conv and its integer/QLinear forms: X is operand 0, W operand \p WIdx;
/// the result has \p Elt.
static Expected<TypeList> inferConvAt(const Op &O, const InferenceInputs &In,
                                      unsigned WIdx, ElementType Elt) {
  ArrayRef<int64_t> X = In.Types[0].getShape(), W = In.Types[WIdx].getShape();
  auto G = computeConvGeometry(O, X, W);
  if (!G)
    return G.takeError();
  Shape Out{X[0], W[0]};
  Out.append(G->Output.begin(), G->Output.end());
  return one(plain(Elt, Out));
}

static Expected<TypeList> inferConv(const Op &O, const InferenceInputs &In) {
  return inferConvAt(O, In, 1, In.Types[0].getElementType());
}

static Expected<TypeList> inferConvTranspose(const Op &O,
                                             const InferenceInputs &In) {
  ArrayRef<int64_t> X = In.Types[0].getShape(), W = In.Types[1].getShape();
  auto G = computeConvTransposeGeometry(O, X, W);
  if (!G)
    return G.takeError();
  int64_t Group = O.getIntAttr("group", 1);
  int64_t M = W[1] == kDynamicDim ? kDynamicDim : W[1] * Group;
  Shape Out{X[0], M};
  Out.append(G->Output.begin(), G->Output.end());
  return one(plain(In.Types[0].getElementType(), Out));
}

void registerConvOps(OpRegistry &R) {
  OpDef Conv;
  Conv.Name = "onnx.Conv";
  Conv.MinOperands = 2;
  Conv.MaxOperands = 3;
  Conv.Attrs = {
      {"auto_pad", AttrKind::String}, {"dilations", AttrKind::Ints},
      {"group", AttrKind::Int},       {"kernel_shape", AttrKind::Ints},
      {"pads", AttrKind::Ints},       {"strides", AttrKind::Ints}};
  Conv.Verify = [](const Op &O) { return verifyConvLike(O, false); };
  Conv.InferTypes = inferConv;
  addOp(R, std::move(Conv));

  OpDef CT;
  CT.Name = "onnx.ConvTranspose";
  CT.MinOperands = 2;
  CT.MaxOperands = 3;
  CT.Attrs = {
      {"auto_pad", AttrKind::String},     {"dilations", AttrKind::Ints},
      {"group", AttrKind::Int},           {"kernel_shape", AttrKind::Ints},
      {"output_padding", AttrKind::Ints}, {"output_shape", AttrKind::Ints},
      {"pads", AttrKind::Ints},           {"strides", AttrKind::Ints}};
  CT.Verify = [](const Op &O) -> Error {
    if (Error E = verifyConvLike(O, true))
      return E;
    return checkIntsAttr(O, "output_padding", -1, 0);
  };
  CT.InferTypes = inferConvTranspose;
  addOp(R, std::move(CT));

  // Integer forms: ConvInteger (x, w, x_zero_point, w_zero_point) -> i32;
  // QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B) ->
  // y_zp's type.
  OpDef CI;
  CI.Name = "onnx.ConvInteger";
  CI.MinOperands = 2;
  CI.MaxOperands = 4;
  CI.Attrs = {{"auto_pad", AttrKind::String}, {"dilations", AttrKind::Ints},
              {"group", AttrKind::Int},       {"kernel_shape", AttrKind::Ints},
              {"pads", AttrKind::Ints},       {"strides", AttrKind::Ints}};
  OpDef QC = CI;
  CI.Verify = [](const Op &O) { return verifyConvLike(O, false, 1, -1); };
  CI.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return inferConvAt(O, In, 1, ElementType::I32);
  };
  addOp(R, std::move(CI));
  QC.Name = "onnx.QLinearConv";
  QC.MinOperands = 8;
  QC.MaxOperands = 9;
  QC.Verify = [](const Op &O) { return verifyConvLike(O, false, 3, 8); };
  QC.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return inferConvAt(O, In, 3, In.Types[7].getElementType());
  };
  addOp(R, std::move(QC));
}

} // namespace onnxops
} // namespace onncf
