//===- ElementwiseOps.cpp - Elementwise and activation ops ----------------===//
//
// Part of onnc-fault. Unary activations, numpy-broadcasting binary and
// variadic ops, comparisons, Clip, Cast, Dropout, Where and the Softmax
// family. Their shapes are the (broadcast) input shape; only the element
// type differs between them.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

using namespace llvm;

namespace onncf {
namespace onnxops {

static Expected<TypeList> sameAsInput(const Op &O, const InferenceInputs &In) {
  return one(plain(In.Types[0].getElementType(), In.Types[0].getShape()));
}

/// Identity-like ops (selection, no arithmetic) keep the quantization.
static Expected<TypeList> sameTypeAsInput(const Op &O,
                                          const InferenceInputs &In) {
  TypeList R{In.Types[0]};
  // Dropout's optional mask.
  for (unsigned I = 1; I < O.getNumResults(); ++I)
    R.push_back(plain(ElementType::Bool, In.Types[0].getShape()));
  return R;
}

/// Broadcasts every present operand; the result has \p Elt or, if not
/// given, operand 0's element type.
static Expected<TypeList> broadcastAll(const Op &O, const InferenceInputs &In,
                                       std::optional<ElementType> Elt) {
  Shape S(In.Types[0].getShape().begin(), In.Types[0].getShape().end());
  for (unsigned I = 1; I < In.Types.size(); ++I) {
    if (!In.has(I))
      continue;
    auto B = broadcastShapes(S, In.Types[I].getShape());
    if (!B)
      return makeOpError(O, toString(B.takeError()));
    S = *B;
  }
  return one(plain(Elt.value_or(In.Types[0].getElementType()), S));
}

static OpDef def(const char *Name, unsigned MinOps, unsigned MaxOps,
                 std::vector<AttrSpec> Attrs = {}) {
  OpDef D;
  D.Name = Name;
  D.MinOperands = MinOps;
  D.MaxOperands = MaxOps;
  D.Attrs = std::move(Attrs);
  return D;
}

static void registerUnary(OpRegistry &R) {
  for (const char *Name :
       {"onnx.Sigmoid", "onnx.Tanh",      "onnx.Neg",      "onnx.Abs",
        "onnx.Exp",     "onnx.Log",       "onnx.Sqrt",     "onnx.Reciprocal",
        "onnx.Floor",   "onnx.Ceil",      "onnx.Softplus", "onnx.Softsign",
        "onnx.Erf",     "onnx.Sign",      "onnx.Round",    "onnx.Sin",
        "onnx.Cos",     "onnx.HardSwish", "onnx.Not",      "onnx.Mish",
        "onnx.Tan",     "onnx.Asin",      "onnx.Acos",     "onnx.Atan",
        "onnx.Sinh",    "onnx.Cosh",      "onnx.Asinh",    "onnx.Acosh",
        "onnx.Atanh"}) {
    OpDef D = def(Name, 1, 1);
    D.InferTypes = sameAsInput;
    addOp(R, std::move(D));
  }
  // Relu and Identity only select or pass values: quantization carries over.
  for (const char *Name : {"onnx.Relu", "onnx.Identity"}) {
    OpDef D = def(Name, 1, 1);
    D.InferTypes = sameTypeAsInput;
    addOp(R, std::move(D));
  }
  struct WithAttrs {
    const char *Name;
    std::vector<AttrSpec> Attrs;
  } Parametric[] = {
      {"onnx.LeakyRelu", {{"alpha", AttrKind::Float}}},
      {"onnx.Elu", {{"alpha", AttrKind::Float}}},
      {"onnx.Celu", {{"alpha", AttrKind::Float}}},
      {"onnx.ThresholdedRelu", {{"alpha", AttrKind::Float}}},
      {"onnx.Selu", {{"alpha", AttrKind::Float}, {"gamma", AttrKind::Float}}},
      {"onnx.HardSigmoid",
       {{"alpha", AttrKind::Float}, {"beta", AttrKind::Float}}},
      {"onnx.Shrink", {{"bias", AttrKind::Float}, {"lambd", AttrKind::Float}}},
      {"onnx.Gelu", {{"approximate", AttrKind::String}}},
  };
  for (auto &P : Parametric) {
    OpDef D = def(P.Name, 1, 1, P.Attrs);
    D.InferTypes = sameAsInput;
    addOp(R, std::move(D));
  }
  for (const char *Name : {"onnx.Softmax", "onnx.LogSoftmax", "onnx.Hardmax"}) {
    OpDef D = def(Name, 1, 1,
                  {{"axis", AttrKind::Int}, {"legacy_2d", AttrKind::Int}});
    D.Verify = [](const Op &O) {
      return checkIntAttrRange(O, "legacy_2d", 0, 1);
    };
    D.InferTypes = [](const Op &O,
                      const InferenceInputs &In) -> Expected<TypeList> {
      auto Axis = getSoftmaxAxis(O, In.Types[0].getRank());
      if (!Axis)
        return Axis.takeError();
      return sameAsInput(O, In);
    };
    addOp(R, std::move(D));
  }
}

static void registerBinary(OpRegistry &R) {
  for (const char *Name :
       {"onnx.Add", "onnx.Sub", "onnx.Mul", "onnx.Div", "onnx.Pow"}) {
    OpDef D = def(Name, 2, 2);
    D.InferTypes = [](const Op &O, const InferenceInputs &In) {
      return broadcastAll(O, In, std::nullopt);
    };
    addOp(R, std::move(D));
  }
  OpDef Mod = def("onnx.Mod", 2, 2, {{"fmod", AttrKind::Int}});
  Mod.Verify = [](const Op &O) { return checkIntAttrRange(O, "fmod", 0, 1); };
  Mod.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return broadcastAll(O, In, std::nullopt);
  };
  addOp(R, std::move(Mod));
  for (const char *Name : {"onnx.Sum", "onnx.Mean", "onnx.Max", "onnx.Min"}) {
    OpDef D = def(Name, 1, ~0u);
    D.InferTypes = [](const Op &O, const InferenceInputs &In) {
      return broadcastAll(O, In, std::nullopt);
    };
    addOp(R, std::move(D));
  }
  for (const char *Name :
       {"onnx.Equal", "onnx.Greater", "onnx.Less", "onnx.GreaterOrEqual",
        "onnx.LessOrEqual", "onnx.And", "onnx.Or", "onnx.Xor"}) {
    OpDef D = def(Name, 2, 2);
    D.InferTypes = [](const Op &O, const InferenceInputs &In) {
      return broadcastAll(O, In, ElementType::Bool);
    };
    addOp(R, std::move(D));
  }
  OpDef Shift =
      def("onnx.BitShift", 2, 2, {{"direction", AttrKind::String, true}});
  Shift.Verify = [](const Op &O) -> Error {
    std::string D = O.getStringAttr("direction", "");
    if (D != "LEFT" && D != "RIGHT")
      return makeOpError(O, "direction '" + D + "' is not LEFT or RIGHT");
    return Error::success();
  };
  Shift.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return broadcastAll(O, In, std::nullopt);
  };
  addOp(R, std::move(Shift));
  OpDef Where = def("onnx.Where", 3, 3);
  Where.InferTypes = [](const Op &O,
                        const InferenceInputs &In) -> Expected<TypeList> {
    auto T = broadcastAll(O, In, std::nullopt);
    if (!T)
      return T.takeError();
    return one(plain(In.Types[1].getElementType(), (*T)[0].getShape()));
  };
  addOp(R, std::move(Where));
  OpDef PRelu = def("onnx.PRelu", 2, 2);
  PRelu.InferTypes = [](const Op &O,
                        const InferenceInputs &In) -> Expected<TypeList> {
    ArrayRef<int64_t> X = In.Types[0].getShape(), S = In.Types[1].getShape();
    if (!isUnidirectionalBroadcastable(S, X))
      return makeOpError(O, "slope " + formatShape(S) +
                                " does not broadcast to the input " +
                                formatShape(X));
    return sameAsInput(O, In);
  };
  addOp(R, std::move(PRelu));
}

