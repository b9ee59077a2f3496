//===- IDX.cpp - Reader for the IDX format --------------------------------===//
//
// Part of onnc-fault. Every size in the header is validated against the
// actual byte count before anything is allocated, so a corrupt or truncated
// file is an error naming the file, never a huge allocation or a crash.
//
//===----------------------------------------------------------------------===//
#include "onncf/Data/IDX.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

using namespace llvm;

namespace onncf {

namespace {
struct IDXType {
  uint8_t Code;
  ElementType Elt;
  const char *Name;
};
const IDXType IDXTypes[] = {
    {0x08, ElementType::U8, "ubyte"},  {0x09, ElementType::I8, "sbyte"},
    {0x0B, ElementType::I16, "short"}, {0x0C, ElementType::I32, "int"},
    {0x0D, ElementType::F32, "float"}, {0x0E, ElementType::F64, "double"},
};

const IDXType *findIDXType(uint8_t Code) {
  for (const IDXType &T : IDXTypes)
    if (T.Code == Code)
      return &T;
  return nullptr;
}
} // namespace

bool looksLikeIDX(StringRef Bytes) {
  return Bytes.size() >= 4 && Bytes[0] == 0 && Bytes[1] == 0 &&
         findIDXType(Bytes[2]) && (uint8_t)Bytes[3] >= 1 &&
         (uint8_t)Bytes[3] <= 8;
}

Expected<Tensor> parseIDX(StringRef Bytes, StringRef Name) {
  if (Bytes.size() < 4)
    return makeError(Name + ": not an IDX file: truncated header (" +
                     Twine(Bytes.size()) + " bytes)");
  if (Bytes[0] != 0 || Bytes[1] != 0)
    return makeError(Name + ": not an IDX file: bad magic (first two bytes "
                            "must be zero)");
  const IDXType *Ty = findIDXType(Bytes[2]);
  if (!Ty)
    return makeError(Name + ": bad IDX magic: unknown element type code 0x" +
                     Twine::utohexstr((uint8_t)Bytes[2]));
  unsigned Rank = (uint8_t)Bytes[3];
  if (Rank == 0 || Rank > 8)
    return makeError(Name + ": bad IDX header: " + Twine(Rank) +
                     " dimensions (expected 1 to 8)");
  size_t HeaderSize = 4 + 4 * Rank;
  if (Bytes.size() < HeaderSize)
    return makeError(Name + ": truncated IDX header: " + Twine(Rank) +
                     " dimensions need " + Twine(HeaderSize) +
                     " bytes, file has " + Twine(Bytes.size()));

  SmallVector<int64_t, 4> Shape;
  uint64_t NumElts = 1;
  bool Overflow = false;
  for (unsigned I = 0; I < Rank; ++I) {
    uint32_t D = support::endian::read32be(Bytes.data() + 4 + 4 * I);
    Shape.push_back(D);
    NumElts = SaturatingMultiply<uint64_t>(NumElts, D, &Overflow);
  }
  unsigned EltSize = getElementSize(Ty->Elt);
  uint64_t DataSize = SaturatingMultiply<uint64_t>(NumElts, EltSize, &Overflow);
  uint64_t Actual = Bytes.size() - HeaderSize;
  if (Overflow || DataSize > Actual)
    return makeError(Name + ": truncated IDX data: header declares " +
                     Twine(NumElts) + " " + Ty->Name + " elements (" +
                     Twine(DataSize) + " bytes), file has " + Twine(Actual) +
                     " bytes of data");
  if (DataSize < Actual)
    return makeError(Name + ": IDX size mismatch: header declares " +
                     Twine(DataSize) + " bytes of data, file has " +
                     Twine(Actual) + " (trailing garbage)");

  Tensor T(TensorType(Ty->Elt, Shape));
  const char *Src = Bytes.data() + HeaderSize;
  MutableArrayRef<char> Dst = T.mutableBytes();
  // IDX is big-endian; swap each element into host (little-endian) order.
  for (uint64_t I = 0; I < NumElts; ++I)
    for (unsigned B = 0; B < EltSize; ++B)
      Dst[I * EltSize + B] = Src[I * EltSize + (EltSize - 1 - B)];
  return T;
}

Expected<Tensor> readIDX(StringRef Path) {
  auto Buf = readMaybeGzipFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parseIDX((*Buf)->getBuffer(), Path);
}

Expected<Tensor> readIDXImages(StringRef Path) {
  auto T = readIDX(Path);
  if (!T)
    return T.takeError();
  if (T->getElementType() != ElementType::U8 || T->getShape().size() != 3)
    return makeError(Path +
                     ": expected an idx3 ubyte image file [N,H,W], got " +
                     T->getType().str());
  return T;
}

Expected<std::vector<int64_t>> readIDXLabels(StringRef Path) {
  auto T = readIDX(Path);
  if (!T)
    return T.takeError();
  if (T->getShape().size() != 1 || !isIntegerType(T->getElementType()))
    return makeError(Path + ": expected an idx1 integer label file [N], got " +
                     T->getType().str());
  std::vector<int64_t> Labels(T->getNumElements());
  for (int64_t I = 0, E = T->getNumElements(); I < E; ++I)
    Labels[I] = T->getAsInt(I);
  return Labels;
}

} // namespace onncf
