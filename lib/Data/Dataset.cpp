//===- Dataset.cpp - Loading images and labels, preprocessing ------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Data/Dataset.h"
#include "onncf/Data/IDX.h"
#include "onncf/Data/NPY.h"
#include "onncf/Data/PGM.h"
#include "onncf/Data/TensorProtoIO.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace onncf {

namespace {
enum class Format { IDX, NPY, PGM, TensorProto, Text, Unknown };

Format sniff(StringRef Bytes, StringRef Path) {
  if (looksLikeNPY(Bytes))
    return Format::NPY;
  if (looksLikePGM(Bytes))
    return Format::PGM;
  if (looksLikeIDX(Bytes))
    return Format::IDX;
  StringRef Ext = sys::path::extension(Path);
  if (Ext.equals_insensitive(".pb") || Ext.equals_insensitive(".tensor"))
    return Format::TensorProto;
  if (!Bytes.empty() && all_of(Bytes, [](char C) {
        return isDigit(C) || isSpace(C) || C == '-' || C == ',';
      }))
    return Format::Text;
  return Format::Unknown;
}

Error unknownFormat(StringRef Path) {
  return makeError(Path + ": unrecognised dataset format (expected IDX, "
                          "NPY, PGM, ONNX TensorProto .pb or a folder of "
                          "PGM images)");
}

} // namespace

Expected<Tensor> loadImages(StringRef Path) {
  if (sys::fs::is_directory(Path))
    return readPGMFolder(Path);
  auto Buf = readMaybeGzipFile(Path);
  if (!Buf)
    return Buf.takeError();
  StringRef Bytes = (*Buf)->getBuffer();
  switch (sniff(Bytes, Path)) {
  case Format::IDX:
    return parseIDX(Bytes, Path);
  case Format::NPY:
    return parseNPY(Bytes, Path);
  case Format::TensorProto:
    return parseTensorProtoFile(Bytes, Path);
  case Format::PGM: {
    auto T = parsePGM(Bytes, Path);
    if (!T)
      return T.takeError();
    SmallVector<int64_t, 3> Shape = {1};
    Shape.append(T->getShape().begin(), T->getShape().end());
    T->setType(T->getType().withShape(Shape));
    return T;
  }
  case Format::Text:
  case Format::Unknown:
    break;
  }
  return unknownFormat(Path);
}

static Expected<std::vector<int64_t>> labelsFromTensor(const Tensor &T,
                                                       StringRef Path) {
  ArrayRef<int64_t> S = T.getShape();
  bool Vector = S.size() == 1 || (S.size() == 2 && S[1] == 1);
  if (!Vector || !isIntegerType(T.getElementType()))
    return makeError(Path + ": labels must be a 1-D integer tensor [N], got " +
                     T.getType().str());
  std::vector<int64_t> L(T.getNumElements());
  for (size_t I = 0; I < L.size(); ++I)
    L[I] = T.getAsInt(I);
  return L;
}

