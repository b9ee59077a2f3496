//===- QuantConv.cpp - quant.conv and quant.fc kernels --------------------===//
//
// Part of onnc-fault. The NVDLA CONV + CACC + SDP pipeline of
// onncf/IR/QuantOps.h: an exact integer sum of products, the accumulator
// output stage (fixp::caccOutput), the bias add (fixp::sdpAlu) and the SDP
// epilogue (fixp::sdpEpilogue), per output element.
//
// quant.conv is im2col into int16 (the packed layout of QuantKernels.h) and
// the int16 GEMM per image and group; quant.fc is one dot product per
// (image, output). Both sum in int32 when every sum provably fits (always
// for 8-bit operands with K < 2^17; otherwise checked from the actual
// weights and the image's largest |x|: fault injection may put any value in
// a stored word, so the bits a type declares are not trusted), else in
// int64. Each image is computed on its own: the results do not depend on
// the batch split.
//
// MAC lane faults (cmac_lanes, onncf/Fault/MacFaults.h, docs/CmacFaults.md):
// weight lanes are applied to a copy of the weights, which then take the
// fast path; the output channels whose cell row has a faulty data lane are
// recomputed by a direct loop in which every input value of channel c,
// padding zeros included, goes through the data lane of cell
// (k mod atomK, c mod atomC).
//
// CBUF faults (cbuf_data_hits, onncf/Fault/CbufFaults.h,
// docs/CbufFaults.md): the listed elements of each image's input cube are
// corrupted in a copy of the input before anything else reads it (the
// weights' CBUF faults are in the weight constants already).
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "QuantKernels.h"
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Interp/Kernels.h"

using namespace llvm;

namespace onncf {
namespace interp {

namespace {

bool isActivation(ElementType T) {
  return T == ElementType::I8 || T == ElementType::I16;
}

/// Largest |x| of \p N elements.
template <typename T> int64_t maxAbs(const T *X, int64_t N) {
  int32_t Max = 0;
  for (int64_t I = 0; I < N; ++I) {
    int32_t V = X[I] < 0 ? -int32_t(X[I]) : int32_t(X[I]);
    Max = V > Max ? V : Max;
  }
  return Max;
}

/// An upper bound of max |x| without reading the data, from the type.
int64_t typeMaxAbs(ElementType T) { return T == ElementType::I8 ? 128 : 32768; }

/// True if sums of \p K products of the two operand types always fit int32.
bool alwaysFits32(ElementType X, ElementType W, int64_t K) {
  return X == ElementType::I8 && W == ElementType::I8 && K < (int64_t(1) << 17);
}

constexpr int64_t Int32Bound = int64_t(1) << 31;

/// Everything the per-element output stage needs.
struct OutputStage {
  QuantEpilogue Epi;
  unsigned ClipTruncate = 0;
  const int32_t *Bias = nullptr;

