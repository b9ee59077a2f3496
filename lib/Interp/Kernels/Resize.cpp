//===- Resize.cpp - Resize kernel
//------------------------------------------===//
//
// Part of onnc-fault. onnx.Resize (nearest, linear, cubic; every
// coordinate_transformation_mode, nearest_mode, exclude_outside,
// cubic_coeff_a, extrapolation_value, antialias) for float and integer
// element types. The output dims and per-axis scales come from
// computeResizeGeometry(), the helper type inference uses.
//
// ONNX defines N-D resizing as nested 1-D interpolations, i.e. a separable
// filter, so the kernel runs one 1-D pass per resized axis (in double
// precision). Each output coordinate's source taps and weights are
// computed once per axis, following the ONNX reference: the source
// coordinate x_ori, a ratio in (0, 1] (an integral x_ori counts as ratio 1
// from the pixel on its left), n taps around it read with edge clamping.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace interp {

namespace {
enum class Mode { Nearest, Linear, Cubic };

struct ResizeAttrs {
  Mode M = Mode::Nearest;
  std::string Coord, Nearest;
  double CubicA = -0.75, Extrapolation = 0;
  bool ExcludeOutside = false, Antialias = false;
};

/// The taps of one output coordinate: Weights[j] applies to source index
/// clamp(First + j); Extrapolate means the output is extrapolation_value.
struct Taps {
  int64_t First = 0;
  SmallVector<double, 4> Weights;
  bool Extrapolate = false;
};
} // namespace

static double cubicW(double X, double A) {
  X = std::fabs(X);
  if (X <= 1)
    return ((A + 2) * X - (A + 3)) * X * X + 1;
  if (X < 2)
    return ((A * X - 5 * A) * X + 8 * A) * X - 4 * A;
  return 0;
}

/// Source coordinate of output index \p X along an axis of \p In input and
/// \p Out output elements; false if tf_crop_and_resize falls outside.
static bool sourceCoord(const ResizeAttrs &R, double X, int64_t In, int64_t Out,
                        double Scale, double RoiStart, double RoiEnd,
                        double &XOri) {
  double OutW = Scale * In; // The reference uses the unrounded width.
  const std::string &C = R.Coord;
  if (C == "align_corners") {
    XOri = OutW == 1 ? 0.0 : X * (In - 1) / (OutW - 1);
  } else if (C == "asymmetric") {
    XOri = X / Scale;
  } else if (C == "tf_crop_and_resize") {
    XOri = OutW == 1 ? (RoiEnd - RoiStart) * (In - 1) / 2
                     : X * (RoiEnd - RoiStart) * (In - 1) / (OutW - 1);
    XOri += RoiStart * (In - 1);
    if (XOri < 0 || XOri > In - 1)
      return false;
  } else if (C == "pytorch_half_pixel") {
    XOri = OutW == 1 ? -0.5 : (X + 0.5) / Scale - 0.5;
  } else if (C == "tf_half_pixel_for_nn") {
    XOri = (X + 0.5) / Scale;
  } else if (C == "half_pixel_symmetric") {
    double Adjustment = Out / OutW, Center = In / 2.0;
    XOri = Center * (1 - Adjustment) + (X + 0.5) / Scale - 0.5;
  } else { // half_pixel
    XOri = (X + 0.5) / Scale - 0.5;
  }
  return true;
}

