//===- Geometry.cpp - Sliding-window geometry of conv and pool ops --------===//
//
// Part of onnc-fault. Resolves kernel, strides, dilations and pads
// (including auto_pad and ceil_mode) as the ONNX operator specification
// defines them. Type inference and the interpreter's kernels both call
// these, so the shapes they compute cannot disagree.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {

using onnxops::makeOpError;

/// Reads an ints attribute of \p Len entries (default \p Default when
/// absent), each >= \p Min.
static Error readWindowInts(const Op &O, StringRef Name, unsigned Len,
                            int64_t Default, int64_t Min,
                            SmallVectorImpl<int64_t> &Out) {
  if (const Attribute *A = O.getAttr(Name)) {
    if (!A->is(AttrKind::Ints))
      return makeOpError(O, "attribute '" + Name + "' must be ints");
    const auto &V = A->getInts();
    if (V.size() != Len)
      return makeOpError(O, "attribute '" + Name + "' has " + Twine(V.size()) +
                                " entries, expected " + Twine(Len));
    for (int64_t X : V)
      if (X < Min)
        return makeOpError(O, "attribute '" + Name + "' has entry " + Twine(X) +
                                  ", expected >= " + Twine(Min));
    Out.assign(V.begin(), V.end());
    return Error::success();
  }
  Out.assign(Len, Default);
  return Error::success();
}

/// Fills everything but Output from the attributes; Kernel must be set.
static Error readCommon(const Op &O, ArrayRef<int64_t> XShape,
                        SpatialGeometry &G) {
  unsigned N = G.Kernel.size();
  G.Input.assign(XShape.begin() + 2, XShape.end());
  for (unsigned I = 0; I < N; ++I)
    if (G.Kernel[I] < 1)
      return makeOpError(O, "kernel dim " + Twine(I) + " is " +
                                Twine(G.Kernel[I]) + ", expected >= 1");
  if (Error E = readWindowInts(O, "strides", N, 1, 1, G.Strides))
    return E;
  if (Error E = readWindowInts(O, "dilations", N, 1, 1, G.Dilations))
    return E;
  SmallVector<int64_t, 6> Pads;
  if (Error E = readWindowInts(O, "pads", 2 * N, 0, 0, Pads))
    return E;
  G.PadsBegin.assign(Pads.begin(), Pads.begin() + N);
  G.PadsEnd.assign(Pads.begin() + N, Pads.end());
  G.OutputPadding.assign(N, 0);
  std::string AP = O.getStringAttr("auto_pad", "NOTSET");
  auto Mode = parseAutoPad(AP);
  if (!Mode)
    return makeOpError(O, "auto_pad '" + AP +
                              "' is not one of NOTSET, SAME_UPPER, "
                              "SAME_LOWER, VALID");
  G.Pad = *Mode;
  if (G.Pad != AutoPad::NotSet && O.hasAttr("pads")) {
    // ONNX forbids explicit pads with auto_pad; models in the wild carry
    // all-zero pads alongside it, which are harmless.
    for (int64_t P : Pads)
      if (P != 0)
        return makeOpError(O, "has both auto_pad " + AP + " and pads");
  }
  return Error::success();
}

