//===- TensorOps.cpp - Data-movement ops ----------------------------------===//
//
// Part of onnc-fault. Flatten, Reshape, Transpose, Concat, Split, Slice,
// Pad, Squeeze and Unsqueeze. They only move values, so results keep the
// input's quantization. Operands that determine shapes (Reshape's shape,
// Slice's starts, ...) are used when their data is known; otherwise the
// affected dims are dynamic (see onncf/IR/ONNXOps.h).
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"
#include <numeric>

using namespace llvm;

namespace onncf {
namespace onnxops {

/// \p V in the op's error context.
template <typename T> static Expected<T> withOp(const Op &O, Expected<T> V) {
  if (!V)
    return makeOpError(O, toString(V.takeError()));
  return V;
}

/// A shape of \p Rank dynamic dims, or an error when the rank is unknown.
static Expected<Shape> dynamicOfRank(const Op &O, int64_t Rank, StringRef Why) {
  if (Rank < 0)
    return makeIncompleteError(O, "cannot infer the result's rank: " + Why);
  return Shape(Rank, kDynamicDim);
}

static Expected<TypeList> inferFlatten(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  int64_t R = X.getRank(), Axis = O.getIntAttr("axis", 1);
  // Axis may equal the rank (everything in the first dim).
  if (Axis < -R || Axis > R)
    return makeOpError(O, "axis " + Twine(Axis) + " is out of range [" +
                              Twine(-R) + ", " + Twine(R) + "]");
  if (Axis < 0)
    Axis += R;
  return one(X.withShape({product(X.getShape().take_front(Axis)),
                          product(X.getShape().drop_front(Axis))}));
}

static Expected<TypeList> inferReshape(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto Target = getIntListArg(O, In, 1, "shape");
  if (!Target)
    return Target.takeError();
  if (!Target->Present)
    return makeOpError(O, "has no shape operand");
  if (!Target->Known) {
    auto S = dynamicOfRank(O, listLength(In.Types[1]),
                           "the shape operand's length is unknown");
    if (!S)
      return S.takeError();
    return one(X.withShape(*S));
  }
  auto S = withOp(O, computeReshapeShape(X.getShape(), Target->Values,
                                         O.getIntAttr("allowzero", 0) != 0));
  if (!S)
    return S.takeError();
  return one(X.withShape(*S));
}

static Expected<TypeList> inferTranspose(const Op &O,
                                         const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  unsigned R = X.getRank();
  std::vector<int64_t> Perm(R);
  std::iota(Perm.rbegin(), Perm.rend(), 0);
  Perm = O.getIntsAttr("perm", Perm);
  if (Perm.size() != R)
    return makeOpError(O, "perm has " + Twine(Perm.size()) +
                              " entries for rank " + Twine(R));
  SmallVector<bool, 4> Seen(R, false);
  Shape Out;
  for (int64_t P : Perm) {
    if (P < 0 || P >= R || Seen[P])
      return makeOpError(O,
                         "perm " + formatShape(Perm) + " is not a permutation");
    Seen[P] = true;
    Out.push_back(X.getDim(P));
  }
  return one(X.withShape(Out));
}

static Expected<TypeList> inferConcat(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  unsigned R = X.getRank();
  // ONNX made axis required in opset 4; before that it defaulted to 1.
  auto Axis = withOp(O, normalizeAxis(O.getIntAttr("axis", 1), R));
  if (!Axis)
    return Axis.takeError();
  Shape Out(X.getShape().begin(), X.getShape().end());
  bool SameQuant = true;
  for (unsigned I = 1; I < In.Types.size(); ++I) {
    const TensorType &T = In.Types[I];
    if (T.getRank() != R)
      return makeOpError(O, "operand " + Twine(I) + " has rank " +
                                Twine(T.getRank()) + ", expected " + Twine(R));
    SameQuant &= T.getQuant() == X.getQuant();
    for (unsigned D = 0; D < R; ++D) {
      int64_t A = Out[D], B = T.getDim(D);
      if (D == *Axis) {
        Out[D] = (A == kDynamicDim || B == kDynamicDim) ? kDynamicDim : A + B;
      } else if (A == kDynamicDim) {
        Out[D] = B;
      } else if (B != kDynamicDim && A != B) {
        return makeOpError(O, "operand " + Twine(I) + " has dim " + Twine(D) +
                                  " = " + Twine(B) + ", expected " + Twine(A));
      }
    }
  }
  return one(SameQuant ? X.withShape(Out) : plain(X.getElementType(), Out));
}

static Expected<TypeList> inferSplit(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto Axis = withOp(O, normalizeAxis(O.getIntAttr("axis", 0), X.getRank()));
  if (!Axis)
    return Axis.takeError();
  auto Split = getIntListArg(O, In, 1, "split");
  if (!Split)
    return Split.takeError();
  unsigned N = O.getNumResults();
  auto Sizes = withOp(O, computeSplitSizes(X.getDim(*Axis), N, *Split));
  if (!Sizes)
    return Sizes.takeError();
  TypeList R;
  for (int64_t S : *Sizes) {
    Shape Out(X.getShape().begin(), X.getShape().end());
    Out[*Axis] = S;
    R.push_back(X.withShape(Out));
  }
  return R;
}

static Expected<TypeList> inferSlice(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  IntListArg Args[4];
  static const char *AttrNames[] = {"starts", "ends", "axes", ""};
  for (unsigned I = 0; I < 4; ++I) {
    auto A = getIntListArg(O, In, I + 1, AttrNames[I]);
    if (!A)
      return A.takeError();
    Args[I] = std::move(*A);
  }
  if (!Args[0].Present || !Args[1].Present)
    return makeOpError(O, "needs starts and ends");
  bool Known = true;
  for (auto &A : Args)
    Known &= !A.Present || A.Known;
  if (!Known) {
    // Unknown bounds: the sliced dims are dynamic; without known axes
    // every dim may be sliced.
    Shape Out(X.getRank(), kDynamicDim);
    if (Args[2].Present && Args[2].Known) {
      Out.assign(X.getShape().begin(), X.getShape().end());
      for (int64_t A : Args[2].Values) {
        auto N = withOp(O, normalizeAxis(A, X.getRank()));
        if (!N)
          return N.takeError();
        Out[*N] = kDynamicDim;
      }
    }
    return one(X.withShape(Out));
  }
  auto Dims =
      withOp(O, computeSlice(X.getShape(), Args[0].Values, Args[1].Values,
                             Args[2].Values, Args[3].Values));
  if (!Dims)
    return Dims.takeError();
  Shape Out;
  for (const SliceDim &D : *Dims)
    Out.push_back(D.Count);
  return one(X.withShape(Out));
}

static Expected<TypeList> inferPad(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  unsigned R = X.getRank();
  auto Pads = getPadAmounts(O, In, R);
  if (!Pads)
    return Pads.takeError();
  Shape Out(R, kDynamicDim);
  if (Pads->Known) {
    for (unsigned I = 0; I < R; ++I) {
      if (X.getDim(I) == kDynamicDim)
        continue;
      Out[I] = X.getDim(I) + Pads->Values[I] + Pads->Values[R + I];
      if (Out[I] < 0)
        return makeOpError(O, "negative pads remove more than dim " + Twine(I) +
                                  " holds");
    }
  }
  return one(X.withShape(Out));
}

static Expected<TypeList> inferSqueeze(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  int64_t R = X.getRank();
  auto Axes = getIntListArg(O, In, 1, "axes");
  if (!Axes)
    return Axes.takeError();
  if (Axes->Present && !Axes->Known) {
    int64_t Len = listLength(In.Types[1]);
    auto S = dynamicOfRank(O, Len < 0 ? -1 : R - Len,
                           "the axes operand's length is unknown");
    if (!S)
      return S.takeError();
    return one(X.withShape(*S));
  }
  SmallVector<bool, 4> Drop(R, false);
  if (!Axes->Present || Axes->Values.empty()) {
    for (int64_t I = 0; I < R; ++I) {
      if (X.getDim(I) == kDynamicDim)
        return makeIncompleteError(
            O, "cannot infer the result's rank: no axes and "
               "dim " +
                   Twine(I) + " is dynamic");
      Drop[I] = X.getDim(I) == 1;
    }
  } else {
    for (int64_t A : Axes->Values) {
      auto N = withOp(O, normalizeAxis(A, R));
      if (!N)
        return N.takeError();
      if (Drop[*N])
        return makeOpError(O, "axis " + Twine(A) + " is repeated");
      if (X.getDim(*N) != 1 && X.getDim(*N) != kDynamicDim)
        return makeOpError(O, "cannot squeeze dim " + Twine(*N) + " of size " +
                                  Twine(X.getDim(*N)));
      Drop[*N] = true;
    }
  }
  Shape Out;
  for (int64_t I = 0; I < R; ++I)
    if (!Drop[I])
      Out.push_back(X.getDim(I));
  return one(X.withShape(Out));
}

static Expected<TypeList> inferUnsqueeze(const Op &O,
                                         const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto Axes = getIntListArg(O, In, 1, "axes");
  if (!Axes)
    return Axes.takeError();
  if (!Axes->Present)
    return makeOpError(O, "needs axes");
  if (!Axes->Known) {
    int64_t Len = listLength(In.Types[1]);
    auto S = dynamicOfRank(O, Len < 0 ? -1 : X.getRank() + Len,
                           "the axes operand's length is unknown");
    if (!S)
      return S.takeError();
    return one(X.withShape(*S));
  }
  int64_t R = X.getRank() + Axes->Values.size();
  SmallVector<bool, 4> Insert(R, false);
  for (int64_t A : Axes->Values) {
    // Axes index the result, so they are normalised with its rank.
    auto N = withOp(O, normalizeAxis(A, R));
    if (!N)
      return N.takeError();
    if (Insert[*N])
      return makeOpError(O, "axis " + Twine(A) + " is repeated");
    Insert[*N] = true;
  }
  Shape Out;
  unsigned Next = 0;
  for (int64_t I = 0; I < R; ++I)
    Out.push_back(Insert[I] ? 1 : X.getDim(Next++));
  return one(X.withShape(Out));
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

void registerTensorOps(OpRegistry &R) {
  addOp(R, def("onnx.Flatten", 1, 1, {{"axis", AttrKind::Int}}, inferFlatten));

  OpDef Reshape = def("onnx.Reshape", 1, 2,
                      {{"allowzero", AttrKind::Int}, {"shape", AttrKind::Ints}},
                      inferReshape);
  Reshape.Verify = [](const Op &O) -> Error {
    if (Error E = checkNotBoth(O, 1, "shape"))
      return E;
    if (!O.getOptionalOperand(1) && !O.hasAttr("shape"))
      return makeOpError(O, "has no shape operand");
    return checkIntAttrRange(O, "allowzero", 0, 1);
  };
  addOp(R, std::move(Reshape));

  addOp(R, def("onnx.Transpose", 1, 1, {{"perm", AttrKind::Ints}},
               inferTranspose));
  addOp(R, def("onnx.Concat", 1, ~0u, {{"axis", AttrKind::Int}}, inferConcat));

  OpDef Split = def("onnx.Split", 1, 2,
                    {{"axis", AttrKind::Int},
                     {"split", AttrKind::Ints},
                     {"num_outputs", AttrKind::Int}},
                    inferSplit);
  Split.MaxResults = ~0u;
  Split.Verify = [](const Op &O) -> Error {
    if (Error E = checkNotBoth(O, 1, "split"))
      return E;
    if (const Attribute *N = O.getAttr("num_outputs")) {
      if (O.getOptionalOperand(1) || O.hasAttr("split"))
        return makeOpError(O, "has both num_outputs and split");
      if (N->getInt() != (int64_t)O.getNumResults())
        return makeOpError(O, "num_outputs is " + Twine(N->getInt()) +
                                  " but the op has " +
                                  Twine(O.getNumResults()) + " results");
    }
    return checkIntsAttr(O, "split", O.getNumResults(), 0);
  };
  addOp(R, std::move(Split));

  OpDef Slice = def("onnx.Slice", 1, 5,
                    {{"starts", AttrKind::Ints},
                     {"ends", AttrKind::Ints},
                     {"axes", AttrKind::Ints}},
                    inferSlice);
  Slice.Verify = [](const Op &O) -> Error {
    static const char *Names[] = {"starts", "ends", "axes"};
    for (unsigned I = 0; I < 3; ++I)
      if (Error E = checkNotBoth(O, I + 1, Names[I]))
        return E;
    return Error::success();
  };
  addOp(R, std::move(Slice));

  OpDef Pad = def("onnx.Pad", 1, 4,
                  {{"mode", AttrKind::String},
                   {"pads", AttrKind::Ints},
                   {"paddings", AttrKind::Ints},
                   {"value", AttrKind::Float}},
                  inferPad);
  Pad.Verify = [](const Op &O) -> Error {
    std::string Mode = O.getStringAttr("mode", "constant");
    if (Mode != "constant" && Mode != "reflect" && Mode != "edge" &&
        Mode != "wrap")
      return makeOpError(O, "mode '" + Mode +
                                "' is not one of constant, reflect, edge, "
                                "wrap");
    if (Error E = checkNotBoth(O, 1, "pads"))
      return E;
    if (Error E = checkNotBoth(O, 2, "value"))
      return E;
    if (!O.getOptionalOperand(1) && !O.hasAttr("pads") &&
        !O.hasAttr("paddings"))
      return makeOpError(O, "has no pads");
    if (const TensorType *X = operandType(O, 0)) {
      const char *Name = O.hasAttr("paddings") ? "paddings" : "pads";
      return checkIntsAttr(O, Name, 2 * X->getRank(), INT64_MIN);
    }
    return Error::success();
  };
  addOp(R, std::move(Pad));

  OpDef Sq =
      def("onnx.Squeeze", 1, 2, {{"axes", AttrKind::Ints}}, inferSqueeze);
  Sq.Verify = [](const Op &O) { return checkNotBoth(O, 1, "axes"); };
  addOp(R, std::move(Sq));
  OpDef Unsq =
      def("onnx.Unsqueeze", 1, 2, {{"axes", AttrKind::Ints}}, inferUnsqueeze);
  Unsq.Verify = [](const Op &O) -> Error {
    if (Error E = checkNotBoth(O, 1, "axes"))
      return E;
    if (!O.getOptionalOperand(1) && !O.hasAttr("axes"))
      return makeOpError(O, "needs axes");
    return Error::success();
  };
  addOp(R, std::move(Unsq));
}

} // namespace onnxops
} // namespace onncf
