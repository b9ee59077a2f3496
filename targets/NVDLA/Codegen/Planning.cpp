//===- Planning.cpp - Weights, CBUF banks and activation buffers ----------===//
//
// Part of onnc-fault. Plans the lowered graph for one configuration and
// records the plan as attributes of the nvdla.* ops (NvdlaOps.h), so the
// fault passes can map a weight to its stored byte and the code generator
// only reads them:
//  * weights: every nvdla.conv's packed weights, then its per-kernel SDP
//    operands, in op order in ONE blob "weights" (a SET memory), each range
//    aligned to 256 bytes: weight_offset/weight_bytes, sdp_offset/sdp_bytes.
//  * CBUF: the whole input cube and the whole kernel set of a conv are
//    resident at once (full-channel, full-height data; all kernel groups).
//    entry_per_slice = input width x entries one pixel's channels take;
//    data_bank and weight_bank are the banks these take. A conv that needs
//    more banks than the config has is an error that names it.
//  * activations: one ALLOC memory; a first-fit allocator reuses the space
//    of a cube once its last reader has run (ops run in graph order, one at
//    a time, see Codegen.cpp). The cube read by the graph output's
//    dequantize goes to the OUTPUT memory instead (dst_memory 1).
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Graph.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/NvdlaOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include <map>

using namespace llvm;

namespace onncf {
namespace nvdla {

static uint64_t alignTo256(uint64_t X) { return (X + 255) & ~uint64_t(255); }

static bool isNvdlaOp(const Op &O) { return O.getKind().startswith("nvdla."); }

/// CBUF entries one slice (an input row) of \p D takes: per pixel, its
/// channels' bytes rounded up to whole entries.
static uint64_t entriesPerSlice(const CubeDims &D, const NvdlaConfig &Cfg) {
  uint64_t PerPixel =
      (uint64_t(D.C) + Cfg.CbufEntryBytes - 1) / Cfg.CbufEntryBytes;
  return PerPixel * D.W;
}

static Error planCbuf(Op &O, const NvdlaConfig &Cfg) {
  CubeDims In = getInCube(O);
  uint64_t Eps = entriesPerSlice(In, Cfg);
  uint64_t DataBanks = (Eps * In.H + Cfg.CbufBankDepth - 1) / Cfg.CbufBankDepth;
  uint64_t WBytes = O.getIntAttr("weight_bytes", 0);
  uint64_t WeightBanks =
      (WBytes + Cfg.getCbufBankBytes() - 1) / Cfg.getCbufBankBytes();
  if (DataBanks + WeightBanks > Cfg.CbufBanks || Eps > 0xffff)
    return makeError(O.getDescription() + ": the input cube (" + Twine(In.C) +
                     "x" + Twine(In.H) + "x" + Twine(In.W) + ", " +
                     Twine(DataBanks) + " banks) and the weights (" +
                     Twine(WBytes) + " bytes, " + Twine(WeightBanks) +
                     " banks) do not fit the " + Twine(Cfg.CbufBanks) +
                     " CBUF banks of " + Cfg.Name +
                     " (splitting a layer is not implemented)");
  O.setAttr("entry_per_slice", int64_t(Eps));
  O.setAttr("data_bank", int64_t(DataBanks));
  O.setAttr("weight_bank", int64_t(WeightBanks));
  return Error::success();
}

Error planNvdla(Graph &G, const NvdlaConfig &Cfg) {
  // Weights, in op order.
  uint64_t WOff = 0;
  for (auto &OP : G.getOps()) {
    Op &O = *OP;
    if (O.getKind() != nvdlaop::Conv)
      continue;
    uint64_t WB = O.getOperand(1)->getType().getSizeInBytes();
    uint64_t SB = O.getOperand(2)->getType().getSizeInBytes();
    O.setAttr("weight_offset", int64_t(WOff));
    O.setAttr("weight_bytes", int64_t(WB));
    WOff = alignTo256(WOff + WB);
    O.setAttr("sdp_offset", int64_t(WOff));
    O.setAttr("sdp_bytes", int64_t(SB));
    WOff = alignTo256(WOff + SB);
    if (Error E = planCbuf(O, Cfg))
      return E;
  }

  // Activation liveness: position of each op, last reader of each result.
  DenseMap<const Value *, size_t> LastUse;
  std::vector<Op *> Order;
  for (auto &OP : G.getOps()) {
    Op *O = OP.get();
    size_t I = Order.size();
    Order.push_back(O);
    for (Value *V : O->getOperands())
      if (V)
        LastUse[V] = I;
  }
  struct Block {
    uint64_t Offset, Size;
    size_t Last;
  };
  std::map<uint64_t, Block> Live; // by offset
  for (size_t I = 0; I < Order.size(); ++I) {
    Op &O = *Order[I];
    if (!isNvdlaOp(O))
      continue;
    // Space read for the last time before this op is free again; what this
    // op reads is not (its output must not overwrite its input).
    for (auto It = Live.begin(); It != Live.end();)
      It = It->second.Last < I ? Live.erase(It) : std::next(It);
    Value *R = O.getResult();
    bool ToOutput = false;
    for (auto &U : G.getUses(R))
      if (U.first->getKind() == quantop::Dequantize)
        ToOutput = true;
    if (ToOutput) {
      if (G.getUses(R).size() != 1)
        return makeError(O.getDescription() +
                         ": a graph output that other "
                         "layers also read is not "
                         "supported on " +
                         Cfg.Name);
      O.setAttr("dst_memory", int64_t(1));
      O.setAttr("dst_offset", int64_t(0));
      continue;
    }
    uint64_t Size = alignTo256(getCubeBytes(getOutCube(O), Cfg));
    uint64_t Off = 0;
    for (auto &KV : Live) {
      if (KV.first >= Off + Size)
        break;
      Off = std::max(Off, alignTo256(KV.first + KV.second.Size));
    }
    auto It = LastUse.find(R);
    Live[Off] = {Off, Size, It == LastUse.end() ? I : It->second};
    O.setAttr("dst_memory", int64_t(0));
    O.setAttr("dst_offset", int64_t(Off));
  }
  return Error::success();
}

} // namespace nvdla
} // namespace onncf
