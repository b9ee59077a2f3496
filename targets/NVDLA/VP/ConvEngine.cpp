//===- ConvEngine.cpp - CONV (CDMA/CSC/CMAC/CACC) engine model ------------===//
//
// Part of onnc-fault. Direct convolution as the convolution pipeline
// computes it: the input cube is read from memory (NCxHWx) and passed
// through the CDMA input converter, padding positions take pad_val, the
// weights are unpacked from the direct-convolution order (kernel groups of
// atomic K, channel groups of atomic C; targets/NVDLA/Layout), products are
// summed exactly in a 48-bit accumulator and CACC divides by
// 2^clip_truncate with rounding and int32 saturation (fixp::caccOutput).
// The result goes on the fly to the SDP (the dst cube has memory type HW):
// the hardware has no other path out of CACC. FP16 convolutions (nv_full)
// sum in double and send the FP32 result's bit pattern through the pipe;
// the SDP rounds it to FP16 once.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/IR/ElementType.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Layout.h"

#include <cstring>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

/// Limits that keep a hostile descriptor from exhausting memory or time.
static constexpr uint64_t MaxPipeElements = uint64_t(1) << 26;
static constexpr uint64_t MaxConvMacs = uint64_t(1) << 38;

/// Output extent of one axis, or -1 when the kernel does not fit.
static int64_t outExtent(int64_t In, int64_t PadLo, int64_t PadHi,
                         int64_t Kernel, int64_t Dilation, int64_t Stride) {
  int64_t Eff = (Kernel - 1) * Dilation + 1;
  int64_t Span = In + PadLo + PadHi;
  if (Span < Eff)
    return -1;
  return (Span - Eff) / Stride + 1;
}

namespace {
struct ConvGeom {
  int64_t K, C, H, W, R, S, OH, OW, Dx, Dy, StrideX, StrideY, PadT, PadL;
};
} // namespace

/// The input as [y][x][c] through \p InFn and the weights (dense KCRS
/// elements read by \p Raw) as [k][r][s][c] through \p WFn, so the
/// innermost loop runs over contiguous channels.
template <typename T, typename RawFn, typename InFnT, typename WFnT>
static void gather(const ConvGeom &G, const FeatureView &Src,
                   ArrayRef<uint8_t> Dense, RawFn Raw, InFnT InFn, WFnT WFn,
                   std::vector<T> &X, std::vector<T> &Wt) {
  X.assign(uint64_t(G.H) * G.W * G.C, T());
  for (int64_t Y = 0; Y < G.H; ++Y)
    for (int64_t Xx = 0; Xx < G.W; ++Xx)
      for (int64_t Ch = 0; Ch < G.C; ++Ch)
        X[(Y * G.W + Xx) * G.C + Ch] = InFn(Src.load(Ch, Y, Xx));
  Wt.assign(uint64_t(G.K) * G.R * G.S * G.C, T());
  for (int64_t K = 0; K < G.K; ++K)
    for (int64_t Ch = 0; Ch < G.C; ++Ch)
      for (int64_t R = 0; R < G.R; ++R)
        for (int64_t S = 0; S < G.S; ++S) {
          int32_t V = Raw(Dense, ((K * G.C + Ch) * G.R + R) * G.S + S);
          Wt[((K * G.R + R) * G.S + S) * G.C + Ch] = WFn(V);
        }
}

