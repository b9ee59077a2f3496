//===- DefectMap.h - A chip's defect map (format v1) ------------*- C++ -*-===//
//
// Part of onnc-fault. The stuck-at cells of a chip's memories: explicit
// faults (a cell, a column or bit line, a row, a bank, a MAC operand lane)
// and procedural random faults drawn with a counter-based RNG, so the fault
// of any cell is reproducible without storing the map. The text format is
// specified in docs/DefectMapFormat.md; DefectMapParser.cpp reads it,
// DefectMapWriter.cpp prints it (print(parse(x)) round-trips).
//
// Cells are addressed as (row, bit) inside a memory:
//   wmem  words x width       row = word index (= byte offset for width 8)
//   cbuf  banks x entries x width bits     row = bank * entries + entry
//   cmac  cells x {weight, data} x bits    row = cell * 2 + operand
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_DEFECTMAP_H
#define ONNCF_FAULT_DEFECTMAP_H

#include "onncf/Fault/WordFaults.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace onncf {
namespace fault {

enum class MemoryKind { WMem, CBuf, CMac };
llvm::StringRef memoryKindName(MemoryKind K);
std::optional<MemoryKind> parseMemoryKind(llvm::StringRef S);

/// CMAC operands (the second address component of a cmac row).
enum class Operand : unsigned { Weight = 0, Data = 1 };

/// A memory declaration: its kind, name and geometry.
struct Memory {
  MemoryKind Kind = MemoryKind::WMem;
  std::string Name;
  uint64_t Banks = 1;   ///< cbuf banks (1 for the other kinds)
  uint64_t Entries = 0; ///< wmem words, cbuf entries per bank, cmac cells
  unsigned Width = 8;   ///< bits per word / entry / operand lane

  /// Number of rows: words, banks x entries, or cells x 2 operands.
  uint64_t rows() const {
    return Kind == MemoryKind::CMac ? Entries * 2 : Banks * Entries;
  }
  uint64_t cells() const { return rows() * Width; }
  /// The bank of \p Row (cbuf), else 0.
  uint64_t bankOf(uint64_t Row) const {
    return Kind == MemoryKind::CBuf ? Row / Entries : 0;
  }
  /// \p Row as the format spells it: "17", "3:100", "5:weight".
  std::string formatRow(uint64_t Row) const;
  /// "65536 words x 8 bits", for messages.
  std::string describe() const;
};

/// Explicit fault statements.
enum class FaultScope { Cell, Column, Row, Bank, Lane };
llvm::StringRef faultScopeName(FaultScope S);

struct ExplicitFault {
  FaultScope Scope = FaultScope::Cell;
  unsigned Mem = 0; ///< index into DefectMap::Memories
  /// Cell/Row/Lane: the row. Column: the bank (cbuf) or 0. Bank: the bank.
  uint64_t Index = 0;
  unsigned Bit = 0; ///< Cell and Column only
  bool StuckAt1 = false;
  unsigned Line = 0, Col = 0; ///< where it was read (0: made in code)
};

enum class Distribution { Uniform, ColumnClustered };

/// Procedural random faults of one memory: each cell is stuck with
/// probability Rate (uniform), stuck at 1 with probability Sa1Share given
/// that it is stuck. ColumnClustered: a column (bit line: the same bit of
/// every row of a bank, or of an operand for cmac) is weak with probability
/// 1/Cluster, and only weak columns have faults, at rate min(1,
/// Rate*Cluster); the expected rate stays Rate while Rate*Cluster <= 1.
struct RandomFaults {
  double Rate = 0;
  double Sa1Share = 0.5;
  uint64_t Seed = 0;
  Distribution Dist = Distribution::Uniform;
  double Cluster = 8;
  /// The spellings read from the file, printed back as they were.
  std::string RateText, Sa1ShareText, ClusterText;
  unsigned Line = 0;
};

/// Counts over every cell of a memory.
struct MemoryStats {
  uint64_t Rows = 0, Cells = 0;
  uint64_t FaultyCells = 0, Sa0Cells = 0, Sa1Cells = 0;
  uint64_t RowsWith1 = 0, RowsWith2Plus = 0; ///< rows with 1 / 2+ faults
};

/// A parsed map. After finalize() every query is const and may run on many
/// threads at once.
class DefectMap {
public:
  static constexpr unsigned Version = 1;

