//===- KernelRegistry.cpp - Kernels by op kind and op evaluation ----------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Kernels.h"
#include "onncf/IR/Op.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {

KernelRegistry &KernelRegistry::get() {
  static KernelRegistry *R = [] {
    auto *Reg = new KernelRegistry();
    registerConvKernels(*Reg);
    registerPoolKernels(*Reg);
    registerGemmKernels(*Reg);
    registerElementwiseKernels(*Reg);
    registerNormalizationKernels(*Reg);
    registerSoftmaxKernels(*Reg);
    registerTensorKernels(*Reg);
    registerConvTransposeKernels(*Reg);
    registerReduceKernels(*Reg);
    registerResizeKernels(*Reg);
    registerIndexKernels(*Reg);
    registerLayerNormKernels(*Reg);
    registerMiscKernels(*Reg);
    registerQuantKernels(*Reg);
    return Reg;
  }();
  return *R;
}

void KernelRegistry::add(StringRef Kind, KernelFn Fn) {
  bool Inserted = Kernels.try_emplace(Kind, Fn).second;
  assert(Inserted && "kernel registered twice");
  (void)Inserted;
}

KernelFn KernelRegistry::lookup(StringRef Kind) const {
  auto It = Kernels.find(Kind);
  return It == Kernels.end() ? nullptr : It->second;
}

KernelFn KernelRegistry::lookup(const OpDef &Def) const {
  return lookup(Def.Name);
}

Expected<SmallVector<TensorType, 1>>
inferRunTimeResultTypes(const Op &O, ArrayRef<const Tensor *> Operands) {
  SmallVector<TensorType, 1> ResultTypes;
  const OpDef &Def = O.getDef();
  if (Def.InferTypes) {
    SmallVector<TensorType, 4> Types;
    SmallVector<bool, 4> Present;
    for (const Tensor *T : Operands) {
      Types.push_back(T ? T->getType() : TensorType());
      Present.push_back(T != nullptr);
    }
    InferenceInputs In;
    In.Types = Types;
    In.Data = Operands;
    In.Present = Present;
    auto Inferred = Def.InferTypes(O, In);
    if (!Inferred)
      return Inferred.takeError();
    ResultTypes = std::move(*Inferred);
  } else {
    for (Value *R : O.getResults())
      ResultTypes.push_back(R->getType());
  }
  if (ResultTypes.size() != O.getNumResults())
    return makeError(O.getDescription() + ": type inference gave " +
                     Twine(ResultTypes.size()) + " results, expected " +
                     Twine(O.getNumResults()));
  for (TensorType &T : ResultTypes)
    if (!T.hasStaticShape())
      return makeError(O.getDescription() + ": result type " + T.str() +
                       " is not static at run time");
  return ResultTypes;
}

Expected<std::vector<Tensor>> evaluateOp(const Op &O,
                                         ArrayRef<const Tensor *> Operands,
                                         KernelFn Fn) {
  return evaluateOpWith(O, Operands, Fn,
                        [](TensorType T) { return Tensor(std::move(T)); });
}

Expected<std::vector<Tensor>> evaluateOpWith(const Op &O,
                                             ArrayRef<const Tensor *> Operands,
                                             KernelFn Fn,
                                             ResultAllocator Alloc) {
  if (!Fn)
    Fn = KernelRegistry::get().lookup(O.getDef());
  if (!Fn)
    return makeError(O.getDescription() + ": no interpreter kernel for '" +
                     O.getKind() + "'");

  // Result types from the actual operands, which resolves dynamic batch
  // axes and shape-dependent results (Reshape, Shape, Slice, ...).
  auto ResultTypes = inferRunTimeResultTypes(O, Operands);
  if (!ResultTypes)
    return ResultTypes.takeError();

  std::vector<Tensor> Results;
  Results.reserve(ResultTypes->size());
  for (TensorType &T : *ResultTypes)
    Results.push_back(Alloc(std::move(T)));
  if (Error E = Fn(O, Operands, Results)) {
    // Helpers from ONNXOps.h already name the op.
    std::string Msg = toString(std::move(E)), Desc = O.getDescription();
    if (StringRef(Msg).startswith(Desc))
      return makeError(Msg);
    return makeError(Desc + ": " + Msg);
  }
  return Results;
}

} // namespace onncf
