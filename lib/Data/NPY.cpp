//===- NPY.cpp - NumPy .npy reader and writer -----------------------------===//
//
// Part of onnc-fault. The header is a Python dict literal; this file parses
// the small subset NumPy writes ('descr', 'fortran_order', 'shape') rather
// than general Python syntax, and rejects anything else with a message.
//
//===----------------------------------------------------------------------===//
#include "onncf/Data/NPY.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

static const char NPYMagic[] = "\x93NUMPY";

bool looksLikeNPY(StringRef Bytes) {
  return Bytes.startswith(StringRef(NPYMagic, 6));
}

namespace {
struct DTypeName {
  const char *Descr;
  ElementType Elt;
};
// The descriptors NumPy writes on a little-endian host; single-byte types
// carry '|' (no byte order), some writers use '<' for them as well.
const DTypeName DTypes[] = {
    {"<f2", ElementType::F16},  {"<f4", ElementType::F32},
    {"<f8", ElementType::F64},  {"|u1", ElementType::U8},
    {"<u1", ElementType::U8},   {"|i1", ElementType::I8},
    {"<i1", ElementType::I8},   {"<i2", ElementType::I16},
    {"<i4", ElementType::I32},  {"<i8", ElementType::I64},
    {"|b1", ElementType::Bool},
};

/// A cursor over the header dict with the few token kinds NumPy emits.
class HeaderLexer {
public:
  explicit HeaderLexer(StringRef S) : S(S) {}
  void skipSpace() { S = S.ltrim(" \t\r\n"); }
  bool consume(char C) {
    skipSpace();
    if (S.empty() || S.front() != C)
      return false;
    S = S.drop_front();
    return true;
  }
  bool peek(char C) {
    skipSpace();
    return !S.empty() && S.front() == C;
  }
  std::optional<std::string> quoted() {
    skipSpace();
    if (S.empty() || (S.front() != '\'' && S.front() != '"'))
      return std::nullopt;
    char Q = S.front();
    size_t End = S.find(Q, 1);
    if (End == StringRef::npos)
      return std::nullopt;
    std::string R = S.substr(1, End - 1).str();
    S = S.drop_front(End + 1);
    return R;
  }
  std::optional<uint64_t> integer() {
    skipSpace();
    size_t N = 0;
    while (N < S.size() && isDigit(S[N]))
      ++N;
    uint64_t V;
    if (N == 0 || S.substr(0, N).getAsInteger(10, V))
      return std::nullopt;
    S = S.drop_front(N);
    // Python 2 era writers append 'L' to longs.
    if (!S.empty() && S.front() == 'L')
      S = S.drop_front();
    return V;
  }
  bool keyword(StringRef K) {
    skipSpace();
    if (!S.startswith(K))
      return false;
    S = S.drop_front(K.size());
    return true;
  }

private:
  StringRef S;
};

struct NPYHeader {
  std::string Descr;
  bool FortranOrder = false;
  SmallVector<int64_t, 4> Shape;
};

Expected<NPYHeader> parseHeaderDict(StringRef Dict, StringRef Name) {
  auto Bad = [&](const Twine &What) {
    return makeError(Name + ": bad NPY header: " + What + " in \"" +
                     Dict.trim() + "\"");
  };
  HeaderLexer L(Dict);
  NPYHeader H;
  bool HaveDescr = false, HaveOrder = false, HaveShape = false;
  if (!L.consume('{'))
    return Bad("expected '{'");
  while (!L.consume('}')) {
    auto Key = L.quoted();
    if (!Key)
      return Bad("expected a quoted key");
    if (!L.consume(':'))
      return Bad("expected ':' after '" + *Key + "'");
    if (*Key == "descr") {
      auto D = L.quoted();
      if (!D)
        return Bad("'descr' must be a string (structured dtypes are not "
                   "supported)");
      H.Descr = *D;
      HaveDescr = true;
    } else if (*Key == "fortran_order") {
      if (L.keyword("True"))
        H.FortranOrder = true;
      else if (L.keyword("False"))
        H.FortranOrder = false;
      else
        return Bad("'fortran_order' must be True or False");
      HaveOrder = true;
    } else if (*Key == "shape") {
      if (!L.consume('('))
        return Bad("'shape' must be a tuple");
      while (!L.consume(')')) {
        auto D = L.integer();
        if (!D || *D > (uint64_t)INT64_MAX)
          return Bad("'shape' must hold non-negative integers");
        H.Shape.push_back(*D);
        if (!L.consume(',') && !L.peek(')'))
          return Bad("expected ',' or ')' in 'shape'");
      }
      HaveShape = true;
    } else {
      return Bad("unknown key '" + *Key + "'");
    }
    if (!L.consume(',') && !L.peek('}'))
      return Bad("expected ',' or '}'");
  }
  if (!HaveDescr || !HaveOrder || !HaveShape)
    return Bad("missing 'descr', 'fortran_order' or 'shape'");
  return H;
}
} // namespace

