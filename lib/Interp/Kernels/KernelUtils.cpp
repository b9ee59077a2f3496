//===- KernelUtils.cpp - Helpers shared by the interpreter kernels --------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"

using namespace llvm;

namespace onncf {
namespace interp {

float halfToFloat(uint16_t H) {
  uint32_t Sign = (H & 0x8000u) << 16, Exp = (H >> 10) & 0x1f,
           Mant = H & 0x3ff, Bits;
  if (Exp == 0) {
    if (Mant == 0) {
      Bits = Sign;
    } else { // Subnormal: normalise.
      Exp = 127 - 15 + 1;
      while (!(Mant & 0x400)) {
        Mant <<= 1;
        --Exp;
      }
      Mant &= 0x3ff;
      Bits = Sign | (Exp << 23) | (Mant << 13);
    }
  } else if (Exp == 31) {
    Bits = Sign | 0x7f800000u | (Mant << 13);
  } else {
    Bits = Sign | ((Exp + 127 - 15) << 23) | (Mant << 13);
  }
  float F;
  std::memcpy(&F, &Bits, 4);
  return F;
}

uint16_t floatToHalf(float F) {
  uint32_t Bits;
  std::memcpy(&Bits, &F, 4);
  uint32_t Sign = (Bits >> 16) & 0x8000u;
  uint32_t Abs = Bits & 0x7fffffffu;
  if (Abs >= 0x7f800000u) // Inf or NaN.
    return Sign | 0x7c00u | (Abs > 0x7f800000u ? 0x200u : 0);
  if (Abs >= 0x477ff000u) // Rounds to >= 65520: overflow to Inf.
    return Sign | 0x7c00u;
  if (Abs < 0x38800000u) { // Result is subnormal or zero.
    if (Abs < 0x33000000u)
      return Sign;
    uint32_t Exp = Abs >> 23, Mant = (Abs & 0x7fffff) | 0x800000;
    unsigned Shift = 126 - Exp; // 14..24
    // The value is Mant * 2^(Exp-150); in units of 2^-24 that is
    // Mant >> Shift, rounded to nearest even.
    uint32_t Half = Mant >> Shift;
    uint32_t Rem = Mant & ((1u << Shift) - 1), Mid = 1u << (Shift - 1);
    if (Rem > Mid || (Rem == Mid && (Half & 1)))
      ++Half;
    return Sign | Half;
  }
  uint32_t Half = ((Abs - 0x38000000u) >> 13);
  uint32_t Rem = Abs & 0x1fff;
  if (Rem > 0x1000 || (Rem == 0x1000 && (Half & 1)))
    ++Half;
  return Sign | Half;
}

Expected<WindowGeometry> toWindowGeometry(Expected<SpatialGeometry> S,
                                          ArrayRef<int64_t> Y) {
  if (!S)
    return S.takeError();
  WindowGeometry G;
  G.NumSpatial = S->getNumSpatial();
  if (G.NumSpatial < 1 || G.NumSpatial > 3)
    return makeError("expected 1 to 3 spatial dimensions, got " +
                     Twine(G.NumSpatial));
  if (Y.size() != G.NumSpatial + 2)
    return makeError("result rank " + Twine(Y.size()) +
                     " does not match the window");
  for (unsigned I = 0; I < G.NumSpatial; ++I) {
    G.In[I] = S->Input[I];
    G.Out[I] = S->Output[I];
    G.Kernel[I] = S->Kernel[I];
    G.Stride[I] = S->Strides[I];
    G.Dilation[I] = S->Dilations[I];
    G.PadBegin[I] = S->PadsBegin[I];
    G.PadEnd[I] = S->PadsEnd[I];
    if (G.Out[I] != Y[2 + I])
      return makeError("window geometry gives output dim " +
                       Twine(G.Out[I]) + ", the result has " + Twine(Y[2 + I]));
  }
  return G;
}

} // namespace interp
} // namespace onncf
