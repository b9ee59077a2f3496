//===- SdpEngine.cpp - SDP (single data point processor) engine model -----===//
//
// Part of onnc-fault. Every element goes through the three stages X1 (BS),
// X2 (BN) and Y (EW) in order, each: ALU (operand << shift_value, then
// add/max/min), MUL (PReLU scales negatives only), truncate (rounded,
// saturated to int32), ReLU; then the output converter. Stage operands
// come from the descriptor (PER_LAYER), from an operand buffer with one
// value per channel (PER_KERNEL) or from a feature cube (PER_POINT, the
// element-wise path); docs/LoadableFormat.md "SDP operand buffers" gives
// the byte layout. Input comes from memory or on the fly from CONV; output
// goes to memory or on the fly to PDP. All integer arithmetic is fixp's;
// FP16 ops (nv_full) compute in float and round to FP16 once, at the
// output (what NVIDIA's NN_L0_0 golden shows).
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/IR/ElementType.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"

#include <cmath>
#include <cstring>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

namespace {
enum SdpOpType : uint8_t { SdpNone = 0, SdpMul = 1, SdpAdd = 2, SdpBoth = 3 };
enum SdpMode : uint8_t { PerLayer = 0, PerKernel = 1, PerPoint = 2 };
enum SdpAct : uint8_t { ActNone = 0, ActRelu = 1, ActLut = 2, ActPRelu = 3 };

/// One prepared stage: how to get its operands for (c, y, x).
struct Stage {
  bool On = false, UseAlu = false, UseMul = false, Relu = false, PRelu = false;
  fixp::SdpAluOp Alu = fixp::SdpAluOp::Add;
  unsigned Shift = 0, Truncate = 0;
  uint8_t Mode = PerLayer;
  int16_t AluOp = 0, MulOp = 0;       ///< PER_LAYER operands.
  std::vector<int16_t> AluK, MulK;    ///< PER_KERNEL operands by channel.
  llvm::Optional<FeatureView> Points; ///< PER_POINT operand cube.
  CvtParam AluCvt{}, MulCvt{};

  int32_t apply(int32_t V, unsigned Ch, unsigned Y, unsigned X) const;
  /// The FP16 datapath: operands are FP16 bit patterns, arithmetic in
  /// float (no shifts or truncation).
  float applyHalf(float V, unsigned Ch, unsigned Y, unsigned X) const;
};
} // namespace

/// A PER_POINT operand through its converter (the EW input converters);
/// a disabled converter passes the value.
static int32_t convertOperand(int32_t V, const CvtParam &C) {
  if (!C.enable)
    return V;
  return fixp::saturateInt32(
      fixp::roundShift((int64_t(V) - C.offset) * int64_t(C.scale), C.truncate));
}

int32_t Stage::apply(int32_t V, unsigned Ch, unsigned Y, unsigned X) const {
  if (!On)
    return V;
  int64_t T = V;
  if (UseAlu) {
    int32_t Operand;
    if (Mode == PerPoint)
      Operand = convertOperand(Points->load(Ch, Y, X), AluCvt);
    else
      Operand =
          fixp::sdpAluOperand(Mode == PerKernel ? AluK[Ch] : AluOp, Shift);
    T = fixp::sdpAlu(V, Operand, Alu);
  }
  int32_t R;
  if (UseMul) {
    int16_t M;
    if (Mode == PerPoint)
      M = fixp::saturateInt16(convertOperand(Points->load(Ch, Y, X), MulCvt));
    else
      M = Mode == PerKernel ? MulK[Ch] : MulOp;
    R = fixp::sdpTruncate(fixp::sdpMul(T, M, PRelu), Truncate);
  } else {
    // Without the multiplier its shifter is bypassed too.
    R = fixp::saturateInt32(T);
  }
  return Relu ? fixp::relu(R) : R;
}

