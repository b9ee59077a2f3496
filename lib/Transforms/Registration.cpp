//===- Registration.cpp - Registering the passes of lib/Transforms --------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Pass/PassRegistry.h"
#include "onncf/Transforms/Passes.h"

namespace onncf {

void registerTransformsPasses() {
  PassRegistry &R = PassRegistry::get();
  for (auto Create : {createCanonicalizePass, createConstantFoldPass,
                      createFoldBatchNormPass, createDCEPass}) {
    std::unique_ptr<Pass> P = Create();
    R.registerPass(P->getName(), P->getDescription(), Create);
  }
  R.registerPipeline("default",
                     "The pipeline onnc-fault runs before quantization",
                     kDefaultPipeline);
}

} // namespace onncf
