//===- CalibrationData.cpp - Loading calibration samples ------------------===//
//
// Part of onnc-fault. loadCalibrationData reads the samples calibrateGraph
// runs on: one file (IDX(.gz), .npy, TensorProto .pb, PGM) or a folder of
// .pgm / .npy / .pb files. The FIRST N samples are used, in file order and,
// for a folder, in file-name order (byte-wise sort), so the same path and N
// always give the same samples; nothing is drawn at random.
//
// Each source is converted to the model's input: integer images get the
// --scale/--mean/--std preprocessing (onncf/Data/Dataset.h), float data is
// only converted to f32, and the result is fitted to the input type as
// onnc-run fits its inputs (adaptInput). Errors name the file.
//
//===----------------------------------------------------------------------===//
#include "onncf/Data/Dataset.h"
#include "onncf/Interp/Evaluate.h"
#include "onncf/Quant/CalibrationRunner.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <cmath>
#include <cstring>

using namespace llvm;

namespace onncf {

/// Rows [0, Count) of axis 0 of \p T.
static Tensor firstRows(const Tensor &T, int64_t Count) {
  SmallVector<int64_t, 4> S(T.getShape().begin(), T.getShape().end());
  size_t Row = S[0] ? T.getSizeInBytes() / S[0] : 0;
  S[0] = Count;
  Tensor R(T.getType().withShape(S));
  if (Row && Count)
    std::memcpy(R.mutableBytes().data(), T.bytes().data(), Row * Count);
  return R;
}

/// True if \p Raw is one sample of \p Want without the batch axis.
static bool isSingleSample(const Tensor &Raw, const TensorType &Want) {
  ArrayRef<int64_t> XS = Raw.getShape(), WS = Want.getShape();
  if (XS.size() + 1 != WS.size())
    return false;
  for (size_t I = 0; I < XS.size(); ++I)
    if (WS[I + 1] != kDynamicDim && WS[I + 1] != XS[I])
      return false;
  return true;
}

/// Float conversion for inputs that are not [N,C,H,W] images: float data is
/// converted to f32 as is, integer data gets x * Scale, then one mean/std.
static Expected<Tensor> toFloatFlat(const Tensor &Raw, const Preprocess &P,
                                    StringRef File) {
  bool FloatSrc = isFloatType(Raw.getElementType());
  if (!FloatSrc && (P.Mean.size() > 1 || P.Std.size() > 1))
    return makeError(File + ": per-channel --mean/--std need an [N,C,H,W] "
                            "image input");
  float Mean = P.Mean.empty() ? 0.0f : P.Mean[0];
  float Std = P.Std.empty() ? 1.0f : P.Std[0];
  if (Std == 0.0f)
    return makeError(File + ": std must not be zero");
  Tensor Out(TensorType(ElementType::F32, Raw.getShape()));
  MutableArrayRef<float> D = Out.mutableData<float>();
  for (int64_t I = 0, N = D.size(); I < N; ++I) {
    float X = static_cast<float>(Raw.getAsDouble(I));
    D[I] = FloatSrc ? X : (X * P.Scale - Mean) / Std;
  }
  return Out;
}

/// Turns one file's contents into f32 samples [n, ...] fitting \p Want,
/// keeping at most \p Remaining of them.
static Expected<Tensor> toSamples(Tensor Raw, const Preprocess &P,
                                  const TensorType &Want, StringRef File,
                                  int64_t Remaining) {
  bool Image = Want.getRank() == 4;
  if (Raw.getType().getRank() == 0)
    return makeError(File + ": a scalar is not a calibration sample");
  if (isSingleSample(Raw, Want)) {
    SmallVector<int64_t, 4> S{1};
    S.append(Raw.getShape().begin(), Raw.getShape().end());
    Raw.setType(Raw.getType().withShape(S));
  } else if (!(Image && Raw.getType().getRank() == 2) &&
             Raw.getShape()[0] > Remaining) {
    // Axis 0 is the batch: drop what we will not use before converting.
    Raw = firstRows(Raw, Remaining);
  }
  auto F = Image ? toFloatInput(Raw, P, File) : toFloatFlat(Raw, P, File);
  if (!F)
    return F.takeError();
  auto Fitted = adaptInput(*F, Want, "input");
  if (!Fitted) {
    consumeError(Fitted.takeError());
    return makeError(File + ": wrong shape: " + Raw.getType().str() +
                     " does not fit the model input " + Want.str());
  }
  if (Fitted->getShape()[0] == 0)
    return makeError(File + ": holds no samples");
  if (Fitted->getShape()[0] > Remaining)
    *Fitted = firstRows(*Fitted, Remaining);

  ArrayRef<float> D = Fitted->data<float>();
  int64_t PerSample =
      std::max<int64_t>(1, Fitted->getNumElements() / Fitted->getShape()[0]);
  for (size_t I = 0; I < D.size(); ++I)
    if (!std::isfinite(D[I]))
      return makeError(File + ": sample " + Twine(int64_t(I) / PerSample) +
                       " holds " + (std::isnan(D[I]) ? "NaN" : "infinity") +
                       " (element " + Twine(int64_t(I) % PerSample) + ")");
  return std::move(*Fitted);
}

/// The .pgm, .npy and .pb files of \p Dir, sorted by name.
static Expected<std::vector<std::string>> listSampleFiles(StringRef Dir) {
  std::vector<std::string> Files;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    StringRef Path = It->path();
    StringRef Ext = sys::path::extension(Path);
    if (!(Ext.equals_insensitive(".pgm") || Ext.equals_insensitive(".npy") ||
          Ext.equals_insensitive(".pb")))
      continue;
    if (sys::fs::is_directory(Path))
      continue;
    Files.push_back(Path.str());
  }
  if (EC)
    return makeError(Dir + ": cannot list the folder: " + EC.message());
  llvm::sort(Files);
  return Files;
}

