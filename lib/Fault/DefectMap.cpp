//===- DefectMap.cpp - Lookup, checks and statistics of defect maps -------===//
//
// Part of onnc-fault. finalize() turns the statements of a map into lookup
// tables and rejects conflicting duplicates (a cell that two statements
// stick at different values); faultsOfBits() combines the explicit faults
// with the procedural ones, which are drawn per cell from a counter-based
// hash (CounterRNG.h) and never stored.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/CounterRNG.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>

using namespace llvm;

namespace onncf {
namespace fault {

StringRef memoryKindName(MemoryKind K) {
  switch (K) {
  case MemoryKind::WMem:
    return "wmem";
  case MemoryKind::CBuf:
    return "cbuf";
  case MemoryKind::CMac:
    return "cmac";
  }
  return "?";
}

std::optional<MemoryKind> parseMemoryKind(StringRef S) {
  if (S == "wmem")
    return MemoryKind::WMem;
  if (S == "cbuf")
    return MemoryKind::CBuf;
  if (S == "cmac")
    return MemoryKind::CMac;
  return std::nullopt;
}

StringRef faultScopeName(FaultScope S) {
  switch (S) {
  case FaultScope::Cell:
    return "cell";
  case FaultScope::Column:
    return "column";
  case FaultScope::Row:
    return "row";
  case FaultScope::Bank:
    return "bank";
  case FaultScope::Lane:
    return "lane";
  }
  return "?";
}

std::string Memory::formatRow(uint64_t Row) const {
  switch (Kind) {
  case MemoryKind::WMem:
    return std::to_string(Row);
  case MemoryKind::CBuf:
    return std::to_string(Row / Entries) + ":" + std::to_string(Row % Entries);
  case MemoryKind::CMac:
    return std::to_string(Row / 2) + ":" + (Row % 2 ? "data" : "weight");
  }
  return std::to_string(Row);
}

std::string Memory::describe() const {
  switch (Kind) {
  case MemoryKind::WMem:
    return (Twine(Entries) + " words x " + Twine(Width) + " bits").str();
  case MemoryKind::CBuf:
    return (Twine(Banks) + " banks x " + Twine(Entries) + " entries x " +
            Twine(Width) + " bits")
        .str();
  case MemoryKind::CMac:
    return (Twine(Entries) + " MAC cells x 2 operands x " + Twine(Width) +
            " bits")
        .str();
  }
  return "";
}

unsigned DefectMap::addMemory(Memory M) {
  Memories.push_back(std::move(M));
  Random.emplace_back();
  Finalized = false;
  return unsigned(Memories.size() - 1);
}

int DefectMap::findMemory(StringRef Name) const {
  for (size_t I = 0; I < Memories.size(); ++I)
    if (Memories[I].Name == Name)
      return int(I);
  return -1;
}

int DefectMap::findMemoryOfKind(MemoryKind K) const {
  for (size_t I = 0; I < Memories.size(); ++I)
    if (Memories[I].Kind == K)
      return int(I);
  return -1;
}

static Error errorAt(StringRef File, unsigned Line, unsigned Col,
                     const Twine &Msg) {
  std::string Where = File.str();
  if (Line)
    Where += (Twine(Where.empty() ? "" : ":") + Twine(Line) + ":" + Twine(Col))
                 .str();
  return makeError(Where.empty() ? Msg : Twine(Where) + ": " + Msg);
}

static const char *stuckName(bool Sa1) { return Sa1 ? "sa1" : "sa0"; }

/// The description of fault \p F as written in the map ("cell wmem 17 3").
static std::string describeFault(const DefectMap &Map, const ExplicitFault &F) {
  const Memory &M = Map.Memories[F.Mem];
  std::string S = (faultScopeName(F.Scope) + " " + M.Name).str();
  switch (F.Scope) {
  case FaultScope::Cell:
    return S + " " + M.formatRow(F.Index) + " " + std::to_string(F.Bit);
  case FaultScope::Column:
    if (M.Kind == MemoryKind::CBuf)
      S += " " + std::to_string(F.Index);
    return S + " " + std::to_string(F.Bit);
  case FaultScope::Row:
  case FaultScope::Lane:
    return S + " " + M.formatRow(F.Index);
  case FaultScope::Bank:
    return S + " " + std::to_string(F.Index);
  }
  return S;
}

Error DefectMap::addToIndex(const ExplicitFault &F, StringRef File) {
  const Memory &M = Memories[F.Mem];
  Index &X = Indexes[F.Mem];
  auto Conflict = [&](const Stuck &Other) -> Error {
    if (Other.Sa1 == F.StuckAt1)
      return Error::success(); // a duplicate that agrees: harmless
    return errorAt(File, F.Line, F.Col,
                   "conflicting fault: " + describeFault(*this, F) + " " +
                       stuckName(F.StuckAt1) + " overlaps cells stuck at " +
                       (Other.Sa1 ? "1" : "0") +
                       (Other.Line ? " by line " + Twine(Other.Line) : ""));
  };
  Stuck Me{F.StuckAt1, F.Line};
  // The bank of a row-like fault, for the bank and column checks.
  switch (F.Scope) {
  case FaultScope::Cell: {
    uint64_t Bank = M.bankOf(F.Index);
    if (auto It = X.Banks.find(Bank); It != X.Banks.end())
      if (Error E = Conflict(It->second))
        return E;
    if (auto It = X.Rows.find(F.Index); It != X.Rows.end())
      if (Error E = Conflict(It->second))
        return E;
    if (auto It = X.Columns.find({Bank, F.Bit}); It != X.Columns.end())
      if (Error E = Conflict(It->second))
        return E;
    auto &Row = X.Cells[F.Index];
    auto [It, New] = Row.try_emplace(F.Bit, Me);
    if (!New)
      return Conflict(It->second);
    return Error::success();
  }
  case FaultScope::Column: {
    if (auto It = X.Banks.find(F.Index); It != X.Banks.end())
      if (Error E = Conflict(It->second))
        return E;
    for (const auto &R : X.Rows)
      if (M.bankOf(R.first) == F.Index)
        if (Error E = Conflict(R.second))
          return E;
    for (const auto &R : X.Cells)
      if (M.bankOf(R.first) == F.Index)
        if (auto It = R.second.find(F.Bit); It != R.second.end())
          if (Error E = Conflict(It->second))
            return E;
    auto [It, New] = X.Columns.try_emplace({F.Index, F.Bit}, Me);
    if (!New)
      return Conflict(It->second);
    return Error::success();
  }
  case FaultScope::Row:
  case FaultScope::Lane: {
    uint64_t Bank = M.bankOf(F.Index);
    if (auto It = X.Banks.find(Bank); It != X.Banks.end())
      if (Error E = Conflict(It->second))
        return E;
    for (auto It = X.Columns.lower_bound({Bank, 0});
         It != X.Columns.end() && It->first.first == Bank; ++It)
      if (Error E = Conflict(It->second))
        return E;
    if (auto It = X.Cells.find(F.Index); It != X.Cells.end())
      for (const auto &C : It->second)
        if (Error E = Conflict(C.second))
          return E;
    auto [It, New] = X.Rows.try_emplace(F.Index, Me);
    if (!New)
      return Conflict(It->second);
    return Error::success();
  }
  case FaultScope::Bank: {
    for (const auto &R : X.Rows)
      if (M.bankOf(R.first) == F.Index)
        if (Error E = Conflict(R.second))
          return E;
    for (auto It = X.Columns.lower_bound({F.Index, 0});
         It != X.Columns.end() && It->first.first == F.Index; ++It)
      if (Error E = Conflict(It->second))
        return E;
    for (const auto &R : X.Cells)
      if (M.bankOf(R.first) == F.Index)
        for (const auto &C : R.second)
          if (Error E = Conflict(C.second))
            return E;
    auto [It, New] = X.Banks.try_emplace(F.Index, Me);
    if (!New)
      return Conflict(It->second);
    return Error::success();
  }
  }
  return Error::success();
}

Error DefectMap::finalize(StringRef File) {
  Finalized = false;
  Indexes.assign(Memories.size(), Index());
  Random.resize(Memories.size());
  for (size_t I = 0; I < Memories.size(); ++I) {
    const Memory &M = Memories[I];
    // The parser checks these; maps built in code are checked here.
    unsigned MaxWidth = M.Kind == MemoryKind::CBuf ? 4096 : 64;
    if (M.Banks == 0 || M.Entries == 0 || M.Width == 0 || M.Width > MaxWidth ||
        (M.Kind != MemoryKind::CBuf && M.Banks != 1))
      return errorAt(File, 0, 0,
                     "memory '" + M.Name + "' has an invalid geometry (" +
                         M.describe() + ")");
    Indexes[I].NameKey = stableNameHash(M.Name);
  }
  for (const ExplicitFault &F : Faults) {
    if (F.Mem >= Memories.size())
      return errorAt(File, F.Line, F.Col, "fault names no declared memory");
    const Memory &M = Memories[F.Mem];
    bool RowLike = F.Scope == FaultScope::Cell || F.Scope == FaultScope::Row ||
                   F.Scope == FaultScope::Lane;
    uint64_t Limit = RowLike ? M.rows() : M.Banks;
    if (F.Index >= Limit)
      return errorAt(File, F.Line, F.Col,
                     Twine(RowLike ? "row " : "bank ") + Twine(F.Index) +
                         " is outside memory '" + M.Name + "' (" +
                         M.describe() + ")");
    if ((F.Scope == FaultScope::Cell || F.Scope == FaultScope::Column) &&
        F.Bit >= M.Width)
      return errorAt(File, F.Line, F.Col,
                     "bit " + Twine(F.Bit) + " is outside memory '" + M.Name +
                         "' (" + M.describe() + ")");
    if (Error E = addToIndex(F, File))
      return E;
  }
  Finalized = true;
  return Error::success();
}

namespace {
/// One random statement's thresholds and stream keys, computed once per
/// query rather than once per cell.
class RandomDraw {
public:
  RandomDraw(const RandomFaults &R, const Memory &M, uint64_t NameKey)
      : R(R), M(M), CellStream(counterStreamKey(R.Seed, NameKey)),
        ColumnStream(counterStreamKey(R.Seed, NameKey ^ ColumnTag)),
        Fault(probabilityThreshold(R.Rate)),
        Weak(probabilityThreshold(1.0 / R.Cluster)),
        WeakFault(probabilityThreshold(std::min(1.0, R.Rate * R.Cluster))),
        Sa1(probabilityThreshold(R.Sa1Share)) {}

