//===- IndexOps.cpp - Index-driven ops ------------------------------------===//
//
// Part of onnc-fault. TopK, GatherElements, GatherND, ReverseSequence,
// ScatterElements, ScatterND, OneHot, NonZero, CumSum, Trilu and EyeLike:
// ops whose indices or counts are data, so their shapes follow from the
// index operand's shape (or are dynamic where the data decides them).
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

using namespace llvm;

namespace onncf {
namespace onnxops {

static Expected<TypeList> inferTopK(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto Axis = normalizeAxis(O.getIntAttr("axis", -1), X.getRank());
  if (!Axis)
    return makeOpError(O, toString(Axis.takeError()));
  auto K = getIntListArg(O, In, 1, "");
  if (!K)
    return K.takeError();
  Shape Out(X.getShape().begin(), X.getShape().end());
  Out[*Axis] = kDynamicDim;
  if (K->Known) {
    if (K->Values.size() != 1 || K->Values[0] < 0)
      return makeOpError(O, "k must be one non-negative value");
    int64_t D = X.getDim(*Axis);
    if (D != kDynamicDim && K->Values[0] > D)
      return makeOpError(O, "k " + Twine(K->Values[0]) + " exceeds dim " +
                                Twine(D));
    Out[*Axis] = K->Values[0];
  }
  return TypeList{X.withShape(Out), plain(ElementType::I64, Out)};
}

static Expected<TypeList> inferGatherElements(const Op &O,
                                              const InferenceInputs &In) {
  const TensorType &X = In.Types[0], &I = In.Types[1];
  if (X.getRank() != I.getRank())
    return makeOpError(O, "data and indices must have the same rank");
  if (auto A = normalizeAxis(O.getIntAttr("axis", 0), X.getRank()); !A)
    return makeOpError(O, toString(A.takeError()));
  return one(X.withShape(I.getShape()));
}

static Expected<TypeList> inferScatter(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  if (O.getKind() == "onnx.ScatterElements") {
    if (auto A = normalizeAxis(O.getIntAttr("axis", 0), X.getRank()); !A)
      return makeOpError(O, toString(A.takeError()));
    if (In.Types[1].getShape() != In.Types[2].getShape() &&
        In.Types[1].hasStaticShape() && In.Types[2].hasStaticShape())
      return makeOpError(O, "indices and updates must have the same shape");
  }
  return one(plain(X.getElementType(), X.getShape()));
}

static Expected<TypeList> inferOneHot(const Op &O, const InferenceInputs &In) {
  const TensorType &Idx = In.Types[0];
  int64_t R = Idx.getRank() + 1;
  auto Axis = normalizeAxis(O.getIntAttr("axis", -1), R);
  if (!Axis)
    return makeOpError(O, toString(Axis.takeError()));
  int64_t Depth = kDynamicDim;
  if (In.Data.size() > 1 && In.Data[1] && !In.Data[1]->isNull()) {
    if (In.Data[1]->getNumElements() != 1)
      return makeOpError(O, "depth must be a scalar");
    Depth = (int64_t)In.Data[1]->getAsDouble(0);
    if (Depth < 1)
      return makeOpError(O, "depth " + Twine(Depth) + " is not positive");
  }
  Shape Out(Idx.getShape().begin(), Idx.getShape().end());
  Out.insert(Out.begin() + *Axis, Depth);
  return one(plain(In.Types[2].getElementType(), Out));
}

static Expected<TypeList> inferGatherND(const Op &O,
                                        const InferenceInputs &In) {
  ArrayRef<int64_t> X = In.Types[0].getShape(), I = In.Types[1].getShape();
  int64_t B = O.getIntAttr("batch_dims", 0);
  if (I.empty() || X.empty())
    return makeOpError(O, "data and indices must have rank >= 1");
  if (B < 0 || B >= (int64_t)std::min(X.size(), I.size()))
    return makeOpError(O, "batch_dims " + Twine(B) + " is out of range");
  int64_t K = I.back();
  if (K == kDynamicDim)
    return makeIncompleteError(
        O, "cannot infer the result's rank: the last dim of "
           "indices is dynamic");
  if (K < 1 || B + K > (int64_t)X.size())
    return makeOpError(O, "indices address " + Twine(K) + " dims of a rank-" +
                              Twine(X.size()) + " tensor after " + Twine(B) +
                              " batch dims");
  Shape Out(I.begin(), I.end() - 1);
  Out.append(X.begin() + B + K, X.end());
  return one(In.Types[0].withShape(Out));
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

static Expected<TypeList> sameAsInput(const Op &O, const InferenceInputs &In) {
  return one(plain(In.Types[0].getElementType(), In.Types[0].getShape()));
}

void registerIndexOps(OpRegistry &R) {
  OpDef TopK = def("onnx.TopK", 2, 2,
                   {{"axis", AttrKind::Int},
                    {"largest", AttrKind::Int},
                    {"sorted", AttrKind::Int}},
                   inferTopK);
  TopK.MinResults = TopK.MaxResults = 2;
  addOp(R, std::move(TopK));
  addOp(R, def("onnx.GatherElements", 2, 2, {{"axis", AttrKind::Int}},
               inferGatherElements));
  for (const char *Name : {"onnx.ScatterElements", "onnx.ScatterND"}) {
    std::vector<AttrSpec> A = {{"reduction", AttrKind::String}};
    if (StringRef(Name) == "onnx.ScatterElements")
      A.push_back({"axis", AttrKind::Int});
    OpDef D = def(Name, 3, 3, A, inferScatter);
    D.Verify = [](const Op &O) -> Error {
      std::string Red = O.getStringAttr("reduction", "none");
      if (Red != "none" && Red != "add" && Red != "mul" && Red != "max" &&
          Red != "min")
        return makeOpError(O, "reduction '" + Red +
                                  "' is not one of none, "
                                  "add, mul, max, min");
      return Error::success();
    };
    addOp(R, std::move(D));
  }
  addOp(R, def("onnx.GatherND", 2, 2, {{"batch_dims", AttrKind::Int}},
               inferGatherND));
  addOp(R,
        def("onnx.ReverseSequence", 2, 2,
            {{"batch_axis", AttrKind::Int}, {"time_axis", AttrKind::Int}},
            [](const Op &O, const InferenceInputs &In) -> Expected<TypeList> {
              if (Error E = checkMinRank(O, In, 0, 2))
                return std::move(E);
              return one(In.Types[0]);
            }));
  addOp(R, def("onnx.OneHot", 3, 3, {{"axis", AttrKind::Int}}, inferOneHot));
  addOp(R, def("onnx.NonZero", 1, 1, {},
               [](const Op &O, const InferenceInputs &In) {
                 // The count of non-zero elements is data: known only when the
                 // input's data is (always at run time, for constants at
                 // compile time).
                 int64_t Count = kDynamicDim;
                 if (const Tensor *D = In.Data[0]) {
                   Count = 0;
                   for (int64_t I = 0, E = D->getNumElements(); I < E; ++I)
                     Count += D->getAsDouble(I) != 0;
                 }
                 return one(plain(ElementType::I64,
                                  {(int64_t)In.Types[0].getRank(), Count}));
               }));
  addOp(R, def("onnx.CumSum", 2, 2,
               {{"exclusive", AttrKind::Int}, {"reverse", AttrKind::Int}},
               sameAsInput));
  addOp(R,
        def("onnx.Trilu", 1, 2, {{"upper", AttrKind::Int}},
            [](const Op &O, const InferenceInputs &In) -> Expected<TypeList> {
              if (Error E = checkMinRank(O, In, 0, 2))
                return std::move(E);
              return one(In.Types[0]);
            }));
  OpDef Eye = def(
      "onnx.EyeLike", 1, 1, {{"dtype", AttrKind::Int}, {"k", AttrKind::Int}},
      [](const Op &O, const InferenceInputs &In) -> Expected<TypeList> {
        if (In.Types[0].getRank() != 2)
          return makeOpError(O, "input must be 2-D");
        ElementType Elt = In.Types[0].getElementType();
        if (O.hasAttr("dtype")) {
          auto E = elementTypeFromONNX(O.getIntAttr("dtype", 1));
          if (!E)
            return makeOpError(O, "unsupported dtype");
          Elt = *E;
        }
        return one(plain(Elt, In.Types[0].getShape()));
      });
  addOp(R, std::move(Eye));
}

} // namespace onnxops
} // namespace onncf