float Stage::applyHalf(float V, unsigned Ch, unsigned Y, unsigned X) const {
  if (!On)
    return V;
  auto Operand = [&](int16_t Layer, const std::vector<int16_t> &Kernel) {
    int32_t Bits = Mode == PerPoint    ? Points->load(Ch, Y, X)
                   : Mode == PerKernel ? Kernel[Ch]
                                       : Layer;
    return halfToFloat(uint16_t(Bits));
  };
  if (UseAlu) {
    float O = Operand(AluOp, AluK);
    V = Alu == fixp::SdpAluOp::Add   ? V + O
        : Alu == fixp::SdpAluOp::Max ? std::max(V, O)
                                     : std::min(V, O);
  }
  if (UseMul && !(PRelu && V >= 0))
    V *= Operand(MulOp, MulK);
  return Relu && V < 0 ? 0.0f : V;
}

static int16_t readI16(ArrayRef<uint8_t> B, uint64_t Off) {
  return static_cast<int16_t>(uint16_t(B[Off]) | uint16_t(B[Off + 1]) << 8);
}

static Error prepareStage(Stage &St, const SdpOp &O, const DataCube &Cube,
                          StringRef Name, unsigned C, unsigned H, unsigned W,
                          bool Half, EngineContext &Ctx, const Twine &What,
                          uint64_t &BytesRead) {
  if (!O.enable)
    return Error::success();
  std::string Where = (What + ": " + Name).str();
  auto Fail = [&](const Twine &Msg) { return makeError(Where + ": " + Msg); };
  St.On = true;
  if (O.type > SdpBoth)
    return Fail("unknown op type " + Twine(unsigned(O.type)));
  St.UseAlu = O.type == SdpAdd || O.type == SdpBoth;
  St.UseMul = O.type == SdpMul || O.type == SdpBoth;
  if (O.act == ActLut)
    return Fail("LUT activation is not supported");
  if (O.act > ActPRelu)
    return Fail("unknown activation " + Twine(unsigned(O.act)));
  St.Relu = O.act == ActRelu;
  St.PRelu = O.act == ActPRelu;
  if (St.UseAlu) {
    switch (O.alu_type) {
    case 0:
      St.Alu = fixp::SdpAluOp::Max;
      break;
    case 1:
      St.Alu = fixp::SdpAluOp::Min;
      break;
    case 2:
      St.Alu = fixp::SdpAluOp::Add;
      break;
    default:
      return Fail("ALU type " + Twine(unsigned(O.alu_type)) +
                  " is not supported");
    }
  }
  St.Shift = O.shift_value;
  St.Truncate = O.truncate;
  St.Mode = O.mode;
  // The operand registers are 16 bits wide.
  St.AluOp = static_cast<int16_t>(O.alu_operand);
  St.MulOp = static_cast<int16_t>(O.mul_operand);
  St.AluCvt = O.alu_cvt;
  St.MulCvt = O.mul_cvt;
  if (!St.UseAlu && !St.UseMul)
    return Error::success(); // Only the activation: no operands read.
  switch (O.mode) {
  case PerLayer:
    return Error::success();
  case PerKernel: {
    // One int16 per channel; type BOTH interleaves ALU and MUL operands.
    unsigned Per = St.UseAlu && St.UseMul ? 2 : 1;
    auto B = Ctx.Mem.resolve(Cube.address, Cube.offset, uint64_t(C) * Per * 2,
                             Where + " per-kernel operands");
    if (!B)
      return B.takeError();
    BytesRead += B->size();
    for (unsigned Ch = 0; Ch < C; ++Ch) {
      uint64_t Off = uint64_t(Ch) * Per * 2;
      if (St.UseAlu)
        St.AluK.push_back(readI16(*B, Off));
      if (St.UseMul)
        St.MulK.push_back(readI16(*B, Off + (St.UseAlu ? 2 : 0)));
    }
    return Error::success();
  }
  case PerPoint: {
    if (St.UseAlu && St.UseMul)
      return Fail("per-point operands with op type BOTH are not supported");
    if (Half ? O.precision != 2 : O.precision > 1)
      return Fail("per-point operand precision " +
                  Twine(unsigned(O.precision)) + " is not supported " +
                  (Half ? "in FP16" : "with integer data"));
    if (Half && (O.alu_cvt.enable || O.mul_cvt.enable))
      return Fail("FP16 operand converters are not supported");
    unsigned Eb = O.precision == 0 ? 1 : 2;
    auto V = FeatureView::get(Ctx.Mem, Cube, Eb, Ctx.Cfg.MemoryAtomBytes,
                              Where + " per-point operands");
    if (!V)
      return V.takeError();
    if (V->channels() < C || V->height() < H || V->width() < W)
      return Fail("per-point operand cube " + Twine(V->channels()) + "x" +
                  Twine(V->height()) + "x" + Twine(V->width()) +
                  " is smaller than the input " + Twine(C) + "x" + Twine(H) +
                  "x" + Twine(W));
    BytesRead += uint64_t(C) * H * W * Eb;
    St.Points = *V;
    return Error::success();
  }
  default:
    return Fail("unknown mode " + Twine(unsigned(O.mode)));
  }
}

