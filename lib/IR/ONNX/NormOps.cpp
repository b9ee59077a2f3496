//===- NormOps.cpp - Normalization ops ------------------------------------===//
//
// Part of onnc-fault. BatchNormalization in its inference form (the extra
// training results are accepted and typed; see onncf/IR/ONNXOps.h),
// InstanceNormalization, LayerNormalization, LpNormalization and
// MeanVarianceNormalization.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

using namespace llvm;

namespace onncf {
namespace onnxops {

/// Operands 1..Last must be 1-D with C entries (when both are known).
static Error checkPerChannel(const Op &O, const InferenceInputs &In,
                             unsigned Last, int64_t C) {
  static const char *Names[] = {"X", "scale", "B", "mean", "var"};
  for (unsigned I = 1; I <= Last; ++I) {
    const TensorType &T = In.Types[I];
    if (T.getRank() != 1)
      return makeOpError(O, Twine(Names[I]) + " must be 1-D, not " + T.str());
    if (C != kDynamicDim && T.getDim(0) != kDynamicDim && T.getDim(0) != C)
      return makeOpError(O, Twine(Names[I]) + " has " + Twine(T.getDim(0)) +
                                " entries for " + Twine(C) + " channels");
  }
  return Error::success();
}

static Expected<TypeList> inferBatchNorm(const Op &O,
                                         const InferenceInputs &In) {
  if (Error E = checkMinRank(O, In, 0, 2))
    return std::move(E);
  const TensorType &X = In.Types[0];
  int64_t C = X.getDim(1);
  if (Error E = checkPerChannel(O, In, 4, C))
    return std::move(E);
  TypeList R{plain(X.getElementType(), X.getShape())};
  for (unsigned I = 1; I < O.getNumResults(); ++I)
    R.push_back(plain(X.getElementType(), {C}));
  return R;
}

static Expected<TypeList> inferInstanceNorm(const Op &O,
                                            const InferenceInputs &In) {
  if (Error E = checkMinRank(O, In, 0, 3))
    return std::move(E);
  const TensorType &X = In.Types[0];
  if (Error E = checkPerChannel(O, In, 2, X.getDim(1)))
    return std::move(E);
  return one(plain(X.getElementType(), X.getShape()));
}

static Expected<TypeList> inferLayerNorm(const Op &O,
                                         const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto Axis = normalizeAxis(O.getIntAttr("axis", -1), X.getRank());
  if (!Axis)
    return makeOpError(O, toString(Axis.takeError()));
  TypeList R{plain(X.getElementType(), X.getShape())};
  // Mean and InvStdDev keep the leading dims and have 1s from axis on.
  Shape Stat(X.getShape().begin(), X.getShape().end());
  for (unsigned I = *Axis; I < Stat.size(); ++I)
    Stat[I] = 1;
  for (unsigned I = 1; I < O.getNumResults(); ++I)
    R.push_back(plain(ElementType::F32, Stat));
  return R;
}

void registerNormOps(OpRegistry &R) {
  OpDef BN;
  BN.Name = "onnx.BatchNormalization";
  BN.MinOperands = BN.MaxOperands = 5;
  BN.MinResults = 1;
  BN.MaxResults = 5;
  BN.Attrs = {{"epsilon", AttrKind::Float},
              {"momentum", AttrKind::Float},
              {"training_mode", AttrKind::Int},
              // Legacy (opset < 9), accepted and ignored.
              {"spatial", AttrKind::Int},
              {"is_test", AttrKind::Int},
              {"consumed_inputs", AttrKind::Ints}};
  BN.Verify = [](const Op &O) -> Error {
    if (const Attribute *E = O.getAttr("epsilon"))
      if (!(E->getFloat() >= 0))
        return makeOpError(O, "epsilon must be >= 0");
    return checkIntAttrRange(O, "training_mode", 0, 1);
  };
  BN.InferTypes = inferBatchNorm;
  addOp(R, std::move(BN));

  OpDef IN;
  IN.Name = "onnx.InstanceNormalization";
  IN.MinOperands = IN.MaxOperands = 3;
  IN.Attrs = {{"epsilon", AttrKind::Float}};
  IN.InferTypes = inferInstanceNorm;
  addOp(R, std::move(IN));

  OpDef LN;
  LN.Name = "onnx.LayerNormalization";
  LN.MinOperands = 2;
  LN.MaxOperands = 3;
  LN.MaxResults = 3;
  LN.Attrs = {{"axis", AttrKind::Int},
              {"epsilon", AttrKind::Float},
              {"stash_type", AttrKind::Int}};
  LN.InferTypes = inferLayerNorm;
  addOp(R, std::move(LN));

  OpDef LP;
  LP.Name = "onnx.LpNormalization";
  LP.MinOperands = LP.MaxOperands = 1;
  LP.Attrs = {{"axis", AttrKind::Int}, {"p", AttrKind::Int}};
  LP.Verify = [](const Op &O) { return checkIntAttrRange(O, "p", 1, 2); };
  LP.InferTypes = [](const Op &O,
                     const InferenceInputs &In) -> Expected<TypeList> {
    const TensorType &X = In.Types[0];
    if (auto A = normalizeAxis(O.getIntAttr("axis", -1), X.getRank()); !A)
      return makeOpError(O, toString(A.takeError()));
    return one(plain(X.getElementType(), X.getShape()));
  };
  addOp(R, std::move(LP));

  OpDef MVN;
  MVN.Name = "onnx.MeanVarianceNormalization";
  MVN.MinOperands = MVN.MaxOperands = 1;
  MVN.Attrs = {{"axes", AttrKind::Ints}};
  MVN.InferTypes = [](const Op &O,
                      const InferenceInputs &In) -> Expected<TypeList> {
    const TensorType &X = In.Types[0];
    for (int64_t A : O.getIntsAttr("axes", {0, 2, 3}))
      if (auto N = normalizeAxis(A, X.getRank()); !N)
        return makeOpError(O, toString(N.takeError()));
    return one(plain(X.getElementType(), X.getShape()));
  };
  addOp(R, std::move(MVN));
}

} // namespace onnxops
} // namespace onncf
