//===- ShapeOps.cpp - Shape computation and constant-producing ops --------===//
//
// Part of onnc-fault. Shape, Size, Gather, Constant, ConstantOfShape, Expand,
// Tile and Range. They appear mostly in the shape subgraphs exporters emit
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), which constant
// folding collapses once the shapes are static.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"
#include <algorithm>
#include <cmath>

using namespace llvm;

namespace onncf {
namespace onnxops {

static Expected<TypeList> inferShape(const Op &O, const InferenceInputs &In) {
  int64_t R = In.Types[0].getRank();
  int64_t Start = O.getIntAttr("start", 0), End = O.getIntAttr("end", R);
  // Shape's start/end clamp like Slice's (opset 15).
  if (Start < 0)
    Start += R;
  if (End < 0)
    End += R;
  Start = std::clamp<int64_t>(Start, 0, R);
  End = std::clamp<int64_t>(End, 0, R);
  return one(plain(ElementType::I64, {std::max<int64_t>(0, End - Start)}));
}

static Expected<TypeList> inferGather(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0], &Idx = In.Types[1];
  if (!isIntegerType(Idx.getElementType()))
    return makeOpError(O, "indices must be integers, not " + Idx.str());
  if (X.getRank() == 0)
    return makeOpError(O, "data must have rank >= 1");
  auto Axis = normalizeAxis(O.getIntAttr("axis", 0), X.getRank());
  if (!Axis)
    return makeOpError(O, toString(Axis.takeError()));
  Shape Out(X.getShape().begin(), X.getShape().begin() + *Axis);
  Out.append(Idx.getShape().begin(), Idx.getShape().end());
  Out.append(X.getShape().begin() + *Axis + 1, X.getShape().end());
  return one(X.withShape(Out));
}

static Expected<TypeList> inferConstant(const Op &O,
                                        const InferenceInputs &In) {
  auto T = getConstantAttrValue(O);
  if (!T)
    return T.takeError();
  return one(T->getType());
}

/// A shape from a 1-D shape operand: its values when known, else dynamic
/// dims of its length.
static Expected<Shape> shapeOperand(const Op &O, const InferenceInputs &In,
                                    unsigned I) {
  auto S = getIntListArg(O, In, I, "");
  if (!S)
    return S.takeError();
  if (S->Known) {
    for (int64_t D : S->Values)
      if (D < 0)
        return makeOpError(O, "shape operand has negative dim " + Twine(D));
    return Shape(S->Values.begin(), S->Values.end());
  }
  int64_t Len = listLength(In.Types[I]);
  if (Len < 0)
    return makeIncompleteError(O, "cannot infer the result's rank: the shape "
                                  "operand's length is unknown");
  return Shape(Len, kDynamicDim);
}

static Expected<TypeList> inferConstantOfShape(const Op &O,
                                               const InferenceInputs &In) {
  ElementType Elt = ElementType::F32;
  if (const Attribute *V = O.getAttr("value"))
    Elt = V->getTensor().getElementType();
  auto S = shapeOperand(O, In, 0);
  if (!S)
    return S.takeError();
  return one(plain(Elt, *S));
}

static Expected<TypeList> inferExpand(const Op &O, const InferenceInputs &In) {
  auto S = shapeOperand(O, In, 1);
  if (!S)
    return S.takeError();
  // Expand's shape may hold 1 where the input is larger (numpy rules), so
  // with unknown values only the rank is certain.
  auto B = broadcastShapes(In.Types[0].getShape(), *S);
  if (!B)
    return makeOpError(O, toString(B.takeError()));
  return one(In.Types[0].withShape(*B));
}

static Expected<TypeList> inferTile(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto Rep = getIntListArg(O, In, 1, "");
  if (!Rep)
    return Rep.takeError();
  Shape Out(X.getRank(), kDynamicDim);
  if (Rep->Known) {
    if (Rep->Values.size() != X.getRank())
      return makeOpError(O, "repeats has " + Twine(Rep->Values.size()) +
                                " entries for rank " + Twine(X.getRank()));
    for (unsigned I = 0; I < X.getRank(); ++I) {
      if (Rep->Values[I] < 0)
        return makeOpError(O, "repeats has negative entry");
      Out[I] = X.getDim(I) == kDynamicDim ? kDynamicDim
                                          : X.getDim(I) * Rep->Values[I];
    }
  }
  return one(X.withShape(Out));
}

static Expected<TypeList> inferRange(const Op &O, const InferenceInputs &In) {
  ElementType Elt = In.Types[0].getElementType();
  for (unsigned I = 0; I < 3; ++I)
    if (In.Types[I].getRank() != 0 && product(In.Types[I].getShape()) != 1)
      return makeOpError(O, "operand " + Twine(I) + " must be a scalar");
  bool Known = true;
  for (unsigned I = 0; I < 3; ++I)
    Known &= I < In.Data.size() && In.Data[I] && !In.Data[I]->isNull();
  if (!Known)
    return one(plain(Elt, {kDynamicDim}));
  double Start = In.Data[0]->getAsDouble(0), Limit = In.Data[1]->getAsDouble(0),
         Delta = In.Data[2]->getAsDouble(0);
  if (Delta == 0)
    return makeOpError(O, "delta is 0");
  double Count = std::ceil((Limit - Start) / Delta);
  if (!(Count < 9.0e15))
    return makeOpError(O, "range is too long or not finite");
  int64_t N = Count <= 0 ? 0 : (int64_t)Count;
  return one(plain(Elt, {N}));
}

static OpDef def(const char *Name, unsigned MinOps, unsigned MaxOps,
                 std::vector<AttrSpec> Attrs, InferTypesFn F) {
  OpDef D;
  D.Name = Name;
  D.MinOperands = MinOps;
  D.MaxOperands = MaxOps;
  D.Attrs = std::move(Attrs);
  D.InferTypes = std::move(F);
  return D;
}

void registerShapeOps(OpRegistry &R) {
  addOp(R, def("onnx.Shape", 1, 1,
               {{"start", AttrKind::Int}, {"end", AttrKind::Int}}, inferShape));
  addOp(R, def("onnx.Size", 1, 1, {}, [](const Op &, const InferenceInputs &) {
          return one(plain(ElementType::I64, {}));
        }));
  addOp(R, def("onnx.Gather", 2, 2, {{"axis", AttrKind::Int}}, inferGather));

  OpDef C = def("onnx.Constant", 0, 0,
                {{"value", AttrKind::Tensor},
                 {"value_float", AttrKind::Float},
                 {"value_floats", AttrKind::Floats},
                 {"value_int", AttrKind::Int},
                 {"value_ints", AttrKind::Ints}},
                inferConstant);
  C.Verify = [](const Op &O) -> Error {
    if (O.getAttrs().size() != 1)
      return makeOpError(O, "needs exactly one of value, value_float(s), "
                            "value_int(s)");
    return Error::success();
  };
  addOp(R, std::move(C));

  OpDef COS = def("onnx.ConstantOfShape", 1, 1, {{"value", AttrKind::Tensor}},
                  inferConstantOfShape);
  COS.Verify = [](const Op &O) -> Error {
    if (const Attribute *V = O.getAttr("value"))
      if (V->getTensor().getNumElements() != 1)
        return makeOpError(O, "value must hold one element");
    return Error::success();
  };
  addOp(R, std::move(COS));
  addOp(R, def("onnx.Expand", 2, 2, {}, inferExpand));
  addOp(R, def("onnx.Tile", 2, 2, {}, inferTile));
  addOp(R, def("onnx.Range", 3, 3, {}, inferRange));
}

} // namespace onnxops
} // namespace onncf
