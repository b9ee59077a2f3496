//===- Conv.cpp - Convolution kernels -------------------------------------===//
//
// Part of onnc-fault. onnx.Conv (1-D to 3-D, float32), per image and group:
//
//  * stride 1 (most convolutions): the image is copied into a zero-padded
//    buffer and the GEMM reads its rows at shifted offsets (sgemmOffsetB),
//    computing the output on the padded width; the padding columns are
//    dropped when the result is copied out. No im2col matrix at all.
//  * other strides and 3-D: a row-major im2col matrix feeding the same GEMM.
//  * depthwise (one channel per group): a direct loop.
//
// The result goes through a per-channel epilogue (bias, and for the
// interpreter's fused steps BatchNormalization and Relu) on its way to Y.
// Each image is computed on its own with a fixed summation order, so a
// result does not depend on the batch it came in.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Interp/Sgemm.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace interp {

void ConvEpilogue::setBatchNorm(const float *Scale, const float *Bias,
                                const float *Mean, const float *Var,
                                int64_t C, float Eps) {
  // Same expressions as the BatchNormalization kernel (Normalization.cpp).
  BNMul.resize(C);
  BNAdd.resize(C);
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    BNMul[Ch] = Scale[Ch] / std::sqrt(Var[Ch] + Eps);
    BNAdd[Ch] = Bias[Ch] - Mean[Ch] * BNMul[Ch];
  }
}

namespace {

/// What happens to one output channel on its way out of the GEMM.
struct ChannelOps {
  bool HasBias = false, HasBN = false, Relu = false;
  float Bias = 0, Mul = 1, Add = 0;
};

template <bool Bias, bool BN, bool Relu>
void finishRowsT(const float *Src, int64_t LDS, int64_t Rows, int64_t Cols,
                 float *Dst, const ChannelOps &C) {
  for (int64_t R = 0; R < Rows; ++R, Src += LDS, Dst += Cols)
    for (int64_t J = 0; J < Cols; ++J) {
      float V = Src[J];
      if (Bias)
        V = V + C.Bias;
      if (BN)
        V = V * C.Mul + C.Add;
      if (Relu)
        V = V < 0 ? 0.0f : V;
      Dst[J] = V;
    }
}

/// Copies Rows x Cols of one channel (rows LDS floats apart in \p Src) to
/// the dense \p Dst, applying \p C. \p Src may equal \p Dst (LDS == Cols).
void finishRows(const float *Src, int64_t LDS, int64_t Rows, int64_t Cols,
                float *Dst, const ChannelOps &C) {
  // One instantiation per combination so each inner loop vectorises.
  using Fn = void (*)(const float *, int64_t, int64_t, int64_t, float *,
                      const ChannelOps &);
  static const Fn Table[8] = {
      finishRowsT<false, false, false>, finishRowsT<false, false, true>,
      finishRowsT<false, true, false>,  finishRowsT<false, true, true>,
      finishRowsT<true, false, false>,  finishRowsT<true, false, true>,
      finishRowsT<true, true, false>,   finishRowsT<true, true, true>};
  Table[C.HasBias * 4 + C.HasBN * 2 + C.Relu](Src, LDS, Rows, Cols, Dst, C);
}

/// The epilogue of output channel \p Ch.
ChannelOps channelOps(const float *Bias, const ConvEpilogue *Epi,
                      int64_t Ch) {
  ChannelOps C;
  if (Bias) {
    C.HasBias = true;
    C.Bias = Bias[Ch];
  }
  if (Epi && !Epi->BNMul.empty()) {
    C.HasBN = true;
    C.Mul = Epi->BNMul[Ch];
    C.Add = Epi->BNAdd[Ch];
  }
  C.Relu = Epi && Epi->Relu;
  return C;
}

int64_t roundUp8(int64_t N) { return (N + 7) / 8 * 8; }

/// Writes the im2col matrix of one group of one image (C channels, 2-D):
/// row (c, kh, kw) at \p Col + row * LD, the OH*OW columns in output order.
/// Padding reads as zero; columns past OH*OW are left alone.
void im2col2D(const float *X, int64_t C, const WindowGeometry &G, float *Col,
              int64_t LD) {
  int64_t H = G.In[0], W = G.In[1], OH = G.Out[0], OW = G.Out[1];
  int64_t KH = G.Kernel[0], KW = G.Kernel[1];
  int64_t SH = G.Stride[0], SW = G.Stride[1];
  int64_t DH = G.Dilation[0], DW = G.Dilation[1];
  int64_t PT = G.PadBegin[0], PL = G.PadBegin[1];
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    const float *XC = X + Ch * H * W;
    for (int64_t Kh = 0; Kh < KH; ++Kh)
      for (int64_t Kw = 0; Kw < KW; ++Kw, Col += LD) {
        // Output columns whose input column is inside the image:
        // 0 <= ow*SW - PL + Kw*DW < W.
        int64_t Off = Kw * DW - PL;
        int64_t OwBegin = Off >= 0 ? 0 : (-Off + SW - 1) / SW;
        int64_t OwEnd = W - Off <= 0 ? 0 : (W - Off + SW - 1) / SW;
        OwEnd = std::min(OwEnd, OW);
        OwBegin = std::min(OwBegin, OwEnd);
        for (int64_t Oh = 0; Oh < OH; ++Oh) {
          float *R = Col + Oh * OW;
          int64_t Ih = Oh * SH - PT + Kh * DH;
          if (Ih < 0 || Ih >= H) {
            std::fill(R, R + OW, 0.0f);
            continue;
          }
          const float *XR = XC + Ih * W + Off;
          std::fill(R, R + OwBegin, 0.0f);
          for (int64_t Ow = OwBegin; Ow < OwEnd; ++Ow)
            R[Ow] = XR[Ow * SW];
          std::fill(R + OwEnd, R + OW, 0.0f);
        }
      }
  }
}