/// Sums products over the kernel window of every output. \p XOf(k) is the
/// input kernel k multiplies (the same X unless MAC data lanes are faulty);
/// a window position outside the input adds \p PadSum[(k*R + r)*S + s], the
/// pad value's products over the channels there (no padded copy of the
/// input is made).
template <typename T, typename XOfFn, typename FinishFn>
static void convolve(const ConvGeom &G, XOfFn XOf, const std::vector<T> &Wt,
                     const std::vector<T> &PadSum, FinishFn Finish) {
  uint64_t Out = 0;
  for (int64_t K = 0; K < G.K; ++K) {
    const std::vector<T> &X = XOf(K);
    for (int64_t Oy = 0; Oy < G.OH; ++Oy)
      for (int64_t Ox = 0; Ox < G.OW; ++Ox, ++Out) {
        T Acc = T();
        for (int64_t R = 0; R < G.R; ++R) {
          int64_t Iy = Oy * G.StrideY + R * G.Dy - G.PadT;
          for (int64_t S = 0; S < G.S; ++S) {
            int64_t Ix = Ox * G.StrideX + S * G.Dx - G.PadL;
            uint64_t WI = (K * G.R + R) * G.S + S;
            if (Iy < 0 || Iy >= G.H || Ix < 0 || Ix >= G.W) {
              Acc += PadSum[WI];
              continue;
            }
            const T *Xp = &X[(Iy * G.W + Ix) * G.C];
            const T *Wp = &Wt[WI * G.C];
            for (int64_t Ch = 0; Ch < G.C; ++Ch)
              Acc += Xp[Ch] * Wp[Ch];
          }
        }
        Finish(Out, Acc);
      }
  }
}

/// PadVal times each kernel position's channel sum of \p Wt.
template <typename T>
static std::vector<T> padSums(const ConvGeom &G, const std::vector<T> &Wt,
                              T PadVal) {
  std::vector<T> Sum(uint64_t(G.K) * G.R * G.S, T());
  for (uint64_t I = 0; I < Sum.size(); ++I) {
    T WSum = T();
    for (int64_t Ch = 0; Ch < G.C; ++Ch)
      WSum += Wt[I * G.C + Ch];
    Sum[I] = PadVal * WSum;
  }
  return Sum;
}

/// MAC lane faults (onncf/Fault/MacFaults.h) on an int8 convolution: the
/// product W[k][c][..] * X[c][..] runs on cell (k mod AtomK) * AtomC +
/// (c mod AtomC). k is the kernel within this op: a split convolution's
/// parts start at whole kernel groups (multiples of atomic K, ConvSplit.cpp),
/// so it is the original kernel index modulo AtomK; c is the input cube's
/// channel (for an fc, the channel of its C x H x W kernel, as wmem_kcrs
/// gives the host). Weight lanes rewrite \p Wt in place; for every cell row
/// with a faulty data lane, \p XRows gets a copy of \p X through that row's
/// data lanes and \p PadSum the pad value's products through them.
static void applyMacLanes(const ConvGeom &G, const fault::MacLaneModel &Mac,
                          const std::vector<int64_t> &X,
                          std::vector<int64_t> &Wt, int64_t PadVal,
                          std::vector<int64_t> &PadSum,
                          std::vector<std::vector<int64_t>> &XRows,
                          std::vector<int> &RowOf) {
  using fault::Operand;
  const fault::MacGeometry &Geo = Mac.geometry();
  if (Mac.anyFaulty(Operand::Weight))
    for (int64_t K = 0; K < G.K; ++K)
      for (int64_t Ch = 0; Ch < G.C; ++Ch) {
        unsigned Cell = Geo.cellOf(K, Ch);
        if (!Mac.faulty(Cell, Operand::Weight))
          continue;
        const int8_t *T = Mac.table(Cell, Operand::Weight);
        for (int64_t RS = 0; RS < G.R * G.S; ++RS) {
          int64_t &V = Wt[(K * G.R * G.S + RS) * G.C + Ch];
          V = T[uint8_t(V)];
        }
      }
  PadSum = padSums<int64_t>(G, Wt, PadVal);
  RowOf.assign(Geo.AtomK, -1);
  if (!Mac.anyFaulty(Operand::Data))
    return;
  for (unsigned Row = 0; Row < Geo.AtomK && Row < G.K; ++Row) {
    bool Any = false;
    for (unsigned Col = 0; Col < Geo.AtomC && !Any; ++Col)
      Any = Mac.faulty(Row * Geo.AtomC + Col, Operand::Data);
    if (!Any)
      continue;
    std::vector<const int8_t *> Tab(G.C);
    for (int64_t Ch = 0; Ch < G.C; ++Ch)
      Tab[Ch] = Mac.table(Geo.cellOf(Row, Ch), Operand::Data);
    std::vector<int64_t> XR(X.size());
    for (uint64_t I = 0; I < X.size(); ++I)
      XR[I] = Tab[I % G.C][uint8_t(X[I])];
    RowOf[Row] = int(XRows.size());
    XRows.push_back(std::move(XR));
    for (int64_t K = Row; K < G.K; K += Geo.AtomK)
      for (int64_t RS = 0; RS < G.R * G.S; ++RS) {
        uint64_t WI = K * G.R * G.S + RS;
        int64_t Sum = 0;
        for (int64_t Ch = 0; Ch < G.C; ++Ch)
          Sum += Wt[WI * G.C + Ch] * Tab[Ch][uint8_t(PadVal)];
        PadSum[WI] = Sum;
      }
  }
}

