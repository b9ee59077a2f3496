//===- Target.cpp - The target registry -----------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Target/Target.h"
#include "onncf/Support/Diagnostics.h"
#include <cassert>

using namespace llvm;

namespace onncf {

TargetRegistry &TargetRegistry::get() {
  static TargetRegistry R;
  return R;
}

void TargetRegistry::registerTarget(TargetInfo T) {
  assert(!T.Name.empty() && T.Lower && T.Emit && "incomplete target");
  assert(!Targets.count(T.Name) && "target registered twice");
  if (T.Name.empty() || !T.Lower || !T.Emit || Targets.count(T.Name))
    return;
  std::string Name = T.Name;
  Targets.emplace(std::move(Name), std::move(T));
}

const TargetInfo *TargetRegistry::lookup(StringRef Name) const {
  auto It = Targets.find(Name);
  return It == Targets.end() ? nullptr : &It->second;
}

Expected<const TargetInfo *> TargetRegistry::find(StringRef Name) const {
  if (const TargetInfo *T = lookup(Name))
    return T;
  return makeError("unknown target '" + Name + "' (registered targets: " +
                   getNameList() + ")");
}

std::vector<const TargetInfo *> TargetRegistry::all() const {
  std::vector<const TargetInfo *> R;
  for (const auto &KV : Targets) // std::map: already sorted by name
    R.push_back(&KV.second);
  return R;
}

std::string TargetRegistry::getNameList() const {
  std::string S;
  for (const auto &KV : Targets) {
    if (!S.empty())
      S += ", ";
    S += KV.first;
  }
  return S.empty() ? "none" : S;
}

} // namespace onncf
