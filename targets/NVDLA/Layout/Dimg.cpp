//===- Dimg.cpp - The DIMG golden-image format ----------------------------===//
//
// Part of onnc-fault. Every header field is checked against the others and
// the file size before the payload is touched: goldens are external data,
// and a comparison against a misread golden would report a fault that the
// hardware never had.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/Dimg.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace onncf {
namespace nvdla {

static constexpr char Magic[4] = {'D', 'I', 'M', 'G'};

unsigned DimgImage::getAtomBytes() const {
  return uint64_t(LineStride) < uint64_t(W) * 32 ? 8 : 32;
}

Expected<FeatureSurface> DimgImage::getSurface() const {
  return makeFeatureSurface(C, H, W, getElemBytes(), getAtomBytes(), LineStride,
                            SurfStride);
}

static Error fieldError(StringRef Name, StringRef Field, const Twine &Msg) {
  return makeError(Name + ": DIMG field '" + Field + "': " + Msg);
}

Expected<DimgImage> parseDimg(ArrayRef<uint8_t> Bytes, StringRef Name) {
  if (Bytes.size() < DimgImage::HeaderBytes)
    return fieldError(Name, "header",
                      "truncated: " + Twine(Bytes.size()) +
                          " bytes, the header has 36");
  if (std::memcmp(Bytes.data(), Magic, 4) != 0)
    return fieldError(Name, "magic", "expected \"DIMG\"");
  auto U32 = [&](unsigned I) {
    return support::endian::read32le(Bytes.data() + 4 * I);
  };
  DimgImage Img;
  Img.Version = U32(1);
  Img.Format = U32(2);
  Img.W = U32(3);
  Img.H = U32(4);
  Img.C = U32(5);
  Img.LineStride = U32(6);
  Img.SurfStride = U32(7);
  Img.Size = U32(8);
  if (Img.Version != 0)
    return fieldError(Name, "version",
                      "is " + Twine(Img.Version) + ", only 0 is known");
  if (Img.Format != DimgInt8 && Img.Format != DimgInt16 &&
      Img.Format != DimgFp16)
    return fieldError(Name, "format",
                      "unknown code " + Twine(Img.Format) +
                          " (known: 40, 41, 42)");
  for (auto [F, V] :
       {std::pair<StringRef, uint32_t>{"w", Img.W}, {"h", Img.H}, {"c", Img.C}})
    if (V == 0 || V > (1u << 20))
      return fieldError(Name, F, "is " + Twine(V));
  uint64_t Atom = Img.getAtomBytes();
  if (uint64_t(Img.LineStride) < uint64_t(Img.W) * Atom ||
      Img.LineStride % Atom)
    return fieldError(Name, "lineStride",
                      Twine(Img.LineStride) + " is below w * atom (" +
                          Twine(Img.W) + " * " + Twine(Atom) +
                          ") or not a multiple of the atom");
  if (uint64_t(Img.SurfStride) < uint64_t(Img.H) * Img.LineStride ||
      Img.SurfStride % Atom)
    return fieldError(Name, "surfStride",
                      Twine(Img.SurfStride) + " is below h * lineStride (" +
                          Twine(Img.H) + " * " + Twine(Img.LineStride) + ")");
  uint64_t X = Atom / Img.getElemBytes();
  uint64_t Surfaces = (Img.C + X - 1) / X;
  if (uint64_t(Img.Size) < Surfaces * Img.SurfStride)
    return fieldError(Name, "size",
                      Twine(Img.Size) + " is below the " + Twine(Surfaces) +
                          " surface(s) of " + Twine(Img.SurfStride) +
                          " bytes that c = " + Twine(Img.C) + " needs");
  uint64_t Payload = uint64_t(Img.W) * Img.H * Img.C * Img.getElemBytes();
  uint64_t Have = Bytes.size() - DimgImage::HeaderBytes;
  if (Have != Payload)
    return fieldError(
        Name, "payload",
        Twine(Have < Payload ? "truncated: " : "size mismatch: ") +
            Twine(Have) + " bytes, w*h*c elements need " + Twine(Payload));
  Img.Payload.assign(Bytes.begin() + DimgImage::HeaderBytes, Bytes.end());
  return Img;
}

Expected<DimgImage> readDimgFile(StringRef Path) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  StringRef B = (*Buf)->getBuffer();
  return parseDimg(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(B.data()), B.size()),
      Path);
}

