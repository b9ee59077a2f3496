//===- FoldBatchNorm.cpp - BatchNormalization into Conv/Gemm weights ------===//
//
// Part of onnc-fault. At inference BatchNormalization is a per-channel
// affine map y = s * (x - mean) + beta with s = gamma / sqrt(var + eps).
// After a Conv (any group count) or a Gemm whose parameters are constant it
// folds into them:  W'[m,...] = s[m] * W[m,...],
//                   b'[m]     = s[m] * (b[m] - mean[m]) + beta[m]
// (b = 0 when the op had no bias; a bias is created). This removes an op
// and, more importantly for this compiler, makes the stored weights the
// ones the accelerator really multiplies by, so quantization and fault
// placement see the final values. The arithmetic is done in double.
//
// A BN is left alone (and still correct) when its input has other users,
// when a parameter is not constant f32, or in training mode.
//
//===----------------------------------------------------------------------===//
#include "TransformUtils.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/Transforms/Passes.h"
#include <cmath>

using namespace llvm;

namespace onncf {

namespace {

class FoldBatchNormPass : public Pass {
public:
  StringRef getName() const override { return "fold-batchnorm"; }
  StringRef getDescription() const override {
    return "Fold BatchNormalization after Conv or Gemm into its weights and "
           "bias";
  }
  Error run(Graph &G, PassContext &Ctx) override;
};

/// A 1-D f32 constant of \p N elements as doubles, or None.
std::optional<std::vector<double>> getChannelVector(const Value *V, int64_t N) {
  const Tensor *T = getConstantData(V);
  if (!T || T->getElementType() != ElementType::F32 ||
      T->getNumElements() != N || T->getShape().size() != 1)
    return std::nullopt;
  auto D = T->data<float>();
  return std::vector<double>(D.begin(), D.end());
}

struct BNParams {
  std::vector<double> Scale; ///< gamma / sqrt(var + eps)
  std::vector<double> Mean, Beta;
};

std::optional<BNParams> getBNParams(const Op &BN, int64_t C) {
  auto Gamma = getChannelVector(BN.getOperand(1), C);
  auto Beta = getChannelVector(BN.getOperand(2), C);
  auto Mean = getChannelVector(BN.getOperand(3), C);
  auto Var = getChannelVector(BN.getOperand(4), C);
  if (!Gamma || !Beta || !Mean || !Var)
    return std::nullopt;
  double Eps = BN.getFloatAttr("epsilon", 1e-5f);
  BNParams P;
  P.Scale.resize(C);
  for (int64_t I = 0; I < C; ++I) {
    double Den = (*Var)[I] + Eps;
    if (!(Den > 0))
      return std::nullopt; // Would divide by zero; keep the BN.
    P.Scale[I] = (*Gamma)[I] / std::sqrt(Den);
  }
  P.Mean = std::move(*Mean);
  P.Beta = std::move(*Beta);
  return P;
}

/// A name for a created bias: "conv1.weight" -> "conv1.bias" (what an
/// exporter would have called it), else "<weights>_bias".
std::string biasNameFor(StringRef WeightName) {
  if (WeightName.endswith("weight"))
    return (WeightName.drop_back(6) + "bias").str();
  return (WeightName + "_bias").str();
}

/// The new bias b' = s * (b - mean) + beta from an old per-channel bias.
Tensor foldBias(const BNParams &P, ArrayRef<double> OldBias) {
  int64_t C = P.Scale.size();
  std::vector<float> B(C);
  for (int64_t I = 0; I < C; ++I)
    B[I] = (float)(P.Scale[I] * (OldBias[I] - P.Mean[I]) + P.Beta[I]);
  return Tensor::fromVector<float>({C}, B);
}

/// Conv: W [M, C/group, k...] scaled along dim 0, bias operand 2.
bool foldIntoConv(Graph &G, Op *Conv, const BNParams &P) {
  int64_t M = P.Scale.size();
  Value *W = Conv->getOperand(1);
  const Tensor *WT = getConstantData(W);
  if (!WT || WT->getElementType() != ElementType::F32 ||
      WT->getShape().size() < 2 || WT->getShape()[0] != M)
    return false;
  std::vector<double> OldBias(M, 0.0);
  Value *B = Conv->getOptionalOperand(2);
  if (B) {
    auto V = getChannelVector(B, M);
    if (!V)
      return false;
    OldBias = std::move(*V);
  }

  Tensor NewW(WT->getType());
  int64_t PerChannel = WT->getNumElements() / M;
  auto In = WT->data<float>();
  auto Out = NewW.mutableData<float>();
  for (int64_t C = 0; C < M; ++C)
    for (int64_t I = 0; I < PerChannel; ++I)
      Out[C * PerChannel + I] = (float)(In[C * PerChannel + I] * P.Scale[C]);
  updateConstantForUser(G, W, std::move(NewW), Conv, 1);

  Tensor NewB = foldBias(P, OldBias);
  if (B) {
    updateConstantForUser(G, B, std::move(NewB), Conv, 2);
  } else {
    Value *NB = G.addConstantUnique(biasNameFor(W->getName()), std::move(NewB));
    SmallVector<Value *, 3> Ops(Conv->getOperands().begin(),
                                Conv->getOperands().end());
    Ops.resize(3);
    Ops[2] = NB;
    Conv->setOperands(Ops);
  }
  return true;
}

/// Gemm: Y = alpha * op(A) op(B) + beta * C with Y [N, M]. Scales column m
/// of op(B) (row m when transB) and rewrites C as a [M] vector.
bool foldIntoGemm(Graph &G, Op *Gemm, const BNParams &P) {
  int64_t M = P.Scale.size();
  Value *B = Gemm->getOperand(1);
  const Tensor *BT = getConstantData(B);
  if (!BT || BT->getElementType() != ElementType::F32 ||
      BT->getShape().size() != 2)
    return false;
  bool TransB = Gemm->getIntAttr("transB", 0);
  int64_t Rows = BT->getShape()[0], Cols = BT->getShape()[1];
  if ((TransB ? Rows : Cols) != M)
    return false;

  // beta * C broadcast to one value per output channel; a C that varies
  // along N cannot be expressed per channel.
  std::vector<double> OldBias(M, 0.0);
  Value *C = Gemm->getOptionalOperand(2);
  if (C) {
    const Tensor *CT = getConstantData(C);
    if (!CT || CT->getElementType() != ElementType::F32)
      return false;
    ArrayRef<int64_t> CS = CT->getShape();
    int64_t Last = CS.empty() ? 1 : CS.back();
    if (CT->getNumElements() != Last || (Last != 1 && Last != M))
      return false;
    double BetaG = Gemm->getFloatAttr("beta", 1.0f);
    for (int64_t I = 0; I < M; ++I)
      OldBias[I] = BetaG * CT->getAsDouble(Last == 1 ? 0 : I);
  }

  Tensor NewB(BT->getType());
  auto In = BT->data<float>();
  auto Out = NewB.mutableData<float>();
  for (int64_t R = 0; R < Rows; ++R)
    for (int64_t K = 0; K < Cols; ++K)
      Out[R * Cols + K] = (float)(In[R * Cols + K] * P.Scale[TransB ? R : K]);
  updateConstantForUser(G, B, std::move(NewB), Gemm, 1);

  Tensor NewC = foldBias(P, OldBias);
  if (C && getConstantData(C)->getShape().size() == 1 &&
      getConstantData(C)->getNumElements() == M) {
    updateConstantForUser(G, C, std::move(NewC), Gemm, 2);
  } else {
    Value *NC = G.addConstantUnique(biasNameFor(B->getName()), std::move(NewC));
    SmallVector<Value *, 3> Ops(Gemm->getOperands().begin(),
                                Gemm->getOperands().end());
    Ops.resize(3);
    Ops[2] = NC;
    Gemm->setOperands(Ops);
  }
  Gemm->removeAttr("beta");
  return true;
}

} // namespace

Error FoldBatchNormPass::run(Graph &G, PassContext &Ctx) {
  std::vector<Op *> BNs;
  for (auto &O : G.getOps())
    if (O->getKind() == "onnx.BatchNormalization")
      BNs.push_back(O.get());
  unsigned Kept = 0;
  for (Op *BN : BNs) {
    Value *X = BN->getOperand(0);
    Op *Producer = X->getDefiningOp();
    bool Ok =
        Producer && BN->getIntAttr("training_mode", 0) == 0 &&
        hasSingleUse(G, X) && X->getType().getRank() >= 2 &&
        X->getType().getDim(1) != kDynamicDim &&
        (Producer->getKind() == "onnx.Conv" ||
         (Producer->getKind() == "onnx.Gemm" && X->getType().getRank() == 2));
    for (unsigned I = 1; Ok && I < BN->getNumResults(); ++I)
      Ok = !G.hasUses(BN->getResult(I));
    Ok = Ok && canReplaceKeepingName(G, BN->getResult(), X);
    std::optional<BNParams> P;
    if (Ok)
      P = getBNParams(*BN, X->getType().getDim(1));
    Ok = Ok && P;
    if (Ok)
      Ok = Producer->getKind() == "onnx.Conv" ? foldIntoConv(G, Producer, *P)
                                              : foldIntoGemm(G, Producer, *P);
    if (!Ok) {
      ++Kept;
      continue;
    }
    SmallVector<Value *, 5> News(BN->getNumResults(), nullptr);
    News[0] = X;
    bool IntoConv = Producer->getKind() == "onnx.Conv";
    if (auto R = replaceOp(G, BN, News); !R)
      return R.takeError();
    Ctx.recordChange(IntoConv ? "batchnorms folded into convs"
                              : "batchnorms folded into gemms");
  }
  Ctx.recordChange("removed unused constants", eraseDeadConstants(G));
  (void)Kept;
  return Error::success();
}

std::unique_ptr<Pass> createFoldBatchNormPass() {
  return std::make_unique<FoldBatchNormPass>();
}

} // namespace onncf
