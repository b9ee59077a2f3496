//===- Conv.cpp - Convolution kernels
//--------------------------------------===//
//
// Part of onnc-fault. onnx.Conv (1-D to 3-D, float32) as im2col + SGEMM per
// image and group; a direct loop for depthwise convolutions, where one
// channel per group makes im2col pure overhead. Each image is computed on
// its own, so a result does not depend on the batch it came in.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Interp/Sgemm.h"

using namespace llvm;

namespace onncf {
namespace interp {

/// Produces the im2col matrix one row (one channel/kernel tap) at a time in
/// \p Col (OH*OW floats) and hands each to \p Emit(row index, data).
template <typename EmitFn>
static void im2colRows(const float *X, int64_t C, const WindowGeometry &G,
                       float *Col, EmitFn Emit) {
  int64_t H = G.In[0], W = G.In[1], OH = G.Out[0], OW = G.Out[1];
  int64_t KH = G.Kernel[0], KW = G.Kernel[1];
  int64_t SH = G.Stride[0], SW = G.Stride[1];
  int64_t DH = G.Dilation[0], DW = G.Dilation[1];
  int64_t PT = G.PadBegin[0], PL = G.PadBegin[1];
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    const float *XC = X + Ch * H * W;
    for (int64_t Kh = 0; Kh < KH; ++Kh)
      for (int64_t Kw = 0; Kw < KW; ++Kw) {
        float *Row = Col;
        // Output columns whose input column is inside the image:
        // 0 <= ow*SW - PL + Kw*DW < W.
        int64_t Off = Kw * DW - PL;
        int64_t OwBegin = Off >= 0 ? 0 : (-Off + SW - 1) / SW;
        int64_t OwEnd = W - Off <= 0 ? 0 : (W - Off + SW - 1) / SW;
        OwEnd = std::min(OwEnd, OW);
        OwBegin = std::min(OwBegin, OwEnd);
        for (int64_t Oh = 0; Oh < OH; ++Oh) {
          float *R = Row + Oh * OW;
          int64_t Ih = Oh * SH - PT + Kh * DH;
          if (Ih < 0 || Ih >= H) {
            std::fill(R, R + OW, 0.0f);
            continue;
          }
          const float *XR = XC + Ih * W + Off;
          std::fill(R, R + OwBegin, 0.0f);
          // Rows are short (tens of floats): a plain loop beats memcpy.
          if (SW == 1)
            for (int64_t Ow = OwBegin; Ow < OwEnd; ++Ow)
              R[Ow] = XR[Ow];
          else
            for (int64_t Ow = OwBegin; Ow < OwEnd; ++Ow)
              R[Ow] = XR[Ow * SW];
          std::fill(R + OwEnd, R + OW, 0.0f);
        }
        Emit((Ch * KH + Kh) * KW + Kw, Row);
      }
  }
}

/// Writes the rows \p Rows produces (K rows of N floats, via
/// Rows(RowBuf, Emit)) directly in the packed-panel layout sgemmPrePacked()
/// reads (NR-column panels, K rows each), so the im2col matrix is never
/// copied a second time.
template <typename RowsFn>
static void packRows(int64_t N, int64_t K, int64_t NR, float *Packed,
                     RowsFn Rows) {
  thread_local std::vector<float> RowBuf;
  RowBuf.resize(N);
  int64_t Panels = (N + NR - 1) / NR;
  Rows(RowBuf.data(), [&](int64_t Row, const float *Src) {
    float *Dst = Packed + Row * NR;
    for (int64_t P = 0; P < Panels; ++P, Dst += K * NR, Src += NR) {
      int64_t Cols = std::min(NR, N - P * NR);
      for (int64_t J = 0; J < Cols; ++J)
        Dst[J] = Src[J];
      for (int64_t J = Cols; J < NR; ++J)
        Dst[J] = 0.0f;
    }
  });
}

/// Unfolds one group of one image (C channels of H x W) into the packed
/// [C*KH*KW, OH*OW] im2col matrix. Padding reads as zero.
static void im2colPacked(const float *X, int64_t C, const WindowGeometry &G,
                         int64_t NR, float *Packed) {
  int64_t N = G.Out[0] * G.Out[1], K = C * G.Kernel[0] * G.Kernel[1];
  packRows(N, K, NR, Packed, [&](float *RowBuf, auto Emit) {
    im2colRows(X, C, G, RowBuf, Emit);
  });
}

/// The 3-D im2col: one row per (channel, kd, kh, kw) of OD*OH*OW floats,
/// row-major in the same order as the weight's [C, KD, KH, KW] layout.
template <typename EmitFn>
static void im2colRows3D(const float *X, int64_t C, const WindowGeometry &G,
                         float *Row, EmitFn Emit) {
  int64_t D = G.In[0], H = G.In[1], W = G.In[2];
  int64_t OD = G.Out[0], OH = G.Out[1], OW = G.Out[2];
  int64_t KD = G.Kernel[0], KH = G.Kernel[1], KW = G.Kernel[2];
  int64_t RowIdx = 0;
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    const float *XC = X + Ch * D * H * W;
    for (int64_t Kd = 0; Kd < KD; ++Kd)
      for (int64_t Kh = 0; Kh < KH; ++Kh)
        for (int64_t Kw = 0; Kw < KW; ++Kw, ++RowIdx) {
          float *R = Row;
          for (int64_t Od = 0; Od < OD; ++Od) {
            int64_t Id = Od * G.Stride[0] - G.PadBegin[0] + Kd * G.Dilation[0];
            for (int64_t Oh = 0; Oh < OH; ++Oh, R += OW) {
              int64_t Ih =
                  Oh * G.Stride[1] - G.PadBegin[1] + Kh * G.Dilation[1];
              if (Id < 0 || Id >= D || Ih < 0 || Ih >= H) {
                std::fill(R, R + OW, 0.0f);
                continue;
              }
              const float *XR = XC + (Id * H + Ih) * W;
              for (int64_t Ow = 0; Ow < OW; ++Ow) {
                int64_t Iw =
                    Ow * G.Stride[2] - G.PadBegin[2] + Kw * G.Dilation[2];
                R[Ow] = Iw >= 0 && Iw < W ? XR[Iw] : 0.0f;
              }
            }
          }
          Emit(RowIdx, Row);
        }
  }
}

