//===- WeightFaults.cpp - Weight-memory faults on the VP ------------------===//
//
// Part of onnc-fault. See WeightFaults.h. The per-byte arithmetic is the
// fault library's (WordFaults::read, decodeRead), the very functions the
// host's StoredWeights uses, so the VP and the integer interpreter compute
// with the same weights bit for bit.
//
//===----------------------------------------------------------------------===//
#include "WeightFaults.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/Mitigation.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/Optional.h"

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

static Optional<fault::Decoder> decoderOf(StringRef S) {
  using fault::Decoder;
  for (Decoder D : {Decoder::None, Decoder::LSB, Decoder::C1, Decoder::SignBit,
                    Decoder::InverseSignBit})
    if (S == fault::decoderName(D))
      return D;
  return None;
}

Error applyWeightFaults(std::vector<std::vector<uint8_t>> &Memories,
                        ArrayRef<WeightRead> Reads, const fault::DefectMap *Map,
                        StringRef MapName, const FaultInfo *Blob,
                        ArrayRef<int> MemIndexOfId, StringRef Where) {
  const fault::WordFormat Fmt{8, /*Signed=*/true};
  if (Map) {
    int Mem = Map->findMemoryOfKind(fault::MemoryKind::WMem);
    if (Mem < 0)
      return makeError(MapName + ": the defect map has no wmem memory (the "
                                 "weights are stored in the weight memory)");
    const fault::Memory &M = Map->Memories[unsigned(Mem)];
    // A byte read by several ops (or several pieces of a split conv) is one
    // cell: mark, then fault every marked byte once.
    std::vector<std::vector<bool>> Marked(Memories.size());
    uint64_t End = 0;
    for (const WeightRead &R : Reads) {
      std::vector<bool> &B = Marked[R.Memory];
      if (B.empty())
        B.assign(Memories[R.Memory].size(), false);
      for (uint64_t I = R.Offset; I < R.Offset + R.Size; ++I)
        B[I] = true;
      End = std::max(End, R.Offset + R.Size);
    }
    if (M.cells() / 8 < End)
      return makeError(MapName + ": memory '" + M.Name + "' (" + M.describe() +
                       ") is too small for the " + Twine(End) +
                       " bytes of weights of " + Where);
    for (size_t K = 0; K < Memories.size(); ++K)
      for (size_t I = 0; I < Marked[K].size(); ++I)
        if (Marked[K][I]) {
          uint8_t &V = Memories[K][I];
          V = uint8_t(Map->faultsAtBitAddress(unsigned(Mem), 8 * uint64_t(I), 8)
                          .read(V) &
                      0xff);
        }
  }
  if (!Blob)
    return Error::success();
  for (size_t RI = 0; RI < Blob->Weights.size(); ++RI) {
    const FaultWeightRange &R = Blob->Weights[RI];
    std::string What =
        (Where + ": onncf.fault weights[" + Twine(RI) + "] (" + R.Op + ")")
            .str();
    auto D = decoderOf(R.Decoder);
    if (!D)
      return makeError(What + ": unknown decoder '" + R.Decoder + "'");
    if (R.Memory >= MemIndexOfId.size() || MemIndexOfId[R.Memory] < 0)
      return makeError(What + ": no memory " + Twine(R.Memory));
    std::vector<uint8_t> &Bytes = Memories[unsigned(MemIndexOfId[R.Memory])];
    if (R.Offset > Bytes.size() || R.Bytes > Bytes.size() - R.Offset)
      return makeError(What + ": bytes " + Twine(R.Offset) + " + " +
                       Twine(R.Bytes) + " are not inside memory " +
                       Twine(R.Memory));
    if (*D == fault::Decoder::None)
      continue;
    size_t NextMask = 0;
    for (uint64_t I = 0; I < R.Bytes; ++I) {
      // The substitution decoders see the faulty bits the compiler
      // recorded, not the map's: the chip only knows what it was told.
      uint64_t Known = 0;
      if (NextMask < R.Masks.size() && R.Masks[NextMask].first == I)
        Known = R.Masks[NextMask++].second;
      uint8_t &V = Bytes[R.Offset + I];
      V = uint8_t(fault::decodeRead(V, fault::WordFaults{Known, 0}, *D, Fmt) &
                  0xff);
    }
  }
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
