//===- OpDef.h - Op definitions and their registry --------------*- C++ -*-===//
//
// Part of onnc-fault. Every op kind is described once by an OpDef: how many
// operands and results it takes, which attributes it accepts (and of which
// kind), a verifier for everything else, and shape/type inference. The
// interpreter's kernels are registered separately by lib/Interp (keyed by
// the OpDef), so that the IR library does not depend on any executor.
//
// Type inference is called both at compile time (with static operand types
// and the data of constant operands) and by executors at run time with the
// actual shapes and values, which is how a dynamic batch axis is resolved.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_OPDEF_H
#define ONNCF_IR_OPDEF_H

#include "onncf/IR/Attribute.h"
#include "onncf/IR/TensorType.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <memory>
#include <vector>

namespace onncf {

class Op;

struct AttrSpec {
  const char *Name;
  AttrKind Kind;
  bool Required = false;
};

/// Operand types and, where known, operand data (null where unknown).
struct InferenceInputs {
  llvm::ArrayRef<TensorType> Types;
  /// Same length as Types; an entry is non-null when the operand's value is
  /// known (a constant at compile time, every operand at run time).
  llvm::ArrayRef<const Tensor *> Data;
  /// Whether operand I is present (optional operands may be absent).
  bool has(unsigned I) const { return I < Types.size() && Present[I]; }
  llvm::ArrayRef<bool> Present;
};

/// What InferTypes returns when a result's type (its rank, typically)
/// depends on operand data that is not known yet: at compile time, e.g. a
/// Reshape whose shape operand is computed and of unknown length. Unlike
/// other errors it does not mean the op is malformed; callers that have
/// another source for the type (a declaration in the model, the type the
/// result already has) keep that one. At run time every operand's data is
/// known, so inference is complete there.
class IncompleteInferenceError
    : public llvm::ErrorInfo<IncompleteInferenceError> {
public:
  // C++17 inline variable: one address program-wide, no .cpp needed.
  inline static char ID = 0;
  explicit IncompleteInferenceError(std::string Msg) : Msg(std::move(Msg)) {}
  void log(llvm::raw_ostream &OS) const override { OS << Msg; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  const std::string &getMessage() const { return Msg; }

private:
  std::string Msg;
};

using InferTypesFn = std::function<llvm::Expected<llvm::SmallVector<TensorType, 1>>(
    const Op &, const InferenceInputs &)>;
using VerifyFn = std::function<llvm::Error(const Op &)>;

struct OpDef {
  std::string Name; ///< Namespaced kind, e.g. "onnx.Conv".
  unsigned MinOperands = 0;
  unsigned MaxOperands = 0; ///< ~0u for variadic.
  unsigned MinResults = 1;
  unsigned MaxResults = 1;
  std::vector<AttrSpec> Attrs;
  /// Op-specific checks beyond arity and attribute kinds (may be null).
  VerifyFn Verify;
  /// Result types from operand types (may be null: results keep the types
  /// they were created with).
  InferTypesFn InferTypes;
  /// True if the op has no side effects and its result depends only on its
  /// operands, so it can be constant-folded and dead-code eliminated.
  bool Pure = true;

  const AttrSpec *findAttr(llvm::StringRef N) const;
};

class OpRegistry {
public:
  /// The process-wide registry, populated on first use with every op kind
  /// the IR library defines (onnx.* and the target-independent ones).
  static OpRegistry &get();

  /// Registers \p Def; a second definition of the same name is a
  /// programming error.
  void add(OpDef Def);
  const OpDef *lookup(llvm::StringRef Name) const;
  std::vector<const OpDef *> all() const;

private:
  OpRegistry() = default;
  std::vector<std::unique_ptr<OpDef>> Defs;
  llvm::StringMap<const OpDef *> ByName;
};

/// Defined by lib/IR/ONNX*Ops.cpp; called once by OpRegistry::get().
void registerONNXOps(OpRegistry &R);

} // namespace onncf

#endif