  int32_t apply(int64_t Acc, int64_t Channel) const {
    int32_t A = fixp::caccOutput(Acc, ClipTruncate);
    int64_t V = fixp::sdpAlu(A, Bias ? Bias[Channel] : 0, fixp::SdpAluOp::Add);
    return fixp::sdpEpilogue(V, Epi.at(Channel));
  }
};

Expected<OutputStage> readOutputStage(const Op &O, const Tensor *B,
                                      int64_t Channels, const Tensor &Y) {
  OutputStage S;
  auto Epi = readQuantEpilogue(O, Channels);
  if (!Epi)
    return Epi.takeError();
  S.Epi = std::move(*Epi);
  auto Clip = readClipTruncate(O);
  if (!Clip)
    return Clip.takeError();
  S.ClipTruncate = *Clip;
  unsigned OutBits = S.Epi.Params[0].OutBits;
  ElementType Want = OutBits == 16 ? ElementType::I16 : ElementType::I8;
  if (Y.getElementType() != Want)
    return makeError("result type " + Y.getType().str() +
                     " does not match out_bits " + Twine(OutBits));
  if (B) {
    if (B->getElementType() != ElementType::I32 ||
        B->getType().getRank() != 1 || B->getShape()[0] != Channels)
      return makeError("bias must be i32[" + Twine(Channels) + "], not " +
                       B->getType().str());
    S.Bias = B->data<int32_t>().data();
  }
  return S;
}

template <typename YT, typename AccT>
void storeRow(const OutputStage &S, const AccT *Acc, int64_t P, int64_t Channel,
              YT *Y) {
  const fixp::EpilogueParams &E = S.Epi.at(Channel);
  int32_t Bias = S.Bias ? S.Bias[Channel] : 0;
  for (int64_t I = 0; I < P; ++I) {
    int32_t A = fixp::caccOutput(Acc[I], S.ClipTruncate);
    int64_t V = fixp::sdpAlu(A, Bias, fixp::SdpAluOp::Add);
    Y[I] = static_cast<YT>(fixp::sdpEpilogue(V, E));
  }
}

/// Weights [M][K] of int8/int16 widened to int16 rows of Kp; returns the
/// largest per-row sum of |w| and sets \p MaxAbs to the largest |w|.
template <typename WT>
int64_t packWeights(const WT *W, int64_t M, int64_t K, int64_t Kp, int16_t *Out,
                    int64_t &MaxAbs) {
  int64_t MaxRow = 0;
  MaxAbs = 0;
  for (int64_t Mi = 0; Mi < M; ++Mi) {
    int64_t Sum = 0;
    for (int64_t I = 0; I < K; ++I) {
      int16_t V = W[Mi * K + I];
      Out[Mi * Kp + I] = V;
      int64_t A = V < 0 ? -int64_t(V) : int64_t(V);
      Sum += A;
      MaxAbs = std::max(MaxAbs, A);
    }
    for (int64_t I = K; I < Kp; ++I)
      Out[Mi * Kp + I] = 0;
    MaxRow = std::max(MaxRow, Sum);
  }
  return MaxRow;
}

/// Row k = (c * KH + kh) * KW + kw of the im2col matrix of \p X (one
/// image, one group): OH * OW entries, zero where the window reads padding.
template <typename XT>
void im2colRow(const XT *X, int64_t K, const WindowGeometry &G, int16_t *Row) {
  int64_t H = G.In[0], W = G.In[1], OH = G.Out[0], OW = G.Out[1];
  int64_t KH = G.Kernel[0], KW = G.Kernel[1];
  int64_t SH = G.Stride[0], SW = G.Stride[1];
  int64_t C = K / (KH * KW), Kh = K / KW % KH, Kw = K % KW;
  const XT *XC = X + C * H * W;
  // Output columns whose input column is inside the image.
  int64_t Off = Kw * G.Dilation[1] - G.PadBegin[1];
  int64_t OwBegin = Off >= 0 ? 0 : (-Off + SW - 1) / SW;
  int64_t OwEnd = W - Off <= 0 ? 0 : (W - Off + SW - 1) / SW;
  OwEnd = std::min(OwEnd, OW);
  OwBegin = std::min(OwBegin, OwEnd);
  for (int64_t Oh = 0; Oh < OH; ++Oh, Row += OW) {
    int64_t Ih = Oh * SH - G.PadBegin[0] + Kh * G.Dilation[0];
    if (Ih < 0 || Ih >= H) {
      std::fill(Row, Row + OW, int16_t(0));
      continue;
    }
    const XT *XR = XC + Ih * W + Off;
    std::fill(Row, Row + OwBegin, int16_t(0));
    if (SW == 1)
      for (int64_t Ow = OwBegin; Ow < OwEnd; ++Ow)
        Row[Ow] = XR[Ow];
    else
      for (int64_t Ow = OwBegin; Ow < OwEnd; ++Ow)
        Row[Ow] = XR[Ow * SW];
    std::fill(Row + OwEnd, Row + OW, int16_t(0));
  }
}

/// im2col of channels [0, Cg) of \p X (one image, one group) into the
/// packed B layout (QuantKernels.h): rows are built two at a time in plain
/// buffers, then interleaved into the 16-column panels.
template <typename XT>
void im2colPacked(const XT *X, int64_t Cg, const WindowGeometry &G, int64_t Kp,
                  int16_t *BP) {
  int64_t K = Cg * G.Kernel[0] * G.Kernel[1];
  int64_t P = G.Out[0] * G.Out[1];
  int64_t Panels = qgemm::numPanels(P), NR = qgemm::NR;
  thread_local std::vector<int16_t> R0, R1;
  R0.assign(Panels * NR, 0);
  R1.assign(Panels * NR, 0);
  for (int64_t Kq = 0; Kq < Kp / 2; ++Kq) {
    im2colRow(X, 2 * Kq, G, R0.data());
    if (2 * Kq + 1 < K)
      im2colRow(X, 2 * Kq + 1, G, R1.data());
    else
      std::fill(R1.begin(), R1.end(), int16_t(0));
    qgemm::interleavePanels(R0.data(), R1.data(), Panels, Kp * NR,
                            BP + Kq * 2 * NR);
  }
}

/// Stride-1 convolutions skip im2col: over the zero-padded image (row
/// length Wp, image row h at (h + PT) * Wp + PL, zeros elsewhere), output
/// (oh, ow) reads input cell oh * Wp + ow + off(k) with
/// off(k) = (c * Hp + kh * DH) * Wp + kw * DW, so row k of the im2col
/// matrix, taken over the "wide" columns q = oh * Wp + ow (ow < Wp), is
/// the contiguous slice starting at off(k). The GEMM computes the Wp - OW
/// extra columns per row too (they read only image cells and zeros, so
/// the int32 bounds still hold) and the output stage skips them.
template <typename XT>
void padImage(const XT *X, int64_t C, const WindowGeometry &G, int64_t Hp,
              int64_t Wp, int64_t Tail, std::vector<int16_t> &XP) {
  int64_t H = G.In[0], W = G.In[1];
  XP.assign(C * Hp * Wp + Tail, 0);
  for (int64_t Ci = 0; Ci < C; ++Ci)
    for (int64_t Hi = 0; Hi < H; ++Hi) {
      const XT *Src = X + (Ci * H + Hi) * W;
      int16_t *Dst =
          XP.data() + (Ci * Hp + Hi + G.PadBegin[0]) * Wp + G.PadBegin[1];
      for (int64_t Wi = 0; Wi < W; ++Wi)
        Dst[Wi] = Src[Wi];
    }
}

/// The packed B of a stride-1 conv from the padded image of one group
/// (\p XP), \p Cols wide columns; \p Zeros holds numPanels(Cols) * NR
/// zeros (the odd row when K is odd).
void packShifted(const int16_t *XP, int64_t Cg, const WindowGeometry &G,
                 int64_t Hp, int64_t Wp, int64_t Kp, int64_t Cols,
                 const int16_t *Zeros, int16_t *BP) {
  int64_t KH = G.Kernel[0], KW = G.Kernel[1], K = Cg * KH * KW;
  int64_t Panels = qgemm::numPanels(Cols), NR = qgemm::NR;
  auto Row = [&](int64_t Kk) -> const int16_t * {
    if (Kk >= K)
      return Zeros;
    int64_t C = Kk / (KH * KW), Kh = Kk / KW % KH, Kw = Kk % KW;
    return XP + (C * Hp + Kh * G.Dilation[0]) * Wp + Kw * G.Dilation[1];
  };
  for (int64_t Kq = 0; Kq < Kp / 2; ++Kq) {
    qgemm::interleavePanels(Row(2 * Kq), Row(2 * Kq + 1), Panels, Kp * NR,
                            BP + Kq * 2 * NR);
  }
}

template <typename XT, typename WT, typename YT>
void convTyped(const Tensor &X, const Tensor &Wt, const WindowGeometry &G,
               int64_t Group, const OutputStage &S, Tensor &Y) {
  ArrayRef<int64_t> XS = X.getShape(), WS = Wt.getShape();
  int64_t N = XS[0], C = XS[1], M = WS[0];
  int64_t Cg = C / Group, Mg = M / Group;
  int64_t K = Cg * G.Kernel[0] * G.Kernel[1], Kp = qgemm::paddedK(K);
  int64_t OH = G.Out[0], OW = G.Out[1], P = OH * OW;
  int64_t ImageIn = C * G.In[0] * G.In[1];
  // Stride 1: the shifted-window layout (padImage) with Wp-wide rows of
  // GEMM columns; otherwise im2col with OW-wide rows.
  bool Shifted = G.Stride[0] == 1 && G.Stride[1] == 1;
  int64_t Hp = G.In[0] + G.PadBegin[0] + G.PadEnd[0];
  // Consecutive rows share their zero gap (the right padding of one row is
  // the left padding of the next) unless a window could span both pads.
  int64_t PL = G.PadBegin[1], PR = G.PadEnd[1];
  int64_t Wp = std::min(PL, PR) < (G.Kernel[1] - 1) * G.Dilation[1] + 1
                   ? G.In[1] + std::max(PL, PR)
                   : G.In[1] + PL + PR;
  int64_t RowLen = Shifted ? Wp : OW, Cols = OH * RowLen;
  int64_t LDC = qgemm::numPanels(Cols) * qgemm::NR;

  thread_local std::vector<int16_t> WPack, BPack, XPad, Zeros;
  thread_local std::vector<int32_t> C32;
  thread_local std::vector<int64_t> C64;
  thread_local std::vector<YT> YRow;
  WPack.resize(M * Kp);
  BPack.resize(qgemm::packedBSize(Kp, Cols));
  if (Shifted)
    Zeros.assign(LDC, 0);
  int64_t MaxWAbs = 0;
  int64_t MaxRowAbs =
      packWeights(Wt.data<WT>().data(), M, K, Kp, WPack.data(), MaxWAbs);
  bool Fits8 = alwaysFits32(X.getElementType(), Wt.getElementType(), K);

  const XT *XD = X.data<XT>().data();
  YT *YD = Y.mutableData<YT>().data();
  for (int64_t Ni = 0; Ni < N; ++Ni) {
    const XT *XI = XD + Ni * ImageIn;
    bool Fits =
        Fits8 || MaxRowAbs * typeMaxAbs(X.getElementType()) < Int32Bound;
    // Otherwise int32 sums over blocks of k that cannot overflow, added in
    // int64; scalar int64 only when even one pair of products may not fit.
    int64_t BlockPairs = 0;
    if (!Fits) {
      int64_t XMax = maxAbs(XI, ImageIn);
      Fits = MaxRowAbs * XMax < Int32Bound;
      if (!Fits)
        BlockPairs = (Int32Bound - 1) / (2 * MaxWAbs * XMax);
    }
    if (Shifted)
      padImage(XI, C, G, Hp, Wp, LDC + Wp + 64, XPad);
    for (int64_t Gi = 0; Gi < Group; ++Gi) {
      if (Shifted)
        packShifted(XPad.data() + Gi * Cg * Hp * Wp, Cg, G, Hp, Wp, Kp, Cols,
                    Zeros.data(), BPack.data());
      else
        im2colPacked(XI + Gi * Cg * G.In[0] * G.In[1], Cg, G, Kp, BPack.data());
      const int16_t *A = WPack.data() + Gi * Mg * Kp;
      YT *YG = YD + (Ni * M + Gi * Mg) * P;
      if (Fits) {
        C32.resize(Mg * LDC);
        qgemm::gemm32(Mg, Kp, Cols, A, BPack.data(), C32.data(), LDC);
        for (int64_t Mi = 0; Mi < Mg; ++Mi) {
          int64_t Ch = Gi * Mg + Mi;
          const int32_t *CR = C32.data() + Mi * LDC;
          int32_t Bias = S.Bias ? S.Bias[Ch] : 0;
          if (!Shifted) {
            qgemm::epilogueRow32(CR, P, S.ClipTruncate, Bias, S.Epi.at(Ch),
                                 YG + Mi * P, sizeof(YT));
            continue;
          }
          // The whole wide row in one call (short rows would run mostly
          // the scalar tail), then the OW valid columns of each row.
          YRow.resize(LDC);
          qgemm::epilogueRow32(CR, Cols, S.ClipTruncate, Bias, S.Epi.at(Ch),
                               YRow.data(), sizeof(YT));
          for (int64_t Oh = 0; Oh < OH; ++Oh)
            std::memcpy(YG + Mi * P + Oh * OW, YRow.data() + Oh * Wp,
                        OW * sizeof(YT));
        }
      } else {
        C64.resize(Mg * LDC);
        if (BlockPairs >= 8)
          qgemm::gemm64Blocked(Mg, Kp, Cols, A, BPack.data(), C64.data(), LDC,
                               BlockPairs);
        else
          qgemm::gemm64(Mg, Kp, Cols, A, BPack.data(), C64.data(), LDC);
        for (int64_t Mi = 0; Mi < Mg; ++Mi)
          for (int64_t Oh = 0; Oh < OH; ++Oh)
            storeRow(S, C64.data() + Mi * LDC + Oh * RowLen, OW, Gi * Mg + Mi,
                     YG + Mi * P + Oh * OW);
      }
    }
  }
}

/// Calls Fn(XT{}, WT{}, YT{}) for the element types of X, W and Y (each i8
/// or i16, checked by the caller).
template <typename F>
void dispatch3(ElementType X, ElementType W, ElementType Y, F &&Fn) {
  auto WithY = [&](auto XV, auto WV) {
    if (Y == ElementType::I8)
      Fn(XV, WV, int8_t());
    else
      Fn(XV, WV, int16_t());
  };
  auto WithW = [&](auto XV) {
    if (W == ElementType::I8)
      WithY(XV, int8_t());
    else
      WithY(XV, int16_t());
  };
  if (X == ElementType::I8)
    WithW(int8_t());
  else
    WithW(int16_t());
}

Error checkOperands(const Tensor &X, const Tensor &W, unsigned Rank) {
  if (!isActivation(X.getElementType()) || X.getType().getRank() != Rank)
    return makeError("input must be an i8 or i16 tensor of rank " +
                     Twine(Rank) + ", not " + X.getType().str());
  if (!isActivation(W.getElementType()) || W.getType().getRank() != Rank)
    return makeError("weight must be an i8 or i16 tensor of rank " +
                     Twine(Rank) + ", not " + W.getType().str());
  return Error::success();
}

/// The cmac_lanes attribute of an op as lookup tables (identity for the
/// lanes it does not list).
struct MacLanes {
  fault::MacGeometry Geo;
  int64_t RS = 1;
  std::vector<int8_t> Tables; ///< (cell * 2 + operand) * 256 + uint8_t(v)
  std::vector<char> DataRow;  ///< per k mod atomK: a data lane is faulty
  bool AnyWeight = false, AnyData = false;