/// The 3-D im2col: one row per (channel, kd, kh, kw) of OD*OH*OW floats,
/// in the weight's [C, KD, KH, KW] order.
void im2col3D(const float *X, int64_t C, const WindowGeometry &G, float *Col,
              int64_t LD) {
  int64_t D = G.In[0], H = G.In[1], W = G.In[2];
  int64_t OD = G.Out[0], OH = G.Out[1], OW = G.Out[2];
  int64_t KD = G.Kernel[0], KH = G.Kernel[1], KW = G.Kernel[2];
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    const float *XC = X + Ch * D * H * W;
    for (int64_t Kd = 0; Kd < KD; ++Kd)
      for (int64_t Kh = 0; Kh < KH; ++Kh)
        for (int64_t Kw = 0; Kw < KW; ++Kw, Col += LD) {
          float *R = Col;
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
        }
  }
}

/// Depthwise: one input channel per output channel (multiplier 1).
void depthwise(const float *X, const float *Wt, int64_t C,
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

/// Scratch reused across calls on a thread (the interpreter runs one kernel
/// per thread at a time).
struct ConvScratch {
  std::vector<float> PackedW, In, Out;
  std::vector<int64_t> Off;
};
ConvScratch &scratch() {
  thread_local ConvScratch S;
  return S;
}

} // namespace

