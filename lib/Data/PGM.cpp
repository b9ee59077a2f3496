//===- PGM.cpp - Netpbm greyscale image reader ----------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Data/PGM.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>

using namespace llvm;

namespace onncf {

static bool isPGMSpace(char C) {
  return C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == '\v' ||
         C == '\f';
}

bool looksLikePGM(StringRef Bytes) {
  return Bytes.size() >= 3 &&
         (Bytes.startswith("P5") || Bytes.startswith("P2")) &&
         isPGMSpace(Bytes[2]);
}

namespace {
/// Reads the header tokens (and, for P2, the samples): whitespace separated
/// decimal numbers with '#' comments running to the end of the line.
class PGMCursor {
public:
  PGMCursor(StringRef S, size_t Pos) : S(S), Pos(Pos) {}
  void skipSpaceAndComments() {
    while (Pos < S.size()) {
      if (isPGMSpace(S[Pos])) {
        ++Pos;
      } else if (S[Pos] == '#') {
        while (Pos < S.size() && S[Pos] != '\n' && S[Pos] != '\r')
          ++Pos;
      } else {
        break;
      }
    }
  }
  std::optional<uint64_t> number() {
    skipSpaceAndComments();
    size_t Start = Pos;
    uint64_t V = 0;
    while (Pos < S.size() && isDigit(S[Pos]) && V < (1ull << 40))
      V = V * 10 + (S[Pos++] - '0');
    if (Pos == Start)
      return std::nullopt;
    return V;
  }
  size_t pos() const { return Pos; }
  void advance() { ++Pos; }
  bool atEnd() const { return Pos >= S.size(); }
  char cur() const { return S[Pos]; }

private:
  StringRef S;
  size_t Pos;
};
} // namespace

Expected<Tensor> parsePGM(StringRef Bytes, StringRef Name) {
  if (!looksLikePGM(Bytes))
    return makeError(Name + ": not a PGM image: bad magic (expected P5 or P2)");
  bool Binary = Bytes[1] == '5';
  PGMCursor C(Bytes, 2);
  auto W = C.number();
  auto H = C.number();
  auto MaxV = C.number();
  if (!W || !H || !MaxV)
    return makeError(Name + ": truncated or malformed PGM header");
  if (*W == 0 || *H == 0 || *W > (1u << 20) || *H > (1u << 20))
    return makeError(Name + ": bad PGM size " + Twine(*W) + "x" + Twine(*H));
  if (*MaxV == 0 || *MaxV > 65535)
    return makeError(Name + ": bad PGM maxval " + Twine(*MaxV) +
                     " (expected 1 to 65535)");
  bool Wide = *MaxV > 255;
  uint64_t N = *W * *H;
  Tensor T(TensorType(Wide ? ElementType::I32 : ElementType::U8,
                      {(int64_t)*H, (int64_t)*W}));
  auto Store = [&](uint64_t I, uint64_t V) -> Error {
    if (V > *MaxV)
      return makeError(Name + ": PGM sample " + Twine(V) + " at pixel " +
                       Twine(I) + " exceeds maxval " + Twine(*MaxV));
    if (Wide)
      T.mutableData<int32_t>()[I] = (int32_t)V;
    else
      T.mutableData<uint8_t>()[I] = (uint8_t)V;
    return Error::success();
  };

  if (!Binary) {
    for (uint64_t I = 0; I < N; ++I) {
      auto V = C.number();
      if (!V)
        return makeError(Name + ": truncated PGM data: expected " + Twine(N) +
                         " samples, found " + Twine(I));
      if (Error E = Store(I, *V))
        return E;
    }
    C.skipSpaceAndComments();
    if (!C.atEnd())
      return makeError(Name + ": unexpected data after " + Twine(N) +
                       " PGM samples");
    return T;
  }

  // P5: exactly one whitespace byte separates maxval from the raster.
  if (C.atEnd() || !isPGMSpace(C.cur()))
    return makeError(Name + ": malformed PGM header (no whitespace before "
                            "the raster)");
  C.advance();
  size_t Start = C.pos();
  uint64_t Need = N * (Wide ? 2 : 1);
  uint64_t Have = Bytes.size() - Start;
  if (Have < Need)
    return makeError(Name + ": truncated PGM data: " + Twine(*W) + "x" +
                     Twine(*H) + " image needs " + Twine(Need) +
                     " bytes, file has " + Twine(Have));
  if (!Bytes.drop_front(Start + Need).trim(" \t\r\n").empty())
    return makeError(Name + ": PGM size mismatch: " + Twine(Have - Need) +
                     " bytes after the raster (multi-image PGM files are not "
                     "supported)");
  const uint8_t *P = reinterpret_cast<const uint8_t *>(Bytes.data()) + Start;
  for (uint64_t I = 0; I < N; ++I) {
    uint64_t V = Wide ? (uint64_t(P[2 * I]) << 8 | P[2 * I + 1]) : P[I];
    if (Error E = Store(I, V))
      return E;
  }
  return T;
}

Expected<Tensor> readPGM(StringRef Path) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parsePGM((*Buf)->getBuffer(), Path);
}

Expected<Tensor> readPGMFolder(StringRef Dir) {
  std::vector<std::string> Files;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (sys::path::extension(It->path()).equals_insensitive(".pgm"))
      Files.push_back(It->path());
  if (EC)
    return makeError(Dir + ": cannot list folder: " + EC.message());
  if (Files.empty())
    return makeError(Dir + ": folder holds no .pgm images");
  llvm::sort(Files);

  Tensor Result;
  size_t ImageBytes = 0;
  for (size_t I = 0; I < Files.size(); ++I) {
    auto Img = readPGM(Files[I]);
    if (!Img)
      return Img.takeError();
    if (I == 0) {
      SmallVector<int64_t, 3> Shape = {(int64_t)Files.size()};
      Shape.append(Img->getShape().begin(), Img->getShape().end());
      Result = Tensor(TensorType(Img->getElementType(), Shape));
      ImageBytes = Img->getSizeInBytes();
    } else if (Img->getType() !=
               Result.getType().withShape(Result.getShape().drop_front())) {
      return makeError(
          Files[I] + ": image is " + Img->getType().str() + " but " + Files[0] +
          " is " +
          Result.getType().withShape(Result.getShape().drop_front()).str() +
          "; all images of a folder must have the same size");
    }
    ArrayRef<char> B = Img->bytes();
    std::copy(B.begin(), B.end(),
              Result.mutableBytes().begin() + I * ImageBytes);
  }
  return Result;
}

Error writePGM(raw_ostream &OS, const Tensor &T) {
  if (T.getElementType() != ElementType::U8 || T.getShape().size() != 2)
    return makeError("cannot write " + T.getType().str() +
                     " as PGM (expected u8[H,W])");
  OS << "P5\n" << T.getShape()[1] << " " << T.getShape()[0] << "\n255\n";
  ArrayRef<char> B = T.bytes();
  OS.write(B.data(), B.size());
  return Error::success();
}

} // namespace onncf
