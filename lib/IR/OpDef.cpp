//===- OpDef.cpp - Op definitions and their registry ----------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/OpDef.h"
#include "onncf/IR/QuantOps.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

const AttrSpec *OpDef::findAttr(StringRef N) const {
  for (const AttrSpec &S : Attrs)
    if (N == S.Name)
      return &S;
  return nullptr;
}

OpRegistry &OpRegistry::get() {
  // Magic static: initialised exactly once, thread-safe. Never destroyed so
  // ops outliving main() (static graphs in tests) keep valid OpDefs.
  static OpRegistry *R = [] {
    auto *Reg = new OpRegistry();
    registerONNXOps(*Reg);
    registerQuantOps(*Reg);
    return Reg;
  }();
  return *R;
}

void OpRegistry::add(OpDef Def) {
  if (ByName.count(Def.Name)) {
    errs() << "onnc-fault: internal error: op kind '" << Def.Name
           << "' registered twice\n";
    std::abort();
  }
  Defs.push_back(std::make_unique<OpDef>(std::move(Def)));
  ByName[Defs.back()->Name] = Defs.back().get();
}

const OpDef *OpRegistry::lookup(StringRef Name) const {
  return ByName.lookup(Name);
}

std::vector<const OpDef *> OpRegistry::all() const {
  std::vector<const OpDef *> R;
  for (const auto &D : Defs)
    R.push_back(D.get());
  return R;
}

} // namespace onncf
