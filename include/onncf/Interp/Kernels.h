//===- Kernels.h - Interpreter kernels and their registry -------*- C++ -*-===//
//
// Part of onnc-fault. A kernel computes one op's results from its operands.
// The interpreter infers the result types first (the OpDef's InferTypes with
// the run-time operand types and data) and hands the kernel zero-filled
// result tensors of those types (possibly recycled buffers). Kernels are
// registered by op kind, one file per op family in lib/Interp/Kernels/, so
// the IR library never depends on an executor.
//
// Kernels must compute every batch element independently (no reduction
// order that depends on the batch size), which is what makes the
// interpreter's results independent of its thread count.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_INTERP_KERNELS_H
#define ONNCF_INTERP_KERNELS_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace onncf {

class Op;
struct OpDef;

/// \p Operands has one entry per operand of the op; absent optional
/// operands are null. \p Results are allocated with the inferred types.
using KernelFn = llvm::Error (*)(const Op &O,
                                 llvm::ArrayRef<const Tensor *> Operands,
                                 llvm::MutableArrayRef<Tensor> Results);

class KernelRegistry {
public:
  /// The process-wide registry with every kernel of lib/Interp.
  static KernelRegistry &get();

  void add(llvm::StringRef Kind, KernelFn Fn);
  KernelFn lookup(const OpDef &Def) const;
  KernelFn lookup(llvm::StringRef Kind) const;

private:
  KernelRegistry() = default;
  llvm::StringMap<KernelFn> Kernels;
};

/// Runs \p O on \p Operands: infers result types from the actual operand
/// types and data, allocates the results and calls the kernel. Used by the
/// interpreter and by constant folding.
llvm::Expected<std::vector<Tensor>>
evaluateOp(const Op &O, llvm::ArrayRef<const Tensor *> Operands,
           KernelFn Fn = nullptr);

/// The result types of \p O for these actual operands (run-time type
/// inference: resolves dynamic batch axes and data-dependent shapes); an
/// error if inference fails or leaves a shape dynamic. evaluateOp() and the
/// interpreter's fused steps both use it.
llvm::Expected<llvm::SmallVector<TensorType, 1>>
inferRunTimeResultTypes(const Op &O, llvm::ArrayRef<const Tensor *> Operands);

/// Allocates a zero-filled result tensor of a static type. The interpreter
/// recycles freed intermediate buffers through it.
using ResultAllocator = llvm::function_ref<Tensor(TensorType)>;

/// evaluateOp with results from \p Alloc (default: fresh zeroed tensors).
llvm::Expected<std::vector<Tensor>>
evaluateOpWith(const Op &O, llvm::ArrayRef<const Tensor *> Operands,
               KernelFn Fn, ResultAllocator Alloc);

// Registration hooks, one per kernel family (lib/Interp/Kernels/*.cpp).
void registerConvKernels(KernelRegistry &R);
void registerPoolKernels(KernelRegistry &R);
void registerGemmKernels(KernelRegistry &R);
void registerElementwiseKernels(KernelRegistry &R);
void registerNormalizationKernels(KernelRegistry &R);
void registerSoftmaxKernels(KernelRegistry &R);
void registerTensorKernels(KernelRegistry &R);
void registerConvTransposeKernels(KernelRegistry &R);
void registerReduceKernels(KernelRegistry &R);
void registerResizeKernels(KernelRegistry &R);
void registerIndexKernels(KernelRegistry &R);
void registerLayerNormKernels(KernelRegistry &R);
void registerMiscKernels(KernelRegistry &R);
/// The quant.* integer ops (lib/Interp/Kernels/Quant*.cpp).
void registerQuantKernels(KernelRegistry &R);

} // namespace onncf

#endif
