//===- ElementType.h - Scalar element types of IR tensors -------*- C++ -*-===//
//
// Part of onnc-fault. The scalar types a tensor can hold, their names in the
// text IR ("f32", "i8", ...) and their storage sizes.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_ELEMENTTYPE_H
#define ONNCF_IR_ELEMENTTYPE_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>

namespace onncf {

enum class ElementType : uint8_t {
  F32,
  F64,
  F16,
  I64,
  I32,
  I16,
  I8,
  U8,
  Bool,
};

/// Text-IR spelling: f32, f64, f16, i64, i32, i16, i8, u8, bool.
llvm::StringRef getElementTypeName(ElementType Ty);
std::optional<ElementType> parseElementTypeName(llvm::StringRef Name);
/// Bytes one element occupies in tensor storage.
unsigned getElementSize(ElementType Ty);
bool isFloatType(ElementType Ty);
bool isIntegerType(ElementType Ty);

/// IEEE 754 binary16 <-> binary32 conversions (round to nearest even).
float halfToFloat(uint16_t Bits);
uint16_t floatToHalf(float F);

/// Maps C++ scalar types to element types, for typed tensor access.
template <typename T> struct ElementTypeOf;
template <> struct ElementTypeOf<float> {
  static constexpr ElementType value = ElementType::F32;
};
template <> struct ElementTypeOf<double> {
  static constexpr ElementType value = ElementType::F64;
};
template <> struct ElementTypeOf<int64_t> {
  static constexpr ElementType value = ElementType::I64;
};
template <> struct ElementTypeOf<int32_t> {
  static constexpr ElementType value = ElementType::I32;
};
template <> struct ElementTypeOf<int16_t> {
  static constexpr ElementType value = ElementType::I16;
};
template <> struct ElementTypeOf<int8_t> {
  static constexpr ElementType value = ElementType::I8;
};
template <> struct ElementTypeOf<uint8_t> {
  static constexpr ElementType value = ElementType::U8;
};

} // namespace onncf

#endif