Expected<std::vector<uint8_t>> writeDimg(const DimgImage &Img) {
  uint64_t Payload = uint64_t(Img.W) * Img.H * Img.C * Img.getElemBytes();
  if (Img.Payload.size() != Payload)
    return makeError("DIMG write: payload has " + Twine(Img.Payload.size()) +
                     " bytes, w*h*c elements need " + Twine(Payload));
  std::vector<uint8_t> Out(DimgImage::HeaderBytes);
  std::memcpy(Out.data(), Magic, 4);
  uint32_t Fields[8] = {Img.Version, Img.Format,     Img.W,          Img.H,
                        Img.C,       Img.LineStride, Img.SurfStride, Img.Size};
  for (unsigned I = 0; I < 8; ++I)
    support::endian::write32le(Out.data() + 4 + 4 * I, Fields[I]);
  Out.insert(Out.end(), Img.Payload.begin(), Img.Payload.end());
  return Out;
}

Error writeDimgFile(StringRef Path, const DimgImage &Img) {
  auto Bytes = writeDimg(Img);
  if (!Bytes)
    return addFileContext(Bytes.takeError(), Path);
  return writeFileAtomically(
      Path,
      StringRef(reinterpret_cast<const char *>(Bytes->data()), Bytes->size()));
}

Expected<Tensor> dimgToTensor(const DimgImage &Img) {
  ElementType Ty = Img.Format == DimgInt8    ? ElementType::I8
                   : Img.Format == DimgInt16 ? ElementType::I16
                                             : ElementType::F16;
  TensorType T(Ty, {1, int64_t(Img.C), int64_t(Img.H), int64_t(Img.W)});
  if (T.getSizeInBytes() != Img.Payload.size())
    return makeError("DIMG: payload has " + Twine(Img.Payload.size()) +
                     " bytes, a " + Twine(Img.C) + "x" + Twine(Img.H) + "x" +
                     Twine(Img.W) + " tensor needs " +
                     Twine(T.getSizeInBytes()));
  return Tensor::fromBytes(
      T, ArrayRef<char>(reinterpret_cast<const char *>(Img.Payload.data()),
                        Img.Payload.size()));
}

Expected<DimgImage> dimgFromSurface(const FeatureSurface &S,
                                    ArrayRef<uint8_t> Surface,
                                    DimgFormat Format) {
  DimgImage Img;
  Img.Format = Format;
  if (S.ElemBytes != Img.getElemBytes())
    return makeError("DIMG: format " + Twine(unsigned(Format)) +
                     " does not have " + Twine(S.ElemBytes) + "-byte elements");
  if (S.SurfStride > UINT32_MAX || S.getSizeInBytes() > UINT32_MAX)
    return makeError("DIMG: surface too large for the 32-bit header");
  auto Dense = unpackFeature(S, Surface);
  if (!Dense)
    return Dense.takeError();
  Img.W = S.W;
  Img.H = S.H;
  Img.C = S.C;
  Img.LineStride = S.LineStride;
  Img.SurfStride = S.SurfStride;
  Img.Size = S.getSizeInBytes();
  Img.Payload = std::move(*Dense);
  return Img;
}

Expected<std::vector<uint8_t>> dimgToSurface(const DimgImage &Img) {
  auto S = Img.getSurface();
  if (!S)
    return S.takeError();
  auto Out = packFeature(*S, Img.Payload);
  if (Out && Out->size() < Img.Size)
    Out->resize(Img.Size, 0);
  return Out;
}

} // namespace nvdla
} // namespace onncf
