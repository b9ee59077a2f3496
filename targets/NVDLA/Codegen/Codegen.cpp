//===- Codegen.cpp - nvdla.* ops -> firmware descriptors and a loadable ---===//
//
// Part of onnc-fault. Turns a planned graph (Planning.cpp) into one DLA1
// task: an nvdla.conv is a CONV op and its fused SDP op (one such pair per
// part when ConvSplit.cpp split it), an nvdla.pdp a PDP op, an nvdla.sdp
// an SDP op reading memory; an nvdla.concat is only a buffer. A trailing
// nvdla.softmax is a second task, EMU1 SOFTMAX, which the runtime starts
// when the DLA task has signalled. With --allow-cpu-fallback an nvdla.sdp
// marked "emu" (a quant.add without SDP EW) is an EMU1 ONNCF_ADD task of
// its own, splitting the DLA ops around it into several DLA1 tasks, all
// in program order. Memories: the input (ALLOC |
// INPUT, bind 0), the output (ALLOC | OUTPUT, bind 0), the activations
// (ALLOC) and the weights (SET, blob "weights"); every cube gets an address
// entry of its own and refers to it by the id LoadableWriter::addAddress
// returned.
//
// The dependency graph follows what NVIDIA's compiler writes (see its
// NN_L0_0 regression network) and what the firmware scheduler executes:
//  * op_head[t] is engine t's first op; consumers[t] of an op of type t is
//    the next op of that engine, with event PROGRAMMED (its registers may
//    be written once the previous op's are);
//  * a fused CONV -> SDP pair: CONV's consumers[SDP] is the SDP with
//    PROGRAMMED, the SDP's fused_parent is the CONV with ENABLED (the
//    firmware decrements the parent when the child is enabled, so the
//    consumer engine is running before the producer streams into it);
//  * every layer waits for the previous layer's last op with OP_COMPLETED
//    (for an op of the same engine this replaces the PROGRAMMED link).
//    Layers therefore run one after the other, which is what makes the
//    planner's buffer reuse safe;
//  * dependency_count is the number of these edges ending at an op.
//
//===----------------------------------------------------------------------===//
#include "ConvSplit.h"
#include "PdpSplit.h"
#include "onncf/Config/Version.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/QuantLrn.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "onncf/Targets/NVDLA/FaultBlob.h"
#include "onncf/Targets/NVDLA/IoBlob.h"
#include "onncf/Targets/NVDLA/LoadableWriter.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/NvdlaOps.h"
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <tuple>

using namespace llvm;

namespace onncf {
namespace nvdla {

namespace {

enum : uint8_t { EvCompleted = 1, EvProgrammed = 2, EvEnabled = 3 };
constexpr uint8_t FormatFeature = 36;

struct Location {
  unsigned Memory = 0;
  uint64_t Offset = 0;
};

class Codegen {
public:
  Codegen(const Graph &G, const NvdlaConfig &Cfg) : G(G), Cfg(Cfg) {}
  Expected<std::vector<uint8_t>> run();

private:
  Expected<Location> locate(const Value *V) const;
  unsigned address(unsigned Mem, uint64_t Off, uint64_t Size);
  Expected<DataCube> memCube(const Value *V, const CubeDims &D);
  DataCube hwCube(const CubeDims &D) const;
  Error emitConv(const Op &O);
  void emitConvPart(const Op &O, const ConvPart &Part, const DataCube &Src,
                    const DataCube &Dst);
  Error emitPdp(const Op &O);
  Error emitCdp(const Op &O);
  Error emitSdp(const Op &O);
  void link();
  Error emitSoftmax(const Op &O, const CubeDims &D, uint64_t OutBytes);
  Error emitEmuAdd(const Op &O);
  Error addFaultBlob();
  void flushDLATask();
  EmuBufferDesc emuBuffer(const Location &L, const CubeDims &D);
  uint64_t lineStride(const CubeDims &D) const {
    return uint64_t(D.W) * Cfg.MemoryAtomBytes;
  }

