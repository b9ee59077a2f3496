//===- EmuTask.cpp - NVDLA EMU1 (CPU) task model --------------------------===//
//
// Part of onnc-fault. The CPU runtime's POWER and SOFTMAX operations (and
// the onnc-fault extension ONNCF_ADD, EmuAdd.cpp). The
// EMU network descriptor sits at address index 0; it names the operation
// list and the buffer descriptor list by address index (descriptor layouts:
// onncf/Targets/NVDLA/EmuDescriptors.h). Operation i reads buffer 2i and
// writes buffer 2i + 1, both feature cubes (NCxHWx) at their address index
// plus addressIndexOffset.
//
// Arithmetic is in float, as on the CPU: FP16 data converts exactly to
// float and back with round-to-nearest-even (onncf/IR/ElementType.h);
// INT8 / INT16 data is multiplied by the input scale factor, and the result
// divided by the output scale factor, rounded half away from zero and
// saturated. POWER: y = (shift + scale * x)^power (power 1 is an exact copy,
// which is how NVIDIA's NN_L0_0 uses it). SOFTMAX over the channels of each
// pixel: exp(x - max) / sum.
//
// The buffer descriptor has no atom size: a line stride of at least
// width * 32 bytes means 32-byte atoms (nv_full / nv_large), otherwise 8
// (nv_small).
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/IR/ElementType.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include <cmath>
#include <string>
#include <vector>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

namespace {
/// An EMU buffer as a feature view plus how to turn elements into floats.
struct EmuBuffer {
  FeatureView View;
  uint16_t Format = 0;
  float Scale = 1.0f; ///< Real value of one integer step.

  float get(unsigned Ch, unsigned Y, unsigned X) const {
    int32_t V = View.load(Ch, Y, X);
    if (Format == EmuFormatHalf)
      return halfToFloat(static_cast<uint16_t>(V));
    return float(V) * Scale;
  }
  void set(unsigned Ch, unsigned Y, unsigned X, float F) const {
    if (Format == EmuFormatHalf) {
      View.store(Ch, Y, X, floatToHalf(F));
      return;
    }
    unsigned Bits = Format == EmuFormatInt8 ? 8 : 16;
    View.store(Ch, Y, X,
               static_cast<int32_t>(fixp::roundToInt(double(F) / Scale, Bits)));
  }
};
} // namespace

Expected<FeatureView> emuBufferView(const TaskMemory &Mem,
                                    const EmuBufferDesc &D, unsigned ElemBytes,
                                    const Twine &What) {
  DataCube Cube = {};
  Cube.type = MemDRAM;
  Cube.address = D.addressIndex;
  Cube.offset = D.addressIndexOffset;
  Cube.size = D.size;
  Cube.width = D.width;
  Cube.height = D.height;
  Cube.channel = D.channel;
  Cube.line_stride = D.line_stride;
  Cube.surf_stride = D.surf_stride;
  // EMU buffer descriptors carry no atom size: a line stride of at least
  // 32 bytes per pixel means nv_full's 32-byte atoms, else 8.
  unsigned Atom = uint64_t(D.width) * 32 <= D.line_stride ? 32 : 8;
  return FeatureView::get(Mem, Cube, ElemBytes, Atom, What);
}

static Expected<EmuBuffer> getBuffer(const TaskMemory &Mem,
                                     const EmuBufferDesc &D, float Scale,
                                     const Twine &What) {
  unsigned EB;
  switch (D.format) {
  case EmuFormatHalf:
  case EmuFormatInt16:
    EB = 2;
    break;
  case EmuFormatInt8:
    EB = 1;
    break;
  default:
    return makeError(What + ": format " + Twine(D.format) +
                     " is not HALF 2, INT16 3 or INT8 4");
  }
  if (D.format != EmuFormatHalf && !(std::isfinite(Scale) && Scale != 0))
    return makeError(What + ": scale factor " + std::to_string(Scale) +
                     " is not a finite non-zero number");
  auto V = emuBufferView(Mem, D, EB, What);
  if (!V)
    return V.takeError();
  return EmuBuffer{*V, D.format, Scale};
}

