//===- Conv.cpp - Convolution kernels -------------------------------------===//
//
// Part of onnc-fault. onnx.Conv (1-D to 3-D, float32), per image and group:
//
//  * 2-D/1-D: the image is copied into a zero-padded buffer (split into
//    stride phases when the stride is not 1) and the GEMM reads its rows at
//    shifted offsets (sgemmOffsetB), computing the output on the buffer's
//    width; the extra columns are dropped when the result is copied out.
//    No im2col matrix at all.
//  * 3-D: a row-major im2col matrix feeding the same GEMM.
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
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

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
  /// The fused Add's other operand for this channel (dense, like Dst).
  const float *Res = nullptr;
};

template <bool Bias, bool BN, bool Res, bool Relu>
inline __attribute__((always_inline)) void
finishRowsBody(const float *Src, int64_t LDS, int64_t Rows, int64_t Cols,
               float *Dst, const ChannelOps &C) {
  const float *RP = C.Res;
  for (int64_t R = 0; R < Rows; ++R, Src += LDS, Dst += Cols, RP += Cols)
    for (int64_t J = 0; J < Cols; ++J) {
      float V = Src[J];
      if (Bias)
        V = V + C.Bias;
      if (BN)
        V = V * C.Mul + C.Add;
      if (Res)
        V = V + RP[J];
      if (Relu)
        V = V < 0 ? 0.0f : V;
      Dst[J] = V;
    }
}

template <bool Bias, bool BN, bool Res, bool Relu>
void finishRowsT(const float *Src, int64_t LDS, int64_t Rows, int64_t Cols,
                 float *Dst, const ChannelOps &C) {
  finishRowsBody<Bias, BN, Res, Relu>(Src, LDS, Rows, Cols, Dst, C);
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same loops vectorised 8 wide. "avx2" without "fma": the multiply and
// add must round separately, exactly like the BatchNormalization kernel.
template <bool Bias, bool BN, bool Res, bool Relu>
__attribute__((target("avx2"))) void
finishRowsAVX2(const float *Src, int64_t LDS, int64_t Rows, int64_t Cols,
               float *Dst, const ChannelOps &C) {
  finishRowsBody<Bias, BN, Res, Relu>(Src, LDS, Rows, Cols, Dst, C);
}
#define ONNCF_CONV_EPILOGUE_AVX2 1
#endif

using FinishFn = void (*)(const float *, int64_t, int64_t, int64_t, float *,
                          const ChannelOps &);

/// One instantiation per combination of steps so each inner loop
/// vectorises without branches; indexed by Bias*8 + BN*4 + Res*2 + Relu.
#define ONNCF_FINISH_TABLE2(F, B, N)                                           \
  F<B, N, false, false>, F<B, N, false, true>, F<B, N, true, false>,           \
      F<B, N, true, true>
#define ONNCF_FINISH_TABLE(F)                                                  \
  {ONNCF_FINISH_TABLE2(F, false, false), ONNCF_FINISH_TABLE2(F, false, true),  \
   ONNCF_FINISH_TABLE2(F, true, false), ONNCF_FINISH_TABLE2(F, true, true)}

/// Copies Rows x Cols of one channel (rows LDS floats apart in \p Src) to
/// the dense \p Dst, applying \p C. \p Src may equal \p Dst (LDS == Cols).
void finishRows(const float *Src, int64_t LDS, int64_t Rows, int64_t Cols,
                float *Dst, const ChannelOps &C) {
  static const FinishFn Generic[16] = ONNCF_FINISH_TABLE(finishRowsT);
  const FinishFn *Table = Generic;
#if ONNCF_CONV_EPILOGUE_AVX2
  static const FinishFn AVX2[16] = ONNCF_FINISH_TABLE(finishRowsAVX2);
  static const bool HasAVX2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
  }();
  if (HasAVX2)
    Table = AVX2;
#endif
  Table[C.HasBias * 8 + C.HasBN * 4 + (C.Res != nullptr) * 2 + C.Relu](
      Src, LDS, Rows, Cols, Dst, C);
}

/// The epilogue of output channel \p Ch; \p Res is the channel's slice of
/// the fused Add's other operand, or null.
ChannelOps channelOps(const float *Bias, const ConvEpilogue *Epi, int64_t Ch,
                      const float *Res) {
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
  C.Res = Res;
  C.Relu = Epi && Epi->Relu;
  return C;
}

int64_t roundUp8(int64_t N) { return (N + 7) / 8 * 8; }

