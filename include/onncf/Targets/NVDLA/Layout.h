//===- Layout.h - NVDLA feature and weight memory layouts -------*- C++ -*-===//
//
// Part of onnc-fault. Pure functions between the IR's dense NCHW / KCRS
// tensors and the byte layouts NVDLA reads from memory:
//  - feature data NCxHWx: x = memory atom / element size channels per atom;
//    for each channel group (a "surface"), for h, for w, the group's
//    channels. A partial last group is zero-padded up to a whole atom.
//  - direct-convolution weights: order (kg, cg, r, s, k, c) over W[k][c][r][s]
//    with kernel groups of atomic K (halved for 16-bit) kernels and channel
//    groups of atomic C channels; partial last groups are not padded, and
//    the blob is zero-padded to a multiple of the CBUF width.
// Elements are opaque 1- or 2-byte units (little-endian bytes are moved as
// they are), so INT8, INT16 and FP16 share one implementation. The fault
// passes use getWeightOffset() to map a weight to its byte in the blob.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_LAYOUT_H
#define ONNCF_TARGETS_NVDLA_LAYOUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
namespace nvdla {

struct NvdlaConfig;

/// One C x H x W feature cube (batch 1) in NCxHWx.
struct FeatureSurface {
  int64_t C = 0, H = 0, W = 0;
  unsigned ElemBytes = 1;
  unsigned AtomBytes = 8;
  uint64_t LineStride = 0; ///< Bytes between rows (>= W * AtomBytes).
  uint64_t SurfStride = 0; ///< Bytes between surfaces (>= H * LineStride).

  unsigned getChannelsPerAtom() const { return AtomBytes / ElemBytes; }
  int64_t getNumSurfaces() const {
    int64_t X = getChannelsPerAtom();
    return (C + X - 1) / X;
  }
  /// Bytes the cube spans in memory (all surfaces).
  uint64_t getSizeInBytes() const { return getNumSurfaces() * SurfStride; }
  /// Bytes of the dense NCHW tensor.
  uint64_t getDenseBytes() const { return uint64_t(C) * H * W * ElemBytes; }
  /// Byte offset of element (c, h, w) in the surface.
  uint64_t getOffset(int64_t Ch, int64_t Y, int64_t X) const {
    int64_t N = getChannelsPerAtom();
    return uint64_t(Ch / N) * SurfStride + uint64_t(Y) * LineStride +
           uint64_t(X) * AtomBytes + uint64_t(Ch % N) * ElemBytes;
  }
};

/// Describes a cube; zero strides mean the packed ones (line = W * atom,
/// surface = H * line). Errors on non-positive dimensions, an element size
/// other than 1 or 2, an atom that is not a multiple of it, or strides
/// smaller than the packed ones or not multiples of the atom.
llvm::Expected<FeatureSurface> makeFeatureSurface(int64_t C, int64_t H,
                                                  int64_t W, unsigned ElemBytes,
                                                  unsigned AtomBytes,
                                                  uint64_t LineStride = 0,
                                                  uint64_t SurfStride = 0);

/// Dense NCHW bytes -> surface bytes (getSizeInBytes(); padding is zero).
llvm::Expected<std::vector<uint8_t>> packFeature(const FeatureSurface &S,
                                                 llvm::ArrayRef<uint8_t> Dense);
/// Surface bytes (at least getSizeInBytes()) -> dense NCHW bytes.
llvm::Expected<std::vector<uint8_t>>
unpackFeature(const FeatureSurface &S, llvm::ArrayRef<uint8_t> Surface);

/// A K x C x R x S direct-convolution weight tensor and its packing.
struct WeightLayout {
  int64_t K = 0, C = 0, R = 0, S = 0;
  unsigned ElemBytes = 1;
  unsigned KernelsPerGroup = 8;  ///< Atomic K (halved for 16-bit).
  unsigned ChannelsPerGroup = 8; ///< Atomic C.
  unsigned CbufWidth = 8;        ///< The blob is padded to a multiple.

  uint64_t getDenseBytes() const { return uint64_t(K) * C * R * S * ElemBytes; }
  /// Packed blob size: the dense size rounded up to the CBUF width.
  uint64_t getPackedBytes() const;
  /// Byte offset of W[k][c][r][s] in the packed blob.
  uint64_t getWeightOffset(int64_t Kk, int64_t Ch, int64_t Rr,
                           int64_t Ss) const;
  /// Bytes of kernel group \p Kg (the last may be partial).
  uint64_t getKernelGroupBytes(int64_t Kg) const;
  int64_t getNumKernelGroups() const {
    return (K + KernelsPerGroup - 1) / KernelsPerGroup;
  }
};

/// Layout for config \p Cfg. Errors on bad dimensions or element size.
llvm::Expected<WeightLayout> makeWeightLayout(const NvdlaConfig &Cfg, int64_t K,
                                              int64_t C, int64_t R, int64_t S,
                                              unsigned ElemBytes);
/// The same with explicit group sizes (for tests and other configurations).
llvm::Expected<WeightLayout> makeWeightLayout(int64_t K, int64_t C, int64_t R,
                                              int64_t S, unsigned ElemBytes,
                                              unsigned KernelsPerGroup,
                                              unsigned ChannelsPerGroup,
                                              unsigned CbufWidth);

/// Dense KCRS bytes -> packed blob (getPackedBytes()).
llvm::Expected<std::vector<uint8_t>> packWeights(const WeightLayout &L,
                                                 llvm::ArrayRef<uint8_t> Dense);
/// Packed blob (at least getDenseBytes()) -> dense KCRS bytes.
llvm::Expected<std::vector<uint8_t>>
unpackWeights(const WeightLayout &L, llvm::ArrayRef<uint8_t> Packed);

} // namespace nvdla
} // namespace onncf

#endif