/// Depthwise: one input channel per output channel (multiplier 1).
static void depthwise(const float *X, const float *Wt, int64_t C,
                      const WindowGeometry &G, float *Y) {
  int64_t H = G.In[0], W = G.In[1], OH = G.Out[0], OW = G.Out[1];
  int64_t KH = G.Kernel[0], KW = G.Kernel[1];
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    const float *XC = X + Ch * H * W, *WC = Wt + Ch * KH * KW;
    float *YC = Y + Ch * OH * OW;
    for (int64_t Oh = 0; Oh < OH; ++Oh)
      for (int64_t Ow = 0; Ow < OW; ++Ow) {
        float Acc = 0.0f;
        for (int64_t Kh = 0; Kh < KH; ++Kh) {
          int64_t Ih = Oh * G.Stride[0] - G.PadBegin[0] + Kh * G.Dilation[0];
          if (Ih < 0 || Ih >= H)
            continue;
          for (int64_t Kw = 0; Kw < KW; ++Kw) {
            int64_t Iw = Ow * G.Stride[1] - G.PadBegin[1] + Kw * G.Dilation[1];
            if (Iw >= 0 && Iw < W)
              Acc += XC[Ih * W + Iw] * WC[Kh * KW + Kw];
          }
        }
        YC[Oh * OW + Ow] = Acc;
      }
  }
}

/// 3-D convolution: im2col over the three spatial dims feeding the same
/// packed SGEMM as 2-D, per image and group (so per-image results do not
/// depend on the batch). No depthwise/pointwise special cases: 3-D models
/// are rare and the general path is exact for them too.
static Error conv3D(const Op &O, const Tensor &X, const Tensor &Wt,
                    const Tensor *B, const WindowGeometry &G, Tensor &Y) {
  ArrayRef<int64_t> XS = X.getShape(), WS = Wt.getShape();
  int64_t N = XS[0], C = XS[1], M = WS[0];
  int64_t Group = O.getIntAttr("group", 1);
  if (Group < 1 || C % Group || M % Group || WS[1] != C / Group)
    return makeError("weight " + Wt.getType().str() + " and group " +
                     Twine(Group) + " do not match input " + X.getType().str());
  if (B &&
      (B->getElementType() != ElementType::F32 || B->getNumElements() != M))
    return makeError("bias must be f32[" + Twine(M) + "], got " +
                     B->getType().str());
  int64_t Cg = C / Group, Mg = M / Group;
  int64_t InSize = G.In[0] * G.In[1] * G.In[2];
  int64_t OutSize = G.Out[0] * G.Out[1] * G.Out[2];
  int64_t K = Cg * G.Kernel[0] * G.Kernel[1] * G.Kernel[2];
  const float *XD = X.data<float>().data(), *WD = Wt.data<float>().data();
  float *YD = Y.mutableData<float>().data();
  int64_t NR = getSgemmPanelWidth();
  thread_local std::vector<float> Col;
  Col.resize(K * ((OutSize + NR - 1) / NR) * NR);
  for (int64_t Img = 0; Img < N; ++Img) {
    const float *XI = XD + Img * C * InSize;
    float *YI = YD + Img * M * OutSize;
    for (int64_t Gr = 0; Gr < Group; ++Gr) {
      const float *XG = XI + Gr * Cg * InSize;
      packRows(OutSize, K, NR, Col.data(), [&](float *RowBuf, auto Emit) {
        im2colRows3D(XG, Cg, G, RowBuf, Emit);
      });
      sgemmPrePacked(Mg, OutSize, K, WD + Gr * Mg * K, K, Col.data(),
                     YI + Gr * Mg * OutSize, OutSize);
    }
    if (B) {
      const float *BD = B->data<float>().data();
      for (int64_t Ch = 0; Ch < M; ++Ch) {
        float *R = YI + Ch * OutSize, Bias = BD[Ch];
        for (int64_t I = 0; I < OutSize; ++I)
          R[I] += Bias;
      }
    }
  }
  return Error::success();
}

