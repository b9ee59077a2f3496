//===- IRLexer.cpp - Tokens of the text IR --------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "IRLexer.h"
#include "TextUtils.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace onncf {

std::pair<unsigned, unsigned> IRLexer::getLineCol(const char *Loc) const {
  unsigned Line = 1, Col = 1;
  for (const char *P = Buffer.begin(); P < Loc && P < Buffer.end(); ++P) {
    if (*P == '\n') {
      ++Line;
      Col = 1;
    } else {
      ++Col;
    }
  }
  return {Line, Col};
}

Token IRLexer::make(Token::Kind K, const char *Start) {
  Token T;
  T.K = K;
  T.Loc = Start;
  T.Spelling = StringRef(Start, Cur - Start);
  return T;
}

Token IRLexer::error(const char *Loc, const char *Msg) {
  Token T;
  T.K = Token::Error;
  T.Loc = Loc;
  T.Spelling = Msg;
  Cur = Buffer.end(); // Stop: the parser reports the first error only.
  return T;
}

void IRLexer::skipSpace() {
  const char *End = Buffer.end();
  while (Cur < End) {
    char C = *Cur;
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r') {
      ++Cur;
    } else if (C == '/' && Cur + 1 < End && Cur[1] == '/') {
      while (Cur < End && *Cur != '\n')
        ++Cur;
    } else {
      break;
    }
  }
}

Token IRLexer::lexString(const char *Start, Token::Kind K) {
  const char *End = Buffer.end();
  Cur = Start + 1;
  std::string Decoded;
  const char *Run = Cur; // Start of the current run without escapes.
  while (true) {
    if (Cur >= End)
      return error(Start, "unterminated string");
    char C = *Cur;
    if (C == '"')
      break;
    if (C != '\\') {
      ++Cur;
      continue;
    }
    Decoded.append(Run, Cur);
    if (Cur + 1 >= End)
      return error(Start, "unterminated string");
    char E = Cur[1];
    if (E == '"' || E == '\\') {
      Decoded.push_back(E);
      Cur += 2;
    } else if (E == 'n') {
      Decoded.push_back('\n');
      Cur += 2;
    } else if (E == 't') {
      Decoded.push_back('\t');
      Cur += 2;
    } else if (Cur + 2 < End && isHexDigit(E) && isHexDigit(Cur[2])) {
      Decoded.push_back(char(hexDigitValue(E) * 16 + hexDigitValue(Cur[2])));
      Cur += 3;
    } else {
      return error(Cur, "invalid escape sequence in string");
    }
    Run = Cur;
  }
  Decoded.append(Run, Cur);
  Token T;
  T.K = K;
  T.Loc = Start;
  T.Spelling = StringRef(Start + 1, Cur - Start - 1);
  T.Str = std::move(Decoded);
  ++Cur; // closing quote
  return T;
}

Token IRLexer::lexNumber(const char *Start) {
  const char *End = Buffer.end();
  Cur = Start;
  if (*Cur == '-')
    ++Cur;
  // -inf / -nan
  if (Cur < End && (*Cur == 'i' || *Cur == 'n')) {
    StringRef Rest(Cur, End - Cur);
    if (Rest.startswith("inf") || Rest.startswith("nan")) {
      Cur += 3;
      if (Cur < End && text::isIdentChar(*Cur))
        return error(Start, "invalid number");
      return make(Token::Float, Start);
    }
    return error(Start, "unexpected '-'");
  }
  if (Cur >= End || !isDigit(*Cur))
    return error(Start, "unexpected '-'");
  if (*Cur == '0' && Cur + 1 < End && (Cur[1] == 'x' || Cur[1] == 'X')) {
    Cur += 2;
    const char *Digits = Cur;
    while (Cur < End && isHexDigit(*Cur))
      ++Cur;
    if (Cur == Digits || (Cur < End && text::isIdentChar(*Cur)))
      return error(Start, "invalid hexadecimal number");
    return make(Token::Int, Start);
  }
  bool IsFloat = false;
  while (Cur < End && isDigit(*Cur))
    ++Cur;
  if (Cur < End && *Cur == '.') {
    IsFloat = true;
    ++Cur;
    while (Cur < End && isDigit(*Cur))
      ++Cur;
  }
  if (Cur < End && (*Cur == 'e' || *Cur == 'E')) {
    const char *P = Cur + 1;
    if (P < End && (*P == '+' || *P == '-'))
      ++P;
    if (P < End && isDigit(*P)) {
      IsFloat = true;
      Cur = P;
      while (Cur < End && isDigit(*Cur))
        ++Cur;
    }
  }
  // "12abc" or "1.5.2" is one malformed token, not two tokens.
  if (Cur < End && (text::isIdentChar(*Cur)))
    return error(Start, "invalid number");
  return make(IsFloat ? Token::Float : Token::Int, Start);
}

Token IRLexer::next() {
  skipSpace();
  const char *End = Buffer.end();
  const char *Start = Cur;
  if (Cur >= End)
    return make(Token::Eof, Start);
  char C = *Cur;
  auto Punct = [&](Token::Kind K) {
    ++Cur;
    return make(K, Start);
  };
  switch (C) {
  case '(':
    return Punct(Token::LParen);
  case ')':
    return Punct(Token::RParen);
  case '[':
    return Punct(Token::LSquare);
  case ']':
    return Punct(Token::RSquare);
  case '{':
    return Punct(Token::LBrace);
  case '}':
    return Punct(Token::RBrace);
  case '<':
    return Punct(Token::Less);
  case '>':
    return Punct(Token::Greater);
  case ',':
    return Punct(Token::Comma);
  case '=':
    return Punct(Token::Equal);
  case ':':
    return Punct(Token::Colon);
  case '?':
    return Punct(Token::Question);
  case '"':
    return lexString(Start, Token::String);
  case '%':
  case '@': {
    Token::Kind K = C == '%' ? Token::ValueName : Token::GraphName;
    ++Cur;
    if (Cur < End && *Cur == '"') {
      Token T = lexString(Cur, K);
      T.Loc = Start;
      // A graph may be unnamed (@""); a value may not.
      if (T.is(Token::ValueName) && T.Str.empty())
        return error(Start, "empty value name");
      return T;
    }
    while (Cur < End && text::isNameChar(*Cur))
      ++Cur;
    if (Cur == Start + 1)
      return error(Start, C == '%' ? "expected value name after '%'"
                                   : "expected graph name after '@'");
    Token T = make(K, Start);
    T.Str = std::string(Start + 1, Cur);
    return T;
  }
  default:
    break;
  }
  if (C == '-' || isDigit(C))
    return lexNumber(Start);
  if (text::isIdentStart(C)) {
    while (Cur < End && text::isIdentChar(*Cur))
      ++Cur;
    Token T = make(Token::Ident, Start);
    if (T.Spelling == "inf" || T.Spelling == "nan")
      T.K = Token::Float;
    return T;
  }
  ++Cur;
  return error(Start, "unexpected character");
}

} // namespace onncf
