//===- CalibrationRunner.h - Calibrate a float graph on data ----*- C++ -*-===//
//
// Part of onnc-fault. Runs the float interpreter over calibration samples and
// produces a CalibrationTable: pass 1 finds every value's max |x|, pass 2
// fills a 2048-bin histogram over [0, max] per value, then the threshold
// method (KL by default) gives each value's scale. Counts are integers and
// the range is fixed before pass 2, so the table is identical for any thread
// count and batch size.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_QUANT_CALIBRATIONRUNNER_H
#define ONNCF_QUANT_CALIBRATIONRUNNER_H

#include "onncf/IR/Tensor.h"
#include "onncf/Quant/Calibration.h"
#include "onncf/Quant/CalibrationTable.h"
#include "llvm/Support/Error.h"

namespace onncf {

class Graph;
struct Preprocess;

struct CalibrationOptions {
  CalibrationMethodSpec Method;
  /// Activation width the thresholds are for (8 or 16).
  unsigned ActivationBits = 8;
  unsigned NumBins = 2048;
  /// Interpreter threads; 0 = all cores. Never changes the result.
  unsigned Threads = 0;
  /// Images per interpreter run (memory bound only).
  unsigned BatchSize = 64;
};

/// Calibrates every float value of \p G (graph inputs and every op result of
/// element type f32 that depends on an input; results computed from
/// constants alone have no batch axis and are skipped) on \p Samples (the model's single input, batch axis
/// first, already preprocessed). Errors: empty samples, a shape that does
/// not fit the input, NaN/infinite values (naming the value and sample).
llvm::Expected<CalibrationTable>
calibrateGraph(const Graph &G, const Tensor &Samples,
               const CalibrationOptions &Opts);

/// Loads up to \p MaxSamples calibration samples from \p Path: an IDX(.gz),
/// .npy or TensorProto .pb file (batch axis first), or a folder of PGM
/// images or of .npy / .pb files (one sample or batch each, sorted by name).
/// Integer sources are preprocessed with \p P. Errors name the file: not
/// found, unreadable, empty folder, wrong shape for \p InputType, NaN.
llvm::Expected<Tensor> loadCalibrationData(llvm::StringRef Path,
                                           unsigned MaxSamples,
                                           const Preprocess &P,
                                           const TensorType &InputType);

} // namespace onncf

#endif
