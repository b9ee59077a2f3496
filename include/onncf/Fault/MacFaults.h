//===- MacFaults.h - Stuck-at faults of the MAC array's operand lanes -*- C++
//-*-=//
//
// Part of onnc-fault. Seed 000's fault model (ALGORITHMS.md): a stuck-at bit
// on an operand input of one MAC cell of the NVDLA CMAC, so every product
// that cell computes sees the same faulty bit of its weight operand or of
// its data (activation) operand. docs/CmacFaults.md describes the model, the
// IR attributes and the tools; docs/DefectMapFormat.md the `cmac` memory.
//
// Geometry: the array has AtomK x AtomC cells; the product W[k][c][r][s] *
// X[c][..] runs on cell (k mod AtomK) * AtomC + (c mod AtomC), c being the
// channel of the kernel (conv: the weight's second index; fc: i / (R*S) of
// wmem_kcrs = [K, C, R, S]). Operands are 8-bit two's complement words.
//
// A lane (cell, operand) computes with, for an operand value v,
//     read  = (v & ~sa0) | sa1                  (the stuck bits)
//     value = read with the bits of Mask := bit 7 of read   (sign-bit)
//                                 or := NOT bit 7 of read   (inverse-sign-bit)
// Mask is the read-path substitution the chip was told about (never bit 7:
// the sign cannot be repaired). Both the host interpreter and the NVDLA VP
// call laneValue() or the per-lane 256-entry tables of MacLaneModel, so they
// agree bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_MACFAULTS_H
#define ONNCF_FAULT_MACFAULTS_H

#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/Policy.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onncf {

class Graph;
class Op;

namespace fault {

/// The IR attributes of the MAC lane model (quant.conv / quant.fc).
namespace attr {
constexpr const char *CMacCells = "cmac_cells"; ///< Ints [atomK, atomC]
constexpr const char *CMacKCRS = "wmem_kcrs";   ///< Ints [K, C, R, S]
constexpr const char *CMacMitigation = "cmac_mitigation"; ///< String
/// Ints: (cell, operand 0 weight / 1 data, mask, mode 0 sign-bit / 1
/// inverse-sign-bit) quadruples: the chip's read-path substitution.
constexpr const char *CMacSubstitute = "cmac_substitute";
/// Ints [atomK, atomC, RS, then (cell, operand, sa0, sa1, mask, mode) per
/// lane that changes some value]: everything the host quant.conv / quant.fc
/// kernels need (written by applyMacFaults; RS: R*S of wmem_kcrs for
/// quant.fc, else 1).
constexpr const char *CMacLanes = "cmac_lanes";
} // namespace attr

/// Substitution modes (the values recorded in cmac_substitute).
enum class LaneMode : unsigned { SignBit = 0, InverseSignBit = 1 };

/// "sign-bit" / "inverse-sign-bit" (the onncf.fault blob's spelling).
llvm::StringRef laneModeName(LaneMode M);
/// Parses laneModeName's spellings.
std::optional<LaneMode> parseLaneMode(llvm::StringRef S);

/// The value a lane computes with for the 8-bit operand \p V (see the file
/// comment). \p Mask's bit 7 is ignored.
inline int8_t laneValue(int8_t V, uint8_t Sa0, uint8_t Sa1, uint8_t Mask,
                        LaneMode Mode) {
  uint8_t R = uint8_t((uint8_t(V) & ~Sa0) | Sa1);
  uint8_t M = Mask & 0x7f;
  bool Fill = (R >> 7) & 1;
  if (Mode == LaneMode::InverseSignBit)
    Fill = !Fill;
  return int8_t(Fill ? uint8_t(R | M) : uint8_t(R & ~M));
}

/// The MAC array geometry: AtomK x AtomC cells.
struct MacGeometry {
  unsigned AtomK = 8, AtomC = 8;
  unsigned cells() const { return AtomK * AtomC; }
  unsigned cellOf(int64_t K, int64_t C) const {
    return unsigned(K % AtomK) * AtomC + unsigned(C % AtomC);
  }
};

/// nv_small's 8 x 8 array.
inline MacGeometry nvSmallMacGeometry() { return MacGeometry{8, 8}; }

/// Parses "8x8" (AtomK x AtomC, each 1..4096).
llvm::Expected<MacGeometry> parseMacGeometry(llvm::StringRef S);

/// The state of one lane: its stuck bits and its substitution setting.
struct LaneSetting {
  uint8_t Sa0 = 0, Sa1 = 0;
  uint8_t Mask = 0; ///< substituted bits (bit 7 never)
  LaneMode Mode = LaneMode::SignBit;

  bool identity() const { return (Sa0 | Sa1) == 0 && (Mask & 0x7f) == 0; }
  /// The bits the chip knows are faulty below the sign bit.
  uint8_t faultyBelowSign() const { return uint8_t((Sa0 | Sa1) & 0x7f); }
};

/// The lane faults of one MAC array under one defect map, plus the
/// substitution settings, with a 256-entry lookup table per lane (built by
/// finalize(); rebuild after changes).
class MacLaneModel {
public:
  explicit MacLaneModel(MacGeometry G = nvSmallMacGeometry());

  /// The faults of the map's first `cmac` memory (explicit and random). The
  /// memory must have Geometry.cells() cells of 8 bits; no cmac memory gives
  /// a fault-free array. Errors name \p MapName. Substitutions are not set.
  static llvm::Expected<MacLaneModel>
  fromDefectMap(const DefectMap &Map, MacGeometry G,
                llvm::StringRef MapName = "");

