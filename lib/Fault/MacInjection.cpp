//===- MacInjection.cpp - MAC lane faults on a graph ----------------------===//
//
// Part of onnc-fault. The graph side of the MAC lane model
// (onncf/Fault/MacFaults.h, docs/CmacFaults.md): the host's stand-in
// placement (cmac_cells), the compile-time lane mitigation (substitution
// settings, sign-bit-clamp) and the injection, which writes the
// self-contained cmac_lanes attribute the host quant.conv / quant.fc kernels
// honour.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/MacFaults.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include <map>

using namespace llvm;

namespace onncf {
namespace fault {

static bool isMacOp(const Op &O) {
  return O.getKind() == quantop::Conv || O.getKind() == quantop::FC;
}

bool hasMacPlacement(const Graph &G) {
  for (const auto &O : G.getOps())
    if (isMacOp(*O) && O->hasAttr(attr::CMacCells))
      return true;
  return false;
}

unsigned placeMacLanes(Graph &G, MacGeometry Geo) {
  unsigned N = 0;
  for (auto &OP : G.getOps()) {
    Op &O = *OP;
    if (!isMacOp(O) || O.hasAttr(attr::CMacCells) || O.getNumOperands() < 2)
      continue;
    const Value *W = O.getOperand(1);
    if (W->getType().getElementType() != ElementType::I8)
      continue;
    O.setAttr(attr::CMacCells,
              std::vector<int64_t>{int64_t(Geo.AtomK), int64_t(Geo.AtomC)});
    ++N;
    // An fc reading a flattened [N, C, H, W] cube reads it as one kernel of
    // C channels, as the NVDLA placement records it.
    const Op *P = O.getOperand(0)->getDefiningOp();
    const TensorType &WT = W->getType();
    if (O.getKind() != quantop::FC || O.hasAttr(attr::CMacKCRS) || !P ||
        (P->getKind() != "onnx.Flatten" && P->getKind() != "onnx.Reshape") ||
        P->getNumOperands() < 1 || WT.getRank() != 2)
      continue;
    const TensorType &In = P->getOperand(0)->getType();
    if (In.getRank() == 4 && In.getDim(1) > 0 && In.getDim(2) > 0 &&
        In.getDim(3) > 0 &&
        In.getDim(1) * In.getDim(2) * In.getDim(3) == WT.getDim(1))
      O.setAttr(attr::CMacKCRS,
                std::vector<int64_t>{WT.getDim(0), In.getDim(1), In.getDim(2),
                                     In.getDim(3)});
  }
  return N;
}

/// The geometry recorded on \p O.
static Expected<MacGeometry> readCells(const Op &O) {
  const Attribute *A = O.getAttr(attr::CMacCells);
  if (!A || !A->is(AttrKind::Ints) || A->getInts().size() != 2 ||
      A->getInts()[0] < 1 || A->getInts()[1] < 1 || A->getInts()[0] > 4096 ||
      A->getInts()[1] > 4096)
    return makeError(O.getDescription() +
                     ": cmac_cells must be [atomK, atomC] (each 1..4096)");
  return MacGeometry{unsigned(A->getInts()[0]), unsigned(A->getInts()[1])};
}

/// R*S of the kernel a quant.fc reads (wmem_kcrs), 1 without it; for
/// quant.conv 1 (the kernel uses the weight's own dims).
static Expected<int64_t> readFcRS(const Op &O) {
  if (O.getKind() != quantop::FC || !O.hasAttr(attr::CMacKCRS))
    return 1;
  std::vector<int64_t> D = O.getIntsAttr(attr::CMacKCRS);
  const TensorType &WT = O.getOperand(1)->getType();
  if (D.size() != 4 || WT.getRank() != 2 || D[0] != WT.getDim(0) || D[0] < 1 ||
      D[1] < 1 || D[2] < 1 || D[3] < 1 || D[1] * D[2] * D[3] != WT.getDim(1))
    return makeError(O.getDescription() +
                     ": wmem_kcrs must be [K, C, R, S] "
                     "with K x (C*R*S) = the weight " +
                     WT.str());
  return D[2] * D[3];
}

/// The kernel channel of weight element \p I of \p O (weight shape \p WS).
static void kcOf(ArrayRef<int64_t> WS, bool IsConv, int64_t RS, int64_t I,
                 int64_t &K, int64_t &C) {
  int64_t PerK = 1;
  for (size_t D = 1; D < WS.size(); ++D)
    PerK *= WS[D];
  K = I / PerK;
  int64_t In = I % PerK;
  C = IsConv ? In / (WS[2] * WS[3]) : fcChannelOf(In, RS);
}

json::Object MacMitigationReport::toJSON() const {
  json::Array Ls;
  for (const Layer &L : Layers)
    Ls.push_back(json::Object{{"op", L.Op},
                              {"weights", int64_t(L.Weights)},
                              {"clamped", int64_t(L.Clamped)}});
  return json::Object{{"memory", "cmac"},
                      {"mitigation", Mitigation},
                      {"substituted_lanes", int64_t(Lanes)},
                      {"sign_fault_lanes", int64_t(SignFaultLanes)},
                      {"weights", int64_t(Weights)},
                      {"clamped", int64_t(Clamped)},
                      {"layers", std::move(Ls)}};
}

Expected<MacMitigationReport> mitigateMacLanes(Graph &G, const DefectMap &Map,
                                               const Mitigation &M,
                                               StringRef MapName) {
  const Policy &P = M.Fixed;
  bool None = !M.Auto && P.Enc == Encoder::Plain && P.Dec == Decoder::None;
  bool Sign = !M.Auto && P.Enc == Encoder::Plain && P.Dec == Decoder::SignBit;
  bool Inv =
      !M.Auto && P.Enc == Encoder::Plain && P.Dec == Decoder::InverseSignBit;
  bool Clamp =
      !M.Auto && P.Enc == Encoder::SignBitClamp && P.Dec == Decoder::SignBit;
  // optimal:sign-bit / optimal:inverse-sign-bit: every weight on a faulty
  // weight lane becomes the value nearest to it that the substitution
  // reproduces exactly (clamping is one such value, rarely the nearest).
  bool Optimal = !M.Auto && P.Enc == Encoder::Optimal &&
                 (P.Dec == Decoder::SignBit || P.Dec == Decoder::InverseSignBit);
  if (Optimal)
    (P.Dec == Decoder::SignBit ? Sign : Inv) = true;
  bool Rewrite = Clamp || Optimal;
  if (!None && !Sign && !Inv && !Clamp)
    return makeError("--mitigation=" + M.name() +
                     " does not apply to MAC lanes (cmac): a lane has no "
                     "stored word to encode; use none, sign-bit, "
                     "inverse-sign-bit, sign-bit-clamp, optimal:sign-bit or "
                     "optimal:inverse-sign-bit");
  if (Map.findMemoryOfKind(MemoryKind::CMac) < 0)
    return makeError(MapName + ": the defect map has no cmac memory");
  if (!hasMacPlacement(G))
    return makeError("no quant.conv / quant.fc carries cmac_cells (the MAC "
                     "array placement)");
  MacMitigationReport R;
  R.Mitigation = M.name();
  std::map<std::pair<unsigned, unsigned>, MacLaneModel> Models;
  bool Counted = false;
  for (auto &OP : G.getOps()) {
    Op &O = *OP;
    if (!isMacOp(O) || !O.hasAttr(attr::CMacCells))
      continue;
    auto Geo = readCells(O);
    if (!Geo)
      return Geo.takeError();
    auto It = Models.find({Geo->AtomK, Geo->AtomC});
    if (It == Models.end()) {
      auto Mo = MacLaneModel::fromDefectMap(Map, *Geo, MapName);
      if (!Mo)
        return Mo.takeError();
      if (!None)
        Mo->substituteKnownFaults(Inv ? LaneMode::InverseSignBit
                                      : LaneMode::SignBit);
      Mo->finalize();
      It =
          Models.emplace(std::make_pair(Geo->AtomK, Geo->AtomC), std::move(*Mo))
              .first;
    }
    const MacLaneModel &Mo = It->second;
    if (!Counted) {
      Counted = true;
      for (unsigned C = 0; C < Mo.cells(); ++C)
        for (Operand Od : {Operand::Weight, Operand::Data}) {
          const LaneSetting &L = Mo.lane(C, Od);
          R.Lanes += L.Mask != 0;
          R.SignFaultLanes += ((L.Sa0 | L.Sa1) & 0x80) != 0;
        }
    }
    O.setAttr(attr::CMacMitigation, R.Mitigation);
    std::vector<int64_t> Q = Mo.substitutionQuads();
    if (Q.empty())
      O.removeAttr(attr::CMacSubstitute);
    else
      O.setAttr(attr::CMacSubstitute, std::move(Q));

    MacMitigationReport::Layer L;
    L.Op = O.getName().empty() ? O.getDescription() : O.getName();
    Value *W = O.getOperand(1);
    L.Weights = uint64_t(W->getType().getNumElements());
    if (Rewrite) {
      if (!W->isConstant() || W->getType().getElementType() != ElementType::I8)
        return makeError(O.getDescription() + ": " + M.name() +
                         " for MAC lanes needs a constant i8 weight");
      if (O.getStringAttr("decoder", "none") != "none")
        return makeError(O.getDescription() + ": " + M.name() +
                         " for MAC lanes cannot rewrite stored words of a "
                         "weight-memory decoder ('" +
                         O.getStringAttr("decoder", "") +
                         "'); rewrite the lanes first");
      auto RS = readFcRS(O);
      if (!RS)
        return RS.takeError();
      Tensor T = W->getConstantData();
      ArrayRef<int64_t> WS = T.getShape();
      bool IsConv = O.getKind() == quantop::Conv;
      if (IsConv && WS.size() != 4)
        return makeError(O.getDescription() + ": weight must be rank 4");
      MutableArrayRef<int8_t> D = T.mutableData<int8_t>();
      WordFormat Fmt{8, true};
      for (int64_t I = 0; I < int64_t(D.size()); ++I) {
        int64_t K, C;
        kcOf(WS, IsConv, *RS, I, K, C);
        const LaneSetting &LS =
            Mo.lane(Mo.geometry().cellOf(K, C), Operand::Weight);
        // The clamp only helps a substituted bit; the optimum also moves a
        // weight whose lane has a stuck sign to the nearest value of that
        // sign.
        if (Clamp ? !LS.faultyBelowSign() : (LS.Sa0 | LS.Sa1) == 0)
          continue;
        WordFaults F{LS.Sa0, LS.Sa1};
        int8_t V = int8_t(Fmt.toValue(
            Clamp ? encodeSignBitClamp(D[I], F, Fmt)
                  : encodeOptimal(D[I], F, Fmt, P.Dec)));
        if (V != D[I]) {
          D[I] = V;
          ++L.Clamped;
        }
      }
      if (L.Clamped) {
        // A shared constant gets this op's own clamped copy.
        if (G.getUses(W).size() > 1 || G.isOutput(W))
          O.setOperand(1, G.addConstantUnique(W->getName(), std::move(T)));
        else
          W->setConstantData(std::move(T));
      }
    }
    R.Weights += L.Weights;
    R.Clamped += L.Clamped;
    R.Layers.push_back(std::move(L));
  }
  return R;
}

Error applyMacFaults(Graph &G, const DefectMap *Map, StringRef MapName) {
  for (auto &OP : G.getOps()) {
    Op &O = *OP;
    // cmac_lanes: applied already (the substitutions are gone by now).
    if (!isMacOp(O) || !O.hasAttr(attr::CMacCells) ||
        O.hasAttr(attr::CMacLanes))
      continue;
    auto Geo = readCells(O);
    if (!Geo)
      return Geo.takeError();
    MacLaneModel Mo(*Geo);
    if (Map) {
      auto FM = MacLaneModel::fromDefectMap(*Map, *Geo, MapName);
      if (!FM)
        return FM.takeError();
      Mo = std::move(*FM);
    }
    if (const Attribute *A = O.getAttr(attr::CMacSubstitute)) {
      if (!A->is(AttrKind::Ints))
        return makeError(O.getDescription() + ": cmac_substitute must be ints");
      if (Error E = Mo.applySubstitutions(A->getInts()))
        return makeError(O.getDescription() + ": " + toString(std::move(E)));
    }
    Mo.finalize();
    auto RS = readFcRS(O);
    if (!RS)
      return RS.takeError();
    std::vector<int64_t> Lanes{int64_t(Geo->AtomK), int64_t(Geo->AtomC), *RS};
    for (unsigned C = 0; C < Mo.cells(); ++C)
      for (Operand Od : {Operand::Weight, Operand::Data})
        if (Mo.faulty(C, Od)) {
          const LaneSetting &L = Mo.lane(C, Od);
          Lanes.insert(Lanes.end(),
                       {int64_t(C), int64_t(Od), int64_t(L.Sa0), int64_t(L.Sa1),
                        int64_t(L.Mask), int64_t(L.Mode)});
        }
    O.removeAttr(attr::CMacSubstitute);
    O.removeAttr(attr::CMacMitigation);
    if (Lanes.size() == 3) {
      O.removeAttr(attr::CMacLanes);
      continue;
    }
    for (unsigned I : {0u, 1u})
      if (O.getOperand(I)->getType().getElementType() != ElementType::I8)
        return makeError(O.getDescription() + ": MAC lane faults need int8 " +
                         (I ? "weights" : "inputs") + ", not " +
                         O.getOperand(I)->getType().str());
    O.setAttr(attr::CMacLanes, std::move(Lanes));
  }
  return Error::success();
}

} // namespace fault
} // namespace onncf
