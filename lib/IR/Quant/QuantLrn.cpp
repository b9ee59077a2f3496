//===- QuantLrn.cpp - quant.lrn: LRN on the NVDLA CDP ---------------------===//
//
// Part of onnc-fault. The schema, verifier and type inference of quant.lrn
// and its attribute encoding (onncf/IR/QuantLrn.h). The op's semantics are
// exactly fixp::cdpPixel of onncf/Quant/CdpArith.h, the function the NVDLA
// virtual platform's CDP engine runs, so the attributes are the CDP
// registers themselves (no float parameters):
//
//   size        Int 3|5|7|9     the channel window (local_size)
//   out_bits    Int 8|16        (default 8) result element type i8 / i16
//   in_cvt      Ints [scale, truncate, enable, offset]
//   out_cvt     Ints [scale, truncate, enable, offset]
//   lut_le      Ints 65 int16   the LINEAR_EXP table
//   lut_lo      Ints 257 int16  the LINEAR_ONLY table
//   lut_regs    Ints 18: method, le_offset, lo_offset, le_start, le_end,
//               lo_start, lo_end, le_under {scale, shifter}, le_over {..},
//               lo_under {..}, lo_over {..}, hybrid_priority,
//               underflow_priority, overflow_priority
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/QuantLrn.h"
#include "../ONNX/OpHelpers.h"
#include "onncf/IR/QuantOps.h"

using namespace llvm;