static Error convKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0], &Wt = *In[1];
  const Tensor *B = In.size() > 2 ? In[2] : nullptr;
  Tensor &Y = Out[0];
  if (X.getElementType() != ElementType::F32 ||
      Wt.getElementType() != ElementType::F32 ||
      Y.getElementType() != ElementType::F32)
    return unsupportedType(X);
  unsigned Rank = X.getType().getRank();
  if (Rank < 3 || Rank > 5)
    return makeError("only 1-D, 2-D and 3-D convolutions are supported, got "
                     "input " +
                     X.getType().str());
  // Treat 1-D as 2-D with a height of 1.
  SmallVector<int64_t, 4> XS(X.getShape().begin(), X.getShape().end());
  SmallVector<int64_t, 4> YS(Y.getShape().begin(), Y.getShape().end());
  SmallVector<int64_t, 4> WS(Wt.getShape().begin(), Wt.getShape().end());
  auto Geo = toWindowGeometry(computeConvGeometry(O, XS, WS), YS);
  if (!Geo)
    return Geo.takeError();
  WindowGeometry G = *Geo;
  if (XS.size() == 5)
    return conv3D(O, X, Wt, B, G, Y);
  if (XS.size() == 3) {
    auto Shift = [](int64_t *A, int64_t Fill) {
      A[1] = A[0];
      A[0] = Fill;
    };
    Shift(G.In, 1), Shift(G.Out, 1), Shift(G.Kernel, 1), Shift(G.Stride, 1),
        Shift(G.Dilation, 1), Shift(G.PadBegin, 0), Shift(G.PadEnd, 0);
  }
  int64_t N = XS[0], C = XS[1], M = WS[0];
  int64_t Group = O.getIntAttr("group", 1);
  if (Group < 1 || C % Group || M % Group || WS[1] != C / Group)
    return makeError("weight " + Wt.getType().str() + " and group " +
                     Twine(Group) + " do not match input " + X.getType().str());
  if (B &&
      (B->getElementType() != ElementType::F32 || B->getNumElements() != M))
    return makeError("bias must be f32[" + Twine(M) + "], got " +
                     B->getType().str());
  int64_t Cg = C / Group, Mg = M / Group;
  int64_t InSize = G.In[0] * G.In[1], OutSize = G.Out[0] * G.Out[1];
  int64_t K = Cg * G.Kernel[0] * G.Kernel[1];
  const float *XD = X.data<float>().data(), *WD = Wt.data<float>().data();
  float *YD = Y.mutableData<float>().data();
  bool Pointwise = G.Kernel[0] == 1 && G.Kernel[1] == 1 && G.Stride[0] == 1 &&
                   G.Stride[1] == 1 && G.PadBegin[0] == 0 &&
                   G.PadBegin[1] == 0 && G.Out[0] == G.In[0] &&
                   G.Out[1] == G.In[1];
  bool Depthwise = Cg == 1 && Mg == 1;
  int64_t NR = getSgemmPanelWidth();
  thread_local std::vector<float> Col;
  if (!Pointwise && !Depthwise)
    Col.resize(K * ((OutSize + NR - 1) / NR) * NR);

  for (int64_t Img = 0; Img < N; ++Img) {
    const float *XI = XD + Img * C * InSize;
    float *YI = YD + Img * M * OutSize;
    if (Depthwise) {
      depthwise(XI, WD, C, G, YI);
    } else {
      for (int64_t Gr = 0; Gr < Group; ++Gr) {
        const float *XG = XI + Gr * Cg * InSize;
        if (Pointwise) {
          sgemm(false, false, Mg, OutSize, K, WD + Gr * Mg * K, K, XG, OutSize,
                YI + Gr * Mg * OutSize, OutSize);
        } else {
          im2colPacked(XG, Cg, G, NR, Col.data());
          sgemmPrePacked(Mg, OutSize, K, WD + Gr * Mg * K, K, Col.data(),
                         YI + Gr * Mg * OutSize, OutSize);
        }
      }
    }
    if (B) {
      const float *BD = B->data<float>().data();
      for (int64_t Ch = 0; Ch < M; ++Ch) {
        float *R = YI + Ch * OutSize, Bias = BD[Ch];
        for (int64_t I = 0; I < OutSize; ++I)
          R[I] += Bias;
      }
    }
  }
  return Error::success();
}

} // namespace interp

void registerConvKernels(KernelRegistry &R) {
  R.add("onnx.Conv", interp::convKernel);
}

} // namespace onncf
