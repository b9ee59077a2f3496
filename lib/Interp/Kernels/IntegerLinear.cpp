//===- IntegerLinear.cpp - Integer and QLinear Conv / MatMul kernels
//-------===//
//
// Part of onnc-fault. onnx.ConvInteger, onnx.QLinearConv, onnx.MatMulInteger
// and onnx.QLinearMatMul: the zero points are subtracted and products
// accumulated exactly in int64 (the spec's int32 cannot overflow for 8-bit
// operands below 2^15 terms), then the QLinear forms requantise with
// x_scale * w_scale / y_scale, round half to even and saturate. Direct
// loops: these ops exist for conformance and checking, not speed. Every
// image / matrix of a batch is computed on its own.
//
//===----------------------------------------------------------------------===//
#include "Broadcast.h"
#include "onncf/Interp/Kernels.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace interp {

/// Per-element or per-channel quantization parameter (scalar or 1-D).
static double param(const Tensor *T, int64_t Channel, double Default) {
  if (!T || T->getNumElements() == 0)
    return Default;
  return T->getAsDouble(T->getNumElements() == 1 ? 0 : Channel);
}

/// Round half to even, add the zero point, saturate to \p Y's type.
static Error requantize(ArrayRef<int64_t> Acc, Tensor &Y,
                        function_ref<double(int64_t)> Multiplier,
                        double ZeroPoint) {
  double Lo, Hi;
  switch (Y.getElementType()) {
  case ElementType::U8:
    Lo = 0, Hi = 255;
    break;
  case ElementType::I8:
    Lo = -128, Hi = 127;
    break;
  default:
    return unsupportedType(Y);
  }
  char *P = Y.mutableBytes().data();
  for (size_t I = 0; I < Acc.size(); ++I) {
    double V = std::nearbyint((double)Acc[I] * Multiplier(I)) + ZeroPoint;
    V = std::clamp(V, Lo, Hi);
    if (Y.getElementType() == ElementType::U8)
      reinterpret_cast<uint8_t *>(P)[I] = (uint8_t)V;
    else
      reinterpret_cast<int8_t *>(P)[I] = (int8_t)V;
  }
  return Error::success();
}