namespace onncf {

using namespace onnxops;

namespace {

constexpr unsigned NumLutRegs = 18;

Error getInts(const Op &O, StringRef Name, size_t Len,
              std::vector<int64_t> &V) {
  const Attribute *A = O.getAttr(Name);
  if (!A || !A->is(AttrKind::Ints))
    return makeOpError(O, "attribute '" + Name + "' is missing");
  V = A->getInts();
  if (V.size() != Len)
    return makeOpError(O, "attribute '" + Name + "' has " + Twine(V.size()) +
                              " entries, not " + Twine(Len));
  return Error::success();
}

Error checkRange(const Op &O, StringRef What, int64_t V, int64_t Lo,
                 int64_t Hi) {
  if (V < Lo || V > Hi)
    return makeOpError(O, What + " " + Twine(V) + " is outside [" + Twine(Lo) +
                              ", " + Twine(Hi) + "]");
  return Error::success();
}

Error getCvt(const Op &O, StringRef Name, fixp::CdpCvt &C) {
  std::vector<int64_t> V;
  if (Error E = getInts(O, Name, 4, V))
    return E;
  std::string N = Name.str();
  if (Error E = checkRange(O, N + " scale", V[0], INT16_MIN, INT16_MAX))
    return E;
  if (Error E = checkRange(O, N + " truncate", V[1], 0, 63))
    return E;
  if (Error E = checkRange(O, N + " enable", V[2], 0, 1))
    return E;
  if (Error E = checkRange(O, N + " offset", V[3], INT32_MIN, INT32_MAX))
    return E;
  C.Scale = int16_t(V[0]);
  C.Truncate = uint8_t(V[1]);
  C.Enable = V[2] != 0;
  C.Offset = int32_t(V[3]);
  return Error::success();
}

Error getTable(const Op &O, StringRef Name, size_t Len, int16_t *T) {
  std::vector<int64_t> V;
  if (Error E = getInts(O, Name, Len, V))
    return E;
  for (size_t I = 0; I < Len; ++I) {
    if (Error E = checkRange(O, (Name + "[" + Twine(I) + "]").str(), V[I],
                             INT16_MIN, INT16_MAX))
      return E;
    T[I] = int16_t(V[I]);
  }
  return Error::success();
}

OpDef lrnDef() {
  OpDef D;
  D.Name = quantop::Lrn;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = {
      {"size", AttrKind::Int, true},     {"out_bits", AttrKind::Int},
      {"in_cvt", AttrKind::Ints, true},  {"out_cvt", AttrKind::Ints, true},
      {"lut_le", AttrKind::Ints, true},  {"lut_lo", AttrKind::Ints, true},
      {"lut_regs", AttrKind::Ints, true},
      // The float LRN the registers were designed from, kept so the QDQ
      // export can write an onnx.LRN (optional: the CDP does not need them).
      {"alpha", AttrKind::Float},        {"beta", AttrKind::Float},
      {"bias", AttrKind::Float}};
  D.Verify = [](const Op &O) -> Error {
    if (const TensorType *T = operandType(O, 0)) {
      if (T->getElementType() != ElementType::I8 &&
          T->getElementType() != ElementType::I16)
        return makeOpError(O, "input (operand 0) must be i8 or i16, not " +
                                  T->str());
      if (T->getRank() != 4)
        return makeOpError(O, "input (operand 0) must have rank 4, not " +
                                  T->str());
    }
    fixp::CdpParams P;
    fixp::CdpLut L;
    return getQuantLrnParams(O, P, L);
  };
  D.InferTypes = [](const Op &O,
                    const InferenceInputs &In) -> Expected<TypeList> {
    const TensorType &X = In.Types[0];
    if (X.getRank() != 4)
      return makeOpError(O, "input must have rank 4, not " + X.str());
    return one(plain(O.getIntAttr("out_bits", 8) == 16 ? ElementType::I16
                                                       : ElementType::I8,
                     X.getShape()));
  };
  return D;
}

} // namespace

Error getQuantLrnParams(const Op &O, fixp::CdpParams &P, fixp::CdpLut &L) {
  int64_t Size = O.getIntAttr("size", 0);
  if (Size < 3 || Size > 9 || Size % 2 == 0)
    return makeOpError(O, "size " + Twine(Size) + " is not 3, 5, 7 or 9");
  int64_t OutBits = O.getIntAttr("out_bits", 8);
  if (OutBits != 8 && OutBits != 16)
    return makeOpError(O, "out_bits " + Twine(OutBits) + " is not 8 or 16");
  P = fixp::CdpParams();
  P.LocalSize = unsigned(Size);
  P.OutBits = unsigned(OutBits);
  if (Error E = getCvt(O, "in_cvt", P.InCvt))
    return E;
  if (Error E = getCvt(O, "out_cvt", P.OutCvt))
    return E;
  L = fixp::CdpLut();
  if (Error E = getTable(O, "lut_le", 65, L.LeTable))
    return E;
  if (Error E = getTable(O, "lut_lo", 257, L.LoTable))
    return E;
  std::vector<int64_t> R;
  if (Error E = getInts(O, "lut_regs", NumLutRegs, R))
    return E;
  if (Error E = checkRange(O, "lut_regs method", R[0], 0, 1))
    return E;
  L.Method = uint8_t(R[0]);
  // LINEAR index selects are 0..31; the EXP offset is any int8.
  if (Error E = checkRange(O, "lut_regs le_offset", R[1],
                           L.Method ? 0 : INT8_MIN, L.Method ? 31 : INT8_MAX))
    return E;
  if (Error E = checkRange(O, "lut_regs lo_offset", R[2], 0, 31))
    return E;
  L.LeOffset = int8_t(R[1]);
  L.LoOffset = int8_t(R[2]);
  // Start/end are 38-bit signed registers.
  const int64_t RegMax = (int64_t(1) << 37) - 1, RegMin = -(int64_t(1) << 37);
  int64_t *Regs[] = {&L.LeStart, &L.LeEnd, &L.LoStart, &L.LoEnd};
  for (unsigned I = 0; I < 4; ++I) {
    if (Error E = checkRange(O, "lut_regs[" + std::to_string(3 + I) + "]",
                             R[3 + I], RegMin, RegMax))
      return E;
    *Regs[I] = R[3 + I];
  }
  fixp::CdpSlope *Slopes[] = {&L.LeUnder, &L.LeOver, &L.LoUnder, &L.LoOver};
  for (unsigned I = 0; I < 4; ++I) {
    int64_t Sc = R[7 + 2 * I], Sh = R[8 + 2 * I];
    if (Error E =
            checkRange(O, "lut_regs slope scale", Sc, INT16_MIN, INT16_MAX))
      return E;
    if (Error E = checkRange(O, "lut_regs slope shifter", Sh, -8, 31))
      return E;
    Slopes[I]->Scale = int16_t(Sc);
    Slopes[I]->Shifter = int8_t(Sh);
  }
  for (unsigned I = 15; I < 18; ++I)
    if (Error E = checkRange(O, "lut_regs priority", R[I], 0, 1))
      return E;
  L.HybridPriority = R[15];
  L.UnderflowPriority = R[16];
  L.OverflowPriority = R[17];
  return Error::success();
}

AttributeMap makeQuantLrnAttrs(const fixp::CdpParams &P,
                               const fixp::CdpLut &L) {
  auto Cvt = [](const fixp::CdpCvt &C) {
    return std::vector<int64_t>{C.Scale, C.Truncate, C.Enable ? 1 : 0,
                                C.Offset};
  };
  AttributeMap A;
  A["size"] = int64_t(P.LocalSize);
  A["out_bits"] = int64_t(P.OutBits);
  A["in_cvt"] = Cvt(P.InCvt);
  A["out_cvt"] = Cvt(P.OutCvt);
  A["lut_le"] =
      std::vector<int64_t>(std::begin(L.LeTable), std::end(L.LeTable));
  A["lut_lo"] =
      std::vector<int64_t>(std::begin(L.LoTable), std::end(L.LoTable));
  A["lut_regs"] = std::vector<int64_t>{L.Method,
                                       L.LeOffset,
                                       L.LoOffset,
                                       L.LeStart,
                                       L.LeEnd,
                                       L.LoStart,
                                       L.LoEnd,
                                       L.LeUnder.Scale,
                                       L.LeUnder.Shifter,
                                       L.LeOver.Scale,
                                       L.LeOver.Shifter,
                                       L.LoUnder.Scale,
                                       L.LoUnder.Shifter,
                                       L.LoOver.Scale,
                                       L.LoOver.Shifter,
                                       L.HybridPriority,
                                       L.UnderflowPriority,
                                       L.OverflowPriority};
  return A;
}

void registerQuantLrnOp(OpRegistry &R) { addOp(R, lrnDef()); }

} // namespace onncf
