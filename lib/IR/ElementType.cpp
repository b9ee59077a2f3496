//===- ElementType.cpp - Scalar element types -----------------------------===//
//
// Part of onnc-fault. Names and sizes of the element types, and IEEE half
// precision conversions (F16 tensors are stored as raw 16-bit patterns).
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/ElementType.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include <cmath>
#include <cstring>

using namespace llvm;

namespace onncf {

StringRef getElementTypeName(ElementType Ty) {
  switch (Ty) {
  case ElementType::F32:
    return "f32";
  case ElementType::F64:
    return "f64";
  case ElementType::F16:
    return "f16";
  case ElementType::I64:
    return "i64";
  case ElementType::I32:
    return "i32";
  case ElementType::I16:
    return "i16";
  case ElementType::I8:
    return "i8";
  case ElementType::U8:
    return "u8";
  case ElementType::Bool:
    return "bool";
  }
  llvm_unreachable("bad element type");
}

std::optional<ElementType> parseElementTypeName(StringRef Name) {
  return StringSwitch<std::optional<ElementType>>(Name)
      .Case("f32", ElementType::F32)
      .Case("f64", ElementType::F64)
      .Case("f16", ElementType::F16)
      .Case("i64", ElementType::I64)
      .Case("i32", ElementType::I32)
      .Case("i16", ElementType::I16)
      .Case("i8", ElementType::I8)
      .Case("u8", ElementType::U8)
      .Case("bool", ElementType::Bool)
      .Default(std::nullopt);
}

unsigned getElementSize(ElementType Ty) {
  switch (Ty) {
  case ElementType::F64:
  case ElementType::I64:
    return 8;
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::F16:
  case ElementType::I16:
    return 2;
  case ElementType::I8:
  case ElementType::U8:
  case ElementType::Bool:
    return 1;
  }
  llvm_unreachable("bad element type");
}

bool isFloatType(ElementType Ty) {
  return Ty == ElementType::F32 || Ty == ElementType::F64 ||
         Ty == ElementType::F16;
}

bool isIntegerType(ElementType Ty) {
  switch (Ty) {
  case ElementType::I64:
  case ElementType::I32:
  case ElementType::I16:
  case ElementType::I8:
  case ElementType::U8:
    return true;
  default:
    return false;
  }
}

float halfToFloat(uint16_t H) {
  uint32_t Sign = uint32_t(H & 0x8000) << 16;
  uint32_t Exp = (H >> 10) & 0x1f;
  uint32_t Mant = H & 0x3ff;
  uint32_t Bits;
  if (Exp == 0x1f) {
    // Inf or NaN: keep the payload in the top mantissa bits.
    Bits = Sign | 0x7f800000u | (Mant << 13);
  } else if (Exp == 0) {
    if (Mant == 0) {
      Bits = Sign;
    } else {
      // Subnormal half: value = Mant * 2^-24, exactly representable.
      float F = std::ldexp(float(Mant), -24);
      std::memcpy(&Bits, &F, 4);
      Bits |= Sign;
    }
  } else {
    Bits = Sign | ((Exp + 112) << 23) | (Mant << 13);
  }
  float F;
  std::memcpy(&F, &Bits, 4);
  return F;
}

uint16_t floatToHalf(float F) {
  uint32_t X;
  std::memcpy(&X, &F, 4);
  uint16_t Sign = (X >> 16) & 0x8000;
  uint32_t Exp = (X >> 23) & 0xff;
  uint32_t Mant = X & 0x7fffff;
  if (Exp == 0xff) // Inf / NaN (NaN stays quiet).
    return Sign | 0x7c00 | (Mant ? 0x200 | (Mant >> 13) : 0);
  int E = int(Exp) - 127 + 15;
  if (E >= 0x1f)
    return Sign | 0x7c00; // Overflow to infinity.
  if (E <= 0) {
    if (E < -10)
      return Sign; // Underflows to zero.
    // Subnormal: shift in the implicit bit, round to nearest even.
    Mant |= 0x800000;
    unsigned Shift = 14 - E;
    uint32_t Half = Mant >> Shift;
    uint32_t Rem = Mant & ((1u << Shift) - 1);
    uint32_t Mid = 1u << (Shift - 1);
    if (Rem > Mid || (Rem == Mid && (Half & 1)))
      ++Half;
    return Sign | Half;
  }
  uint32_t Half = (uint32_t(E) << 10) | (Mant >> 13);
  uint32_t Rem = Mant & 0x1fff;
  if (Rem > 0x1000 || (Rem == 0x1000 && (Half & 1)))
    ++Half; // May carry into the exponent, which is the right result.
  return Sign | uint16_t(Half);
}

} // namespace onncf