Error convolve(const Op &O, ArrayRef<const Tensor *> In, Tensor &Y,
               const ConvEpilogue *Epi) {
  const Tensor &X = *In[0], &Wt = *In[1];
  const Tensor *B = In.size() > 2 ? In[2] : nullptr;
  if (X.getElementType() != ElementType::F32 ||
      Wt.getElementType() != ElementType::F32 ||
      Y.getElementType() != ElementType::F32)
    return unsupportedType(X);
  unsigned Rank = X.getType().getRank();
  if (Rank < 3 || Rank > 5)
    return makeError("only 1-D, 2-D and 3-D convolutions are supported, got "
                     "input " +
                     X.getType().str());
  SmallVector<int64_t, 4> XS(X.getShape().begin(), X.getShape().end());
  SmallVector<int64_t, 4> YS(Y.getShape().begin(), Y.getShape().end());
  SmallVector<int64_t, 4> WS(Wt.getShape().begin(), Wt.getShape().end());
  auto Geo = toWindowGeometry(computeConvGeometry(O, XS, WS), YS);
  if (!Geo)
    return Geo.takeError();
  WindowGeometry G = *Geo;
  if (Rank == 3) { // 1-D as 2-D with a height of 1.
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
  if (Epi && !Epi->BNMul.empty() && (int64_t)Epi->BNMul.size() != M)
    return makeError("fused BatchNormalization has " +
                     Twine(Epi->BNMul.size()) + " channels, the conv " +
                     Twine(M));
  bool Is3D = Rank == 5;
  int64_t Cg = C / Group, Mg = M / Group;
  int64_t KSize = G.Kernel[0] * G.Kernel[1] * G.Kernel[2];
  int64_t InSize = G.In[0] * G.In[1] * G.In[2];
  int64_t OutSize = G.Out[0] * G.Out[1] * G.Out[2];
  int64_t K = Cg * KSize;
  // Output rows for the epilogue: everything but the innermost axis.
  int64_t OW = Is3D ? G.Out[2] : G.Out[1];
  int64_t OutRows = OW ? OutSize / OW : 0;
  const float *XD = X.data<float>().data(), *WD = Wt.data<float>().data();
  const float *BD = B ? B->data<float>().data() : nullptr;
  float *YD = Y.mutableData<float>().data();
  if (N == 0 || M == 0 || OutSize == 0)
    return Error::success();

  if (!Is3D && Cg == 1 && Mg == 1) {
    for (int64_t Img = 0; Img < N; ++Img) {
      float *YI = YD + Img * M * OutSize;
      depthwise(XD + Img * C * InSize, WD, C, G, YI);
      for (int64_t Ch = 0; Ch < M; ++Ch)
        finishRows(YI + Ch * OutSize, OW, OutRows, OW, YI + Ch * OutSize,
                   channelOps(BD, Epi, Ch));
    }
    return Error::success();
  }

  ConvScratch &S = scratch();
  int64_t PackedSize = getSgemmPackedASize(Mg, K);
  S.PackedW.resize(Group * PackedSize);
  for (int64_t Gr = 0; Gr < Group; ++Gr)
    sgemmPackA(Mg, K, WD + Gr * Mg * K, K, S.PackedW.data() + Gr * PackedSize);
  S.Off.resize(K);

  // Stride-1 2-D: GEMM straight over the padded image. The output is
  // computed on the padded width Wp (OW valid columns per row of Wp), so
  // tap (c, kh, kw) of output p reads Pad[p + c*Hp*Wp + kh*DH*Wp + kw*DW].
  int64_t H = G.In[0], W = G.In[1];
  int64_t Hp = H + G.PadBegin[0] + G.PadEnd[0];
  int64_t Wp = W + G.PadBegin[1] + G.PadEnd[1];
  bool Direct = !Is3D && G.Stride[0] == 1 && G.Stride[1] == 1 &&
                G.Out[0] == Hp - (G.Kernel[0] - 1) * G.Dilation[0] &&
                G.Out[1] == Wp - (G.Kernel[1] - 1) * G.Dilation[1];
  int64_t Cols, LDS, SrcRowStride;
  if (Direct) {
    // The last output sits at (OH-1)*Wp + OW-1; the GEMM computes columns
    // up to a multiple of 8 beyond it, reading at most 7 floats past the
    // padded image: those stay zero too.
    Cols = (G.Out[0] - 1) * Wp + G.Out[1];
    LDS = roundUp8(Cols);
    SrcRowStride = Wp;
    S.In.assign(Cg * Hp * Wp + 8, 0.0f);
    for (int64_t Ch = 0, P = 0; Ch < Cg; ++Ch)
      for (int64_t Kh = 0; Kh < G.Kernel[0]; ++Kh)
        for (int64_t Kw = 0; Kw < G.Kernel[1]; ++Kw)
          S.Off[P++] = Ch * Hp * Wp + Kh * G.Dilation[0] * Wp +
                       Kw * G.Dilation[1];
  } else {
    // im2col rows of OutSize floats, LDS apart; the slack columns are
    // zeroed once here and never written by im2col.
    Cols = OutSize;
    LDS = roundUp8(Cols);
    SrcRowStride = OW;
    S.In.assign(K * LDS, 0.0f);
    for (int64_t P = 0; P < K; ++P)
      S.Off[P] = P * LDS;
  }
  S.Out.resize(Mg * LDS);

  for (int64_t Img = 0; Img < N; ++Img) {
    const float *XI = XD + Img * C * InSize;
    float *YI = YD + Img * M * OutSize;
    for (int64_t Gr = 0; Gr < Group; ++Gr) {
      const float *XG = XI + Gr * Cg * InSize;
      if (Direct) {
        // Only the interior is written; the zero border stays from above.
        float *Pad = S.In.data() + G.PadBegin[0] * Wp + G.PadBegin[1];
        for (int64_t Ch = 0; Ch < Cg; ++Ch)
          for (int64_t R = 0; R < H; ++R)
            std::memcpy(Pad + Ch * Hp * Wp + R * Wp, XG + (Ch * H + R) * W,
                        W * sizeof(float));
      } else if (Is3D) {
        im2col3D(XG, Cg, G, S.In.data(), LDS);
      } else {
        im2col2D(XG, Cg, G, S.In.data(), LDS);
      }
      sgemmOffsetB(Mg, Cols, K, S.PackedW.data() + Gr * PackedSize,
                   S.In.data(), S.Off.data(), S.Out.data(), LDS);
      for (int64_t I = 0; I < Mg; ++I) {
        int64_t Ch = Gr * Mg + I;
        finishRows(S.Out.data() + I * LDS, SrcRowStride, OutRows, OW,
                   YI + Ch * OutSize, channelOps(BD, Epi, Ch));
      }
    }
  }
  return Error::success();
}

static Error convKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  return convolve(O, In, Out[0], nullptr);
}

} // namespace interp

void registerConvKernels(KernelRegistry &R) {
  R.add("onnx.Conv", interp::convKernel);
}

} // namespace onncf
