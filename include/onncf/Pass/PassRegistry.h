//===- PassRegistry.h - Passes and pipelines by name ------------*- C++ -*-===//
//
// Part of onnc-fault. Maps a pass name to a factory and a description, and a
// pipeline alias (e.g. "default") to a pipeline string. Libraries register
// their passes with an explicit call (registerTransformsPasses()), never
// through static initialisers, which static libraries would drop.
//
// Pipeline syntax (see docs/tools/onnc-opt.md):
//   pipeline := [element (',' element)*]
//   element  := name ['{' option* '}']
//   option   := key ['=' value]      (separated by ',' or spaces)
// A pipeline alias expands in place and takes no options.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_PASS_PASSREGISTRY_H
#define ONNCF_PASS_PASSREGISTRY_H

#include "onncf/Pass/Pass.h"
#include "llvm/ADT/StringMap.h"
#include <functional>

namespace onncf {

using PassFactory = std::function<std::unique_ptr<Pass>()>;

struct PassInfo {
  std::string Name;
  std::string Description;
  PassFactory Factory;
};

struct PipelineInfo {
  std::string Name;
  std::string Description;
  std::string Pipeline;
};

class PassRegistry {
public:
  /// The process-wide registry.
  static PassRegistry &get();

  /// Registers a pass; a second registration of a name is ignored (so
  /// registration functions may be called more than once).
  void registerPass(llvm::StringRef Name, llvm::StringRef Description,
                    PassFactory Factory);
  template <typename PassT> void registerPass() {
    PassT P;
    registerPass(P.getName(), P.getDescription(),
                 [] { return std::make_unique<PassT>(); });
  }
  void registerPipeline(llvm::StringRef Name, llvm::StringRef Description,
                        llvm::StringRef Pipeline);

  const PassInfo *lookupPass(llvm::StringRef Name) const;
  const PipelineInfo *lookupPipeline(llvm::StringRef Name) const;
  /// Sorted by name.
  std::vector<const PassInfo *> getPasses() const;
  std::vector<const PipelineInfo *> getPipelines() const;

  /// Prints every pass with its description and options, then every
  /// pipeline alias (the --list-passes output).
  void printPassList(llvm::raw_ostream &OS) const;

private:
  PassRegistry() = default;
  llvm::StringMap<PassInfo> Passes;
  llvm::StringMap<PipelineInfo> Pipelines;
};

/// Parses \p Text into fresh pass instances with their options set. Errors
/// read "column C: <problem>" (1-based column in \p Text), e.g.
/// "column 14: unknown pass 'foo'".
llvm::Expected<std::vector<std::unique_ptr<Pass>>>
parsePassPipeline(llvm::StringRef Text,
                  const PassRegistry &Registry = PassRegistry::get());

} // namespace onncf

#endif
