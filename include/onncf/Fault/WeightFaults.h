//===- WeightFaults.h - Mitigate and inject weight-memory faults -*- C++ -*-=//
//
// Part of onnc-fault. The two ends of the weight-memory fault model on a
// placed graph (onncf/Fault/Placement.h):
//
//  * compile time (mitigateWeights): for the chip of a defect map, every
//    stored weight word is rewritten by a mitigation policy; the IR constant
//    then holds the STORED words and the op records the read decoder (and,
//    for sign-bit substitution, the bits it substitutes).
//  * run time (StoredWeights / applyWeightFaults): what the chip computes
//    with: each stored word is read through the map's faults,
//    (s & ~sa0) | sa1, then decoded; the constants are replaced by these
//    values once, before an executor is built, so the kernels run at full
//    speed.
//
// Without a map, decoding alone gives what a fault-free chip with the same
// decoders computes with.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_WEIGHTFAULTS_H
#define ONNCF_FAULT_WEIGHTFAULTS_H

#include "onncf/Fault/Placement.h"
#include "onncf/Fault/Policy.h"
#include "onncf/Fault/Report.h"
#include "onncf/IR/Tensor.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace onncf {
namespace fault {

/// What mitigation did to one stored weight tensor.
struct LayerMitigation {
  std::string Op;     ///< the op's name (or its description if unnamed)
  std::string Kind;   ///< quant.conv / quant.fc
  std::string Weight; ///< the weight constant's name
  Policy Chosen;      ///< the policy used (auto: the one it chose)
  uint64_t FirstByte = 0;
  unsigned WordBits = 8;
  MitigationSummary Summary;
};

/// The compiler's --report (issue 5): `totals` and `layers` carry the
/// integer fields words, faulty_words, words_1_nonsilent and
/// words_2plus_nonsilent plus the deviation histograms (Report.h).
struct WeightMitigationReport {
  std::string Mitigation; ///< the --mitigation value
  std::string MemoryName; ///< the map's weight memory
  std::vector<LayerMitigation> Layers;
  MitigationSummary Totals;

  llvm::json::Object toJSON() const;
};

/// Rewrites the stored weights of \p G (placed: listStoredWeights) for the
/// chip of \p Map under \p M: each word's faults come from the map at the
/// word's address, `auto` picks a policy per tensor with chooseAuto. Sets
/// the mitigation, decoder and decoder_masks attributes of each op. The
/// errors name \p MapName or the op.
llvm::Expected<WeightMitigationReport> mitigateWeights(Graph &G,
                                                       const DefectMap &Map,
                                                       const Mitigation &M,
                                                       llvm::StringRef MapName);

/// A snapshot of a placed graph's stored words and decoders, from which the
/// weights the chip computes with can be written into the graph for any
/// number of maps (a campaign: capture once, then apply + build an executor
/// per map; executors copy constants when they are built, so build a new
/// one after each apply).
class StoredWeights {
public:
  /// Captures the stored words of \p G; \p G must outlive this object.
  static llvm::Expected<StoredWeights> capture(Graph &G);

  /// Replaces each stored weight constant of the graph with the values the
  /// chip computes with: decode(read(stored)) under \p Map's wmem faults
  /// (no faults when \p Map is null). Always starts from the captured
  /// words, so it can be called again with another map.
  llvm::Error apply(const DefectMap *Map, llvm::StringRef MapName = "") const;

  /// The values one tensor computes with (as apply writes them).
  std::vector<int64_t> computedValues(size_t Tensor, const DefectMap *Map,
                                      unsigned Mem) const;

  llvm::ArrayRef<StoredTensor> tensors() const { return Tensors; }

private:
  struct Entry {
    Tensor Stored;
    Decoder Dec = Decoder::None;
    std::vector<std::pair<uint64_t, uint64_t>> Masks; ///< (word, mask)
  };
  std::vector<StoredTensor> Tensors;
  std::vector<Entry> Entries;
};

/// One-shot form for a tool: captures \p G, applies \p Map (may be null),
/// then removes the stored-weight attributes, so \p G is a plain graph that
/// computes what the chip computes (applying it twice cannot corrupt twice).
llvm::Error applyWeightFaults(Graph &G, const DefectMap *Map,
                              llvm::StringRef MapName = "");

/// Removes the stored-weight attributes of every op of \p G.
void removeStoredWeightAttrs(Graph &G);

} // namespace fault
} // namespace onncf

#endif
