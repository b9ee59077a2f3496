//===- Evaluate.h - Accuracy of an executor over a labelled dataset -*- C++ -*-=//
//
// Part of onnc-fault. Shared by onnc-run and the campaign driver: feeds a
// dataset through any Executor in batches, preprocessing integer images on
// the fly, and counts top-1 / top-5 hits. Batches smaller than the thread
// count run concurrently, so batch-1 runs still use every core.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_INTERP_EVALUATE_H
#define ONNCF_INTERP_EVALUATE_H

#include "onncf/Data/Dataset.h"
#include "onncf/Interp/Executor.h"
#include <cstdint>
#include <vector>

namespace onncf {

struct EvaluateOptions {
  /// Images per run() call (>= 1).
  int64_t Batch = 64;
  /// Evaluate only the first Limit images (0: all).
  int64_t Limit = 0;
  /// Concurrent run() calls allowed when Batch is small (0: all cores).
  unsigned Threads = 0;
  Preprocess Prep;
};

struct EvaluateResult {
  int64_t Count = 0;
  int64_t Top1 = 0, Top5 = 0; ///< Hits (only with labels).
  int64_t NumClasses = 0;
  double Seconds = 0; ///< Wall time of preprocessing + inference.
  std::vector<int64_t> Predictions; ///< Top-1 class per image.
};

/// Runs \p D (labels optional) through \p E; the first model output is
/// read as [N, classes...] scores. The error names the failing batch.
llvm::Expected<EvaluateResult> evaluateDataset(Executor &E, const Dataset &D,
                                               const EvaluateOptions &Opts);

/// Makes a float batch fit the executor input type \p Want: a missing
/// batch axis is added, and a per-sample shape with the same element count
/// is reshaped (e.g. [N,1,28,28] for a model taking [N,784]). Otherwise the
/// error names the expected and the given shapes.
llvm::Expected<Tensor> adaptInput(const Tensor &X, const TensorType &Want,
                                  llvm::StringRef InputName);

/// Rank of \p Label among \p Scores (0 = best; ties broken by index).
int64_t rankOfLabel(llvm::ArrayRef<float> Scores, int64_t Label);

} // namespace onncf

#endif