Expected<Tensor> parseNPY(StringRef Bytes, StringRef Name) {
  if (!looksLikeNPY(Bytes))
    return makeError(Name + ": not an NPY file: bad magic");
  if (Bytes.size() < 10)
    return makeError(Name + ": truncated NPY header");
  unsigned Major = (uint8_t)Bytes[6];
  size_t HeaderLen, Prefix;
  if (Major == 1) {
    HeaderLen = support::endian::read16le(Bytes.data() + 8);
    Prefix = 10;
  } else if (Major == 2 || Major == 3) {
    if (Bytes.size() < 12)
      return makeError(Name + ": truncated NPY header");
    HeaderLen = support::endian::read32le(Bytes.data() + 8);
    Prefix = 12;
  } else {
    return makeError(Name + ": unsupported NPY format version " + Twine(Major) +
                     "." + Twine((unsigned)(uint8_t)Bytes[7]));
  }
  if (Bytes.size() - Prefix < HeaderLen)
    return makeError(Name + ": truncated NPY header: declares " +
                     Twine(HeaderLen) + " bytes, file has " +
                     Twine(Bytes.size() - Prefix));
  auto H = parseHeaderDict(Bytes.substr(Prefix, HeaderLen), Name);
  if (!H)
    return H.takeError();
  if (H->FortranOrder)
    return makeError(Name + ": Fortran-order NPY arrays are not supported "
                            "(save with numpy.ascontiguousarray)");
  std::optional<ElementType> Elt;
  for (const DTypeName &D : DTypes)
    if (H->Descr == D.Descr)
      Elt = D.Elt;
  if (!Elt) {
    if (StringRef(H->Descr).startswith(">"))
      return makeError(Name + ": big-endian NPY dtype '" + H->Descr +
                       "' is not supported");
    return makeError(Name + ": unsupported NPY dtype '" + H->Descr +
                     "' (expected <f2 <f4 <f8 |u1 |i1 <i2 <i4 <i8 |b1)");
  }

  bool Overflow = false;
  uint64_t NumElts = 1;
  for (int64_t D : H->Shape)
    NumElts = SaturatingMultiply<uint64_t>(NumElts, D, &Overflow);
  uint64_t Need =
      SaturatingMultiply<uint64_t>(NumElts, getElementSize(*Elt), &Overflow);
  uint64_t Have = Bytes.size() - Prefix - HeaderLen;
  if (Overflow || Need != Have)
    return makeError(
        Name + ": NPY shape mismatch: shape (" +
        join(map_range(H->Shape, [](int64_t D) { return std::to_string(D); }),
             ", ") +
        ") of '" + H->Descr + "' needs " + Twine(Need) +
        " bytes of data, file has " + Twine(Have) +
        (Need > Have ? " (truncated)" : ""));
  return Tensor::fromBytes(
      TensorType(*Elt, H->Shape),
      ArrayRef<char>(Bytes.data() + Prefix + HeaderLen, Need));
}

Expected<Tensor> readNPY(StringRef Path) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parseNPY((*Buf)->getBuffer(), Path);
}

Error writeNPY(raw_ostream &OS, const Tensor &T) {
  const char *Descr = nullptr;
  for (const DTypeName &D : DTypes)
    if (D.Elt == T.getElementType()) {
      Descr = D.Descr;
      break;
    }
  if (!Descr)
    return makeError("cannot write " + T.getType().str() + " as NPY");
  std::string Dict;
  raw_string_ostream DS(Dict);
  DS << "{'descr': '" << Descr << "', 'fortran_order': False, 'shape': (";
  ArrayRef<int64_t> Shape = T.getShape();
  for (size_t I = 0; I < Shape.size(); ++I)
    DS << (I ? ", " : "") << Shape[I];
  // A one-element tuple needs its trailing comma: "(3,)".
  DS << (Shape.size() == 1 ? ",), }" : "), }");
  DS.flush();
  // Pad with spaces so that the data starts 64-byte aligned, then '\n'.
  size_t Prefix = 10;
  if (Dict.size() + 1 + Prefix > 65535)
    Prefix = 12;
  size_t Total = alignTo(Prefix + Dict.size() + 1, 64);
  Dict.append(Total - Prefix - Dict.size() - 1, ' ');
  Dict += '\n';
  OS.write(NPYMagic, 6);
  OS << char(Prefix == 10 ? 1 : 2) << char(0);
  char Len[4];
  if (Prefix == 10) {
    support::endian::write16le(Len, Dict.size());
    OS.write(Len, 2);
  } else {
    support::endian::write32le(Len, Dict.size());
    OS.write(Len, 4);
  }
  OS << Dict;
  ArrayRef<char> B = T.bytes();
  OS.write(B.data(), B.size());
  return Error::success();
}

Error writeNPYFile(StringRef Path, const Tensor &T) {
  return writeFileAtomically(Path, [&](raw_ostream &OS) -> Error {
    if (Error E = writeNPY(OS, T))
      return addFileContext(std::move(E), Path);
    return Error::success();
  });
}

} // namespace onncf
