//===- Pass.cpp - Passes, their options and statistics --------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Pass/Pass.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

//===----------------------------------------------------------------------===//
// PassContext
//===----------------------------------------------------------------------===//

void PassContext::beginPass(StringRef PassName) {
  CurrentPass = PassName.str();
  FirstStatOfCurrent = Stats.size();
  Changed = false;
}

void PassContext::recordChange(StringRef What, uint64_t N) {
  if (N == 0)
    return;
  Changed = true;
  // One entry per pass instance and description: only look at the entries
  // the current instance made.
  for (size_t I = FirstStatOfCurrent; I < Stats.size(); ++I)
    if (Stats[I].Description == What) {
      Stats[I].Count += N;
      return;
    }
  Stats.push_back({CurrentPass, What.str(), N});
}

uint64_t PassContext::getStatistic(StringRef PassName, StringRef What) const {
  uint64_t N = 0;
  for (const PassStatistic &S : Stats)
    if (S.PassName == PassName && S.Description == What)
      N += S.Count;
  return N;
}

void PassContext::printStatistics(raw_ostream &OS) const {
  OS << "===" << std::string(73, '-') << "===\n";
  OS << "                          ... Pass statistics report ...\n";
  OS << "===" << std::string(73, '-') << "===\n";
  if (Stats.empty())
    OS << "  (no pass changed the graph)\n";
  for (const PassStatistic &S : Stats)
    OS << "  " << S.PassName << ": " << S.Description << ": " << S.Count
       << "\n";
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

PassOptionBase::PassOptionBase(Pass &Owner, StringRef Name, StringRef Desc)
    : Name(Name.str()), Desc(Desc.str()) {
  Owner.Options.push_back(this);
}

Error PassOption<int64_t>::parse(StringRef Text) {
  int64_t N;
  if (Text.trim().getAsInteger(0, N))
    return makeError("expected an integer, got '" + Text + "'");
  V = N;
  return Error::success();
}

Error PassOption<bool>::parse(StringRef Text) {
  std::string L = Text.trim().lower();
  if (L.empty() || L == "true" || L == "1" || L == "on") {
    V = true;
    return Error::success();
  }
  if (L == "false" || L == "0" || L == "off") {
    V = false;
    return Error::success();
  }
  return makeError("expected true or false, got '" + Text + "'");
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

Pass::~Pass() = default;

PassOptionBase *Pass::findOption(StringRef Name) const {
  for (PassOptionBase *O : Options)
    if (O->getName() == Name)
      return O;
  return nullptr;
}

Error Pass::setOption(StringRef Name, StringRef Value) {
  PassOptionBase *O = findOption(Name);
  if (!O) {
    std::string Known;
    for (PassOptionBase *K : Options)
      Known += (Known.empty() ? "" : ", ") + K->getName().str();
    return makeError("unknown option '" + Name + "' for pass '" + getName() +
                     "'" +
                     (Known.empty() ? " (it takes no options)"
                                    : " (options: " + Known + ")"));
  }
  if (Error E = O->parse(Value))
    return makeError("invalid value for option '" + Name + "' of pass '" +
                     getName() + "': " + toString(std::move(E)));
  return Error::success();
}

std::string Pass::getPipelineString() const {
  std::string S = getName().str();
  if (Options.empty())
    return S;
  S += "{";
  for (size_t I = 0; I < Options.size(); ++I)
    S += (I ? " " : "") + Options[I]->getName().str() + "=" +
         Options[I]->getValueAsString();
  return S + "}";
}

} // namespace onncf