/// Integer convolution of X (zero point XZP) and W (per-output-channel
/// zero point WZP) into \p Acc (the result's shape \p YS).
static Error convInteger(const Op &O, const Tensor &X, const Tensor &W,
                         const Tensor *XZP, const Tensor *WZP,
                         ArrayRef<int64_t> YS, std::vector<int64_t> &Acc) {
  ArrayRef<int64_t> XS = X.getShape(), WS = W.getShape();
  if (XS.size() < 3 || XS.size() > 5)
    return makeError("only 1-D to 3-D convolutions are supported");
  auto SG = computeConvGeometry(O, XS, WS);
  if (!SG)
    return SG.takeError();
  // Flatten to three spatial dims (leading dims of size 1).
  unsigned NS = SG->getNumSpatial(), Sh = 3 - NS;
  int64_t In[3] = {1, 1, 1}, Out[3] = {1, 1, 1}, K[3] = {1, 1, 1};
  int64_t S[3] = {1, 1, 1}, D[3] = {1, 1, 1}, P[3] = {0, 0, 0};
  for (unsigned I = 0; I < NS; ++I) {
    In[Sh + I] = XS[2 + I], Out[Sh + I] = YS[2 + I], K[Sh + I] = WS[2 + I];
    S[Sh + I] = SG->Strides[I], D[Sh + I] = SG->Dilations[I];
    P[Sh + I] = SG->PadsBegin[I];
  }
  int64_t N = XS[0], C = XS[1], M = WS[0], Group = O.getIntAttr("group", 1);
  if (Group < 1 || C % Group || M % Group || WS[1] != C / Group)
    return makeError("weight " + W.getType().str() + " and group " +
                     Twine(Group) + " do not match input " + X.getType().str());
  int64_t Cg = C / Group, Mg = M / Group;
  int64_t InSize = In[0] * In[1] * In[2], OutSize = Out[0] * Out[1] * Out[2];
  int64_t KSize = K[0] * K[1] * K[2];
  double XZ = param(XZP, 0, 0);
  std::vector<int64_t> XV(X.getNumElements()), WV(W.getNumElements());
  for (size_t I = 0; I < XV.size(); ++I)
    XV[I] = X.getAsInt(I) - (int64_t)XZ;
  for (size_t I = 0; I < WV.size(); ++I)
    WV[I] = W.getAsInt(I) - (int64_t)param(WZP, I / (Cg * KSize), 0);
  Acc.assign(N * M * OutSize, 0);
  for (int64_t Img = 0; Img < N; ++Img)
    for (int64_t Mo = 0; Mo < M; ++Mo) {
      int64_t Gr = Mo / Mg;
      int64_t *Y = Acc.data() + (Img * M + Mo) * OutSize;
      for (int64_t Ci = 0; Ci < Cg; ++Ci) {
        const int64_t *XC = XV.data() + (Img * C + Gr * Cg + Ci) * InSize;
        const int64_t *WC = WV.data() + (Mo * Cg + Ci) * KSize;
        for (int64_t O0 = 0; O0 < Out[0]; ++O0)
          for (int64_t O1 = 0; O1 < Out[1]; ++O1)
            for (int64_t O2 = 0; O2 < Out[2]; ++O2) {
              int64_t Sum = 0;
              for (int64_t K0 = 0; K0 < K[0]; ++K0) {
                int64_t I0 = O0 * S[0] - P[0] + K0 * D[0];
                if (I0 < 0 || I0 >= In[0])
                  continue;
                for (int64_t K1 = 0; K1 < K[1]; ++K1) {
                  int64_t I1 = O1 * S[1] - P[1] + K1 * D[1];
                  if (I1 < 0 || I1 >= In[1])
                    continue;
                  for (int64_t K2 = 0; K2 < K[2]; ++K2) {
                    int64_t I2 = O2 * S[2] - P[2] + K2 * D[2];
                    if (I2 < 0 || I2 >= In[2])
                      continue;
                    Sum += XC[(I0 * In[1] + I1) * In[2] + I2] *
                           WC[(K0 * K[1] + K1) * K[2] + K2];
                  }
                }
              }
              Y[(O0 * Out[1] + O1) * Out[2] + O2] += Sum;
            }
      }
    }
  return Error::success();
}

static void storeI32(ArrayRef<int64_t> Acc, Tensor &Y) {
  int32_t *D = reinterpret_cast<int32_t *>(Y.mutableBytes().data());
  for (size_t I = 0; I < Acc.size(); ++I)
    D[I] = (int32_t)Acc[I];
}

static const Tensor *opt(ArrayRef<const Tensor *> In, unsigned I) {
  return I < In.size() ? In[I] : nullptr;
}

static Error convIntegerKernel(const Op &O, ArrayRef<const Tensor *> In,
                               MutableArrayRef<Tensor> Out) {
  std::vector<int64_t> Acc;
  if (Error E = convInteger(O, *In[0], *In[1], opt(In, 2), opt(In, 3),
                            Out[0].getShape(), Acc))
    return E;
  if (Out[0].getElementType() != ElementType::I32)
    return unsupportedType(Out[0]);
  storeI32(Acc, Out[0]);
  return Error::success();
}

static Error qlinearConvKernel(const Op &O, ArrayRef<const Tensor *> In,
                               MutableArrayRef<Tensor> Out) {
  std::vector<int64_t> Acc;
  Tensor &Y = Out[0];
  if (Error E = convInteger(O, *In[0], *In[3], In[2], In[5], Y.getShape(), Acc))
    return E;
  int64_t M = Y.getShape()[1], Spatial = product(Y.getShape().drop_front(2));
  if (const Tensor *B = opt(In, 8))
    for (size_t I = 0; I < Acc.size(); ++I)
      Acc[I] += B->getAsInt((I / Spatial) % M);
  double XS = param(In[1], 0, 1), YSc = param(In[6], 0, 1);
  const Tensor *WScale = In[4];
  return requantize(
      Acc, Y,
      [&](int64_t I) { return XS * param(WScale, (I / Spatial) % M, 1) / YSc; },
      param(In[7], 0, 0));
}

