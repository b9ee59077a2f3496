//===- TextUtils.h - Shared spelling rules of the text IR -------*- C++ -*-===//
//
// Part of onnc-fault. Private to lib/IR: how names, strings and floats are
// spelled, shared by TensorType::print, the printer and the parser so the
// two sides cannot drift apart.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_IR_TEXTUTILS_H
#define ONNCF_LIB_IR_TEXTUTILS_H

#include "llvm/ADT/StringRef.h"

namespace llvm {
class raw_ostream;
}

namespace onncf {
namespace text {

/// Characters allowed in a bare %value / @graph name.
bool isNameChar(char C);
/// Characters allowed in a bare identifier (op kinds, attribute names).
bool isIdentStart(char C);
bool isIdentChar(char C);

/// Prints \p S as a double-quoted string: \" \\ and \HH for bytes outside
/// printable ASCII below 0x80 (bytes >= 0x80 print raw, keeping UTF-8).
void printQuoted(llvm::raw_ostream &OS, llvm::StringRef S);
/// Prints \p S bare if every character is a name character, else quoted.
void printName(llvm::raw_ostream &OS, llvm::StringRef S);
/// Prints an attribute key: bare identifier or quoted.
void printKey(llvm::raw_ostream &OS, llvm::StringRef S);

/// Shortest-safe spellings that parse back to the same bits (except NaN
/// payloads): always contain '.', 'e', "inf" or "nan" so they are never
/// mistaken for integers.
void printFloat(llvm::raw_ostream &OS, float F);
void printDouble(llvm::raw_ostream &OS, double D);

} // namespace text
} // namespace onncf

#endif
