//===- Parser.cpp - Reading the text IR -----------------------------------===//
//
// Part of onnc-fault. Recursive descent over IRLexer tokens for the grammar
// of docs/IRFormat.md. The first error stops parsing and is reported as
// "BUFFER:LINE:COL: message". Result types come from the text; no inference
// and no verification happen here (tools run verifyGraph).
//
// Robustness: every size that leads to an allocation is checked first (a
// tensor is only allocated once its literal or blob is known to have the
// matching number of bytes), so malformed input cannot crash the parser.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Parser.h"
#include "IRLexer.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>

using namespace llvm;

namespace onncf {

namespace {

/// Largest element count a parsed type may describe (2^40); keeps byte
/// sizes far from overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

class Parser {
public:
  Parser(StringRef Text, StringRef BufferName)
      : Lex(Text), BufferName(BufferName) {
    consume();
  }

  Expected<std::unique_ptr<Graph>> parse();

private:
  /// Where a blob is used; patched once the blobs section is read.
  struct BlobUse {
    int64_t Id;
    const char *Loc;
    TensorType Type;
    Value *Const = nullptr;  ///< A constant's data, or
    Op *AttrOp = nullptr;    ///< a tensor attribute of this op.
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
  Error error(const char *Loc, const Twine &Msg) {
    auto LC = Lex.getLineCol(Loc);
    return makeError(BufferName + ":" + Twine(LC.first) + ":" +
                     Twine(LC.second) + ": " + Msg);
  }
  Error error(const Twine &Msg) {
    if (Tok.is(Token::Error))
      return error(Tok.Loc, Tok.Spelling);
    return error(Tok.Loc, Msg);
  }
  /// Error "expected X" at the current token.
  Error expected(const Twine &What) { return error("expected " + What); }
  Error expect(Token::Kind K, const char *What) {
    if (!Tok.is(K))
      return expected(What);
    consume();
    return Error::success();
  }
  Error expectIdent(StringRef Word) {
    if (!Tok.isIdent(Word))
      return expected("'" + Word + "'");
    consume();
    return Error::success();
  }

  // Grammar.
  Error parseGraphHeader();
  Error parseStatement();
  Error parseInput();
  Error parseConst();
  Error parseReturn();
  Error parseOp();
  Error parseBlobs();
  Error resolveBlobs();

  Error parseType(TensorType &T);
  Error parseQuant(QuantParams &Q);
  Error parseAttrDict(AttributeMap &Attrs, std::vector<BlobUse> *Uses);
  /// For a tensor attribute stored in a blob, \p Blob receives the use
  /// (id, location, type) and \p A a placeholder.
  Error parseAttrValue(Attribute &A, std::optional<BlobUse> &Blob);
  Error parseTensorData(const TensorType &T, TensorData &D);
  Error parseDense(const TensorType &T, Tensor &Out);
  Error intFromToken(const Token &T, int64_t &V);
  Error floatFromToken(const Token &T, float &F);
  Error parseInt(int64_t &V);
  Error parseFloat(float &F);
  Error parseValueRef(Value *&V, bool AllowNone);

