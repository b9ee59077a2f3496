//===- FaultPlacement.cpp - NVDLA weight placement on the quant IR --------===//
//
// Part of onnc-fault. The NVDLA backend's weight placement for fault-aware
// compilation (docs/FaultInjection.md, "NVDLA"): runs on the quantized graph
// BEFORE lowering, so the fault library (mitigation, the --report, host
// injection) sees the same quant.conv / quant.fc ops the host interpreter
// runs, and records where the chip will store each weight byte:
//  * wmem_offset: the byte offset of the op's packed range in the
//    loadable's "weights" blob, by the rule Planning.cpp uses
//    (WeightRanges.h); Planning checks it equals weight_offset.
//  * wmem_layout "nvdla-direct", wmem_kcrs, wmem_groups: the grouped KCRS
//    order of targets/NVDLA/Layout inside the range.
//  * cmac_cells: the MAC array (atomic K x atomic C) of the config.
//  * cbuf_banks [data banks, weight banks], cbuf_geometry [bank depth,
//    entry bytes, atomic C], cbuf_parts: the CBUF the convolution uses, by
//    the planner's rule (planCbuf, ConvSplit.h; planConvCbuf checks the
//    banks), for the CBUF fault model (docs/CbufFaults.md).
// The NVDLA kernel of an fc is the cube its Flatten/Reshape viewed (the
// lowering reads that cube), else [K, N, 1, 1].
//
//===----------------------------------------------------------------------===//
#include "ConvSplit.h"
#include "WeightRanges.h"
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/Placement.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Layout.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include <array>

using namespace llvm;

