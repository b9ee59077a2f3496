//===- Attribute.h - Op attributes -------------------------------*- C++ -*-===//
//
// Part of onnc-fault. Attributes mirror ONNX's: int, float, string, lists of
// them, and tensors. Floats are single precision (as in ONNX) and print with
// enough digits to parse back to the same bits.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_ATTRIBUTE_H
#define ONNCF_IR_ATTRIBUTE_H

#include "onncf/IR/Tensor.h"
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace onncf {

enum class AttrKind { Int, Float, String, Ints, Floats, Strings, Tensor };

class Attribute {
public:
  using Storage = std::variant<int64_t, float, std::string, std::vector<int64_t>,
                               std::vector<float>, std::vector<std::string>,
                               onncf::Tensor>;

  Attribute() : Value(int64_t(0)) {}
  Attribute(int64_t V) : Value(V) {}
  Attribute(int V) : Value(int64_t(V)) {}
  Attribute(float V) : Value(V) {}
  Attribute(std::string V) : Value(std::move(V)) {}
  Attribute(const char *V) : Value(std::string(V)) {}
  Attribute(std::vector<int64_t> V) : Value(std::move(V)) {}
  Attribute(std::vector<float> V) : Value(std::move(V)) {}
  Attribute(std::vector<std::string> V) : Value(std::move(V)) {}
  Attribute(onncf::Tensor V) : Value(std::move(V)) {}

  AttrKind getKind() const { return static_cast<AttrKind>(Value.index()); }
  bool is(AttrKind K) const { return getKind() == K; }

  int64_t getInt() const { return std::get<int64_t>(Value); }
  float getFloat() const { return std::get<float>(Value); }
  const std::string &getString() const { return std::get<std::string>(Value); }
  const std::vector<int64_t> &getInts() const {
    return std::get<std::vector<int64_t>>(Value);
  }
  const std::vector<float> &getFloats() const {
    return std::get<std::vector<float>>(Value);
  }
  const std::vector<std::string> &getStrings() const {
    return std::get<std::vector<std::string>>(Value);
  }
  const onncf::Tensor &getTensor() const {
    return std::get<onncf::Tensor>(Value);
  }

  bool operator==(const Attribute &O) const { return Value == O.Value; }
  bool operator!=(const Attribute &O) const { return !(*this == O); }

private:
  Storage Value;
};

llvm::StringRef getAttrKindName(AttrKind K);

/// Sorted by name so that printing is deterministic.
using AttributeMap = std::map<std::string, Attribute, std::less<>>;

} // namespace onncf

#endif