  IRLexer Lex;
  StringRef BufferName;
  Token Tok;
  std::unique_ptr<Graph> G;
  bool SeenReturn = false;
  std::vector<BlobUse> BlobUses;
  struct BlobText {
    StringRef Hex;
    const char *Loc;
  };
  std::map<int64_t, BlobText> BlobTexts;
};

} // namespace

Error Parser::intFromToken(const Token &T, int64_t &V) {
  if (!T.is(Token::Int))
    return error(T.Loc, "expected integer");
  StringRef S = T.Spelling;
  bool Bad;
  if (S.startswith("0x") || S.startswith("0X")) {
    uint64_t U;
    Bad = S.drop_front(2).getAsInteger(16, U) || U > uint64_t(INT64_MAX);
    V = int64_t(U);
  } else {
    Bad = S.getAsInteger(10, V);
  }
  if (Bad)
    return error(T.Loc, "integer '" + S + "' out of range");
  return Error::success();
}

Error Parser::floatFromToken(const Token &T, float &F) {
  if (!T.is(Token::Float) && !T.is(Token::Int))
    return error(T.Loc, "expected number");
  if (T.Spelling.startswith("0x") || T.Spelling.startswith("0X"))
    return error(T.Loc, "expected a decimal number");
  // strtof (not strtod + cast) so the value rounds once, exactly as printed.
  F = std::strtof(T.Spelling.str().c_str(), nullptr);
  return Error::success();
}

Error Parser::parseInt(int64_t &V) {
  if (Tok.is(Token::Error))
    return error("");
  if (Error E = intFromToken(Tok, V))
    return E;
  consume();
  return Error::success();
}

Error Parser::parseFloat(float &F) {
  if (Tok.is(Token::Error))
    return error("");
  if (Error E = floatFromToken(Tok, F))
    return E;
  consume();
  return Error::success();
}

Error Parser::parseValueRef(Value *&V, bool AllowNone) {
  if (AllowNone && Tok.isIdent("none")) {
    V = nullptr;
    consume();
    return Error::success();
  }
  if (!Tok.is(Token::ValueName))
    return expected(AllowNone ? "value or 'none'" : "value");
  V = G->lookup(Tok.Str);
  if (!V)
    return error("use of undefined value '" + Tok.Spelling + "'");
  consume();
  return Error::success();
}

Error Parser::parseQuant(QuantParams &Q) {
  // {qBITS [axis=N] scales=[...]}
  if (!Tok.is(Token::Ident) || !Tok.Spelling.startswith("q"))
    return expected("quantization 'qN'");
  unsigned Bits;
  if (Tok.Spelling.drop_front().getAsInteger(10, Bits) || Bits < 1 ||
      Bits > 32)
    return error("invalid quantization bit width '" + Tok.Spelling + "'");
  Q.Bits = Bits;
  consume();
  if (Tok.isIdent("axis")) {
    consume();
    if (Error E = expect(Token::Equal, "'='"))
      return E;
    int64_t Axis;
    const char *Loc = Tok.Loc;
    if (Error E = parseInt(Axis))
      return E;
    if (Axis < 0 || Axis > 1024)
      return error(Loc, "invalid quantization axis " + Twine(Axis));
    Q.Axis = int(Axis);
  }
  if (Error E = expectIdent("scales"))
    return E;
  if (Error E = expect(Token::Equal, "'='"))
    return E;
  if (Error E = expect(Token::LSquare, "'['"))
    return E;
  while (!Tok.is(Token::RSquare)) {
    if (!Q.Scales.empty())
      if (Error E = expect(Token::Comma, "',' or ']'"))
        return E;
    float F;
    if (Error E = parseFloat(F))
      return E;
    Q.Scales.push_back(F);
  }
  consume();
  return expect(Token::RBrace, "'}'");
}

Error Parser::parseType(TensorType &T) {
  if (!Tok.is(Token::Ident))
    return expected("type");
  auto Elt = parseElementTypeName(Tok.Spelling);
  if (!Elt)
    return error("unknown element type '" + Tok.Spelling + "'");
  const char *TypeLoc = Tok.Loc;
  consume();
  if (Error E = expect(Token::LSquare, "'['"))
    return E;
  SmallVector<int64_t, 4> Shape;
  int64_t Elements = 1;
  while (!Tok.is(Token::RSquare)) {
    if (!Shape.empty())
      if (Error E = expect(Token::Comma, "',' or ']'"))
        return E;
    if (Tok.is(Token::Question)) {
      consume();
      Shape.push_back(kDynamicDim);
      continue;
    }
    int64_t D;
    const char *Loc = Tok.Loc;
    if (Error E = parseInt(D))
      return E;
    if (D < 0)
      return error(Loc, "negative dimension " + Twine(D));
    if (D > kMaxElements || (D && Elements > kMaxElements / D))
      return error(TypeLoc, "tensor type is too large");
    Elements *= D;
    Shape.push_back(D);
  }
  consume();
  T = TensorType(*Elt, Shape);
  if (Tok.is(Token::LBrace)) {
    consume();
    QuantParams Q;
    if (Error E = parseQuant(Q))
      return E;
    T.setQuant(std::move(Q));
  }
  return Error::success();
}

Error Parser::parseDense(const TensorType &T, Tensor &Out) {
  // dense<[e0, e1, ...]>, elements in row-major order.
  if (Error E = expect(Token::Less, "'<'"))
    return E;
  const char *ListLoc = Tok.Loc;
  if (Error E = expect(Token::LSquare, "'['"))
    return E;
  ElementType Elt = T.getElementType();
  unsigned Size = getElementSize(Elt);
  std::vector<char> Bytes;
  int64_t Count = 0;
  while (!Tok.is(Token::RSquare)) {
    if (Count)
      if (Error E = expect(Token::Comma, "',' or ']'"))
        return E;
    char Buf[8];
    const char *Loc = Tok.Loc;
    if (Elt == ElementType::F32) {
      float F;
      if (Error E = parseFloat(F))
        return E;
      std::memcpy(Buf, &F, 4);
    } else if (Elt == ElementType::F64) {
      if (!Tok.is(Token::Float) && !Tok.is(Token::Int))
        return expected("number");
      double D = std::strtod(Tok.Spelling.str().c_str(), nullptr);
      consume();
      std::memcpy(Buf, &D, 8);
    } else if (Elt == ElementType::F16) {
      uint16_t H;
      if (Tok.is(Token::Int) && Tok.Spelling.startswith("0x")) {
        int64_t V;
        if (Error E = parseInt(V))
          return E;
        if (V > 0xffff)
          return error(Loc, "f16 bit pattern out of range");
        H = uint16_t(V);
      } else {
        float F;
        if (Error E = parseFloat(F))
          return E;
        H = floatToHalf(F);
      }
      std::memcpy(Buf, &H, 2);
    } else if (Elt == ElementType::Bool) {
      uint8_t B;
      if (Tok.isIdent("true") || Tok.isIdent("false")) {
        B = Tok.isIdent("true");
        consume();
      } else {
        int64_t V;
        if (Error E = parseInt(V))
          return E;
        if (V != 0 && V != 1)
          return error(Loc, "bool value must be true or false");
        B = uint8_t(V);
      }
      Buf[0] = char(B);
    } else {
      int64_t V;
      if (Error E = parseInt(V))
        return E;
      int64_t Lo = INT64_MIN, Hi = INT64_MAX;
      switch (Elt) {
      case ElementType::I32:
        Lo = INT32_MIN, Hi = INT32_MAX;
        break;
      case ElementType::I16:
        Lo = INT16_MIN, Hi = INT16_MAX;
        break;
      case ElementType::I8:
        Lo = INT8_MIN, Hi = INT8_MAX;
        break;
      case ElementType::U8:
        Lo = 0, Hi = UINT8_MAX;
        break;
      default:
        break;
      }
      if (V < Lo || V > Hi)
        return error(Loc, "value " + Twine(V) + " out of range for " +
                              getElementTypeName(Elt));
      // Little-endian hosts only (as the blob format assumes).
      std::memcpy(Buf, &V, Size);
    }
    Bytes.insert(Bytes.end(), Buf, Buf + Size);
    ++Count;
  }
  consume();
  if (Error E = expect(Token::Greater, "'>'"))
    return E;
  if (!T.hasStaticShape())
    return error(ListLoc, "constant type " + T.str() + " is not static");
  if (Count != T.getNumElements())
    return error(ListLoc, "dense literal has " + Twine(Count) +
                              " elements but type " + T.str() + " has " +
                              Twine(T.getNumElements()));
  Out = Tensor::fromBytes(T, Bytes);
  return Error::success();
}

Error Parser::parseTensorData(const TensorType &T, TensorData &D) {
  D.Loc = Tok.Loc;
  if (Tok.isIdent("dense")) {
    consume();
    return parseDense(T, D.Inline);
  }
  if (Tok.isIdent("blob")) {
    consume();
    int64_t Id;
    const char *Loc = Tok.Loc;
    if (Error E = parseInt(Id))
      return E;
    if (Id < 0)
      return error(Loc, "invalid blob id " + Twine(Id));
    if (!T.hasStaticShape())
      return error(D.Loc, "constant type " + T.str() + " is not static");
    D.BlobId = Id;
    return Error::success();
  }
  if (Tok.is(Token::Less))
    return error("elided constant data cannot be parsed (print without "
                 "--elide-constants)");
  return expected("'dense' or 'blob'");
}

Error Parser::parseAttrValue(Attribute &A, std::optional<BlobUse> &Blob) {
  if (Tok.is(Token::Int)) {
    int64_t V;
    if (Error E = parseInt(V))
      return E;
    A = Attribute(V);
    return Error::success();
  }
  if (Tok.is(Token::Float)) {
    float F;
    if (Error E = parseFloat(F))
      return E;
    A = Attribute(F);
    return Error::success();
  }
  if (Tok.is(Token::String)) {
    A = Attribute(std::move(Tok.Str));
    consume();
    return Error::success();
  }
  if (Tok.isIdent("tensor")) {
    consume();
    if (Error E = expect(Token::Less, "'<'"))
      return E;
    TensorType T;
    if (Error E = parseType(T))
      return E;
    if (Error E = expect(Token::Equal, "'='"))
      return E;
    TensorData D;
    if (Error E = parseTensorData(T, D))
      return E;
    if (Error E = expect(Token::Greater, "'>'"))
      return E;
    if (D.BlobId) {
      Blob = BlobUse{*D.BlobId, D.Loc, T};
      A = Attribute(Tensor()); // Filled in by resolveBlobs().
    } else {
      A = Attribute(std::move(D.Inline));
    }
    return Error::success();
  }
  // Lists: [..], or ints[..] / floats[..] / strings[..] with an explicit kind
  // (required when empty).
  enum { Unknown, Ints, Floats, Strings } ListKind = Unknown;
  if (Tok.isIdent("ints") || Tok.isIdent("floats") || Tok.isIdent("strings")) {
    ListKind = Tok.isIdent("ints")     ? Ints
               : Tok.isIdent("floats") ? Floats
                                       : Strings;
    consume();
  }
  if (!Tok.is(Token::LSquare))
    return expected("attribute value");
  const char *ListLoc = Tok.Loc;
  consume();
  std::vector<Token> Elts;
  while (!Tok.is(Token::RSquare)) {
    if (!Elts.empty())
      if (Error E = expect(Token::Comma, "',' or ']'"))
        return E;
    if (!Tok.is(Token::Int) && !Tok.is(Token::Float) &&
        !Tok.is(Token::String))
      return expected("list element");
    Elts.push_back(std::move(Tok));
    consume();
  }
  consume();
  if (ListKind == Unknown) {
    if (Elts.empty())
      return error(ListLoc, "empty list needs a kind: ints[], floats[] or "
                            "strings[]");
    ListKind = Elts[0].is(Token::String) ? Strings : Ints;
    for (const Token &T : Elts)
      if (T.is(Token::Float))
        ListKind = ListKind == Strings ? Strings : Floats;
  }
  std::vector<int64_t> IV;
  std::vector<float> FV;
  std::vector<std::string> SV;
  for (Token &T : Elts) {
    bool Ok = ListKind == Strings ? T.is(Token::String)
              : ListKind == Ints  ? T.is(Token::Int)
                                  : !T.is(Token::String);
    if (!Ok)
      return error(T.Loc, "list elements must all be " +
                              Twine(ListKind == Strings ? "strings"
                                    : ListKind == Ints  ? "integers"
                                                        : "numbers"));
    if (ListKind == Ints) {
      int64_t V;
      if (Error E = intFromToken(T, V))
        return E;
      IV.push_back(V);
    } else if (ListKind == Floats) {
      float F;
      if (Error E = floatFromToken(T, F))
        return E;
      FV.push_back(F);
    } else {
      SV.push_back(std::move(T.Str));
    }
  }
  A = ListKind == Ints     ? Attribute(std::move(IV))
      : ListKind == Floats ? Attribute(std::move(FV))
                           : Attribute(std::move(SV));
  return Error::success();
}

Error Parser::parseAttrDict(AttributeMap &Attrs, std::vector<BlobUse> *Uses) {
  if (Error E = expect(Token::LBrace, "'{'"))
    return E;
  while (!Tok.is(Token::RBrace)) {
    if (!Attrs.empty())
      if (Error E = expect(Token::Comma, "',' or '}'"))
        return E;
    std::string Key;
    const char *KeyLoc = Tok.Loc;
    if (Tok.is(Token::Ident))
      Key = Tok.Spelling.str();
    else if (Tok.is(Token::String))
      Key = Tok.Str;
    else
      return expected("attribute name");
    consume();
    if (Error E = expect(Token::Equal, "'='"))
      return E;
    Attribute A;
    std::optional<BlobUse> Blob;
    if (Error E = parseAttrValue(A, Blob))
      return E;
    if (Attrs.count(Key))
      return error(KeyLoc, "duplicate attribute '" + Key + "'");
    if (Blob) {
      if (!Uses)
        return error(Blob->Loc, "blob data is not allowed here");
      Blob->AttrName = Key;
      Uses->push_back(std::move(*Blob));
    }
    Attrs.emplace(std::move(Key), std::move(A));
  }
  consume();
  return Error::success();
}

Error Parser::parseGraphHeader() {
  if (Error E = expectIdent("graph"))
    return E;
  if (!Tok.is(Token::GraphName))
    return expected("graph name '@name'");
  G = std::make_unique<Graph>(Tok.Str);
  consume();
  if (Tok.isIdent("attributes")) {
    consume();
    if (Error E = parseAttrDict(G->getMetadata(), nullptr))
      return E;
  }
  return expect(Token::LBrace, "'{'");
}

Error Parser::parseInput() {
  consume(); // input
  if (!Tok.is(Token::ValueName))
    return expected("value name");
  Token Name = std::move(Tok);
  consume();
  if (Error E = expect(Token::Colon, "':'"))
    return E;
  TensorType T;
  if (Error E = parseType(T))
    return E;
  if (G->lookup(Name.Str))
    return error(Name.Loc, "redefinition of '" + Name.Spelling + "'");
  if (auto V = G->addInput(Name.Str, std::move(T)); !V)
    return error(Name.Loc, toString(V.takeError()));
  return Error::success();
}

Error Parser::parseConst() {
  consume(); // const
  if (!Tok.is(Token::ValueName))
    return expected("value name");
  Token Name = std::move(Tok);
  consume();
  if (Error E = expect(Token::Colon, "':'"))
    return E;
  TensorType T;
  if (Error E = parseType(T))
    return E;
  if (Error E = expect(Token::Equal, "'='"))
    return E;
  TensorData D;
  if (Error E = parseTensorData(T, D))
    return E;
  if (G->lookup(Name.Str))
    return error(Name.Loc, "redefinition of '" + Name.Spelling + "'");
  auto V = G->addConstant(Name.Str, D.BlobId ? Tensor() : std::move(D.Inline));
  if (!V)
    return error(Name.Loc, toString(V.takeError()));
  if (D.BlobId) {
    (*V)->setType(T); // Data arrives with the blobs section.
    BlobUse U{*D.BlobId, D.Loc, T};
    U.Const = *V;
    BlobUses.push_back(std::move(U));
  }
  return Error::success();
}

Error Parser::parseReturn() {
  consume(); // return
  if (SeenReturn)
    return error("graph has more than one 'return'");
  SeenReturn = true;
  SmallVector<Value *, 2> Outs;
  if (Tok.is(Token::ValueName)) {
    while (true) {
      Value *V;
      if (Error E = parseValueRef(V, /*AllowNone=*/false))
        return E;
      Outs.push_back(V);
      if (!Tok.is(Token::Comma))
        break;
      consume();
    }
  }
  G->setOutputs(Outs);
  if (!Tok.is(Token::RBrace))
    return expected("'}' after 'return'");
  return Error::success();
}

Error Parser::parseOp() {
  // [%r0, %r1 =] kind(operands) [{attrs}] [: types] [name "node"]
  std::vector<std::string> ResultNames;
  std::vector<const char *> ResultLocs;
  if (Tok.is(Token::ValueName)) {
    while (true) {
      if (!Tok.is(Token::ValueName))
        return expected("result name");
      if (G->lookup(Tok.Str) || llvm::is_contained(ResultNames, Tok.Str))
        return error("redefinition of '" + Tok.Spelling + "'");
      ResultNames.push_back(Tok.Str);
      ResultLocs.push_back(Tok.Loc);
      consume();
      if (!Tok.is(Token::Comma))
        break;
      consume();
    }
    if (Error E = expect(Token::Equal, "'='"))
      return E;
  }
  if (!Tok.is(Token::Ident))
    return expected("op kind");
  const char *KindLoc = Tok.Loc;
  std::string Kind = Tok.Spelling.str();
  if (!OpRegistry::get().lookup(Kind))
    return error("unknown op kind '" + Kind + "'");
  consume();
  if (Error E = expect(Token::LParen, "'('"))
    return E;
  SmallVector<Value *, 4> Operands;
  while (!Tok.is(Token::RParen)) {
    if (!Operands.empty())
      if (Error E = expect(Token::Comma, "',' or ')'"))
        return E;
    Value *V;
    if (Error E = parseValueRef(V, /*AllowNone=*/true))
      return E;
    Operands.push_back(V);
  }
  consume();
  AttributeMap Attrs;
  std::vector<BlobUse> AttrBlobs;
  if (Tok.is(Token::LBrace))
    if (Error E = parseAttrDict(Attrs, &AttrBlobs))
      return E;
  SmallVector<TensorType, 2> Types;
  if (!ResultNames.empty()) {
    const char *ColonLoc = Tok.Loc;
    if (Error E = expect(Token::Colon, "':' and result types"))
      return E;
    while (true) {
      TensorType T;
      if (Error E = parseType(T))
        return E;
      Types.push_back(std::move(T));
      if (!Tok.is(Token::Comma))
        break;
      consume();
    }
    if (Types.size() != ResultNames.size())
      return error(ColonLoc, Twine(ResultNames.size()) + " results but " +
                                 Twine(Types.size()) + " result types");
  }
  std::string NodeName;
  if (Tok.isIdent("name")) {
    consume();
    if (!Tok.is(Token::String))
      return expected("node name string");
    NodeName = std::move(Tok.Str);
    consume();
  }
  auto O = G->createOp(Kind, Operands, Types, std::move(Attrs), ResultNames);
  if (!O)
    return error(KindLoc, toString(O.takeError()));
  (*O)->setName(std::move(NodeName));
  for (BlobUse &U : AttrBlobs) {
    U.AttrOp = *O;
    BlobUses.push_back(std::move(U));
  }
  return Error::success();
}

Error Parser::parseStatement() {
  if (Tok.isIdent("input"))
    return parseInput();
  if (Tok.isIdent("const"))
    return parseConst();
  if (Tok.isIdent("return"))
    return parseReturn();
  if (SeenReturn)
    return expected("'}' after 'return'");
  return parseOp();
}

Error Parser::parseBlobs() {
  // blobs { ID = hex"..." ... }
  consume(); // blobs
  if (Error E = expect(Token::LBrace, "'{'"))
    return E;
  while (!Tok.is(Token::RBrace)) {
    const char *Loc = Tok.Loc;
    int64_t Id;
    if (Error E = parseInt(Id))
      return E;
    if (Id < 0)
      return error(Loc, "invalid blob id " + Twine(Id));
    if (BlobTexts.count(Id))
      return error(Loc, "redefinition of blob " + Twine(Id));
    if (Error E = expect(Token::Equal, "'='"))
      return E;
    if (Error E = expectIdent("hex"))
      return E;
    if (!Tok.is(Token::String))
      return expected("hex string");
    BlobTexts[Id] = {Tok.Spelling, Tok.Loc};
    consume();
  }
  consume();
  return Error::success();
}

/// Value of hex digit \p C, or -1 (table driven: blobs are megabytes).
static int hexValue(char C) {
  static const auto Table = [] {
    std::array<int8_t, 256> T;
    T.fill(-1);
    for (int I = 0; I < 10; ++I)
      T['0' + I] = int8_t(I);
    for (int I = 0; I < 6; ++I)
      T['a' + I] = T['A' + I] = int8_t(10 + I);
    return T;
  }();
  return Table[uint8_t(C)];
}

/// Decodes hex digits (whitespace ignored) into \p Out, which must have the
/// right size (checked by the caller with countHexBytes).
static void decodeHex(StringRef Hex, char *Out) {
  int Hi = -1;
  for (char C : Hex) {
    int D = hexValue(C);
    if (D < 0)
      continue;
    if (Hi < 0) {
      Hi = D;
    } else {
      *Out++ = char(Hi * 16 + D);
      Hi = -1;
    }
  }
}

/// Number of bytes \p Hex encodes, or an error message with \p BadLoc set
/// to the offending character.
static Expected<size_t> countHexBytes(StringRef Hex, const char *&BadLoc) {
  size_t Digits = 0;
  BadLoc = Hex.end();
  for (const char &C : Hex) {
    if (C == ' ' || C == '\n' || C == '\t' || C == '\r')
      continue;
    if (hexValue(C) < 0) {
      BadLoc = &C;
      std::string Shown = isPrint(C) ? std::string(1, C)
                                     : "\\x" + utohexstr(uint8_t(C));
      return makeError("invalid hex digit '" + Shown + "' in blob");
    }
    ++Digits;
  }
  if (Digits % 2)
    return makeError("odd number of hex digits in blob");
  return Digits / 2;
}

Error Parser::resolveBlobs() {
  // Decode each blob once; uses of the same blob share its storage.
  std::map<int64_t, Tensor> Decoded;
  for (BlobUse &U : BlobUses) {
    auto It = BlobTexts.find(U.Id);
    if (It == BlobTexts.end())
      return error(U.Loc, "blob " + Twine(U.Id) + " not defined");
    const char *BadLoc;
    auto Size = countHexBytes(It->second.Hex, BadLoc);
    if (!Size)
      return error(BadLoc, toString(Size.takeError()));
    if (*Size != U.Type.getSizeInBytes())
      return error(U.Loc, "blob " + Twine(U.Id) + " size " + Twine(*Size) +
                              " does not match type " + U.Type.str() + " (" +
                              Twine(U.Type.getSizeInBytes()) + " bytes)");
    Tensor &Data = Decoded[U.Id];
    if (Data.isNull()) {
      Data = Tensor(U.Type);
      decodeHex(It->second.Hex, Data.mutableBytes().data());
    }
    Tensor T = Data;
    T.setType(U.Type);
    if (U.Const)
      U.Const->setConstantData(std::move(T));
    else
      U.AttrOp->setAttr(U.AttrName, Attribute(std::move(T)));
  }
  return Error::success();
}

Expected<std::unique_ptr<Graph>> Parser::parse() {
  if (Error E = parseGraphHeader())
    return std::move(E);
  while (!Tok.is(Token::RBrace)) {
    if (Tok.is(Token::Eof))
      return expected("'}' at end of graph");
    if (Error E = parseStatement())
      return std::move(E);
  }
  consume();
  if (Tok.isIdent("blobs"))
    if (Error E = parseBlobs())
      return std::move(E);
  if (!Tok.is(Token::Eof))
    return expected("end of input");
  if (Error E = resolveBlobs())
    return std::move(E);
  return std::move(G);
}

Expected<std::unique_ptr<Graph>> parseGraph(StringRef Text,
                                            StringRef BufferName) {
  return Parser(Text, BufferName).parse();
}

Expected<std::unique_ptr<Graph>> parseGraphFile(StringRef Path) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parseGraph((*Buf)->getBuffer(), Path);
}

} // namespace onncf
