//===- IRParser.h - Recursive-descent parser of the text IR ----*- C++ -*-===//
//
// Part of onnc-fault. Private to lib/IR: the parser class, split over
// Parser.cpp (graph structure, blobs) and ParseLiterals.cpp (types,
// attributes, literals).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_IR_IRPARSER_H
#define ONNCF_LIB_IR_IRPARSER_H

#include "IRLexer.h"
#include "onncf/IR/Graph.h"
#include "onncf/Support/Diagnostics.h"
#include <map>
#include <optional>

namespace onncf {
namespace irparser {
/// Largest element count a parsed type may describe (2^40); keeps byte
/// sizes far from overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

class Parser {
public:
  Parser(llvm::StringRef Text, llvm::StringRef BufferName)
      : Lex(Text), BufferName(BufferName) {
    consume();
  }

  llvm::Expected<std::unique_ptr<Graph>> parse();

private:
  /// Where a blob is used; patched once the blobs section is read.
  struct BlobUse {
    int64_t Id;
    const char *Loc;
    TensorType Type;
    Value *Const = nullptr; ///< A constant's data, or
    Op *AttrOp = nullptr;   ///< a tensor attribute of this op.
    std::string AttrName;
  };
  /// Parsed tensor data: an inline literal, or a blob reference.
  struct TensorData {
    Tensor Inline;
    std::optional<int64_t> BlobId;
    const char *Loc = nullptr;
  };

  // Token handling.
  void consume() { Tok = Lex.next(); }
  llvm::Error error(const char *Loc, const llvm::Twine &Msg) {
    auto LC = Lex.getLineCol(Loc);
    return makeError(BufferName + ":" + llvm::Twine(LC.first) + ":" +
                     llvm::Twine(LC.second) + ": " + Msg);
  }
  llvm::Error error(const llvm::Twine &Msg) {
    if (Tok.is(Token::Error))
      return error(Tok.Loc, Tok.Spelling);
    return error(Tok.Loc, Msg);
  }
  /// Error "expected X" at the current token.
  llvm::Error expected(const llvm::Twine &What) {
    return error("expected " + What);
  }
  llvm::Error expect(Token::Kind K, const char *What) {
    if (!Tok.is(K))
      return expected(What);
    consume();
    return llvm::Error::success();
  }
  llvm::Error expectIdent(llvm::StringRef Word) {
    if (!Tok.isIdent(Word))
      return expected("'" + Word + "'");
    consume();
    return llvm::Error::success();
  }

  // Grammar.
  llvm::Error parseGraphHeader();
  llvm::Error parseStatement();
  llvm::Error parseInput();
  llvm::Error parseConst();
  llvm::Error parseReturn();
  llvm::Error parseOp();
  llvm::Error parseBlobs();
  llvm::Error resolveBlobs();

  llvm::Error parseType(TensorType &T);
  llvm::Error parseQuant(QuantParams &Q);
  llvm::Error parseAttrDict(AttributeMap &Attrs, std::vector<BlobUse> *Uses);
  /// For a tensor attribute stored in a blob, \p Blob receives the use
  /// (id, location, type) and \p A a placeholder.
  llvm::Error parseAttrValue(Attribute &A, std::optional<BlobUse> &Blob);
  llvm::Error parseTensorData(const TensorType &T, TensorData &D);
  llvm::Error parseDense(const TensorType &T, Tensor &Out);
  llvm::Error intFromToken(const Token &T, int64_t &V);
  llvm::Error floatFromToken(const Token &T, float &F);
  llvm::Error parseInt(int64_t &V);
  llvm::Error parseFloat(float &F);
  llvm::Error parseValueRef(Value *&V, bool AllowNone);

  IRLexer Lex;
  llvm::StringRef BufferName;
  Token Tok;
  std::unique_ptr<Graph> G;
  bool SeenReturn = false;
  std::vector<BlobUse> BlobUses;
  struct BlobText {
    llvm::StringRef Hex;
    const char *Loc;
  };
  std::map<int64_t, BlobText> BlobTexts;
};

} // namespace irparser
} // namespace onncf

#endif
