//===- InterpTestUtil.h - Running single ops through the interpreter -*- C++ -*-=//
//
// Part of onnc-fault. Builds a graph of one op whose first operands are
// graph inputs and the rest constants, runs it with the Interpreter and
// returns the results, so kernel tests read like "op(inputs) == values".
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_INTERP_INTERPTESTUTIL_H
#define ONNCF_TEST_UNIT_INTERP_INTERPTESTUTIL_H

#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/Interp/Interpreter.h"
#include "llvm/Support/Error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <cmath>
#include <string>
#include <vector>

namespace onncf {
namespace test {

using Floats = std::vector<float>;
using Ints = std::vector<int64_t>;

inline Tensor F(Ints Shape, Floats V) {
  return Tensor::fromVector<float>(Shape, V);
}
inline Tensor I64(Ints Shape, Ints V) {
  return Tensor::fromVector<int64_t>(Shape, V);
}

/// Runs \p Kind on \p Operands (the first \p NumInputs become graph inputs,
/// the others constants; a null Tensor is an absent operand). Returns the
/// results or an error message in \p Err.
inline std::vector<Tensor> runOp(llvm::StringRef Kind,
                                 std::vector<Tensor> Operands,
                                 AttributeMap Attrs = {},
                                 unsigned NumResults = 1,
                                 unsigned NumInputs = 1,
                                 std::string *Err = nullptr,
                                 unsigned Threads = 1) {
  Graph G;
  Builder B(G);
  std::vector<Value *> Vals;
  std::vector<Tensor> Inputs;
  for (unsigned I = 0; I < Operands.size(); ++I) {
    if (Operands[I].isNull()) {
      Vals.push_back(nullptr);
    } else if (I < NumInputs) {
      auto V = G.addInput("x" + std::to_string(I), Operands[I].getType());
      EXPECT_TRUE(bool(V));
      Vals.push_back(*V);
      Inputs.push_back(Operands[I]);
    } else {
      Vals.push_back(B.createConstant("c", Operands[I]));
    }
  }
  auto O = B.createOp(Kind, Vals, std::move(Attrs), NumResults);
  if (!O) {
    std::string M = llvm::toString(O.takeError());
    if (Err)
      *Err = M;
    else
      ADD_FAILURE() << "createOp: " << M;
    return {};
  }
  for (Value *R : (*O)->getResults())
    G.addOutput(R);
  InterpreterOptions IO;
  IO.Threads = Threads;
  auto Interp = Interpreter::create(G, IO);
  if (!Interp) {
    std::string M = llvm::toString(Interp.takeError());
    if (Err)
      *Err = M;
    else
      ADD_FAILURE() << "create: " << M;
    return {};
  }
  auto Out = (*Interp)->run(Inputs);
  if (!Out) {
    std::string M = llvm::toString(Out.takeError());
    if (Err)
      *Err = M;
    else
      ADD_FAILURE() << "run: " << M;
    return {};
  }
  return std::move(*Out);
}

inline Floats values(const Tensor &T) {
  auto D = T.data<float>();
  return Floats(D.begin(), D.end());
}
inline Ints shapeOf(const Tensor &T) {
  return Ints(T.getShape().begin(), T.getShape().end());
}

MATCHER_P(FloatsNear, Expected, "") {
  if (arg.size() != Expected.size()) {
    *result_listener << "size " << arg.size() << " vs " << Expected.size();
    return false;
  }
  for (size_t I = 0; I < arg.size(); ++I) {
    float Tol = 1e-5f + 1e-4f * std::fabs(Expected[I]);
    if (!(std::fabs(arg[I] - Expected[I]) <= Tol)) {
      *result_listener << "element " << I << ": " << arg[I] << " vs "
                       << Expected[I];
      return false;
    }
  }
  return true;
}

} // namespace test
} // namespace onncf

#endif