/// Batched integer matmul with numpy batch broadcasting; A's zero point
/// per row (or scalar), B's per column (or scalar).
static Error matMulInteger(const Tensor &A, const Tensor &B, const Tensor *AZP,
                           const Tensor *BZP, ArrayRef<int64_t> YS,
                           std::vector<int64_t> &Acc) {
  ArrayRef<int64_t> AS = A.getShape(), BS = B.getShape();
  if (AS.size() < 2 || BS.size() < 2)
    return makeError("1-D MatMulInteger operands are not supported");
  int64_t M = AS[AS.size() - 2], K = AS.back(), N = BS.back();
  if (BS[BS.size() - 2] != K || YS.size() < 2)
    return makeError("inner dims differ: " + A.getType().str() + " and " +
                     B.getType().str());
  ArrayRef<int64_t> Batch = YS.drop_back(2);
  auto ABS = broadcastStrides(AS.drop_back(2), Batch);
  if (!ABS)
    return ABS.takeError();
  auto BBS = broadcastStrides(BS.drop_back(2), Batch);
  if (!BBS)
    return BBS.takeError();
  int64_t NB = product(Batch);
  Acc.assign(NB * M * N, 0);
  SmallVector<int64_t, 4> Idx(Batch.size(), 0);
  for (int64_t Bi = 0; Bi < NB; ++Bi) {
    int64_t AOff = 0, BOff = 0;
    for (size_t D = 0; D < Batch.size(); ++D)
      AOff += Idx[D] * (*ABS)[D], BOff += Idx[D] * (*BBS)[D];
    AOff *= M * K, BOff *= K * N;
    for (int64_t I = 0; I < M; ++I)
      for (int64_t J = 0; J < N; ++J) {
        int64_t Sum = 0, AZ = (int64_t)param(AZP, I, 0),
                BZ = (int64_t)param(BZP, J, 0);
        for (int64_t L = 0; L < K; ++L)
          Sum += (A.getAsInt(AOff + I * K + L) - AZ) *
                 (B.getAsInt(BOff + L * N + J) - BZ);
        Acc[(Bi * M + I) * N + J] = Sum;
      }
    for (int D = (int)Batch.size() - 1; D >= 0; --D) {
      if (++Idx[D] < Batch[D])
        break;
      Idx[D] = 0;
    }
  }
  return Error::success();
}

static Error matMulIntegerKernel(const Op &O, ArrayRef<const Tensor *> In,
                                 MutableArrayRef<Tensor> Out) {
  std::vector<int64_t> Acc;
  if (Error E = matMulInteger(*In[0], *In[1], opt(In, 2), opt(In, 3),
                              Out[0].getShape(), Acc))
    return E;
  if (Out[0].getElementType() != ElementType::I32)
    return unsupportedType(Out[0]);
  storeI32(Acc, Out[0]);
  return Error::success();
}

static Error qlinearMatMulKernel(const Op &O, ArrayRef<const Tensor *> In,
                                 MutableArrayRef<Tensor> Out) {
  std::vector<int64_t> Acc;
  Tensor &Y = Out[0];
  if (Error E = matMulInteger(*In[0], *In[3], In[2], In[5], Y.getShape(), Acc))
    return E;
  int64_t N = Y.getShape().back();
  double AS = param(In[1], 0, 1), YSc = param(In[6], 0, 1);
  const Tensor *BScale = In[4];
  return requantize(
      Acc, Y, [&](int64_t I) { return AS * param(BScale, I % N, 1) / YSc; },
      param(In[7], 0, 0));
}

void registerIntegerLinearKernels(KernelRegistry &R) {
  R.add("onnx.ConvInteger", convIntegerKernel);
  R.add("onnx.QLinearConv", qlinearConvKernel);
  R.add("onnx.MatMulInteger", matMulIntegerKernel);
  R.add("onnx.QLinearMatMul", qlinearMatMulKernel);
}

} // namespace interp
} // namespace onncf
