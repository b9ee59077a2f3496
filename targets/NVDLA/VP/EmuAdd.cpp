//===- EmuAdd.cpp - The onnc-fault EMU1 extension op ONNCF_ADD ------------===//
//
// Part of onnc-fault. ONNCF_ADD (op_type 0x80, onncf/Targets/NVDLA/
// EmuDescriptors.h) is how `onnc-fault --allow-cpu-fallback` runs a
// quant.add on configurations without SDP EW (nv_small): the CPU computes
// exactly what the host interpreter computes (onncf/IR/QuantOps.h),
//     b' = sdpTruncate(sdpMul(b, mul_b), shift_b)
//     y  = sdpEpilogue(a + b')   with mul, shift, relu, clamp, out_bits
// with the fixp functions, so the VP output is bit-exact. NVIDIA's runtime
// does not know the op. Operands and result are NCxHWx int8 / int16 cubes
// read through bounds-checked FeatureViews; every element is read before
// any is written, so the destination may alias an operand.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include <cstring>
#include <vector>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

/// An int8 / int16 EMU buffer as a feature view.
static Expected<FeatureView>
intView(const TaskMemory &Mem, const EmuBufferDesc &D, const Twine &What) {
  if (D.format != EmuFormatInt8 && D.format != EmuFormatInt16)
    return makeError(What + ": format " + Twine(D.format) +
                     " is not INT16 3 or INT8 4");
  return emuBufferView(Mem, D, D.format == EmuFormatInt8 ? 1 : 2, What);
}

Error runEmuOnncfAdd(const TaskMemory &Mem, const EmuOnncfAddOpDesc &Op,
                     const EmuBufferDesc &ADesc, const EmuBufferDesc &BDesc,
                     const EmuBufferDesc &YDesc, const Twine &Name,
                     VPStats &Stats) {
  if (BDesc.width != YDesc.width || BDesc.height != YDesc.height ||
      BDesc.channel != YDesc.channel)
    return makeError(Name + ": operand B " + Twine(BDesc.channel) + "x" +
                     Twine(BDesc.height) + "x" + Twine(BDesc.width) +
                     " differs from the destination (CxHxW)");
  if (Op.shift > 63 || Op.shift_b > 63)
    return makeError(Name + ": shift " + Twine(unsigned(Op.shift)) +
                     " / shift_b " + Twine(unsigned(Op.shift_b)) +
                     " outside 0..63");
  if (Op.relu > 1)
    return makeError(Name + ": relu " + Twine(unsigned(Op.relu)) +
                     " is not 0 or 1");
  if (Op.out_bits != 8 && Op.out_bits != 16)
    return makeError(Name + ": out_bits " + Twine(unsigned(Op.out_bits)) +
                     " is not 8 or 16");
  if ((Op.out_bits == 8) != (YDesc.format == EmuFormatInt8))
    return makeError(Name + ": out_bits " + Twine(unsigned(Op.out_bits)) +
                     " does not match destination format " +
                     Twine(YDesc.format));
  auto A = intView(Mem, ADesc, Name + " operand A");
  if (!A)
    return A.takeError();
  auto B = intView(Mem, BDesc, Name + " operand B");
  if (!B)
    return B.takeError();
  auto Y = intView(Mem, YDesc, Name + " destination");
  if (!Y)
    return Y.takeError();

  fixp::EpilogueParams P;
  P.Multiplier = Op.mul;
  P.Shift = Op.shift;
  P.Relu = Op.relu != 0;
  P.ClampMin = Op.clamp_min;
  P.ClampMax = Op.clamp_max;
  P.OutBits = Op.out_bits;
  unsigned C = YDesc.channel, H = YDesc.height, W = YDesc.width;
  std::vector<int32_t> Res(uint64_t(C) * H * W);
  uint64_t K = 0;
  for (unsigned Ch = 0; Ch < C; ++Ch)
    for (unsigned Yy = 0; Yy < H; ++Yy)
      for (unsigned X = 0; X < W; ++X) {
        int64_t Bs = fixp::sdpTruncate(
            fixp::sdpMul(B->load(Ch, Yy, X), Op.mul_b), Op.shift_b);
        Res[K++] = fixp::sdpEpilogue(int64_t(A->load(Ch, Yy, X)) + Bs, P);
      }
  K = 0;
  for (unsigned Ch = 0; Ch < C; ++Ch)
    for (unsigned Yy = 0; Yy < H; ++Yy)
      for (unsigned X = 0; X < W; ++X)
        Y->store(Ch, Yy, X, Res[K++]);

  uint64_t N = Res.size();
  ++Stats.Emu.Ops;
  Stats.Emu.Macs += N;
  Stats.Emu.BytesRead += N * (A->elemBytes() + B->elemBytes());
  Stats.Emu.BytesWritten += N * Y->elemBytes();
  Stats.Emu.Cycles += N;
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
