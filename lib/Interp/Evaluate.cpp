//===- Evaluate.cpp - Accuracy of an executor over a labelled dataset -----===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Evaluate.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

using namespace llvm;

namespace onncf {

int64_t rankOfLabel(ArrayRef<float> Scores, int64_t Label) {
  float L = Scores[Label];
  int64_t Rank = 0;
  for (int64_t I = 0; I < (int64_t)Scores.size(); ++I)
    if (Scores[I] > L || (Scores[I] == L && I < Label))
      ++Rank;
  return Rank;
}

Expected<Tensor> adaptInput(const Tensor &X, const TensorType &Want,
                            StringRef InputName) {
  auto Mismatch = [&] {
    return makeError("input '" + InputName + "': expected " + Want.str() +
                     ", got " + X.getType().str());
  };
  if (X.getElementType() != Want.getElementType())
    return Mismatch();
  if (Want.getRank() == 0)
    return X;
  ArrayRef<int64_t> WS = Want.getShape(), XS = X.getShape();
  auto Matches = [&](ArrayRef<int64_t> S) {
    if (S.size() != WS.size())
      return false;
    for (size_t I = 1; I < S.size(); ++I)
      if (WS[I] != kDynamicDim && WS[I] != S[I])
        return false;
    return true;
  };
  if (Matches(XS))
    return X;
  // One sample without its batch axis.
  if (XS.size() + 1 == WS.size()) {
    SmallVector<int64_t, 4> S{1};
    S.append(XS.begin(), XS.end());
    if (Matches(S)) {
      Tensor R = X;
      R.setType(X.getType().withShape(S));
      return R;
    }
  }
  // Same per-sample element count, different layout of the sample.
  if (!XS.empty()) {
    int64_t PerSample = 1, Known = 1;
    bool Static = true;
    for (size_t I = 1; I < XS.size(); ++I)
      PerSample *= XS[I];
    for (size_t I = 1; I < WS.size(); ++I) {
      if (WS[I] == kDynamicDim)
        Static = false;
      else
        Known *= WS[I];
    }
    if (Static && Known == PerSample) {
      SmallVector<int64_t, 4> S{XS[0]};
      S.append(WS.begin() + 1, WS.end());
      Tensor R = X;
      R.setType(X.getType().withShape(S));
      return R;
    }
  }
  return Mismatch();
}

/// Rows [Begin, Begin+Count) of axis 0.
static Tensor sliceRows(const Tensor &T, int64_t Begin, int64_t Count) {
  SmallVector<int64_t, 4> S(T.getShape().begin(), T.getShape().end());
  size_t Row = S[0] ? T.getSizeInBytes() / S[0] : 0;
  S[0] = Count;
  Tensor R(T.getType().withShape(S));
  if (Row && Count)
    std::memcpy(R.mutableBytes().data(), T.bytes().data() + Begin * Row,
                Row * Count);
  return R;
}

Expected<EvaluateResult> evaluateDataset(Executor &E, const Dataset &D,
                                         const EvaluateOptions &Opts) {
  if (E.getInputs().size() != 1)
    return makeError("dataset evaluation needs a model with one input, this "
                     "one has " + Twine(E.getInputs().size()));
  if (E.getOutputs().empty())
    return makeError("the model has no outputs");
  if (Opts.Batch < 1)
    return makeError("batch size must be >= 1");
  int64_t N = D.size();
  if (Opts.Limit > 0)
    N = std::min(N, Opts.Limit);
  const ExecutorPort &In = E.getInputs()[0];
  EvaluateResult R;
  R.Count = N;
  R.Predictions.assign(N, -1);
  std::vector<int64_t> Ranks(N, -1);

  int64_t NumBatches = (N + Opts.Batch - 1) / Opts.Batch;
  // One batch: preprocess, run, score. Batches write disjoint entries.
  auto RunBatch = [&](int64_t B) -> Error {
    int64_t Begin = B * Opts.Batch, Count = std::min(Opts.Batch, N - Begin);
    auto X = toFloatInput(sliceRows(D.Images, Begin, Count), Opts.Prep,
                          D.ImagesPath);
    if (!X)
      return X.takeError();
    auto Fitted = adaptInput(*X, In.Type, In.Name);
    if (!Fitted)
      return Fitted.takeError();
    auto Out = E.run({*Fitted});
    if (!Out)
      return makeError("images " + Twine(Begin) + ".." +
                       Twine(Begin + Count - 1) + ": " +
                       toString(Out.takeError()));
    const Tensor &Y = (*Out)[0];
    if (Y.getElementType() != ElementType::F32 || Y.getType().getRank() < 1 ||
        Y.getShape()[0] != Count)
      return makeError("output '" + E.getOutputs()[0].Name + "' is " +
                       Y.getType().str() + ", expected f32 scores [" +
                       Twine(Count) + ", classes]");
    int64_t Classes = Count ? Y.getNumElements() / Count : 0;
    if (Classes == 0)
      return makeError("output '" + E.getOutputs()[0].Name + "' is empty");
    R.NumClasses = Classes;
    ArrayRef<float> YD = Y.data<float>();
    for (int64_t I = 0; I < Count; ++I) {
      ArrayRef<float> Row = YD.slice(I * Classes, Classes);
      int64_t Best = 0;
      for (int64_t C = 1; C < Classes; ++C)
        if (Row[C] > Row[Best])
          Best = C;
      R.Predictions[Begin + I] = Best;
      if (D.hasLabels()) {
        int64_t L = D.Labels[Begin + I];
        Ranks[Begin + I] = L < Classes ? rankOfLabel(Row, L) : Classes;
      }
    }
    return Error::success();
  };

  auto Start = std::chrono::steady_clock::now();
  unsigned Threads =
      Opts.Threads ? Opts.Threads : std::max(1u, std::thread::hardware_concurrency());
  // Batches smaller than the thread count run side by side.
  int64_t Concurrent =
      std::min<int64_t>(NumBatches, std::max<int64_t>(1, Threads / Opts.Batch));
  if (Concurrent <= 1) {
    for (int64_t B = 0; B < NumBatches; ++B)
      if (Error Err = RunBatch(B))
        return Err;
  } else {
    ThreadPool Pool(hardware_concurrency(Concurrent));
    std::vector<Error> Errors;
    std::mutex ErrMutex;
    std::atomic<int64_t> Next{0};
    for (int64_t W = 0; W < Concurrent; ++W)
      Pool.async([&] {
        for (int64_t B; (B = Next++) < NumBatches;)
          if (Error Err = RunBatch(B)) {
            std::lock_guard<std::mutex> Lock(ErrMutex);
            Errors.push_back(std::move(Err));
            Next = NumBatches; // Stop everyone.
          }
      });
    Pool.wait();
    if (!Errors.empty()) {
      Error First = std::move(Errors.front());
      for (size_t I = 1; I < Errors.size(); ++I)
        consumeError(std::move(Errors[I]));
      return First;
    }
  }
  R.Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  if (D.hasLabels())
    for (int64_t Rank : Ranks) {
      R.Top1 += Rank == 0;
      R.Top5 += Rank >= 0 && Rank < 5;
    }
  return R;
}

} // namespace onncf
