//===- Interpreter.h - Reference executor over the IR -----------*- C++ -*-===//
//
// Part of onnc-fault. The Interpreter runs a Graph directly with the float
// (and integer) kernels of lib/Interp. It builds an execution plan once (op
// order, kernel per op, value slots, the last use of every intermediate so
// its buffer is freed early) and reuses it for every run.
//
// A batch is split into contiguous per-thread sub-batches; every thread runs
// the whole plan on its slice with its own buffers. Kernels compute each
// image independently of the others, so results are bit-identical whatever
// the thread count. A model whose input has a fixed batch of 1 still accepts
// N images: they are run one at a time (in parallel).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_INTERP_INTERPRETER_H
#define ONNCF_INTERP_INTERPRETER_H

#include "onncf/Interp/Executor.h"
#include <memory>

namespace onncf {

class Graph;

struct InterpreterOptions {
  /// Worker threads for one run(); 0 means all cores.
  unsigned Threads = 0;
  /// Each thread runs the plan on at most this many images at a time, so
  /// the intermediates of a slice stay in cache (0: the whole slice). The
  /// results do not depend on it.
  unsigned MicroBatch = 8;
  /// Runs Conv -> [BatchNormalization] -> [Relu] chains (intermediates with
  /// no other use) as one step that applies BN and Relu to the Conv result
  /// while it is in cache. Bit-identical to running the ops one by one.
  bool FuseConvEpilogues = true;
};

class Interpreter : public Executor {
public:
  /// Builds the plan for \p G. \p G must outlive the interpreter. Fails if
  /// an op has no kernel or the graph is malformed (the error names the op).
  static llvm::Expected<std::unique_ptr<Interpreter>>
  create(const Graph &G, InterpreterOptions Opts = {});
  ~Interpreter() override;

  llvm::StringRef getName() const override { return "interp"; }
  llvm::ArrayRef<ExecutorPort> getInputs() const override;
  llvm::ArrayRef<ExecutorPort> getOutputs() const override;
  llvm::Expected<std::vector<Tensor>>
  run(llvm::ArrayRef<Tensor> Inputs) override;
  unsigned getNumThreads() const override;

  /// Runs the whole plan on the calling thread without splitting the batch.
  llvm::Expected<std::vector<Tensor>>
  runSingleThreaded(llvm::ArrayRef<Tensor> Inputs) const;

  struct Plan;

private:
  Interpreter(const Graph &G, InterpreterOptions Opts);

  const Graph &G;
  InterpreterOptions Opts;
  unsigned NumThreads;
  std::unique_ptr<Plan> P;
  std::vector<ExecutorPort> InputPorts, OutputPorts;
};

} // namespace onncf

#endif