  const MacGeometry &geometry() const { return Geo; }
  unsigned cells() const { return Geo.cells(); }

  LaneSetting &lane(unsigned Cell, Operand O) {
    return Lanes[Cell * 2 + unsigned(O)];
  }
  const LaneSetting &lane(unsigned Cell, Operand O) const {
    return Lanes[Cell * 2 + unsigned(O)];
  }
  /// Sets the stuck bits of a lane (low 8 bits of \p F; sa0 wins nowhere:
  /// the masks are disjoint in a finalized map).
  void setFaults(unsigned Cell, Operand O, const WordFaults &F);
  /// Sets the substitution of a lane (mask bit 7 is dropped).
  void setSubstitution(unsigned Cell, Operand O, uint8_t Mask, LaneMode M);
  /// Every lane with known faulty bits below the sign bit gets the
  /// substitution of those bits in mode \p M (seed 000's read path).
  void substituteKnownFaults(LaneMode M);
  /// Applies cmac_substitute quadruples (validated: cell < cells(),
  /// operand 0/1, mask 0..127, mode 0/1).
  llvm::Error applySubstitutions(llvm::ArrayRef<int64_t> Quads);
  /// The cmac_substitute quadruples of the lanes with a substitution.
  std::vector<int64_t> substitutionQuads() const;

  /// Builds the lookup tables (call after the last change).
  void finalize();

  /// The value cell \p Cell computes with for operand value \p V.
  int8_t effective(unsigned Cell, Operand O, int8_t V) const {
    return Tables[(size_t(Cell) * 2 + unsigned(O)) * 256 + uint8_t(V)];
  }
  int8_t effectiveWeight(int64_t K, int64_t C, int8_t V) const {
    return effective(Geo.cellOf(K, C), Operand::Weight, V);
  }
  int8_t effectiveData(int64_t K, int64_t C, int8_t V) const {
    return effective(Geo.cellOf(K, C), Operand::Data, V);
  }
  /// The 256-entry table of a lane, indexed by uint8_t(v): what the VP's
  /// ConvEngine looks up per product.
  const int8_t *table(unsigned Cell, Operand O) const {
    return Tables.data() + (size_t(Cell) * 2 + unsigned(O)) * 256;
  }
  /// True if the lane changes some value.
  bool faulty(unsigned Cell, Operand O) const {
    return NonIdentity[Cell * 2 + unsigned(O)];
  }
  bool anyFaulty(Operand O) const;

private:
  MacGeometry Geo;
  std::vector<LaneSetting> Lanes;
  std::vector<int8_t> Tables;
  std::vector<char> NonIdentity;
};

//===-- Graph level -------------------------------------------------------===//

/// True if some quant.conv / quant.fc of \p G carries cmac_cells.
bool hasMacPlacement(const Graph &G);

/// The host stand-in for the NVDLA placement: sets cmac_cells = [AtomK,
/// AtomC] on every quant.conv / quant.fc with an i8 weight that lacks them,
/// and wmem_kcrs = [M, C, H, W] on a quant.fc whose input is an
/// onnx.Flatten / onnx.Reshape of an [N, C, H, W] tensor (the cube the NVDLA
/// reads as one kernel). Returns the number of ops it placed.
unsigned placeMacLanes(Graph &G, MacGeometry Geo);

/// What the compile-time lane mitigation did.
struct MacMitigationReport {
  std::string Mitigation;
  unsigned Lanes = 0;          ///< lanes given a substitution
  unsigned SignFaultLanes = 0; ///< faulty lanes whose bit 7 is faulty
  struct Layer {
    std::string Op;
    uint64_t Weights = 0, Clamped = 0;
  };
  std::vector<Layer> Layers;
  uint64_t Weights = 0, Clamped = 0; ///< over all layers
  llvm::json::Object toJSON() const;
};

/// Compile-time mitigation for the map's cmac memory: on every op with
/// cmac_cells, records cmac_mitigation and (sign-bit, inverse-sign-bit,
/// sign-bit-clamp) cmac_substitute for the lanes with known faulty bits
/// below the sign; sign-bit-clamp also clamps every weight that passes a
/// faulty weight lane into [-2^k, 2^k-1] (k: the lane's lowest faulty bit
/// below 7), so its substitution is exact. `none` records no substitution.
/// Other policies are an error (they are word encodings for a memory, not
/// read-path settings of a lane).
llvm::Expected<MacMitigationReport>
mitigateMacLanes(Graph &G, const DefectMap &Map, const Mitigation &M,
                 llvm::StringRef MapName = "");

/// Host injection of the map's cmac faults (nullptr or no cmac memory: only
/// the recorded substitutions, on a fault-free array). On every op with
/// cmac_cells, the lanes that change some value are written as cmac_lanes,
/// which the host kernels honour: weight lanes on the weights they compute
/// with (after any weight-memory decoding), data lanes on every input value
/// including padding. Then cmac_substitute / cmac_mitigation are removed
/// (applying twice cannot corrupt twice). Constants are not touched, so it
/// may run before or after applyWeightFaults; onnc-run calls it before,
/// while wmem_kcrs is still there.
llvm::Error applyMacFaults(Graph &G, const DefectMap *Map,
                           llvm::StringRef MapName = "");

/// The channel of the kernel (for the cell) that weight column \p I of a
/// quant.fc reads: I / (R*S) of wmem_kcrs, or I without it.
inline int64_t fcChannelOf(int64_t I, int64_t RS) {
  return RS > 1 ? I / RS : I;
}

} // namespace fault
} // namespace onncf

#endif
