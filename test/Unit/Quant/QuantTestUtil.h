//===- QuantTestUtil.h - Error matchers for the Quant unit tests -*- C++
//-*-===//
//
// Part of onnc-fault. LLVM's TestingSupport library is not installed with the
// system LLVM, so this provides the few llvm::Error checks the tests use,
// with the same spelling (ASSERT_THAT_ERROR(E, Succeeded()) etc.).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_QUANT_QUANTTESTUTIL_H
#define ONNCF_TEST_UNIT_QUANT_QUANTTESTUTIL_H

#include "llvm/Support/Error.h"
#include "gtest/gtest.h"
#include <string>

namespace onncf {
namespace qtest {

struct ErrorMatcher {
  enum KindT { Success, Failure, Message } Kind;
  std::string Msg;
};
inline ErrorMatcher Succeeded() { return {ErrorMatcher::Success, ""}; }
inline ErrorMatcher Failed() { return {ErrorMatcher::Failure, ""}; }
inline ErrorMatcher FailedWithMessage(std::string M) {
  return {ErrorMatcher::Message, std::move(M)};
}

inline ::testing::AssertionResult matchError(llvm::Error E,
                                             const ErrorMatcher &M) {
  if (!E) {
    if (M.Kind == ErrorMatcher::Success)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected an error, got success";
  }
  std::string Got = llvm::toString(std::move(E));
  if (M.Kind == ErrorMatcher::Success)
    return ::testing::AssertionFailure() << "unexpected error: " << Got;
  if (M.Kind == ErrorMatcher::Message && Got != M.Msg)
    return ::testing::AssertionFailure()
           << "error message\n  got:      " << Got << "\n  expected: " << M.Msg;
  return ::testing::AssertionSuccess();
}

template <typename T>
::testing::AssertionResult matchExpected(llvm::Expected<T> &E,
                                         const ErrorMatcher &M) {
  if (E)
    return matchError(llvm::Error::success(), M);
  return matchError(E.takeError(), M);
}
template <typename T>
::testing::AssertionResult matchExpected(llvm::Expected<T> &&E,
                                         const ErrorMatcher &M) {
  return matchExpected(E, M);
}

} // namespace qtest
} // namespace onncf

#define ASSERT_THAT_ERROR(E, M)                                                \
  ASSERT_TRUE(::onncf::qtest::matchError((E), ::onncf::qtest::M))
#define EXPECT_THAT_ERROR(E, M)                                                \
  EXPECT_TRUE(::onncf::qtest::matchError((E), ::onncf::qtest::M))
#define ASSERT_THAT_EXPECTED(E, M)                                             \
  ASSERT_TRUE(::onncf::qtest::matchExpected((E), ::onncf::qtest::M))
#define EXPECT_THAT_EXPECTED(E, M)                                             \
  EXPECT_TRUE(::onncf::qtest::matchExpected((E), ::onncf::qtest::M))

#endif
