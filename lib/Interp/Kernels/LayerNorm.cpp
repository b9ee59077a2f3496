//===- LayerNorm.cpp - LayerNormalization and MeanVarianceNormalization
//----===//
//
// Part of onnc-fault. onnx.LayerNormalization normalises each row of the
// trailing dims [axis, rank) (so every batch element on its own), with
// Scale and optional B broadcast to those dims, and writes the optional
// Mean and InvStdDev results. onnx.MeanVarianceNormalization normalises
// over its "axes" (default N, H, W). Statistics are computed in double.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace interp {

/// \p T (optional) broadcast to \p Shape, as doubles.
static Expected<std::vector<double>>
expandTo(const Tensor *T, ArrayRef<int64_t> Shape, double Default) {
  int64_t N = product(Shape);
  std::vector<double> R(N, Default);
  if (!T)
    return R;
  auto S = broadcastStrides(T->getShape(), Shape);
  if (!S)
    return S.takeError();
  SmallVector<int64_t, 6> Idx(Shape.size(), 0);
  int64_t Off = 0;
  for (int64_t I = 0; I < N; ++I) {
    R[I] = T->getAsDouble(Off);
    for (int D = (int)Shape.size() - 1; D >= 0; --D) {
      Off += (*S)[D];
      if (++Idx[D] < Shape[D])
        break;
      Off -= (*S)[D] * Shape[D];
      Idx[D] = 0;
    }
  }
  return R;
}

static double readElem(const Tensor &T, int64_t I) {
  if (T.getElementType() == ElementType::F16)
    return halfToFloat(reinterpret_cast<const uint16_t *>(T.bytes().data())[I]);
  return T.getAsDouble(I);
}

static Error writeElem(Tensor &T, int64_t I, double V) {
  switch (T.getElementType()) {
  case ElementType::F32:
    reinterpret_cast<float *>(T.mutableBytes().data())[I] = (float)V;
    return Error::success();
  case ElementType::F64:
    reinterpret_cast<double *>(T.mutableBytes().data())[I] = V;
    return Error::success();
  case ElementType::F16:
    reinterpret_cast<uint16_t *>(T.mutableBytes().data())[I] =
        floatToHalf((float)V);
    return Error::success();
  default:
    return unsupportedType(T);
  }
}

static Error layerNormKernel(const Op &O, ArrayRef<const Tensor *> In,
                             MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  auto Axis = normalizeAxis(O.getIntAttr("axis", -1), XS.size());
  if (!Axis)
    return Axis.takeError();
  double Eps = O.getFloatAttr("epsilon", 1e-5f);
  ArrayRef<int64_t> Norm = XS.drop_front(*Axis);
  int64_t Rows = product(XS.take_front(*Axis)), Cols = product(Norm);
  auto Scale = expandTo(In.size() > 1 ? In[1] : nullptr, Norm, 1.0);
  if (!Scale)
    return Scale.takeError();
  auto Bias = expandTo(In.size() > 2 ? In[2] : nullptr, Norm, 0.0);
  if (!Bias)
    return Bias.takeError();
  if (Out[0].getNumElements() != X.getNumElements())
    return makeError("result " + Out[0].getType().str() +
                     " does not match the input");
  Tensor *Mean = Out.size() > 1 && !Out[1].isNull() ? &Out[1] : nullptr;
  Tensor *InvStd = Out.size() > 2 && !Out[2].isNull() ? &Out[2] : nullptr;
  if ((Mean && Mean->getNumElements() != Rows) ||
      (InvStd && InvStd->getNumElements() != Rows))
    return makeError("Mean/InvStdDev results must have " + Twine(Rows) +
                     " elements");
  std::vector<double> Row(Cols);
  for (int64_t R = 0; R < Rows; ++R) {
    double Sum = 0, SumSq = 0;
    for (int64_t C = 0; C < Cols; ++C) {
      Row[C] = readElem(X, R * Cols + C);
      Sum += Row[C];
    }
    double Mu = Cols ? Sum / Cols : 0;
    for (int64_t C = 0; C < Cols; ++C)
      SumSq += (Row[C] - Mu) * (Row[C] - Mu);
    double Inv = 1.0 / std::sqrt((Cols ? SumSq / Cols : 0) + Eps);
    for (int64_t C = 0; C < Cols; ++C)
      if (Error E = writeElem(Out[0], R * Cols + C,
                              (Row[C] - Mu) * Inv * (*Scale)[C] + (*Bias)[C]))
        return E;
    if (Mean)
      if (Error E = writeElem(*Mean, R, Mu))
        return E;
    if (InvStd)
      if (Error E = writeElem(*InvStd, R, Inv))
        return E;
  }
  return Error::success();
}

static Error mvnKernel(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  size_t Rank = XS.size();
  SmallVector<bool, 6> Reduced(Rank, false);
  for (int64_t A : O.getIntsAttr("axes", {0, 2, 3})) {
    auto N = normalizeAxis(A, Rank);
    if (!N)
      return N.takeError();
    Reduced[*N] = true;
  }
  // Statistics index of every element: its coordinates on the kept axes.
  SmallVector<int64_t, 6> Kept(XS.begin(), XS.end());
  for (size_t D = 0; D < Rank; ++D)
    if (Reduced[D])
      Kept[D] = 1;
  auto KStr = stridesOf(Kept);
  int64_t N = X.getNumElements(), NStat = product(Kept);
  int64_t Count = NStat ? N / NStat : 0;
  std::vector<int64_t> StatOf(N);
  SmallVector<int64_t, 6> Idx(Rank, 0);
  for (int64_t I = 0; I < N; ++I) {
    int64_t S = 0;
    for (size_t D = 0; D < Rank; ++D)
      S += Reduced[D] ? 0 : Idx[D] * KStr[D];
    StatOf[I] = S;
    for (int D = (int)Rank - 1; D >= 0; --D) {
      if (++Idx[D] < XS[D])
        break;
      Idx[D] = 0;
    }
  }
  std::vector<double> Mean(NStat, 0), Var(NStat, 0);
  for (int64_t I = 0; I < N; ++I)
    Mean[StatOf[I]] += readElem(X, I);
  for (double &M : Mean)
    M /= Count;
  for (int64_t I = 0; I < N; ++I) {
    double D = readElem(X, I) - Mean[StatOf[I]];
    Var[StatOf[I]] += D * D;
  }
  for (int64_t I = 0; I < N; ++I) {
    int64_t S = StatOf[I];
    double V = (readElem(X, I) - Mean[S]) / std::sqrt(Var[S] / Count + 1e-9);
    if (Error E = writeElem(Out[0], I, V))
      return E;
  }
  return Error::success();
}

} // namespace interp

void registerLayerNormKernels(KernelRegistry &R) {
  R.add("onnx.LayerNormalization", interp::layerNormKernel);
  R.add("onnx.MeanVarianceNormalization", interp::mvnKernel);
}

} // namespace onncf
