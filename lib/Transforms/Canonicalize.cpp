//===- Canonicalize.cpp - The normal form later stages rely on ------------===//
//
// Part of onnc-fault. Exporters spell the same computation many ways; the
// quantizer, the fault placement and the target lowerings only want one.
// canonicalize rewrites, to a fixed point:
//  * onnx.Constant ops into graph constants;
//  * Identity, and Dropout in inference mode, into their input;
//  * Shape/Size of a statically shaped value into a constant, and any pure
//    op whose operands are all constant into constants (which folds the
//    Shape->Gather->Unsqueeze->Concat->Reshape chains of PyTorch exports);
//  * with a dynamic batch (ShapeFolding.cpp): Gather of static dims of a
//    Shape into constants, and Reshape(x, Concat(dim 0 of x, -1)) into
//    Reshape(x, [0, -1]);
//  * Reshape to the shape its input already has into its input;
//  * result types refined by re-running inference (dims that folding made
//    known become static);
//  * MatMul [N,K] x constant [K,M] into Gemm, and Gemm (no C) + Add of a
//    constant bias into Gemm with C; every Gemm with constant operands into
//    transB = 1 (weights stored [M,K], as the accelerators read them) and
//    alpha = beta = 1 (folded into B and C).
// Flatten followed by Gemm is already the normal form and is left alone.
// Ops and constants made dead by the rewrites are removed as well.
//
//===----------------------------------------------------------------------===//
#include "TransformUtils.h"
#include "onncf/IR/Builder.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/Transforms/Passes.h"
#include "llvm/ADT/DenseSet.h"

using namespace llvm;

namespace onncf {

namespace {

class CanonicalizePass : public Pass {
public:
  StringRef getName() const override { return "canonicalize"; }
  StringRef getDescription() const override {
    return "Remove Identity/Dropout, fold shape computations and constants, "
           "normalise MatMul/Gemm";
  }
  Error run(Graph &G, PassContext &Ctx) override;

private:
  Expected<bool> visit(Graph &G, Op *O, PassContext &Ctx);
  Expected<bool> removeForwarding(Graph &G, Op *O, PassContext &Ctx);
  Expected<bool> foldShape(Graph &G, Op *O, PassContext &Ctx);
  Expected<bool> removeNoOpReshape(Graph &G, Op *O, PassContext &Ctx);
  Expected<bool> matMulToGemm(Graph &G, Op *O, PassContext &Ctx);
  Expected<bool> foldAddIntoGemm(Graph &G, Op *O, PassContext &Ctx);
  Expected<bool> normalizeGemm(Graph &G, Op *O, PassContext &Ctx);

