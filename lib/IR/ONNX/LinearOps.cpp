//===- LinearOps.cpp - Gemm, MatMul and its integer forms -----------------===//
//
// Part of onnc-fault. Gemm is the 2-D form with optional transposes and a
// C operand broadcast to [M, N]; MatMul follows numpy.matmul (1-D operands
// are promoted and the added dim removed again, batch dims broadcast);
// MatMulInteger and QLinearMatMul share MatMul's shapes.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

using namespace llvm;

namespace onncf {
namespace onnxops {

/// Two static dims that must agree; dynamic ones always do.
static bool dimsAgree(int64_t A, int64_t B) {
  return A == kDynamicDim || B == kDynamicDim || A == B;
}

static Expected<TypeList> inferGemm(const Op &O, const InferenceInputs &In) {
  const TensorType &A = In.Types[0], &B = In.Types[1];
  if (A.getRank() != 2 || B.getRank() != 2)
    return makeOpError(O, "operands must be 2-D, not " + A.str() + " and " +
                              B.str());
  bool TA = O.getIntAttr("transA", 0), TB = O.getIntAttr("transB", 0);
  int64_t M = A.getDim(TA ? 1 : 0), KA = A.getDim(TA ? 0 : 1);
  int64_t KB = B.getDim(TB ? 1 : 0), N = B.getDim(TB ? 0 : 1);
  if (!dimsAgree(KA, KB))
    return makeOpError(O, "inner dims differ: " + A.str() + (TA ? "^T" : "") +
                              " x " + B.str() + (TB ? "^T" : ""));
  if (In.has(2) &&
      !isUnidirectionalBroadcastable(In.Types[2].getShape(), {M, N}))
    return makeOpError(O, "C of shape " + In.Types[2].str() +
                              " does not broadcast to [" + Twine(M) + "," +
                              Twine(N) + "]");
  return one(plain(A.getElementType(), {M, N}));
}

/// numpy.matmul of operands 0 and \p BIdx; the result has \p Elt.
static Expected<TypeList> inferMatMulAt(const Op &O, const InferenceInputs &In,
                                        unsigned BIdx, ElementType Elt) {
  ArrayRef<int64_t> A = In.Types[0].getShape(), B = In.Types[BIdx].getShape();
  if (A.empty() || B.empty())
    return makeOpError(O, "operands must have rank >= 1");
  Shape SA(A.begin(), A.end()), SB(B.begin(), B.end());
  if (SA.size() == 1)
    SA.insert(SA.begin(), 1);
  if (SB.size() == 1)
    SB.push_back(1);
  int64_t K1 = SA.back(), K2 = SB[SB.size() - 2];
  if (!dimsAgree(K1, K2))
    return makeOpError(O, "inner dims differ: " + formatShape(A) + " x " +
                              formatShape(B));
  auto Batch = broadcastShapes(ArrayRef<int64_t>(SA).drop_back(2),
                               ArrayRef<int64_t>(SB).drop_back(2));
  if (!Batch)
    return makeOpError(O, toString(Batch.takeError()));
  Shape Out = *Batch;
  if (A.size() > 1)
    Out.push_back(SA[SA.size() - 2]);
  if (B.size() > 1)
    Out.push_back(SB.back());
  return one(plain(Elt, Out));
}

static Expected<TypeList> inferMatMul(const Op &O, const InferenceInputs &In) {
  return inferMatMulAt(O, In, 1, In.Types[0].getElementType());
}

void registerLinearOps(OpRegistry &R) {
  OpDef Gemm;
  Gemm.Name = "onnx.Gemm";
  Gemm.MinOperands = 2;
  Gemm.MaxOperands = 3;
  Gemm.Attrs = {{"alpha", AttrKind::Float},
                {"beta", AttrKind::Float},
                {"transA", AttrKind::Int},
                {"transB", AttrKind::Int},
                {"broadcast", AttrKind::Int}}; // opset < 7; always on now
  Gemm.Verify = [](const Op &O) -> Error {
    if (Error E = checkIntAttrRange(O, "transA", 0, 1))
      return E;
    return checkIntAttrRange(O, "transB", 0, 1);
  };
  Gemm.InferTypes = inferGemm;
  addOp(R, std::move(Gemm));

  OpDef MM;
  MM.Name = "onnx.MatMul";
  MM.MinOperands = MM.MaxOperands = 2;
  MM.InferTypes = inferMatMul;
  addOp(R, std::move(MM));

  // MatMulInteger (a, b, a_zero_point, b_zero_point) -> i32; QLinearMatMul
  // (a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp) -> y_zp's type.
  OpDef MI;
  MI.Name = "onnx.MatMulInteger";
  MI.MinOperands = 2;
  MI.MaxOperands = 4;
  MI.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return inferMatMulAt(O, In, 1, ElementType::I32);
  };
  addOp(R, std::move(MI));
  OpDef QM;
  QM.Name = "onnx.QLinearMatMul";
  QM.MinOperands = QM.MaxOperands = 8;
  QM.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return inferMatMulAt(O, In, 3, In.Types[7].getElementType());
  };
  addOp(R, std::move(QM));
}

} // namespace onnxops
} // namespace onncf
