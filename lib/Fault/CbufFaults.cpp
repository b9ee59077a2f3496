//===- CbufFaults.cpp - Stuck cells of the NVDLA convolution buffer -------===//
//
// Part of onnc-fault. See onncf/Fault/CbufFaults.h. The fault lists are
// sparse because a map's rate is small: a convolution's operands are read
// many times per image, so the executors corrupt a copy of each operand
// once (per image for data, once per run for weights) instead of asking the
// map on every read.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"

using namespace llvm;

namespace onncf {
namespace fault {

Error CbufConvLayout::check(uint64_t WeightBytes, StringRef What) const {
  if (EntryBytes == 0 || BankDepth == 0 || AtomC == 0 ||
      (ElemBytes != 1 && ElemBytes != 2) || C < 0 || H < 0 || W < 0)
    return makeError(What + ": bad CBUF layout (entry " + Twine(EntryBytes) +
                     " bytes, depth " + Twine(BankDepth) + ", atom " +
                     Twine(AtomC) + " channels, " + Twine(ElemBytes) +
                     "-byte elements)");
  if (dataBytes() > DataBanks * bankBytes())
    return makeError(What + ": the " + Twine(C) + "x" + Twine(H) + "x" +
                     Twine(W) + " data cube needs " + Twine(dataBytes()) +
                     " CBUF bytes, its " + Twine(DataBanks) +
                     " data banks hold " + Twine(DataBanks * bankBytes()));
  if (WeightBytes > WeightBanks * bankBytes())
    return makeError(What + ": " + Twine(WeightBytes) +
                     " weight bytes do not fit " + Twine(WeightBanks) +
                     " weight banks of " + Twine(bankBytes()) + " bytes");
  return Error::success();
}

Expected<CbufConvFaults> cbufFaultsOfConv(const DefectMap &Map, unsigned Mem,
                                          const CbufConvLayout &L,
                                          uint64_t WeightBytes, StringRef What,
                                          StringRef MapName) {
  if (Error E = L.check(WeightBytes, What))
    return std::move(E);
  const Memory &M = Map.Memories[Mem];
  if (M.Kind != MemoryKind::CBuf || M.Width != 8 * L.EntryBytes ||
      M.Entries != L.BankDepth ||
      M.Banks < uint64_t(L.DataBanks) + L.WeightBanks)
    return makeError(MapName + ": memory '" + M.Name + "' is " +
                     Twine(M.Banks) + " banks x " + Twine(M.Entries) +
                     " entries x " + Twine(M.Width) + " bits, but " + What +
                     " uses " + Twine(L.DataBanks + L.WeightBanks) +
                     " banks of a " + Twine(L.BankDepth) + " x " +
                     Twine(8 * L.EntryBytes) + "-bit CBUF");
  const unsigned Bits = 8 * L.ElemBytes;
  CbufConvFaults Out;
  for (int64_t Ch = 0; Ch < L.C; ++Ch)
    for (int64_t Y = 0; Y < L.H; ++Y)
      for (int64_t X = 0; X < L.W; ++X) {
        WordFaults F =
            Map.faultsAtBitAddress(Mem, 8 * L.dataByte(Ch, Y, X), Bits);
        if (!F.empty())
          Out.Data.push_back({uint64_t((Ch * L.H + Y) * L.W + X),
                              uint16_t(F.Sa0), uint16_t(F.Sa1)});
      }
  for (uint64_t B = 0; B < WeightBytes; ++B) {
    WordFaults F = Map.faultsAtBitAddress(Mem, 8 * L.weightByte(B), 8);
    if (!F.empty())
      Out.Weights.push_back({B, uint16_t(F.Sa0), uint16_t(F.Sa1)});
  }
  return Out;
}

template <typename T>
static void applyHits(ArrayRef<CbufHit> Hits, MutableArrayRef<T> V) {
  using U = std::make_unsigned_t<T>;
  for (const CbufHit &H : Hits)
    if (H.Index < V.size())
      V[H.Index] = T(U((U(V[H.Index]) & U(~H.Sa0)) | U(H.Sa1)));
}

void applyCbufHits(ArrayRef<CbufHit> Hits, MutableArrayRef<int8_t> V) {
  applyHits(Hits, V);
}
void applyCbufHits(ArrayRef<CbufHit> Hits, MutableArrayRef<int16_t> V) {
  applyHits(Hits, V);
}
void applyCbufHits(ArrayRef<CbufHit> Hits, MutableArrayRef<uint8_t> V) {
  applyHits(Hits, V);
}

} // namespace fault
} // namespace onncf
