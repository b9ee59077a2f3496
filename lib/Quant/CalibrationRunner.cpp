//===- CalibrationRunner.cpp - Calibrate a float graph on data ------------===//
//
// Part of onnc-fault. calibrateGraph runs the float interpreter over the
// calibration samples and turns what every f32 value carries into a
// CalibrationTable entry.
//
// The interpreter only returns graph outputs, so rather than teaching it to
// expose intermediates we build a copy of the graph whose outputs are all the
// values to calibrate (the copy shares the constants' storage). The copy is
// run twice over the samples: pass 1 folds each value into its max |x|, pass
// 2 bins it into a histogram whose range is that max (see Histogram.h for
// why two passes make the result independent of batching and threads).
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/CalibrationRunner.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Interp/Evaluate.h"
#include "onncf/Interp/Interpreter.h"
#include "onncf/Quant/Histogram.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include <cmath>
#include <cstring>

using namespace llvm;

namespace onncf {

namespace {

/// A copy of a graph whose outputs are the values to calibrate.
struct CalibrationGraph {
  std::unique_ptr<Graph> G;
  /// Names of the outputs of G, in order (also the table keys).
  std::vector<std::string> Names;
};

} // namespace

/// Values worth calibrating: f32 graph inputs and f32 op results that depend
/// on an input. Constants (weights) get their own scales in the quantize
/// pass; an op result computed from constants alone is a constant too, and
/// having no batch axis it could not be split across the interpreter's
/// threads.
static bool isCalibrated(const Value &V, bool DependsOnInput) {
  return DependsOnInput && !V.isConstant() &&
         V.getType().getElementType() == ElementType::F32;
}

/// Copies \p Src op by op (same names, types and attributes; constants share
/// their storage) and makes every calibrated value an output, in definition
/// order: inputs first, then op results.
static Expected<CalibrationGraph> buildCalibrationGraph(const Graph &Src) {
  CalibrationGraph CG;
  CG.G = std::make_unique<Graph>(Src.getName());
  Graph &Dst = *CG.G;
  DenseMap<const Value *, Value *> Map;
  DenseSet<const Value *> Live; // values that depend on a graph input
  SmallVector<Value *, 64> Outs;

  for (Value *In : Src.getInputs()) {
    auto V = Dst.addInput(In->getName(), In->getType());
    if (!V)
      return V.takeError();
    Map[In] = *V;
    Live.insert(In);
    if (isCalibrated(*In, true))
      Outs.push_back(*V);
  }
  for (Value *C : Src.getConstants()) {
    auto V = Dst.addConstant(C->getName(), C->getConstantData());
    if (!V)
      return V.takeError();
    Map[C] = *V;
  }
  for (const auto &O : Src.getOps()) {
    SmallVector<Value *, 4> Operands;
    bool DependsOnInput = false;
    for (Value *Opd : O->getOperands()) {
      // Absent optional operands are null in both graphs.
      if (!Opd) {
        Operands.push_back(nullptr);
        continue;
      }
      auto It = Map.find(Opd);
      if (It == Map.end())
        return makeError(O->getDescription() + ": operand '" +
                         Opd->getName() + "' is not defined before use");
      Operands.push_back(It->second);
      DependsOnInput |= Live.count(Opd) != 0;
    }
    SmallVector<TensorType, 1> Types;
    std::vector<std::string> Names;
    for (Value *R : O->getResults()) {
      Types.push_back(R->getType());
      Names.push_back(R->getName());
    }
    auto NewOp = Dst.createOp(O->getKind(), Operands, Types, O->getAttrs(),
                              Names);
    if (!NewOp)
      return NewOp.takeError();
    (*NewOp)->setName(O->getName());
    for (unsigned I = 0, E = O->getNumResults(); I != E; ++I) {
      Map[O->getResult(I)] = (*NewOp)->getResult(I);
      if (DependsOnInput)
        Live.insert(O->getResult(I));
      if (isCalibrated(*O->getResult(I), DependsOnInput))
        Outs.push_back((*NewOp)->getResult(I));
    }
  }
  Dst.setOutputs(Outs);
  for (Value *V : Outs)
    CG.Names.push_back(V->getName());
  return CG;
}

/// Rows [Begin, Begin + Count) of axis 0 of \p T.
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

/// The first non-finite element of \p Data, or -1.
static int64_t findNonFinite(ArrayRef<float> Data) {
  for (size_t I = 0, E = Data.size(); I != E; ++I)
    if (!std::isfinite(Data[I]))
      return static_cast<int64_t>(I);
  return -1;
}

/// "value 'x': NaN in sample 12" for the first non-finite element of the
/// batch output \p Y of samples [Begin, Begin + Count).
static Error nonFiniteError(StringRef Name, const Tensor &Y, int64_t Begin,
                            int64_t Count) {
  ArrayRef<float> D = Y.data<float>();
  int64_t I = findNonFinite(D);
  if (I < 0) // the caller saw one; keep the message useful regardless
    return makeError("value '" + Name + "': non-finite value in calibration "
                     "samples " + Twine(Begin) + ".." +
                     Twine(Begin + Count - 1));
  int64_t PerSample = Count ? std::max<int64_t>(1, D.size() / Count) : 1;
  int64_t Sample = Begin + std::min<int64_t>(I / PerSample, Count - 1);
  return makeError("value '" + Name + "': " +
                   (std::isnan(D[I]) ? "NaN" : "infinite value") +
                   " in calibration sample " + Twine(Sample));
}

Expected<CalibrationTable> calibrateGraph(const Graph &G,
                                          const Tensor &Samples,
                                          const CalibrationOptions &Opts) {
  if (G.getInputs().size() != 1)
    return makeError("calibration needs a model with one input, this one "
                     "has " +
                     Twine(G.getInputs().size()));
  if (Opts.ActivationBits != 8 && Opts.ActivationBits != 16)
    return makeError("calibration: activation bits must be 8 or 16, not " +
                     Twine(Opts.ActivationBits));
  if (Opts.NumBins == 0)
    return makeError("calibration: the histogram needs at least one bin");
  const Value &In = *G.getInputs()[0];
  if (In.getType().getElementType() != ElementType::F32)
    return makeError("calibration: input '" + In.getName() + "' is " +
                     In.getType().str() + ", not a float tensor");
  if (Samples.isNull() || Samples.getType().getRank() == 0 ||
      Samples.getShape()[0] == 0)
    return makeError("calibration: no samples");
  if (Samples.getElementType() != ElementType::F32)
    return makeError("calibration: samples are " + Samples.getType().str() +
                     ", expected f32");
  auto Fitted = adaptInput(Samples, In.getType(), In.getName());
  if (!Fitted)
    return makeError("calibration samples do not fit the model: " +
                     toString(Fitted.takeError()));
  if (int64_t Bad = findNonFinite(Fitted->data<float>()); Bad >= 0) {
    int64_t N = Fitted->getShape()[0];
    int64_t PerSample = std::max<int64_t>(1, Fitted->getNumElements() / N);
    return makeError("calibration sample " + Twine(Bad / PerSample) +
                     " holds a NaN or infinite value");
  }

  auto CG = buildCalibrationGraph(G);
  if (!CG)
    return CG.takeError();
  InterpreterOptions IO;
  IO.Threads = Opts.Threads;
  auto Interp = Interpreter::create(*CG->G, IO);
  if (!Interp)
    return Interp.takeError();

  const size_t NumValues = CG->Names.size();
  const int64_t N = Fitted->getShape()[0];
  const int64_t Batch = std::max<unsigned>(1, Opts.BatchSize);

  // Runs the copy on every batch and hands each output to Visit(k, Y).
  auto ForEachBatch =
      [&](function_ref<Error(size_t, const Tensor &, int64_t, int64_t)> Visit)
      -> Error {
    for (int64_t Begin = 0; Begin < N; Begin += Batch) {
      int64_t Count = std::min(Batch, N - Begin);
      Tensor X = sliceRows(*Fitted, Begin, Count);
      auto Out = (*Interp)->run({X});
      if (!Out)
        return makeError("calibration samples " + Twine(Begin) + ".." +
                         Twine(Begin + Count - 1) + ": " +
                         toString(Out.takeError()));
      for (size_t K = 0; K < NumValues; ++K)
        if (Error E = Visit(K, (*Out)[K], Begin, Count))
          return E;
    }
    return Error::success();
  };

  // Pass 1: the range of every value.
  std::vector<float> MaxAbs(NumValues, 0.0f);
  if (Error E = ForEachBatch([&](size_t K, const Tensor &Y, int64_t Begin,
                                 int64_t Count) -> Error {
        if (Error E = updateAbsMax(MaxAbs[K], Y.data<float>())) {
          consumeError(std::move(E));
          return nonFiniteError(CG->Names[K], Y, Begin, Count);
        }
        return Error::success();
      }))
    return E;

  // Pass 2: histograms over the now fixed ranges. For KL, exact zeros are
  // left out: every scale represents 0 exactly, so they carry no
  // information about the clipping/rounding trade-off, yet after a ReLU they
  // are often more than half of all values; counted in bin 0 they make the
  // divergence favour thresholds that are too small. pytorch-quantization's
  // entropy calibrator flattens bin 0 for the same reason.
  const bool DropZeros = Opts.Method.Method == CalibrationMethod::KL;
  std::vector<float> NonZero;
  std::vector<Histogram> Hists;
  Hists.reserve(NumValues);
  for (float M : MaxAbs)
    Hists.emplace_back(M, Opts.NumBins);
  if (Error E = ForEachBatch([&](size_t K, const Tensor &Y, int64_t Begin,
                                 int64_t Count) -> Error {
        ArrayRef<float> D = Y.data<float>();
        if (DropZeros) {
          NonZero.clear();
          for (float V : D)
            if (V != 0.0f)
              NonZero.push_back(V);
          D = NonZero;
        }
        if (Error E = Hists[K].add(D)) {
          consumeError(std::move(E));
          return nonFiniteError(CG->Names[K], Y, Begin, Count);
        }
        return Error::success();
      }))
    return E;

  // The table always carries the int8 scale T / 127 (NVIDIA's convention,
  // see Quantize.h); min/max record the clipping range [-T, T].
  CalibrationTable Table;
  for (size_t K = 0; K < NumValues; ++K) {
    if (Hists[K].getOverflowCount())
      return makeError("value '" + CG->Names[K] +
                       "': the second calibration pass saw values beyond "
                       "the first pass's range (non-deterministic model?)");
    double T = computeThreshold(Hists[K], Opts.Method, Opts.ActivationBits);
    CalibrationEntry E;
    E.Scale = scaleForThreshold(T, 8);
    E.Max = static_cast<float>(T);
    E.Min = -E.Max;
    E.Offset = 0;
    Table.set(CG->Names[K], E);
  }
  return Table;
}

} // namespace onncf
