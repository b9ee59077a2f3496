//===- EmuDescriptors.cpp - Decode and encode NVDLA EMU1 descriptors ------===//
//
// Part of onnc-fault. The current (0.12) structs are copied byte for byte
// (they are packed and the host is little-endian); the legacy layout lacks
// fields in the middle of the structs, so it is read and written as the
// current struct's bytes with those fields cut out (a list of byte ranges).
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/Host.h"
#include <cstddef>
#include <cstring>

using namespace llvm;

namespace onncf {
namespace nvdla {

static_assert(sys::IsLittleEndianHost,
              "EMU descriptor structs are copied as little-endian bytes");

StringRef emuOpTypeName(unsigned T) {
  return T == EmuOpPower      ? "POWER"
         : T == EmuOpSoftmax  ? "SOFTMAX"
         : T == EmuOpOnncfAdd ? "ONNCF_ADD"
                              : "";
}

Expected<DescLayout> emuLayoutForBlobVersion(unsigned Major, unsigned Minor,
                                             unsigned SubMinor) {
  if (Major == 0 && Minor == 0)
    return SubMinor <= 1 ? DescLayout::Legacy010 : DescLayout::Current012;
  return layoutForBlobVersion(Major, Minor);
}

unsigned getEmuOpContainerSize(DescLayout L) {
  return L == DescLayout::Legacy010 ? 16 : 24;
}

namespace {
/// A byte range [Begin, End) of a current-layout struct present on the wire.
struct Span {
  unsigned Begin, End;
};
} // namespace

// The legacy wire form of each struct: the current struct's bytes minus the
// fields the legacy layout lacks, in order.
static const Span LegacyPower[] = {{0, 1}, {9, 21}};   // no scale factors
static const Span LegacySoftmax[] = {{0, 1}, {9, 10}}; // no scale factors
static const Span LegacyBuffer[] = {{0, 2}, {6, 26}};  // no offset field

static uint64_t wireSize(ArrayRef<Span> Spans) {
  uint64_t N = 0;
  for (const Span &S : Spans)
    N += S.End - S.Begin;
  return N;
}

/// Copies the wire bytes \p Spans of a struct at \p Offset into \p Out.
static Error readSpans(ArrayRef<uint8_t> B, uint64_t Offset,
                       ArrayRef<Span> Spans, uint8_t *Out, StringRef What) {
  uint64_t Size = wireSize(Spans);
  if (Offset > B.size() || Size > B.size() - Offset)
    return makeError(What + " at byte " + Twine(Offset) + " needs " +
                     Twine(Size) + " bytes but the data has " +
                     Twine(B.size()));
  uint64_t Pos = Offset;
  for (const Span &S : Spans) {
    std::memcpy(Out + S.Begin, B.data() + Pos, S.End - S.Begin);
    Pos += S.End - S.Begin;
  }
  return Error::success();
}

static void writeSpans(const uint8_t *In, ArrayRef<Span> Spans,
                       std::vector<uint8_t> &Out) {
  uint64_t Pos = 0;
  for (const Span &S : Spans) {
    std::memcpy(Out.data() + Pos, In + S.Begin, S.End - S.Begin);
    Pos += S.End - S.Begin;
  }
}

Expected<EmuNetworkDesc> decodeEmuNetworkDesc(ArrayRef<uint8_t> B,
                                              uint64_t Offset) {
  EmuNetworkDesc D;
  std::memset(&D, 0, sizeof(D));
  const Span All[] = {{0, sizeof(D)}};
  if (Error E = readSpans(B, Offset, All, reinterpret_cast<uint8_t *>(&D),
                          "EMU network descriptor"))
    return Expected<EmuNetworkDesc>(std::move(E));
  return D;
}

Expected<EmuOpContainer> decodeEmuOp(ArrayRef<uint8_t> B, uint64_t Offset,
                                     DescLayout L) {
  if (Offset >= B.size())
    return makeError("EMU operation at byte " + Twine(Offset) +
                     " is past the end of the operation list (" +
                     Twine(B.size()) + " bytes)");
  EmuOpContainer C;
  std::memset(&C, 0, sizeof(C));
  uint8_t Type = B[Offset];
  bool Legacy = L == DescLayout::Legacy010;
  uint8_t *Out = reinterpret_cast<uint8_t *>(&C);
  if (Type == EmuOpPower) {
    const Span Cur[] = {{0, sizeof(EmuPowerOpDesc)}};
    if (Error E =
            readSpans(B, Offset, Legacy ? ArrayRef<Span>(LegacyPower) : Cur,
                      Out, "EMU POWER operation"))
      return Expected<EmuOpContainer>(std::move(E));
  } else if (Type == EmuOpSoftmax) {
    const Span Cur[] = {{0, sizeof(EmuSoftmaxOpDesc)}};
    if (Error E =
            readSpans(B, Offset, Legacy ? ArrayRef<Span>(LegacySoftmax) : Cur,
                      Out, "EMU SOFTMAX operation"))
      return Expected<EmuOpContainer>(std::move(E));
  } else if (Type == EmuOpOnncfAdd) {
    if (Legacy)
      return makeError("EMU operation at byte " + Twine(Offset) +
                       ": ONNCF_ADD (0x80) needs the 0.12 descriptor layout");
    const Span Cur[] = {{0, sizeof(EmuOnncfAddOpDesc)}};
    if (Error E = readSpans(B, Offset, Cur, Out, "EMU ONNCF_ADD operation"))
      return Expected<EmuOpContainer>(std::move(E));
  } else {
    return makeError("EMU operation at byte " + Twine(Offset) +
                     ": unknown op_type " + Twine(unsigned(Type)) +
                     " (POWER 0, SOFTMAX 1, ONNCF_ADD 0x80)");
  }
  if (Legacy) {
    // Legacy ops carry no scale factors: data is used as it is.
    C.common.input_scale_factor = 1.0f;
    C.common.output_scale_factor = 1.0f;
  }
  return C;
}

Expected<EmuBufferDesc> decodeEmuBufferDesc(ArrayRef<uint8_t> B,
                                            uint64_t Offset, DescLayout L) {
  EmuBufferDesc D;
  std::memset(&D, 0, sizeof(D));
  const Span Cur[] = {{0, sizeof(D)}};
  if (Error E = readSpans(
          B, Offset,
          L == DescLayout::Legacy010 ? ArrayRef<Span>(LegacyBuffer) : Cur,
          reinterpret_cast<uint8_t *>(&D), "EMU buffer descriptor"))
    return Expected<EmuBufferDesc>(std::move(E));
  return D;
}

std::vector<uint8_t> encodeEmuNetworkDesc(const EmuNetworkDesc &D) {
  std::vector<uint8_t> Out(EmuNetworkDescSize, 0);
  std::memcpy(Out.data(), &D, sizeof(D));
  return Out;
}

std::vector<uint8_t> encodeEmuPowerOp(const EmuPowerOpDesc &D, DescLayout L) {
  std::vector<uint8_t> Out(getEmuOpContainerSize(L), 0);
  const Span Cur[] = {{0, sizeof(D)}};
  EmuPowerOpDesc Copy = D;
  Copy.common.op_type = EmuOpPower;
  writeSpans(reinterpret_cast<const uint8_t *>(&Copy),
             L == DescLayout::Legacy010 ? ArrayRef<Span>(LegacyPower) : Cur,
             Out);
  return Out;
}

std::vector<uint8_t> encodeEmuOnncfAddOp(const EmuOnncfAddOpDesc &D) {
  std::vector<uint8_t> Out(getEmuOpContainerSize(DescLayout::Current012), 0);
  EmuOnncfAddOpDesc Copy = D;
  Copy.common.op_type = EmuOpOnncfAdd;
  std::memcpy(Out.data(), &Copy, sizeof(Copy));
  return Out;
}

std::vector<uint8_t> encodeEmuSoftmaxOp(const EmuSoftmaxOpDesc &D,
                                        DescLayout L) {
  std::vector<uint8_t> Out(getEmuOpContainerSize(L), 0);
  const Span Cur[] = {{0, sizeof(D)}};
  EmuSoftmaxOpDesc Copy = D;
  Copy.common.op_type = EmuOpSoftmax;
  writeSpans(reinterpret_cast<const uint8_t *>(&Copy),
             L == DescLayout::Legacy010 ? ArrayRef<Span>(LegacySoftmax) : Cur,
             Out);
  return Out;
}

std::vector<uint8_t> encodeEmuBufferDesc(const EmuBufferDesc &D, DescLayout L) {
  std::vector<uint8_t> Out(EmuBufferDescSize, 0);
  const Span Cur[] = {{0, sizeof(D)}};
  writeSpans(reinterpret_cast<const uint8_t *>(&D),
             L == DescLayout::Legacy010 ? ArrayRef<Span>(LegacyBuffer) : Cur,
             Out);
  return Out;
}

} // namespace nvdla
} // namespace onncf
