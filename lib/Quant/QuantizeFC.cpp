//===- QuantizeFC.cpp - Gemm / MatMul -> quant.fc -------------------------===//
//
// Part of onnc-fault. quant.fc computes y = x * W^T + b with W stored [M, K]
// (the layout accelerators read, and canonicalize's Gemm normal form:
// transB = 1, alpha = beta = 1). Other Gemm forms are folded here too: a
// transB = 0 weight is transposed, alpha scales the weights and beta the
// bias, so the pass does not depend on canonicalize having run. transA = 1,
// a non-constant B or C, and a C that varies along the batch axis have no
// quant.fc form: those ops stay float.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {
namespace quantize {

/// The [M] bias of a Gemm from C (numel M along the last axis, or a scalar),
/// scaled by beta; nullopt if C has another shape.
static std::optional<std::vector<float>> getGemmBias(const Tensor &C, int64_t M,
                                                     float Beta) {
  ArrayRef<int64_t> S = C.getShape();
  int64_t N = C.getNumElements();
  bool Row = N == M && (S.empty() || S.back() == M);
  if (!Row && N != 1)
    return std::nullopt;
  std::vector<float> B(M);
  for (int64_t I = 0; I < M; ++I)
    B[I] = static_cast<float>(C.getAsDouble(Row ? I : 0)) * Beta;
  return B;
}

Expected<bool> Quantizer::quantizeFC(Op *O) {
  const bool IsGemm = O->getKind() == "onnx.Gemm";
  Value *A = O->getOperand(0);
  Value *BV = O->getOperand(1);
  Value *CV = IsGemm ? O->getOptionalOperand(2) : nullptr;
  if (!isActivation(A) || A->getType().getRank() != 2 || !BV->isConstant() ||
      BV->getConstantData().isNull() ||
      BV->getType().getElementType() != ElementType::F32 ||
      BV->getType().getRank() != 2 || O->getNumResults() != 1)
    return false;
  if (IsGemm && O->getIntAttr("transA", 0) != 0)
    return false;
  // MatMul's B and Gemm's B without transB are [K, M].
  const bool TransB = IsGemm && O->getIntAttr("transB", 0) != 0;
  const Tensor &BT = BV->getConstantData();
  const int64_t M = TransB ? BT.getShape()[0] : BT.getShape()[1];
  const int64_t K = TransB ? BT.getShape()[1] : BT.getShape()[0];
  const float Alpha = IsGemm ? O->getFloatAttr("alpha", 1.0f) : 1.0f;
  const float Beta = IsGemm ? O->getFloatAttr("beta", 1.0f) : 1.0f;

  std::optional<std::vector<float>> Bias;
  if (CV) {
    if (!CV->isConstant() || CV->getConstantData().isNull() ||
        CV->getType().getElementType() != ElementType::F32)
      return false;
    Bias = getGemmBias(CV->getConstantData(), M, Beta);
    if (!Bias)
      return false;
  }

  std::vector<float> W(M * K);
  auto In = BT.data<float>();
  for (int64_t I = 0; I < M; ++I)
    for (int64_t J = 0; J < K; ++J)
      W[I * K + J] = Alpha * (TransB ? In[I * K + J] : In[J * M + I]);

  ActivationChain Chain;
  extendChain(O->getResult(), Chain);
  auto OutScale = getTableScale(Chain.Final, O);
  if (!OutScale)
    return OutScale.takeError();
  auto IX = getInt(A, O);
  if (!IX)
    return IX.takeError();
  auto P = quantizeLinear(O, W, {M, K}, Bias ? &*Bias : nullptr, getScale(*IX),
                          Chain, *OutScale);
  if (!P)
    return P.takeError();

  SmallVector<Value *, 3> Operands{*IX};
  // Transposed or alpha-scaled words are not B's own: no sharing.
  Operands.push_back(
      getWeightConstant(BV, P->Weights, TransB && Alpha == 1.0f));
  if (Bias) {
    Value *QB = G.addConstantUnique(CV->getName() + ".q", P->Bias);
    Renames.push_back({QB->getName(), CV->getName()});
    Operands.push_back(QB);
  }
  AttributeMap Attrs;
  Attrs["clip_truncate"] = Attribute(int64_t(P->ClipTruncate));
  P->Epi.addTo(Attrs);
  return replaceChain(quantop::FC, Operands, std::move(Attrs), Chain,
                      *OutScale, O);
}

} // namespace quantize
} // namespace onncf