static unsigned precisionBytes(uint8_t P) { return P == 0 ? 1 : 2; }

Error runSdp(const DecodedOp &Op, unsigned Index, EngineContext &Ctx) {
  const SdpOpDesc &D = Op.op.sdp;
  const SdpSurfaceDesc &S = Op.surface.sdp;
  std::string What = ("op " + Twine(Index) + " (SDP)").str();
  auto Fail = [&](const Twine &Msg) { return makeError(What + ": " + Msg); };

  for (auto [Name, P] : {std::make_pair("src_precision", D.src_precision),
                         std::make_pair("dst_precision", D.dst_precision)}) {
    if (P > 2)
      return Fail(Twine(Name) + " " + Twine(unsigned(P)) + " is unknown");
    if (!Ctx.Cfg.supports(Precision(P)))
      return Fail(Twine(Name) + " " +
                  Twine(P == 0   ? "INT8"
                        : P == 1 ? "INT16"
                                 : "FP16") +
                  " is not supported by " + Ctx.Cfg.NvidiaName);
  }
  // FP16 runs its own datapath (float arithmetic, one rounding to FP16 at
  // the output); converting between FP16 and integers is not modelled.
  const bool Half = D.src_precision == 2;
  if (Half != (D.dst_precision == 2))
    return Fail("converting between FP16 and integer data is not supported");
  if (D.batch_num > 1)
    return Fail("batch_num " + Twine(unsigned(D.batch_num)) +
                " is not supported");
  const unsigned Atom = Ctx.Cfg.MemoryAtomBytes;

  // The source: on the fly from CONV, or a cube in memory.
  bool FromPipe = S.src_data.type == MemHW;
  llvm::Optional<FeatureView> Src;
  unsigned C, H, W;
  uint64_t BytesRead = 0, BytesWritten = 0;
  if (FromPipe) {
    if (!Ctx.ConvToSdp.Valid)
      return Fail("src_data is on the fly but CONV sent nothing");
    C = Ctx.ConvToSdp.C;
    H = Ctx.ConvToSdp.H;
    W = Ctx.ConvToSdp.W;
    if (S.src_data.channel != C || S.src_data.height != H ||
        S.src_data.width != W)
      return Fail("src_data is " + Twine(S.src_data.channel) + "x" +
                  Twine(S.src_data.height) + "x" + Twine(S.src_data.width) +
                  " but CONV sent " + Twine(C) + "x" + Twine(H) + "x" +
                  Twine(W));
  } else {
    auto V =
        FeatureView::get(Ctx.Mem, S.src_data, precisionBytes(D.src_precision),
                         Atom, What + ": src_data");
    if (!V)
      return V.takeError();
    Src = *V;
    C = V->channels();
    H = V->height();
    W = V->width();
    BytesRead += uint64_t(C) * H * W * V->elemBytes();
  }
  if (S.dst_data.channel != C || S.dst_data.height != H ||
      S.dst_data.width != W)
    return Fail("dst_data is " + Twine(S.dst_data.channel) + "x" +
                Twine(S.dst_data.height) + "x" + Twine(S.dst_data.width) +
                " but the input is " + Twine(C) + "x" + Twine(H) + "x" +
                Twine(W));

  Stage X1, X2, Y;
  if (Error E = prepareStage(X1, D.x1_op, S.x1_data, "x1", C, H, W, Half, Ctx,
                             What, BytesRead))
    return E;
  if (Error E = prepareStage(X2, D.x2_op, S.x2_data, "x2", C, H, W, Half, Ctx,
                             What, BytesRead))
    return E;
  if (Error E = prepareStage(Y, D.y_op, S.y_data, "y", C, H, W, Half, Ctx, What,
                             BytesRead))
    return E;

  // The destination: memory, or on the fly to PDP.
  bool ToPipe = S.dst_data.type == MemHW;
  unsigned OutBits = precisionBytes(D.dst_precision) * 8;
  llvm::Optional<FeatureView> Dst;
  if (ToPipe) {
    if (Ctx.SdpToPdp.Valid)
      return Fail("the SDP->PDP pipe still holds data");
    Ctx.SdpToPdp.Valid = true;
    Ctx.SdpToPdp.C = C;
    Ctx.SdpToPdp.H = H;
    Ctx.SdpToPdp.W = W;
    Ctx.SdpToPdp.Data.assign(uint64_t(C) * H * W, 0);
  } else {
    auto V =
        FeatureView::get(Ctx.Mem, S.dst_data, precisionBytes(D.dst_precision),
                         Atom, What + ": dst_data");
    if (!V)
      return V.takeError();
    Dst = *V;
    BytesWritten += uint64_t(C) * H * W * V->elemBytes();
  }

  const CvtParam &Cvt = D.out_cvt;
  for (unsigned Ch = 0; Ch < C; ++Ch)
    for (unsigned Yy = 0; Yy < H; ++Yy)
      for (unsigned X = 0; X < W; ++X) {
        int32_t O;
        if (Half) {
          // From CONV: an FP32 bit pattern; from memory: FP16.
          float F;
          if (FromPipe) {
            uint32_t Bits = uint32_t(Ctx.ConvToSdp.at(Ch, Yy, X));
            std::memcpy(&F, &Bits, 4);
          } else {
            F = halfToFloat(uint16_t(Src->load(Ch, Yy, X)));
          }
          F = X1.applyHalf(F, Ch, Yy, X);
          F = X2.applyHalf(F, Ch, Yy, X);
          F = Y.applyHalf(F, Ch, Yy, X);
          if (Cvt.enable)
            F = std::ldexp((F - float(Cvt.offset)) * float(Cvt.scale),
                           -int(Cvt.truncate));
          O = int16_t(floatToHalf(F)); // the pipe to PDP carries FP16 too
        } else {
          int32_t V = FromPipe
                          ? fixp::saturateInt32(Ctx.ConvToSdp.at(Ch, Yy, X))
                          : Src->load(Ch, Yy, X);
          V = X1.apply(V, Ch, Yy, X);
          V = X2.apply(V, Ch, Yy, X);
          V = Y.apply(V, Ch, Yy, X);
          O = Cvt.enable ? fixp::outputConvert(V, Cvt.offset, Cvt.scale,
                                               Cvt.truncate, OutBits)
                         : int32_t(fixp::saturate(V, OutBits));
        }
        if (ToPipe)
          Ctx.SdpToPdp.at(Ch, Yy, X) = O;
        else
          Dst->store(Ch, Yy, X, O);
      }
  if (FromPipe)
    Ctx.ConvToSdp.Valid = false;

  EngineStats &St = Ctx.Stats.Engines[OpSDP];
  uint64_t Elems = uint64_t(C) * H * W;
  St.Ops += 1;
  St.Macs += Elems;
  St.BytesRead += BytesRead;
  St.BytesWritten += BytesWritten;
  // BS/BN process a few elements per cycle, the element-wise path fewer.
  bool Ew = Y.On || X1.Mode == PerPoint || X2.Mode == PerPoint;
  unsigned Tp = Ew ? Ctx.Cfg.SdpEwThroughput : Ctx.Cfg.SdpBsThroughput;
  Tp = std::max(Tp, 1u);
  St.Cycles += (Elems + Tp - 1) / Tp;
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