/// Output dims and pads of a forward window op (Conv, pools).
static Error computeForward(const Op &O, SpatialGeometry &G) {
  unsigned N = G.Kernel.size();
  G.Output.assign(N, kDynamicDim);
  for (unsigned I = 0; I < N; ++I) {
    int64_t In = G.Input[I], S = G.Strides[I], EK = G.getEffectiveKernel(I);
    switch (G.Pad) {
    case AutoPad::SameUpper:
    case AutoPad::SameLower: {
      G.PadsBegin[I] = G.PadsEnd[I] = 0;
      if (In == kDynamicDim)
        continue;
      int64_t Out = (In + S - 1) / S;
      int64_t Total = std::max<int64_t>(0, (Out - 1) * S + EK - In);
      // SAME_UPPER puts the odd padding at the end, SAME_LOWER at the start.
      int64_t Small = Total / 2;
      G.PadsBegin[I] = G.Pad == AutoPad::SameUpper ? Small : Total - Small;
      G.PadsEnd[I] = Total - G.PadsBegin[I];
      G.Output[I] = Out;
      continue;
    }
    case AutoPad::Valid:
      G.PadsBegin[I] = G.PadsEnd[I] = 0;
      [[fallthrough]];
    case AutoPad::NotSet: {
      if (In == kDynamicDim)
        continue;
      int64_t Span = In + G.PadsBegin[I] + G.PadsEnd[I] - EK;
      if (Span < 0)
        return makeOpError(O, "window of size " + Twine(EK) +
                                  " does not fit padded input dim " +
                                  Twine(In + G.PadsBegin[I] + G.PadsEnd[I]) +
                                  " (spatial dim " + Twine(I) + ")");
      int64_t Out = (G.CeilMode ? (Span + S - 1) / S : Span / S) + 1;
      // With ceil_mode, a window that would start inside the end padding
      // is dropped (ONNX, PyTorch and onnxruntime agree on this).
      if (G.CeilMode && (Out - 1) * S >= In + G.PadsBegin[I])
        --Out;
      G.Output[I] = Out;
      continue;
    }
    }
  }
  return Error::success();
}

Expected<SpatialGeometry> computeConvGeometry(const Op &O,
                                              ArrayRef<int64_t> XShape,
                                              ArrayRef<int64_t> WShape) {
  if (XShape.size() < 3)
    return makeOpError(O, "input has rank " + Twine(XShape.size()) +
                              ", expected at least 3 (N, C, spatial...)");
  if (WShape.size() != XShape.size())
    return makeOpError(O, "weight has rank " + Twine(WShape.size()) +
                              ", expected " + Twine(XShape.size()));
  unsigned N = XShape.size() - 2;
  SpatialGeometry G;
  G.Kernel.assign(WShape.begin() + 2, WShape.end());
  if (const Attribute *A = O.getAttr("kernel_shape")) {
    if (!A->is(AttrKind::Ints) || A->getInts().size() != N)
      return makeOpError(O, "kernel_shape must have " + Twine(N) + " entries");
    for (unsigned I = 0; I < N; ++I) {
      int64_t K = A->getInts()[I];
      if (G.Kernel[I] != kDynamicDim && G.Kernel[I] != K)
        return makeOpError(O, "kernel_shape " +
                                  onnxops::formatShape(A->getInts()) +
                                  " does not match the weight's spatial "
                                  "dims " +
                                  onnxops::formatShape(WShape.drop_front(2)));
      G.Kernel[I] = K;
    }
  }
  for (unsigned I = 0; I < N; ++I)
    if (G.Kernel[I] == kDynamicDim)
      return makeOpError(O, "kernel size is unknown (dynamic weight dims "
                            "and no kernel_shape)");
  if (Error E = readCommon(O, XShape, G))
    return std::move(E);
  if (Error E = computeForward(O, G))
    return std::move(E);
  return G;
}

Expected<SpatialGeometry> computePoolGeometry(const Op &O,
                                              ArrayRef<int64_t> XShape) {
  if (XShape.size() < 3)
    return makeOpError(O, "input has rank " + Twine(XShape.size()) +
                              ", expected at least 3 (N, C, spatial...)");
  unsigned N = XShape.size() - 2;
  const Attribute *K = O.getAttr("kernel_shape");
  if (!K || !K->is(AttrKind::Ints))
    return makeOpError(O, "missing required attribute 'kernel_shape'");
  if (K->getInts().size() != N)
    return makeOpError(O, "kernel_shape has " + Twine(K->getInts().size()) +
                              " entries for " + Twine(N) + " spatial dims");
  SpatialGeometry G;
  G.Kernel.assign(K->getInts().begin(), K->getInts().end());
  G.CeilMode = O.getIntAttr("ceil_mode", 0) != 0;
  if (Error E = readCommon(O, XShape, G))
    return std::move(E);
  if (Error E = computeForward(O, G))
    return std::move(E);
  return G;
}

