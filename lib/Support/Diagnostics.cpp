//===- Diagnostics.cpp ----------------------------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

using namespace llvm;

namespace onncf {

static std::string &toolName() {
  static std::string Name = "onnc-fault";
  return Name;
}

void setToolName(StringRef Name) { toolName() = Name.str(); }
StringRef getToolName() { return toolName(); }

Error makeError(const Twine &Msg) {
  return make_error<StringError>(Msg, inconvertibleErrorCode());
}

Error addFileContext(Error E, const Twine &File) {
  if (!E)
    return E;
  std::string Prefix = File.str();
  std::string Msg = toString(std::move(E));
  // Avoid "f.onnx: f.onnx: ..." when the inner error already names the file.
  if (StringRef(Msg).startswith(Prefix + ":"))
    return makeError(Msg);
  return makeError(Prefix + ": " + Msg);
}

void reportError(const Twine &Msg) {
  WithColor::error(errs(), getToolName()) << Msg << "\n";
}

void reportWarning(const Twine &Msg) {
  WithColor::warning(errs(), getToolName()) << Msg << "\n";
}

void reportError(Error E) {
  handleAllErrors(std::move(E), [](const ErrorInfoBase &EI) {
    reportError(EI.message());
  });
}

void exitOnError(Error E, int Code) {
  reportError(std::move(E));
  errs().flush();
  std::exit(Code);
}

void usageError(const Twine &Msg) {
  reportError(Msg);
  errs() << "Run '" << getToolName() << " --help' for usage.\n";
  errs().flush();
  std::exit(ExitUsageError);
}

} // namespace onncf