/// Copies \p Rows rows of \p W floats (dense in \p Src) to rows \p LDD
/// apart in \p Dst. Rows are short (7 to 30 floats for the reference
/// models), where a memcpy call per row costs more than the copy.
void copyRowsGeneric(const float *Src, int64_t W, int64_t Rows, float *Dst,
                     int64_t LDD) {
  for (int64_t R = 0; R < Rows; ++R, Src += W, Dst += LDD)
    for (int64_t J = 0; J < W; ++J)
      Dst[J] = Src[J];
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) void copyRowsAVX2(const float *Src, int64_t W,
                                                  int64_t Rows, float *Dst,
                                                  int64_t LDD) {
  // The last 1..7 floats of a row with one masked load/store.
  alignas(32) static const int32_t Ramp[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                               0,  0,  0,  0,  0,  0,  0,  0};
  int64_t Full = W / 8 * 8;
  __m256i Mask = _mm256_loadu_si256(
      reinterpret_cast<const __m256i *>(Ramp + 8 - (W - Full)));
  for (int64_t R = 0; R < Rows; ++R, Src += W, Dst += LDD) {
    for (int64_t J = 0; J < Full; J += 8)
      _mm256_storeu_ps(Dst + J, _mm256_loadu_ps(Src + J));
    if (Full != W)
      _mm256_maskstore_ps(Dst + Full, Mask, _mm256_maskload_ps(Src + Full, Mask));
  }
}
#endif

void copyRows(const float *Src, int64_t W, int64_t Rows, float *Dst,
              int64_t LDD) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool HasAVX2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
  }();
  if (HasAVX2)
    return copyRowsAVX2(Src, W, Rows, Dst, LDD);
#endif
  copyRowsGeneric(Src, W, Rows, Dst, LDD);
}