Expected<SpatialGeometry>
computeConvTransposeGeometry(const Op &O, ArrayRef<int64_t> XShape,
                             ArrayRef<int64_t> WShape) {
  if (XShape.size() < 3)
    return makeOpError(O, "input has rank " + Twine(XShape.size()) +
                              ", expected at least 3 (N, C, spatial...)");
  if (WShape.size() != XShape.size())
    return makeOpError(O, "weight has rank " + Twine(WShape.size()) +
                              ", expected " + Twine(XShape.size()));
  unsigned N = XShape.size() - 2;
  SpatialGeometry G;
  G.Kernel.assign(WShape.begin() + 2, WShape.end());
  if (const Attribute *A = O.getAttr("kernel_shape")) {
    if (!A->is(AttrKind::Ints) || A->getInts().size() != N)
      return makeOpError(O, "kernel_shape must have " + Twine(N) + " entries");
    G.Kernel.assign(A->getInts().begin(), A->getInts().end());
  }
  for (unsigned I = 0; I < N; ++I)
    if (G.Kernel[I] == kDynamicDim)
      return makeOpError(O, "kernel size is unknown (dynamic weight dims "
                            "and no kernel_shape)");
  if (Error E = readCommon(O, XShape, G))
    return std::move(E);
  if (Error E = readWindowInts(O, "output_padding", N, 0, 0, G.OutputPadding))
    return std::move(E);

  // output_shape may list the spatial dims or (as some exporters write it)
  // the whole shape; its trailing N entries are the spatial ones.
  SmallVector<int64_t, 3> OutShape;
  if (const Attribute *A = O.getAttr("output_shape")) {
    if (!A->is(AttrKind::Ints) || A->getInts().size() < N)
      return makeOpError(O, "output_shape must have " + Twine(N) + " entries");
    OutShape.assign(A->getInts().end() - N, A->getInts().end());
  }
  G.Output.assign(N, kDynamicDim);
  for (unsigned I = 0; I < N; ++I) {
    int64_t In = G.Input[I], S = G.Strides[I], EK = G.getEffectiveKernel(I);
    int64_t OP = G.OutputPadding[I];
    bool Auto = !OutShape.empty() || G.Pad == AutoPad::SameUpper ||
                G.Pad == AutoPad::SameLower;
    if (G.Pad == AutoPad::Valid) {
      G.PadsBegin[I] = G.PadsEnd[I] = 0;
    }
    if (!Auto) {
      if (In != kDynamicDim) {
        G.Output[I] = S * (In - 1) + OP + EK - G.PadsBegin[I] - G.PadsEnd[I];
        if (G.Output[I] < 0)
          return makeOpError(O, "pads exceed the output size");
      }
      continue;
    }
    int64_t Out = !OutShape.empty()
                      ? OutShape[I]
                      : (In == kDynamicDim ? kDynamicDim : In * S);
    G.Output[I] = Out;
    G.PadsBegin[I] = G.PadsEnd[I] = 0;
    if (In == kDynamicDim || Out == kDynamicDim)
      continue;
    // A requested size beyond the natural one needs no (negative) padding:
    // like onnxruntime, clamp to 0; the uncovered outputs get only the bias.
    int64_t Total = std::max<int64_t>(0, S * (In - 1) + OP + EK - Out);
    // The spec puts the odd pad at the end for SAME_UPPER and at the start
    // otherwise.
    int64_t Small = Total / 2;
    G.PadsBegin[I] = G.Pad == AutoPad::SameUpper ? Small : Total - Small;
    G.PadsEnd[I] = Total - G.PadsBegin[I];
  }
  return G;
}

} // namespace onncf
