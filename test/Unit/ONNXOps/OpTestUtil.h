//===- OpTestUtil.h - Fixture for onnx.* op definition tests ----*- C++ -*-===//
//
// Part of onnc-fault. Builds one op over graph inputs (unknown data) or
// constants (known data) and exposes its inferred result shapes and its
// verifier's message.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_ONNXOPS_OPTESTUTIL_H
#define ONNCF_TEST_UNIT_ONNXOPS_OPTESTUTIL_H

#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/OpDef.h"
#include "llvm/Support/Error.h"
#include "gtest/gtest.h"
#include <string>

namespace onncf {
namespace test {

constexpr int64_t D = kDynamicDim;
using ShapeVec = std::vector<int64_t>;

class OpTest : public ::testing::Test {
protected:
  Graph G;
  Builder B{G};
  unsigned Counter = 0;

  Value *in(ShapeVec S, ElementType E = ElementType::F32) {
    auto V = G.addInput("in" + std::to_string(Counter++), TensorType(E, S));
    EXPECT_TRUE(bool(V)) << llvm::toString(V.takeError());
    return *V;
  }
  Value *ints(ShapeVec Vals) {
    return B.createConstant(
        "c", Tensor::fromVector<int64_t>({(int64_t)Vals.size()}, Vals));
  }
  Value *f32(ShapeVec S) {
    TensorType T(ElementType::F32, S);
    return B.createConstant("w", Tensor(T));
  }
  Value *scalar(float F) {
    return B.createConstant("s", Tensor::fromVector<float>({}, {F}));
  }

  /// Creates the op with inferred result types; on failure returns null
  /// and stores the message in Err.
  Op *build(llvm::StringRef Kind, std::vector<Value *> Ops,
            AttributeMap Attrs = {}, unsigned NumResults = 1) {
    auto O = B.createOp(Kind, Ops, std::move(Attrs), NumResults);
    if (!O) {
      Err = llvm::toString(O.takeError());
      return nullptr;
    }
    Err.clear();
    return *O;
  }
  /// Inferred shape of result \p I, or "error: <msg>".
  std::string shape(llvm::StringRef Kind, std::vector<Value *> Ops,
                    AttributeMap Attrs = {}, unsigned NumResults = 1,
                    unsigned I = 0) {
    Op *O = build(Kind, Ops, std::move(Attrs), NumResults);
    if (!O)
      return "error: " + Err;
    return O->getResult(I)->getType().str();
  }
  /// Creates the op with explicit (f32 scalar) result types, then runs its
  /// OpDef's verifier. Returns "" on success, the message otherwise.
  std::string verify(llvm::StringRef Kind, std::vector<Value *> Ops,
                     AttributeMap Attrs = {}, unsigned NumResults = 1) {
    std::vector<TensorType> Types(NumResults, TensorType(ElementType::F32, {}));
    auto O = G.createOp(Kind, Ops, Types, std::move(Attrs));
    if (!O)
      return "create: " + llvm::toString(O.takeError());
    const OpDef &Def = (*O)->getDef();
    if (!Def.Verify)
      return "";
    if (llvm::Error E = Def.Verify(**O))
      return llvm::toString(std::move(E));
    return "";
  }

  std::string Err;
};

inline ::testing::AssertionResult contains(const std::string &S,
                                           const std::string &Sub) {
  if (S.find(Sub) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "'" << S << "' does not contain '" << Sub << "'";
}

} // namespace test
} // namespace onncf

#endif
