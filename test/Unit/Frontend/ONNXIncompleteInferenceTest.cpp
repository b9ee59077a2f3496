//===- ONNXIncompleteInferenceTest.cpp - Declared data-dependent types ----===//
//
// A node whose result rank depends on data unknown at import (a Reshape by
// a shape of unknown length) takes the type the model declares; without a
// declaration the import fails naming the node.
//
//===----------------------------------------------------------------------===//
#include "ModelBuilder.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

/// x[2,6], s i64[?] -> Reshape -> y.
ModelBuilder reshapeByUnknownLength() {
  ModelBuilder B;
  B.input("x", {2, 6});
  B.input("s", {-1}, I64);
  B.node("Reshape", {"x", "s"}, {"y"}, "rs");
  return B;
}

TEST(ONNXIncompleteInference, DeclaredTypeIsUsed) {
  ModelBuilder B = reshapeByUnknownLength();
  B.valueInfo("y", {3, 4});
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ((*G)->lookup("y")->getType(), TensorType(ElementType::F32, {3, 4}));
  Error E = verifyGraph(**G);
  EXPECT_FALSE(bool(E)) << toString(std::move(E));
}

TEST(ONNXIncompleteInference, NoDeclarationIsAnError) {
  ModelBuilder B = reshapeByUnknownLength();
  B.output("y");
  std::string E = errorOf(B.import());
  EXPECT_THAT(E, HasSubstr("node 'rs' (op 'Reshape'"));
  EXPECT_THAT(E, HasSubstr("cannot infer the result's rank"));
  EXPECT_THAT(E, HasSubstr("'y' has no declared type"));
}

} // namespace
