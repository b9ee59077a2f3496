//===- MacFaults.cpp - The MAC array's operand-lane fault model -----------===//
//
// Part of onnc-fault. MacLaneModel (onncf/Fault/MacFaults.h): the stuck bits
// of every (cell, operand) lane from a defect map's cmac memory, the
// read-path substitution settings, and a 256-entry table per lane so that
// an executor pays one lookup per operand.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/MacFaults.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace onncf {
namespace fault {

StringRef laneModeName(LaneMode M) {
  return M == LaneMode::SignBit ? "sign-bit" : "inverse-sign-bit";
}

std::optional<LaneMode> parseLaneMode(StringRef S) {
  if (S == "sign-bit")
    return LaneMode::SignBit;
  if (S == "inverse-sign-bit")
    return LaneMode::InverseSignBit;
  return std::nullopt;
}

Expected<MacGeometry> parseMacGeometry(StringRef S) {
  std::string Low = S.trim().lower();
  StringRef A, B;
  std::tie(A, B) = StringRef(Low).split('x');
  unsigned K = 0, C = 0;
  if (A.getAsInteger(10, K) || B.getAsInteger(10, C) || K < 1 || C < 1 ||
      K > 4096 || C > 4096)
    return makeError("'" + S +
                     "' is not a MAC geometry AtomKxAtomC (e.g. 8x8, each "
                     "1..4096)");
  return MacGeometry{K, C};
}

MacLaneModel::MacLaneModel(MacGeometry G) : Geo(G) {
  Lanes.assign(size_t(G.cells()) * 2, LaneSetting());
  finalize();
}

Expected<MacLaneModel> MacLaneModel::fromDefectMap(const DefectMap &Map,
                                                   MacGeometry G,
                                                   StringRef MapName) {
  MacLaneModel M(G);
  int Mem = Map.findMemoryOfKind(MemoryKind::CMac);
  if (Mem < 0)
    return M;
  const Memory &Me = Map.Memories[unsigned(Mem)];
  if (Me.Entries != G.cells())
    return makeError(MapName + ": memory '" + Me.Name + "' has " +
                     Twine(Me.Entries) + " MAC cells but the array is " +
                     Twine(G.AtomK) + "x" + Twine(G.AtomC) + " = " +
                     Twine(G.cells()) + " cells");
  if (Me.Width != 8)
    return makeError(MapName + ": memory '" + Me.Name + "' has " +
                     Twine(Me.Width) +
                     "-bit operand lanes; the int8 MAC model needs bits=8");
  for (unsigned Cell = 0; Cell < G.cells(); ++Cell)
    for (Operand O : {Operand::Weight, Operand::Data})
      M.setFaults(
          Cell, O,
          Map.faultsOfWord(unsigned(Mem), uint64_t(Cell) * 2 + unsigned(O)));
  M.finalize();
  return M;
}

void MacLaneModel::setFaults(unsigned Cell, Operand O, const WordFaults &F) {
  LaneSetting &L = lane(Cell, O);
  L.Sa0 = uint8_t(F.Sa0 & 0xff);
  L.Sa1 = uint8_t(F.Sa1 & 0xff & ~F.Sa0);
}

void MacLaneModel::setSubstitution(unsigned Cell, Operand O, uint8_t Mask,
                                   LaneMode Mo) {
  LaneSetting &L = lane(Cell, O);
  L.Mask = Mask & 0x7f;
  L.Mode = Mo;
}

void MacLaneModel::substituteKnownFaults(LaneMode Mo) {
  for (LaneSetting &L : Lanes)
    if (L.faultyBelowSign()) {
      L.Mask = L.faultyBelowSign();
      L.Mode = Mo;
    }
}

Error MacLaneModel::applySubstitutions(ArrayRef<int64_t> Q) {
  if (Q.size() % 4)
    return makeError("cmac_substitute must hold (cell, operand, mask, mode) "
                     "quadruples, it has " +
                     Twine(Q.size()) + " entries");
  for (size_t I = 0; I < Q.size(); I += 4) {
    if (Q[I] < 0 || Q[I] >= int64_t(cells()) || Q[I + 1] < 0 || Q[I + 1] > 1 ||
        Q[I + 2] < 0 || Q[I + 2] > 127 || Q[I + 3] < 0 || Q[I + 3] > 1)
      return makeError("cmac_substitute has the bad entry (" + Twine(Q[I]) +
                       ", " + Twine(Q[I + 1]) + ", " + Twine(Q[I + 2]) + ", " +
                       Twine(Q[I + 3]) + ") for " + Twine(cells()) +
                       " cells (cell, operand 0/1, mask 0..127, mode 0/1)");
    setSubstitution(unsigned(Q[I]), Operand(Q[I + 1]), uint8_t(Q[I + 2]),
                    LaneMode(Q[I + 3]));
  }
  return Error::success();
}

std::vector<int64_t> MacLaneModel::substitutionQuads() const {
  std::vector<int64_t> Q;
  for (unsigned I = 0; I < Lanes.size(); ++I)
    if (Lanes[I].Mask)
      Q.insert(Q.end(), {int64_t(I / 2), int64_t(I % 2), int64_t(Lanes[I].Mask),
                         int64_t(Lanes[I].Mode)});
  return Q;
}

void MacLaneModel::finalize() {
  Tables.resize(Lanes.size() * 256);
  NonIdentity.assign(Lanes.size(), 0);
  for (size_t L = 0; L < Lanes.size(); ++L) {
    const LaneSetting &S = Lanes[L];
    for (unsigned V = 0; V < 256; ++V) {
      int8_t E = laneValue(int8_t(uint8_t(V)), S.Sa0, S.Sa1, S.Mask, S.Mode);
      Tables[L * 256 + V] = E;
      if (E != int8_t(uint8_t(V)))
        NonIdentity[L] = 1;
    }
  }
}

bool MacLaneModel::anyFaulty(Operand O) const {
  for (unsigned C = 0; C < cells(); ++C)
    if (faulty(C, O))
      return true;
  return false;
}

} // namespace fault
} // namespace onncf
