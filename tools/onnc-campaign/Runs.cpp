//===- Runs.cpp - One run of an onnc-campaign sweep -----------------------===//
//
// Part of onnc-fault (private to tools/onnc-campaign). See Runs.h.
//
//===----------------------------------------------------------------------===//
#include "Runs.h"
#include "NvdlaRun.h"
#include "onncf/Campaign/Stats.h"
#include "onncf/Fault/ChipInjection.h"
#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/WeightFaults.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <optional>

using namespace llvm;

namespace onncf {
namespace campaign {

/// Finishes a run's map and records the hash of its canonical text (which
/// names the chip in the CSV whatever produced it).
static Error finishMap(fault::DefectMap &Map, StringRef MapName,
                       RunRow &Row) {
  if (Error E = Map.finalize(MapName))
    return E;
  std::string Text;
  raw_string_ostream OS(Text);
  Map.print(OS);
  Row.MapHash = formatv("{0:x-16}", xxHash64(OS.str())).str();
  return Error::success();
}

/// Evaluates the chip \p Map (null: fault-free) on the placed, mitigated
/// graph \p G (consumed) and fills \p Row's accuracy fields: the faults
/// injected as onnc-run --defect-map does and the integer interpreter, or
/// (--executor=vp) the loadable on the virtual platform.
static Error evaluateChip(const Shared &S, Graph &G,
                          const fault::DefectMap *Map, StringRef MapName,
                          RunRow &Row) {
  std::unique_ptr<Executor> Exec;
  if (S.VP) {
    auto E = compileForVP(G, *S.Target, S.TO, *S.Cfg, Map, MapName);
    if (!E)
      return E.takeError();
    Exec = std::move(*E);
  } else {
    if (Error E = fault::injectChip(G, Map, MapName))
      return E;
    InterpreterOptions IO;
    IO.Threads = 1; // parallelism is across runs
    auto I = Interpreter::create(G, IO);
    if (!I)
      return I.takeError();
    Exec = std::move(*I);
  }
  auto R = evaluateDataset(*Exec, S.Data, S.EO);
  if (!R)
    return R.takeError();
  Row.Top1Correct = R->Top1;
  Row.Top5Correct = R->Top5;
  Row.Count = R->Count;
  return Error::success();
}

/// A cmac run: explicit `cell` faults on bit Spec.Bit of the chosen cells'
/// Spec.Operand lane, then the lane mitigation.
static Error buildCmacChip(const Shared &S, const RunSpec &Spec, Graph &G,
                           fault::DefectMap &Map, std::string &MapName,
                           RunRow &Row) {
  Row.Operand = Spec.Operand == fault::Operand::Weight ? "weight" : "data";
  Row.Bit = Spec.Bit;
  Row.Stuck = Spec.Stuck;
  fault::Memory M;
  M.Kind = fault::MemoryKind::CMac;
  M.Name = "cmac";
  M.Entries = S.Geo.cells();
  M.Width = 8;
  unsigned Idx = Map.addMemory(M);
  for (unsigned Cell : S.Cells) {
    fault::ExplicitFault F;
    F.Scope = fault::FaultScope::Cell;
    F.Mem = Idx;
    F.Index = uint64_t(Cell) * 2 + unsigned(Spec.Operand);
    F.Bit = unsigned(Spec.Bit);
    F.StuckAt1 = Spec.Stuck == 1;
    Map.Faults.push_back(F);
  }
  MapName = formatv("map({0},bit={1},sa{2})", Row.Operand, Spec.Bit,
                    Spec.Stuck)
                .str();
  if (Error E = finishMap(Map, MapName, Row))
    return E;
  auto Rep = fault::mitigateMacLanes(G, Map, S.Mitigations[Spec.Mitigation],
                                     MapName);
  if (!Rep)
    return Rep.takeError();
  Row.Clamped = Rep->Clamped;
  auto L = fault::MacLaneModel::fromDefectMap(Map, S.Geo, MapName);
  if (!L)
    return L.takeError();
  for (unsigned C = 0; C < S.Geo.cells(); ++C)
    Row.FaultyLanes += L->faulty(C, fault::Operand::Weight) +
                       L->faulty(C, fault::Operand::Data);
  return Error::success();
}

/// A rate run: a procedural map of the weight memory (sized to the
/// placement) or of the config's CBUF, then the weight mitigation (CBUF
/// faults have none, and no stored words to count).
static Error buildRandomChip(const Shared &S, const RunSpec &Spec, Graph &G,
                             fault::DefectMap &Map, std::string &MapName,
                             RunRow &Row) {
  Row.Seed = mapSeed(S.Seed, Spec.Rate, Spec.Map);
  fault::Memory M;
  if (S.Cbuf) {
    // The config's convolution buffer (onnc-fault checks a cbuf memory
    // against exactly this geometry).
    M.Kind = fault::MemoryKind::CBuf;
    M.Name = "cbuf";
    M.Banks = S.Cfg->CbufBanks;
    M.Entries = S.Cfg->CbufBankDepth;
    M.Width = 8 * S.Cfg->CbufEntryBytes;
  } else {
    M.Kind = fault::MemoryKind::WMem;
    M.Name = "wmem";
    M.Entries = S.WMemBytes;
    M.Width = 8;
  }
  unsigned Idx = Map.addMemory(M);
  fault::RandomFaults R;
  R.Rate = Spec.Rate;
  R.Sa1Share = S.Sa1Share;
  R.Seed = Row.Seed;
  Map.Random[Idx] = R;
  MapName = formatv("map(rate={0},k={1},seed={2})", formatDouble(Spec.Rate),
                    Spec.Map, Row.Seed)
                .str();
  if (Error E = finishMap(Map, MapName, Row))
    return E;
  if (S.Cbuf)
    return Error::success();
  auto Rep = fault::mitigateWeights(G, Map, S.Mitigations[Spec.Mitigation],
                                    MapName);
  if (!Rep)
    return Rep.takeError();
  Row.FaultyWords = Rep->Totals.FaultyWords;
  Row.Words1NonSilent = Rep->Totals.Words1NonSilent;
  Row.Words2PlusNonSilent = Rep->Totals.Words2PlusNonSilent;
  return Error::success();
}

Expected<RunRow> runOne(const Shared &S, const RunSpec &Spec) {
  const bool FaultFree = S.Cmac ? Spec.Bit < 0 : Spec.Rate == 0;
  RunRow Row;
  Row.Index = Spec.Index;
  if (!S.Cmac) {
    Row.Rate = Spec.Rate;
    Row.Map = Spec.Map;
  }
  Row.WeightBits = S.WeightBits;
  Row.Mitigation =
      FaultFree ? "none" : S.Mitigations[Spec.Mitigation].name();
  Row.MapHash = "-";
  auto G = parseGraph(S.PlacedText, "<placed model>");
  if (!G)
    return G.takeError();
  std::optional<fault::DefectMap> Map;
  std::string MapName;
  if (!FaultFree) {
    Map.emplace();
    Error E = S.Cmac ? buildCmacChip(S, Spec, **G, *Map, MapName, Row)
                     : buildRandomChip(S, Spec, **G, *Map, MapName, Row);
    if (E)
      return std::move(E);
  }
  if (Error E = evaluateChip(S, **G, Map ? &*Map : nullptr, MapName, Row))
    return std::move(E);
  return Row;
}

} // namespace campaign
} // namespace onncf
