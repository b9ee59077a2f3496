//===- RubikEngine.cpp - NVDLA RUBIK (data reshape) model -----------------===//
//
// Part of onnc-fault. RUBIK moves elements without arithmetic:
//  - CONTRACT (the tail of a deconvolution): a cube of sx*sy channel groups
//    becomes a cube sx times wider and sy times taller,
//      out(c, y*sy + j, x*sx + i) = in((j*sx + i) * Cg + c, y, x),
//    where Cg is the output channel count rounded up to whole memory atoms
//    (the groups start at atom boundaries). NVIDIA's RBK_L0_0 golden
//    (640 -> 16 channels, stride 10 x 4, INT16) matches this exactly; the
//    transposed orders (i*sy + j, or c*sx*sy + ...) do not.
//  - SPLIT: feature cube -> planar (plane c at c * plane_stride, rows at
//    line_stride, elements packed);
//  - MERGE: planar -> feature cube.
// Elements are copied as raw bytes, so INT8, INT16 and FP16 share the code.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/MathExtras.h"

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

namespace {
enum RubikMode : uint8_t { RubikContract = 0, RubikSplit = 1, RubikMerge = 2 };

/// A planar cube: plane c at plane_stride * c, row y at line_stride * y.
struct PlanarView {
  MutableArrayRef<uint8_t> Bytes;
  uint64_t LineStride = 0, PlaneStride = 0;
  unsigned ElemBytes = 1;
  uint8_t *at(unsigned Ch, unsigned Y, unsigned X) const {
    return Bytes.data() + Ch * PlaneStride + Y * LineStride +
           uint64_t(X) * ElemBytes;
  }
};

Expected<PlanarView> getPlanar(const TaskMemory &Mem, const DataCube &Cube,
                               unsigned ElemBytes, const Twine &What) {
  if (Cube.type != MemDRAM && Cube.type != MemSRAM)
    return makeError(What + ": memory type " + Twine(Cube.type) +
                     " is not DRAM 0 or SRAM 1");
  if (Cube.width == 0 || Cube.height == 0 || Cube.channel == 0)
    return makeError(What + ": empty planar cube");
  PlanarView V;
  V.ElemBytes = ElemBytes;
  V.LineStride = Cube.line_stride;
  V.PlaneStride = Cube.plane_stride;
  uint64_t Span = uint64_t(Cube.channel - 1) * Cube.plane_stride +
                  uint64_t(Cube.height - 1) * Cube.line_stride +
                  uint64_t(Cube.width) * ElemBytes;
  auto B = Mem.resolve(Cube.address, Cube.offset, Span, What);
  if (!B)
    return B.takeError();
  V.Bytes = *B;
  return V;
}
} // namespace

Error runRubik(const DecodedOp &Op, unsigned Index, EngineContext &Ctx) {
  const RubikOpDesc &P = Op.op.rubik;
  const TwoCubeSurfaceDesc &S = Op.surface.rubik;
  std::string Name = ("op " + Twine(Index) + " (RUBIK)").str();
  auto Fail = [&](const Twine &Msg) { return makeError(Name + ": " + Msg); };
  if (P.precision > 2)
    return Fail("precision " + Twine(unsigned(P.precision)) +
                " is not INT8 0, INT16 1 or FP16 2");
  unsigned EB = P.precision == 0 ? 1 : 2;
  unsigned Atom = Ctx.Cfg.MemoryAtomBytes;
  const DataCube &Src = S.src_data, &Dst = S.dst_data;
  uint64_t Elems = uint64_t(Dst.channel) * Dst.height * Dst.width;

  auto copyElem = [EB](uint8_t *To, const uint8_t *From) {
    To[0] = From[0];
    if (EB == 2)
      To[1] = From[1];
  };

  switch (P.mode) {
  case RubikContract: {
    unsigned SX = P.stride_x, SY = P.stride_y;
    if (SX == 0 || SY == 0)
      return Fail("contract stride " + Twine(SX) + "x" + Twine(SY) +
                  " has a zero");
    auto In = FeatureView::get(Ctx.Mem, Src, EB, Atom, Name + " src");
    if (!In)
      return In.takeError();
    auto Out = FeatureView::get(Ctx.Mem, Dst, EB, Atom, Name + " dst");
    if (!Out)
      return Out.takeError();
    uint64_t Group = alignTo(Dst.channel, Atom / EB);
    if (uint64_t(Dst.width) != uint64_t(Src.width) * SX ||
        uint64_t(Dst.height) != uint64_t(Src.height) * SY)
      return Fail("dst_data " + Twine(Dst.width) + "x" + Twine(Dst.height) +
                  " (WxH) is not src_data " + Twine(Src.width) + "x" +
                  Twine(Src.height) + " times stride " + Twine(SX) + "x" +
                  Twine(SY));
    if (Group * SX * SY > Src.channel)
      return Fail("contract of " + Twine(Dst.channel) + " channels (" +
                  Twine(Group) + " per group) by " + Twine(SX) + "x" +
                  Twine(SY) + " needs " + Twine(Group * SX * SY) +
                  " source channels, src_data has " + Twine(Src.channel));
    uint8_t *IB = In->bytes().data();
    uint8_t *OB = Out->bytes().data();
    for (unsigned Ch = 0; Ch < Dst.channel; ++Ch)
      for (unsigned Y = 0; Y < Src.height; ++Y)
        for (unsigned J = 0; J < SY; ++J)
          for (unsigned X = 0; X < Src.width; ++X)
            for (unsigned I = 0; I < SX; ++I) {
              unsigned SrcCh = unsigned((J * SX + I) * Group + Ch);
              copyElem(OB + Out->offset(Ch, Y * SY + J, X * SX + I),
                       IB + In->offset(SrcCh, Y, X));
            }
    break;
  }
  case RubikSplit:
  case RubikMerge: {
    if (Dst.width != Src.width || Dst.height != Src.height ||
        Dst.channel != Src.channel)
      return Fail("dst_data " + Twine(Dst.channel) + "x" + Twine(Dst.height) +
                  "x" + Twine(Dst.width) + " differs from src_data " +
                  Twine(Src.channel) + "x" + Twine(Src.height) + "x" +
                  Twine(Src.width) + " (CxHxW)");
    bool Split = P.mode == RubikSplit;
    auto Cube = FeatureView::get(Ctx.Mem, Split ? Src : Dst, EB, Atom,
                                 Name + (Split ? " src" : " dst"));
    if (!Cube)
      return Cube.takeError();
    auto Plan = getPlanar(Ctx.Mem, Split ? Dst : Src, EB,
                          Name + (Split ? " dst" : " src"));
    if (!Plan)
      return Plan.takeError();
    uint8_t *CB = Cube->bytes().data();
    for (unsigned Ch = 0; Ch < Src.channel; ++Ch)
      for (unsigned Y = 0; Y < Src.height; ++Y)
        for (unsigned X = 0; X < Src.width; ++X) {
          uint8_t *C = CB + Cube->offset(Ch, Y, X);
          uint8_t *Pl = Plan->at(Ch, Y, X);
          if (Split)
            copyElem(Pl, C);
          else
            copyElem(C, Pl);
        }
    break;
  }
  default:
    return Fail("mode " + Twine(unsigned(P.mode)) +
                " is not CONTRACT 0, SPLIT 1 or MERGE 2");
  }

  EngineStats &St = Ctx.Stats.Engines[OpRUBIK];
  ++St.Ops;
  St.Macs += Elems;
  St.BytesRead += Elems * EB;
  St.BytesWritten += Elems * EB;
  St.Cycles += (Elems * EB + Atom - 1) / Atom;
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
