//===- Results.cpp - onnc-campaign's runs, CSV, summary and plot ----------===//
//
// Part of onnc-fault. See Results.h and docs/tools/onnc-campaign.md.
//
//===----------------------------------------------------------------------===//
#include "Results.h"
#include "onncf/Campaign/Stats.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>

using namespace llvm;

namespace onncf {
namespace campaign {

static constexpr const char *CSVHeader =
    "run,rate,map,seed,mitigation,weight_bits,faulty_words,"
    "words_1_nonsilent,words_2plus_nonsilent,top1,top5,count,top1_correct,"
    "top5_correct,map_hash";
static constexpr const char *CommentPrefix = "# onnc-campaign ";

std::string formatDouble(double D) {
  for (int Digits = 1; Digits <= 17; ++Digits) {
    std::string S = formatv("{0}", format("%.*g", Digits, D)).str();
    if (std::strtod(S.c_str(), nullptr) == D)
      return S;
  }
  return formatv("{0}", format("%.17g", D)).str();
}

std::string ratio(int64_t Num, int64_t Den) {
  return Den ? formatv("{0}", format("%.6f", double(Num) / double(Den))).str()
             : std::string("0");
}

/// The provenance line's JSON (keys sorted by llvm::json, so it is
/// canonical and survives a read/write round trip unchanged).
static std::string provenanceLine(const Campaign &C) {
  json::Object O = C.Provenance;
  O["total_runs"] = int64_t(C.TotalRuns);
  std::string S;
  raw_string_ostream OS(S);
  OS << json::Value(std::move(O));
  return OS.str();
}

Error writeRunsCSV(StringRef Path, const Campaign &C, ArrayRef<RunRow> Rows) {
  return writeFileAtomically(Path, [&](raw_ostream &OS) {
    OS << CommentPrefix << provenanceLine(C) << "\n"
       << (C.Cmac ? CmacCSVHeader : CSVHeader) << "\n";
    for (const RunRow &R : Rows)
      if (C.Cmac)
        writeCmacRow(OS, R);
      else
        OS << R.Index << "," << formatDouble(R.Rate) << "," << R.Map << ","
           << R.Seed << "," << R.Mitigation << "," << R.WeightBits << ","
           << R.FaultyWords << "," << R.Words1NonSilent << ","
           << R.Words2PlusNonSilent << "," << ratio(R.Top1Correct, R.Count)
           << "," << ratio(R.Top5Correct, R.Count) << "," << R.Count << ","
           << R.Top1Correct << "," << R.Top5Correct << "," << R.MapHash << "\n";
    return Error::success();
  });
}

/// Parses the provenance back into \p C (rates, mitigations, total runs).
static Error readProvenance(StringRef Path, StringRef Text, Campaign &C) {
  auto V = json::parse(Text);
  if (!V)
    return makeError(Path +
                     ":1: bad provenance JSON: " + toString(V.takeError()));
  json::Object *O = V->getAsObject();
  auto Total = O ? O->getInteger("total_runs") : None;
  json::Array *Rates = O ? O->getArray("rates") : nullptr;
  json::Array *Mits = O ? O->getArray("mitigations") : nullptr;
  auto Mem = O ? O->getString("memory") : None;
  C.Cmac = Mem && *Mem == "cmac";
  json::Array NoRates;
  if (C.Cmac && !Rates)
    Rates = &NoRates; // a lane sweep has no rates
  if (!Total || !Rates || !Mits || !O->getString("campaign_hash"))
    return makeError(Path + ":1: the provenance line lacks total_runs, "
                            "rates, mitigations or campaign_hash");
  C.TotalRuns = uint64_t(*Total);
  if (C.Cmac)
    if (Error E = readCmacProvenance(*O, C))
      return makeError(Path + ":1: " + toString(std::move(E)));
  C.Rates.clear();
  C.Mitigations.clear();
  for (const json::Value &R : *Rates)
    if (auto D = R.getAsNumber())
      C.Rates.push_back(*D);
  for (const json::Value &M : *Mits)
    if (auto S = M.getAsString())
      C.Mitigations.push_back(S->str());
  // Copy all but total_runs: LLVM 14's json::Object copy revives erased
  // keys (ObjectKey's assignment keeps a stale owned string), so no erase.
  C.Provenance = json::Object();
  for (auto &KV : *O)
    if (KV.first != "total_runs")
      C.Provenance[KV.first] = KV.second;
  return Error::success();
}

Error readRunsCSV(StringRef Path, Campaign &C, std::vector<RunRow> &Rows) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  SmallVector<StringRef, 0> Lines;
  StringRef((*Buf)->getBuffer()).split(Lines, '\n', -1, false);
  if (Lines.size() < 2 || !Lines[0].startswith(CommentPrefix))
    return makeError(Path + ": not an onnc-campaign runs CSV (no '" +
                     StringRef(CommentPrefix).rtrim() + "' first line)");
  if (Error E =
          readProvenance(Path, Lines[0].drop_front(strlen(CommentPrefix)), C))
    return E;
  if (Lines[1].rtrim("\r") != (C.Cmac ? CmacCSVHeader : CSVHeader))
    return makeError(Path + ":2: unexpected CSV header");
  for (size_t L = 2; L < Lines.size(); ++L) {
    SmallVector<StringRef, 16> F;
    Lines[L].rtrim("\r").split(F, ',');
    RunRow R;
    auto Bad = [&](const Twine &What) {
      return makeError(Path + ":" + Twine(L + 1) + ": bad " + What);
    };
    if (C.Cmac) {
      if (Error E = readCmacRow(F, R))
        return makeError(Path + ":" + Twine(L + 1) + ": " +
                         toString(std::move(E)));
      if (R.Index >= C.TotalRuns)
        return Bad("run index '" + F[0] + "'");
      Rows.push_back(std::move(R));
      continue;
    }
    if (F.size() != 15)
      return Bad("row (expected 15 fields, got " + Twine(F.size()) + ")");
    if (F[0].getAsInteger(10, R.Index) || R.Index >= C.TotalRuns)
      return Bad("run index '" + F[0] + "'");
    if (F[1].getAsDouble(R.Rate))
      return Bad("rate '" + F[1] + "'");
    if (F[2].getAsInteger(10, R.Map) || F[3].getAsInteger(10, R.Seed) ||
        F[5].getAsInteger(10, R.WeightBits) ||
        F[6].getAsInteger(10, R.FaultyWords) ||
        F[7].getAsInteger(10, R.Words1NonSilent) ||
        F[8].getAsInteger(10, R.Words2PlusNonSilent) ||
        F[11].getAsInteger(10, R.Count) ||
        F[12].getAsInteger(10, R.Top1Correct) ||
        F[13].getAsInteger(10, R.Top5Correct))
      return Bad("integer field");
    R.Mitigation = F[4].str();
    R.MapHash = F[14].str();
    Rows.push_back(std::move(R));
  }
  return Error::success();
}

Error writeSummary(StringRef Path, const Campaign &C, ArrayRef<RunRow> Rows) {
  if (C.Cmac) {
    json::Object Top = cmacSummary(C, Rows);
    return writeFileAtomically(Path, [&](raw_ostream &OS) {
      OS << formatv("{0:2}", json::Value(std::move(Top))) << "\n";
      return Error::success();
    });
  }
  json::Array Points;
  for (double Rate : C.Rates)
    for (const std::string &Mit : C.Mitigations) {
      // Rate 0 is one fault-free run; every mitigation's curve starts at it.
      int64_t Runs = 0, Hit1 = 0, Hit5 = 0, N = 0;
      unsigned Bits = 0;
      for (const RunRow &R : Rows)
        if (R.Rate == Rate && (Rate == 0 || R.Mitigation == Mit)) {
          ++Runs;
          Hit1 += R.Top1Correct;
          Hit5 += R.Top5Correct;
          N += R.Count;
          Bits = R.WeightBits;
        }
      if (!Runs)
        continue;
      Interval I = wilsonInterval(uint64_t(Hit1), uint64_t(N));
      Points.push_back(json::Object{{"rate", Rate},
                                    {"mitigation", Mit},
                                    {"weight_bits", int64_t(Bits)},
                                    {"runs", Runs},
                                    {"images", N},
                                    {"top1_correct", Hit1},
                                    {"top1_mean", N ? double(Hit1) / N : 0.0},
                                    {"top1_ci_low", I.Low},
                                    {"top1_ci_high", I.High},
                                    {"top5_mean", N ? double(Hit5) / N : 0.0}});
    }
  json::Object Top{
      {"provenance", json::Object(C.Provenance)},
      {"runs", int64_t(Rows.size())},
      {"interval",
       "Wilson score interval, 95 % (z = 1.959963984540054), over the "
       "pooled top-1 hits / images of all runs of the point (maps x "
       "images); top1_mean is the pooled hits / images"},
      {"points", std::move(Points)}};
  return writeFileAtomically(Path, [&](raw_ostream &OS) {
    OS << formatv("{0:2}", json::Value(std::move(Top))) << "\n";
    return Error::success();
  });
}

static Error runGnuplot(StringRef Gp, StringRef Dat);

Error writePlot(StringRef Path, const Campaign &C, ArrayRef<RunRow> Rows) {
  SmallString<256> Base(Path);
  sys::path::replace_extension(Base, "");
  std::string Gp = (Base + ".gp").str(), Dat = (Base + ".dat").str(),
              Png = (Base + ".png").str();
  // One data block per mitigation: rate in %, top-1, CI low, CI high.
  std::string Data;
  raw_string_ostream DS(Data);
  if (C.Cmac) {
    std::string Script;
    raw_string_ostream GS(Script);
    GS << "# onnc-campaign plot: top-1 vs faulty bit of a MAC operand lane "
          "per stuck value and mitigation, Wilson 95 % error bars.\n"
       << "set terminal svg size 1100,520\nset output '"
       << sys::path::filename(Path) << "'\n";
    std::string Body;
    raw_string_ostream BS(Body);
    cmacPlotData(C, Rows, DS, BS, sys::path::filename(Dat));
    GS << BS.str() << "set terminal pngcairo size 1100,520\nset output '"
       << sys::path::filename(Png) << "'\n"
       << BS.str() << "unset output\n";
    if (Error E = writeFileAtomically(Dat, DS.str()))
      return E;
    if (Error E = writeFileAtomically(Gp, GS.str()))
      return E;
    return runGnuplot(Gp, Dat);
  }
  double Clean = -1;
  for (const RunRow &R : Rows)
    if (R.Rate == 0 && R.Count)
      Clean = double(R.Top1Correct) / R.Count;
  for (const std::string &Mit : C.Mitigations) {
    DS << "# " << Mit << "\n";
    for (double Rate : C.Rates) {
      if (Rate == 0)
        continue;
      int64_t Hit = 0, N = 0;
      for (const RunRow &R : Rows)
        if (R.Rate == Rate && R.Mitigation == Mit) {
          Hit += R.Top1Correct;
          N += R.Count;
        }
      if (!N)
        continue;
      Interval I = wilsonInterval(uint64_t(Hit), uint64_t(N));
      DS << formatDouble(Rate * 100) << " " << formatDouble(double(Hit) / N)
         << " " << formatDouble(I.Low) << " " << formatDouble(I.High) << "\n";
    }
    DS << "\n\n";
  }
  if (Error E = writeFileAtomically(Dat, DS.str()))
    return E;
  std::string Script;
  raw_string_ostream GS(Script);
  GS << "# onnc-campaign plot: top-1 vs fault rate per mitigation, Wilson "
        "95 % error bars.\n"
     << "set xlabel 'fault rate (% of cells)'\nset ylabel 'top-1 accuracy'\n"
     << "set logscale x\nset key bottom left\nset grid\n"
     << "set yrange [0:1]\nset offsets graph 0.05, graph 0.05, 0, 0\n";
  std::string PlotCmd = "plot ";
  for (size_t I = 0; I < C.Mitigations.size(); ++I)
    PlotCmd += formatv("'{0}' index {1} using 1:2:3:4 with yerrorlines "
                       "title '{2}', ",
                       sys::path::filename(Dat), I, C.Mitigations[I])
                   .str();
  if (Clean >= 0)
    PlotCmd += formatv("{0} with lines dashtype 2 lc 'black' title "
                       "'fault-free', ",
                       formatDouble(Clean))
                   .str();
  PlotCmd.resize(PlotCmd.size() - 2);
  GS << "set terminal svg size 800,560\nset output '"
     << sys::path::filename(Path) << "'\n"
     << PlotCmd << "\n"
     << "set terminal pngcairo size 800,560\nset output '"
     << sys::path::filename(Png) << "'\n"
     << "replot\nunset output\n";
  if (Error E = writeFileAtomically(Gp, GS.str()))
    return E;
  return runGnuplot(Gp, Dat);
}

/// Runs gnuplot on \p Gp in its folder (a missing gnuplot is a warning).
static Error runGnuplot(StringRef Gp, StringRef Dat) {
  auto Gnuplot = sys::findProgramByName("gnuplot");
  if (!Gnuplot) {
    reportWarning("gnuplot not found: wrote " + Gp + " and " + Dat +
                  " but no plot (run 'gnuplot " + Gp + "' later)");
    return Error::success();
  }
  // gnuplot resolves the data and output names against its folder.
  SmallString<256> Dir(Gp);
  sys::path::remove_filename(Dir);
  SmallString<256> AbsGp(Gp);
  sys::fs::make_absolute(AbsGp);
  std::string Cmd = *Gnuplot;
  SmallString<256> Cwd;
  sys::fs::current_path(Cwd);
  if (!Dir.empty())
    sys::fs::set_current_path(Dir);
  std::string ErrMsg;
  int RC = sys::ExecuteAndWait(Cmd, {Cmd, StringRef(AbsGp)}, None, {}, 0, 0,
                               &ErrMsg);
  if (!Dir.empty())
    sys::fs::set_current_path(Cwd);
  if (RC != 0)
    return makeError("gnuplot failed on " + Gp +
                     (ErrMsg.empty() ? "" : ": " + ErrMsg));
  return Error::success();
}

} // namespace campaign
} // namespace onncf
