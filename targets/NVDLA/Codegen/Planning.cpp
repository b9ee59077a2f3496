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
//    dequantize goes to the OUTPUT memory instead (dst_memory 1). The
//    operands of an nvdla.concat are placed in its buffer at their channel
//    offsets, which lives until the last read of any of them.
//
//===----------------------------------------------------------------------===//
#include "ConvSplit.h"
#include "WeightRanges.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/NvdlaOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include <map>

using namespace llvm;

namespace onncf {
namespace nvdla {

static uint64_t alignTo256(uint64_t X) { return alignWeightRange(X); }

static Error planActivations(Graph &G, const NvdlaConfig &Cfg);

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
    WeightRange R = allocateWeightRange(WOff, WB, SB);
    // The fault placement (FaultPlacement.cpp) chose the stored words for
    // the cells at wmem_offset: the weights must land there.
    if (O.hasAttr("wmem_offset") &&
        O.getIntAttr("wmem_offset", -1) != int64_t(R.WeightOffset))
      return makeError(O.getDescription() +
                       ": the fault placement put its "
                       "weights at byte " +
                       Twine(O.getIntAttr("wmem_offset", -1)) +
                       " of the weights blob, planning gives " +
                       Twine(R.WeightOffset) + " on " + Cfg.Name);
    O.setAttr("weight_offset", int64_t(R.WeightOffset));
    O.setAttr("weight_bytes", int64_t(WB));
    O.setAttr("sdp_offset", int64_t(R.SdpOffset));
    O.setAttr("sdp_bytes", int64_t(SB));
    WOff = R.End;
    if (Error E = planConvCbuf(O, Cfg))
      return E;
  }

  return planActivations(G, Cfg);
}

/// Follows concatenation aliases to the value that owns the buffer, adding
/// the channel offsets on the way.
static const Value *
rootOf(const DenseMap<const Value *, std::pair<const Value *, int64_t>> &A,
       const Value *V, int64_t &Channel) {
  for (auto It = A.find(V); It != A.end(); It = A.find(V)) {
    Channel += It->second.second;
    V = It->second.first;
  }
  return V;
}

Error planActivations(Graph &G, const NvdlaConfig &Cfg) {
  // Position of each op, last reader of each value, concat aliases.
  DenseMap<const Value *, size_t> LastUse;
  DenseMap<const Value *, std::pair<const Value *, int64_t>> Alias;
  std::vector<Op *> Order;
  for (auto &OP : G.getOps()) {
    Op *O = OP.get();
    size_t I = Order.size();
    Order.push_back(O);
    for (Value *V : O->getOperands())
      if (V)
        LastUse[V] = I;
    if (O->getKind() != nvdlaop::Concat)
      continue;
    auto Offsets = O->getIntsAttr("offsets");
    for (unsigned K = 0; K < O->getNumOperands(); ++K)
      if (!Alias.try_emplace(O->getOperand(K), O->getResult(), Offsets[K])
               .second)
        return makeError(O->getDescription() + ": operand '" +
                         O->getOperand(K)->getName() +
                         "' is already part of another concatenation, "
                         "which is not supported on " +
                         Cfg.Name);
  }
  // A buffer lives until the last read of any value placed in it.
  DenseMap<const Value *, size_t> RootLast;
  for (auto &KV : LastUse) {
    int64_t Ch = 0;
    const Value *R = rootOf(Alias, KV.first, Ch);
    size_t &L = RootLast[R];
    L = std::max(L, KV.second);
  }

  struct Block {
    uint64_t Size;
    size_t Last;
  };
  std::map<uint64_t, Block> Live; // by offset
  DenseMap<const Value *, std::pair<int64_t, uint64_t>> Placed;
  for (size_t I = 0; I < Order.size(); ++I) {
    Op &O = *Order[I];
    if (!isNvdlaOp(O))
      continue;
    // Space read for the last time before this op is free again; what this
    // op reads is not (its output must not overwrite its input).
    for (auto It = Live.begin(); It != Live.end();)
      It = It->second.Last < I ? Live.erase(It) : std::next(It);
    int64_t Channel = 0;
    const Value *R = rootOf(Alias, O.getResult(), Channel);
    if (!Placed.count(R)) {
      const Op &RO = *R->getDefiningOp();
      auto Uses = G.getUses(R);
      // Read by the output's dequantize, directly or through a view.
      bool ToOutput =
          llvm::any_of(Uses,
                       [&](const auto &U) {
                         StringRef K = U.first->getKind();
                         if (K == "onnx.Flatten" || K == "onnx.Reshape")
                           return llvm::any_of(G.getUses(U.first->getResult()),
                                               [](const auto &V) {
                                                 return V.first->getKind() ==
                                                        quantop::Dequantize;
                                               });
                         return K == quantop::Dequantize;
                       }) ||
          G.isOutput(R);
      if (ToOutput && Uses.size() > 1)
        return makeError(RO.getDescription() +
                         ": a graph output that other layers also read is "
                         "not supported on " +
                         Cfg.Name);
      if (ToOutput) {
        Placed[R] = {1, 0};
      } else {
        uint64_t Size = alignTo256(getCubeBytes(getOutCube(RO), Cfg));
        uint64_t Off = 0;
        for (auto &KV : Live) {
          if (KV.first >= Off + Size)
            break;
          Off = std::max(Off, alignTo256(KV.first + KV.second.Size));
        }
        auto It = RootLast.find(R);
        Live[Off] = {Size, It == RootLast.end() ? I : It->second};
        Placed[R] = {0, Off};
      }
    }
    // A slice of a concatenation starts at its channel's surface.
    CubeDims D = getOutCube(O);
    uint64_t Surface = uint64_t(D.H) * D.W * Cfg.MemoryAtomBytes;
    O.setAttr("dst_memory", Placed[R].first);
    O.setAttr("dst_offset", int64_t(Placed[R].second +
                                    Channel / Cfg.MemoryAtomBytes * Surface));
  }
  return Error::success();
}

} // namespace nvdla
} // namespace onncf
