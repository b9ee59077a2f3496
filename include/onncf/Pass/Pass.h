//===- Pass.h - The unit of graph transformation ----------------*- C++ -*-===//
//
// Part of onnc-fault. A Pass rewrites a Graph in place. Passes are created
// fresh by the PassRegistry for every use in a pipeline, take typed options
// ("constant-fold{max-size=1024}") declared as PassOption members, and report
// what they did through the PassContext: every recorded change counts as a
// statistic ("canonicalize: removed 3 identity ops") and marks the graph as
// changed, which the instrumentation uses.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_PASS_PASS_H
#define ONNCF_PASS_PASS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace onncf {

class Graph;
class Pass;

/// One named counter a pass incremented, e.g. ("removed identity ops", 3).
struct PassStatistic {
  std::string PassName;
  std::string Description;
  uint64_t Count = 0;
};

/// State shared by the passes of one PassManager::run: statistics and
/// whether the pass currently running changed the graph.
class PassContext {
public:
  /// Records \p N changes described by \p What for the running pass (or
  /// the pass named by setCurrentPass). N == 0 records nothing.
  void recordChange(llvm::StringRef What, uint64_t N = 1);
  /// Marks the graph changed without a statistic.
  void markChanged() { Changed = true; }

  /// Set by the PassManager around each pass.
  void beginPass(llvm::StringRef PassName);
  /// Whether the pass since the last beginPass() changed the graph.
  bool changedSinceBegin() const { return Changed; }

  /// Every statistic, in the order first recorded (one entry per pass
  /// instance and description).
  llvm::ArrayRef<PassStatistic> getStatistics() const { return Stats; }
  /// Count of \p What recorded by \p PassName (summed over instances).
  uint64_t getStatistic(llvm::StringRef PassName, llvm::StringRef What) const;
  void clearStatistics() { Stats.clear(); }

  /// Prints "pass: N description" lines.
  void printStatistics(llvm::raw_ostream &OS) const;

private:
  std::string CurrentPass;
  size_t FirstStatOfCurrent = 0;
  bool Changed = false;
  std::vector<PassStatistic> Stats;
};

/// Untyped view of a pass option, for parsing and --list-passes.
class PassOptionBase {
public:
  PassOptionBase(Pass &Owner, llvm::StringRef Name, llvm::StringRef Desc);
  virtual ~PassOptionBase() = default;
  PassOptionBase(const PassOptionBase &) = delete;
  PassOptionBase &operator=(const PassOptionBase &) = delete;

  llvm::StringRef getName() const { return Name; }
  llvm::StringRef getDescription() const { return Desc; }
  /// "int", "bool", "string", ...
  virtual llvm::StringRef getTypeName() const = 0;
  /// Parses \p Text into the option; the error says what was expected.
  virtual llvm::Error parse(llvm::StringRef Text) = 0;
  virtual std::string getValueAsString() const = 0;
  /// True for bool options, which may be given without "=value".
  virtual bool isFlag() const { return false; }

private:
  std::string Name, Desc;
};

template <typename T> class PassOption;

template <> class PassOption<int64_t> final : public PassOptionBase {
public:
  PassOption(Pass &Owner, llvm::StringRef Name, llvm::StringRef Desc,
             int64_t Init)
      : PassOptionBase(Owner, Name, Desc), V(Init) {}
  llvm::StringRef getTypeName() const override { return "int"; }
  llvm::Error parse(llvm::StringRef Text) override;
  std::string getValueAsString() const override { return std::to_string(V); }
  operator int64_t() const { return V; }
  PassOption &operator=(int64_t N) {
    V = N;
    return *this;
  }

private:
  int64_t V;
};

template <> class PassOption<bool> final : public PassOptionBase {
public:
  PassOption(Pass &Owner, llvm::StringRef Name, llvm::StringRef Desc, bool Init)
      : PassOptionBase(Owner, Name, Desc), V(Init) {}
  llvm::StringRef getTypeName() const override { return "bool"; }
  llvm::Error parse(llvm::StringRef Text) override;
  std::string getValueAsString() const override { return V ? "true" : "false"; }
  bool isFlag() const override { return true; }
  operator bool() const { return V; }
  PassOption &operator=(bool B) {
    V = B;
    return *this;
  }

private:
  bool V;
};

template <> class PassOption<std::string> final : public PassOptionBase {
public:
  PassOption(Pass &Owner, llvm::StringRef Name, llvm::StringRef Desc,
             llvm::StringRef Init)
      : PassOptionBase(Owner, Name, Desc), V(Init.str()) {}
  llvm::StringRef getTypeName() const override { return "string"; }
  llvm::Error parse(llvm::StringRef Text) override {
    V = Text.str();
    return llvm::Error::success();
  }
  std::string getValueAsString() const override { return V; }
  const std::string &getValue() const { return V; }

private:
  std::string V;
};

class Pass {
public:
  virtual ~Pass();
  Pass() = default;
  Pass(const Pass &) = delete;
  Pass &operator=(const Pass &) = delete;

  /// The name used in pipelines, e.g. "fold-batchnorm".
  virtual llvm::StringRef getName() const = 0;
  /// One line for --list-passes.
  virtual llvm::StringRef getDescription() const = 0;
  /// Transforms \p G. On error the graph may be partially rewritten but
  /// must still be well formed where possible; the PassManager stops.
  virtual llvm::Error run(Graph &G, PassContext &Ctx) = 0;

  llvm::ArrayRef<PassOptionBase *> getOptions() const { return Options; }
  PassOptionBase *findOption(llvm::StringRef Name) const;
  /// Sets option \p Name from \p Value; errors name the pass and option.
  llvm::Error setOption(llvm::StringRef Name, llvm::StringRef Value);
  /// "name" or "name{opt=v opt2=w}" with every option's current value.
  std::string getPipelineString() const;

private:
  friend class PassOptionBase;
  llvm::SmallVector<PassOptionBase *, 2> Options;
};

} // namespace onncf

#endif
