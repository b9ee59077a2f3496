//===- Executor.h - One interface for every way of running a model -*- C++ -*-=//
//
// Part of onnc-fault. The reference interpreter, the NVDLA virtual platform
// and the CIM simulator all run a model behind this interface, so onnc-run
// and onnc-campaign can drive any of them. An executor takes one tensor per
// model input (with the batch axis first) and returns one tensor per model
// output.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_INTERP_EXECUTOR_H
#define ONNCF_INTERP_EXECUTOR_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace onncf {

/// A named model input or output and its declared type (the batch axis is
/// usually dynamic).
struct ExecutorPort {
  std::string Name;
  TensorType Type;
};

class Executor {
public:
  virtual ~Executor();

  /// Short name for reports, e.g. "interp".
  virtual llvm::StringRef getName() const = 0;
  virtual llvm::ArrayRef<ExecutorPort> getInputs() const = 0;
  virtual llvm::ArrayRef<ExecutorPort> getOutputs() const = 0;

  /// Runs the model on \p Inputs (one tensor per input, in order). The
  /// error names the input or op that failed. Implementations must allow
  /// concurrent calls from several threads.
  virtual llvm::Expected<std::vector<Tensor>>
  run(llvm::ArrayRef<Tensor> Inputs) = 0;

  /// Number of threads one run() call may use (for reports).
  virtual unsigned getNumThreads() const { return 1; }
};

} // namespace onncf

#endif
