//===- QuantizeUtils.cpp - Scales, quantize/dequantize, epilogues ---------===//
//
// Part of onnc-fault. The helpers every op family of the quantize pass uses:
// reading activation scales from the calibration table, inserting
// quant.quantize / quant.dequantize at the border of float islands, creating
// replacement ops under temporary names, and turning real rescale ratios and
// fused Relu / Clip bounds into the integer SDP epilogue attributes.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include <algorithm>
#include <cmath>

using namespace llvm;

namespace onncf {
namespace quantize {

void Epilogue::addTo(AttributeMap &Attrs) const {
  Attrs["mul"] = Attribute(Mul);
  Attrs["shift"] = Attribute(int64_t(Shift));
  Attrs["relu"] = Attribute(int64_t(Relu));
  if (ClampMin)
    Attrs["clamp_min"] = Attribute(*ClampMin);
  if (ClampMax)
    Attrs["clamp_max"] = Attribute(*ClampMax);
  Attrs["out_bits"] = Attribute(int64_t(OutBits));
}

std::optional<double> getScalarConstant(const Value *V) {
  if (!V || !V->isConstant() || V->getConstantData().isNull())
    return std::nullopt;
  const Tensor &T = V->getConstantData();
  if (T.getNumElements() != 1)
    return std::nullopt;
  return T.getAsDouble(0);
}

Quantizer::Quantizer(Graph &G, const CalibrationTable &Table,
                     const QuantizeOptions &Opts)
    : G(G), Table(Table), Opts(Opts), B(G) {}

/// Max pooling keeps the scale of its operand, but what its consumers see is
/// the pooled distribution, whose calibrated range is wider (the window
/// maxima): clipping the operand at its own threshold would clip exactly
/// the values the pool passes on. So a value's scale is the largest of its
/// own entry and those of the max pools reading it (transitively).
float Quantizer::getPooledTableScale(const Value *V, float Scale) const {
  auto It = OrigUses.find(V);
  if (It == OrigUses.end())
    return Scale;
  for (const auto &[User, Index] : It->second) {
    StringRef K = User->getKind();
    if (Index != 0 || (K != "onnx.MaxPool" && K != "onnx.GlobalMaxPool"))
      continue;
    const Value *R = User->getResult(0);
    if (const CalibrationEntry *E = Table.lookup(R->getName()))
      Scale = std::max(Scale, E->Scale);
    Scale = getPooledTableScale(R, Scale);
  }
  return Scale;
}

Expected<float> Quantizer::getTableScale(const Value *V, const Op *User) const {
  const CalibrationEntry *E = Table.lookup(V->getName());
  if (!E)
    return makeError("no calibration table entry for '" + V->getName() +
                     "' (needed by " + User->getDescription() + ")");
  float Scale = getPooledTableScale(V, E->Scale);
  if (Opts.ActivationBits == 8)
    return Scale;
  // The table holds the int8 scale T / 127; 16-bit words use T / 32767.
  double T = static_cast<double>(Scale) * 127.0;
  return static_cast<float>(T / 32767.0);
}

double Quantizer::getScale(const Value *IntV) {
  const auto &Q = IntV->getType().getQuant();
  assert(Q && Q->Scales.size() == 1 && "activation without a single scale");
  return Q->Scales[0];
}

bool Quantizer::isActivation(const Value *V) {
  return V && !V->isConstant() &&
         V->getType().getElementType() == ElementType::F32;
}

TensorType Quantizer::intType(const TensorType &F, float Scale) const {
  TensorType T(actElementType(), F.getShape());
  QuantParams Q;
  Q.Scales = {Scale};
  Q.Axis = -1;
  Q.Bits = Opts.ActivationBits;
  T.setQuant(Q);
  return T;
}

Expected<Value *> Quantizer::getInt(Value *V, const Op *User) {
  if (Value *I = IntOf.lookup(V))
    return I;
  if (!isActivation(V))
    return makeError("cannot quantize '" + V->getName() + "' (needed by " +
                     User->getDescription() + "): not an f32 activation");
  auto Scale = getTableScale(V, User);
  if (!Scale)
    return Scale.takeError();
  AttributeMap Attrs;
  Attrs["scale"] = Attribute(*Scale);
  Attrs["bits"] = Attribute(int64_t(Opts.ActivationBits));
  // The float value stays (a graph input or a float island's result), so
  // its integer twin gets a name of its own.
  auto Q = B.createOpWithTypes(
      quantop::Quantize, {V}, {intType(V->getType(), *Scale)}, std::move(Attrs),
      {G.getUniqueName(V->getName() + ".q")});
  if (!Q)
    return Q.takeError();
  IntOf[V] = (*Q)->getResult();
  return (*Q)->getResult();
}

Expected<Value *> Quantizer::getFloat(Value *V) {
  if (!V || !Replaced.count(V))
    return V;
  if (Value *D = DequantOf.lookup(V))
    return D;
  Value *I = IntOf.lookup(V);
  assert(I && "replaced value without an integer counterpart");
  AttributeMap Attrs;
  Attrs["scale"] = Attribute(static_cast<float>(getScale(I)));
  TensorType FT(ElementType::F32, V->getType().getShape());
  auto D = B.createOpWithTypes(quantop::Dequantize, {I}, {FT}, std::move(Attrs),
                               {G.getUniqueName(V->getName() + ".dq")});
  if (!D)
    return D.takeError();
  DequantOf[V] = (*D)->getResult();
  return (*D)->getResult();
}

void Quantizer::setReplaced(Value *F, Value *I) {
  Replaced.insert(F);
  IntOf[F] = I;
}

Expected<Op *>
Quantizer::createReplacement(StringRef Kind, ArrayRef<Value *> Operands,
                             ArrayRef<TensorType> Types, AttributeMap Attrs,
                             ArrayRef<Value *> Replaces, const Op *From) {
  assert(Replaces.size() == Types.size() && "one replaced value per result");
  SmallVector<std::string, 1> Names;
  for (Value *F : Replaces) {
    std::string Hint = F ? F->getName() + ".q" : std::string("q");
    Names.push_back(G.getUniqueName(Hint));
    // getUniqueName does not reserve: make the names within one op distinct.
    for (unsigned I = 0; I + 1 < Names.size(); ++I)
      if (Names[I] == Names.back())
        Names.back() = G.getUniqueName(Names.back() + "_");
  }
  auto O = B.createOpWithTypes(Kind, Operands, Types, std::move(Attrs), Names);
  if (!O)
    return makeError("cannot create " + Kind + " for " +
                     From->getDescription() + ": " + toString(O.takeError()));
  (*O)->setName(From->getName());
  for (unsigned I = 0; I < Replaces.size(); ++I) {
    if (!Replaces[I])
      continue;
    setReplaced(Replaces[I], (*O)->getResult(I));
    Renames.push_back({Names[I], Replaces[I]->getName()});
  }
  return *O;
}

bool Quantizer::absorbActivation(Op *A, ActivationChain &C) const {
  double Lo = C.Lo, Hi = C.Hi;
  StringRef K = A->getKind();
  if (A->getNumResults() != 1 ||
      A->getResult()->getType().getElementType() != ElementType::F32)
    return false;
  if (K == "onnx.Relu") {
    Lo = std::max(Lo, 0.0);
  } else if (K == "onnx.Clip") {
    // Bounds are operands 1 / 2 (canonical) or the legacy attributes; a
    // bound computed at run time cannot become an integer attribute.
    for (unsigned I = 1; I <= 2; ++I) {
      Value *BV = A->getOptionalOperand(I);
      const char *AttrName = I == 1 ? "min" : "max";
      std::optional<double> Bound;
      if (BV) {
        Bound = getScalarConstant(BV);
        if (!Bound)
          return false;
      } else if (A->hasAttr(AttrName)) {
        Bound = A->getFloatAttr(AttrName, 0.0f);
      }
      if (!Bound)
        continue;
      if (std::isnan(*Bound))
        return false;
      if (I == 1)
        Lo = std::max(Lo, *Bound);
      else
        Hi = std::min(Hi, *Bound);
    }
  } else {
    return false;
  }
  // Clamps of disjoint ranges do not compose into one clamp.
  if (Lo > Hi)
    return false;
  C.Lo = Lo;
  C.Hi = Hi;
  C.Ops.push_back(A);
  C.Final = A->getResult();
  return true;
}

void Quantizer::extendChain(Value *V, ActivationChain &C) const {
  if (!C.Final)
    C.Final = V;
  for (;;) {
    if (G.isOutput(V))
      return;
    auto It = OrigUses.find(V);
    if (It == OrigUses.end() || It->second.size() != 1 ||
        It->second[0].second != 0)
      return;
    if (!absorbActivation(It->second[0].first, C))
      return;
    V = C.Final;
  }
}

void Quantizer::commitChain(const ActivationChain &C) {
  // The chain's final value is recorded by createReplacement; the absorbed
  // ops are skipped by the walk and die with the float graph.
  for (Op *A : C.Ops)
    Fused.insert(A);
}

Expected<Epilogue> Quantizer::makeEpilogue(ArrayRef<double> Ratios,
                                           const ActivationChain &C,
                                           double OutScale, const Op *O) const {
  Epilogue E;
  double MaxR = 0;
  for (double R : Ratios) {
    if (!(R > 0) || !std::isfinite(R))
      return makeError(O->getDescription() +
                       ": rescale ratio is not positive and finite");
    MaxR = std::max(MaxR, R);
  }
  // One shift for all channels (the SDP has one truncate per layer); the
  // largest ratio decides it so every multiplier fits in int16.
  fixp::MultiplierShift MS = fixp::computeMultiplierShift(MaxR);
  if (MS.Shift == 0 && std::round(MaxR) > 32767.0)
    return makeError(O->getDescription() + ": rescale ratio " +
                     std::to_string(MaxR) +
                     " does not fit an int16 multiplier (output scale too "
                     "small for its inputs)");
  E.Shift = MS.Shift;
  for (double R : Ratios) {
    double M = std::round(std::ldexp(R, static_cast<int>(E.Shift)));
    E.Mul.push_back(static_cast<int64_t>(std::clamp(M, 0.0, 32767.0)));
  }
  E.Relu = C.Lo >= 0;
  if (std::isfinite(C.Lo) && C.Lo != 0)
    E.ClampMin = fixp::roundToInt(C.Lo / OutScale, 32);
  if (std::isfinite(C.Hi))
    E.ClampMax = fixp::roundToInt(C.Hi / OutScale, 32);
  E.OutBits = Opts.ActivationBits;
  return E;
}

Expected<bool> Quantizer::replaceChain(StringRef Kind,
                                       ArrayRef<Value *> Operands,
                                       AttributeMap Attrs,
                                       const ActivationChain &C, float OutScale,
                                       const Op *O) {
  auto New =
      createReplacement(Kind, Operands, {intType(C.Final->getType(), OutScale)},
                        std::move(Attrs), {C.Final}, O);
  if (!New)
    return New.takeError();
  commitChain(C);
  return true;
}

} // namespace quantize
} // namespace onncf