Expected<std::vector<int64_t>> loadLabels(StringRef Path) {
  if (sys::fs::is_directory(Path))
    return makeError(Path + ": a folder of images has no labels");
  auto Buf = readMaybeGzipFile(Path);
  if (!Buf)
    return Buf.takeError();
  StringRef Bytes = (*Buf)->getBuffer();
  Expected<std::vector<int64_t>> Labels = std::vector<int64_t>();
  Format Fmt = sniff(Bytes, Path);
  // Printable text that is not all numbers is a label file with a typo:
  // say which token is wrong rather than "unrecognised format".
  if (Fmt == Format::Unknown &&
      all_of(Bytes, [](char C) { return isPrint(C) || isSpace(C); }))
    Fmt = Format::Text;
  switch (Fmt) {
  case Format::IDX: {
    auto T = parseIDX(Bytes, Path);
    if (!T)
      return T.takeError();
    if (T->getShape().size() != 1)
      return makeError(Path + ": expected an idx1 label file [N], got " +
                       T->getType().str());
    Labels = labelsFromTensor(*T, Path);
    break;
  }
  case Format::NPY:
  case Format::TensorProto: {
    auto T = looksLikeNPY(Bytes) ? parseNPY(Bytes, Path)
                                 : parseTensorProtoFile(Bytes, Path);
    if (!T)
      return T.takeError();
    Labels = labelsFromTensor(*T, Path);
    break;
  }
  case Format::Text: {
    SmallVector<StringRef, 64> Tokens;
    SplitString(Bytes, Tokens, " \t\r\n,");
    std::vector<int64_t> L;
    for (StringRef Tok : Tokens) {
      int64_t V;
      if (Tok.getAsInteger(10, V))
        return makeError(Path + ": bad label '" + Tok + "'");
      L.push_back(V);
    }
    Labels = std::move(L);
    break;
  }
  case Format::PGM:
    return makeError(Path + ": a PGM image is not a label file");
  case Format::Unknown:
    return unknownFormat(Path);
  }
  if (!Labels)
    return Labels.takeError();
  if (Labels->empty())
    return makeError(Path + ": label file holds no labels");
  for (size_t I = 0; I < Labels->size(); ++I)
    if ((*Labels)[I] < 0)
      return makeError(Path + ": negative label " + Twine((*Labels)[I]) +
                       " at index " + Twine(I));
  return Labels;
}

/// Picks the test split's images and labels out of an MNIST-style folder.
static Error resolveIDXFolder(StringRef Dir, std::string &Images,
                              std::string &Labels) {
  std::vector<std::string> Imgs, Lbls;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    if (Name.contains("images"))
      Imgs.push_back(It->path());
    else if (Name.contains("labels"))
      Lbls.push_back(It->path());
  }
  if (EC)
    return makeError(Dir + ": cannot list folder: " + EC.message());
  auto Pick = [&](std::vector<std::string> &C, StringRef Kind,
                  std::string &Out) -> Error {
    if (C.size() > 1)
      C.erase(remove_if(C,
                        [](const std::string &P) {
                          StringRef N = sys::path::filename(P);
                          return !N.contains("t10k") && !N.contains("test");
                        }),
              C.end());
    if (C.size() != 1)
      return makeError(Dir + ": cannot tell which file holds the " + Kind +
                       " (" + Twine(C.size()) + " candidates); name the file");
    Out = C.front();
    return Error::success();
  };
  if (Error E = Pick(Imgs, "images", Images))
    return E;
  if (Labels.empty())
    if (Error E = Pick(Lbls, "labels", Labels))
      consumeError(std::move(E)); // a folder without labels is fine
  return Error::success();
}

Expected<Dataset> loadDataset(StringRef ImagesPath, StringRef LabelsPath) {
  Dataset D;
  D.ImagesPath = ImagesPath.str();
  D.LabelsPath = LabelsPath.str();
  if (sys::fs::is_directory(ImagesPath)) {
    bool HasPGM = false;
    std::error_code EC;
    for (sys::fs::directory_iterator It(ImagesPath, EC), End;
         It != End && !EC && !HasPGM; It.increment(EC))
      HasPGM = sys::path::extension(It->path()).equals_insensitive(".pgm");
    if (!HasPGM)
      if (Error E = resolveIDXFolder(ImagesPath, D.ImagesPath, D.LabelsPath))
        return E;
  }
  auto Images = loadImages(D.ImagesPath);
  if (!Images)
    return Images.takeError();
  D.Images = std::move(*Images);
  if (D.Images.getShape().empty())
    return makeError(D.ImagesPath + ": images must have a batch dimension");
  if (!D.LabelsPath.empty()) {
    auto Labels = loadLabels(D.LabelsPath);
    if (!Labels)
      return Labels.takeError();
    D.Labels = std::move(*Labels);
    if ((int64_t)D.Labels.size() != D.size())
      return makeError(D.LabelsPath + ": " + Twine(D.Labels.size()) +
                       " labels but " + D.ImagesPath + " holds " +
                       Twine(D.size()) + " images");
  }
  return D;
}

