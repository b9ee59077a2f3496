//===- Layout.cpp - NVDLA feature and weight memory layouts ---------------===//
//
// Part of onnc-fault. Packing walks the destination order and copies one
// element (1 or 2 bytes) at a time; the layouts are small next to a
// compile, and one obvious loop per layout is easier to check against the
// hardware description than a blocked copy. Sizes are validated before any
// copy so a short buffer is an error, never an out-of-bounds read.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/Layout.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/Support/MathExtras.h"
#include <algorithm>
#include <cstring>

using namespace llvm;

namespace onncf {
namespace nvdla {

// Dimensions beyond this are certainly a corrupt input; the bound keeps
// every size product far from uint64 overflow.
static constexpr int64_t MaxDim = 1 << 20;

static bool badDim(int64_t D) { return D <= 0 || D > MaxDim; }

Expected<FeatureSurface> makeFeatureSurface(int64_t C, int64_t H, int64_t W,
                                            unsigned ElemBytes,
                                            unsigned AtomBytes,
                                            uint64_t LineStride,
                                            uint64_t SurfStride) {
  if (badDim(C) || badDim(H) || badDim(W))
    return makeError("NVDLA feature cube: bad dimensions C=" + Twine(C) +
                     " H=" + Twine(H) + " W=" + Twine(W));
  if (ElemBytes != 1 && ElemBytes != 2)
    return makeError("NVDLA feature cube: element size " + Twine(ElemBytes) +
                     " is not 1 or 2 bytes");
  if (AtomBytes == 0 || AtomBytes % ElemBytes != 0)
    return makeError("NVDLA feature cube: atom of " + Twine(AtomBytes) +
                     " bytes does not hold whole elements of " +
                     Twine(ElemBytes) + " bytes");
  FeatureSurface S;
  S.C = C;
  S.H = H;
  S.W = W;
  S.ElemBytes = ElemBytes;
  S.AtomBytes = AtomBytes;
  uint64_t MinLine = uint64_t(W) * AtomBytes;
  S.LineStride = LineStride ? LineStride : MinLine;
  if (S.LineStride < MinLine || S.LineStride % AtomBytes)
    return makeError("NVDLA feature cube: line stride " + Twine(LineStride) +
                     " is below W * atom = " + Twine(MinLine) +
                     " or not a multiple of the atom");
  uint64_t MinSurf = uint64_t(H) * S.LineStride;
  S.SurfStride = SurfStride ? SurfStride : MinSurf;
  if (S.SurfStride < MinSurf || S.SurfStride % AtomBytes)
    return makeError("NVDLA feature cube: surface stride " + Twine(SurfStride) +
                     " is below H * line stride = " + Twine(MinSurf) +
                     " or not a multiple of the atom");
  return S;
}

Expected<std::vector<uint8_t>> packFeature(const FeatureSurface &S,
                                           ArrayRef<uint8_t> Dense) {
  if (Dense.size() != S.getDenseBytes())
    return makeError("NVDLA feature pack: got " + Twine(Dense.size()) +
                     " bytes for a " + Twine(S.C) + "x" + Twine(S.H) + "x" +
                     Twine(S.W) + " cube of " + Twine(S.getDenseBytes()));
  std::vector<uint8_t> Out(S.getSizeInBytes(), 0);
  const uint8_t *Src = Dense.data();
  for (int64_t C = 0; C < S.C; ++C)
    for (int64_t Y = 0; Y < S.H; ++Y)
      for (int64_t X = 0; X < S.W; ++X, Src += S.ElemBytes)
        std::memcpy(&Out[S.getOffset(C, Y, X)], Src, S.ElemBytes);
  return Out;
}

Expected<std::vector<uint8_t>> unpackFeature(const FeatureSurface &S,
                                             ArrayRef<uint8_t> Surface) {
  // The last surface need only reach the last element it holds, but a
  // whole surface is what memory holds and what the caller has.
  if (Surface.size() < S.getSizeInBytes())
    return makeError("NVDLA feature unpack: surface has " +
                     Twine(Surface.size()) + " bytes, the cube needs " +
                     Twine(S.getSizeInBytes()));
  std::vector<uint8_t> Out(S.getDenseBytes());
  uint8_t *Dst = Out.data();
  for (int64_t C = 0; C < S.C; ++C)
    for (int64_t Y = 0; Y < S.H; ++Y)
      for (int64_t X = 0; X < S.W; ++X, Dst += S.ElemBytes)
        std::memcpy(Dst, &Surface[S.getOffset(C, Y, X)], S.ElemBytes);
  return Out;
}

uint64_t WeightLayout::getPackedBytes() const {
  return alignTo(getDenseBytes(), CbufWidth);
}

uint64_t WeightLayout::getKernelGroupBytes(int64_t Kg) const {
  int64_t KgSize = std::min<int64_t>(KernelsPerGroup, K - Kg * KernelsPerGroup);
  return uint64_t(KgSize) * C * R * S * ElemBytes;
}

uint64_t WeightLayout::getWeightOffset(int64_t Kk, int64_t Ch, int64_t Rr,
                                       int64_t Ss) const {
  int64_t Kg = Kk / KernelsPerGroup, Kl = Kk % KernelsPerGroup;
  int64_t KgSize = std::min<int64_t>(KernelsPerGroup, K - Kg * KernelsPerGroup);
  int64_t Cg = Ch / ChannelsPerGroup, Cl = Ch % ChannelsPerGroup;
  int64_t CgSize =
      std::min<int64_t>(ChannelsPerGroup, C - Cg * ChannelsPerGroup);
  uint64_t Elem = uint64_t(Kg) * KernelsPerGroup * C * R * S +
                  uint64_t(Cg) * ChannelsPerGroup * R * S * KgSize +
                  uint64_t((Rr * S + Ss) * KgSize + Kl) * CgSize + Cl;
  return Elem * ElemBytes;
}

Expected<WeightLayout> makeWeightLayout(int64_t K, int64_t C, int64_t R,
                                        int64_t S, unsigned ElemBytes,
                                        unsigned KernelsPerGroup,
                                        unsigned ChannelsPerGroup,
                                        unsigned CbufWidth) {
  if (badDim(K) || badDim(C) || badDim(R) || badDim(S) ||
      uint64_t(K) * C * R * S > (uint64_t(1) << 40))
    return makeError("NVDLA weights: bad dimensions K=" + Twine(K) +
                     " C=" + Twine(C) + " R=" + Twine(R) + " S=" + Twine(S));
  if (ElemBytes != 1 && ElemBytes != 2)
    return makeError("NVDLA weights: element size " + Twine(ElemBytes) +
                     " is not 1 or 2 bytes");
  if (!KernelsPerGroup || !ChannelsPerGroup || !CbufWidth)
    return makeError("NVDLA weights: zero group size or CBUF width");
  WeightLayout L;
  L.K = K;
  L.C = C;
  L.R = R;
  L.S = S;
  L.ElemBytes = ElemBytes;
  L.KernelsPerGroup = KernelsPerGroup;
  L.ChannelsPerGroup = ChannelsPerGroup;
  L.CbufWidth = CbufWidth;
  return L;
}

Expected<WeightLayout> makeWeightLayout(const NvdlaConfig &Cfg, int64_t K,
                                        int64_t C, int64_t R, int64_t S,
                                        unsigned ElemBytes) {
  return makeWeightLayout(K, C, R, S, ElemBytes,
                          Cfg.getKernelsPerGroup(ElemBytes), Cfg.AtomicC,
                          Cfg.CbufEntryBytes);
}

// Calls F(k, c, r, s) in blob order (kg, cg, r, s, k, c).
template <typename Fn> static void forEachPacked(const WeightLayout &L, Fn F) {
  for (int64_t K0 = 0; K0 < L.K; K0 += L.KernelsPerGroup) {
    int64_t K1 = std::min<int64_t>(L.K, K0 + L.KernelsPerGroup);
    for (int64_t C0 = 0; C0 < L.C; C0 += L.ChannelsPerGroup) {
      int64_t C1 = std::min<int64_t>(L.C, C0 + L.ChannelsPerGroup);
      for (int64_t R = 0; R < L.R; ++R)
        for (int64_t S = 0; S < L.S; ++S)
          for (int64_t K = K0; K < K1; ++K)
            for (int64_t C = C0; C < C1; ++C)
              F(K, C, R, S);
    }
  }
}

Expected<std::vector<uint8_t>> packWeights(const WeightLayout &L,
                                           ArrayRef<uint8_t> Dense) {
  if (Dense.size() != L.getDenseBytes())
    return makeError("NVDLA weight pack: got " + Twine(Dense.size()) +
                     " bytes for " + Twine(L.getDenseBytes()));
  std::vector<uint8_t> Out(L.getPackedBytes(), 0);
  uint8_t *Dst = Out.data();
  forEachPacked(L, [&](int64_t K, int64_t C, int64_t R, int64_t S) {
    uint64_t I = ((uint64_t(K) * L.C + C) * L.R + R) * L.S + S;
    std::memcpy(Dst, &Dense[I * L.ElemBytes], L.ElemBytes);
    Dst += L.ElemBytes;
  });
  return Out;
}

Expected<std::vector<uint8_t>> unpackWeights(const WeightLayout &L,
                                             ArrayRef<uint8_t> Packed) {
  if (Packed.size() < L.getDenseBytes())
    return makeError("NVDLA weight unpack: blob has " + Twine(Packed.size()) +
                     " bytes, the weights need " + Twine(L.getDenseBytes()));
  std::vector<uint8_t> Out(L.getDenseBytes());
  const uint8_t *Src = Packed.data();
  forEachPacked(L, [&](int64_t K, int64_t C, int64_t R, int64_t S) {
    uint64_t I = ((uint64_t(K) * L.C + C) * L.R + R) * L.S + S;
    std::memcpy(&Out[I * L.ElemBytes], Src, L.ElemBytes);
    Src += L.ElemBytes;
  });
  return Out;
}

} // namespace nvdla
} // namespace onncf
