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
// the hardware has no other path out of CACC.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Layout.h"

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

Error runConv(const DecodedOp &Op, unsigned Index, EngineContext &Ctx) {
  const ConvOpDesc &D = Op.op.conv;
  const ConvSurfaceDesc &S = Op.surface.conv;
  std::string What = ("op " + Twine(Index) + " (CONV)").str();
  auto Fail = [&](const Twine &Msg) { return makeError(What + ": " + Msg); };

  if (D.conv_mode != 0)
    return Fail("conv_mode " + Twine(unsigned(D.conv_mode)) +
                " (Winograd) is not supported; only direct (0)");
  if (D.in_precision == uint8_t(Precision::Fp16))
    return Fail("FP16 convolution (in_precision 2) is not supported");
  if (D.in_precision > 1)
    return Fail("unknown in_precision " + Twine(unsigned(D.in_precision)));
  Precision Prec = Precision(D.in_precision);
  if (!Ctx.Cfg.supports(Prec))
    return Fail(Twine(Prec == Precision::Int8 ? "INT8" : "INT16") +
                " is not supported by " + Ctx.Cfg.NvidiaName);
  if (D.data_format != 36 && D.data_format != 37)
    return Fail("input data_format " + Twine(unsigned(D.data_format)) +
                " (an image pixel format) is not supported; only feature "
                "data (36)");
  if (D.batch > 1)
    return Fail("batch " + Twine(unsigned(D.batch)) + " is not supported");
  if (D.weight_format != 0)
    return Fail("weight_format " + Twine(unsigned(D.weight_format)) +
                " (compressed weights) is not supported");
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
  auto WBytes = Ctx.Mem.resolve(S.weight_data.address, S.weight_data.offset,
                                L->getDenseBytes(), What + ": weight_data");
  if (!WBytes)
    return WBytes.takeError();
  auto Dense = unpackWeights(*L, *WBytes);
  if (!Dense)
    return Fail(toString(Dense.takeError()));
  auto Elem = [&](ArrayRef<uint8_t> B, uint64_t I) -> int32_t {
    if (Eb == 1)
      return static_cast<int8_t>(B[I]);
    return static_cast<int16_t>(uint16_t(B[2 * I]) | uint16_t(B[2 * I + 1])
                                                         << 8);
  };
  std::vector<int32_t> Wt(uint64_t(K) * R * Sx * C);
  for (int64_t Kk = 0; Kk < K; ++Kk)
    for (int64_t Ch = 0; Ch < C; ++Ch)
      for (int64_t Rr = 0; Rr < R; ++Rr)
        for (int64_t Ss = 0; Ss < Sx; ++Ss)
          Wt[((Kk * R + Rr) * Sx + Ss) * C + Ch] =
              Elem(*Dense, ((Kk * C + Ch) * R + Rr) * Sx + Ss);

  // Hostile sizes: the output travels as int64s and every MAC costs time;
  // no valid layer comes near these limits (ResNet-50 has 4G MACs in all).
  const uint64_t Elems = uint64_t(K) * OH * OW; // below 2^49
  if (Elems > MaxPipeElements ||
      Elems * uint64_t(C) * R * Sx > MaxConvMacs) // below 2^(26+28)
    return Fail(Twine(K) + "x" + Twine(OH) + "x" + Twine(OW) + " outputs of " +
                Twine(C) + "x" + Twine(R) + "x" + Twine(Sx) +
                " MACs each exceed what the model runs");

  // Input: converted, unpadded, [y][x][c]. The converter output saturates
  // to the input precision (it feeds the CBUF at that width). Padding
  // positions hold pad_val (already in the converted domain): their
  // contribution is pad_val times the kernel's channel sum there.
  std::vector<int32_t> X(uint64_t(H) * W * C);
  const CvtParam &Cvt = D.in_cvt;
  for (int64_t Y = 0; Y < H; ++Y)
    for (int64_t Xx = 0; Xx < W; ++Xx)
      for (int64_t Ch = 0; Ch < C; ++Ch) {
        int32_t V = Src->load(Ch, Y, Xx);
        if (Cvt.enable)
          V = fixp::outputConvert(V, Cvt.offset, Cvt.scale, Cvt.truncate,
                                  Eb * 8);
        X[(Y * W + Xx) * C + Ch] = V;
      }
  std::vector<int64_t> WSum(uint64_t(K) * R * Sx, 0);
  for (uint64_t I = 0; I < WSum.size(); ++I)
    for (int64_t Ch = 0; Ch < C; ++Ch)
      WSum[I] += Wt[I * C + Ch];

  OnTheFlyPipe &Out = Ctx.ConvToSdp;
  Out.Valid = true;
  Out.C = K;
  Out.H = OH;
  Out.W = OW;
  Out.Data.assign(Elems, 0);
  const unsigned Clip = D.out_cvt.truncate;
  const int64_t PadVal = D.pad_val;
  for (int64_t Kk = 0; Kk < K; ++Kk)
    for (int64_t Oy = 0; Oy < OH; ++Oy)
      for (int64_t Ox = 0; Ox < OW; ++Ox) {
        int64_t Acc = 0;
        for (int64_t Rr = 0; Rr < R; ++Rr) {
          int64_t Iy = Oy * D.conv_stride_y + Rr * Dy - D.pad_y_top;
          for (int64_t Ss = 0; Ss < Sx; ++Ss) {
            int64_t Ix = Ox * D.conv_stride_x + Ss * Dx - D.pad_x_left;
            uint64_t WI = (Kk * R + Rr) * Sx + Ss;
            if (Iy < 0 || Iy >= H || Ix < 0 || Ix >= W) {
              Acc += PadVal * WSum[WI];
              continue;
            }
            const int32_t *Xp = &X[(Iy * W + Ix) * C];
            const int32_t *Wp = &Wt[WI * C];
            for (int64_t Ch = 0; Ch < C; ++Ch)
              Acc += int64_t(Xp[Ch]) * Wp[Ch];
          }
        }
        Out.at(Kk, Oy, Ox) = fixp::caccOutput(Acc, Clip);
      }

  EngineStats &St = Ctx.Stats.Engines[OpCONV];
  St.Ops += 1;
  const uint64_t Macs = Elems * uint64_t(C) * R * Sx;
  St.Macs += Macs;
  St.BytesRead += uint64_t(C) * H * W * Eb + L->getDenseBytes();
  uint64_t PerCycle = std::max(1u, Ctx.Cfg.getMacsPerCycle() / Eb);
  St.Cycles += (Macs + PerCycle - 1) / PerCycle;
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
