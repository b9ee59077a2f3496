//===- RegressionData.h - Where NVIDIA's regression files are ---*- C++ -*-===//
//
// Part of onnc-fault. NVIDIA's NVDLA regression loadables and goldens are
// external data kept next to the source tree (../shared/conformance, or
// $ONNCF_SHARED/conformance), not in the repository. Tests that read them
// skip, saying why, on a machine that does not have them.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_NVDLA_REGRESSIONDATA_H
#define ONNCF_TEST_UNIT_NVDLA_REGRESSIONDATA_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <cstdlib>
#include <string>

namespace onncf {
namespace testing {

/// .../conformance/nvdla-regression, or "" if it is not on this machine.
inline std::string nvdlaRegressionRoot() {
  const char *Env = std::getenv("ONNCF_SHARED");
  llvm::SmallString<256> P(Env ? Env : ONNCF_SHARED_DIR);
  llvm::sys::path::append(P, "conformance", "nvdla-regression");
  return llvm::sys::fs::is_directory(P) ? std::string(P) : std::string();
}

} // namespace testing
} // namespace onncf

#define ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION()                                 \
  if (onncf::testing::nvdlaRegressionRoot().empty())                          \
  GTEST_SKIP() << "NVIDIA's NVDLA regression data (../shared/conformance) "   \
                  "is not on this machine"

#endif
