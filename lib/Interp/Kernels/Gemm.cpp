//===- Gemm.cpp - Gemm and MatMul kernels ----------------------------------===//
//
// Part of onnc-fault. Both go through the blocked SGEMM. In Gemm the rows of
// A are usually the batch; SGEMM accumulates every output element in the
// same K order whatever M is, so a row does not depend on its neighbours.
// MatMul follows numpy: 1-D operands are promoted, leading axes broadcast.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Interp/Sgemm.h"

using namespace llvm;

namespace onncf {
namespace interp {

std::vector<float> packGemmB(const Op &O, const Tensor &B) {
  if (O.getIntAttr("transA", 0) || B.getElementType() != ElementType::F32 ||
      B.getType().getRank() != 2)
    return {};
  bool TB = O.getIntAttr("transB", 0);
  int64_t K = B.getShape()[TB ? 1 : 0], N = B.getShape()[TB ? 0 : 1];
  int64_t NR = getSgemmPanelWidth(), LDB = B.getShape()[1];
  const float *BD = B.data<float>().data();
  // Per NR-column panel of op(B) (K x N), K rows of NR floats; columns
  // past N are zero, as the SGEMM pads its own panels.
  std::vector<float> P((N + NR - 1) / NR * NR * K, 0.0f);
  for (int64_t J0 = 0; J0 < N; J0 += NR) {
    float *D = P.data() + J0 * K;
    for (int64_t Kk = 0; Kk < K; ++Kk)
      for (int64_t J = J0; J < std::min(N, J0 + NR); ++J)
        D[Kk * NR + J - J0] = TB ? BD[J * LDB + Kk] : BD[Kk * LDB + J];
  }
  return P;
}

/// Gemm, with op(B) from \p PackedB when it is not empty.
static Error gemm(const Op &O, ArrayRef<const Tensor *> In, Tensor &Y,
                  ArrayRef<float> PackedB) {
  const Tensor &A = *In[0], &B = *In[1];
  const Tensor *C = In.size() > 2 ? In[2] : nullptr;
  if (A.getElementType() != ElementType::F32 ||
      B.getElementType() != ElementType::F32 ||
      (C && C->getElementType() != ElementType::F32))
    return unsupportedType(A);
  if (A.getType().getRank() != 2 || B.getType().getRank() != 2)
    return makeError("A and B must be matrices, got " + A.getType().str() +
                     " and " + B.getType().str());
  bool TA = O.getIntAttr("transA", 0), TB = O.getIntAttr("transB", 0);
  float Alpha = O.getFloatAttr("alpha", 1.0f), Beta = O.getFloatAttr("beta", 1.0f);
  int64_t M = A.getShape()[TA ? 1 : 0], K = A.getShape()[TA ? 0 : 1];
  int64_t KB = B.getShape()[TB ? 1 : 0], N = B.getShape()[TB ? 0 : 1];
  if (K != KB)
    return makeError("inner dimensions differ: " + A.getType().str() +
                     (TA ? "^T" : "") + " x " + B.getType().str() +
                     (TB ? "^T" : ""));
  if (Y.getNumElements() != M * N)
    return makeError("result type " + Y.getType().str() + " is not [" +
                     Twine(M) + "," + Twine(N) + "]");
  float *YD = Y.mutableData<float>().data();
  int64_t NR = getSgemmPanelWidth();
  if (!PackedB.empty() && !TA &&
      (int64_t)PackedB.size() == (N + NR - 1) / NR * NR * K)
    // Same blocking and micro-kernel as sgemm(): the same bits.
    sgemmPrePacked(M, N, K, A.data<float>().data(), A.getShape()[1],
                   PackedB.data(), YD, N);
  else
    sgemm(TA, TB, M, N, K, A.data<float>().data(), A.getShape()[1],
          B.data<float>().data(), B.getShape()[1], YD, N);
  if (Alpha != 1.0f)
    for (int64_t I = 0; I < M * N; ++I)
      YD[I] *= Alpha;
  if (C && Beta != 0.0f) {
    // C broadcasts to [M, N] (unidirectionally).
    ArrayRef<int64_t> CS = C->getShape();
    int64_t CM = 1, CN = 1;
    if (CS.size() == 1)
      CN = CS[0];
    else if (CS.size() == 2)
      CM = CS[0], CN = CS[1];
    else if (CS.size() > 2)
      return makeError("C must have rank <= 2, got " + C->getType().str());
    if ((CM != 1 && CM != M) || (CN != 1 && CN != N))
      return makeError("C " + C->getType().str() +
                       " does not broadcast to [" + Twine(M) + "," +
                       Twine(N) + "]");
    const float *CD = C->data<float>().data();
    for (int64_t I = 0; I < M; ++I) {
      const float *CR = CD + (CM == 1 ? 0 : I * CN);
      float *YR = YD + I * N;
      if (CN == 1)
        for (int64_t J = 0; J < N; ++J)
          YR[J] += Beta * CR[0];
      else if (Beta == 1.0f)
        for (int64_t J = 0; J < N; ++J)
          YR[J] += CR[J];
      else
        for (int64_t J = 0; J < N; ++J)
          YR[J] += Beta * CR[J];
    }
  }
  return Error::success();
}

Error gemmPrePacked(const Op &O, ArrayRef<const Tensor *> In, Tensor &Y,
                    ArrayRef<float> PackedB) {
  return gemm(O, In, Y, PackedB);
}

static Error gemmKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  return gemm(O, In, Out[0], {});
}

static Error matMulKernel(const Op &O, ArrayRef<const Tensor *> In,
                          MutableArrayRef<Tensor> Out) {
  const Tensor &A = *In[0], &B = *In[1];
  Tensor &Y = Out[0];
  if (A.getElementType() != ElementType::F32 ||
      B.getElementType() != ElementType::F32)
    return unsupportedType(A.getElementType() != ElementType::F32 ? A : B);
  SmallVector<int64_t, 4> AS(A.getShape().begin(), A.getShape().end());
  SmallVector<int64_t, 4> BS(B.getShape().begin(), B.getShape().end());
  if (AS.empty() || BS.empty())
    return makeError("MatMul operands must have rank >= 1");
  if (AS.size() == 1)
    AS.insert(AS.begin(), 1);
  if (BS.size() == 1)
    BS.push_back(1);
  int64_t M = AS[AS.size() - 2], K = AS.back(), N = BS.back();
  if (BS[BS.size() - 2] != K)
    return makeError("inner dimensions differ: " + A.getType().str() + " x " +
                     B.getType().str());
  // Broadcast the batch axes.
  size_t BR = std::max(AS.size(), BS.size()) - 2;
  SmallVector<int64_t, 4> Batch(BR), AStr(BR), BStr(BR);
  int64_t AStep = M * K, BStep = K * N;
  for (int I = BR - 1; I >= 0; --I) {
    int64_t AI = (int)I - (int)(BR - (AS.size() - 2));
    int64_t BI = (int)I - (int)(BR - (BS.size() - 2));
    int64_t AD = AI >= 0 ? AS[AI] : 1, BD = BI >= 0 ? BS[BI] : 1;
    if (AD != BD && AD != 1 && BD != 1)
      return makeError("batch dimensions of " + A.getType().str() + " and " +
                       B.getType().str() + " do not broadcast");
    Batch[I] = std::max(AD, BD);
    AStr[I] = AD == 1 ? 0 : AStep;
    BStr[I] = BD == 1 ? 0 : BStep;
    AStep *= AD;
    BStep *= BD;
  }
  int64_t Total = product(Batch);
  if (Y.getNumElements() != Total * M * N)
    return makeError("result type " + Y.getType().str() +
                     " does not match the operands");
  const float *AD = A.data<float>().data(), *BD = B.data<float>().data();
  float *YD = Y.mutableData<float>().data();
  SmallVector<int64_t, 4> Index(BR, 0);
  for (int64_t T = 0; T < Total; ++T) {
    int64_t AOff = 0, BOff = 0;
    for (size_t I = 0; I < BR; ++I)
      AOff += Index[I] * AStr[I], BOff += Index[I] * BStr[I];
    sgemm(false, false, M, N, K, AD + AOff, K, BD + BOff, N, YD + T * M * N,
          N);
    for (int I = BR - 1; I >= 0; --I) {
      if (++Index[I] < Batch[I])
        break;
      Index[I] = 0;
    }
  }
  return Error::success();
}

} // namespace interp

void registerGemmKernels(KernelRegistry &R) {
  R.add("onnx.Gemm", interp::gemmKernel);
  R.add("onnx.MatMul", interp::matMulKernel);
}

} // namespace onncf
