//===- ONNXLegacy.cpp - Legacy opset forms -> canonical IR form -----------===//
//
// Part of onnc-fault. Over the opsets ONNX moved several attributes into
// inputs (Squeeze's axes, Clip's bounds, Pad's pads, ...) and changed the
// Softmax family's semantics. The IR has one canonical form (documented in
// onncf/IR/ONNXOps.h); this file rewrites older nodes into it so passes and
// kernels see a single form whatever opset the model was exported with.
//
//===----------------------------------------------------------------------===//
#include "ImporterInternal.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/StringSwitch.h"
#include <cstring>
#include <onnx/onnx_pb.h>

using namespace llvm;

namespace onncf {

namespace {

/// How a legacy attribute becomes an operand.
enum class OperandForm {
  Ints,        ///< i64 [k] from an ints attribute
  IntAsVector, ///< i64 [1] from an int attribute (TopK's k)
  ScalarLikeX, ///< a scalar of operand 0's element type from a float
  F32Scalar,   ///< an f32 scalar from a float attribute
};

struct LegacyAttr {
  const char *OpType;
  /// The attribute form is used by opsets below this one.
  int64_t OperandSince;
  const char *AttrName;
  unsigned OperandIdx;
  OperandForm Form;
};

// clang-format off
const LegacyAttr LegacyAttrs[] = {
    {"Squeeze",         13, "axes",   1, OperandForm::Ints},
    {"Unsqueeze",       13, "axes",   1, OperandForm::Ints},
    {"Split",           13, "split",  1, OperandForm::Ints},
    {"Clip",            11, "min",    1, OperandForm::ScalarLikeX},
    {"Clip",            11, "max",    2, OperandForm::ScalarLikeX},
    {"Pad",             11, "pads",   1, OperandForm::Ints},
    {"Pad",             11, "value",  2, OperandForm::ScalarLikeX},
    {"Slice",           10, "starts", 1, OperandForm::Ints},
    {"Slice",           10, "ends",   2, OperandForm::Ints},
    {"Slice",           10, "axes",   3, OperandForm::Ints},
    {"TopK",            10, "k",      1, OperandForm::IntAsVector},
    {"Dropout",         12, "ratio",  1, OperandForm::F32Scalar},
    {"ReduceSum",       13, "axes",   1, OperandForm::Ints},
    // The other reductions take axes as an input only from opset 18.
    {"ReduceMean",      18, "axes",   1, OperandForm::Ints},
    {"ReduceMax",       18, "axes",   1, OperandForm::Ints},
    {"ReduceMin",       18, "axes",   1, OperandForm::Ints},
    {"ReduceProd",      18, "axes",   1, OperandForm::Ints},
    {"ReduceL1",        18, "axes",   1, OperandForm::Ints},
    {"ReduceL2",        18, "axes",   1, OperandForm::Ints},
    {"ReduceLogSum",    18, "axes",   1, OperandForm::Ints},
    {"ReduceLogSumExp", 18, "axes",   1, OperandForm::Ints},
    {"ReduceSumSquare", 18, "axes",   1, OperandForm::Ints},
};
// clang-format on

Expected<Tensor> scalarOfType(ElementType Ty, float V) {
  Tensor T(TensorType(Ty, {}));
  switch (Ty) {
  case ElementType::F32:
    T.mutableData<float>()[0] = V;
    return T;
  case ElementType::F64:
    T.mutableData<double>()[0] = V;
    return T;
  case ElementType::F16: {
    uint16_t H = floatToHalf(V);
    std::memcpy(T.mutableBytes().data(), &H, 2);
    return T;
  }
  default:
    return makeError("a float bound for a " + getElementTypeName(Ty) +
                     " input");
  }
}

Error moveAttrToOperand(NodeImport &N, const LegacyAttr &L) {
  std::optional<Attribute> A = N.takeAttr(L.AttrName);
  if (!A)
    return Error::success();
  if (N.Operands.size() > L.OperandIdx && N.Operands[L.OperandIdx])
    return N.error("has both attribute '" + Twine(L.AttrName) + "' and input " +
                   Twine(L.OperandIdx));
  Tensor T;
  switch (L.Form) {
  case OperandForm::Ints:
    if (!A->is(AttrKind::Ints))
      return N.error("attribute '" + Twine(L.AttrName) + "' must be ints");
    T = Tensor::fromVector<int64_t>({(int64_t)A->getInts().size()},
                                    A->getInts());
    break;
  case OperandForm::IntAsVector:
    if (!A->is(AttrKind::Int))
      return N.error("attribute '" + Twine(L.AttrName) + "' must be an int");
    T = Tensor::fromVector<int64_t>({1}, {A->getInt()});
    break;
  case OperandForm::F32Scalar:
  case OperandForm::ScalarLikeX: {
    if (!A->is(AttrKind::Float))
      return N.error("attribute '" + Twine(L.AttrName) + "' must be a float");
    ElementType Ty = ElementType::F32;
    if (L.Form == OperandForm::ScalarLikeX && !N.Operands.empty() &&
        N.Operands[0])
      Ty = N.Operands[0]->getType().getElementType();
    auto S = scalarOfType(Ty, A->getFloat());
    if (!S)
      return N.error("attribute '" + Twine(L.AttrName) +
                     "': " + toString(S.takeError()));
    T = std::move(*S);
    break;
  }
  }
  N.setOperand(L.OperandIdx,
               N.G.addConstantUnique(N.nameHint(L.AttrName), std::move(T)));
  return Error::success();
}

/// Softmax, LogSoftmax and Hardmax before opset 13 flatten the input to 2-D
/// at "axis" (default 1). When that axis is the last one both semantics
/// agree, so only the other cases need the legacy_2d marker.
Error canonicalizeSoftmax(NodeImport &N) {
  int64_t Axis = 1;
  if (std::optional<Attribute> A = N.takeAttr("axis")) {
    if (!A->is(AttrKind::Int))
      return N.error("attribute 'axis' must be an int");
    Axis = A->getInt();
  }
  const TensorType *XTy = N.Operands.empty() || !N.Operands[0]
                              ? nullptr
                              : &N.Operands[0]->getType();
  if (XTy) {
    int64_t Rank = XTy->getRank();
    int64_t Norm = Axis < 0 ? Axis + Rank : Axis;
    if (Norm < 0 || Norm >= std::max<int64_t>(Rank, 1))
      return N.error("axis " + Twine(Axis) + " is out of range for rank " +
                     Twine(Rank));
    if (Norm == Rank - 1) {
      N.Attrs["axis"] = Attribute(int64_t(-1));
      return Error::success();
    }
  }
  N.Attrs["axis"] = Attribute(Axis);
  N.Attrs["legacy_2d"] = Attribute(int64_t(1));
  return Error::success();
}

/// Resize at opset 10 is (X, scales); from 11 on it is (X, roi, scales,
/// sizes).
void canonicalizeResize10(NodeImport &N) {
  if (N.Operands.size() >= 2) {
    Value *Scales = N.Operands[1];
    N.Operands[1] = nullptr;
    N.setOperand(2, Scales);
  }
}

} // namespace

Error canonicalizeLegacyForms(NodeImport &N) {
  StringRef OpType = N.Node.op_type();
  for (const LegacyAttr &L : LegacyAttrs)
    if (OpType == L.OpType && N.Opset < L.OperandSince)
      if (Error E = moveAttrToOperand(N, L))
        return E;

  if ((OpType == "Softmax" || OpType == "LogSoftmax" || OpType == "Hardmax") &&
      N.Opset < 13)
    return canonicalizeSoftmax(N);
  if (OpType == "Resize" && N.Opset == 10)
    canonicalizeResize10(N);
  return Error::success();
}

} // namespace onncf
