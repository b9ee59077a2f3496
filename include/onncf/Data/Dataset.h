//===- Dataset.h - Loading images and labels, preprocessing -----*- C++ -*-===//
//
// Part of onnc-fault. One entry point for every dataset format the tools
// accept (IDX, gzip'ed IDX, NPY, ONNX TensorProto .pb, PGM, a folder of
// PGMs); the format is recognised from the file's content, not its name.
// Images come back as they are stored (u8 for IDX/PGM, whatever dtype an
// NPY/.pb holds); toFloatInput turns them into the f32 [N,C,H,W] batch a
// model consumes.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_DATA_DATASET_H
#define ONNCF_DATA_DATASET_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <optional>
#include <string>
#include <vector>

namespace onncf {

/// Reads images from \p Path: a file in any supported format, or a folder
/// of .pgm files. A single PGM image [H,W] is returned as [1,H,W].
llvm::Expected<Tensor> loadImages(llvm::StringRef Path);

/// Reads class labels from \p Path: an idx1 file, a 1-D (or [N,1]) integer
/// NPY or .pb tensor, or a text file of whitespace-separated integers.
/// Labels must be non-negative.
llvm::Expected<std::vector<int64_t>> loadLabels(llvm::StringRef Path);

struct Dataset {
  Tensor Images;
  /// Empty when the dataset has no labels (e.g. a folder of PGMs).
  std::vector<int64_t> Labels;
  std::string ImagesPath, LabelsPath;

  int64_t size() const {
    return Images.getShape().empty() ? 0 : Images.getShape()[0];
  }
  bool hasLabels() const { return !Labels.empty(); }
};

/// Loads images and (if \p LabelsPath is non-empty) labels and checks that
/// their counts agree. When \p ImagesPath is a folder that holds no .pgm
/// images but IDX-style "*images*" / "*labels*" files (as the MNIST
/// distributions do), the test split ("t10k" or "test") is chosen and
/// LabelsPath may be left empty.
llvm::Expected<Dataset> loadDataset(llvm::StringRef ImagesPath,
                                    llvm::StringRef LabelsPath = "");

struct Preprocess {
  /// Multiplies integer samples first (1/255 maps u8 to [0,1]).
  float Scale = 1.0f / 255.0f;
  /// One value for all channels or one per channel; empty means 0 / 1.
  std::vector<float> Mean;
  std::vector<float> Std;
  /// Float sources are left unchanged unless this is set, in which case
  /// mean/std (but not Scale) apply to them too.
  bool NormalizeFloat = false;
};

/// Parses a --scale style number: "0.5", "2e-3" or a fraction "1/255".
/// None for anything else (or a zero denominator).
std::optional<float> parsePreprocessNumber(llvm::StringRef S);

/// Parses a --mean / --std style list: comma-separated numbers as above
/// (empty gives an empty list). The error quotes the bad item.
llvm::Expected<std::vector<float>> parsePreprocessList(llvm::StringRef S);

/// Converts raw images to an f32 batch [N,C,H,W]: [H,W] becomes
/// [1,1,H,W], [N,H,W] becomes [N,1,H,W], rank 4 is kept. Integer sources
/// get (x*Scale - Mean[c]) / Std[c]; float sources (f16/f32/f64) are only
/// converted to f32. \p Source names the data in error messages.
llvm::Expected<Tensor> toFloatInput(const Tensor &Raw, const Preprocess &P,
                                    llvm::StringRef Source = "input");

} // namespace onncf

#endif
