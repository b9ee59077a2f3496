//===- ResizeOps.cpp - Resize, DepthToSpace, SpaceToDepth -----------------===//
//
// Part of onnc-fault. Spatial rearrangements used by upsampling and
// super-resolution models. Resize's output geometry is exported through
// computeResizeGeometry() so the interpreter uses the same scales.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"
#include "onncf/Support/Diagnostics.h"
#include <cmath>

using namespace llvm;

namespace onncf {

using onnxops::makeOpError;

/// Operand I's data as doubles; None if absent, unknown or empty.
static std::optional<SmallVector<double, 4>>
readDoubles(const InferenceInputs &In, unsigned I) {
  if (!In.has(I) || I >= In.Data.size() || !In.Data[I] || In.Data[I]->isNull())
    return std::nullopt;
  SmallVector<double, 4> R;
  for (int64_t K = 0, E = In.Data[I]->getNumElements(); K < E; ++K)
    R.push_back(In.Data[I]->getAsDouble(K));
  return R;
}

/// An operand that is given and not statically empty (exporters pass an
/// empty scales tensor alongside sizes).
static bool isGiven(const InferenceInputs &In, unsigned I) {
  if (!In.has(I))
    return false;
  return onnxops::product(In.Types[I].getShape()) != 0;
}

Expected<ResizeGeometry> computeResizeGeometry(const Op &O,
                                               const InferenceInputs &In) {
  ArrayRef<int64_t> X = In.Types[0].getShape();
  int64_t R = X.size();
  SmallVector<unsigned, 4> Axes;
  if (const Attribute *A = O.getAttr("axes")) {
    for (int64_t V : A->getInts()) {
      auto N = normalizeAxis(V, R);
      if (!N)
        return N.takeError();
      if (is_contained(Axes, *N))
        return makeOpError(O, "axis " + Twine(V) + " is repeated");
      Axes.push_back(*N);
    }
  } else {
    for (int64_t I = 0; I < R; ++I)
      Axes.push_back(I);
  }
  ResizeGeometry G;
  G.Scales.assign(R, 1.0);
  G.Output.assign(X.begin(), X.end());
  bool HasScales = isGiven(In, 2), HasSizes = isGiven(In, 3);
  if (HasScales == HasSizes)
    return makeOpError(O, "needs exactly one of scales and sizes");
  auto MarkUnknown = [&]() {
    for (unsigned A : Axes) {
      G.Output[A] = kDynamicDim;
      G.Scales[A] = 0;
    }
    return G;
  };

  if (HasSizes) {
    auto Sizes = readDoubles(In, 3);
    if (!Sizes)
      return MarkUnknown();
    if (Sizes->size() != Axes.size())
      return makeOpError(O, "sizes has " + Twine(Sizes->size()) +
                                " entries, expected " + Twine(Axes.size()));
    std::string Policy = O.getStringAttr("keep_aspect_ratio_policy", "stretch");
    if (Policy == "stretch") {
      for (size_t K = 0; K < Axes.size(); ++K) {
        int64_t In = X[Axes[K]];
        if (!((*Sizes)[K] >= 0))
          return makeOpError(O, "sizes has a negative entry");
        G.Output[Axes[K]] = (int64_t)(*Sizes)[K];
        G.Scales[Axes[K]] = In == kDynamicDim || In == 0 ? 0 : (*Sizes)[K] / In;
      }
      return G;
    }
    // not_larger / not_smaller: one scale for all axes, sizes rounded.
    double Scale = Policy == "not_larger" ? INFINITY : 0;
    for (size_t K = 0; K < Axes.size(); ++K) {
      if (X[Axes[K]] == kDynamicDim || X[Axes[K]] == 0)
        return MarkUnknown();
      double S = (*Sizes)[K] / X[Axes[K]];
      Scale = Policy == "not_larger" ? std::min(Scale, S) : std::max(Scale, S);
    }
    for (unsigned A : Axes) {
      G.Scales[A] = Scale;
      double Out = std::nearbyint(Scale * X[A]);
      if (!(Out >= 0 && Out < 9.0e15))
        return makeOpError(O, "sizes give an out-of-range output dim");
      G.Output[A] = (int64_t)Out;
    }
    return G;
  }

  auto Scales = readDoubles(In, 2);
  if (!Scales)
    return MarkUnknown();
  if (Scales->size() != Axes.size())
    return makeOpError(O, "scales has " + Twine(Scales->size()) +
                              " entries, expected " + Twine(Axes.size()));
  // tf_crop_and_resize resizes the roi [start, end) (normalised coords).
  std::optional<SmallVector<double, 4>> Roi;
  if (O.getStringAttr("coordinate_transformation_mode", "half_pixel") ==
      "tf_crop_and_resize") {
    Roi = readDoubles(In, 1);
    if (!Roi)
      return MarkUnknown();
    if (Roi->size() != 2 * Axes.size())
      return makeOpError(O, "roi has " + Twine(Roi->size()) +
                                " entries, expected " + Twine(2 * Axes.size()));
  }
  for (size_t K = 0; K < Axes.size(); ++K) {
    double S = (*Scales)[K];
    if (!(S > 0))
      return makeOpError(O, "scale " + std::to_string(S) + " is not positive");
    unsigned A = Axes[K];
    G.Scales[A] = S;
    if (X[A] == kDynamicDim) {
      G.Output[A] = kDynamicDim;
      continue;
    }
    double Extent = Roi ? (*Roi)[Axes.size() + K] - (*Roi)[K] : 1.0;
    // As the ONNX reference computes it (float scale widened to double).
    double Out = std::floor(X[A] * Extent * S);
    if (!(Out >= 0 && Out < 9.0e15))
      return makeOpError(O, "output dim " + std::to_string(Out) +
                                " is out of range (scale " + std::to_string(S) +
                                ")");
    G.Output[A] = (int64_t)Out;
  }
  return G;
}

namespace onnxops {

static Error checkOneOf(const Op &O, StringRef Name, StringRef Default,
                        ArrayRef<StringRef> Allowed) {
  std::string V = O.getStringAttr(Name, Default);
  if (is_contained(Allowed, StringRef(V)))
    return Error::success();
  std::string List;
  for (StringRef A : Allowed)
    List += (List.empty() ? "" : ", ") + A.str();
  return makeOpError(O, Name + " '" + V + "' is not one of " + List);
}

static Error verifyResize(const Op &O) {
  if (Error E =
          checkOneOf(O, "mode", "nearest", {"nearest", "linear", "cubic"}))
    return E;
  if (Error E = checkOneOf(O, "coordinate_transformation_mode", "half_pixel",
                           {"half_pixel", "half_pixel_symmetric",
                            "pytorch_half_pixel", "align_corners", "asymmetric",
                            "tf_crop_and_resize", "tf_half_pixel_for_nn"}))
    return E;
  if (Error E = checkOneOf(
          O, "nearest_mode", "round_prefer_floor",
          {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}))
    return E;
  if (Error E = checkOneOf(O, "keep_aspect_ratio_policy", "stretch",
                           {"stretch", "not_larger", "not_smaller"}))
    return E;
  if (Error E = checkIntAttrRange(O, "antialias", 0, 1))
    return E;
  return checkIntAttrRange(O, "exclude_outside", 0, 1);
}

static Expected<TypeList> inferResize(const Op &O, const InferenceInputs &In) {
  auto G = computeResizeGeometry(O, In);
  if (!G)
    return G.takeError();
  return one(plain(In.Types[0].getElementType(), G->Output));
}

static Expected<TypeList> inferDepthSpace(const Op &O,
                                          const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  if (X.getRank() != 4)
    return makeOpError(O, "input must be 4-D, not " + X.str());
  int64_t B = O.getIntAttr("blocksize", 0);
  bool IsDepthToSpace = O.getKind() == "onnx.DepthToSpace";
  int64_t N = X.getDim(0), C = X.getDim(1), H = X.getDim(2), W = X.getDim(3);
  auto Mul = [](int64_t D, int64_t F) { return D == kDynamicDim ? D : D * F; };
  auto Div = [&](int64_t D, int64_t F, const char *What) -> Expected<int64_t> {
    if (D == kDynamicDim)
      return D;
    if (D % F != 0)
      return makeOpError(O, Twine(What) + " " + Twine(D) +
                                " is not a multiple of " + Twine(F));
    return D / F;
  };
  if (IsDepthToSpace) {
    auto C2 = Div(C, B * B, "channel count");
    if (!C2)
      return C2.takeError();
    return one(X.withShape({N, *C2, Mul(H, B), Mul(W, B)}));
  }
  auto H2 = Div(H, B, "height");
  if (!H2)
    return H2.takeError();
  auto W2 = Div(W, B, "width");
  if (!W2)
    return W2.takeError();
  return one(X.withShape({N, Mul(C, B * B), *H2, *W2}));
}

void registerResizeOps(OpRegistry &R) {
  OpDef Resize;
  Resize.Name = "onnx.Resize";
  Resize.MinOperands = 1;
  Resize.MaxOperands = 4;
  Resize.Attrs = {{"antialias", AttrKind::Int},
                  {"axes", AttrKind::Ints},
                  {"coordinate_transformation_mode", AttrKind::String},
                  {"cubic_coeff_a", AttrKind::Float},
                  {"exclude_outside", AttrKind::Int},
                  {"extrapolation_value", AttrKind::Float},
                  {"keep_aspect_ratio_policy", AttrKind::String},
                  {"mode", AttrKind::String},
                  {"nearest_mode", AttrKind::String}};
  Resize.Verify = verifyResize;
  Resize.InferTypes = inferResize;
  addOp(R, std::move(Resize));

  for (const char *Name : {"onnx.DepthToSpace", "onnx.SpaceToDepth"}) {
    OpDef D;
    D.Name = Name;
    D.MinOperands = D.MaxOperands = 1;
    D.Attrs = {{"blocksize", AttrKind::Int, true}};
    if (StringRef(Name) == "onnx.DepthToSpace")
      D.Attrs.push_back({"mode", AttrKind::String});
    D.Verify = [](const Op &O) -> Error {
      if (Error E = checkIntAttrRange(O, "blocksize", 1, INT64_MAX))
        return E;
      return checkOneOf(O, "mode", "DCR", {"DCR", "CRD"});
    };
    D.InferTypes = inferDepthSpace;
    addOp(R, std::move(D));
  }
}

} // namespace onnxops
} // namespace onncf
