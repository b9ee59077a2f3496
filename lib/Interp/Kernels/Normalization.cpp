//===- Normalization.cpp - BatchNormalization, LRN, InstanceNorm -----------===//
//
// Part of onnc-fault. Inference-mode normalisations, float32. Batch
// normalisation uses the stored statistics only (training_mode outputs are
// not produced), so every image is normalised on its own.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace interp {

static Error checkF32(ArrayRef<const Tensor *> In) {
  for (const Tensor *T : In)
    if (T && T->getElementType() != ElementType::F32)
      return unsupportedType(*T);
  return Error::success();
}

static Error batchNormKernel(const Op &O, ArrayRef<const Tensor *> In,
                             MutableArrayRef<Tensor> Out) {
  if (In.size() < 5)
    return makeError("expects X, scale, B, mean and var");
  if (Error E = checkF32(In.take_front(5)))
    return E;
  if (O.getIntAttr("training_mode", 0))
    return makeError("training_mode=1 is not supported by the interpreter");
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  if (XS.size() < 2)
    return makeError("input must have rank >= 2, got " + X.getType().str());
  int64_t N = XS[0], C = XS[1], Inner = product(XS.drop_front(2));
  for (unsigned I = 1; I < 5; ++I)
    if (In[I]->getNumElements() != C)
      return makeError("operand " + Twine(I) + " has " +
                       Twine(In[I]->getNumElements()) + " elements, expected " +
                       Twine(C));
  float Eps = O.getFloatAttr("epsilon", 1e-5f);
  const float *Scale = In[1]->data<float>().data(),
              *Bias = In[2]->data<float>().data(),
              *Mean = In[3]->data<float>().data(),
              *Var = In[4]->data<float>().data();
  // y = (x - mean) / sqrt(var + eps) * scale + bias, as a per-channel
  // multiply-add.
  std::vector<float> Mul(C), Add(C);
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    Mul[Ch] = Scale[Ch] / std::sqrt(Var[Ch] + Eps);
    Add[Ch] = Bias[Ch] - Mean[Ch] * Mul[Ch];
  }
  const float *XD = X.data<float>().data();
  float *YD = Out[0].mutableData<float>().data();
  for (int64_t Img = 0; Img < N; ++Img)
    for (int64_t Ch = 0; Ch < C; ++Ch) {
      const float *XP = XD + (Img * C + Ch) * Inner;
      float *YP = YD + (Img * C + Ch) * Inner;
      float M = Mul[Ch], A = Add[Ch];
      for (int64_t I = 0; I < Inner; ++I)
        YP[I] = XP[I] * M + A;
    }
  // Optional running mean/var results (inference mode: pass through).
  for (unsigned R = 1; R < Out.size(); ++R) {
    if (R < 3 && Out[R].getNumElements() == C &&
        Out[R].getElementType() == ElementType::F32)
      std::copy(In[2 + R]->data<float>().begin(),
                In[2 + R]->data<float>().end(),
                Out[R].mutableData<float>().begin());
    else // Results may be recycled buffers: never leave them undefined.
      std::fill(Out[R].mutableBytes().begin(), Out[R].mutableBytes().end(), 0);
  }
  return Error::success();
}

static Error lrnKernel(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out) {
  if (Error E = checkF32(In))
    return E;
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  if (XS.size() < 3)
    return makeError("input must have rank >= 3, got " + X.getType().str());
  int64_t Size = O.getIntAttr("size", 0);
  if (Size < 1)
    return makeError("size must be >= 1");
  double Alpha = O.getFloatAttr("alpha", 1e-4f), Beta = O.getFloatAttr("beta", 0.75f),
         Bias = O.getFloatAttr("bias", 1.0f);
  int64_t N = XS[0], C = XS[1], Inner = product(XS.drop_front(2));
  int64_t Lo = (Size - 1) / 2, Hi = (Size - 1) - Lo; // floor / ceil
  const float *XD = X.data<float>().data();
  float *YD = Out[0].mutableData<float>().data();
  for (int64_t Img = 0; Img < N; ++Img)
    for (int64_t Ch = 0; Ch < C; ++Ch)
      for (int64_t I = 0; I < Inner; ++I) {
        double Sq = 0;
        for (int64_t J = std::max<int64_t>(0, Ch - Lo);
             J <= std::min<int64_t>(C - 1, Ch + Hi); ++J) {
          double V = XD[(Img * C + J) * Inner + I];
          Sq += V * V;
        }
        int64_t Idx = (Img * C + Ch) * Inner + I;
        YD[Idx] =
            (float)(XD[Idx] / std::pow(Bias + Alpha / Size * Sq, Beta));
      }
  return Error::success();
}

static Error instanceNormKernel(const Op &O, ArrayRef<const Tensor *> In,
                                MutableArrayRef<Tensor> Out) {
  if (Error E = checkF32(In))
    return E;
  const Tensor &X = *In[0];
  ArrayRef<int64_t> XS = X.getShape();
  if (XS.size() < 3)
    return makeError("input must have rank >= 3, got " + X.getType().str());
  int64_t N = XS[0], C = XS[1], Inner = product(XS.drop_front(2));
  if (In[1]->getNumElements() != C || In[2]->getNumElements() != C)
    return makeError("scale and B must have " + Twine(C) + " elements");
  double Eps = O.getFloatAttr("epsilon", 1e-5f);
  const float *XD = X.data<float>().data(), *S = In[1]->data<float>().data(),
              *B = In[2]->data<float>().data();
  float *YD = Out[0].mutableData<float>().data();
  for (int64_t P = 0; P < N * C; ++P) {
    const float *XP = XD + P * Inner;
    double Sum = 0, Sq = 0;
    for (int64_t I = 0; I < Inner; ++I)
      Sum += XP[I];
    double Mean = Sum / Inner;
    for (int64_t I = 0; I < Inner; ++I)
      Sq += (XP[I] - Mean) * (XP[I] - Mean);
    double InvStd = 1.0 / std::sqrt(Sq / Inner + Eps);
    int64_t Ch = P % C;
    for (int64_t I = 0; I < Inner; ++I)
      YD[P * Inner + I] = (float)((XP[I] - Mean) * InvStd * S[Ch] + B[Ch]);
  }
  return Error::success();
}

} // namespace interp

void registerNormalizationKernels(KernelRegistry &R) {
  R.add("onnx.BatchNormalization", interp::batchNormKernel);
  R.add("onnx.LRN", interp::lrnKernel);
  R.add("onnx.InstanceNormalization", interp::instanceNormKernel);
}

} // namespace onncf
