//===- PdpEngine.cpp - NVDLA PDP (planar data processor) model ------------===//
//
// Part of onnc-fault. Max, min and average pooling over a feature cube read
// from memory or taken from SDP on the fly (source cube of memory type HW).
//
// Semantics (nvdla/hw C model as summarised in reference/NVDLA.md):
//  - pool_width/pool_height hold the kernel extent minus one; strides are
//    stored as they are; pads are cells outside the cube.
//  - Average: the hardware always divides by the full kernel (its
//    reciprocal registers are set from the kernel extent), so padded cells
//    count, and each contributes the padding value: padding_value[n-1] is
//    the register for n padded cells (n = 1..7); longer runs are split
//    into chunks of 7. The sum is scaled by fixp::pdpReciprocal(width) and
//    then (height), each rounded (fixp::pdpAverage), and saturated.
//  - Max / min ignore padded cells (a window holds at least one real cell,
//    checked below).
//  - Split mode (split_num > 1) cuts the width into first / mid / last
//    slices so that each fits the line buffer. The input slices are
//    consecutive column ranges (the engine keeps the kernel overlap between
//    slices itself), so their widths add up to the source width, and the
//    output slices add up to the destination width; the result is the
//    unsplit one. The model checks both sums and computes the unsplit op.
//  - FP16 max / min compare the half values; FP16 average is not modelled
//    (an error says so).
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/IR/ElementType.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include <algorithm>
#include <functional>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

namespace {
enum PoolMode : uint8_t { PoolAvg = 0, PoolMax = 1, PoolMin = 2 };

/// Order-preserving key of an FP16 bit pattern (NaN sorts above +inf).
int32_t halfKey(int64_t Bits) {
  uint16_t U = static_cast<uint16_t>(Bits);
  return (U & 0x8000) ? -int32_t(U & 0x7fff) : int32_t(U);
}
} // namespace

/// Sum of the padding registers for \p N padded cells of one window.
static int64_t paddingSum(const PdpOpDesc &P, unsigned N) {
  int64_t S = int64_t(N / 7) * P.padding_value[6];
  if (N % 7)
    S += P.padding_value[N % 7 - 1];
  return S;
}

