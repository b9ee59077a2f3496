//===- CmacResults.cpp - onnc-campaign's outputs for MAC lane sweeps ------===//
//
// Part of onnc-fault. The CSV row, summary points and plot of a
// --memory=cmac campaign (seed 000's study: one faulty bit of a MAC operand
// lane, per operand, bit, stuck value and mitigation). See Results.h and
// docs/tools/onnc-campaign.md.
//
//===----------------------------------------------------------------------===//
#include "Results.h"
#include "onncf/Campaign/Stats.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace onncf {
namespace campaign {

const char *CmacCSVHeader =
    "run,operand,bit,stuck,mitigation,faulty_lanes,clamped_weights,top1,top5,"
    "count,top1_correct,top5_correct,map_hash";

static std::string orDash(int V) { return V < 0 ? "-" : std::to_string(V); }

void writeCmacRow(raw_ostream &OS, const RunRow &R) {
  OS << R.Index << "," << R.Operand << "," << orDash(R.Bit) << ","
     << orDash(R.Stuck) << "," << R.Mitigation << "," << R.FaultyLanes << ","
     << R.Clamped << "," << ratio(R.Top1Correct, R.Count) << ","
     << ratio(R.Top5Correct, R.Count) << "," << R.Count << "," << R.Top1Correct
     << "," << R.Top5Correct << "," << R.MapHash << "\n";
}

static bool parseDashInt(StringRef S, int &V) {
  if (S == "-") {
    V = -1;
    return true;
  }
  return !S.getAsInteger(10, V) && V >= 0;
}

Error readCmacRow(ArrayRef<StringRef> F, RunRow &R) {
  if (F.size() != 13)
    return makeError("bad row (expected 13 fields, got " + Twine(F.size()) +
                     ")");
  if (F[0].getAsInteger(10, R.Index))
    return makeError("bad run index '" + F[0] + "'");
  if (!parseDashInt(F[2], R.Bit) || !parseDashInt(F[3], R.Stuck) ||
      F[5].getAsInteger(10, R.FaultyLanes) ||
      F[6].getAsInteger(10, R.Clamped) || F[9].getAsInteger(10, R.Count) ||
      F[10].getAsInteger(10, R.Top1Correct) ||
      F[11].getAsInteger(10, R.Top5Correct))
    return makeError("bad integer field");
  R.Operand = F[1].str();
  R.Mitigation = F[4].str();
  R.MapHash = F[12].str();
  return Error::success();
}

Error readCmacProvenance(const json::Object &O, Campaign &C) {
  const json::Array *Ops = O.getArray("operands");
  const json::Array *Bits = O.getArray("bits");
  const json::Array *Stuck = O.getArray("stuck");
  if (!Ops || !Bits || !Stuck)
    return makeError("the cmac provenance lacks operands, bits or stuck");
  C.Operands.clear();
  C.Bits.clear();
  C.Stucks.clear();
  for (const json::Value &V : *Ops)
    if (auto S = V.getAsString())
      C.Operands.push_back(S->str());
  for (const json::Value &V : *Bits)
    if (auto I = V.getAsInteger())
      C.Bits.push_back(int(*I));
  for (const json::Value &V : *Stuck)
    if (auto I = V.getAsInteger())
      C.Stucks.push_back(int(*I));
  return Error::success();
}

namespace {
struct Pooled {
  int64_t Runs = 0, Hit1 = 0, Hit5 = 0, N = 0;
  void add(const RunRow &R) {
    ++Runs;
    Hit1 += R.Top1Correct;
    Hit5 += R.Top5Correct;
    N += R.Count;
  }
  json::Object toJSON() const {
    Interval I = wilsonInterval(uint64_t(Hit1), uint64_t(N));
    return json::Object{{"runs", Runs},
                        {"images", N},
                        {"top1_correct", Hit1},
                        {"top1_mean", N ? double(Hit1) / N : 0.0},
                        {"top1_ci_low", I.Low},
                        {"top1_ci_high", I.High},
                        {"top5_mean", N ? double(Hit5) / N : 0.0}};
  }
};

Pooled pool(ArrayRef<RunRow> Rows, StringRef Op, int Bit, int Stuck,
            StringRef Mit) {
  Pooled P;
  for (const RunRow &R : Rows)
    if (R.Operand == Op && R.Bit == Bit && R.Stuck == Stuck &&
        (Mit.empty() || R.Mitigation == Mit))
      P.add(R);
  return P;
}
} // namespace

json::Object cmacSummary(const Campaign &C, ArrayRef<RunRow> Rows) {
  json::Array Points;
  for (const std::string &Op : C.Operands)
    for (int Bit : C.Bits)
      for (int Stuck : C.Stucks)
        for (const std::string &Mit : C.Mitigations) {
          Pooled P = pool(Rows, Op, Bit, Stuck, Mit);
          if (!P.Runs)
            continue;
          json::Object O = P.toJSON();
          O["operand"] = Op;
          O["bit"] = Bit;
          O["stuck"] = Stuck;
          O["mitigation"] = Mit;
          Points.push_back(std::move(O));
        }
  json::Object Top{
      {"provenance", json::Object(C.Provenance)},
      {"runs", int64_t(Rows.size())},
      {"interval",
       "Wilson score interval, 95 % (z = 1.959963984540054), over the "
       "pooled top-1 hits / images of all runs of the point; top1_mean is "
       "the pooled hits / images"},
      {"points", std::move(Points)}};
  Pooled Free = pool(Rows, "-", -1, -1, "");
  if (Free.Runs)
    Top["fault_free"] = Free.toJSON();
  return Top;
}

void cmacPlotData(const Campaign &C, ArrayRef<RunRow> Rows, raw_ostream &DS,
                  raw_ostream &GS, StringRef DatName) {
  // One data block per (operand, stuck, mitigation): bit, top-1, CI.
  Pooled Free = pool(Rows, "-", -1, -1, "");
  unsigned Block = 0;
  std::vector<std::vector<std::pair<unsigned, std::string>>> Panels;
  for (const std::string &Op : C.Operands) {
    Panels.emplace_back();
    for (int Stuck : C.Stucks)
      for (const std::string &Mit : C.Mitigations) {
        DS << "# " << Op << " sa" << Stuck << " " << Mit << "\n";
        for (int Bit : C.Bits) {
          Pooled P = pool(Rows, Op, Bit, Stuck, Mit);
          if (!P.N)
            continue;
          Interval I = wilsonInterval(uint64_t(P.Hit1), uint64_t(P.N));
          DS << Bit << " " << formatDouble(double(P.Hit1) / P.N) << " "
             << formatDouble(I.Low) << " " << formatDouble(I.High) << "\n";
        }
        DS << "\n\n";
        Panels.back().push_back(
            {Block++, "sa" + std::to_string(Stuck) + " " + Mit});
      }
  }
  GS << "set multiplot layout 1," << C.Operands.size() << "\n"
     << "set xlabel 'faulty bit of the operand lane'\n"
     << "set ylabel 'top-1 accuracy'\nset key bottom left opaque font ',9'\n"
     << "set grid\nset yrange [0:1]\nset xtics 1\n"
     << "set offsets 0.3, 0.3, 0, 0\n";
  for (size_t P = 0; P < Panels.size(); ++P) {
    GS << "set title '" << C.Operands[P] << " operand'\nplot ";
    for (auto &[Idx, Title] : Panels[P])
      GS << formatv("'{0}' index {1} using 1:2:3:4 with yerrorlines title "
                    "'{2}', ",
                    DatName, Idx, Title);
    if (Free.N)
      GS << formatDouble(double(Free.Hit1) / Free.N)
         << " with lines dashtype 2 lc 'black' title 'fault-free'";
    else
      GS << "NaN notitle";
    GS << "\n";
  }
  GS << "unset multiplot\n";
}

} // namespace campaign
} // namespace onncf
