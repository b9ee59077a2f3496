//===- PassRegistry.cpp - Passes and pipelines by name --------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>

using namespace llvm;

namespace onncf {

PassRegistry &PassRegistry::get() {
  static PassRegistry R;
  return R;
}

void PassRegistry::registerPass(StringRef Name, StringRef Description,
                                PassFactory Factory) {
  if (Passes.count(Name))
    return;
  Passes[Name] = PassInfo{Name.str(), Description.str(), std::move(Factory)};
}

void PassRegistry::registerPipeline(StringRef Name, StringRef Description,
                                    StringRef Pipeline) {
  if (Pipelines.count(Name))
    return;
  Pipelines[Name] = PipelineInfo{Name.str(), Description.str(), Pipeline.str()};
}

const PassInfo *PassRegistry::lookupPass(StringRef Name) const {
  auto It = Passes.find(Name);
  return It == Passes.end() ? nullptr : &It->second;
}

const PipelineInfo *PassRegistry::lookupPipeline(StringRef Name) const {
  auto It = Pipelines.find(Name);
  return It == Pipelines.end() ? nullptr : &It->second;
}

std::vector<const PassInfo *> PassRegistry::getPasses() const {
  std::vector<const PassInfo *> R;
  for (const auto &E : Passes)
    R.push_back(&E.second);
  llvm::sort(R, [](const PassInfo *A, const PassInfo *B) {
    return A->Name < B->Name;
  });
  return R;
}

std::vector<const PipelineInfo *> PassRegistry::getPipelines() const {
  std::vector<const PipelineInfo *> R;
  for (const auto &E : Pipelines)
    R.push_back(&E.second);
  llvm::sort(R, [](const PipelineInfo *A, const PipelineInfo *B) {
    return A->Name < B->Name;
  });
  return R;
}

void PassRegistry::printPassList(raw_ostream &OS) const {
  OS << "Passes:\n";
  for (const PassInfo *P : getPasses()) {
    OS << "  " << P->Name;
    OS.indent(P->Name.size() < 20 ? 20 - P->Name.size() : 1);
    OS << "- " << P->Description << "\n";
    // Options live on instances; a fresh one shows their defaults.
    std::unique_ptr<Pass> Inst = P->Factory();
    for (PassOptionBase *O : Inst->getOptions()) {
      std::string Spec =
          "  " + O->getName().str() + "=<" + O->getTypeName().str() + ">";
      OS << "    " << Spec;
      OS.indent(Spec.size() < 26 ? 26 - Spec.size() : 1);
      OS << "- " << O->getDescription()
         << " (default: " << O->getValueAsString() << ")\n";
    }
  }
  auto Pipes = getPipelines();
  if (Pipes.empty())
    return;
  OS << "Pipelines:\n";
  for (const PipelineInfo *P : Pipes) {
    OS << "  " << P->Name;
    OS.indent(P->Name.size() < 20 ? 20 - P->Name.size() : 1);
    OS << "- " << P->Description << "\n";
    OS.indent(24) << "= " << P->Pipeline << "\n";
  }
}

} // namespace onncf
