//===- Passes.h - Target-independent graph transformations ------*- C++ -*-===//
//
// Part of onnc-fault. The passes of lib/Transforms, one file each:
//   canonicalize    normal form: no Identity/inference Dropout, shape
//                   subgraphs folded, MatMul(+Add) and Gemm in the
//                   transB=1 / alpha=beta=1 form, no no-op Reshape
//   constant-fold   evaluate pure ops whose operands are all constant
//   fold-batchnorm  BatchNormalization after Conv/Gemm folded into weights
//   dce             remove dead ops and unused constants
// and the "default" pipeline, the one onnc-fault runs before quantization.
// docs/Passes.md explains what each pass does and why.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TRANSFORMS_PASSES_H
#define ONNCF_TRANSFORMS_PASSES_H

#include "onncf/Pass/Pass.h"
#include <memory>

namespace onncf {

std::unique_ptr<Pass> createCanonicalizePass();
std::unique_ptr<Pass> createConstantFoldPass();
std::unique_ptr<Pass> createFoldBatchNormPass();
std::unique_ptr<Pass> createDCEPass();

/// The pipeline "default" expands to.
constexpr const char *kDefaultPipeline =
    "canonicalize,fold-batchnorm,constant-fold,dce";

/// Registers every pass above and the "default" pipeline with
/// PassRegistry::get(). Idempotent; tools call it before parsing options.
void registerTransformsPasses();

} // namespace onncf

#endif