Expected<Tensor> toFloatInput(const Tensor &Raw, const Preprocess &P,
                              StringRef Source) {
  ArrayRef<int64_t> S = Raw.getShape();
  SmallVector<int64_t, 4> Shape;
  if (S.size() == 2)
    Shape = {1, 1, S[0], S[1]};
  else if (S.size() == 3)
    Shape = {S[0], 1, S[1], S[2]};
  else if (S.size() == 4)
    Shape.assign(S.begin(), S.end());
  else
    return makeError(Source + ": cannot make an [N,C,H,W] batch from " +
                     Raw.getType().str() + " (expected rank 2, 3 or 4)");
  int64_t C = Shape[1];
  auto Expand = [&](const std::vector<float> &V, float Default, StringRef What,
                    std::vector<float> &Out) -> Error {
    if (V.empty())
      Out.assign(C, Default);
    else if (V.size() == 1)
      Out.assign(C, V[0]);
    else if ((int64_t)V.size() == C)
      Out = V;
    else
      return makeError(Source + ": " + What + " has " + Twine(V.size()) +
                       " values but the images have " + Twine(C) +
                       " channel(s)");
    return Error::success();
  };
  std::vector<float> Mean, Std;
  if (Error E = Expand(P.Mean, 0.0f, "mean", Mean))
    return E;
  if (Error E = Expand(P.Std, 1.0f, "std", Std))
    return E;
  for (float V : Std)
    if (V == 0.0f)
      return makeError(Source + ": std must not be zero");

  ElementType Elt = Raw.getElementType();
  bool FloatSrc = isFloatType(Elt);
  bool Normalize = !FloatSrc || P.NormalizeFloat;
  float Scale = FloatSrc ? 1.0f : P.Scale;
  Tensor Out(TensorType(ElementType::F32, Shape));
  MutableArrayRef<float> Dst = Out.mutableData<float>();
  int64_t N = Dst.size();
  int64_t Plane = N == 0 ? 1 : N / (Shape[0] * C);

  // Fast paths for the common element types; getAsDouble for the rest.
  const char *Base = Raw.bytes().data();
  auto Load = [&](int64_t I) -> float {
    switch (Elt) {
    case ElementType::U8:
      return reinterpret_cast<const uint8_t *>(Base)[I];
    case ElementType::F32:
      return reinterpret_cast<const float *>(Base)[I];
    case ElementType::F16:
      return halfToFloat(reinterpret_cast<const uint16_t *>(Base)[I]);
    default:
      return (float)Raw.getAsDouble(I);
    }
  };
  for (int64_t I = 0; I < N; ++I) {
    float X = Load(I);
    if (Normalize) {
      int64_t Ch = (I / Plane) % C;
      X = (X * Scale - Mean[Ch]) / Std[Ch];
    }
    Dst[I] = X;
  }
  return Out;
}

std::optional<float> parsePreprocessNumber(StringRef S) {
  auto [Num, Den] = S.trim().split('/');
  double N, D = 1;
  if (Num.trim().getAsDouble(N) ||
      (!Den.empty() && (Den.trim().getAsDouble(D) || D == 0)))
    return std::nullopt;
  return float(N / D);
}

Expected<std::vector<float>> parsePreprocessList(StringRef S) {
  std::vector<float> R;
  if (S.empty())
    return R;
  SmallVector<StringRef, 4> Parts;
  S.split(Parts, ',');
  for (StringRef P : Parts) {
    std::optional<float> V = parsePreprocessNumber(P);
    if (!V)
      return makeError("'" + P + "' is not a number");
    R.push_back(*V);
  }
  return R;
}

} // namespace onncf
