//===- TextUtils.cpp - Shared spelling rules of the text IR ---------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "TextUtils.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>
#include <cstdio>
#include <cstring>

using namespace llvm;

namespace onncf {
namespace text {

bool isNameChar(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
         (C >= '0' && C <= '9') || C == '_' || C == '.' || C == ':' ||
         C == '/' || C == '-';
}

bool isIdentStart(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') || C == '_';
}

bool isIdentChar(char C) {
  return isIdentStart(C) || (C >= '0' && C <= '9') || C == '.';
}

void printQuoted(raw_ostream &OS, StringRef S) {
  static const char Hex[] = "0123456789ABCDEF";
  OS << '"';
  for (unsigned char C : S) {
    if (C == '"' || C == '\\') {
      OS << '\\' << char(C);
    } else if (C < 0x20 || C == 0x7f) {
      OS << '\\' << Hex[C >> 4] << Hex[C & 15];
    } else {
      OS << char(C);
    }
  }
  OS << '"';
}

void printName(raw_ostream &OS, StringRef S) {
  bool Bare = !S.empty();
  for (char C : S)
    Bare &= isNameChar(C);
  if (Bare)
    OS << S;
  else
    printQuoted(OS, S);
}

void printKey(raw_ostream &OS, StringRef S) {
  bool Bare = !S.empty() && isIdentStart(S[0]);
  for (char C : S)
    Bare &= isIdentChar(C);
  // The lexer reads these as float literals.
  if (S == "inf" || S == "nan")
    Bare = false;
  if (Bare)
    OS << S;
  else
    printQuoted(OS, S);
}

static void printFP(raw_ostream &OS, double D, int Digits) {
  if (std::isnan(D)) {
    OS << (std::signbit(D) ? "-nan" : "nan");
    return;
  }
  if (std::isinf(D)) {
    OS << (D < 0 ? "-inf" : "inf");
    return;
  }
  char Buf[64];
  int N = std::snprintf(Buf, sizeof(Buf), "%.*g", Digits, D);
  OS.write(Buf, N);
  if (!std::strpbrk(Buf, ".e"))
    OS << ".0";
}

void printFloat(raw_ostream &OS, float F) { printFP(OS, F, 9); }
void printDouble(raw_ostream &OS, double D) { printFP(OS, D, 17); }

} // namespace text
} // namespace onncf
