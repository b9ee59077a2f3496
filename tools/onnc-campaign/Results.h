//===- Results.h - onnc-campaign's runs, CSV, summary and plot --*- C++ -*-===//
//
// Part of onnc-fault. The results of a campaign are a provenance object and
// one row per run. Everything written (runs CSV, summary JSON, plot) is a
// function of these two alone, so a sweep run in one go and the same sweep
// run as shards and merged produce the same bytes.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TOOLS_CAMPAIGN_RESULTS_H
#define ONNCF_TOOLS_CAMPAIGN_RESULTS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <string>
#include <vector>

namespace onncf {
namespace campaign {

/// One run: a (rate, map, mitigation) cell of the sweep.
struct RunRow {
  uint64_t Index = 0; ///< position in the full sweep (rows sort by it)
  double Rate = 0;
  unsigned Map = 0;
  uint64_t Seed = 0; ///< the defect map's seed (0 at rate 0)
  std::string Mitigation;
  unsigned WeightBits = 8;
  uint64_t FaultyWords = 0, Words1NonSilent = 0, Words2PlusNonSilent = 0;
  int64_t Top1Correct = 0, Top5Correct = 0, Count = 0;
  std::string MapHash; ///< 16 hex digits of the map's canonical text, or "-"
  // --memory=cmac (seed 000's lane faults): the faulted operand lane ("-"
  // for the fault-free run), bit and stuck value (-1 there), the lanes that
  // change some value and the weights sign-bit-clamp changed.
  std::string Operand = "-";
  int Bit = -1, Stuck = -1;
  uint64_t FaultyLanes = 0, Clamped = 0;
};

/// The campaign's identity: the settings that determine its rows (not -j,
/// --shard or the output paths). Its "campaign_hash" is a hash of the rest.
struct Campaign {
  llvm::json::Object Provenance;
  uint64_t TotalRuns = 0;
  std::vector<double> Rates;            ///< as given (0 = fault-free)
  std::vector<std::string> Mitigations; ///< as given
  /// --memory=cmac: the sweep axes (the CSV and summary have their fields).
  bool Cmac = false;
  std::vector<std::string> Operands;
  std::vector<int> Bits, Stucks;
};

/// Shortest decimal spelling of \p D that reads back as \p D.
std::string formatDouble(double D);

/// Writes \p Rows (sorted by Index) as the runs CSV: one "# onnc-campaign"
/// comment line with the provenance JSON, a header and one line per run.
llvm::Error writeRunsCSV(llvm::StringRef Path, const Campaign &C,
                         llvm::ArrayRef<RunRow> Rows);
/// Reads a runs CSV written by writeRunsCSV; errors name the file and line.
llvm::Error readRunsCSV(llvm::StringRef Path, Campaign &C,
                        std::vector<RunRow> &Rows);

/// Writes the summary JSON: the provenance and the `points` array.
llvm::Error writeSummary(llvm::StringRef Path, const Campaign &C,
                         llvm::ArrayRef<RunRow> Rows);

/// Writes \p Path's gnuplot script (.gp) and data (.dat) and runs gnuplot
/// to make \p Path (SVG) and the same name with .png. A missing gnuplot is
/// a warning, not an error.
llvm::Error writePlot(llvm::StringRef Path, const Campaign &C,
                      llvm::ArrayRef<RunRow> Rows);

//===-- --memory=cmac (CmacResults.cpp)
//------------------------------------===//
// The same files for a lane campaign: the CSV columns are run, operand,
// bit, stuck, mitigation, faulty_lanes, clamped_weights, top1, top5, count,
// top1_correct, top5_correct, map_hash; the summary has a fault_free object
// and one point per (operand, bit, stuck, mitigation); the plot is top-1 vs
// bit, one panel per operand.

extern const char *CmacCSVHeader;
void writeCmacRow(llvm::raw_ostream &OS, const RunRow &R);
/// Parses one CSV line's fields (13) into \p R; the error says what.
llvm::Error readCmacRow(llvm::ArrayRef<llvm::StringRef> F, RunRow &R);
/// Reads the sweep axes of a cmac provenance into \p C.
llvm::Error readCmacProvenance(const llvm::json::Object &O, Campaign &C);
llvm::json::Object cmacSummary(const Campaign &C, llvm::ArrayRef<RunRow> Rows);
/// The gnuplot data and plot command of a cmac campaign.
void cmacPlotData(const Campaign &C, llvm::ArrayRef<RunRow> Rows,
                  llvm::raw_ostream &Data, llvm::raw_ostream &Script,
                  llvm::StringRef DatName);
/// Runs "x.xxxxxx" for Num/Den (0 for Den 0).
std::string ratio(int64_t Num, int64_t Den);

} // namespace campaign
} // namespace onncf

#endif