static void registerMisc(OpRegistry &R) {
  // Clip: min/max are operands 1/2 (canonical) or float attributes (opset
  // < 11).
  OpDef Clip = def("onnx.Clip", 1, 3,
                   {{"min", AttrKind::Float}, {"max", AttrKind::Float}});
  Clip.Verify = [](const Op &O) -> Error {
    if (Error E = checkNotBoth(O, 1, "min"))
      return E;
    if (Error E = checkNotBoth(O, 2, "max"))
      return E;
    for (unsigned I = 1; I < 3; ++I)
      if (const TensorType *T = operandType(O, I))
        if (T->getRank() != 0 && product(T->getShape()) != 1)
          return makeOpError(O, "bound operand " + Twine(I) +
                                    " must be a scalar, not " + T->str());
    return Error::success();
  };
  Clip.InferTypes = sameAsInput;
  addOp(R, std::move(Clip));

  OpDef Cast = def("onnx.Cast", 1, 1,
                   {{"to", AttrKind::Int, true}, {"saturate", AttrKind::Int}});
  Cast.Verify = [](const Op &O) -> Error {
    int64_t To = O.getIntAttr("to", 0);
    if (!elementTypeFromONNX(To))
      return makeOpError(O, "unsupported target data type " + Twine(To));
    return Error::success();
  };
  Cast.InferTypes = [](const Op &O,
                       const InferenceInputs &In) -> Expected<TypeList> {
    auto Elt = elementTypeFromONNX(O.getIntAttr("to", 0));
    if (!Elt)
      return makeOpError(O, "unsupported target data type " +
                                Twine(O.getIntAttr("to", 0)));
    return one(plain(*Elt, In.Types[0].getShape()));
  };
  addOp(R, std::move(Cast));

  // Dropout: operands ratio / training_mode are opset >= 12; the ratio
  // and is_test attributes are older forms. Inference is the identity.
  OpDef Drop = def("onnx.Dropout", 1, 3,
                   {{"ratio", AttrKind::Float},
                    {"seed", AttrKind::Int},
                    {"is_test", AttrKind::Int}});
  Drop.MaxResults = 2;
  Drop.Verify = [](const Op &O) -> Error {
    if (Error E = checkNotBoth(O, 1, "ratio"))
      return E;
    if (const Attribute *A = O.getAttr("ratio"))
      if (!(A->getFloat() >= 0 && A->getFloat() < 1))
        return makeOpError(O, "ratio must be in [0, 1)");
    return Error::success();
  };
  Drop.InferTypes = sameTypeAsInput;
  addOp(R, std::move(Drop));
}

