//===- ReduceOps.cpp - Reductions and arg-reductions ----------------------===//
//
// Part of onnc-fault. Reduce* take their axes as operand 1 (canonical; an
// attribute before opset 13/18) and honour keepdims and
// noop_with_empty_axes; ArgMax/ArgMin reduce one axis to i64 indices.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

using namespace llvm;

namespace onncf {
namespace onnxops {

static Expected<TypeList> inferReduce(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  unsigned R = X.getRank();
  bool Keep = O.getIntAttr("keepdims", 1) != 0;
  auto Axes = getReduceAxes(O, In, R);
  if (!Axes)
    return Axes.takeError();
  // ReduceMax/Min only select values: quantization carries over.
  bool Select =
      O.getKind() == "onnx.ReduceMax" || O.getKind() == "onnx.ReduceMin";
  auto Make = [&](ArrayRef<int64_t> S) {
    return Select ? X.withShape(S) : plain(X.getElementType(), S);
  };
  if (!Axes->Known) {
    if (Keep)
      return one(Make(Shape(R, kDynamicDim)));
    int64_t Len = listLength(In.Types[1]);
    if (Len < 0)
      return makeIncompleteError(O, "cannot infer the result's rank: the axes "
                                    "operand's length is unknown");
    return one(Make(Shape(R - std::min<int64_t>(R, Len), kDynamicDim)));
  }
  Shape Out;
  for (unsigned I = 0; I < R; ++I) {
    bool Reduced = is_contained(Axes->Values, (int64_t)I);
    if (!Reduced)
      Out.push_back(X.getDim(I));
    else if (Keep)
      Out.push_back(1);
  }
  return one(Make(Out));
}

static Expected<TypeList> inferArg(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), X.getRank());
  if (!Axis)
    return makeOpError(O, toString(Axis.takeError()));
  Shape Out(X.getShape().begin(), X.getShape().end());
  if (O.getIntAttr("keepdims", 1))
    Out[*Axis] = 1;
  else
    Out.erase(Out.begin() + *Axis);
  return one(plain(ElementType::I64, Out));
}

void registerReduceOps(OpRegistry &R) {
  for (const char *Name :
       {"onnx.ReduceMean", "onnx.ReduceSum", "onnx.ReduceMax", "onnx.ReduceMin",
        "onnx.ReduceProd", "onnx.ReduceL1", "onnx.ReduceL2",
        "onnx.ReduceSumSquare", "onnx.ReduceLogSum", "onnx.ReduceLogSumExp"}) {
    OpDef D;
    D.Name = Name;
    D.MinOperands = 1;
    D.MaxOperands = 2;
    D.Attrs = {{"axes", AttrKind::Ints},
               {"keepdims", AttrKind::Int},
               {"noop_with_empty_axes", AttrKind::Int}};
    D.Verify = [](const Op &O) -> Error {
      if (Error E = checkNotBoth(O, 1, "axes"))
        return E;
      if (Error E = checkIntAttrRange(O, "keepdims", 0, 1))
        return E;
      return checkIntAttrRange(O, "noop_with_empty_axes", 0, 1);
    };
    D.InferTypes = inferReduce;
    addOp(R, std::move(D));
  }
  for (const char *Name : {"onnx.ArgMax", "onnx.ArgMin"}) {
    OpDef D;
    D.Name = Name;
    D.MinOperands = D.MaxOperands = 1;
    D.Attrs = {{"axis", AttrKind::Int},
               {"keepdims", AttrKind::Int},
               {"select_last_index", AttrKind::Int}};
    D.Verify = [](const Op &O) -> Error {
      if (Error E = checkIntAttrRange(O, "keepdims", 0, 1))
        return E;
      return checkIntAttrRange(O, "select_last_index", 0, 1);
    };
    D.InferTypes = inferArg;
    addOp(R, std::move(D));
  }
}

} // namespace onnxops
} // namespace onncf
