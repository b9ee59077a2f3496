//===- Value.cpp - SSA values of the IR -----------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Value.h"

namespace onncf {

void Value::setConstantData(Tensor T) {
  assert(isConstant() && "only constants carry data");
  Type = T.getType();
  Data = std::move(T);
}

} // namespace onncf