  std::string Chip; ///< empty: no chip line
  std::vector<Memory> Memories;
  std::vector<ExplicitFault> Faults; ///< file order
  /// At most one random statement per memory (indexed like Memories).
  std::vector<std::optional<RandomFaults>> Random;

  /// Adds a memory (name must be new; geometry is checked by the parser).
  unsigned addMemory(Memory M);
  /// The index of the memory called \p Name, or -1.
  int findMemory(llvm::StringRef Name) const;
  /// The first memory of kind \p K, or -1.
  int findMemoryOfKind(MemoryKind K) const;

  /// Checks the faults (ranges, conflicting duplicates) and builds the
  /// lookup tables. Must be called after the last change and before a
  /// query; \p File names the map in errors ("file:line:col: ...").
  llvm::Error finalize(llvm::StringRef File = "");

  /// The faults of bits [FirstBit, FirstBit+NumBits) of row \p Row, bit
  /// FirstBit at mask bit 0 (NumBits <= 64). Explicit faults win over
  /// procedural ones. Preconditions: finalize() succeeded, the range lies
  /// inside the memory.
  WordFaults faultsOfBits(unsigned Mem, uint64_t Row, unsigned FirstBit,
                          unsigned NumBits) const;
  /// The faults of a whole row of a memory at most 64 bits wide.
  WordFaults faultsOfWord(unsigned Mem, uint64_t Row) const {
    return faultsOfBits(Mem, Row, 0, Memories[Mem].Width);
  }
  /// The faults of \p NumBits (<= 64) bits at linear bit address
  /// \p BitAddress = row * width + bit, which may span rows: the view of a
  /// byte-addressed weight memory (a Q-bit weight at byte offset o starts at
  /// bit address 8 * o). Precondition: the range lies inside the memory.
  WordFaults faultsAtBitAddress(unsigned Mem, uint64_t BitAddress,
                                unsigned NumBits) const;
  /// Checked form for callers holding user input: names the memory and the
  /// address in the error.
  llvm::Expected<WordFaults> faultsOfWord(llvm::StringRef MemName,
                                          uint64_t Row) const;

  /// Counts every cell of memory \p Mem (cost: one draw per cell when the
  /// memory has random faults).
  MemoryStats stats(unsigned Mem) const;

  /// Prints the map in the canonical v1 text form (no comments).
  void print(llvm::raw_ostream &OS) const;

private:
  /// A stuck value and the line that set it (for conflict messages).
  struct Stuck {
    bool Sa1 = false;
    unsigned Line = 0;
  };
  struct Index {
    llvm::DenseMap<uint64_t, Stuck> Rows;  ///< row (or cmac lane)
    llvm::DenseMap<uint64_t, Stuck> Banks; ///< cbuf bank
    std::map<std::pair<uint64_t, unsigned>, Stuck> Columns; ///< (bank, bit)
    /// row -> bit -> stuck value, sorted for range queries
    llvm::DenseMap<uint64_t, std::map<unsigned, Stuck>> Cells;
    uint64_t NameKey = 0;
  };
  llvm::Error addToIndex(const ExplicitFault &F, llvm::StringRef File);
  std::vector<Index> Indexes;
  bool Finalized = false;
};

/// Parses map text \p Text; \p File names it in errors, which read
/// "<File>:<line>:<col>: <problem>".
llvm::Expected<DefectMap> parseDefectMap(llvm::StringRef Text,
                                         llvm::StringRef File);
/// Reads and parses a map file ("-" is stdin).
llvm::Expected<DefectMap> readDefectMap(llvm::StringRef Path);

/// Whether cell (Row, Bit) of memory \p M is stuck under \p R, and at what
/// (exposed for the sampler tests; DefectMap::faultsOfBits uses it).
bool drawRandomFault(const RandomFaults &R, const Memory &M, uint64_t NameKey,
                     uint64_t Row, unsigned Bit, bool &StuckAt1);

} // namespace fault
} // namespace onncf

#endif