  const int8_t *table(int64_t K, int64_t C, fault::Operand O) const {
    return Tables.data() + (size_t(Geo.cellOf(K, C)) * 2 + unsigned(O)) * 256;
  }
  bool dataRow(int64_t K) const { return DataRow[size_t(K % Geo.AtomK)]; }
};

Expected<std::optional<MacLanes>> readMacLanes(const Op &O) {
  const Attribute *A = O.getAttr(fault::attr::CMacLanes);
  if (!A)
    return std::nullopt;
  auto Bad = [&](const Twine &Why) {
    return makeError("attribute 'cmac_lanes' " + Why);
  };
  if (!A->is(AttrKind::Ints))
    return Bad("must be ints");
  const std::vector<int64_t> &V = A->getInts();
  if (V.size() < 3 || (V.size() - 3) % 6 || V[0] < 1 || V[0] > 4096 ||
      V[1] < 1 || V[1] > 4096 || V[2] < 1)
    return Bad("must be [atomK, atomC, RS, (cell, operand, sa0, sa1, mask, "
               "mode)...]");
  MacLanes L;
  L.Geo = fault::MacGeometry{unsigned(V[0]), unsigned(V[1])};
  L.RS = V[2];
  size_t Cells = L.Geo.cells();
  L.Tables.resize(Cells * 2 * 256);
  for (size_t I = 0; I < Cells * 2; ++I)
    for (unsigned X = 0; X < 256; ++X)
      L.Tables[I * 256 + X] = int8_t(uint8_t(X));
  L.DataRow.assign(L.Geo.AtomK, 0);
  for (size_t I = 3; I < V.size(); I += 6) {
    if (V[I] < 0 || V[I] >= int64_t(Cells) || V[I + 1] < 0 || V[I + 1] > 1 ||
        V[I + 2] < 0 || V[I + 2] > 255 || V[I + 3] < 0 || V[I + 3] > 255 ||
        V[I + 4] < 0 || V[I + 4] > 127 || V[I + 5] < 0 || V[I + 5] > 1)
      return Bad("has a bad lane entry at index " + Twine(I));
    int8_t *T = L.Tables.data() + (size_t(V[I]) * 2 + size_t(V[I + 1])) * 256;
    for (unsigned X = 0; X < 256; ++X)
      T[X] = fault::laneValue(int8_t(uint8_t(X)), uint8_t(V[I + 2]),
                              uint8_t(V[I + 3]), uint8_t(V[I + 4]),
                              fault::LaneMode(V[I + 5]));
    if (V[I + 1] == 0) {
      L.AnyWeight = true;
    } else {
      L.AnyData = true;
      L.DataRow[size_t(V[I]) / L.Geo.AtomC] = 1;
    }
  }
  return std::optional<MacLanes>(std::move(L));
}

/// \p W with every weight replaced by what its cell's weight lane gives.
/// Element I of a [K, rest...] weight has kernel channel (I % rest) / \p
/// Per: the taps per channel (conv: kh * kw; fc: R*S of wmem_kcrs).
Tensor laneWeights(const Tensor &W, const MacLanes &L, int64_t Per) {
  Tensor T = W;
  MutableArrayRef<int8_t> D = T.mutableData<int8_t>();
  int64_t Rest = W.getShape()[0] ? int64_t(D.size()) / W.getShape()[0] : 1;
  for (int64_t I = 0; I < int64_t(D.size()); ++I)
    D[I] = L.table(I / Rest, I % Rest / Per,
                   fault::Operand::Weight)[uint8_t(D[I])];
  return T;
}

/// Recomputes the channels of cell rows with faulty data lanes: every input
/// value (padding zeros too) goes through its data lane. \p W holds the
/// lane-applied weights.
template <typename YT>
void convDataLanes(const Tensor &X, const Tensor &W, const WindowGeometry &G,
                   int64_t Group, const OutputStage &S, const MacLanes &L,
                   Tensor &Y) {
  ArrayRef<int64_t> XS = X.getShape(), WS = W.getShape();
  int64_t N = XS[0], C = XS[1], H = G.In[0], Wd = G.In[1], M = WS[0];
  int64_t Cg = C / Group, Mg = M / Group, KH = G.Kernel[0], KW = G.Kernel[1];
  int64_t OH = G.Out[0], OW = G.Out[1];
  const int8_t *XD = X.data<int8_t>().data();
  const int8_t *WD = W.data<int8_t>().data();
  YT *YD = Y.mutableData<YT>().data();
  std::vector<const int8_t *> Tab(Cg);
  for (int64_t K = 0; K < M; ++K) {
    if (!L.dataRow(K))
      continue;
    int64_t Gi = K / Mg;
    for (int64_t Ci = 0; Ci < Cg; ++Ci)
      Tab[Ci] = L.table(K, Ci, fault::Operand::Data);
    const int8_t *WK = WD + K * Cg * KH * KW;
    for (int64_t Ni = 0; Ni < N; ++Ni) {
      const int8_t *XG = XD + (Ni * C + Gi * Cg) * H * Wd;
      YT *YK = YD + (Ni * M + K) * OH * OW;
      for (int64_t Oh = 0; Oh < OH; ++Oh)
        for (int64_t Ow = 0; Ow < OW; ++Ow) {
          int64_t Acc = 0;
          for (int64_t Ci = 0; Ci < Cg; ++Ci) {
            const int8_t *T = Tab[Ci];
            for (int64_t Kh = 0; Kh < KH; ++Kh) {
              int64_t Ih =
                  Oh * G.Stride[0] - G.PadBegin[0] + Kh * G.Dilation[0];
              for (int64_t Kw = 0; Kw < KW; ++Kw) {
                int64_t Iw =
                    Ow * G.Stride[1] - G.PadBegin[1] + Kw * G.Dilation[1];
                int8_t Xv = Ih >= 0 && Ih < H && Iw >= 0 && Iw < Wd
                                ? XG[(Ci * H + Ih) * Wd + Iw]
                                : int8_t(0);
                Acc += int64_t(T[uint8_t(Xv)]) * WK[(Ci * KH + Kh) * KW + Kw];
              }
            }
          }
          YK[Oh * OW + Ow] = static_cast<YT>(S.apply(Acc, K));
        }
    }
  }
}

/// quant.fc: input element i of row k goes through the data lane of cell
/// (k mod atomK, (i / RS) mod atomC).
template <typename YT>
void fcDataLanes(const Tensor &X, const Tensor &W, const OutputStage &S,
                 const MacLanes &L, Tensor &Y) {
  int64_t N = X.getShape()[0], K = X.getShape()[1], M = W.getShape()[0];
  const int8_t *XD = X.data<int8_t>().data();
  const int8_t *WD = W.data<int8_t>().data();
  YT *YD = Y.mutableData<YT>().data();
  std::vector<const int8_t *> Tab(K);
  for (int64_t Mi = 0; Mi < M; ++Mi) {
    if (!L.dataRow(Mi))
      continue;
    for (int64_t I = 0; I < K; ++I)
      Tab[I] = L.table(Mi, fault::fcChannelOf(I, L.RS), fault::Operand::Data);
    for (int64_t Ni = 0; Ni < N; ++Ni) {
      int64_t Acc = 0;
      for (int64_t I = 0; I < K; ++I)
        Acc += int64_t(Tab[I][uint8_t(XD[Ni * K + I])]) * WD[Mi * K + I];
      YD[Ni * M + Mi] = static_cast<YT>(S.apply(Acc, Mi));
    }
  }
}

Error checkLaneOperands(const Tensor &X, const Tensor &W) {
  if (X.getElementType() != ElementType::I8 ||
      W.getElementType() != ElementType::I8)
    return makeError("cmac_lanes needs int8 input and weight, not " +
                     X.getType().str() + " and " + W.getType().str());
  return Error::success();
}

/// An op's MAC lanes (none without cmac_lanes) and the weights its kernels
/// multiply with: \p W itself, or a copy through the weight lanes (\p Per
/// consecutive weights share one (k, c): R * S of a conv, the lanes' RS for
/// an fc).
struct LaneOperands {
  std::optional<MacLanes> Lanes;
  Tensor LaneWeights;
  const Tensor *W = nullptr;
};

Error readLaneOperands(const Op &O, const Tensor &X, const Tensor &W,
                       std::optional<int64_t> Per, LaneOperands &LO) {
  auto L = readMacLanes(O);
  if (!L)
    return L.takeError();
  LO.Lanes = std::move(*L);
  LO.W = &W;
  if (!LO.Lanes)
    return Error::success();
  if (Error E = checkLaneOperands(X, W))
    return E;
  if (LO.Lanes->AnyWeight) {
    LO.LaneWeights = laneWeights(W, *LO.Lanes, Per ? *Per : LO.Lanes->RS);
    LO.W = &LO.LaneWeights;
  }
  return Error::success();
}

/// The input with the op's cbuf_data_hits applied to every image (index
/// within one image's C x H x W cube), or \p X itself without them.
Expected<const Tensor *> cbufInput(const Op &O, const Tensor &X, Tensor &Copy) {
  const Attribute *A = O.getAttr(fault::attr::CbufDataHits);
  if (!A)
    return &X;
  ElementType E = X.getElementType();
  int64_t N = X.getShape().empty() ? 0 : X.getShape()[0];
  int64_t Per = N ? int64_t(X.getNumElements()) / N : 0;
  if (!A->is(AttrKind::Ints) || A->getInts().size() % 3 ||
      (E != ElementType::I8 && E != ElementType::I16))
    return makeError("attribute 'cbuf_data_hits' must be (index, sa0, sa1) "
                     "triples on an int8 / int16 input");
  const std::vector<int64_t> &V = A->getInts();
  std::vector<fault::CbufHit> Hits;
  for (size_t I = 0; I < V.size(); I += 3) {
    if (V[I] < 0 || V[I] >= Per || V[I + 1] < 0 || V[I + 1] > 0xffff ||
        V[I + 2] < 0 || V[I + 2] > 0xffff)
      return makeError("attribute 'cbuf_data_hits' has a bad entry at index " +
                       Twine(I) + " for an input of " + Twine(Per) +
                       " elements per image");
    Hits.push_back({uint64_t(V[I]), uint16_t(V[I + 1]), uint16_t(V[I + 2])});
  }
  // (v & ~sa0) | sa1 on the element's bits, as fault::applyCbufHits (kept
  // inline: the interpreter does not link the fault library).
  Copy = X;
  auto Apply = [&](auto *D) {
    using T = std::remove_pointer_t<decltype(D)>;
    using U = std::make_unsigned_t<T>;
    for (int64_t Ni = 0; Ni < N; ++Ni)
      for (const fault::CbufHit &H : Hits) {
        T &Val = D[Ni * Per + int64_t(H.Index)];
        Val = T(U((U(Val) & U(~H.Sa0)) | U(H.Sa1)));
      }
  };
  if (E == ElementType::I8)
    Apply(Copy.mutableData<int8_t>().data());
  else
    Apply(Copy.mutableData<int16_t>().data());
  return &Copy;
}

Error quantConvKernel(const Op &O, ArrayRef<const Tensor *> In,
                      MutableArrayRef<Tensor> Out) {
  Tensor XCopy;
  auto XP = cbufInput(O, *In[0], XCopy);
  if (!XP)
    return XP.takeError();
  const Tensor &X = **XP, &W = *In[1];
  const Tensor *B = In.size() > 2 ? In[2] : nullptr;
  Tensor &Y = Out[0];
  if (Error E = checkOperands(X, W, 4))
    return E;
  int64_t Group = O.getIntAttr("group", 1);
  ArrayRef<int64_t> XS = X.getShape(), WS = W.getShape();
  if (Group < 1 || XS[1] % Group || WS[0] % Group || WS[1] * Group != XS[1])
    return makeError("weight " + W.getType().str() + " does not fit input " +
                     X.getType().str() + " with group " + Twine(Group));
  auto G = toWindowGeometry(computeConvGeometry(O, XS, WS), Y.getShape());
  if (!G)
    return G.takeError();
  auto S = readOutputStage(O, B, WS[0], Y);
  if (!S)
    return S.takeError();
  LaneOperands LO;
  if (Error E = readLaneOperands(O, X, W, WS[2] * WS[3], LO))
    return E;
  const Tensor *WP = LO.W;
  dispatch3(X.getElementType(), W.getElementType(), Y.getElementType(),
            [&](auto XV, auto WV, auto YV) {
              convTyped<decltype(XV), decltype(WV), decltype(YV)>(X, *WP, *G,
                                                                  Group, *S, Y);
            });
  if (LO.Lanes && LO.Lanes->AnyData) {
    if (Y.getElementType() == ElementType::I8)
      convDataLanes<int8_t>(X, *WP, *G, Group, *S, *LO.Lanes, Y);
    else
      convDataLanes<int16_t>(X, *WP, *G, Group, *S, *LO.Lanes, Y);
  }
  return Error::success();
}

template <typename XT, typename WT, typename YT>
void fcTyped(const Tensor &X, const Tensor &Wt, const OutputStage &S,
             Tensor &Y) {
  int64_t N = X.getShape()[0], K = X.getShape()[1], M = Wt.getShape()[0];
  int64_t KPad = (K + 15) & ~int64_t(15);
  const XT *XD = X.data<XT>().data();
  const WT *WD = Wt.data<WT>().data();
  YT *YD = Y.mutableData<YT>().data();
  bool Fits8 = alwaysFits32(X.getElementType(), Wt.getElementType(), K);
  int64_t MaxRowAbs = 0, MaxWAbs = 0;
  if (!Fits8)
    for (int64_t Mi = 0; Mi < M; ++Mi) {
      int64_t Sum = 0;
      for (int64_t I = 0; I < K; ++I) {
        int64_t A = WD[Mi * K + I] < 0 ? -int64_t(WD[Mi * K + I])
                                       : int64_t(WD[Mi * K + I]);
        Sum += A;
        MaxWAbs = std::max(MaxWAbs, A);
      }
      MaxRowAbs = std::max(MaxRowAbs, Sum);
    }
  thread_local std::vector<int16_t> XRow;
  thread_local std::vector<int32_t> Acc32;
  thread_local std::vector<int64_t> Acc64;
  // Every image's sums fit int32 (always for 8-bit operands): one call
  // for all images, so the weights are read once.
  bool AllFit = Fits8;
  if (!AllFit) {
    AllFit = true;
    for (int64_t Ni = 0; Ni < N && AllFit; ++Ni)
      AllFit = MaxRowAbs * maxAbs(XD + Ni * K, K) < Int32Bound;
  }
  if (AllFit) {
    XRow.assign(N * KPad, 0);
    Acc32.resize(N * M);
    for (int64_t Ni = 0; Ni < N; ++Ni)
      for (int64_t I = 0; I < K; ++I)
        XRow[Ni * KPad + I] = XD[Ni * K + I];
    qgemm::dot32(N, M, K, KPad, XRow.data(), WD, K, sizeof(WT), Acc32.data());
    for (int64_t I = 0; I < N * M; ++I)
      YD[I] = static_cast<YT>(S.apply(Acc32[I], I % M));
    return;
  }
  XRow.assign(KPad, 0);
  Acc32.resize(M);
  for (int64_t Ni = 0; Ni < N; ++Ni) {
    const XT *XI = XD + Ni * K;
    YT *YI = YD + Ni * M;
    for (int64_t I = 0; I < K; ++I)
      XRow[I] = XI[I];
    int64_t XMax = Fits8 ? 0 : maxAbs(XI, K);
    if (Fits8 || MaxRowAbs * XMax < Int32Bound) {
      qgemm::dot32(1, M, K, KPad, XRow.data(), WD, K, sizeof(WT), Acc32.data());
      for (int64_t Mi = 0; Mi < M; ++Mi)
        YI[Mi] = static_cast<YT>(S.apply(Acc32[Mi], Mi));
      continue;
    }
    // int32 dot products over chunks of k that cannot overflow, added in
    // int64 (scalar int64 if even a chunk of 16 may overflow).
    int64_t Chunk = (Int32Bound - 1) / (MaxWAbs * XMax) & ~int64_t(15);
    Acc64.assign(M, 0);
    if (Chunk >= 16) {
      for (int64_t K0 = 0; K0 < K; K0 += Chunk) {
        int64_t Len = std::min(Chunk, K - K0);
        qgemm::dot32(1, M, Len, KPad, XRow.data() + K0, WD + K0, K, sizeof(WT),
                     Acc32.data());
        for (int64_t Mi = 0; Mi < M; ++Mi)
          Acc64[Mi] += Acc32[Mi];
      }
    } else {
      for (int64_t Mi = 0; Mi < M; ++Mi)
        for (int64_t I = 0; I < K; ++I)
          Acc64[Mi] += int64_t(XI[I]) * WD[Mi * K + I];
    }
    for (int64_t Mi = 0; Mi < M; ++Mi)
      YI[Mi] = static_cast<YT>(S.apply(Acc64[Mi], Mi));
  }
}

Error quantFCKernel(const Op &O, ArrayRef<const Tensor *> In,
                    MutableArrayRef<Tensor> Out) {
  Tensor XCopy;
  auto XP = cbufInput(O, *In[0], XCopy);
  if (!XP)
    return XP.takeError();
  const Tensor &X = **XP, &W = *In[1];
  const Tensor *B = In.size() > 2 ? In[2] : nullptr;
  Tensor &Y = Out[0];
  if (Error E = checkOperands(X, W, 2))
    return E;
  if (X.getShape()[1] != W.getShape()[1] ||
      Y.getShape() != ArrayRef<int64_t>({X.getShape()[0], W.getShape()[0]}))
    return makeError("weight " + W.getType().str() + " does not fit input " +
                     X.getType().str());
  auto S = readOutputStage(O, B, W.getShape()[0], Y);
  if (!S)
    return S.takeError();
  LaneOperands LO;
  if (Error E = readLaneOperands(O, X, W, std::nullopt, LO))
    return E;
  const Tensor *WP = LO.W;
  dispatch3(X.getElementType(), W.getElementType(), Y.getElementType(),
            [&](auto XV, auto WV, auto YV) {
              fcTyped<decltype(XV), decltype(WV), decltype(YV)>(X, *WP, *S, Y);
            });
  if (LO.Lanes && LO.Lanes->AnyData) {
    if (Y.getElementType() == ElementType::I8)
      fcDataLanes<int8_t>(X, *WP, *S, *LO.Lanes, Y);
    else
      fcDataLanes<int16_t>(X, *WP, *S, *LO.Lanes, Y);
  }
  return Error::success();
}

} // namespace
} // namespace interp

void registerQuantConvKernels(KernelRegistry &R) {
  R.add(quantop::Conv, interp::quantConvKernel);
  R.add(quantop::FC, interp::quantFCKernel);
}

} // namespace onncf
