//===- TransformUtils.h - Helpers shared by the passes ----------*- C++ -*-===//
//
// Part of onnc-fault. Internal to lib/Transforms. Rewrites here keep the
// names of graph outputs: executors, onnc-run and calibration tables refer to
// outputs by the names the model gave them, so a pass that removes the op
// producing an output hands the name to the value that replaces it.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_TRANSFORMS_TRANSFORMUTILS_H
#define ONNCF_LIB_TRANSFORMS_TRANSFORMUTILS_H

#include "onncf/IR/Graph.h"
#include "llvm/ADT/DenseMap.h"

namespace onncf {

/// True if uses of \p Old can be redirected to \p New while keeping Old's
/// name on the graph outputs (always true when Old is not an output).
bool canReplaceKeepingName(const Graph &G, const Value *Old, const Value *New);

/// Redirects every use of \p O's results to \p News (one per result; null
/// entries must be unused), erases \p O, and renames a replacement that
/// took over a graph output to the output's old name (see
/// canReplaceKeepingName). Returns the replacements as they are afterwards
/// (renaming recreates a value).
llvm::Expected<llvm::SmallVector<Value *, 1>>
replaceOp(Graph &G, Op *O, llvm::ArrayRef<Value *> News);

/// Gives \p V the name \p Name (which must be free) by recreating it: a new
/// constant, or its defining op recreated in place. \p V must be a constant
/// or the result of a single-result op. Returns the renamed value.
llvm::Expected<Value *> renameValue(Graph &G, Value *V, llvm::StringRef Name);

/// Number of op operands reading \p V (graph outputs not counted).
unsigned getNumOpUses(const Graph &G, const Value *V);
/// True if \p V is read by exactly one op operand and is not an output.
bool hasSingleUse(const Graph &G, const Value *V);

/// The constant data of \p V if it is a constant, else null.
const Tensor *getConstantData(const Value *V);

/// Replaces constant \p C's data with \p T when \p User is its only reader,
/// else adds a new constant (named after C) and points operand \p Idx of
/// \p User at it. Either way returns the value \p User now reads.
Value *updateConstantForUser(Graph &G, Value *C, Tensor T, Op *User,
                             unsigned Idx);

/// If every present operand of \p O is constant (and \p O is pure, has a
/// kernel, and no result exceeds \p MaxBytes when MaxBytes > 0), evaluates
/// it with the interpreter's kernels and replaces its results by constants.
/// onnx.Constant ops become graph constants. Returns whether it folded;
/// ops that cannot be evaluated are left alone.
llvm::Expected<bool> tryConstantFold(Graph &G, Op *O, uint64_t MaxBytes);

/// Removes pure ops none of whose results is used, last to first; returns
/// how many were removed.
unsigned eraseDeadOps(Graph &G);
/// Removes constants nothing reads; returns how many.
unsigned eraseDeadConstants(Graph &G);

/// Re-runs type inference in order and adopts inferred result types that
/// are compatible with, and more static than, the declared ones (after
/// folding, e.g., a Reshape's shape operand became known). Returns how many
/// results got a more precise type.
unsigned refineTypes(Graph &G);

/// Gather(Shape(x), i) with dims i of x static -> constant (ShapeFolding.cpp).
llvm::Expected<bool> foldGatherOfStaticDims(Graph &G, Op *O);
/// Reshape(x, Concat(.., dim i of x as [1], ..)) -> Reshape(x, const with 0
/// at i) (ShapeFolding.cpp). Leaves the old shape subgraph for DCE.
llvm::Expected<bool> resolveOwnDimsInReshape(Graph &G, Op *O);

/// Transposes a 2-D f32 tensor.
Tensor transpose2D(const Tensor &T);

} // namespace onncf

#endif