/// Writes the image \p X (C channels of H x W) zero-padded and split into
/// stride phases: plane (c, a, b) of Hq x Wq floats at \p Dst +
/// ((c*SH + a)*SW + b)*Hq*Wq holds padded pixel (i*SH + a, j*SW + b) at
/// (i, j). Then input pixel (oh*SH + r, ow*SW + q) of any tap (r, q) is
/// element (oh + r/SH, ow + q/SW) of plane (c, r%SH, q%SW): a fixed offset
/// from output (oh, ow) for all outputs. With stride 1 there is one plane,
/// the padded image (rows of \p Wq >= PL + W floats, the caller's choice).
/// Only image pixels are written; \p Dst must hold zeros elsewhere (the
/// same positions for every image).
void fillPhases(const float *X, int64_t C, const WindowGeometry &G,
                int64_t Hq, int64_t Wq, float *Dst) {
  int64_t H = G.In[0], W = G.In[1], SH = G.Stride[0], SW = G.Stride[1];
  int64_t PT = G.PadBegin[0], PL = G.PadBegin[1];
  // Phases no tap reads (e.g. three of the four of a 1x1 stride-2 conv)
  // are left as they are.
  SmallVector<bool, 4> RowUsed(SH, false), ColUsed(SW, false);
  for (int64_t Kh = 0; Kh < G.Kernel[0]; ++Kh)
    RowUsed[Kh * G.Dilation[0] % SH] = true;
  for (int64_t Kw = 0; Kw < G.Kernel[1]; ++Kw)
    ColUsed[Kw * G.Dilation[1] % SW] = true;
  if (SH == 1 && SW == 1) { // One plane per channel: the padded image.
    for (int64_t Ch = 0; Ch < C; ++Ch, X += H * W, Dst += Hq * Wq)
      copyRows(X, W, H, Dst + PT * Wq + PL, Wq);
    return;
  }
  for (int64_t Ch = 0; Ch < C; ++Ch, X += H * W)
    for (int64_t A = 0; A < SH; ++A)
      for (int64_t B = 0; B < SW; ++B, Dst += Hq * Wq) {
        if (!RowUsed[A] || !ColUsed[B])
          continue;
        // Plane columns j with 0 <= j*SW + B - PL < W.
        int64_t JBegin = std::max<int64_t>(0, (PL - B + SW - 1) / SW);
        int64_t JEnd = std::min(Wq, (W + PL - B + SW - 1) / SW);
        for (int64_t I = 0; I < Hq; ++I) {
          int64_t R = I * SH + A - PT;
          if (R < 0 || R >= H || JBegin >= JEnd)
            continue;
          const float *Src = X + R * W + JBegin * SW + B - PL;
          float *D = Dst + I * Wq;
          if (SW == 1)
            std::memcpy(D + JBegin, Src, (JEnd - JBegin) * sizeof(float));
          else
            for (int64_t J = JBegin; J < JEnd; ++J)
              D[J] = Src[(J - JBegin) * SW];
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

/// The weight [M, C/group, k...] as sgemmPackA panels, one group after
/// the other.
static void packConvWeights(const float *WD, int64_t Group, int64_t Mg,
                            int64_t K, float *Dst) {
  int64_t PackedSize = getSgemmPackedASize(Mg, K);
  for (int64_t Gr = 0; Gr < Group; ++Gr)
    sgemmPackA(Mg, K, WD + Gr * Mg * K, K, Dst + Gr * PackedSize);
}

std::vector<float> packConvWeights(const Tensor &W, int64_t Group) {
  ArrayRef<int64_t> WS = W.getShape();
  if (W.getElementType() != ElementType::F32 || WS.size() < 3 ||
      Group < 1 || WS[0] % Group)
    return {};
  int64_t Mg = WS[0] / Group, K = product(WS.drop_front());
  std::vector<float> P(Group * getSgemmPackedASize(Mg, K));
  packConvWeights(W.data<float>().data(), Group, Mg, K, P.data());
  return P;
}

Error convolve(const Op &O, ArrayRef<const Tensor *> In, Tensor &Y,
               const ConvEpilogue *Epi, ArrayRef<float> PackedW,
               const Tensor *Residual) {
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
  if (Residual && (Residual->getElementType() != ElementType::F32 ||
                   Residual->getShape() != Y.getShape()))
    return makeError("fused Add operand " + Residual->getType().str() +
                     " does not match the result " + Y.getType().str());
  const float *RD = Residual ? Residual->data<float>().data() : nullptr;
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
                   channelOps(BD, Epi, Ch,
                              RD ? RD + (Img * M + Ch) * OutSize : nullptr));
    }
    return Error::success();
  }

  ConvScratch &S = scratch();
  int64_t PackedSize = getSgemmPackedASize(Mg, K);
  const float *PW = PackedW.data();
  if ((int64_t)PackedW.size() != Group * PackedSize) {
    S.PackedW.resize(Group * PackedSize);
    packConvWeights(WD, Group, Mg, K, S.PackedW.data());
    PW = S.PackedW.data();
  }
  S.Off.resize(K);

  // 2-D: GEMM straight over the padded image, split into stride phases
  // (see fillPhases). Output (oh, ow) is column oh*Wq + ow, so tap
  // (c, kh, kw) of every output reads its phase plane at one fixed offset.
  // Columns with ow >= OW are computed too and dropped by the epilogue.
  int64_t SH = G.Stride[0], SW = G.Stride[1];
  int64_t Hp = G.In[0] + G.PadBegin[0] + G.PadEnd[0];
  int64_t Wp = G.In[1] + G.PadBegin[1] + G.PadEnd[1];
  int64_t Hq = (Hp + SH - 1) / SH, Wq = (Wp + SW - 1) / SW;
  // With stride 1 the right padding of a row can be the next row's left
  // padding: reads past a row's end land in those zeros. Rows of
  // W + max(PL, PR) instead of W + PL + PR drop fewer computed columns
  // (a 7x7 output with pad 1: 56 columns instead of 64). Needs every
  // output column inside a row: OW <= Wq.
  int64_t PL = G.PadBegin[1], PR = G.PadEnd[1];
  if (SW == 1 && std::min(PL, PR) <= (G.Kernel[1] - 1) * G.Dilation[1])
    Wq = G.In[1] + std::max(PL, PR);
  int64_t Cols, LDS, SrcRowStride;
  if (!Is3D) {
    Cols = (G.Out[0] - 1) * Wq + G.Out[1];
    LDS = roundUp8(Cols);
    SrcRowStride = Wq;
    int64_t MaxOff = 0;
    for (int64_t Ch = 0, P = 0; Ch < Cg; ++Ch)
      for (int64_t Kh = 0; Kh < G.Kernel[0]; ++Kh)
        for (int64_t Kw = 0; Kw < G.Kernel[1]; ++Kw) {
          int64_t R = Kh * G.Dilation[0], Q = Kw * G.Dilation[1];
          S.Off[P] = ((Ch * SH + R % SH) * SW + Q % SW) * Hq * Wq +
                     R / SH * Wq + Q / SW;
          MaxOff = std::max(MaxOff, S.Off[P++]);
        }
    // The GEMM reads up to LDS columns past every offset; what lies beyond
    // the planes is zero like the padding.
    S.In.assign(std::max(Cg * SH * SW * Hq * Wq, MaxOff + LDS), 0.0f);
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
      if (Is3D)
        im2col3D(XG, Cg, G, S.In.data(), LDS);
      else
        fillPhases(XG, Cg, G, Hq, Wq, S.In.data());
      sgemmOffsetB(Mg, Cols, K, PW + Gr * PackedSize,
                   S.In.data(), S.Off.data(), S.Out.data(), LDS);
      for (int64_t I = 0; I < Mg; ++I) {
        int64_t Ch = Gr * Mg + I;
        finishRows(S.Out.data() + I * LDS, SrcRowStride, OutRows, OW,
                   YI + Ch * OutSize,
                   channelOps(BD, Epi, Ch,
                              RD ? RD + (Img * M + Ch) * OutSize : nullptr));
      }
    }
  }
  return Error::success();
}

static Error convKernel(const Op &O, ArrayRef<const Tensor *> In,
                        MutableArrayRef<Tensor> Out) {
  return convolve(O, In, Out[0], nullptr, {}, nullptr);
}

} // namespace interp

void registerConvKernels(KernelRegistry &R) {
  R.add("onnx.Conv", interp::convKernel);
}

} // namespace onncf