/// Compressed weights (weight_format 1) back to the packed stream. The
/// packed stream's elements (order kg, cg, r, s, k, c) that are zero are
/// left out of weight_data; the WMB cube holds one bit per element (bit i
/// of byte i / 8, LSB first; set: the element is stored), and the WGS cube
/// one u32 per kernel group: the bytes of that group's stored elements.
/// Group g's data starts after the counts of groups 0..g-1, so a damaged
/// mask corrupts only its own group: elements its mask claims beyond the
/// group's count read as zero (index synchronisation).
static Expected<std::vector<uint8_t>>
decompressWeights(const WeightLayout &L, const ConvSurfaceDesc &S,
                  const TaskMemory &Mem, const Twine &What, uint64_t &Read) {
  const unsigned Eb = L.ElemBytes;
  const uint64_t Elements = L.getDenseBytes() / Eb;
  const int64_t Groups = L.getNumKernelGroups();
  auto Wgs = Mem.resolve(S.wgs_data.address, S.wgs_data.offset,
                         uint64_t(Groups) * 4, What + ": wgs_data");
  if (!Wgs)
    return Wgs.takeError();
  auto Wmb = Mem.resolve(S.wmb_data.address, S.wmb_data.offset,
                         (Elements + 7) / 8, What + ": wmb_data");
  if (!Wmb)
    return Wmb.takeError();
  std::vector<uint64_t> Counts(Groups);
  uint64_t Total = 0;
  for (int64_t G = 0; G < Groups; ++G) {
    Counts[G] = uint64_t((*Wgs)[4 * G]) | uint64_t((*Wgs)[4 * G + 1]) << 8 |
                uint64_t((*Wgs)[4 * G + 2]) << 16 |
                uint64_t((*Wgs)[4 * G + 3]) << 24;
    Total += Counts[G]; // below 2^48: no wrap
  }
  auto Data = Mem.resolve(S.weight_data.address, S.weight_data.offset, Total,
                          What + ": weight_data (compressed)");
  if (!Data)
    return Data.takeError();
  Read = Total + Wmb->size() + Wgs->size();
  std::vector<uint8_t> Out(L.getDenseBytes(), 0);
  uint64_t Elem = 0, GroupStart = 0;
  for (int64_t G = 0; G < Groups; ++G) {
    uint64_t N = L.getKernelGroupBytes(G) / Eb, Used = 0;
    for (uint64_t I = 0; I < N; ++I, ++Elem) {
      if (!((*Wmb)[Elem / 8] >> (Elem % 8) & 1) || Used + Eb > Counts[G])
        continue;
      std::memcpy(&Out[Elem * Eb], Data->data() + GroupStart + Used, Eb);
      Used += Eb;
    }
    GroupStart += Counts[G];
  }
  return Out;
}

