//===- TestOps.h - Op kinds registered only by the IR unit tests -*- C++
//-*-===//
//
// Part of onnc-fault. "test.*" kinds exercise the IR independently of the
// onnx.* definitions another library owns.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TEST_UNIT_IR_TESTOPS_H
#define ONNCF_TEST_UNIT_IR_TESTOPS_H

#include "onncf/IR/Op.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Support/Diagnostics.h"

namespace onncf {
namespace test {

/// Registers test.unary (1 operand, result = operand type), test.any
/// (0..inf operands, 0..4 results, any attributes declared below, no
/// inference), test.split (1 operand, 1..4 results), test.opt (2 required +
/// 2 optional operands). Idempotent.
inline void registerTestOps() {
  static bool Done = [] {
    OpRegistry &R = OpRegistry::get();
    OpDef Unary;
    Unary.Name = "test.unary";
    Unary.MinOperands = Unary.MaxOperands = 1;
    Unary.Attrs = {{"alpha", AttrKind::Float}, {"mode", AttrKind::String}};
    Unary.InferTypes = [](const Op &, const InferenceInputs &In)
        -> llvm::Expected<llvm::SmallVector<TensorType, 1>> {
      return llvm::SmallVector<TensorType, 1>{In.Types[0]};
    };
    R.add(Unary);

    OpDef Any;
    Any.Name = "test.any";
    Any.MinOperands = 0;
    Any.MaxOperands = ~0u;
    Any.MinResults = 0;
    Any.MaxResults = 4;
    Any.Attrs = {{"i", AttrKind::Int},         {"f", AttrKind::Float},
                 {"s", AttrKind::String},      {"is", AttrKind::Ints},
                 {"fs", AttrKind::Floats},     {"ss", AttrKind::Strings},
                 {"t", AttrKind::Tensor},      {"weird key!", AttrKind::Int},
                 {"req", AttrKind::Int, false}};
    R.add(Any);

    OpDef Req;
    Req.Name = "test.req";
    Req.MinOperands = Req.MaxOperands = 1;
    Req.Attrs = {{"k", AttrKind::Int, true}};
    Req.Verify = [](const Op &O) -> llvm::Error {
      if (O.getIntAttr("k", 0) < 0)
        return makeError("k must be non-negative");
      return llvm::Error::success();
    };
    R.add(Req);

    OpDef Opt;
    Opt.Name = "test.opt";
    Opt.MinOperands = 2;
    Opt.MaxOperands = 4;
    R.add(Opt);
    return true;
  }();
  (void)Done;
}

} // namespace test
} // namespace onncf

#endif