static Taps computeTaps(const ResizeAttrs &R, int64_t X, int64_t In,
                        int64_t Out, double Scale, double RoiStart,
                        double RoiEnd) {
  Taps T;
  double XOri;
  if (!sourceCoord(R, X, In, Out, Scale, RoiStart, RoiEnd, XOri)) {
    T.Extrapolate = true;
    return T;
  }
  double Base = std::floor(XOri), Ratio = XOri - Base;
  if (Ratio == 0) { // Prefer the pixel on the left: ratio in (0, 1].
    Ratio = 1;
    Base -= 1;
  }
  SmallVector<double, 4> &W = T.Weights;
  if (R.M == Mode::Nearest) {
    bool Right;
    if (Ratio == 1)
      Right = true;
    else if (R.Nearest == "round_prefer_ceil")
      Right = Ratio >= 0.5;
    else if (R.Nearest == "floor")
      Right = false;
    else if (R.Nearest == "ceil")
      Right = true;
    else // round_prefer_floor
      Right = Ratio > 0.5;
    W = {Right ? 0.0 : 1.0, Right ? 1.0 : 0.0};
  } else if (R.Antialias && Scale < 1) {
    // The filter is stretched by 1/scale so it covers every source pixel.
    if (R.M == Mode::Linear) {
      int64_t Start = (int64_t)std::floor(-1 / Scale) + 1;
      for (int64_t I = Start; I < 2 - Start; ++I)
        W.push_back(std::max(0.0, 1 - std::fabs((I - Ratio) * Scale)));
    } else {
      int64_t Start = (int64_t)std::floor(-2 / Scale) + 1;
      for (int64_t I = Start; I < 2 - Start; ++I)
        W.push_back(cubicW(Scale * (I - Ratio), R.CubicA));
    }
    double Sum = 0;
    for (double V : W)
      Sum += V;
    for (double &V : W)
      V /= Sum;
  } else if (R.M == Mode::Linear) {
    W = {1 - Ratio, Ratio};
  } else {
    for (int I = -1; I <= 2; ++I)
      W.push_back(cubicW(I - Ratio, R.CubicA));
  }
  int64_t N = W.size();
  T.First = (int64_t)Base - (N / 2 - 1);
  if (R.ExcludeOutside) {
    double Sum = 0;
    for (int64_t J = 0; J < N; ++J) {
      int64_t Idx = T.First + J;
      if (Idx < 0 || Idx >= In)
        W[J] = 0;
      Sum += W[J];
    }
    if (Sum != 0)
      for (double &V : W)
        V /= Sum;
  }
  return T;
}

/// One 1-D pass along the middle dim of [Outer, In, Inner] -> [Outer, Out,
/// Inner].
static void resizeAxis(const ResizeAttrs &R, const std::vector<double> &Src,
                       std::vector<double> &Dst, int64_t Outer, int64_t In,
                       int64_t Out, int64_t Inner, double Scale,
                       double RoiStart, double RoiEnd) {
  std::vector<Taps> AllTaps;
  AllTaps.reserve(Out);
  for (int64_t X = 0; X < Out; ++X)
    AllTaps.push_back(computeTaps(R, X, In, Out, Scale, RoiStart, RoiEnd));
  Dst.assign(Outer * Out * Inner, 0.0);
  for (int64_t O = 0; O < Outer; ++O)
    for (int64_t X = 0; X < Out; ++X) {
      double *D = Dst.data() + (O * Out + X) * Inner;
      const Taps &T = AllTaps[X];
      if (T.Extrapolate) {
        std::fill(D, D + Inner, R.Extrapolation);
        continue;
      }
      for (size_t J = 0; J < T.Weights.size(); ++J) {
        double Wt = T.Weights[J];
        if (Wt == 0)
          continue;
        int64_t Idx = std::clamp<int64_t>(T.First + (int64_t)J, 0, In - 1);
        const double *S = Src.data() + (O * In + Idx) * Inner;
        for (int64_t I = 0; I < Inner; ++I)
          D[I] += Wt * S[I];
      }
    }
}

