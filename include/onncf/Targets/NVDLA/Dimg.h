//===- Dimg.h - The DIMG golden-image format ---------------------*- C++
//-*-===//
//
// Part of onnc-fault. DIMG is the image format of NVIDIA's NVDLA regression
// goldens: a 36-byte little-endian header ("DIMG", u32 version 0, format,
// w, h, c, lineStride, surfStride, size) and a payload of w*h*c elements.
// The goldens show the payload is planar C-H-W (dense NCHW, no strides):
// `lineStride`, `surfStride` and `size` describe the NCxHWx surface the
// output occupied in device memory, not the payload. Format codes: 40 INT8,
// 41 INT16, 42 FP16; the atom of that surface is 32 bytes except for the
// nv_small INT8 goldens, whose line stride (w * 8) shows an 8-byte atom.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_DIMG_H
#define ONNCF_TARGETS_NVDLA_DIMG_H

#include "onncf/IR/Tensor.h"
#include "onncf/Targets/NVDLA/Layout.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
namespace nvdla {

enum DimgFormat : uint32_t {
  DimgInt8 = 40,  ///< INT8, x32 (x8 on nv_small)
  DimgInt16 = 41, ///< INT16, x16
  DimgFp16 = 42,  ///< FP16, x16
};

struct DimgImage {
  static constexpr size_t HeaderBytes = 36;
  uint32_t Version = 0;
  uint32_t Format = DimgInt8;
  uint32_t W = 0, H = 0, C = 0;
  uint32_t LineStride = 0, SurfStride = 0, Size = 0;
  std::vector<uint8_t> Payload; ///< Dense C-H-W elements.

  unsigned getElemBytes() const { return Format == DimgInt8 ? 1 : 2; }
  /// Memory atom of the described surface: 8 when the line stride is below
  /// w * 32 (nv_small), else 32.
  unsigned getAtomBytes() const;
  /// The NCxHWx surface the header describes.
  llvm::Expected<FeatureSurface> getSurface() const;
};

/// Parses \p Bytes; \p Name (a file name) prefixes every error, which names
/// the field at fault: truncated header or payload, bad magic, version,
/// unknown format, zero dimensions, strides or size too small for the
/// dimensions, payload size mismatch.
llvm::Expected<DimgImage> parseDimg(llvm::ArrayRef<uint8_t> Bytes,
                                    llvm::StringRef Name);
llvm::Expected<DimgImage> readDimgFile(llvm::StringRef Path);

/// Serialises (header fields as they are; the payload must hold w*h*c
/// elements).
llvm::Expected<std::vector<uint8_t>> writeDimg(const DimgImage &Img);
llvm::Error writeDimgFile(llvm::StringRef Path, const DimgImage &Img);

/// The payload as a [1, C, H, W] tensor of i8, i16 or f16.
llvm::Expected<Tensor> dimgToTensor(const DimgImage &Img);

/// The image of an NCxHWx surface \p Surface (bytes as in device memory,
/// e.g. read back by the virtual platform) described by \p S.
llvm::Expected<DimgImage> dimgFromSurface(const FeatureSurface &S,
                                          llvm::ArrayRef<uint8_t> Surface,
                                          DimgFormat Format);
/// The surface bytes the image's header describes (padding zero).
llvm::Expected<std::vector<uint8_t>> dimgToSurface(const DimgImage &Img);

} // namespace nvdla
} // namespace onncf

#endif
