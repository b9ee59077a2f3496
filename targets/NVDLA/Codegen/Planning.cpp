//===- Planning.cpp - Weights, CBUF banks and activation buffers ----------===//
//
// Part of onnc-fault. Plans the lowered graph for one configuration and
// records the plan as attributes of the nvdla.* ops (NvdlaOps.h), so the
// fault passes can map a weight to its stored byte and the code generator
// only reads them:
//  * weights: every nvdla.conv's packed weights, then its per-kernel SDP
//    operands, in op order in ONE blob "weights" (a SET memory), each range
//    aligned to 256 bytes: weight_offset/weight_bytes, sdp_offset/sdp_bytes.
//  * CBUF: data and weight banks per conv, split by kernel groups and
//    output rows when they do not fit together (ConvSplit.cpp).
//  * activations: one ALLOC memory; a first-fit allocator reuses the space
//    of a cube once its last reader has run (ops run in graph order, one at
//    a time, see Codegen.cpp). The cube read by the graph output's
//    dequantize goes to the OUTPUT memory instead (dst_memory 1).
//
//===----------------------------------------------------------------------===//
#include "ConvSplit.h"
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
    if (Error E = planConvCbuf(O, Cfg))
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