Error runEmuTask(const TaskMemory &Mem, DescLayout Layout, VPStats &Stats) {
  auto NetBytes =
      Mem.resolve(0, 0, sizeof(EmuNetworkDesc), "EMU network descriptor");
  if (!NetBytes)
    return NetBytes.takeError();
  auto Net = decodeEmuNetworkDesc(*NetBytes);
  if (!Net)
    return Net.takeError();
  unsigned OpSize = getEmuOpContainerSize(Layout);
  uint64_t BufSize = Layout == DescLayout::Legacy010 ? sizeof(EmuBufferDesc) - 4
                                                     : sizeof(EmuBufferDesc);

  for (unsigned I = 0; I < Net->num_operations; ++I) {
    std::string Name = ("EMU op " + Twine(I)).str();
    auto OpBytes = Mem.resolve(Net->operation_desc_index, uint64_t(I) * OpSize,
                               OpSize, Name + " descriptor");
    if (!OpBytes)
      return OpBytes.takeError();
    auto Op = decodeEmuOp(*OpBytes, 0, Layout);
    if (!Op)
      return makeError(Name + ": " + toString(Op.takeError()));
    Name += (" (" + emuOpTypeName(Op->common.op_type) + ")").str();

    EmuBufferDesc Desc[2];
    for (unsigned K = 0; K < 2; ++K) {
      auto B = Mem.resolve(Net->operation_buffer_desc_index,
                           (2 * uint64_t(I) + K) * EmuBufferDescSize, BufSize,
                           Name + " buffer descriptor " + Twine(2 * I + K));
      if (!B)
        return B.takeError();
      auto D = decodeEmuBufferDesc(*B, 0, Layout);
      if (!D)
        return D.takeError();
      Desc[K] = *D;
    }
    if (Desc[0].width != Desc[1].width || Desc[0].height != Desc[1].height ||
        Desc[0].channel != Desc[1].channel)
      return makeError(Name + ": destination " + Twine(Desc[1].channel) + "x" +
                       Twine(Desc[1].height) + "x" + Twine(Desc[1].width) +
                       " differs from source " + Twine(Desc[0].channel) + "x" +
                       Twine(Desc[0].height) + "x" + Twine(Desc[0].width) +
                       " (CxHxW)");
    if (Op->common.op_type == EmuOpOnncfAdd) {
      // The onnc-fault extension: operand B's buffer descriptor is named
      // by the op (EmuAdd.cpp).
      auto B = Mem.resolve(
          Net->operation_buffer_desc_index,
          uint64_t(Op->add.src_b_buffer) * EmuBufferDescSize, BufSize,
          Name + " buffer descriptor " + Twine(Op->add.src_b_buffer));
      if (!B)
        return B.takeError();
      auto BDesc = decodeEmuBufferDesc(*B, 0, Layout);
      if (!BDesc)
        return BDesc.takeError();
      EmuOnncfAddOpDesc AddOp = Op->add;
      if (Error E =
              runEmuOnncfAdd(Mem, AddOp, Desc[0], *BDesc, Desc[1], Name, Stats))
        return E;
      continue;
    }
    auto Src = getBuffer(Mem, Desc[0], Op->common.input_scale_factor,
                         Name + " source");
    if (!Src)
      return Src.takeError();
    auto Dst = getBuffer(Mem, Desc[1], Op->common.output_scale_factor,
                         Name + " destination");
    if (!Dst)
      return Dst.takeError();

    unsigned C = Desc[0].channel, H = Desc[0].height, W = Desc[0].width;
    // Read everything first: source and destination may overlap.
    std::vector<float> In(uint64_t(C) * H * W), Res(In.size());
    for (unsigned Ch = 0; Ch < C; ++Ch)
      for (unsigned Y = 0; Y < H; ++Y)
        for (unsigned X = 0; X < W; ++X)
          In[(uint64_t(Ch) * H + Y) * W + X] = Src->get(Ch, Y, X);
    auto Idx = [&](unsigned Ch, unsigned Y, unsigned X) {
      return (uint64_t(Ch) * H + Y) * W + X;
    };

    if (Op->common.op_type == EmuOpPower) {
      const EmuPowerOpDesc &P = Op->power;
      for (uint64_t K = 0; K < In.size(); ++K)
        Res[K] = std::pow(P.shift + P.scale * In[K], P.power);
    } else {
      if (Op->softmax.axis != 1)
        return makeError(Name + ": axis " + Twine(unsigned(Op->softmax.axis)) +
                         " is not supported (1, the channels)");
      for (unsigned Y = 0; Y < H; ++Y)
        for (unsigned X = 0; X < W; ++X) {
          float Max = In[Idx(0, Y, X)];
          for (unsigned Ch = 1; Ch < C; ++Ch)
            Max = std::max(Max, In[Idx(Ch, Y, X)]);
          float Sum = 0;
          for (unsigned Ch = 0; Ch < C; ++Ch) {
            float E = std::exp(In[Idx(Ch, Y, X)] - Max);
            Res[Idx(Ch, Y, X)] = E;
            Sum += E;
          }
          for (unsigned Ch = 0; Ch < C; ++Ch)
            Res[Idx(Ch, Y, X)] /= Sum;
        }
    }
    for (unsigned Ch = 0; Ch < C; ++Ch)
      for (unsigned Y = 0; Y < H; ++Y)
        for (unsigned X = 0; X < W; ++X)
          Dst->set(Ch, Y, X, Res[Idx(Ch, Y, X)]);

    uint64_t N = In.size();
    ++Stats.Emu.Ops;
    Stats.Emu.Macs += N;
    Stats.Emu.BytesRead += N * Src->View.elemBytes();
    Stats.Emu.BytesWritten += N * Dst->View.elemBytes();
    Stats.Emu.Cycles += N;
  }
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