Error runPdp(const DecodedOp &Op, unsigned Index, EngineContext &Ctx) {
  const PdpOpDesc &P = Op.op.pdp;
  const TwoCubeSurfaceDesc &S = Op.surface.pdp;
  std::string Name = ("op " + Twine(Index) + " (PDP)").str();
  auto Fail = [&](const Twine &Msg) { return makeError(Name + ": " + Msg); };

  if (P.precision > 2)
    return Fail("precision " + Twine(unsigned(P.precision)) +
                " is not INT8 0, INT16 1 or FP16 2");
  bool Fp16 = P.precision == 2;
  unsigned ElemBytes = P.precision == 0 ? 1 : 2;
  unsigned OutBits = ElemBytes * 8;
  if (P.pool_mode > PoolMin)
    return Fail("pool_mode " + Twine(unsigned(P.pool_mode)) +
                " is not AVG 0, MAX 1 or MIN 2");
  if (Fp16 && P.pool_mode == PoolAvg)
    return Fail("FP16 average pooling is not supported by the model");
  unsigned Kw = P.pool_width + 1u, Kh = P.pool_height + 1u;
  if (P.stride_x == 0 || P.stride_y == 0)
    return Fail("stride " + Twine(unsigned(P.stride_x)) + "x" +
                Twine(unsigned(P.stride_y)) + " has a zero");

  const DataCube &Src = S.src_data, &Dst = S.dst_data;
  unsigned W = Src.width, H = Src.height, C = Src.channel;
  if (W == 0 || H == 0 || C == 0)
    return Fail("empty source cube");
  if (Dst.channel != C)
    return Fail("dst_data.channel " + Twine(Dst.channel) +
                " differs from src_data.channel " + Twine(C));
  // Windows must lie in the padded input and overlap the cube.
  if (P.pad_left >= Kw || P.pad_right >= Kw || P.pad_top >= Kh ||
      P.pad_bottom >= Kh)
    return Fail("pads (left " + Twine(unsigned(P.pad_left)) + ", right " +
                Twine(unsigned(P.pad_right)) + ", top " +
                Twine(unsigned(P.pad_top)) + ", bottom " +
                Twine(unsigned(P.pad_bottom)) + ") must be below the kernel " +
                Twine(Kw) + "x" + Twine(Kh));
  uint64_t PaddedW = uint64_t(W) + P.pad_left + P.pad_right;
  uint64_t PaddedH = uint64_t(H) + P.pad_top + P.pad_bottom;
  if (Kw > PaddedW || Kh > PaddedH)
    return Fail("pool size " + Twine(Kw) + "x" + Twine(Kh) +
                " exceeds the padded input " + Twine(PaddedW) + "x" +
                Twine(PaddedH));
  unsigned OW = Dst.width, OH = Dst.height;
  if (OW == 0 || OH == 0)
    return Fail("empty destination cube");
  if (uint64_t(OW - 1) * P.stride_x + Kw > PaddedW ||
      uint64_t(OH - 1) * P.stride_y + Kh > PaddedH)
    return Fail("dst_data " + Twine(OW) + "x" + Twine(OH) +
                " (WxH) needs more input than the padded " + Twine(PaddedW) +
                "x" + Twine(PaddedH) + " with pool " + Twine(Kw) + "x" +
                Twine(Kh) + " and stride " + Twine(unsigned(P.stride_x)) + "x" +
                Twine(unsigned(P.stride_y)));

  // Split mode: the slices must tile the input and the output width.
  if (P.split_num == 0)
    return Fail("split_num is 0");
  if (P.split_num > 1) {
    uint64_t InW = uint64_t(P.partial_in_width_first) +
                   uint64_t(P.split_num - 2) * P.partial_in_width_mid +
                   P.partial_in_width_last;
    uint64_t OutW = uint64_t(P.partial_width_first) +
                    uint64_t(P.split_num - 2) * P.partial_width_mid +
                    P.partial_width_last;
    if (InW != W)
      return Fail("split_num " + Twine(unsigned(P.split_num)) +
                  ": partial_in_width first " +
                  Twine(P.partial_in_width_first) + " + mid " +
                  Twine(P.partial_in_width_mid) + " + last " +
                  Twine(P.partial_in_width_last) + " cover " + Twine(InW) +
                  " columns, the source has " + Twine(W));
    if (OutW != OW)
      return Fail("split_num " + Twine(unsigned(P.split_num)) +
                  ": partial_width first " + Twine(P.partial_width_first) +
                  " + mid " + Twine(P.partial_width_mid) + " + last " +
                  Twine(P.partial_width_last) + " give " + Twine(OutW) +
                  " columns, dst_data.width is " + Twine(OW));
  }

  // The source: memory or the SDP pipe.
  unsigned Atom = Ctx.Cfg.MemoryAtomBytes;
  Optional<FeatureView> SrcView;
  bool FromPipe = Src.type == MemHW;
  if (FromPipe) {
    OnTheFlyPipe &Pipe = Ctx.SdpToPdp;
    if (!Pipe.Valid)
      return Fail("source is on-the-fly (memory type 2) but SDP sent no data");
    if (Pipe.C != C || Pipe.H != H || Pipe.W != W)
      return Fail("SDP sent " + Twine(Pipe.C) + "x" + Twine(Pipe.H) + "x" +
                  Twine(Pipe.W) + " but src_data is " + Twine(C) + "x" +
                  Twine(H) + "x" + Twine(W) + " (CxHxW)");
  } else {
    auto V = FeatureView::get(Ctx.Mem, Src, ElemBytes, Atom, Name + " src");
    if (!V)
      return V.takeError();
    SrcView = *V;
  }
  auto DstView = FeatureView::get(Ctx.Mem, Dst, ElemBytes, Atom, Name + " dst");
  if (!DstView)
    return DstView.takeError();

  auto Load = [&](unsigned Ch, unsigned Y, unsigned X) -> int64_t {
    return FromPipe ? Ctx.SdpToPdp.at(Ch, Y, X) : SrcView->load(Ch, Y, X);
  };
  std::function<int32_t(int64_t)> Key = [](int64_t V) {
    return static_cast<int32_t>(V);
  };
  if (Fp16)
    Key = halfKey;

  uint32_t RecipW = fixp::pdpReciprocal(Kw), RecipH = fixp::pdpReciprocal(Kh);
  for (unsigned Ch = 0; Ch < C; ++Ch)
    for (unsigned OY = 0; OY < OH; ++OY)
      for (unsigned OX = 0; OX < OW; ++OX) {
        int64_t Y0 = int64_t(OY) * P.stride_y - P.pad_top;
        int64_t X0 = int64_t(OX) * P.stride_x - P.pad_left;
        int64_t Sum = 0, Best = 0;
        bool Have = false;
        unsigned Padded = 0;
        for (unsigned KY = 0; KY < Kh; ++KY)
          for (unsigned KX = 0; KX < Kw; ++KX) {
            int64_t Y = Y0 + KY, X = X0 + KX;
            if (Y < 0 || X < 0 || Y >= H || X >= W) {
              ++Padded;
              continue;
            }
            int64_t V = Load(Ch, unsigned(Y), unsigned(X));
            Sum += V;
            if (!Have || (P.pool_mode == PoolMax ? Key(V) > Key(Best)
                                                 : Key(V) < Key(Best)))
              Best = V;
            Have = true;
          }
        int64_t Out;
        if (P.pool_mode == PoolAvg)
          Out = fixp::saturate(
              fixp::pdpAverage(Sum + paddingSum(P, Padded), RecipW, RecipH),
              OutBits);
        else if (Have)
          Out = Best;
        else
          return Fail("output (" + Twine(OX) + ", " + Twine(OY) +
                      ") pools only padding");
        DstView->store(Ch, OY, OX, static_cast<int32_t>(Out));
      }
  if (FromPipe)
    Ctx.SdpToPdp.Valid = false;

  EngineStats &St = Ctx.Stats.Engines[OpPDP];
  uint64_t Outs = uint64_t(C) * OH * OW;
  ++St.Ops;
  St.Macs += Outs * Kw * Kh;
  if (!FromPipe)
    St.BytesRead += uint64_t(C) * H * W * ElemBytes;
  St.BytesWritten += Outs * ElemBytes;
  unsigned Tp = Ctx.Cfg.PdpThroughput ? Ctx.Cfg.PdpThroughput : 1;
  St.Cycles += (uint64_t(C) * H * W + Tp - 1) / Tp;
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
