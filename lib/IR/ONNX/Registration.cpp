//===- Registration.cpp - Registers every onnx.* op kind ------------------===//
//
// Part of onnc-fault. Each op family lives in its own file and exposes a
// register function; this file calls them all.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/OpDef.h"

namespace onncf {

void registerONNXOps(OpRegistry &R) {
  // Filled in as op families are defined.
  (void)R;
}

} // namespace onncf