Error runConv(const DecodedOp &Op, unsigned Index, EngineContext &Ctx) {
  const ConvOpDesc &D = Op.op.conv;
  const ConvSurfaceDesc &S = Op.surface.conv;
  std::string What = ("op " + Twine(Index) + " (CONV)").str();
  auto Fail = [&](const Twine &Msg) { return makeError(What + ": " + Msg); };

  if (D.conv_mode != 0)
    return Fail("conv_mode " + Twine(unsigned(D.conv_mode)) +
                " (Winograd) is not supported; only direct (0)");
  if (D.in_precision > 2)
    return Fail("unknown in_precision " + Twine(unsigned(D.in_precision)));
  Precision Prec = Precision(D.in_precision);
  const bool Fp16 = Prec == Precision::Fp16;
  if (!Ctx.Cfg.supports(Prec))
    return Fail(Twine(Prec == Precision::Int8    ? "INT8"
                      : Prec == Precision::Int16 ? "INT16"
                                                 : "FP16") +
                " is not supported by " + Ctx.Cfg.NvidiaName);
  if (Fp16 && D.in_cvt.enable)
    return Fail("the FP16 input converter (in_cvt) is not supported");
  if (D.data_format != 36 && D.data_format != 37)
    return Fail("input data_format " + Twine(unsigned(D.data_format)) +
                " (an image pixel format) is not supported; only feature "
                "data (36)");
  if (D.batch > 1)
    return Fail("batch " + Twine(unsigned(D.batch)) + " is not supported");
  if (D.weight_format > 1)
    return Fail("unknown weight_format " + Twine(unsigned(D.weight_format)));
  if (D.weight_format == 1 && !Ctx.Cfg.WeightCompression)
    return Fail("compressed weights (weight_format 1) are not supported by " +
                Ctx.Cfg.NvidiaName);
  if (D.conv_stride_x == 0 || D.conv_stride_y == 0)
    return Fail("zero convolution stride");
  if (S.dst_data.type != MemHW)
    return Fail("dst_data memory type " + Twine(unsigned(S.dst_data.type)) +
                ": CACC output only goes on the fly to SDP (type 2)");

  unsigned Eb = getPrecisionBytes(Prec);
  auto Src = FeatureView::get(Ctx.Mem, S.src_data, Eb, Ctx.Cfg.MemoryAtomBytes,
                              What + ": src_data");
  if (!Src)
    return Src.takeError();
  const int64_t C = Src->channels(), H = Src->height(), W = Src->width();
  const int64_t K = S.dst_data.channel, R = S.weight_data.height,
                Sx = S.weight_data.width;
  if (K == 0 || R == 0 || Sx == 0)
    return Fail("empty kernel " + Twine(K) + "x" +
                Twine(S.weight_data.channel) + "x" + Twine(R) + "x" +
                Twine(Sx) + " (KxCxRxS)");
  if (S.weight_data.channel != C)
    return Fail("weight_data has " + Twine(S.weight_data.channel) +
                " channels but src_data " + Twine(C));
  const int64_t Dx = std::max<int64_t>(D.dilation_x, 1),
                Dy = std::max<int64_t>(D.dilation_y, 1);
  int64_t OW =
      outExtent(W, D.pad_x_left, D.pad_x_right, Sx, Dx, D.conv_stride_x);
  int64_t OH =
      outExtent(H, D.pad_y_top, D.pad_y_bottom, R, Dy, D.conv_stride_y);
  if (OW <= 0 || OH <= 0)
    return Fail("the " + Twine(R) + "x" + Twine(Sx) +
                " kernel does not fit the padded " + Twine(H) + "x" + Twine(W) +
                " input");
  if (OW != S.dst_data.width || OH != S.dst_data.height)
    return Fail("dst_data is " + Twine(S.dst_data.height) + "x" +
                Twine(S.dst_data.width) + " but the convolution gives " +
                Twine(OH) + "x" + Twine(OW));

  // Weights: the packed blob back to K x C x R x S, then kept as
  // [k][r][s][c] so the innermost loop runs over contiguous channels.
  // K, C, R, S are 16-bit, so their product fits in 64 bits; bytes of more
  // than an address range are refused before any size wraps.
  if (uint64_t(K) * C * R * Sx > MaxAddressBytes)
    return Fail("a " + Twine(K) + "x" + Twine(C) + "x" + Twine(R) + "x" +
                Twine(Sx) + " kernel is larger than an address range");
  auto L = makeWeightLayout(Ctx.Cfg, K, C, R, Sx, Eb);
  if (!L)
    return Fail(toString(L.takeError()));
  uint64_t WeightBytesRead = L->getDenseBytes();
  std::vector<uint8_t> Decompressed;
  ArrayRef<uint8_t> Packed;
  if (D.weight_format == 1) {
    auto Dec = decompressWeights(*L, S, Ctx.Mem, What, WeightBytesRead);
    if (!Dec)
      return Dec.takeError();
    Decompressed = std::move(*Dec);
    Packed = Decompressed;
  } else {
    auto WBytes = Ctx.Mem.resolve(S.weight_data.address, S.weight_data.offset,
                                  L->getDenseBytes(), What + ": weight_data");
    if (!WBytes)
      return WBytes.takeError();
    Packed = *WBytes;
  }
  // CBUF faults of this op (docs/CbufFaults.md): the packed weights it
  // loads into its weight banks, after the weight memory and decoders.
  const fault::CbufConvFaults *Cbuf =
      Index < Ctx.Cbuf.size() && !Ctx.Cbuf[Index].empty() ? &Ctx.Cbuf[Index]
                                                          : nullptr;
  std::vector<uint8_t> CbufWeights;
  if (Cbuf && !Cbuf->Weights.empty()) {
    CbufWeights.assign(Packed.begin(), Packed.end());
    fault::applyCbufHits(Cbuf->Weights, MutableArrayRef<uint8_t>(CbufWeights));
    Packed = CbufWeights;
  }
  auto Dense = unpackWeights(*L, Packed);
  if (!Dense)
    return Fail(toString(Dense.takeError()));
  // Hostile sizes: the output travels as int64s and every MAC costs time;
  // no valid layer comes near these limits (ResNet-50 has 4G MACs in all).
  const uint64_t Elems = uint64_t(K) * OH * OW; // below 2^49
  if (Elems > MaxPipeElements ||
      Elems * uint64_t(C) * R * Sx > MaxConvMacs) // below 2^(26+28)
    return Fail(Twine(K) + "x" + Twine(OH) + "x" + Twine(OW) + " outputs of " +
                Twine(C) + "x" + Twine(R) + "x" + Twine(Sx) +
                " MACs each exceed what the model runs");

  if (Ctx.Mac && Eb != 1)
    return Fail("MAC lane (cmac) faults are modelled for int8 convolutions "
                "only, this one is " +
                Twine(Fp16 ? "FP16" : "INT16"));

  ConvGeom G;
  G.K = K, G.C = C, G.H = H, G.W = W, G.R = R, G.S = Sx, G.OH = OH;
  G.OW = OW, G.Dx = Dx, G.Dy = Dy, G.StrideX = D.conv_stride_x;
  G.StrideY = D.conv_stride_y, G.PadT = D.pad_y_top, G.PadL = D.pad_x_left;
  OnTheFlyPipe &Out = Ctx.ConvToSdp;
  Out.Valid = true;
  Out.C = K;
  Out.H = OH;
  Out.W = OW;
  Out.Data.assign(Elems, 0);
  auto Raw = [&](ArrayRef<uint8_t> B, uint64_t I) -> int32_t {
    if (Eb == 1)
      return static_cast<int8_t>(B[I]);
    return static_cast<int16_t>(uint16_t(B[2 * I]) | uint16_t(B[2 * I + 1])
                                                         << 8);
  };
  if (Fp16) {
    // FP16: products and sums in double, the CACC result as an FP32 (its
    // bit pattern travels in the pipe); no clip_truncate.
    auto Half = [](int32_t V) { return double(halfToFloat(uint16_t(V))); };
    std::vector<double> X, Wt;
    gather<double>(G, *Src, *Dense, Raw, Half, Half, X, Wt);
    auto XOf = [&](int64_t) -> const std::vector<double> & { return X; };
    convolve<double>(G, XOf, Wt, padSums<double>(G, Wt, Half(D.pad_val)),
                     [&](uint64_t I, double A) {
      float F = float(A);
      uint32_t Bits;
      std::memcpy(&Bits, &F, 4);
      Out.Data[I] = Bits;
    });
  } else {
    // Integers: the input through the converter (saturated to the input
    // precision: it feeds the CBUF at that width), a 48-bit accumulator,
    // CACC's rounded clip_truncate and int32 saturation.
    const CvtParam &Cvt = D.in_cvt;
    auto InCvt = [&](int32_t V) -> int64_t {
      return Cvt.enable ? fixp::outputConvert(V, Cvt.offset, Cvt.scale,
                                              Cvt.truncate, Eb * 8)
                        : V;
    };
    auto Id = [](int32_t V) -> int64_t { return V; };
    // Weight-memory faults are already in *Dense: the VP applied the defect
    // map and the onncf.fault decoders to the weights memory at load
    // (WeightFaults.cpp). MAC lane faults (Ctx.Mac) act per product on the
    // int8 operands the MAC sees: the weights after the memory, the data
    // after in_cvt, padding included.
    const fault::MacLaneModel *Mac = Ctx.Mac;
    std::vector<int64_t> X, Wt, PadSum;
    gather<int64_t>(G, *Src, *Dense, Raw, InCvt, Id, X, Wt);
    // CBUF data faults: the converted input as its data banks hold it
    // (Eb-byte elements; padding is generated later and never stored).
    if (Cbuf)
      for (const fault::CbufHit &Hit : Cbuf->Data) {
        if (Hit.Index >= uint64_t(C) * H * W)
          continue;
        int64_t Ch = int64_t(Hit.Index / (uint64_t(H) * W));
        int64_t Y = int64_t(Hit.Index / W % H), Xx = int64_t(Hit.Index % W);
        int64_t &V = X[(Y * W + Xx) * C + Ch];
        if (Eb == 1)
          V = int8_t(uint8_t((uint8_t(V) & uint8_t(~Hit.Sa0)) | Hit.Sa1));
        else
          V = int16_t(uint16_t((uint16_t(V) & uint16_t(~Hit.Sa0)) | Hit.Sa1));
      }
    const unsigned Clip = D.out_cvt.truncate;
    auto Finish = [&](uint64_t I, int64_t A) {
      Out.Data[I] = fixp::caccOutput(A, Clip);
    };
    if (!Mac) {
      auto XOf = [&](int64_t) -> const std::vector<int64_t> & { return X; };
      convolve<int64_t>(G, XOf, Wt, padSums<int64_t>(G, Wt, D.pad_val),
                        Finish);
    } else {
      std::vector<std::vector<int64_t>> XRows;
      std::vector<int> RowOf;
      applyMacLanes(G, *Mac, X, Wt, D.pad_val, PadSum, XRows, RowOf);
      const unsigned AtomK = Mac->geometry().AtomK;
      auto XOf = [&](int64_t K) -> const std::vector<int64_t> & {
        int Row = RowOf[size_t(K % AtomK)];
        return Row < 0 ? X : XRows[size_t(Row)];
      };
      convolve<int64_t>(G, XOf, Wt, PadSum, Finish);
    }
  }

  EngineStats &St = Ctx.Stats.Engines[OpCONV];
  St.Ops += 1;
  const uint64_t Macs = Elems * uint64_t(C) * R * Sx;
  St.Macs += Macs;
  St.BytesRead += uint64_t(C) * H * W * Eb + WeightBytesRead;
  uint64_t PerCycle = std::max(1u, Ctx.Cfg.getMacsPerCycle() / Eb);
  St.Cycles += (Macs + PerCycle - 1) / PerCycle;
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