Expected<Tensor> loadCalibrationData(StringRef Path, unsigned MaxSamples,
                                     const Preprocess &P,
                                     const TensorType &InputType) {
  if (InputType.getRank() == 0)
    return makeError(Path + ": the model input " + InputType.str() +
                     " has no batch axis to calibrate over");
  if (!sys::fs::exists(Path))
    return makeError(Path + ": no such file or directory");
  int64_t Limit = MaxSamples ? int64_t(MaxSamples) : INT64_MAX;

  std::vector<std::string> Files;
  bool Folder = sys::fs::is_directory(Path);
  if (Folder) {
    auto L = listSampleFiles(Path);
    if (!L)
      return L.takeError();
    if (L->empty())
      return makeError(Path + ": empty folder: no .pgm, .npy or .pb "
                              "calibration files");
    Files = std::move(*L);
  } else {
    Files.push_back(Path.str());
  }

  std::vector<Tensor> Parts;
  int64_t Count = 0;
  for (const std::string &File : Files) {
    if (Count >= Limit)
      break;
    auto Raw = loadImages(File);
    if (!Raw) {
      std::string Msg = toString(Raw.takeError());
      // Data readers mostly name the file already; make sure of it.
      if (!StringRef(Msg).contains(File))
        Msg = File + ": " + Msg;
      return makeError(Msg);
    }
    auto S = toSamples(std::move(*Raw), P, InputType, File, Limit - Count);
    if (!S)
      return S.takeError();
    if (!Parts.empty() &&
        S->getShape().drop_front() != Parts.front().getShape().drop_front())
      return makeError(File + ": samples of shape " + S->getType().str() +
                       " differ from the earlier ones (" +
                       Parts.front().getType().str() + ")");
    Count += S->getShape()[0];
    Parts.push_back(std::move(*S));
  }
  if (Parts.size() == 1)
    return std::move(Parts.front());

  SmallVector<int64_t, 4> Shape(Parts.front().getShape().begin(),
                                Parts.front().getShape().end());
  Shape[0] = Count;
  Tensor All(TensorType(ElementType::F32, Shape));
  char *Dst = All.mutableBytes().data();
  for (const Tensor &T : Parts) {
    std::memcpy(Dst, T.bytes().data(), T.getSizeInBytes());
    Dst += T.getSizeInBytes();
  }
  return All;
}

} // namespace onncf
