//===- NvdlaOps.cpp - The nvdla.* op definitions --------------------------===//
//
// Part of onnc-fault. Schemas and verifiers of the op kinds specified in
// onncf/Targets/NVDLA/NvdlaOps.h. They have no type inference: a lowered op
// keeps the result type of the quant op it replaced (its cube is in the
// attributes), and no interpreter kernel: the loadable is what runs them.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/NvdlaOps.h"
#include "onncf/IR/Op.h"
#include "onncf/IR/OpDef.h"
#include "onncf/IR/QuantLrn.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"

using namespace llvm;

namespace onncf {
namespace nvdla {

namespace {

Error opError(const Op &O, const Twine &Msg) {
  return makeError(O.getDescription() + ": " + Msg);
}

std::vector<AttrSpec> commonAttrs() {
  return {{"in_c", AttrKind::Int, true},  {"in_h", AttrKind::Int, true},
          {"in_w", AttrKind::Int, true},  {"out_c", AttrKind::Int, true},
          {"out_h", AttrKind::Int, true}, {"out_w", AttrKind::Int, true},
          {"dst_memory", AttrKind::Int},  {"dst_offset", AttrKind::Int},
          {"kernel", AttrKind::Ints},     {"strides", AttrKind::Ints},
          {"pads", AttrKind::Ints},       {"shift", AttrKind::Int},
          {"relu", AttrKind::Int},        {"clamp_min", AttrKind::Int},
          {"clamp_max", AttrKind::Int},   {"out_bits", AttrKind::Int}};
}

/// Cube dimensions positive; kernel/strides/pads of the right length.
Error verifyCommon(const Op &O) {
  for (const char *N : {"in_c", "in_h", "in_w", "out_c", "out_h", "out_w"})
    if (O.getIntAttr(N, 0) <= 0 || O.getIntAttr(N, 0) > 65535)
      return opError(O, Twine("attribute '") + N + "' must be in 1..65535");
  auto Len = [&](const char *N, size_t L) -> Error {
    if (O.hasAttr(N) && O.getIntsAttr(N).size() != L)
      return opError(O, Twine("attribute '") + N + "' must have " + Twine(L) +
                            " entries");
    return Error::success();
  };
  if (Error E = Len("kernel", 2))
    return E;
  if (Error E = Len("strides", 2))
    return E;
  if (Error E = Len("pads", 4))
    return E;
  int64_t Shift = O.getIntAttr("shift", 0);
  if (Shift < 0 || Shift > 63)
    return opError(O, "attribute 'shift' must be in 0..63");
  if (O.getIntAttr("out_bits", 8) != 8)
    return opError(O, "only 8-bit results are supported");
  return Error::success();
}

OpDef convDef() {
  OpDef D;
  D.Name = nvdlaop::Conv;
  D.MinOperands = D.MaxOperands = 3;
  D.Attrs = commonAttrs();
  for (const char *N :
       {"clip_truncate", "bias_shift", "weight_offset", "weight_bytes",
        "sdp_offset", "sdp_bytes", "data_bank", "weight_bank",
        "entry_per_slice", "split_kernels", "split_rows"})
    D.Attrs.push_back({N, AttrKind::Int});
  // Fault-aware compilation (Lowering.cpp copyFaultPlacement): the quant
  // op's wmem_offset, its name, read decoder and masks (packed bytes).
  D.Attrs.push_back({"wmem_offset", AttrKind::Int});
  D.Attrs.push_back({"fault_op", AttrKind::String});
  D.Attrs.push_back({"decoder", AttrKind::String});
  D.Attrs.push_back({"decoder_masks", AttrKind::Ints});
  D.Attrs.push_back({"cmac_substitute", AttrKind::Ints});
  D.Attrs.push_back({"cbuf_banks", AttrKind::Ints});
  D.Verify = [](const Op &O) -> Error {
    if (Error E = verifyCommon(O))
      return E;
    if (!O.hasAttr("kernel"))
      return opError(O, "missing required attribute 'kernel'");
    const TensorType &W = O.getOperand(1)->getType();
    const TensorType &S = O.getOperand(2)->getType();
    if (W.getElementType() != ElementType::I8 || W.getRank() != 1)
      return opError(O, "packed weights (operand 1) must be i8[bytes], not " +
                            W.str());
    if (S.getElementType() != ElementType::I16 || S.getRank() != 1 ||
        S.getDim(0) != 2 * O.getIntAttr("out_c", 0))
      return opError(O, "SDP operands (operand 2) must be i16[2 * out_c], "
                        "not " +
                            S.str());
    int64_t CT = O.getIntAttr("clip_truncate", 0),
            BS = O.getIntAttr("bias_shift", 0);
    if (CT < 0 || CT > 31 || BS < 0 || BS > 31)
      return opError(O, "clip_truncate and bias_shift must be in 0..31");
    return Error::success();
  };
  return D;
}

OpDef pdpDef() {
  OpDef D;
  D.Name = nvdlaop::Pdp;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = commonAttrs();
  D.Attrs.push_back({"pool_mode", AttrKind::Int, true});
  D.Verify = [](const Op &O) -> Error {
    if (Error E = verifyCommon(O))
      return E;
    int64_t M = O.getIntAttr("pool_mode", -1);
    if (M != 0 && M != 1)
      return opError(O, "pool_mode must be 0 (average) or 1 (max)");
    for (int64_t K : O.getIntsAttr("kernel"))
      if (K < 1 || K > 8)
        return opError(O, "PDP kernels are 1..8 wide, not " + Twine(K));
    return Error::success();
  };
  return D;
}

OpDef cdpDef() {
  OpDef D;
  D.Name = nvdlaop::Cdp;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = commonAttrs();
  D.Attrs.push_back({"size", AttrKind::Int, true});
  for (const char *N : {"in_cvt", "out_cvt", "lut_le", "lut_lo", "lut_regs"})
    D.Attrs.push_back({N, AttrKind::Ints, true});
  D.Verify = [](const Op &O) -> Error {
    if (Error E = verifyCommon(O))
      return E;
    fixp::CdpParams P;
    fixp::CdpLut L;
    return getQuantLrnParams(O, P, L);
  };
  return D;
}

OpDef sdpDef() {
  OpDef D;
  D.Name = nvdlaop::Sdp;
  D.MinOperands = 1;
  D.MaxOperands = 2;
  D.Attrs = commonAttrs();
  // emu 1: runs on the CPU as an EMU1 task (--allow-cpu-fallback).
  for (const char *N : {"mul", "mul_b", "shift_b", "emu"})
    D.Attrs.push_back({N, AttrKind::Int});
  D.Verify = [](const Op &O) -> Error {
    if (Error E = verifyCommon(O))
      return E;
    for (const char *N : {"mul", "mul_b"})
      if (O.getIntAttr(N, 0) < 0 || O.getIntAttr(N, 0) > 32767)
        return opError(O, Twine("attribute '") + N + "' must be in 0..32767");
    return Error::success();
  };
  return D;
}

OpDef concatDef() {
  OpDef D;
  D.Name = nvdlaop::Concat;
  D.MinOperands = 1;
  D.MaxOperands = ~0u;
  D.Attrs = commonAttrs();
  D.Attrs.push_back({"offsets", AttrKind::Ints, true});
  D.Verify = [](const Op &O) -> Error {
    if (Error E = verifyCommon(O))
      return E;
    if (O.getIntsAttr("offsets").size() != O.getNumOperands())
      return opError(O, "'offsets' needs one channel offset per operand");
    return Error::success();
  };
  return D;
}

OpDef softmaxDef() {
  OpDef D;
  D.Name = nvdlaop::Softmax;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = commonAttrs();
  D.Attrs.push_back({"in_scale", AttrKind::Float, true});
  D.Attrs.push_back({"out_scale", AttrKind::Float, true});
  D.Verify = [](const Op &O) -> Error {
    for (const char *N : {"in_c", "in_h", "in_w", "out_c", "out_h", "out_w"})
      if (O.getIntAttr(N, 0) <= 0 || O.getIntAttr(N, 0) > 65535)
        return opError(O, Twine("attribute '") + N + "' must be in 1..65535");
    for (const char *N : {"in_scale", "out_scale"})
      if (!(O.getFloatAttr(N, 0) > 0))
        return opError(O, Twine("attribute '") + N + "' must be positive");
    return Error::success();
  };
  return D;
}

} // namespace

void registerNvdlaOps() {
  static bool Done = [] {
    OpRegistry &R = OpRegistry::get();
    R.add(convDef());
    R.add(pdpDef());
    R.add(cdpDef());
    R.add(sdpDef());
    R.add(concatDef());
    R.add(softmaxDef());
    return true;
  }();
  (void)Done;
}

} // namespace nvdla
} // namespace onncf