static Error resizeKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  ResizeAttrs R;
  std::string Mode = O.getStringAttr("mode", "nearest");
  if (Mode == "nearest")
    R.M = Mode::Nearest;
  else if (Mode == "linear" || Mode == "bilinear" || Mode == "trilinear")
    R.M = Mode::Linear;
  else if (Mode == "cubic" || Mode == "bicubic")
    R.M = Mode::Cubic;
  else
    return makeError("unknown mode '" + Mode + "'");
  R.Coord = O.getStringAttr("coordinate_transformation_mode", "half_pixel");
  R.Nearest = O.getStringAttr("nearest_mode", "round_prefer_floor");
  R.CubicA = O.getFloatAttr("cubic_coeff_a", -0.75f);
  R.Extrapolation = O.getFloatAttr("extrapolation_value", 0.0f);
  R.ExcludeOutside = O.getIntAttr("exclude_outside", 0) != 0;
  R.Antialias = O.getIntAttr("antialias", 0) != 0;

  OperandInfo Info(In);
  auto G = computeResizeGeometry(O, Info.In);
  if (!G)
    return G.takeError();
  ArrayRef<int64_t> XS = X.getShape(), YS = Y.getShape();
  size_t Rank = XS.size();
  if (ArrayRef<int64_t>(G->Output) != YS ||
      Y.getElementType() != X.getElementType())
    return makeError("result " + Y.getType().str() +
                     " does not match the computed output shape");

  // Per-dim roi (tf_crop_and_resize): [starts..., ends...] over "axes".
  SmallVector<double, 4> RoiStart(Rank, 0.0), RoiEnd(Rank, 1.0);
  if (R.Coord == "tf_crop_and_resize" && In.size() > 1 && In[1] &&
      In[1]->getNumElements() > 0) {
    std::vector<int64_t> Axes = O.getIntsAttr("axes");
    if (Axes.empty())
      for (size_t D = 0; D < Rank; ++D)
        Axes.push_back(D);
    if (In[1]->getNumElements() != 2 * (int64_t)Axes.size())
      return makeError("roi has " + Twine(In[1]->getNumElements()) +
                       " entries, expected " + Twine(2 * Axes.size()));
    for (size_t K = 0; K < Axes.size(); ++K) {
      auto A = normalizeAxis(Axes[K], Rank);
      if (!A)
        return A.takeError();
      RoiStart[*A] = In[1]->getAsDouble(K);
      RoiEnd[*A] = In[1]->getAsDouble(K + Axes.size());
    }
  }

  ElementType Ty = X.getElementType();
  if (Ty == ElementType::Bool)
    return unsupportedType(X);
  std::vector<double> Cur(X.getNumElements()), Next;
  if (Ty == ElementType::F16) {
    auto Bits = reinterpret_cast<const uint16_t *>(X.bytes().data());
    for (size_t I = 0; I < Cur.size(); ++I)
      Cur[I] = halfToFloat(Bits[I]);
  } else {
    for (size_t I = 0; I < Cur.size(); ++I)
      Cur[I] = X.getAsDouble(I);
  }
  SmallVector<int64_t, 6> Shape(XS.begin(), XS.end());
  for (size_t D = 0; D < Rank; ++D) {
    bool Identity =
        YS[D] == XS[D] && G->Scales[D] == 1 && R.Coord != "tf_crop_and_resize";
    if (Identity)
      continue;
    if (XS[D] == 0)
      return makeError("cannot resize an empty dim to " + Twine(YS[D]));
    int64_t Outer = product(ArrayRef<int64_t>(Shape).take_front(D));
    int64_t Inner = product(ArrayRef<int64_t>(Shape).drop_front(D + 1));
    resizeAxis(R, Cur, Next, Outer, XS[D], YS[D], Inner, G->Scales[D],
               RoiStart[D], RoiEnd[D]);
    Shape[D] = YS[D];
    std::swap(Cur, Next);
  }

  int64_t N = Y.getNumElements();
  auto Store = [&](auto Z) {
    using T = decltype(Z);
    T *D = reinterpret_cast<T *>(Y.mutableBytes().data());
    for (int64_t I = 0; I < N; ++I) {
      if constexpr (std::is_floating_point_v<T>) {
        D[I] = (T)Cur[I];
      } else {
        double V = std::nearbyint(Cur[I]);
        V = std::clamp<double>(V, (double)std::numeric_limits<T>::lowest(),
                               (double)std::numeric_limits<T>::max());
        D[I] = (T)V;
      }
    }
  };
  switch (Ty) {
  case ElementType::F32:
    Store(float());
    break;
  case ElementType::F64:
    Store(double());
    break;
  case ElementType::F16: {
    auto *D = reinterpret_cast<uint16_t *>(Y.mutableBytes().data());
    for (int64_t I = 0; I < N; ++I)
      D[I] = floatToHalf((float)Cur[I]);
    break;
  }
  case ElementType::I64:
    Store(int64_t());
    break;
  case ElementType::I32:
    Store(int32_t());
    break;
  case ElementType::I16:
    Store(int16_t());
    break;
  case ElementType::I8:
    Store(int8_t());
    break;
  case ElementType::U8:
  case ElementType::Bool:
    Store(uint8_t());
    break;
  }
  return Error::success();
}

} // namespace interp

void registerResizeKernels(KernelRegistry &R) {
  R.add("onnx.Resize", interp::resizeKernel);
}

} // namespace onncf
