//===- Target.h - Compilation targets and their registry --------*- C++ -*-===//
//
// Part of onnc-fault. A target is what `onnc-fault -march=NAME` compiles
// for: after quantization the tool hands the quant.* graph to the target's
// Lower function (target lowering, layout and memory planning, in place) and
// then writes the target's native output with Emit (an NVDLA loadable, a CIM
// program, or for `host` the text IR that onnc-run executes).
//
// Targets live in targets/<Name>/ and depend on lib/, never the reverse, so
// lib/ holds only this registry. Each target library exports one
// registerXTarget() function; registerAllTargets() (targets/AllTargets.cpp,
// library OnncfAllTargets) calls them all. Tools call it once in main() and
// then list or look up targets here.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGET_TARGET_H
#define ONNCF_TARGET_TARGET_H

#include "onncf/Quant/Calibration.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace onncf {

class Graph;

/// What the driver knows that a target may need to lower and emit.
struct TargetOptions {
  /// Activation width of the quantized graph (8 or 16).
  unsigned ActivationBits = 8;
  /// Weight word width (2..16).
  unsigned WeightBits = 8;
  WeightGranularity Weights = WeightGranularity::PerChannel;
  /// Worker threads the target may use (0: all cores). Never changes the
  /// output.
  unsigned Threads = 0;
  /// onnc-fault --allow-cpu-fallback: ops the target's hardware cannot run
  /// may run on its CPU (NVDLA: EMU1 tasks) instead of being an error.
  bool AllowCpuFallback = false;
};

struct TargetInfo {
  /// The -march= name, e.g. "host", "nvdla-small".
  std::string Name;
  /// One line for --help.
  std::string Description;
  /// Extension of the native output, with the dot (the default -o is the
  /// model's stem plus this).
  std::string OutputExtension = ".ir";
  /// True if the native output is binary (never written to a terminal).
  bool BinaryOutput = false;
  /// Rewrites the quantized graph into the target's final IR, in place.
  /// Errors name the op the target cannot take and why.
  std::function<llvm::Error(Graph &, const TargetOptions &)> Lower;
  /// Writes the native output of a lowered graph.
  std::function<llvm::Error(const Graph &, llvm::raw_ostream &,
                            const TargetOptions &)>
      Emit;
};

class TargetRegistry {
public:
  static TargetRegistry &get();

  /// Adds \p T. Registering a name twice, an empty name or a target without
  /// Lower/Emit is a programming error (asserts) and otherwise ignored.
  void registerTarget(TargetInfo T);

  /// The target called \p Name, or null.
  const TargetInfo *lookup(llvm::StringRef Name) const;
  /// Like lookup, but an unknown name is an error listing the valid ones:
  /// "unknown target 'x' (registered targets: host, nvdla-small)".
  llvm::Expected<const TargetInfo *> find(llvm::StringRef Name) const;
  /// Every target, sorted by name.
  std::vector<const TargetInfo *> all() const;
  /// "host, nvdla-small" (sorted), or "none".
  std::string getNameList() const;

private:
  std::map<std::string, TargetInfo, std::less<>> Targets;
};

/// Registers every target built into this binary (defined in targets/, in
/// library OnncfAllTargets). Calling it again does nothing.
void registerAllTargets();

} // namespace onncf

#endif