/// Result type of QuantizeLinear: the zero point's, else output_dtype,
/// else u8.
static Expected<TypeList> inferQuantize(const Op &O,
                                        const InferenceInputs &In) {
  ElementType Elt = ElementType::U8;
  if (In.has(2))
    Elt = In.Types[2].getElementType();
  else if (O.hasAttr("output_dtype") && O.getIntAttr("output_dtype", 0)) {
    auto E = elementTypeFromONNX(O.getIntAttr("output_dtype", 0));
    if (!E)
      return makeOpError(O, "unsupported output_dtype");
    Elt = *E;
  }
  return one(plain(Elt, In.Types[0].getShape()));
}

static void registerQuantAndChecks(OpRegistry &R) {
  OpDef Q = def("onnx.QuantizeLinear", 2, 3,
                {{"axis", AttrKind::Int},
                 {"saturate", AttrKind::Int},
                 {"block_size", AttrKind::Int},
                 {"output_dtype", AttrKind::Int}});
  Q.InferTypes = inferQuantize;
  addOp(R, std::move(Q));
  OpDef DQ = def("onnx.DequantizeLinear", 2, 3,
                 {{"axis", AttrKind::Int}, {"block_size", AttrKind::Int}});
  DQ.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return one(plain(In.Types[1].getElementType(), In.Types[0].getShape()));
  };
  addOp(R, std::move(DQ));
  OpDef CL = def("onnx.CastLike", 2, 2, {{"saturate", AttrKind::Int}});
  CL.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return one(plain(In.Types[1].getElementType(), In.Types[0].getShape()));
  };
  addOp(R, std::move(CL));
  OpDef NaN = def("onnx.IsNaN", 1, 1);
  NaN.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return one(plain(ElementType::Bool, In.Types[0].getShape()));
  };
  addOp(R, std::move(NaN));
  OpDef Inf = def(
      "onnx.IsInf", 1, 1,
      {{"detect_negative", AttrKind::Int}, {"detect_positive", AttrKind::Int}});
  Inf.InferTypes = [](const Op &O, const InferenceInputs &In) {
    return one(plain(ElementType::Bool, In.Types[0].getShape()));
  };
  addOp(R, std::move(Inf));
}

void registerElementwiseOps(OpRegistry &R) {
  registerQuantAndChecks(R);
  registerUnary(R);
  registerBinary(R);
  registerMisc(R);
}

} // namespace onnxops
} // namespace onncf
