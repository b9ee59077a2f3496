//===- ConvTranspose.cpp - Transposed convolution kernel
//-------------------===//
//
// Part of onnc-fault. onnx.ConvTranspose (1-D to 3-D, f32 and f64) as a GEMM
// followed by col2im, per image and group: Col = W_g^T * X_g gives, for every
// output channel and kernel tap, the contribution of each input position,
// which col2im then adds into the output position
//   o = i * stride - pad_begin + k * dilation.
// The geometry (pads, auto_pad, output_shape, output_padding) is the one
// type inference computes (computeConvTransposeGeometry), so the kernel and
// the inferred result shape cannot disagree. Each image is computed on its
// own, in a fixed order, so results do not depend on the batch split.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Interp/Sgemm.h"

using namespace llvm;

namespace onncf {
namespace interp {

namespace {
/// Geometry flattened to exactly three spatial dims (missing leading dims
/// have size 1), so col2im is one loop nest for 1-D, 2-D and 3-D.
struct Geo3 {
  int64_t In[3] = {1, 1, 1}, Out[3] = {1, 1, 1}, Kernel[3] = {1, 1, 1};
  int64_t Stride[3] = {1, 1, 1}, Dilation[3] = {1, 1, 1}, Pad[3] = {0, 0, 0};
  int64_t inSize() const { return In[0] * In[1] * In[2]; }
  int64_t outSize() const { return Out[0] * Out[1] * Out[2]; }
  int64_t kernelSize() const { return Kernel[0] * Kernel[1] * Kernel[2]; }
};
} // namespace

/// Y[m, o] += Col[m * K + k, i] for every tap k and input position i that
/// lands inside the output. \p Col is [Mg * K, inSize()] row-major.
template <typename T>
static void col2im(const T *Col, int64_t Mg, const Geo3 &G, T *Y) {
  int64_t K = G.kernelSize(), InSize = G.inSize(), OutSize = G.outSize();
  for (int64_t M = 0; M < Mg; ++M) {
    T *YM = Y + M * OutSize;
    for (int64_t K0 = 0; K0 < G.Kernel[0]; ++K0)
      for (int64_t K1 = 0; K1 < G.Kernel[1]; ++K1)
        for (int64_t K2 = 0; K2 < G.Kernel[2]; ++K2) {
          int64_t Tap = (K0 * G.Kernel[1] + K1) * G.Kernel[2] + K2;
          const T *Row = Col + (M * K + Tap) * InSize;
          for (int64_t I0 = 0; I0 < G.In[0]; ++I0) {
            int64_t O0 = I0 * G.Stride[0] - G.Pad[0] + K0 * G.Dilation[0];
            if (O0 < 0 || O0 >= G.Out[0])
              continue;
            for (int64_t I1 = 0; I1 < G.In[1]; ++I1) {
              int64_t O1 = I1 * G.Stride[1] - G.Pad[1] + K1 * G.Dilation[1];
              if (O1 < 0 || O1 >= G.Out[1])
                continue;
              const T *R = Row + (I0 * G.In[1] + I1) * G.In[2];
              T *YR = YM + (O0 * G.Out[1] + O1) * G.Out[2];
              for (int64_t I2 = 0; I2 < G.In[2]; ++I2) {
                int64_t O2 = I2 * G.Stride[2] - G.Pad[2] + K2 * G.Dilation[2];
                if (O2 >= 0 && O2 < G.Out[2])
                  YR[O2] += R[I2];
              }
            }
          }
        }
  }
}

/// Col = W_g^T * X_g with W_g [Cg, Mg*K] (row stride LDW) and X_g [Cg, I].
static void gemmTN(int64_t Rows, int64_t Cols, int64_t Inner, const float *W,
                   int64_t LDW, const float *X, float *Col) {
  sgemm(/*TransA=*/true, false, Rows, Cols, Inner, W, LDW, X, Cols, Col, Cols);
}
static void gemmTN(int64_t Rows, int64_t Cols, int64_t Inner, const double *W,
                   int64_t LDW, const double *X, double *Col) {
  for (int64_t R = 0; R < Rows; ++R)
    for (int64_t C = 0; C < Cols; ++C) {
      double Acc = 0;
      for (int64_t I = 0; I < Inner; ++I)
        Acc += W[I * LDW + R] * X[I * Cols + C];
      Col[R * Cols + C] = Acc;
    }
}

template <typename T>
static void run(const Tensor &X, const Tensor &Wt, const Tensor *B, Tensor &Y,
                const Geo3 &G, int64_t Group) {
  int64_t N = X.getShape()[0], C = X.getShape()[1], M = Y.getShape()[1];
  int64_t Cg = C / Group, Mg = M / Group, K = G.kernelSize();
  int64_t InSize = G.inSize(), OutSize = G.outSize();
  const T *XD = X.data<T>().data(), *WD = Wt.data<T>().data();
  const T *BD = B ? B->data<T>().data() : nullptr;
  T *YD = Y.mutableData<T>().data();
  std::vector<T> Col(Mg * K * InSize);
  for (int64_t Img = 0; Img < N; ++Img) {
    T *YI = YD + Img * M * OutSize;
    for (int64_t Ch = 0; Ch < M; ++Ch)
      std::fill(YI + Ch * OutSize, YI + (Ch + 1) * OutSize, BD ? BD[Ch] : T(0));
    for (int64_t Gr = 0; Gr < Group; ++Gr) {
      const T *XG = XD + (Img * C + Gr * Cg) * InSize;
      // W is [C, Mg, K...]: group Gr's rows are Cg consecutive channels.
      const T *WG = WD + Gr * Cg * Mg * K;
      gemmTN(Mg * K, InSize, Cg, WG, Mg * K, XG, Col.data());
      col2im(Col.data(), Mg, G, YI + Gr * Mg * OutSize);
    }
  }
}

static Error convTransposeKernel(const Op &O, ArrayRef<const Tensor *> In,
                                 MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Wt = *In[1];
  const Tensor *B = In.size() > 2 ? In[2] : nullptr;
  Tensor &Y = Out[0];
  ElementType Ty = X.getElementType();
  if ((Ty != ElementType::F32 && Ty != ElementType::F64) ||
      Wt.getElementType() != Ty || Y.getElementType() != Ty)
    return unsupportedType(X);
  ArrayRef<int64_t> XS = X.getShape(), WS = Wt.getShape(), YS = Y.getShape();
  if (XS.size() < 3 || XS.size() > 5)
    return makeError("only 1-D to 3-D transposed convolutions are supported, "
                     "got input " +
                     X.getType().str());
  auto SG = computeConvTransposeGeometry(O, XS, WS);
  if (!SG)
    return SG.takeError();
  unsigned NS = SG->getNumSpatial(), Shift = 3 - NS;
  Geo3 G;
  for (unsigned I = 0; I < NS; ++I) {
    if (SG->Output[I] != YS[2 + I])
      return makeError("computed output size " + Twine(SG->Output[I]) +
                       " does not match result " + Y.getType().str());
    if (SG->Kernel[I] != WS[2 + I])
      return makeError("kernel_shape does not match weight " +
                       Wt.getType().str());
    G.In[Shift + I] = XS[2 + I];
    G.Out[Shift + I] = YS[2 + I];
    G.Kernel[Shift + I] = SG->Kernel[I];
    G.Stride[Shift + I] = SG->Strides[I];
    G.Dilation[Shift + I] = SG->Dilations[I];
    G.Pad[Shift + I] = SG->PadsBegin[I];
  }
  int64_t C = XS[1], Group = O.getIntAttr("group", 1);
  if (Group < 1 || C % Group || WS[0] != C || YS[1] != WS[1] * Group ||
      YS[0] != XS[0])
    return makeError("weight " + Wt.getType().str() + " and group " +
                     Twine(Group) + " do not match input " + X.getType().str() +
                     " and result " + Y.getType().str());
  if (B && (B->getElementType() != Ty || B->getNumElements() != YS[1]))
    return makeError("bias must have " + Twine(YS[1]) + " elements, got " +
                     B->getType().str());
  if (Ty == ElementType::F32)
    run<float>(X, Wt, B, Y, G, Group);
  else
    run<double>(X, Wt, B, Y, G, Group);
  return Error::success();
}

} // namespace interp

void registerConvTransposeKernels(KernelRegistry &R) {
  R.add("onnx.ConvTranspose", interp::convTransposeKernel);
}

} // namespace onncf
