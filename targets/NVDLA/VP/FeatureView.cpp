//===- FeatureView.cpp - A bounds-checked NCxHWx feature cube -------------===//
//
// Part of onnc-fault. A FeatureView checks a data cube once against the
// task's memory: the furthest byte any (c, y, x) can reach must lie inside
// the buffer its address index names. After that, element access needs no
// checks, which keeps the engines' inner loops simple and fast.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/Support/Diagnostics.h"
#include <algorithm>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

Expected<FeatureView> FeatureView::get(const TaskMemory &Mem,
                                       const DataCube &Cube, unsigned ElemBytes,
                                       unsigned AtomBytes, const Twine &What) {
  if (ElemBytes != 1 && ElemBytes != 2)
    return makeError(What + ": element size " + Twine(ElemBytes) +
                     " is not 1 or 2 bytes");
  if (AtomBytes == 0 || AtomBytes % ElemBytes)
    return makeError(What + ": memory atom " + Twine(AtomBytes) +
                     " is not a multiple of the element size " +
                     Twine(ElemBytes));
  if (Cube.type == MemHW)
    return makeError(What + ": the cube is on-the-fly (memory type 2), not "
                            "in memory");
  if (Cube.type != MemDRAM && Cube.type != MemSRAM)
    return makeError(What + ": unknown memory type " + Twine(Cube.type));
  if (Cube.width == 0 || Cube.height == 0 || Cube.channel == 0)
    return makeError(What + ": empty cube " + Twine(Cube.channel) + "x" +
                     Twine(Cube.height) + "x" + Twine(Cube.width) + " (CxHxW)");
  FeatureView V;
  V.W = Cube.width;
  V.H = Cube.height;
  V.C = Cube.channel;
  V.ElemBytes = ElemBytes;
  V.AtomBytes = AtomBytes;
  V.PerAtom = AtomBytes / ElemBytes;
  V.LineStride = Cube.line_stride;
  V.SurfStride = Cube.surf_stride;
  // Rows must not overlap and surfaces must not overlap rows: what NCxHWx
  // means, and it bounds the element count by the bytes checked below (a
  // hostile 65535^3 cube with zero strides would otherwise pass).
  if (V.H > 1 && V.LineStride < uint64_t(V.W) * AtomBytes)
    return makeError(What + ": line stride " + Twine(V.LineStride) +
                     " is below width " + Twine(V.W) + " x " +
                     Twine(AtomBytes) + "-byte atoms");
  if (V.C > V.PerAtom && V.SurfStride < uint64_t(V.H) * V.W * AtomBytes)
    return makeError(What + ": surface stride " + Twine(V.SurfStride) +
                     " is below " + Twine(V.H) + " rows of " + Twine(V.W) +
                     " atoms");
  // Every coefficient of offset() is non-negative, so the furthest byte is
  // reached by the largest surface, row, column and channel within an atom
  // (the latter is min(C, PerAtom) - 1, not (C - 1) % PerAtom). All terms
  // are below 2^49: no uint64 overflow.
  unsigned MaxInAtom = std::min(V.C, V.PerAtom) - 1;
  uint64_t Span = uint64_t((V.C - 1) / V.PerAtom) * V.SurfStride +
                  uint64_t(V.H - 1) * V.LineStride +
                  uint64_t(V.W - 1) * AtomBytes +
                  uint64_t(MaxInAtom) * ElemBytes + ElemBytes;
  auto Bytes = Mem.resolve(Cube.address, Cube.offset, Span, What);
  if (!Bytes)
    return Bytes.takeError();
  V.Bytes = *Bytes;
  return V;
}

int32_t FeatureView::load(unsigned Ch, unsigned Y, unsigned X) const {
  assert(Ch < C && Y < H && X < W && "element outside the view");
  const uint8_t *P = Bytes.data() + offset(Ch, Y, X);
  if (ElemBytes == 1)
    return static_cast<int8_t>(P[0]);
  return static_cast<int16_t>(uint16_t(P[0]) | uint16_t(P[1]) << 8);
}

void FeatureView::store(unsigned Ch, unsigned Y, unsigned X, int32_t V) const {
  assert(Ch < C && Y < H && X < W && "element outside the view");
  uint8_t *P = Bytes.data() + offset(Ch, Y, X);
  uint32_t U = static_cast<uint32_t>(V);
  P[0] = uint8_t(U);
  if (ElemBytes == 2)
    P[1] = uint8_t(U >> 8);
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
