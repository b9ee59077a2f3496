//===- Descriptors.cpp - Decode NVDLA firmware descriptors ----------------===//
//
// Part of onnc-fault. Every read checks its range against the blob first and
// copies bytes with memcpy into the packed structs, so neither an unaligned
// pointer nor an out-of-bounds byte is ever touched. The structs match the
// wire layout byte for byte on a little-endian host; the legacy 0.10 layout
// differs only in its 28-byte data cube, which is widened here.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/Descriptors.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/Host.h"
#include <cstring>

using namespace llvm;

namespace onncf {
namespace nvdla {

static_assert(sys::IsLittleEndianHost,
              "descriptor structs are copied as little-endian bytes");

Expected<DescLayout> layoutForBlobVersion(unsigned Major, unsigned Minor) {
  // The regression loadables carry 0.10 (unit tests) and 0.11 (NN_L0_0);
  // both predate the data cube's `offset` field, which 0.12 added.
  if (Major == 0 && (Minor == 10 || Minor == 11))
    return DescLayout::Legacy010;
  if (Major == 0 && Minor == 12)
    return DescLayout::Current012;
  return makeError("descriptor interface version " + Twine(Major) + "." +
                   Twine(Minor) + " is not supported (0.10, 0.11 or 0.12)");
}

StringRef layoutName(DescLayout L) {
  return L == DescLayout::Legacy010 ? "legacy 0.10/0.11" : "0.12";
}

StringRef opTypeName(unsigned T) {
  static const char *const Names[] = {"BDMA", "CONV", "SDP",
                                      "PDP",  "CDP",  "RUBIK"};
  return T < NumOpTypes ? Names[T] : "";
}

/// Copies sizeof(T) bytes at \p Offset into a T after checking the range.
template <typename T>
static Expected<T> readRaw(ArrayRef<uint8_t> Bytes, uint64_t Offset,
                           StringRef What, uint64_t Size = sizeof(T)) {
  if (Offset > Bytes.size() || Size > Bytes.size() - Offset)
    return makeError(What + " at byte " + Twine(Offset) + " needs " +
                     Twine(Size) + " bytes but the data has " +
                     Twine(Bytes.size()));
  T V;
  std::memset(&V, 0, sizeof(T));
  std::memcpy(&V, Bytes.data() + Offset, Size);
  return V;
}

Expected<NetworkDesc> decodeNetworkDesc(ArrayRef<uint8_t> Bytes,
                                        uint64_t Offset) {
  return readRaw<NetworkDesc>(Bytes, Offset, "network descriptor");
}

Expected<CommonOpDesc> decodeCommonOpDesc(ArrayRef<uint8_t> Bytes,
                                          uint64_t Offset) {
  return readRaw<CommonOpDesc>(Bytes, Offset, "common op descriptor");
}

Expected<DataCube> decodeDataCube(ArrayRef<uint8_t> Bytes, uint64_t Offset,
                                  DescLayout L) {
  if (L == DescLayout::Current012)
    return readRaw<DataCube>(Bytes, Offset, "data cube");
  // Legacy: type, address, then everything from `size` on shifted by 4.
  if (Offset > Bytes.size() || LegacyDataCubeSize > Bytes.size() - Offset)
    return makeError("legacy data cube at byte " + Twine(Offset) +
                     " needs 28 bytes but the data has " + Twine(Bytes.size()));
  uint8_t Wide[sizeof(DataCube)] = {};
  const uint8_t *P = Bytes.data() + Offset;
  std::memcpy(Wide, P, 4);                              // type, address
  std::memcpy(Wide + 8, P + 4, LegacyDataCubeSize - 4); // size .. strides
  DataCube C;
  std::memcpy(&C, Wide, sizeof(C));
  return C;
}

Expected<OpContainer> decodeOpDesc(unsigned Type, ArrayRef<uint8_t> Bytes,
                                   uint64_t Offset) {
  if (Type >= NumOpTypes)
    return makeError("unknown op type " + Twine(Type));
  // The op descriptors hold no data cube: both layouts agree.
  return readRaw<OpContainer>(
      Bytes, Offset, Twine(opTypeName(Type)).concat(" op descriptor").str());
}

/// Decodes \p N cubes at the start of a legacy surface into \p Out, then
/// copies the tail (the bytes after the cubes) behind the widened cubes.
static Error widenLegacySurface(ArrayRef<uint8_t> Bytes, uint64_t Offset,
                                unsigned N, unsigned TailBytes, uint8_t *Out) {
  for (unsigned I = 0; I < N; ++I) {
    auto C = decodeDataCube(Bytes, Offset + I * LegacyDataCubeSize,
                            DescLayout::Legacy010);
    if (!C)
      return C.takeError();
    std::memcpy(Out + I * sizeof(DataCube), &*C, sizeof(DataCube));
  }
  if (TailBytes) {
    uint64_t From = Offset + N * LegacyDataCubeSize;
    if (From > Bytes.size() || TailBytes > Bytes.size() - From)
      return makeError("legacy surface tail at byte " + Twine(From) +
                       " needs " + Twine(TailBytes) + " bytes");
    std::memcpy(Out + N * sizeof(DataCube), Bytes.data() + From, TailBytes);
  }
  return Error::success();
}

Expected<SurfaceContainer> decodeSurfaceDesc(unsigned Type,
                                             ArrayRef<uint8_t> Bytes,
                                             uint64_t Offset, DescLayout L) {
  if (Type >= NumOpTypes)
    return makeError("unknown op type " + Twine(Type));
  std::string What = (Twine(opTypeName(Type)) + " surface descriptor").str();
  // The container is 644 bytes in both layouts; it must be there whole.
  if (Offset > Bytes.size() || SurfaceContainerSize > Bytes.size() - Offset)
    return makeError(What + " at byte " + Twine(Offset) + " needs " +
                     Twine(SurfaceContainerSize) + " bytes but the data has " +
                     Twine(Bytes.size()));
  if (L == DescLayout::Current012 || Type == OpBDMA)
    return readRaw<SurfaceContainer>(Bytes, Offset, What);
  SurfaceContainer S;
  std::memset(&S, 0, sizeof(S));
  unsigned Cubes = 2, Tail = 0;
  if (Type == OpCONV) {
    Cubes = 5;
    Tail = sizeof(int64_t) + sizeof(uint32_t); // offset_u, in_line_uv_stride
  } else if (Type == OpSDP) {
    Cubes = 5;
  }
  if (Error E = widenLegacySurface(Bytes, Offset, Cubes, Tail, S.raw))
    return E;
  return S;
}

Expected<LutParam> decodeLutParam(ArrayRef<uint8_t> Bytes, uint64_t Offset) {
  return readRaw<LutParam>(Bytes, Offset, "LUT parameters");
}

Expected<DecodedOp> decodeOp(ArrayRef<uint8_t> Deps, ArrayRef<uint8_t> Ops,
                             ArrayRef<uint8_t> Surfs, unsigned Index,
                             unsigned Roi, unsigned NumOps, DescLayout L) {
  DecodedOp D;
  std::memset(&D, 0, sizeof(D));
  auto Common =
      decodeCommonOpDesc(Deps, uint64_t(Index) * sizeof(CommonOpDesc));
  if (!Common)
    return Common.takeError();
  D.common = *Common;
  uint64_t Slot = uint64_t(Roi) * NumOps + Index;
  auto Op = decodeOpDesc(D.common.op_type, Ops, Slot * OpContainerSize);
  if (!Op)
    return Op.takeError();
  D.op = *Op;
  auto Surf = decodeSurfaceDesc(D.common.op_type, Surfs,
                                Slot * SurfaceContainerSize, L);
  if (!Surf)
    return Surf.takeError();
  D.surface = *Surf;
  return D;
}

} // namespace nvdla
} // namespace onncf
