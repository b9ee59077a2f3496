//===- QuantOps.cpp - The quant.* integer op definitions ------------------===//
//
// Part of onnc-fault. Schemas, verifiers and type inference of the quant.*
// op kinds specified in onncf/IR/QuantOps.h. Registration goes through the
// onnx.* helper addOp(), which checks arity and attribute kinds before the
// op's own verifier and inference run, and keeps the quantization a result
// declares when inference cannot know it (the quantize pass sets the scale
// on the result types; re-inference must not drop it).
//
// Conv and pool geometry comes from onncf/IR/ONNXOps.h, the same functions
// the onnx.* ops and the interpreter's kernels use. quant.conv and
// quant.avgpool are 2-D (NCHW), the only layout the NVDLA pipelines take.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/QuantOps.h"
#include "../ONNX/OpHelpers.h"
#include "onncf/IR/QuantLrn.h"
#include <cmath>

using namespace llvm;

namespace onncf {

using namespace onnxops;

namespace {

ElementType typeForBits(int64_t Bits) {
  return Bits == 16 ? ElementType::I16 : ElementType::I8;
}

/// Checks operand \p I (if present and typed) has one of \p Allowed.
Error checkOperandType(const Op &O, unsigned I, StringRef What,
                       ArrayRef<ElementType> Allowed, StringRef AllowedText) {
  const TensorType *T = operandType(O, I);
  if (!T)
    return Error::success();
  for (ElementType E : Allowed)
    if (T->getElementType() == E)
      return Error::success();
  return makeOpError(O, What + " (operand " + Twine(I) + ") must be " +
                            AllowedText + ", not " + T->str());
}

Error checkRank(const Op &O, unsigned I, StringRef What, unsigned Rank) {
  const TensorType *T = operandType(O, I);
  if (T && T->getRank() != Rank)
    return makeOpError(O, What + " (operand " + Twine(I) + ") must have rank " +
                              Twine(Rank) + ", not " + T->str());
  return Error::success();
}

Error checkAllowedInt(const Op &O, StringRef Name, ArrayRef<int64_t> Allowed) {
  const Attribute *A = O.getAttr(Name);
  if (!A || !A->is(AttrKind::Int))
    return Error::success();
  for (int64_t V : Allowed)
    if (A->getInt() == V)
      return Error::success();
  std::string List;
  for (int64_t V : Allowed)
    List += (List.empty() ? "" : " or ") + std::to_string(V);
  return makeOpError(O, "attribute '" + Name + "' is " + Twine(A->getInt()) +
                            ", expected " + List);
}

/// The epilogue attributes (QuantOps.h): \p Channels is the number of
/// output channels mul may have one entry per (-1: unknown, 0: exactly one
/// entry required).
Error verifyEpilogue(const Op &O, int64_t Channels) {
  if (const Attribute *A = O.getAttr("mul")) {
    const auto &M = A->getInts();
    if (M.empty())
      return makeOpError(O, "attribute 'mul' is empty");
    for (int64_t V : M)
      if (V < 0 || V > 32767)
        return makeOpError(O, "attribute 'mul' has entry " + Twine(V) +
                                  ", expected a value in [0, 32767]");
    if (Channels == 0 && M.size() != 1)
      return makeOpError(O, "attribute 'mul' has " + Twine(M.size()) +
                                " entries, expected 1");
    if (Channels > 0 && M.size() != 1 && (int64_t)M.size() != Channels)
      return makeOpError(O, "attribute 'mul' has " + Twine(M.size()) +
                                " entries, expected 1 or " + Twine(Channels) +
                                " (one per output channel)");
  }
  if (Error E = checkIntAttrRange(O, "shift", 0, 63))
    return E;
  if (Error E = checkIntAttrRange(O, "relu", 0, 1))
    return E;
  if (Error E = checkIntAttrRange(O, "clamp_min", INT32_MIN, INT32_MAX))
    return E;
  if (Error E = checkIntAttrRange(O, "clamp_max", INT32_MIN, INT32_MAX))
    return E;
  if (O.hasAttr("clamp_min") && O.hasAttr("clamp_max") &&
      O.getIntAttr("clamp_min", 0) > O.getIntAttr("clamp_max", 0))
    return makeOpError(O, "clamp_min " + Twine(O.getIntAttr("clamp_min", 0)) +
                              " is greater than clamp_max " +
                              Twine(O.getIntAttr("clamp_max", 0)));
  return checkAllowedInt(O, "out_bits", {8, 16});
}

std::vector<AttrSpec> epilogueAttrs() {
  return {{"mul", AttrKind::Ints, true}, {"shift", AttrKind::Int, true},
          {"relu", AttrKind::Int},       {"clamp_min", AttrKind::Int},
          {"clamp_max", AttrKind::Int},  {"out_bits", AttrKind::Int}};
}

ElementType outType(const Op &O) {
  return typeForBits(O.getIntAttr("out_bits", 8));
}

/// The stored-weight attributes of quant.conv / quant.fc (QuantOps.h,
/// docs/FaultInjection.md): where the weight words sit in the chip's weight
/// memory and the read decoder they need. Written by lib/Fault only when a
/// defect map is given.
std::vector<AttrSpec> storedWeightAttrs() {
  return {{"wmem_offset", AttrKind::Int},
          {"wmem_words", AttrKind::Int},
          {"mitigation", AttrKind::String},
          {"decoder", AttrKind::String},
          {"decoder_masks", AttrKind::Ints},
          // A target's own layout of the words (NVDLA: "nvdla-direct",
          // onncf/Fault/Placement.h) and its MAC array geometry.
          {"wmem_layout", AttrKind::String},
          {"wmem_kcrs", AttrKind::Ints},
          {"wmem_groups", AttrKind::Ints},
          {"cmac_cells", AttrKind::Ints},
          // MAC lane faults (onncf/Fault/MacFaults.h, docs/CmacFaults.md):
          // the lane mitigation, its substitution settings and the lanes the
          // host kernels route operands through.
          {"cmac_mitigation", AttrKind::String},
          {"cmac_substitute", AttrKind::Ints},
          {"cmac_lanes", AttrKind::Ints},
          // CBUF faults (onncf/Fault/CbufFaults.h, docs/CbufFaults.md): the
          // banks and geometry of the NVDLA placement, the parts the
          // planner splits the op into, the host's per-image input hits.
          {"cbuf_banks", AttrKind::Ints},
          {"cbuf_geometry", AttrKind::Ints},
          {"cbuf_parts", AttrKind::Int},
          {"cbuf_data_hits", AttrKind::Ints}};
}

Error verifyStoredWeightAttrs(const Op &O) {
  if (O.hasAttr("wmem_offset") != O.hasAttr("wmem_words"))
    return makeOpError(O, "attributes 'wmem_offset' and 'wmem_words' come "
                          "together");
  if (!O.hasAttr("wmem_offset") &&
      (O.hasAttr("decoder") || O.hasAttr("decoder_masks") ||
       O.hasAttr("mitigation")))
    return makeOpError(O, "attributes 'mitigation', 'decoder' and "
                          "'decoder_masks' need a placement (wmem_offset, "
                          "wmem_words)");
  if (!O.hasAttr("wmem_offset") &&
      (O.hasAttr("wmem_layout") || O.hasAttr("wmem_kcrs") ||
       O.hasAttr("wmem_groups")))
    return makeOpError(O, "attributes 'wmem_layout', 'wmem_kcrs' and "
                          "'wmem_groups' need a placement (wmem_offset)");
  if (O.hasAttr("wmem_layout") &&
      O.getStringAttr("wmem_layout", "") != "nvdla-direct")
    return makeOpError(O, "attribute 'wmem_layout' is '" +
                              O.getStringAttr("wmem_layout", "") +
                              "', expected nvdla-direct");
  if (Error E = checkIntAttrRange(O, "wmem_offset", 0, int64_t(1) << 50))
    return E;
  if (Error E = checkIntAttrRange(O, "wmem_words", 0, int64_t(1) << 50))
    return E;
  const TensorType *W = operandType(O, 1);
  int64_t Words = O.getIntAttr("wmem_words", -1);
  if (Words >= 0 && W && W->hasStaticShape() && W->getNumElements() != Words)
    return makeOpError(O, "attribute 'wmem_words' is " + Twine(Words) +
                              " but the weight " + W->str() + " has " +
                              Twine(W->getNumElements()) + " elements");
  std::string Dec = O.getStringAttr("decoder", "none");
  bool Subst = Dec == "sign-bit" || Dec == "inverse-sign-bit";
  if (!Subst && Dec != "none" && Dec != "lsb" && Dec != "c1")
    return makeOpError(O, "attribute 'decoder' is '" + Dec +
                              "', expected none, lsb, c1, sign-bit or "
                              "inverse-sign-bit");
  if (const Attribute *A = O.getAttr("decoder_masks")) {
    const auto &M = A->getInts();
    if (!Subst)
      return makeOpError(O, "attribute 'decoder_masks' needs decoder "
                            "sign-bit or inverse-sign-bit");
    if (M.size() % 2)
      return makeOpError(O, "attribute 'decoder_masks' must hold (word, "
                            "mask) pairs, it has " +
                                Twine(M.size()) + " entries");
    for (size_t I = 0; I < M.size(); I += 2)
      if (M[I] < 0 || (Words >= 0 && M[I] >= Words) || M[I + 1] < 0 ||
          M[I + 1] > 0xffff)
        return makeOpError(O, "attribute 'decoder_masks' has the bad pair (" +
                                  Twine(M[I]) + ", " + Twine(M[I + 1]) + ")");
  }
  return Error::success();
}

const ElementType ActTypes[] = {ElementType::I8, ElementType::I16};
const char *ActText = "i8 or i16";

/// Weight and bias checks shared by quant.conv and quant.fc: W is operand
/// 1, B operand 2; \p InChannels is the input channel count (C or K),
/// \p Group the conv group.
Error verifyWeights(const Op &O, int64_t InChannels, int64_t Group) {
  if (Error E = checkOperandType(O, 0, "input", ActTypes, ActText))
    return E;
  if (Error E = checkOperandType(O, 1, "weight", ActTypes, ActText))
    return E;
  if (Error E = checkOperandType(O, 2, "bias", {ElementType::I32}, "i32"))
    return E;
  if (Error E = checkIntAttrRange(O, "clip_truncate", 0, 31))
    return E;
  if (Error E = verifyStoredWeightAttrs(O))
    return E;
  const TensorType *W = operandType(O, 1);
  int64_t M = W && W->getRank() >= 1 ? W->getDim(0) : kDynamicDim;
  if (W && W->getRank() >= 2) {
    int64_t WIn = W->getDim(1);
    if (M != kDynamicDim && M % Group != 0)
      return makeOpError(O, "group " + Twine(Group) +
                                " does not divide the output channels " +
                                Twine(M));
    if (InChannels != kDynamicDim && WIn != kDynamicDim &&
        WIn * Group != InChannels)
      return makeOpError(
          O, "input has " + Twine(InChannels) + " channels but the weight " +
                 W->str() + " expects " + Twine(WIn * Group) +
                 (Group != 1 ? " (group " + std::to_string(Group) + ")"
                             : std::string()));
    if (const auto &Q = W->getQuant())
      if (Q->isPerAxis() && Q->Axis != 0)
        return makeOpError(O, "weight quantization axis must be 0, not " +
                                  Twine(Q->Axis));
  }
  if (const TensorType *B = operandType(O, 2)) {
    if (B->getRank() != 1)
      return makeOpError(O, "bias must be 1-D, not " + B->str());
    if (B->getDim(0) != kDynamicDim && M != kDynamicDim && B->getDim(0) != M)
      return makeOpError(O, "bias has " + Twine(B->getDim(0)) +
                                " entries for " + Twine(M) +
                                " output channels");
  }
  return verifyEpilogue(O, M == kDynamicDim ? -1 : M);
}

/// Result type with element \p Elt and shape \p S; the quantization the
/// result declares is kept by addOp's wrapper.
Expected<TypeList> result(ElementType Elt, ArrayRef<int64_t> S) {
  return one(plain(Elt, S));
}

//===----------------------------------------------------------------------===//
// quant.quantize / quant.dequantize
//===----------------------------------------------------------------------===//

Error verifyScale(const Op &O) {
  if (const Attribute *A = O.getAttr("scale"))
    if (!(A->getFloat() > 0) || !std::isfinite(A->getFloat()))
      return makeOpError(O, "attribute 'scale' is " +
                                std::to_string(A->getFloat()) +
                                ", expected a finite value > 0");
  return Error::success();
}

OpDef quantizeDef() {
  OpDef D;
  D.Name = quantop::Quantize;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = {{"scale", AttrKind::Float, true}, {"bits", AttrKind::Int}};
  D.Verify = [](const Op &O) -> Error {
    if (Error E = checkOperandType(O, 0, "input", {ElementType::F32}, "f32"))
      return E;
    if (Error E = verifyScale(O))
      return E;
    return checkAllowedInt(O, "bits", {8, 16});
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    int64_t Bits = O.getIntAttr("bits", 8);
    TensorType T(typeForBits(Bits), In.Types[0].getShape());
    // The scale is known here: give it to a result that declares none.
    const Value *R = O.getNumResults() ? O.getResult(0) : nullptr;
    if (!R || !R->getType().getQuant()) {
      QuantParams Q;
      Q.Scales.push_back(O.getFloatAttr("scale", 1.0f));
      Q.Bits = Bits == 16 ? 16 : 8;
      T.setQuant(Q);
    }
    return one(T);
  };
  return D;
}

OpDef dequantizeDef() {
  OpDef D;
  D.Name = quantop::Dequantize;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = {{"scale", AttrKind::Float, true}};
  D.Verify = [](const Op &O) -> Error {
    if (Error E = checkOperandType(
            O, 0, "input",
            {ElementType::I8, ElementType::I16, ElementType::I32},
            "i8, i16 or i32"))
      return E;
    return verifyScale(O);
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    return one(plain(ElementType::F32, In.Types[0].getShape()));
  };
  return D;
}

//===----------------------------------------------------------------------===//
// quant.conv / quant.fc
//===----------------------------------------------------------------------===//

OpDef convDef() {
  OpDef D;
  D.Name = quantop::Conv;
  D.MinOperands = 2;
  D.MaxOperands = 3;
  D.Attrs = {{"strides", AttrKind::Ints},
             {"pads", AttrKind::Ints},
             {"dilations", AttrKind::Ints},
             {"group", AttrKind::Int},
             {"clip_truncate", AttrKind::Int}};
  for (const AttrSpec &S : epilogueAttrs())
    D.Attrs.push_back(S);
  for (const AttrSpec &S : storedWeightAttrs())
    D.Attrs.push_back(S);
  D.Verify = [](const Op &O) -> Error {
    if (Error E = checkRank(O, 0, "input", 4))
      return E;
    if (Error E = checkRank(O, 1, "weight", 4))
      return E;
    if (Error E = checkIntsAttr(O, "strides", 2, 1))
      return E;
    if (Error E = checkIntsAttr(O, "dilations", 2, 1))
      return E;
    if (Error E = checkIntsAttr(O, "pads", 4, 0))
      return E;
    if (Error E = checkIntAttrRange(O, "group", 1, INT64_MAX))
      return E;
    const TensorType *X = operandType(O, 0);
    int64_t C = X ? X->getDim(1) : kDynamicDim;
    int64_t Group = O.getIntAttr("group", 1);
    if (C != kDynamicDim && C % Group != 0)
      return makeOpError(O, "group " + Twine(Group) +
                                " does not divide the input channels " +
                                Twine(C));
    return verifyWeights(O, C, Group);
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    const TensorType &X = In.Types[0], &W = In.Types[1];
    if (X.getRank() != 4 || W.getRank() != 4)
      return makeOpError(O, "input and weight must have rank 4, not " +
                                X.str() + " and " + W.str());
    auto G = computeConvGeometry(O, X.getShape(), W.getShape());
    if (!G)
      return G.takeError();
    Shape Out{X.getDim(0), W.getDim(0)};
    Out.append(G->Output.begin(), G->Output.end());
    return result(outType(O), Out);
  };
  return D;
}

OpDef fcDef() {
  OpDef D;
  D.Name = quantop::FC;
  D.MinOperands = 2;
  D.MaxOperands = 3;
  D.Attrs = {{"clip_truncate", AttrKind::Int}};
  for (const AttrSpec &S : epilogueAttrs())
    D.Attrs.push_back(S);
  for (const AttrSpec &S : storedWeightAttrs())
    D.Attrs.push_back(S);
  D.Verify = [](const Op &O) -> Error {
    if (Error E = checkRank(O, 0, "input", 2))
      return E;
    if (Error E = checkRank(O, 1, "weight", 2))
      return E;
    const TensorType *X = operandType(O, 0);
    return verifyWeights(O, X ? X->getDim(1) : kDynamicDim, 1);
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    const TensorType &X = In.Types[0], &W = In.Types[1];
    if (X.getRank() != 2 || W.getRank() != 2)
      return makeOpError(O, "input and weight must have rank 2, not " +
                                X.str() + " and " + W.str());
    if (X.getDim(1) != kDynamicDim && W.getDim(1) != kDynamicDim &&
        X.getDim(1) != W.getDim(1))
      return makeOpError(O, "input " + X.str() + " has " + Twine(X.getDim(1)) +
                                " features but weight " + W.str() +
                                " expects " + Twine(W.getDim(1)));
    return result(outType(O), {X.getDim(0), W.getDim(0)});
  };
  return D;
}

//===----------------------------------------------------------------------===//
// quant.avgpool
//===----------------------------------------------------------------------===//

OpDef avgPoolDef() {
  OpDef D;
  D.Name = quantop::AvgPool;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = {{"kernel_shape", AttrKind::Ints, true},
             {"strides", AttrKind::Ints},
             {"pads", AttrKind::Ints}};
  D.Verify = [](const Op &O) -> Error {
    if (Error E = checkOperandType(O, 0, "input", ActTypes, ActText))
      return E;
    if (Error E = checkRank(O, 0, "input", 4))
      return E;
    if (Error E = checkIntsAttr(O, "kernel_shape", 2, 1))
      return E;
    // The window sum must stay below 2^45 for pdpAverage (|x| <= 2^15).
    for (int64_t K : O.getIntsAttr("kernel_shape"))
      if (K > (int64_t(1) << 14))
        return makeOpError(O, "kernel extent " + Twine(K) +
                                  " is larger than 16384");
    if (Error E = checkIntsAttr(O, "strides", 2, 1))
      return E;
    return checkIntsAttr(O, "pads", 4, 0);
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    const TensorType &X = In.Types[0];
    if (X.getRank() != 4)
      return makeOpError(O, "input must have rank 4, not " + X.str());
    auto G = computePoolGeometry(O, X.getShape());
    if (!G)
      return G.takeError();
    Shape Out{X.getDim(0), X.getDim(1)};
    Out.append(G->Output.begin(), G->Output.end());
    // Averaging keeps the scale: the result has X's quantization.
    return one(X.withShape(Out));
  };
  return D;
}

//===----------------------------------------------------------------------===//
// quant.add / quant.requantize
//===----------------------------------------------------------------------===//

OpDef addDef() {
  OpDef D;
  D.Name = quantop::Add;
  D.MinOperands = D.MaxOperands = 2;
  D.Attrs = {{"mul_b", AttrKind::Int, true}, {"shift_b", AttrKind::Int, true}};
  for (const AttrSpec &S : epilogueAttrs())
    D.Attrs.push_back(S);
  D.Verify = [](const Op &O) -> Error {
    if (Error E = checkOperandType(O, 0, "A", ActTypes, ActText))
      return E;
    if (Error E = checkOperandType(O, 1, "B", ActTypes, ActText))
      return E;
    const TensorType *A = operandType(O, 0), *B = operandType(O, 1);
    if (A && B && A->getRank() != B->getRank())
      return makeOpError(O, "operands must have the same shape, not " +
                                A->str() + " and " + B->str());
    if (A && B)
      for (unsigned I = 0; I < A->getRank(); ++I)
        if (A->getDim(I) != kDynamicDim && B->getDim(I) != kDynamicDim &&
            A->getDim(I) != B->getDim(I))
          return makeOpError(O, "operands must have the same shape, not " +
                                    A->str() + " and " + B->str());
    if (Error E = checkIntAttrRange(O, "mul_b", 0, 32767))
      return E;
    if (Error E = checkIntAttrRange(O, "shift_b", 0, 63))
      return E;
    return verifyEpilogue(O, 0);
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    const TensorType &A = In.Types[0], &B = In.Types[1];
    if (A.getRank() != B.getRank())
      return makeOpError(O, "operands must have the same shape, not " +
                                A.str() + " and " + B.str());
    // A dynamic dim takes the other operand's static size.
    Shape S(A.getShape().begin(), A.getShape().end());
    for (unsigned I = 0; I < S.size(); ++I) {
      if (S[I] == kDynamicDim)
        S[I] = B.getDim(I);
      else if (B.getDim(I) != kDynamicDim && B.getDim(I) != S[I])
        return makeOpError(O, "operands must have the same shape, not " +
                                  A.str() + " and " + B.str());
    }
    return result(outType(O), S);
  };
  return D;
}

OpDef requantizeDef() {
  OpDef D;
  D.Name = quantop::Requantize;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = epilogueAttrs();
  D.Verify = [](const Op &O) -> Error {
    if (Error E = checkOperandType(
            O, 0, "input",
            {ElementType::I8, ElementType::I16, ElementType::I32},
            "i8, i16 or i32"))
      return E;
    return verifyEpilogue(O, 0);
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    return result(outType(O), In.Types[0].getShape());
  };
  return D;
}

} // namespace

void registerQuantOps(OpRegistry &R) {
  addOp(R, quantizeDef());
  addOp(R, dequantizeDef());
  addOp(R, convDef());
  addOp(R, fcDef());
  addOp(R, avgPoolDef());
  addOp(R, addDef());
  addOp(R, requantizeDef());
  registerQuantLrnOp(R);
}

} // namespace onncf