  PassOption<int64_t> MaxFoldSize{
      *this, "max-fold-size",
      "Largest constant (bytes) folding may create; 0 = no limit", 1 << 20};
  PassOption<int64_t> MaxIterations{
      *this, "max-iterations", "Sweeps over the graph before giving up", 10};
};

} // namespace

Error CanonicalizePass::run(Graph &G, PassContext &Ctx) {
  for (int64_t Iter = 0; Iter < std::max<int64_t>(1, MaxIterations); ++Iter) {
    bool Changed = false;
    // Rewrites erase and create ops; walk a snapshot and skip erased ones
    // (new ops are visited in the next sweep).
    std::vector<Op *> Snapshot;
    for (auto &O : G.getOps())
      Snapshot.push_back(O.get());
    DenseSet<Op *> Live(Snapshot.begin(), Snapshot.end());
    for (Op *O : Snapshot) {
      if (!Live.count(O))
        continue;
      // Which ops a rewrite erased is recomputed from the graph; rewrites
      // touch at most the op and its producer, so this stays cheap.
      auto R = visit(G, O, Ctx);
      if (!R)
        return R.takeError();
      if (*R) {
        Changed = true;
        Live.clear();
        for (auto &Remaining : G.getOps())
          Live.insert(Remaining.get());
      }
    }
    unsigned Dead = eraseDeadOps(G);
    Ctx.recordChange("removed dead ops", Dead);
    Ctx.recordChange("removed unused constants", eraseDeadConstants(G));
    // Folded shapes make result types static, which may enable more
    // folding (Shape of a now-static value) in the next sweep.
    unsigned Refined = refineTypes(G);
    Ctx.recordChange("result types made static", Refined);
    if (!Changed && !Dead && !Refined)
      break;
  }
  return Error::success();
}

Expected<bool> CanonicalizePass::visit(Graph &G, Op *O, PassContext &Ctx) {
  StringRef K = O->getKind();
  if (K == "onnx.Identity" || K == "onnx.Dropout")
    return removeForwarding(G, O, Ctx);
  if (K == "onnx.Shape" || K == "onnx.Size") {
    auto R = foldShape(G, O, Ctx);
    if (!R || *R)
      return R;
  }
  if (K == "onnx.Gather") {
    auto R = foldGatherOfStaticDims(G, O);
    if (!R)
      return R.takeError();
    if (*R) {
      Ctx.recordChange("static dims of dynamic shapes folded");
      return true;
    }
  }
  if (K == "onnx.Reshape") {
    auto R = removeNoOpReshape(G, O, Ctx);
    if (!R || *R)
      return R;
    R = resolveOwnDimsInReshape(G, O);
    if (!R)
      return R.takeError();
    if (*R) {
      Ctx.recordChange("reshape shapes resolved to copied dims");
      return true;
    }
  }
  // Everything with constant operands (shape chains, onnx.Constant, ...).
  auto Folded = tryConstantFold(G, O, MaxFoldSize);
  if (!Folded)
    return Folded.takeError();
  if (*Folded) {
    Ctx.recordChange(K == "onnx.Constant" ? "constant ops made graph constants"
                                          : "ops folded to constants");
    return true;
  }
  if (K == "onnx.MatMul")
    return matMulToGemm(G, O, Ctx);
  if (K == "onnx.Add")
    return foldAddIntoGemm(G, O, Ctx);
  if (K == "onnx.Gemm")
    return normalizeGemm(G, O, Ctx);
  return false;
}

Expected<bool> CanonicalizePass::removeForwarding(Graph &G, Op *O,
                                                  PassContext &Ctx) {
  Value *In = O->getOperand(0);
  if (O->getKind() == "onnx.Dropout") {
    // Only the inference form: training_mode absent or constant false, and
    // nobody reads the mask.
    if (Value *TM = O->getOptionalOperand(2)) {
      const Tensor *T = getConstantData(TM);
      if (!T || T->getNumElements() != 1 || T->getAsInt(0) != 0)
        return false;
    }
    if (O->getNumResults() > 1 && G.hasUses(O->getResult(1)))
      return false;
  }
  if (!canReplaceKeepingName(G, O->getResult(0), In))
    return false;
  SmallVector<Value *, 2> News{In};
  if (O->getNumResults() > 1)
    News.push_back(nullptr);
  bool IsIdentity = O->getKind() == "onnx.Identity";
  if (auto R = replaceOp(G, O, News); !R)
    return R.takeError();
  Ctx.recordChange(IsIdentity ? "removed identity ops"
                              : "removed inference dropout ops");
  return true;
}

Expected<bool> CanonicalizePass::foldShape(Graph &G, Op *O, PassContext &Ctx) {
  const TensorType &Ty = O->getOperand(0)->getType();
  if (!Ty.hasStaticShape())
    return false;
  ArrayRef<int64_t> Dims = Ty.getShape();
  Tensor T;
  if (O->getKind() == "onnx.Size") {
    T = Tensor::fromVector<int64_t>({}, {Ty.getNumElements()});
  } else {
    // Shape's start/end (opset 15) slice the dims; negative counts from
    // the end, both clamp to [0, rank].
    int64_t Rank = Dims.size();
    auto Clamp = [&](int64_t V) {
      if (V < 0)
        V += Rank;
      return std::min(std::max<int64_t>(V, 0), Rank);
    };
    int64_t Start = Clamp(O->getIntAttr("start", 0));
    int64_t End = Clamp(O->getIntAttr("end", Rank));
    std::vector<int64_t> Slice;
    for (int64_t I = Start; I < End; ++I)
      Slice.push_back(Dims[I]);
    T = Tensor::fromVector<int64_t>({(int64_t)Slice.size()}, Slice);
  }
  if (!isCompatible(T.getType(), O->getResult()->getType()))
    return false;
  std::string Name = O->getResult()->getName();
  Value *C = G.addConstantUnique(Name, std::move(T));
  auto R = replaceOp(G, O, {C});
  if (!R)
    return R.takeError();
  if ((*R)[0]->getName() != Name && !G.lookup(Name))
    if (auto Renamed = renameValue(G, (*R)[0], Name); !Renamed)
      return Renamed.takeError();
  Ctx.recordChange("shape ops folded to constants");
  return true;
}

Expected<bool> CanonicalizePass::removeNoOpReshape(Graph &G, Op *O,
                                                   PassContext &Ctx) {
  Value *In = O->getOperand(0), *Out = O->getResult();
  if (!In->getType().hasStaticShape() || In->getType() != Out->getType())
    return false;
  if (!canReplaceKeepingName(G, Out, In))
    return false;
  if (auto R = replaceOp(G, O, {In}); !R)
    return R.takeError();
  Ctx.recordChange("removed no-op reshapes");
  return true;
}

/// A 2-D f32 constant, or null.
static const Tensor *getMatrix(const Value *V) {
  const Tensor *T = getConstantData(V);
  if (!T || T->getElementType() != ElementType::F32 ||
      T->getShape().size() != 2)
    return nullptr;
  return T;
}

Expected<bool> CanonicalizePass::matMulToGemm(Graph &G, Op *O,
                                              PassContext &Ctx) {
  Value *A = O->getOperand(0), *B = O->getOperand(1);
  const Tensor *BT = getMatrix(B);
  if (!BT || A->getType().getRank() != 2 ||
      A->getType().getElementType() != ElementType::F32)
    return false;
  // Gemm takes B as [M,K] with transB = 1: transpose the constant.
  // Rewritten in place (keeping the weights' name) unless shared.
  Value *NewB = B;
  if (hasSingleUse(G, B))
    B->setConstantData(transpose2D(*BT));
  else
    NewB = G.addConstantUnique(B->getName(), transpose2D(*BT));
  Builder Bld(G);
  Bld.setInsertionPointBefore(O);
  auto Gemm =
      Bld.createOpWithTypes("onnx.Gemm", {A, NewB}, {O->getResult()->getType()},
                            {{"transB", Attribute(int64_t(1))}});
  if (!Gemm)
    return Gemm.takeError();
  (*Gemm)->setName(O->getName());
  if (auto R = replaceOp(G, O, {(*Gemm)->getResult()}); !R)
    return R.takeError();
  Ctx.recordChange("matmuls turned into gemms");
  return true;
}

Expected<bool> CanonicalizePass::foldAddIntoGemm(Graph &G, Op *O,
                                                 PassContext &Ctx) {
  // Add(gemm, bias) or Add(bias, gemm).
  for (unsigned GI = 0; GI < 2; ++GI) {
    Value *GV = O->getOperand(GI), *Bias = O->getOperand(1 - GI);
    Op *GemmOp = GV->getDefiningOp();
    if (!GemmOp || GemmOp->getKind() != "onnx.Gemm" ||
        GemmOp->getOptionalOperand(2) || !hasSingleUse(G, GV))
      continue;
    const Tensor *BiasT = getConstantData(Bias);
    if (!BiasT || BiasT->getElementType() != ElementType::F32 ||
        BiasT->getShape().size() > 2)
      continue;
    // The Add must not broadcast the Gemm's result to something larger.
    if (O->getResult()->getType().getShape() != GV->getType().getShape() ||
        !isUnidirectionalBroadcastable(BiasT->getShape(),
                                       GV->getType().getShape()))
      continue;
    SmallVector<Value *, 3> Operands(GemmOp->getOperands().begin(),
                                     GemmOp->getOperands().end());
    Operands.resize(2);
    Operands.push_back(Bias);
    AttributeMap Attrs = GemmOp->getAttrs();
    Attrs.erase("beta");
    Builder Bld(G);
    Bld.setInsertionPointBefore(O);
    auto NewGemm = Bld.createOpWithTypes("onnx.Gemm", Operands,
                                         {O->getResult()->getType()}, Attrs);
    if (!NewGemm)
      return NewGemm.takeError();
    (*NewGemm)->setName(GemmOp->getName());
    if (auto R = replaceOp(G, O, {(*NewGemm)->getResult()}); !R)
      return R.takeError();
    G.eraseOp(GemmOp);
    Ctx.recordChange("bias adds folded into gemms");
    return true;
  }
  return false;
}

/// \p T scaled by \p S, as a new tensor.
static Tensor scaled(const Tensor &T, float S) {
  Tensor R(T.getType());
  auto In = T.data<float>();
  auto Out = R.mutableData<float>();
  for (size_t I = 0; I < In.size(); ++I)
    Out[I] = In[I] * S;
  return R;
}

Expected<bool> CanonicalizePass::normalizeGemm(Graph &G, Op *O,
                                               PassContext &Ctx) {
  bool Changed = false;
  Value *B = O->getOperand(1);
  Value *C = O->getOptionalOperand(2);
  if (const Tensor *BT = getMatrix(B)) {
    float Alpha = O->getFloatAttr("alpha", 1.0f);
    bool TransB = O->getIntAttr("transB", 0);
    if (!TransB || Alpha != 1.0f) {
      Tensor NewB = TransB ? *BT : transpose2D(*BT);
      if (Alpha != 1.0f)
        NewB = scaled(NewB, Alpha);
      updateConstantForUser(G, B, std::move(NewB), O, 1);
      O->setAttr("transB", Attribute(int64_t(1)));
      O->removeAttr("alpha");
      Ctx.recordChange(Alpha != 1.0f ? "gemm alphas folded into weights"
                                     : "gemm weights transposed");
      Changed = true;
    }
  }
  if (O->hasAttr("alpha") && O->getFloatAttr("alpha", 1.0f) == 1.0f) {
    O->removeAttr("alpha"); // The default, spelled out.
    Ctx.recordChange("default gemm attributes dropped");
    Changed = true;
  }
  if (O->hasAttr("beta")) {
    float Beta = O->getFloatAttr("beta", 1.0f);
    const Tensor *CT = getConstantData(C);
    if (!C || Beta == 1.0f) {
      // Without C, beta means nothing; beta = 1 is the default.
      O->removeAttr("beta");
      Ctx.recordChange("default gemm attributes dropped");
      Changed = true;
    } else if (CT && CT->getElementType() == ElementType::F32) {
      updateConstantForUser(G, C, scaled(*CT, Beta), O, 2);
      O->removeAttr("beta");
      Ctx.recordChange("gemm betas folded into biases");
      Changed = true;
    }
  }
  return Changed;
}

std::unique_ptr<Pass> createCanonicalizePass() {
  return std::make_unique<CanonicalizePass>();
}

} // namespace onncf