  /// Draws bits [First, First+Count) of \p Row, skipping \p Skip.
  WordFaults row(uint64_t Row, unsigned First, unsigned Count,
                 uint64_t Skip) const {
    WordFaults F;
    const uint64_t RowKey = counterRowKey(CellStream, Row);
    // The column of a cell: its bit in its bank (cbuf), in its operand
    // (cmac), or in the whole memory (wmem).
    const uint64_t Group = M.Kind == MemoryKind::CMac ? Row % 2 : M.bankOf(Row);
    const uint64_t GroupKey = counterRowKey(ColumnStream, Group);
    for (unsigned B = 0; B < Count; ++B) {
      if ((Skip >> B) & 1)
        continue;
      uint64_t T = Fault;
      if (R.Dist == Distribution::ColumnClustered) {
        if (counterFinish(GroupKey, First + B) >= Weak)
          continue;
        T = WeakFault;
      }
      uint64_t H = counterFinish(RowKey, First + B);
      if (H < T)
        (splitMix64(H) < Sa1 ? F.Sa1 : F.Sa0) |= uint64_t(1) << B;
    }
    return F;
  }

private:
  static constexpr uint64_t ColumnTag = 0xC011C011C011C011ULL;
  const RandomFaults &R;
  const Memory &M;
  uint64_t CellStream, ColumnStream;
  uint64_t Fault, Weak, WeakFault, Sa1;
};
} // namespace

bool drawRandomFault(const RandomFaults &R, const Memory &M, uint64_t NameKey,
                     uint64_t Row, unsigned Bit, bool &StuckAt1) {
  WordFaults F = RandomDraw(R, M, NameKey).row(Row, Bit, 1, 0);
  StuckAt1 = F.Sa1 != 0;
  return !F.empty();
}

WordFaults DefectMap::faultsOfBits(unsigned Mem, uint64_t Row,
                                   unsigned FirstBit, unsigned NumBits) const {
  assert(Finalized && "DefectMap::finalize() must succeed before queries");
  assert(NumBits <= 64 && Mem < Memories.size());
  const Memory &M = Memories[Mem];
  const Index &X = Indexes[Mem];
  const uint64_t All =
      NumBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << NumBits) - 1;
  WordFaults R;
  auto SetAll = [&](bool Sa1) { (Sa1 ? R.Sa1 : R.Sa0) = All; };
  const uint64_t Bank = M.bankOf(Row);
  if (auto It = X.Banks.find(Bank); It != X.Banks.end()) {
    SetAll(It->second.Sa1);
    return R; // explicit statements never conflict: nothing else to add
  }
  if (auto It = X.Rows.find(Row); It != X.Rows.end()) {
    SetAll(It->second.Sa1);
    return R;
  }
  for (auto It = X.Columns.lower_bound({Bank, FirstBit});
       It != X.Columns.end() && It->first.first == Bank &&
       It->first.second < FirstBit + NumBits;
       ++It)
    (It->second.Sa1 ? R.Sa1 : R.Sa0) |= uint64_t(1)
                                        << (It->first.second - FirstBit);
  if (auto RowIt = X.Cells.find(Row); RowIt != X.Cells.end())
    for (auto It = RowIt->second.lower_bound(FirstBit);
         It != RowIt->second.end() && It->first < FirstBit + NumBits; ++It)
      (It->second.Sa1 ? R.Sa1 : R.Sa0) |= uint64_t(1) << (It->first - FirstBit);
  if (const auto &Rand = Random[Mem]) {
    WordFaults D = RandomDraw(*Rand, M, X.NameKey)
                       .row(Row, FirstBit, NumBits, R.defective());
    R.Sa0 |= D.Sa0;
    R.Sa1 |= D.Sa1;
  }
  return R;
}

WordFaults DefectMap::faultsAtBitAddress(unsigned Mem, uint64_t BitAddress,
                                         unsigned NumBits) const {
  const unsigned Width = Memories[Mem].Width;
  WordFaults R;
  unsigned Done = 0;
  while (Done < NumBits) {
    uint64_t Row = (BitAddress + Done) / Width;
    unsigned Bit = unsigned((BitAddress + Done) % Width);
    unsigned N = std::min(NumBits - Done, std::min(64u, Width - Bit));
    WordFaults F = faultsOfBits(Mem, Row, Bit, N);
    R.Sa0 |= F.Sa0 << Done;
    R.Sa1 |= F.Sa1 << Done;
    Done += N;
  }
  return R;
}

Expected<WordFaults> DefectMap::faultsOfWord(StringRef MemName,
                                             uint64_t Row) const {
  int Mem = findMemory(MemName);
  if (Mem < 0)
    return makeError("defect map has no memory '" + MemName + "'");
  const Memory &M = Memories[Mem];
  if (Row >= M.rows())
    return makeError("row " + Twine(Row) + " is outside memory '" + MemName +
                     "' (" + M.describe() + ")");
  if (M.Width > 64)
    return makeError("memory '" + MemName + "' has " + Twine(M.Width) +
                     "-bit rows; query them 64 bits at a time");
  return faultsOfWord(unsigned(Mem), Row);
}

MemoryStats DefectMap::stats(unsigned Mem) const {
  const Memory &M = Memories[Mem];
  const Index &X = Indexes[Mem];
  MemoryStats S;
  S.Rows = M.rows();
  S.Cells = M.cells();
  auto AddRow = [&](uint64_t Row) {
    uint64_t InRow = 0;
    for (unsigned First = 0; First < M.Width; First += 64) {
      WordFaults F =
          faultsOfBits(Mem, Row, First, std::min(64u, M.Width - First));
      S.Sa0Cells += countOnes(F.Sa0);
      S.Sa1Cells += countOnes(F.Sa1);
      InRow += countOnes(F.defective());
    }
    S.FaultyCells += InRow;
    S.RowsWith1 += InRow == 1;
    S.RowsWith2Plus += InRow >= 2;
  };
  if (Random[Mem]) { // every cell may be faulty: visit them all
    for (uint64_t Row = 0; Row < S.Rows; ++Row)
      AddRow(Row);
    return S;
  }
  // Explicit faults only: rows named by a row, lane or cell statement are
  // visited; every other row of a bank has exactly the bank's column faults
  // (or the whole bank's), so it is counted in bulk.
  std::vector<uint64_t> Named;
  for (const auto &R : X.Rows)
    Named.push_back(R.first);
  for (const auto &R : X.Cells)
    Named.push_back(R.first);
  llvm::sort(Named);
  Named.erase(std::unique(Named.begin(), Named.end()), Named.end());
  for (uint64_t Row : Named)
    AddRow(Row);
  const uint64_t RowsPerBank = M.Kind == MemoryKind::CBuf ? M.Entries : S.Rows;
  size_t NamedIdx = 0;
  for (uint64_t Bank = 0; Bank < M.Banks; ++Bank) {
    uint64_t NamedInBank = 0;
    while (NamedIdx < Named.size() && M.bankOf(Named[NamedIdx]) == Bank) {
      ++NamedInBank;
      ++NamedIdx;
    }
    uint64_t Plain = RowsPerBank - NamedInBank;
    uint64_t Sa0 = 0, Sa1 = 0;
    if (auto It = X.Banks.find(Bank); It != X.Banks.end()) {
      (It->second.Sa1 ? Sa1 : Sa0) = M.Width;
    } else {
      for (auto It = X.Columns.lower_bound({Bank, 0});
           It != X.Columns.end() && It->first.first == Bank; ++It)
        ++(It->second.Sa1 ? Sa1 : Sa0);
    }
    S.Sa0Cells += Plain * Sa0;
    S.Sa1Cells += Plain * Sa1;
    S.FaultyCells += Plain * (Sa0 + Sa1);
    if (Sa0 + Sa1 == 1)
      S.RowsWith1 += Plain;
    else if (Sa0 + Sa1 >= 2)
      S.RowsWith2Plus += Plain;
  }
  return S;
}

} // namespace fault
} // namespace onncf