  const Graph &G;
  const NvdlaConfig &Cfg;
  LoadableWriter W;
  unsigned InMem = 0, OutMem = 0, ActMem = ~0u, WMem = ~0u;
  const Value *InputCube = nullptr;
  std::map<std::tuple<unsigned, uint64_t, uint64_t>, unsigned> Addresses;
  std::vector<DecodedOp> Ops;
  /// The LUTs of the current DLA task (CDP ops index them).
  std::vector<LutParam> Luts;
  /// Index of each layer's first and last op in Ops.
  std::vector<std::pair<unsigned, unsigned>> Layers;
};

DecodedOp newOp(OpType T, unsigned Index) {
  DecodedOp D;
  std::memset(&D, 0, sizeof(D));
  D.common.index = Index;
  D.common.op_type = T;
  for (Consumer &C : D.common.consumers)
    C = {-1, 0, 0};
  D.common.fused_parent = {-1, 0, 0};
  return D;
}

DataCube noCube() {
  DataCube C;
  std::memset(&C, 0, sizeof(C));
  C.address = -1;
  return C;
}

CvtParam cvt(int16_t Scale, uint8_t Truncate, uint8_t Enable) {
  CvtParam C;
  std::memset(&C, 0, sizeof(C));
  C.scale = Scale;
  C.truncate = Truncate;
  C.enable = Enable;
  return C;
}

/// An SDP stage that is only an ALU MAX/MIN against a per-layer operand
/// (how clamps run on X2 and Y).
SdpOp clampStage(uint8_t AluType, int64_t Operand) {
  SdpOp S;
  std::memset(&S, 0, sizeof(S));
  S.enable = 1;
  S.alu_type = AluType; // MAX 0, MIN 1
  S.type = 2;           // ALU only
  S.mode = 0;           // per layer
  S.precision = 1;      // int16 operand
  S.alu_operand = static_cast<int32_t>(Operand);
  return S;
}

/// The SDP op descriptor common to fused and memory-sourced SDP ops: X1
/// given by the caller, clamps on X2 (MAX) and Y (MIN), output converter
/// scale 1 truncate 0 (saturation to int8).
SdpOpDesc sdpDesc(const Op &O, const SdpOp &X1) {
  SdpOpDesc S;
  std::memset(&S, 0, sizeof(S));
  S.lut_index = -1;
  S.out_cvt = cvt(1, 0, 1);
  S.batch_num = 1;
  S.x1_op = X1;
  if (O.hasAttr("clamp_min"))
    S.x2_op = clampStage(0, O.getIntAttr("clamp_min", 0));
  if (O.hasAttr("clamp_max"))
    S.y_op = clampStage(1, O.getIntAttr("clamp_max", 0));
  return S;
}

} // namespace

Expected<Location> Codegen::locate(const Value *V) const {
  if (V == InputCube)
    return Location{InMem, 0};
  const Op *P = V->isResult() ? V->getDefiningOp() : nullptr;
  if (!P || !P->getKind().startswith("nvdla.") || !P->hasAttr("dst_offset"))
    return makeError("value '" + V->getName() +
                     "' is not an NVDLA feature cube (run planNvdla first)");
  Location L;
  L.Memory = P->getIntAttr("dst_memory", 0) == 1 ? OutMem : ActMem;
  L.Offset = P->getIntAttr("dst_offset", 0);
  return L;
}

unsigned Codegen::address(unsigned Mem, uint64_t Off, uint64_t Size) {
  auto Key = std::make_tuple(Mem, Off, Size);
  auto It = Addresses.find(Key);
  if (It != Addresses.end())
    return It->second;
  unsigned Id = W.addAddress(Mem, Off, Size);
  Addresses[Key] = Id;
  return Id;
}

Expected<DataCube> Codegen::memCube(const Value *V, const CubeDims &D) {
  auto L = locate(V);
  if (!L)
    return L.takeError();
  uint64_t Size = getCubeBytes(D, Cfg);
  DataCube C = noCube();
  C.type = 0;
  C.address = address(L->Memory, L->Offset, Size);
  C.size = Size;
  C.width = D.W;
  C.height = D.H;
  C.channel = D.C;
  C.line_stride = lineStride(D);
  C.surf_stride = lineStride(D) * D.H;
  return C;
}

DataCube Codegen::hwCube(const CubeDims &D) const {
  DataCube C = noCube();
  C.type = 2; // on the fly between engines
  C.width = D.W;
  C.height = D.H;
  C.channel = D.C;
  C.line_stride = lineStride(D);
  C.surf_stride = lineStride(D) * D.H;
  return C;
}

/// Narrows a whole-cube descriptor to channels [C0, C0 + C) and rows
/// [Y0, Y0 + H) of the same surface (same strides, cube offset moved).
static DataCube subCube(DataCube Cube, unsigned ChannelsPerAtom, int64_t C0,
                        int64_t C, int64_t Y0, int64_t H) {
  Cube.offset += uint32_t(C0 / ChannelsPerAtom) * Cube.surf_stride +
                 uint32_t(Y0) * Cube.line_stride;
  Cube.channel = C;
  Cube.height = H;
  uint64_t Surfaces = (C + ChannelsPerAtom - 1) / ChannelsPerAtom;
  Cube.size = (Surfaces - 1) * Cube.surf_stride + H * Cube.line_stride;
  return Cube;
}

Error Codegen::emitConv(const Op &O) {
  CubeDims In = getInCube(O), Out = getOutCube(O);
  auto Src = memCube(O.getOperand(0), In);
  if (!Src)
    return Src.takeError();
  auto Dst = memCube(O.getResult(), Out);
  if (!Dst)
    return Dst.takeError();
  for (const ConvPart &P : getConvParts(O))
    emitConvPart(O, P, *Src, *Dst);
  return Error::success();
}

void Codegen::emitConvPart(const Op &O, const ConvPart &Part,
                           const DataCube &WholeSrc, const DataCube &WholeDst) {
  CubeDims In = getInCube(O), Out = getOutCube(O);
  const unsigned PerAtom = Cfg.MemoryAtomBytes;
  const int64_t K = Part.K1 - Part.K0, Rows = Part.IY1 - Part.IY0,
                OutRows = Part.OY1 - Part.OY0;
  auto Ks = O.getIntsAttr("kernel");
  auto St = O.getIntsAttr("strides", {1, 1});
  auto P = O.getIntsAttr("pads", {0, 0, 0, 0});
  DecodedOp C = newOp(OpCONV, Ops.size());
  ConvOpDesc &V = C.op.conv;
  V.entry_per_slice = O.getIntAttr("entry_per_slice", 0);
  V.data_format = FormatFeature;
  V.fetch_grain = 1;
  V.batch = 1;
  V.data_bank = O.getIntAttr("data_bank", 0);
  V.weight_bank = O.getIntAttr("weight_bank", 0);
  V.release = Rows;
  V.input_width_csc = In.W;
  V.input_height_csc = Rows;
  V.input_channel_csc = In.C;
  V.kernel_width_csc = Ks[1];
  V.kernel_height_csc = Ks[0];
  V.kernel_channel_csc = In.C;
  V.input_width_cmac = Out.W;
  V.input_height_cmac = OutRows;
  V.bytes_per_kernel = In.C * Ks[0] * Ks[1];
  V.conv_stride_x = St[1];
  V.conv_stride_y = St[0];
  V.pad_x_left = P[1];
  V.pad_x_right = P[3];
  V.pad_y_top = Part.PadTop;
  V.pad_y_bottom = Part.PadBottom;
  V.dilation_x = V.dilation_y = 1;
  V.in_cvt = cvt(1, 0, 0);
  // The CACC truncate (NVIDIA's firmware writes out_cvt.truncate to
  // CACC_D_CLIP_CFG): quant.conv's clip_truncate.
  V.out_cvt = cvt(1, O.getIntAttr("clip_truncate", 0), 1);
  ConvSurfaceDesc &S = C.surface.conv;
  // Kernel groups are contiguous in the packed blob: a kernel slice that
  // starts on a group boundary is a byte range of it.
  uint64_t WOff = O.getIntAttr("weight_offset", 0);
  uint64_t WBytes = O.getIntAttr("weight_bytes", 0);
  S.weight_data = noCube();
  S.weight_data.address = address(WMem, WOff, WBytes);
  S.weight_data.offset = uint32_t(Part.K0) * V.bytes_per_kernel;
  S.weight_data.size = uint32_t(K) * V.bytes_per_kernel;
  S.weight_data.width = Ks[1];
  S.weight_data.height = Ks[0];
  S.weight_data.channel = In.C;
  S.wmb_data = noCube();
  S.wgs_data = noCube();
  S.src_data = subCube(WholeSrc, PerAtom, 0, In.C, Part.IY0, Rows);
  CubeDims PartOut{K, OutRows, Out.W};
  S.dst_data = hwCube(PartOut);

  DecodedOp D = newOp(OpSDP, Ops.size() + 1);
  SdpOp X1;
  std::memset(&X1, 0, sizeof(X1));
  X1.enable = 1;
  X1.alu_type = 2; // SUM
  X1.type = 3;     // ALU and MUL
  X1.mode = 1;     // per kernel, from the operand buffer
  X1.act = O.getIntAttr("relu", 0) ? 1 : 0;
  X1.shift_value = O.getIntAttr("bias_shift", 0);
  X1.truncate = O.getIntAttr("shift", 0);
  X1.precision = 1; // int16 operands
  D.op.sdp = sdpDesc(O, X1);
  SdpSurfaceDesc &T = D.surface.sdp;
  T.src_data = hwCube(PartOut);
  T.x1_data = noCube();
  uint64_t SOff = O.getIntAttr("sdp_offset", 0);
  uint64_t SBytes = O.getIntAttr("sdp_bytes", 0);
  T.x1_data.address = address(WMem, SOff, SBytes);
  T.x1_data.offset = uint32_t(Part.K0) * 4;
  T.x1_data.size = uint32_t(K) * 4;
  T.x1_data.width = 1;
  T.x1_data.height = 1;
  T.x1_data.channel = K;
  T.x2_data = noCube();
  T.y_data = noCube();
  T.dst_data = subCube(WholeDst, PerAtom, Part.K0, K, Part.OY0, OutRows);

  unsigned CI = Ops.size();
  C.common.consumers[OpSDP] = {int16_t(CI + 1), EvProgrammed, 0};
  D.common.fused_parent = {int16_t(CI), EvEnabled, 0};
  Ops.push_back(C);
  Ops.push_back(D);
  Layers.push_back({CI, CI + 1});
}

Error Codegen::emitPdp(const Op &O) {
  CubeDims In = getInCube(O), Out = getOutCube(O);
  auto K = O.getIntsAttr("kernel");
  auto St = O.getIntsAttr("strides", {1, 1});
  auto P = O.getIntsAttr("pads", {0, 0, 0, 0});
  DecodedOp D = newOp(OpPDP, Ops.size());
  PdpOpDesc &V = D.op.pdp;
  // A line wider than the PDP buffer runs in split mode (PdpSplit.h).
  auto Split = planPdpSplit(O, Cfg, /*ElemBytes=*/1);
  if (!Split)
    return Split.takeError();
  V.partial_in_width_first = Split->InFirst;
  V.partial_in_width_mid = Split->InMid;
  V.partial_in_width_last = Split->InLast;
  V.partial_width_first = Split->OutFirst;
  V.partial_width_mid = Split->OutMid;
  V.partial_width_last = Split->OutLast;
  V.split_num = Split->SplitNum;
  bool Max = O.getIntAttr("pool_mode", 1) == 1;
  V.pool_mode = Max ? 1 : 0;
  V.pool_width = K[1] - 1;
  V.pool_height = K[0] - 1;
  V.stride_x = St[1];
  V.stride_y = St[0];
  V.pad_left = P[1];
  V.pad_right = P[3];
  V.pad_top = P[0];
  V.pad_bottom = P[2];
  // Padded cells count as 0 in averages (quant.avgpool's
  // count_include_pad); max pooling ignores them.
  for (int32_t &PV : V.padding_value)
    PV = 0;
  auto Src = memCube(O.getOperand(0), In);
  if (!Src)
    return Src.takeError();
  auto Dst = memCube(O.getResult(), Out);
  if (!Dst)
    return Dst.takeError();
  D.surface.pdp.src_data = *Src;
  D.surface.pdp.dst_data = *Dst;
  Layers.push_back({unsigned(Ops.size()), unsigned(Ops.size())});
  Ops.push_back(D);
  return Error::success();
}

/// The descriptor form of a CDP LUT (start/end registers as two's
/// complement; the VP reads their low 38 bits).
static LutParam toLutParam(const fixp::CdpLut &L) {
  LutParam P;
  std::memset(&P, 0, sizeof(P));
  std::copy(std::begin(L.LeTable), std::end(L.LeTable), P.linear_exp_table);
  std::copy(std::begin(L.LoTable), std::end(L.LoTable), P.linear_only_table);
  P.linear_exp_offset.exp_offset_or_frac_bits = L.LeOffset;
  P.linear_only_offset.exp_offset_or_frac_bits = L.LoOffset;
  P.linear_exp_start = uint64_t(L.LeStart);
  P.linear_exp_end = uint64_t(L.LeEnd);
  P.linear_only_start = uint64_t(L.LoStart);
  P.linear_only_end = uint64_t(L.LoEnd);
  auto Slope = [](const fixp::CdpSlope &S) {
    LutSlope R;
    std::memset(&R, 0, sizeof(R));
    R.scale = S.Scale;
    R.shifter = S.Shifter;
    return R;
  };
  P.linear_exp_underflow = Slope(L.LeUnder);
  P.linear_exp_overflow = Slope(L.LeOver);
  P.linear_only_underflow = Slope(L.LoUnder);
  P.linear_only_overflow = Slope(L.LoOver);
  P.hybrid_priority = L.HybridPriority;
  P.underflow_priority = L.UnderflowPriority;
  P.overflow_priority = L.OverflowPriority;
  P.method = L.Method;
  return P;
}

Error Codegen::emitCdp(const Op &O) {
  fixp::CdpParams P;
  fixp::CdpLut L;
  if (Error E = getQuantLrnParams(O, P, L))
    return E;
  CubeDims In = getInCube(O), Out = getOutCube(O);
  DecodedOp D = newOp(OpCDP, Ops.size());
  CdpOpDesc &V = D.op.cdp;
  V.in_precision = V.out_precision = 0; // INT8
  V.lut_index = int16_t(Luts.size());
  auto Cvt = [](const fixp::CdpCvt &C) {
    CvtParam R = cvt(C.Scale, C.Truncate, C.Enable);
    R.offset = C.Offset;
    return R;
  };
  V.in_cvt = Cvt(P.InCvt);
  V.out_cvt = Cvt(P.OutCvt);
  V.local_size = uint8_t(P.LocalSize);
  auto Src = memCube(O.getOperand(0), In);
  if (!Src)
    return Src.takeError();
  auto Dst = memCube(O.getResult(), Out);
  if (!Dst)
    return Dst.takeError();
  D.surface.cdp.src_data = *Src;
  D.surface.cdp.dst_data = *Dst;
  Luts.push_back(toLutParam(L));
  Layers.push_back({unsigned(Ops.size()), unsigned(Ops.size())});
  Ops.push_back(D);
  return Error::success();
}

Error Codegen::emitSdp(const Op &O) {
  CubeDims In = getInCube(O), Out = getOutCube(O);
  DecodedOp D = newOp(OpSDP, Ops.size());
  SdpOp Mul;
  std::memset(&Mul, 0, sizeof(Mul));
  Mul.enable = 1;
  Mul.type = 1; // MUL only, per layer
  Mul.mode = 0;
  Mul.act = O.getIntAttr("relu", 0) ? 1 : 0;
  Mul.truncate = O.getIntAttr("shift", 0);
  Mul.mul_operand = O.getIntAttr("mul", 1);
  Mul.precision = 1;
  SdpSurfaceDesc &T = D.surface.sdp;
  T.x1_data = noCube();
  T.x2_data = noCube();
  T.y_data = noCube();
  if (O.getNumOperands() == 2) {
    // v = a + sdpTruncate(sdpMul(b, mul_b), shift_b): X1 adds B per point
    // through its operand converter (|v| < 2^31 for 8-bit a and b, so the
    // stage's int32 result is the 33-bit sum), X2 multiplies and
    // truncates, Y takes one clamp.
    if (O.hasAttr("clamp_min") && O.hasAttr("clamp_max"))
      return makeError(O.getDescription() + ": an element-wise add with two "
                                            "clamp bounds is not supported");
    SdpOp Add;
    std::memset(&Add, 0, sizeof(Add));
    Add.enable = 1;
    Add.type = 2;      // ALU only
    Add.alu_type = 2;  // SUM
    Add.mode = 2;      // per point
    Add.precision = 0; // int8 operand cube
    Add.alu_cvt = cvt(O.getIntAttr("mul_b", 1), O.getIntAttr("shift_b", 0), 1);
    auto B = memCube(O.getOperand(1), Out);
    if (!B)
      return B.takeError();
    T.x1_data = *B;
    SdpOpDesc S;
    std::memset(&S, 0, sizeof(S));
    S.lut_index = -1;
    S.out_cvt = cvt(1, 0, 1);
    S.batch_num = 1;
    S.x1_op = Add;
    S.x2_op = Mul;
    if (O.hasAttr("clamp_min"))
      S.y_op = clampStage(0, O.getIntAttr("clamp_min", 0));
    if (O.hasAttr("clamp_max"))
      S.y_op = clampStage(1, O.getIntAttr("clamp_max", 0));
    D.op.sdp = S;
  } else {
    D.op.sdp = sdpDesc(O, Mul);
  }
  auto Src = memCube(O.getOperand(0), In);
  if (!Src)
    return Src.takeError();
  T.src_data = *Src;
  auto Dst = memCube(O.getResult(), Out);
  if (!Dst)
    return Dst.takeError();
  T.dst_data = *Dst;
  Layers.push_back({unsigned(Ops.size()), unsigned(Ops.size())});
  Ops.push_back(D);
  return Error::success();
}

void Codegen::link() {
  // Next op of the same engine: PROGRAMMED.
  for (unsigned I = 0; I < Ops.size(); ++I) {
    uint8_t T = Ops[I].common.op_type;
    for (unsigned J = I + 1; J < Ops.size(); ++J)
      if (Ops[J].common.op_type == T) {
        Ops[I].common.consumers[T] = {int16_t(J), EvProgrammed, 0};
        break;
      }
  }
  // Layer order: the next layer's first op waits for this layer's last op
  // to complete; a fused SDP follows its CONV through the fused edges.
  for (unsigned L = 0; L + 1 < Layers.size(); ++L) {
    unsigned From = Layers[L].second, To = Layers[L + 1].first;
    Ops[From].common.consumers[Ops[To].common.op_type] = {int16_t(To),
                                                          EvCompleted, 0};
  }
  for (DecodedOp &D : Ops)
    D.common.dependency_count = 0;
  for (DecodedOp &D : Ops) {
    for (const Consumer &C : D.common.consumers)
      if (C.index >= 0)
        ++Ops[C.index].common.dependency_count;
    if (D.common.fused_parent.index >= 0)
      ++Ops[D.common.fused_parent.index].common.dependency_count;
  }
}

/// The EMU1 task of a trailing nvdla.softmax: int8 source cube (in the
/// activations) -> int16 destination (the output memory), both NCxHWx.
Error Codegen::emitSoftmax(const Op &O, const CubeDims &D, uint64_t OutBytes) {
  auto L = locate(O.getOperand(0));
  if (!L)
    return L.takeError();
  const unsigned Atom = Cfg.MemoryAtomBytes;
  EmuBufferDesc Src;
  std::memset(&Src, 0, sizeof(Src));
  Src.size = getCubeBytes(D, Cfg);
  Src.addressIndex = address(L->Memory, L->Offset, Src.size);
  Src.format = EmuFormatInt8;
  Src.width = D.W;
  Src.height = D.H;
  Src.channel = D.C;
  Src.line_stride = D.W * Atom;
  Src.surf_stride = D.W * D.H * Atom;
  EmuBufferDesc Dst = Src;
  Dst.size = OutBytes;
  Dst.addressIndex = address(OutMem, 0, OutBytes);
  Dst.format = EmuFormatInt16;
  EmuSoftmaxOpDesc Sm;
  std::memset(&Sm, 0, sizeof(Sm));
  Sm.common.op_type = EmuOpSoftmax;
  Sm.common.input_scale_factor = O.getFloatAttr("in_scale", 1);
  Sm.common.output_scale_factor = O.getFloatAttr("out_scale", 1);
  Sm.axis = 1;
  EmuTaskSpec T;
  T.NumOperations = 1;
  T.OpList = encodeEmuSoftmaxOp(Sm, DescLayout::Current012);
  T.OpBufferList = encodeEmuBufferDesc(Src, DescLayout::Current012);
  auto B = encodeEmuBufferDesc(Dst, DescLayout::Current012);
  T.OpBufferList.insert(T.OpBufferList.end(), B.begin(), B.end());
  W.addEmuTask(std::move(T));
  return Error::success();
}

EmuBufferDesc Codegen::emuBuffer(const Location &L, const CubeDims &D) {
  const unsigned Atom = Cfg.MemoryAtomBytes;
  EmuBufferDesc B;
  std::memset(&B, 0, sizeof(B));
  B.size = getCubeBytes(D, Cfg);
  B.addressIndex = address(L.Memory, L.Offset, B.size);
  B.format = EmuFormatInt8;
  B.width = D.W;
  B.height = D.H;
  B.channel = D.C;
  B.line_stride = D.W * Atom;
  B.surf_stride = D.W * D.H * Atom;
  return B;
}

/// An nvdla.sdp with "emu" 1 (--allow-cpu-fallback): one EMU1 task with
/// one ONNCF_ADD op; buffers 0 (A), 1 (the result), 2 (B), all in memory
/// (the planner placed them like any other cube).
Error Codegen::emitEmuAdd(const Op &O) {
  CubeDims D = getOutCube(O);
  if (O.getNumOperands() != 2)
    return makeError(O.getDescription() + ": a CPU fallback op must be an "
                                          "element-wise add");
  Location Loc[3];
  const Value *Vals[3] = {O.getOperand(0), O.getResult(), O.getOperand(1)};
  for (unsigned I = 0; I < 3; ++I) {
    auto L = locate(Vals[I]);
    if (!L)
      return L.takeError();
    Loc[I] = *L;
  }
  auto Clamp16 = [](int64_t V) {
    return int16_t(
        std::max<int64_t>(INT16_MIN, std::min<int64_t>(V, INT16_MAX)));
  };
  EmuOnncfAddOpDesc A;
  std::memset(&A, 0, sizeof(A));
  A.common.op_type = EmuOpOnncfAdd;
  A.common.input_scale_factor = A.common.output_scale_factor = 1.0f;
  A.src_b_buffer = 2;
  A.mul_b = O.getIntAttr("mul_b", 0);
  A.shift_b = O.getIntAttr("shift_b", 0);
  A.mul = O.getIntAttr("mul", 1);
  A.shift = O.getIntAttr("shift", 0);
  A.relu = O.getIntAttr("relu", 0) ? 1 : 0;
  A.out_bits = 8;
  // The result saturates to 8 bits after the clamp, so int16 bounds are
  // exact (see EmuDescriptors.h).
  A.clamp_min = Clamp16(O.getIntAttr("clamp_min", INT16_MIN));
  A.clamp_max = Clamp16(O.getIntAttr("clamp_max", INT16_MAX));
  EmuTaskSpec T;
  T.NumOperations = 1;
  T.OpList = encodeEmuOnncfAddOp(A);
  for (unsigned I = 0; I < 3; ++I) {
    auto B = encodeEmuBufferDesc(emuBuffer(Loc[I], I == 0 ? getInCube(O) : D),
                                 DescLayout::Current012);
    T.OpBufferList.insert(T.OpBufferList.end(), B.begin(), B.end());
  }
  W.addEmuTask(std::move(T));
  return Error::success();
}

/// Closes the current run of DLA ops as one DLA1 task (none if empty).
void Codegen::flushDLATask() {
  if (Ops.empty())
    return;
  link();
  DLATaskSpec Task;
  std::memset(&Task.Net, 0, sizeof(Task.Net));
  for (int16_t &H : Task.Net.op_head)
    H = -1;
  for (unsigned I = Ops.size(); I-- > 0;)
    Task.Net.op_head[Ops[I].common.op_type] = I;
  Task.Net.input_layer = 0;
  Task.Ops = std::move(Ops);
  Task.Luts = std::move(Luts);
  W.addDLATask(std::move(Task));
  Ops.clear();
  Luts.clear();
  Layers.clear();
}

Expected<std::vector<uint8_t>> Codegen::run() {
  const Value *GIn = G.getInputs()[0];
  const Value *GOut = G.getOutputs()[0];
  auto Uses = G.getUses(GIn);
  if (Uses.size() != 1 || Uses[0].first->getKind() != quantop::Quantize)
    return makeError("the graph input '" + GIn->getName() +
                     "' must be read by one quant.quantize");
  const Op &Q = *Uses[0].first;
  InputCube = Q.getResult();
  const Op &DQ = *GOut->getDefiningOp();
  const Value *OutCube = DQ.getOperand(0);
  // An output Flatten/Reshape: the port is the cube before it.
  if (OutCube->isResult() &&
      (OutCube->getDefiningOp()->getKind() == "onnx.Flatten" ||
       OutCube->getDefiningOp()->getKind() == "onnx.Reshape"))
    OutCube = OutCube->getDefiningOp()->getOperand(0);
  auto cube = [](const Value *V) {
    auto S = V->getType().getShape();
    return S.size() == 4 ? CubeDims{S[1], S[2], S[3]} : CubeDims{S[1], 1, 1};
  };
  CubeDims InD = cube(InputCube), OutD = cube(OutCube);
  // A trailing softmax (EMU1) writes int16: half the channels per atom.
  const bool Softmax = DQ.getKind() == nvdlaop::Softmax;
  const unsigned OutElem = Softmax ? 2 : 1;
  const unsigned PerAtom16 = Cfg.MemoryAtomBytes / 2;
  const uint64_t OutBytes =
      Softmax ? uint64_t((OutD.C + PerAtom16 - 1) / PerAtom16) * OutD.H *
                    OutD.W * Cfg.MemoryAtomBytes
              : getCubeBytes(OutD, Cfg);
  if (Softmax)
    OutCube = DQ.getOperand(0);

  // Memories: input, output, activations, weights.
  InMem = W.addMemory(MemFlagAlloc | MemFlagInput, getCubeBytes(InD, Cfg));
  OutMem = W.addMemory(MemFlagAlloc | MemFlagOutput, OutBytes);
  uint64_t ActBytes = 0, WBytes = 0;
  std::vector<uint8_t> Weights;
  for (const auto &OP : G.getOps()) {
    const Op &O = *OP;
    if (!O.getKind().startswith("nvdla."))
      continue;
    if (O.getIntAttr("dst_memory", 0) == 0)
      ActBytes =
          std::max<uint64_t>(ActBytes, O.getIntAttr("dst_offset", 0) +
                                           getCubeBytes(getOutCube(O), Cfg));
    if (O.getKind() == nvdlaop::Conv)
      WBytes = std::max<uint64_t>(WBytes, O.getIntAttr("sdp_offset", 0) +
                                              O.getIntAttr("sdp_bytes", 0));
  }
  if (ActBytes)
    ActMem = W.addMemory(MemFlagAlloc, ActBytes);
  if (WBytes) {
    Weights.assign(WBytes, 0);
    for (const auto &OP : G.getOps()) {
      const Op &O = *OP;
      if (O.getKind() != nvdlaop::Conv)
        continue;
      auto Copy = [&](unsigned Operand, const char *Off) {
        auto B = O.getOperand(Operand)->getConstantData().bytes();
        std::memcpy(&Weights[O.getIntAttr(Off, 0)], B.data(), B.size());
      };
      Copy(1, "weight_offset");
      Copy(2, "sdp_offset");
    }
    WMem = W.addMemory(MemFlagSet, WBytes);
    if (Error E = W.addContents(WMem, "weights", std::move(Weights), 0))
      return std::move(E);
  }

  // Program order: runs of DLA ops are DLA1 tasks, each CPU fallback op an
  // EMU1 task between them (LoadableWriter chains the tasks with events, so
  // the planner's in-order buffer reuse stays safe across tasks).
  bool AnyTask = false;
  for (const auto &OP : G.getOps()) {
    const Op &O = *OP;
    Error E = Error::success();
    if (O.getKind() == nvdlaop::Sdp && O.getIntAttr("emu", 0)) {
      flushDLATask();
      E = emitEmuAdd(O);
      AnyTask = true;
    } else if (O.getKind() == nvdlaop::Conv)
      E = emitConv(O);
    else if (O.getKind() == nvdlaop::Pdp)
      E = emitPdp(O);
    else if (O.getKind() == nvdlaop::Cdp)
      E = emitCdp(O);
    else if (O.getKind() == nvdlaop::Sdp)
      E = emitSdp(O);
    if (E)
      return std::move(E);
  }
  if (Ops.empty() && !AnyTask)
    return makeError("the model has no layer to run on the DLA");
  flushDLATask();
  if (Softmax)
    if (Error E = emitSoftmax(DQ, OutD, OutBytes))
      return std::move(E);

  // Tensor descriptors and the onncf.io blob.
  IoInfo Io;
  Io.Config = Cfg.Name.str();
  Io.Producer = std::string("onnc-fault ") + ONNCF_VERSION_STRING;
  auto port = [&](const Value *Logical, const CubeDims &D, unsigned Mem,
                  float Scale, unsigned Elem, uint64_t Bytes) {
    TensorDescSpec T;
    T.Name = Logical->getName();
    T.MemoryId = Mem;
    T.Size = Bytes;
    T.DataType = Elem == 2 ? 3 : 4; // INT16 / INT8
    T.C = D.C;
    T.H = D.H;
    T.W = D.W;
    T.Strides[0] = Elem;
    T.Strides[1] = lineStride(D);
    T.Strides[2] = lineStride(D) * D.H;
    IoPort P;
    P.Name = Logical->getName();
    P.TensorDescId = W.addTensorDesc(T);
    P.C = D.C;
    P.H = D.H;
    P.W = D.W;
    P.LogicalRank = Logical->getType().getRank();
    P.Bits = 8 * Elem;
    P.Scale = Scale;
    P.Format = "NCxHWx";
    P.AtomBytes = Cfg.MemoryAtomBytes;
    P.LineStride = T.Strides[1];
    P.SurfStride = T.Strides[2];
    return P;
  };
  Io.Inputs.push_back(port(GIn, InD, InMem, Q.getFloatAttr("scale", 1), 1,
                           getCubeBytes(InD, Cfg)));
  Io.Outputs.push_back(port(GOut, OutD, OutMem,
                            DQ.getFloatAttr(Softmax ? "out_scale" : "scale", 1),
                            OutElem, OutBytes));
  W.addBlob(IoBlobName, writeIoBlob(Io));
  if (Error E = addFaultBlob())
    return std::move(E);
  return W.finish();
}

/// Fault-aware compilation: the read decoder of every placed conv weight
/// range (their wmem faults are the map's at the range's bytes) and the MAC
/// array geometry, in the onncf.fault blob (FaultBlob.h). A loadable
/// compiled without a defect map has none.
Error Codegen::addFaultBlob() {
  FaultInfo FI;
  // One MAC array: every op must carry the same substitution settings
  // (cmac_substitute quadruples: cell, operand 0 weight / 1 data, mask,
  // mode 0 sign-bit / 1 inverse-sign-bit).
  const Op *SubOwner = nullptr;
  std::vector<int64_t> Sub;
  for (const auto &OP : G.getOps()) {
    const Op &O = *OP;
    if (O.getKind() != nvdlaop::Conv || !O.hasAttr("wmem_offset"))
      continue;
    if (O.hasAttr("cmac_substitute")) {
      std::vector<int64_t> Q = O.getIntsAttr("cmac_substitute");
      if (SubOwner && Q != Sub)
        return makeError(O.getDescription() +
                         ": its cmac_substitute differs "
                         "from that of " +
                         SubOwner->getDescription() +
                         " (the chip has one MAC array)");
      if (Q.size() % 4)
        return makeError(O.getDescription() +
                         ": cmac_substitute must hold quadruples");
      SubOwner = &O;
      Sub = std::move(Q);
    }
    FaultWeightRange R;
    R.Op = O.getStringAttr("fault_op", O.getName());
    R.Memory = WMem;
    R.Offset = uint64_t(O.getIntAttr("weight_offset", 0));
    R.Bytes = uint64_t(O.getIntAttr("weight_bytes", 0));
    R.WordBits = 8;
    R.Decoder = O.getStringAttr("decoder", "none");
    if (!isFaultBlobDecoder(R.Decoder))
      return makeError(O.getDescription() + ": unknown decoder '" + R.Decoder +
                       "'");
    std::vector<int64_t> M = O.getIntsAttr("decoder_masks");
    for (size_t I = 0; I + 1 < M.size(); I += 2)
      R.Masks.emplace_back(uint64_t(M[I]), uint64_t(M[I + 1]));
    // Masks come in weight-element order; the blob lists packed bytes.
    llvm::sort(R.Masks);
    FI.Weights.push_back(std::move(R));
  }
  if (FI.Weights.empty())
    return Error::success();
  FI.HasCmac = true;
  FI.AtomK = Cfg.AtomicK;
  FI.AtomC = Cfg.AtomicC;
  for (size_t I = 0; I + 3 < Sub.size(); I += 4) {
    int64_t Cell = Sub[I], Opnd = Sub[I + 1], Mask = Sub[I + 2],
            Mode = Sub[I + 3];
    if (Cell < 0 || Cell >= int64_t(Cfg.AtomicK) * Cfg.AtomicC ||
        (Opnd != 0 && Opnd != 1) || Mask < 0 || Mask > 0x7f ||
        (Mode != 0 && Mode != 1))
      return makeError(SubOwner->getDescription() +
                       ": bad cmac_substitute entry (" + Twine(Cell) + ", " +
                       Twine(Opnd) + ", " + Twine(Mask) + ", " + Twine(Mode) +
                       ") for the " + Twine(Cfg.AtomicK) + "x" +
                       Twine(Cfg.AtomicC) + " MAC array of " + Cfg.Name);
    FI.Substitutes.push_back({unsigned(Cell), Opnd ? "data" : "weight",
                              uint64_t(Mask),
                              Mode ? "inverse-sign-bit" : "sign-bit"});
  }
  W.addBlob(FaultBlobName, writeFaultBlob(FI));
  return Error::success();
}

Expected<std::vector<uint8_t>> emitLoadable(const Graph &G,
                                            const NvdlaConfig &Cfg) {
  if (G.getInputs().size() != 1 || G.getOutputs().size() != 1 ||
      !G.getOutputs()[0]->isResult())
    return makeError("NVDLA loadables need one input and one output; run "
                     "the nvdla lowering first");
  return Codegen(G, Cfg).run();
}

} // namespace nvdla
} // namespace onncf
