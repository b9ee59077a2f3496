//===- CalibrationTable.h - NVIDIA-style calibration tables -----*- C++ -*-===//
//
// Part of onnc-fault. The calibtable JSON shape used by NVIDIA's NVDLA
// compiler: one object mapping each tensor name to
//   {"scale": S, "min": LO, "max": HI, "offset": 0}
// where real = S * q (symmetric, so offset is always 0). A table alone is
// enough to quantize a model. Written with sorted keys and floats printed in
// the shortest form that reads back to the same float, so a table round-trips
// bit for bit and the same table always gives the same file.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_CALIBRATIONTABLE_H
#define ONNCF_QUANT_CALIBRATIONTABLE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <map>
#include <string>

namespace llvm {
class raw_ostream;
}

namespace onncf {

struct CalibrationEntry {
  float Scale = 1.0f; ///< Positive and finite.
  float Min = 0.0f;   ///< Observed (or clipped) range, informational.
  float Max = 0.0f;
  int64_t Offset = 0; ///< Zero point; only 0 (symmetric) is supported.

  bool operator==(const CalibrationEntry &O) const;
};

class CalibrationTable {
public:
  using MapType = std::map<std::string, CalibrationEntry>;

  /// Parses a table; \p FileName prefixes every error, which also names the
  /// entry and the field (missing, not a number, non-positive or non-finite
  /// scale, min > max, non-zero offset).
  static llvm::Expected<CalibrationTable> parse(llvm::StringRef Json,
                                                llvm::StringRef FileName);
  static llvm::Expected<CalibrationTable> readFile(llvm::StringRef Path);

  /// Streams the table as JSON (sorted keys, 2-space indent). Fails on an
  /// entry that parse() would reject, so a written table always reads back.
  llvm::Error write(llvm::raw_ostream &OS) const;
  /// Writes atomically (temporary file + rename; "-" is stdout).
  llvm::Error writeFile(llvm::StringRef Path) const;

  void set(llvm::StringRef Name, const CalibrationEntry &E) {
    Entries[Name.str()] = E;
  }
  /// The entry of \p Name, or null.
  const CalibrationEntry *lookup(llvm::StringRef Name) const;
  size_t size() const { return Entries.size(); }
  bool empty() const { return Entries.empty(); }
  MapType::const_iterator begin() const { return Entries.begin(); }
  MapType::const_iterator end() const { return Entries.end(); }
  bool operator==(const CalibrationTable &O) const {
    return Entries == O.Entries;
  }

private:
  MapType Entries;
};

/// The shortest decimal (%.{6..9}g) that reads back, via strtod and a cast
/// to float, as exactly \p V. \p V must be finite.
std::string formatFloatExact(float V);

} // namespace onncf

#endif
