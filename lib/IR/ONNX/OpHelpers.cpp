//===- OpHelpers.cpp - Private helpers of the onnx.* op families ----------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {

namespace onnxops {

Error makeOpError(const Op &O, const Twine &Msg) { return makeError(Msg); }

Error makeIncompleteError(const Op &O, const Twine &Msg) {
  return make_error<IncompleteInferenceError>(Msg.str());
}

/// Unknown attributes and wrong kinds are rejected here, once for every
/// onnx.* op, so the op-specific code may call the typed accessors.
static Error checkAttrSchema(const OpDef &Def, const Op &O) {
  unsigned N = O.getNumOperands();
  if (N < Def.MinOperands || N > Def.MaxOperands)
    return makeOpError(O, "has " + Twine(N) + " operands, expected " +
                              Twine(Def.MinOperands) +
                              (Def.MaxOperands == ~0u ? " or more"
                               : Def.MaxOperands != Def.MinOperands
                                   ? " to " + std::to_string(Def.MaxOperands)
                                   : std::string()));
  for (unsigned I = 0; I < Def.MinOperands; ++I)
    if (!O.getOperand(I))
      return makeOpError(O, "required operand " + Twine(I) + " is absent");
  unsigned R = O.getNumResults();
  if (R < Def.MinResults || R > Def.MaxResults)
    return makeOpError(O, "has " + Twine(R) + " results, expected " +
                              Twine(Def.MinResults) +
                              (Def.MaxResults == ~0u ? " or more"
                               : Def.MaxResults != Def.MinResults
                                   ? " to " + std::to_string(Def.MaxResults)
                                   : std::string()));
  for (const auto &KV : O.getAttrs()) {
    const AttrSpec *Spec = Def.findAttr(KV.first);
    if (!Spec)
      return makeOpError(O, "unknown attribute '" + KV.first + "'");
    if (!KV.second.is(Spec->Kind))
      return makeOpError(O, "attribute '" + KV.first + "' must be " +
                                getAttrKindName(Spec->Kind) + ", not " +
                                getAttrKindName(KV.second.getKind()));
  }
  for (const AttrSpec &Spec : Def.Attrs)
    if (Spec.Required && !O.hasAttr(Spec.Name))
      return makeOpError(O, Twine("missing required attribute '") + Spec.Name +
                                "'");
  return Error::success();
}

void addOp(OpRegistry &R, OpDef Def) {
  // The wrappers need the schema; they hold a copy of the attribute list
  // (the OpDef itself moves into the registry).
  auto Attrs = std::make_shared<OpDef>();
  Attrs->Attrs = Def.Attrs;
  Attrs->MinOperands = Def.MinOperands;
  Attrs->MaxOperands = Def.MaxOperands;
  Attrs->MinResults = Def.MinResults;
  Attrs->MaxResults = Def.MaxResults;
  VerifyFn V = std::move(Def.Verify);
  Def.Verify = [Attrs, V](const Op &O) -> Error {
    if (Error E = checkAttrSchema(*Attrs, O))
      return E;
    return V ? V(O) : Error::success();
  };
  if (Def.InferTypes) {
    InferTypesFn F = std::move(Def.InferTypes);
    Def.InferTypes = [Attrs, F](const Op &O, const InferenceInputs &In)
        -> Expected<SmallVector<TensorType, 1>> {
      if (Error E = checkAttrSchema(*Attrs, O))
        return std::move(E);
      auto Types = F(O, In);
      if (!Types)
        return Types.takeError();
      // Quantization of arithmetic results cannot be inferred: it is set
      // by the quantizer, so re-inference keeps what a result declares.
      for (unsigned I = 0; I < Types->size() && I < O.getNumResults(); ++I) {
        TensorType &T = (*Types)[I];
        const Value *R = O.getResult(I);
        if (R && !T.getQuant() && R->getType().getQuant() &&
            R->getType().getElementType() == T.getElementType())
          T.setQuant(R->getType().getQuant());
      }
      return Types;
    };
  }
  R.add(std::move(Def));
}

const TensorType *operandType(const Op &O, unsigned I) {
  Value *V = O.getOptionalOperand(I);
  return V ? &V->getType() : nullptr;
}

Error checkIntsAttr(const Op &O, StringRef Name, int64_t Len, int64_t Min) {
  const Attribute *A = O.getAttr(Name);
  if (!A || !A->is(AttrKind::Ints))
    return Error::success();
  const auto &V = A->getInts();
  if (Len >= 0 && (int64_t)V.size() != Len)
    return makeOpError(O, "attribute '" + Name + "' has " + Twine(V.size()) +
                              " entries, expected " + Twine(Len));
  for (int64_t X : V)
    if (X < Min)
      return makeOpError(O, "attribute '" + Name + "' has entry " + Twine(X) +
                                ", expected >= " + Twine(Min));
  return Error::success();
}

Error checkAutoPadAttr(const Op &O) {
  const Attribute *A = O.getAttr("auto_pad");
  if (!A || !A->is(AttrKind::String))
    return Error::success();
  if (!parseAutoPad(A->getString()))
    return makeOpError(O, "auto_pad '" + A->getString() +
                              "' is not one of NOTSET, SAME_UPPER, "
                              "SAME_LOWER, VALID");
  return Error::success();
}

Error checkIntAttrRange(const Op &O, StringRef Name, int64_t Lo, int64_t Hi) {
  const Attribute *A = O.getAttr(Name);
  if (!A || !A->is(AttrKind::Int))
    return Error::success();
  if (A->getInt() < Lo || A->getInt() > Hi)
    return makeOpError(O, "attribute '" + Name + "' is " + Twine(A->getInt()) +
                              ", expected a value in [" + Twine(Lo) + ", " +
                              Twine(Hi) + "]");
  return Error::success();
}

Error checkNotBoth(const Op &O, unsigned Idx, StringRef Attr) {
  if (O.getOptionalOperand(Idx) && O.hasAttr(Attr))
    return makeOpError(O, "'" + Attr + "' is given both as operand " +
                              Twine(Idx) + " and as an attribute");
  return Error::success();
}

int64_t product(ArrayRef<int64_t> S) {
  int64_t P = 1;
  for (int64_t D : S) {
    if (D == kDynamicDim)
      return kDynamicDim;
    P *= D;
  }
  return P;
}

int64_t listLength(const TensorType &T) {
  if (T.getRank() == 0)
    return 1;
  return T.getRank() == 1 ? T.getDim(0) : kDynamicDim;
}

std::string formatShape(ArrayRef<int64_t> S) {
  std::string R = "[";
  for (size_t I = 0; I < S.size(); ++I) {
    if (I)
      R += ",";
    R += S[I] == kDynamicDim ? std::string("?") : std::to_string(S[I]);
  }
  return R + "]";
}

Error checkMinRank(const Op &O, const InferenceInputs &In, unsigned I,
                   unsigned MinRank) {
  if (In.Types[I].getRank() < MinRank)
    return makeOpError(O, "operand " + Twine(I) + " has rank " +
                              Twine(In.Types[I].getRank()) +
                              ", expected at least " + Twine(MinRank));
  return Error::success();
}

} // namespace onnxops
} // namespace onncf
