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
#include "IRParser.h"
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
namespace irparser {

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
      std::string Shown =
          isPrint(C) ? std::string(1, C) : "\\x" + utohexstr(uint8_t(C));
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

} // namespace irparser

Expected<std::unique_ptr<Graph>> parseGraph(StringRef Text,
                                            StringRef BufferName) {
  return irparser::Parser(Text, BufferName).parse();
}

Expected<std::unique_ptr<Graph>> parseGraphFile(StringRef Path) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parseGraph((*Buf)->getBuffer(), Path);
}

} // namespace onncf
