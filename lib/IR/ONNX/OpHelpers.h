//===- OpHelpers.h - Private helpers of the onnx.* op families --*- C++ -*-===//
//
// Part of onnc-fault. Shared by the files defining the onnx.* OpDefs: a
// registration wrapper that checks attribute kinds before an op's own
// verifier and inference run (so they can use Op's typed accessors safely),
// and small checks used by several verifiers.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_IR_ONNX_OPHELPERS_H
#define ONNCF_LIB_IR_ONNX_OPHELPERS_H

#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/Op.h"
#include "onncf/IR/OpDef.h"
#include "onncf/IR/Value.h"

namespace onncf {
namespace onnxops {

/// An error about \p O. The op is not named in the message: the IR's
/// verifier and inferOpTypes() prefix its description.
llvm::Error makeOpError(const Op &O, const llvm::Twine &Msg);
/// Like makeOpError, for a result type that depends on operand data not
/// known yet (an IncompleteInferenceError, see onncf/IR/OpDef.h).
llvm::Error makeIncompleteError(const Op &O, const llvm::Twine &Msg);

using TypeList = llvm::SmallVector<TensorType, 1>;
using Shape = llvm::SmallVector<int64_t, 4>;

/// Registers \p Def after wrapping its Verify and InferTypes so that both
/// first check arity and every attribute present against the schema
/// (unknown names and wrong kinds are errors): inference may be called
/// before the op was verified, e.g. by Builder::createOp.
void addOp(OpRegistry &R, OpDef Def);

/// Operand I's type when the op has it (for verifiers, which see no
/// InferenceInputs); null if absent.
const TensorType *operandType(const Op &O, unsigned I);

/// Checks that list attribute \p Name (if present) has \p Len entries
/// (when Len >= 0) and every entry >= \p Min.
llvm::Error checkIntsAttr(const Op &O, llvm::StringRef Name, int64_t Len,
                          int64_t Min);
/// Checks the auto_pad attribute's spelling.
llvm::Error checkAutoPadAttr(const Op &O);
/// Checks that int attribute \p Name (if present) is in [Lo, Hi].
llvm::Error checkIntAttrRange(const Op &O, llvm::StringRef Name, int64_t Lo,
                              int64_t Hi);
/// Checks auto_pad, kernel_shape, strides, dilations and pads of a conv or
/// pool op against each other and the input's rank.
llvm::Error verifyWindowAttrs(const Op &O);
/// Error if both operand \p Idx and attribute \p Attr are given.
llvm::Error checkNotBoth(const Op &O, unsigned Idx, llvm::StringRef Attr);

/// Result of an op with one result.
inline llvm::Expected<TypeList> one(TensorType T) { return TypeList{T}; }

/// A type with \p S and \p Elt and no quantization.
inline TensorType plain(ElementType Elt, llvm::ArrayRef<int64_t> S) {
  return TensorType(Elt, S);
}

/// The product of \p S, kDynamicDim if any dim is dynamic.
int64_t product(llvm::ArrayRef<int64_t> S);

/// The number of entries of a 0-D/1-D operand whose values are unknown
/// (-1 if its length is dynamic too).
int64_t listLength(const TensorType &T);

/// "[?,3,224,224]".
std::string formatShape(llvm::ArrayRef<int64_t> S);

/// Requires operand \p I to have rank >= \p MinRank.
llvm::Error checkMinRank(const Op &O, const InferenceInputs &In, unsigned I,
                         unsigned MinRank);

// Family registration, one per file.
void registerConvOps(OpRegistry &R);
void registerPoolOps(OpRegistry &R);
void registerLinearOps(OpRegistry &R);
void registerNormOps(OpRegistry &R);
void registerElementwiseOps(OpRegistry &R);
void registerTensorOps(OpRegistry &R);
void registerShapeOps(OpRegistry &R);
void registerReduceOps(OpRegistry &R);
void registerResizeOps(OpRegistry &R);
void registerIndexOps(OpRegistry &R);

} // namespace onnxops
} // namespace onncf

#endif
