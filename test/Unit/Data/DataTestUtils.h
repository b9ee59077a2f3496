//===- DataTestUtils.h - Helpers shared by the Data unit tests --*- C++ -*-===//
#ifndef ONNCF_TEST_UNIT_DATA_DATATESTUTILS_H
#define ONNCF_TEST_UNIT_DATA_DATATESTUTILS_H

#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <string>

namespace onncf {
namespace test {

/// A fresh temporary folder per call.
inline std::string tempDir() {
  llvm::SmallString<128> Dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("onncf-data-test", Dir));
  return std::string(Dir);
}

inline std::string writeTemp(llvm::StringRef Name, llvm::StringRef Bytes,
                             std::string Dir = "") {
  if (Dir.empty())
    Dir = tempDir();
  llvm::SmallString<128> P(Dir);
  llvm::sys::path::append(P, Name);
  std::error_code EC;
  llvm::raw_fd_ostream OS(P, EC);
  EXPECT_FALSE(EC) << EC.message();
  OS << Bytes;
  return std::string(P);
}

/// The message of an expected failure (fails the test if it succeeded).
template <typename T> std::string errorOf(llvm::Expected<T> V) {
  if (V) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return llvm::toString(V.takeError());
}
inline std::string errorOf(llvm::Error E) {
  if (!E) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return llvm::toString(std::move(E));
}

} // namespace test
} // namespace onncf

#endif
