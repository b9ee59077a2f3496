//===- Value.h - SSA values of the IR ---------------------------*- C++ -*-===//
//
// Part of onnc-fault. A Value is defined exactly once: as a graph input, as a
// constant (an ONNX initializer; it carries its Tensor), or as a result of an
// Op. Values are owned by their Graph; ops refer to them by pointer. Names
// are unique within a graph and are kept from the ONNX model so diagnostics
// and calibration tables can refer to tensors by the names users know.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_VALUE_H
#define ONNCF_IR_VALUE_H

#include "onncf/IR/Tensor.h"
#include "onncf/IR/TensorType.h"
#include <string>

namespace onncf {

class Op;

class Value {
public:
  enum class Kind { Input, Constant, Result };

  Kind getKind() const { return K; }
  bool isInput() const { return K == Kind::Input; }
  bool isConstant() const { return K == Kind::Constant; }
  bool isResult() const { return K == Kind::Result; }

  const std::string &getName() const { return Name; }
  const TensorType &getType() const { return Type; }
  void setType(TensorType T) { Type = std::move(T); }

  /// The defining op and result index (Result values only).
  Op *getDefiningOp() const { return DefOp; }
  unsigned getResultIndex() const { return ResultIndex; }

  /// The data of a Constant value; null Tensor otherwise.
  const Tensor &getConstantData() const { return Data; }
  /// Replaces a constant's data; also updates the value's type.
  void setConstantData(Tensor T);

private:
  friend class Graph;
  Value(Kind K, std::string Name, TensorType Type)
      : K(K), Name(std::move(Name)), Type(std::move(Type)) {}

  Kind K;
  std::string Name;
  TensorType Type;
  Op *DefOp = nullptr;
  unsigned ResultIndex = 0;
  Tensor Data;
};

} // namespace onncf

#endif
