//===- TransformTestUtils.h - Building and running small graphs -*- C++ -*-===//
//
// Part of onnc-fault. Helpers for the Transforms unit tests: deterministic
// random tensors, running a pass, running a graph with the interpreter and
// comparing outputs.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_TRANSFORMS_TRANSFORMTESTUTILS_H
#define ONNCF_TEST_UNIT_TRANSFORMS_TRANSFORMTESTUTILS_H

#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Pass/PassManager.h"
#include "onncf/Transforms/Passes.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>

namespace onncf {
namespace test {

inline Tensor randomTensor(llvm::ArrayRef<int64_t> Shape, unsigned Seed,
                           float Lo = -1.0f, float Hi = 1.0f) {
  Tensor T(TensorType(ElementType::F32, Shape));
  std::mt19937 Rng(Seed);
  std::uniform_real_distribution<float> D(Lo, Hi);
  for (float &V : T.mutableData<float>())
    V = D(Rng);
  return T;
}

inline Value *constant(Graph &G, llvm::StringRef Name, Tensor T) {
  return llvm::cantFail(G.addConstant(Name, std::move(T)));
}

inline Value *op(Builder &B, llvm::StringRef Kind,
                 llvm::ArrayRef<Value *> Operands, AttributeMap Attrs = {},
                 unsigned NumResults = 1) {
  auto O = B.createOp(Kind, Operands, std::move(Attrs), NumResults);
  if (!O) {
    ADD_FAILURE() << llvm::toString(O.takeError());
    return nullptr;
  }
  return (*O)->getResult();
}

/// Runs \p Pipeline with --verify-each; returns the pass context's
/// statistics owner for inspection.
inline PassContext runPipeline(Graph &G, llvm::StringRef Pipeline) {
  registerTransformsPasses();
  PassManager PM;
  if (llvm::Error E = PM.addPipeline(Pipeline)) {
    ADD_FAILURE() << llvm::toString(std::move(E));
    return {};
  }
  InstrumentationOptions IO;
  IO.VerifyEach = true;
  llvm::cantFail(PM.configure(IO));
  if (llvm::Error E = PM.run(G))
    ADD_FAILURE() << llvm::toString(std::move(E));
  return PM.getContext();
}

inline std::vector<Tensor> runGraph(const Graph &G,
                                    llvm::ArrayRef<Tensor> Inputs) {
  auto I = Interpreter::create(G);
  if (!I) {
    ADD_FAILURE() << llvm::toString(I.takeError());
    return {};
  }
  auto R = (*I)->runSingleThreaded(Inputs);
  if (!R) {
    ADD_FAILURE() << llvm::toString(R.takeError());
    return {};
  }
  return std::move(*R);
}

/// Largest |a - b| / max(1, |b|) over all elements.
inline double maxRelDiff(const Tensor &A, const Tensor &B) {
  EXPECT_EQ(A.getType().getShape(), B.getType().getShape());
  if (A.getNumElements() != B.getNumElements())
    return INFINITY;
  double M = 0;
  for (int64_t I = 0; I < A.getNumElements(); ++I) {
    double X = A.getAsDouble(I), Y = B.getAsDouble(I);
    M = std::max(M, std::fabs(X - Y) / std::max(1.0, std::fabs(Y)));
  }
  return M;
}

inline unsigned countOps(const Graph &G, llvm::StringRef Kind) {
  unsigned N = 0;
  for (const auto &O : G.getOps())
    N += O->getKind() == Kind;
  return N;
}

} // namespace test
} // namespace onncf

#endif
