//===- Diagnostics.h - Error reporting for tools ----------------*- C++ -*-===//
//
// Part of onnc-fault. Every tool reports "<tool>: error: <file>: <what>" and
// exits 1 for a user error, 2 for a usage error; never aborts on bad input.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_SUPPORT_DIAGNOSTICS_H
#define ONNCF_SUPPORT_DIAGNOSTICS_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace onncf {

enum ExitCode : int { ExitSuccess = 0, ExitUserError = 1, ExitUsageError = 2 };

/// Makes an llvm::Error with a formatted message (inconvertible category).
llvm::Error makeError(const llvm::Twine &Msg);
/// Prefixes \p E's message with "<File>: ".
llvm::Error addFileContext(llvm::Error E, const llvm::Twine &File);

/// Sets the name printed before "error:" (defaults to the program name).
void setToolName(llvm::StringRef Name);
llvm::StringRef getToolName();

/// Prints "<tool>: error: <message>" to stderr for each error in \p E.
void reportError(llvm::Error E);
void reportError(const llvm::Twine &Msg);
void reportWarning(const llvm::Twine &Msg);

/// Reports \p E and exits with \p Code. For use in tool mains only.
[[noreturn]] void exitOnError(llvm::Error E, int Code = ExitUserError);

/// Reports a command-line misuse, points at --help and exits with
/// ExitUsageError: "<tool>: error: <Msg>" then "Run '<tool> --help' for
/// usage."
[[noreturn]] void usageError(const llvm::Twine &Msg);

template <typename T>
T exitOnErr(llvm::Expected<T> V, int Code = ExitUserError) {
  if (!V)
    exitOnError(V.takeError(), Code);
  return std::move(*V);
}
inline void exitOnErr(llvm::Error E, int Code = ExitUserError) {
  if (E)
    exitOnError(std::move(E), Code);
}

} // namespace onncf

#endif
