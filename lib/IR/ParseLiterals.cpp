//===- ParseLiterals.cpp - Types, attributes and literals of the text IR --===//
//
// Part of onnc-fault. The leaf productions of the grammar in
// docs/IRFormat.md: numbers, types with quantization, dense literals and
// attribute values. Every size is checked before anything is allocated.
//
//===----------------------------------------------------------------------===//
#include "IRParser.h"
#include "onncf/IR/OpDef.h"
#include <cstdlib>
#include <cstring>

using namespace llvm;

namespace onncf {
namespace irparser {

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
  if (Tok.Spelling.drop_front().getAsInteger(10, Bits) || Bits < 1 || Bits > 32)
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
    if (!Tok.is(Token::Int) && !Tok.is(Token::Float) && !Tok.is(Token::String))
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

} // namespace irparser
} // namespace onncf