namespace onncf {
namespace nvdla {

/// [K, C, R, S] of the NVDLA kernel of quant.conv / quant.fc \p O.
static Expected<std::array<int64_t, 4>> nvdlaKernelOf(const Op &O,
                                                      const NvdlaConfig &Cfg) {
  auto Fail = [&](const Twine &Msg) {
    return makeError(O.getDescription() + ": " + Msg + " on " + Cfg.Name);
  };
  const TensorType &WT = O.getOperand(1)->getType();
  if (O.getKind() == quantop::Conv) {
    if (WT.getRank() != 4 || !WT.hasStaticShape())
      return Fail("weight " + WT.str() + " is not a static KCRS tensor");
    if (O.getIntAttr("group", 1) != 1)
      return Fail("grouped convolution is not supported");
    return std::array<int64_t, 4>{WT.getDim(0), WT.getDim(1), WT.getDim(2),
                                  WT.getDim(3)};
  }
  if (WT.getRank() != 2 || !WT.hasStaticShape())
    return Fail("weight " + WT.str() + " is not a static [K, N] tensor");
  const Value *X = O.getOperand(0);
  if (X->isResult()) {
    StringRef K = X->getDefiningOp()->getKind();
    const Value *Src = X->getDefiningOp()->getOperand(0);
    if ((K == "onnx.Flatten" || K == "onnx.Reshape") &&
        Src->getType().getRank() == 4) {
      const TensorType &T = Src->getType();
      if (T.getDim(1) * T.getDim(2) * T.getDim(3) != WT.getDim(1))
        return Fail("weight " + WT.str() + " does not match the input cube " +
                    T.str());
      return std::array<int64_t, 4>{WT.getDim(0), T.getDim(1), T.getDim(2),
                                    T.getDim(3)};
    }
  }
  return std::array<int64_t, 4>{WT.getDim(0), WT.getDim(1), 1, 1};
}

Expected<uint64_t> placeNvdlaWeights(Graph &G, const NvdlaConfig &Cfg) {
  uint64_t Next = 0;
  for (auto &OP : G.getOps()) {
    Op &O = *OP;
    if (O.getKind() != quantop::Conv && O.getKind() != quantop::FC)
      continue;
    if (!fault::hasStoredWeight(O))
      return makeError(O.getDescription() +
                       ": the weight is not a constant "
                       "integer tensor on " +
                       Cfg.Name);
    // The chip stores int8 bytes: a narrower word would be sign-extended
    // into bits the fault model would call unused.
    if (fault::weightWordBits(O) != 8 ||
        O.getOperand(1)->getType().getElementType() != ElementType::I8)
      return makeError(O.getDescription() + ": " + Cfg.Name +
                       " stores 8-bit weights; fault-aware compilation "
                       "needs --weight-bits=8 (this weight has " +
                       Twine(fault::weightWordBits(O)) + " bits)");
    auto D = nvdlaKernelOf(O, Cfg);
    if (!D)
      return D.takeError();
    auto L = makeWeightLayout(Cfg, (*D)[0], (*D)[1], (*D)[2], (*D)[3], 1);
    if (!L)
      return makeError(O.getDescription() + ": " + toString(L.takeError()));
    Value *W = O.getOperand(1);
    // Each op's words live at their own addresses (mitigation may store
    // different words for them): a shared constant gets a private copy.
    if (G.getUses(W).size() > 1 || G.isOutput(W)) {
      W = G.addConstantUnique(W->getName(), W->getConstantData());
      O.setOperand(1, W);
    }
    WeightRange R = allocateWeightRange(Next, L->getPackedBytes(),
                                        getSdpOperandBytes((*D)[0]));
    O.setAttr(fault::attr::WMemOffset, int64_t(R.WeightOffset));
    O.setAttr(fault::attr::WMemWords, int64_t(L->getDenseBytes()));
    O.setAttr(fault::attr::WMemLayout, std::string(fault::attr::NvdlaDirect));
    O.setAttr(fault::attr::WMemKCRS,
              std::vector<int64_t>{(*D)[0], (*D)[1], (*D)[2], (*D)[3]});
    O.setAttr(fault::attr::WMemGroups,
              std::vector<int64_t>{int64_t(L->KernelsPerGroup),
                                   int64_t(L->ChannelsPerGroup)});
    O.setAttr(fault::attr::CmacCells,
              std::vector<int64_t>{int64_t(Cfg.AtomicK), int64_t(Cfg.AtomicC)});
    // The CBUF banks the planner will give this convolution.
    CbufShape Sh;
    Sh.R = (*D)[2];
    Sh.S = (*D)[3];
    Sh.WeightBytes = L->getPackedBytes();
    if (O.getKind() == quantop::Conv) {
      const TensorType &XT = O.getOperand(0)->getType();
      const TensorType &YT = O.getResult()->getType();
      auto Cube = [](const TensorType &T) {
        return T.getRank() == 4 && T.getDim(1) > 0 && T.getDim(2) > 0 &&
               T.getDim(3) > 0;
      };
      if (!Cube(XT) || !Cube(YT))
        return makeError(O.getDescription() + ": input " + XT.str() +
                         " / output " + YT.str() + " are not static cubes");
      Sh.In = CubeDims{XT.getDim(1), XT.getDim(2), XT.getDim(3)};
      Sh.Out = CubeDims{YT.getDim(1), YT.getDim(2), YT.getDim(3)};
      Sh.Stride = O.getIntsAttr("strides", {1, 1})[0];
    } else {
      Sh.In = CubeDims{(*D)[1], (*D)[2], (*D)[3]};
      Sh.Out = CubeDims{(*D)[0], 1, 1};
    }
    auto P = planCbuf(Sh, Cfg, O.getDescription());
    if (!P)
      return P.takeError();
    O.setAttr(fault::attr::CbufBanks,
              std::vector<int64_t>{P->DataBanks, P->WeightBanks});
    O.setAttr(fault::attr::CbufGeometry,
              std::vector<int64_t>{int64_t(Cfg.CbufBankDepth),
                                   int64_t(Cfg.CbufEntryBytes),
                                   int64_t(Cfg.AtomicC)});
    O.setAttr(fault::attr::CbufParts, P->parts(Sh));
    Next = R.End;
  }
  return Next;
}

} // namespace nvdla
} // namespace onncf
