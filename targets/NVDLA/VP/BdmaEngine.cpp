//===- BdmaEngine.cpp - BDMA (bridge DMA) engine model --------------------===//
//
// Part of onnc-fault. A BDMA op copies up to 20 rectangular regions: for
// each transfer, surface_repeat surfaces of line_repeat lines of line_size
// bytes, from one address index to another, with independent line and
// surface strides at each end. Both spans are checked against the task's
// memory before a byte moves; regions may overlap (memmove).
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/Support/Diagnostics.h"
#include <cstring>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

/// Bytes from the first to one past the last byte a transfer touches at
/// one end (all terms below 2^64: 32-bit fields).
static uint64_t span(const BdmaTransferDesc &T, uint32_t LineStride,
                     uint32_t SurfStride) {
  return uint64_t(T.surface_repeat - 1) * SurfStride +
         uint64_t(T.line_repeat - 1) * LineStride + T.line_size;
}

Error runBdma(const DecodedOp &Op, unsigned Index, EngineContext &Ctx) {
  const BdmaSurfaceDesc &S = Op.surface.bdma;
  std::string What = ("op " + Twine(Index) + " (BDMA)").str();
  if (S.num_transfers > 20)
    return makeError(What + ": " + Twine(S.num_transfers) +
                     " transfers (at most 20)");
  uint64_t Bytes = 0;
  for (unsigned I = 0; I < S.num_transfers; ++I) {
    const BdmaTransferDesc &T = S.transfers[I];
    std::string Where = (What + ": transfer " + Twine(I)).str();
    if (T.line_size == 0 || T.line_repeat == 0 || T.surface_repeat == 0)
      return makeError(Where + ": empty transfer (line_size " +
                       Twine(T.line_size) + ", line_repeat " +
                       Twine(T.line_repeat) + ", surface_repeat " +
                       Twine(T.surface_repeat) + ")");
    // Zero strides keep the spans small while repeating a copy 2^64 times;
    // no real transfer moves more than an address range can hold.
    uint64_t Moved = uint64_t(T.line_size) * T.line_repeat;
    if (Moved > MaxAddressBytes || Moved * T.surface_repeat > MaxAddressBytes)
      return makeError(Where + ": moves more than " + Twine(MaxAddressBytes) +
                       " bytes");
    auto Src = Ctx.Mem.resolve(T.source_address, 0,
                               span(T, T.source_line, T.source_surface),
                               Where + " source");
    if (!Src)
      return Src.takeError();
    auto Dst =
        Ctx.Mem.resolve(T.destination_address, 0,
                        span(T, T.destination_line, T.destination_surface),
                        Where + " destination");
    if (!Dst)
      return Dst.takeError();
    for (uint64_t Sf = 0; Sf < T.surface_repeat; ++Sf)
      for (uint64_t L = 0; L < T.line_repeat; ++L)
        std::memmove(Dst->data() + Sf * T.destination_surface +
                         L * T.destination_line,
                     Src->data() + Sf * T.source_surface + L * T.source_line,
                     T.line_size);
    Bytes += uint64_t(T.line_size) * T.line_repeat * T.surface_repeat;
  }
  EngineStats &St = Ctx.Stats.Engines[OpBDMA];
  St.Ops += 1;
  St.Macs += 0;
  St.BytesRead += Bytes;
  St.BytesWritten += Bytes;
  unsigned Atom = std::max(Ctx.Cfg.MemoryAtomBytes, 1u);
  St.Cycles += (Bytes + Atom - 1) / Atom;
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
