//===- PassManagerOptions.h - Shared command-line options -------*- C++ -*-===//
//
// Part of onnc-fault. The instrumentation flags every tool that runs a
// pipeline accepts (--print-after-all, --print-before=, --print-after=,
// --print-changed-only, --time-passes, --verify-each, --pass-stats), declared
// once here so onnc-opt and onnc-fault spell and document them the same way.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_PASS_PASSMANAGEROPTIONS_H
#define ONNCF_PASS_PASSMANAGEROPTIONS_H

#include "onncf/Pass/PassManager.h"

namespace llvm {
namespace cl {
class OptionCategory;
}
} // namespace llvm

namespace onncf {

/// Registers the options in \p Category. Call before
/// cl::ParseCommandLineOptions; \p VerifyEachDefault is --verify-each's
/// default. Calling it twice is a programming error.
void registerPassManagerCLOptions(llvm::cl::OptionCategory &Category,
                                  bool VerifyEachDefault);

/// The options' parsed values (after cl::ParseCommandLineOptions).
InstrumentationOptions getPassManagerCLOptions();

} // namespace onncf

#endif
