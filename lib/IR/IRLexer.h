//===- IRLexer.h - Tokens of the text IR ------------------------*- C++ -*-===//
//
// Part of onnc-fault. Private to lib/IR. A hand-written lexer over a
// StringRef (no NUL terminator is assumed, so any bytes are safe).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_IR_IRLEXER_H
#define ONNCF_LIB_IR_IRLEXER_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace onncf {

struct Token {
  enum Kind {
    Eof,
    Error,     ///< Spelling holds the message; Loc the position.
    Ident,     ///< f32, onnx.Conv, input, q8, ...
    ValueName, ///< %name or %"name"; Str holds the decoded name.
    GraphName, ///< @name or @"name"; Str holds the decoded name.
    Int,       ///< -12, 0x3c00
    Float,     ///< 1.5, -1e-05, inf, -nan
    String,    ///< "..."; Str holds the decoded bytes
    LParen,
    RParen,
    LSquare,
    RSquare,
    LBrace,
    RBrace,
    Less,
    Greater,
    Comma,
    Equal,
    Colon,
    Question,
  };
  Kind K = Eof;
  const char *Loc = nullptr;
  /// The source text of the token (for strings: between the quotes).
  llvm::StringRef Spelling;
  /// Decoded text of names and strings.
  std::string Str;

  bool is(Kind Other) const { return K == Other; }
  bool isIdent(llvm::StringRef S) const { return K == Ident && Spelling == S; }
};

class IRLexer {
public:
  explicit IRLexer(llvm::StringRef Buffer)
      : Buffer(Buffer), Cur(Buffer.begin()) {}

  Token next();
  llvm::StringRef getBuffer() const { return Buffer; }
  /// 1-based line and column of \p Loc.
  std::pair<unsigned, unsigned> getLineCol(const char *Loc) const;

private:
  Token make(Token::Kind K, const char *Start);
  Token error(const char *Loc, const char *Msg);
  Token lexNumber(const char *Start);
  /// Reads a quoted string starting at the opening quote \p Start.
  Token lexString(const char *Start, Token::Kind K);
  void skipSpace();

  llvm::StringRef Buffer;
  const char *Cur;
};

} // namespace onncf

#endif
