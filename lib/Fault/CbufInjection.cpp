//===- CbufInjection.cpp - CBUF faults on a graph (host) ------------------===//
//
// Part of onnc-fault. The host side of the CBUF model
// (onncf/Fault/CbufFaults.h, docs/CbufFaults.md): from the NVDLA placement
// recorded on each quant.conv / quant.fc (the banks the planner gives it,
// the CBUF geometry, the grouped weight order), the faulty elements of its
// input cube and of its packed weights; weight hits go into the weight
// constants, data hits into cbuf_data_hits for the kernels. The VP computes
// the same lists with the same functions from its descriptors.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/Placement.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {
namespace fault {

static bool isMacOp(const Op &O) {
  return O.getKind() == quantop::Conv || O.getKind() == quantop::FC;
}

/// Ints attribute \p Name of \p O with \p N values, each at least \p Min.
static Expected<std::vector<int64_t>> readInts(const Op &O, StringRef Name,
                                               size_t N, int64_t Min) {
  const Attribute *A = O.getAttr(Name);
  if (!A || !A->is(AttrKind::Ints) || A->getInts().size() != N)
    return makeError(O.getDescription() + ": attribute '" + Name +
                     "' must be " + Twine(N) + " integers");
  for (int64_t V : A->getInts())
    if (V < Min || V > (int64_t(1) << 32))
      return makeError(O.getDescription() + ": attribute '" + Name +
                       "' has the value " + Twine(V));
  return A->getInts();
}

/// The faults of one placed op.
static Expected<CbufOpFaults> opFaults(Op &O, const DefectMap &Map,
                                       unsigned Mem, StringRef MapName) {
  const std::string What = O.getDescription();
  int64_t Parts = O.getIntAttr(attr::CbufParts, 1);
  if (Parts != 1)
    return makeError(What + ": the NVDLA planner runs this convolution in " +
                     Twine(Parts) +
                     " parts (the CBUF does not hold it at once); the host "
                     "models CBUF faults of unsplit convolutions only: run "
                     "the loadable on the virtual platform");
  if (O.getIntAttr("group", 1) != 1)
    return makeError(What + ": CBUF faults of a grouped convolution");
  auto Banks = readInts(O, attr::CbufBanks, 2, 0);
  if (!Banks)
    return Banks.takeError();
  auto Geo = readInts(O, attr::CbufGeometry, 3, 1);
  if (!Geo)
    return Geo.takeError();
  if (O.getStringAttr(attr::WMemLayout, "") != attr::NvdlaDirect)
    return makeError(What + ": CBUF faults need the NVDLA weight placement "
                            "(wmem_layout \"nvdla-direct\")");
  auto KCRS = readInts(O, attr::WMemKCRS, 4, 1);
  if (!KCRS)
    return KCRS.takeError();
  auto Groups = readInts(O, attr::WMemGroups, 2, 1);
  if (!Groups)
    return Groups.takeError();
  const Value *X = O.getOperand(0);
  const Value *W = O.getOperand(1);
  ElementType XE = X->getType().getElementType();
  if ((XE != ElementType::I8 && XE != ElementType::I16) ||
      W->getType().getElementType() != ElementType::I8 || !W->isConstant())
    return makeError(What +
                     ": CBUF faults need an int8 / int16 input and a "
                     "constant int8 weight, not " +
                     X->getType().str() + " and " + W->getType().str());
  const std::vector<int64_t> &D = *KCRS;
  if (uint64_t(W->getType().getNumElements()) !=
      uint64_t(D[0]) * D[1] * D[2] * D[3])
    return makeError(What + ": wmem_kcrs does not match the weight " +
                     W->getType().str());

  CbufConvLayout L;
  L.BankDepth = uint64_t((*Geo)[0]);
  L.EntryBytes = unsigned((*Geo)[1]);
  L.AtomC = unsigned((*Geo)[2]);
  L.ElemBytes = XE == ElementType::I16 ? 2 : 1;
  L.DataBanks = unsigned((*Banks)[0]);
  L.WeightBanks = unsigned((*Banks)[1]);
  // The cube the op reads: a conv's input, an fc's C x H x W kernel cube.
  const TensorType &XT = X->getType();
  if (O.getKind() == quantop::Conv) {
    if (XT.getRank() != 4 || XT.getDim(1) < 1 || XT.getDim(2) < 1 ||
        XT.getDim(3) < 1)
      return makeError(What + ": input " + XT.str() + " is not a static cube");
    L.C = XT.getDim(1), L.H = XT.getDim(2), L.W = XT.getDim(3);
  } else {
    L.C = D[1], L.H = D[2], L.W = D[3];
    if (XT.getRank() != 2 || XT.getDim(1) != L.C * L.H * L.W)
      return makeError(What + ": input " + XT.str() +
                       " is not the wmem_kcrs cube");
  }
  const uint64_t WeightBytes = uint64_t(D[0]) * D[1] * D[2] * D[3];
  auto F = cbufFaultsOfConv(Map, Mem, L, WeightBytes, What, MapName);
  if (!F)
    return F.takeError();
  CbufOpFaults Out;
  Out.O = &O;
  Out.Data = std::move(F->Data);
  if (!F->Weights.empty()) {
    // Packed byte -> row-major element: the inverse of the grouped order.
    GroupedKCRS Grp{D[0], D[1], D[2], D[3], (*Groups)[0], (*Groups)[1]};
    std::vector<uint64_t> ElemOf(Grp.count());
    for (uint64_t I = 0; I < Grp.count(); ++I) {
      uint64_t Slot = Grp.offsetOfIndex(I);
      if (Slot >= ElemOf.size())
        return makeError(What + ": wmem_groups give no dense packed order");
      ElemOf[Slot] = I;
    }
    for (CbufHit H : F->Weights) {
      H.Index = ElemOf[H.Index];
      Out.Weights.push_back(H);
    }
  }
  return Out;
}

Expected<std::vector<CbufOpFaults>>
findCbufFaults(Graph &G, const DefectMap &Map, StringRef MapName) {
  int Mem = Map.findMemoryOfKind(MemoryKind::CBuf);
  if (Mem < 0)
    return makeError(MapName + ": the defect map has no cbuf memory");
  bool Any = false;
  for (const auto &O : G.getOps())
    Any |= isMacOp(*O) && O->hasAttr(attr::CbufBanks);
  if (!Any)
    return makeError(MapName +
                     ": the map has a cbuf memory but no quant.conv / "
                     "quant.fc carries a CBUF placement (cbuf_banks); "
                     "compile with onnc-fault -march=nvdla-* --defect-map "
                     "--emit=quant-ir");
  std::vector<CbufOpFaults> Out;
  for (auto &OP : G.getOps()) {
    Op &O = *OP;
    if (!isMacOp(O))
      continue;
    if (!O.hasAttr(attr::CbufBanks))
      return makeError(O.getDescription() +
                       ": no CBUF placement (cbuf_banks) for the map's "
                       "cbuf memory");
    auto F = opFaults(O, Map, unsigned(Mem), MapName);
    if (!F)
      return F.takeError();
    Out.push_back(std::move(*F));
  }
  return Out;
}

Error applyCbufFaults(Graph &G, ArrayRef<CbufOpFaults> Faults) {
  for (const CbufOpFaults &F : Faults) {
    Op &O = *F.O;
    if (!F.Weights.empty()) {
      Value *W = O.getOperand(1);
      if (!W->isConstant() || W->getType().getElementType() != ElementType::I8)
        return makeError(O.getDescription() +
                         ": CBUF weight faults need a constant int8 weight");
      Tensor T = W->getConstantData();
      applyCbufHits(F.Weights, T.mutableData<int8_t>());
      // The CBUF copy belongs to this op: another reader keeps the original.
      if (G.getUses(W).size() > 1 || G.isOutput(W))
        O.setOperand(1, G.addConstantUnique(W->getName(), std::move(T)));
      else
        W->setConstantData(std::move(T));
    }
    if (F.Data.empty()) {
      O.removeAttr(attr::CbufDataHits);
      continue;
    }
    std::vector<int64_t> Hits;
    Hits.reserve(3 * F.Data.size());
    for (const CbufHit &H : F.Data)
      Hits.insert(Hits.end(),
                  {int64_t(H.Index), int64_t(H.Sa0), int64_t(H.Sa1)});
    O.setAttr(attr::CbufDataHits, std::move(Hits));
  }
  return Error::success();
}

} // namespace fault
} // namespace onncf
