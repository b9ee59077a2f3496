//===- Policy.cpp - Mitigation policies, their registry and auto ----------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Policy.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"

using namespace llvm;

namespace onncf {
namespace fault {

std::string Policy::name() const {
  switch (Enc) {
  case Encoder::Plain:
    return decoderName(Dec).str(); // none, sign-bit, inverse-sign-bit
  case Encoder::AddSub:
    return "add-sub";
  case Encoder::LSB:
    return "lsb";
  case Encoder::C1:
    return "c1";
  case Encoder::SignBitClamp:
    return "sign-bit-clamp";
  case Encoder::Optimal:
    return ("optimal:" + decoderName(Dec)).str();
  }
  return "?";
}

bool Policy::promisesSilent() const {
  return Enc == Encoder::AddSub || Enc == Encoder::LSB || Enc == Encoder::C1 ||
         Enc == Encoder::Optimal;
}

uint64_t Policy::encode(int64_t W, const WordFaults &F,
                        const WordFormat &Fmt) const {
  switch (Enc) {
  case Encoder::Plain:
    return encodePlain(W, F, Fmt);
  case Encoder::AddSub:
    return encodeAddSub(W, F, Fmt);
  case Encoder::LSB:
    return encodeLSB(W, F, Fmt);
  case Encoder::C1:
    return encodeC1(W, F, Fmt);
  case Encoder::SignBitClamp:
    return encodeSignBitClamp(W, F, Fmt);
  case Encoder::Optimal:
    return encodeOptimal(W, F, Fmt, Dec);
  }
  return encodePlain(W, F, Fmt);
}

ArrayRef<Policy> allPolicies() {
  static const Policy All[] = {
      {Encoder::Plain, Decoder::None},
      {Encoder::AddSub, Decoder::None},
      {Encoder::Optimal, Decoder::None},
      {Encoder::Plain, Decoder::SignBit},
      {Encoder::SignBitClamp, Decoder::SignBit},
      {Encoder::Optimal, Decoder::SignBit},
      {Encoder::Plain, Decoder::InverseSignBit},
      {Encoder::Optimal, Decoder::InverseSignBit},
      {Encoder::LSB, Decoder::LSB},
      {Encoder::Optimal, Decoder::LSB},
      {Encoder::C1, Decoder::C1},
      {Encoder::Optimal, Decoder::C1},
  };
  return All;
}

std::string policySyntax(bool WithAuto) {
  std::string S = "none|add-sub|lsb|c1|sign-bit|inverse-sign-bit|"
                  "sign-bit-clamp|optimal[:none|lsb|c1|sign-bit|"
                  "inverse-sign-bit]";
  if (WithAuto)
    S += "|auto";
  return S;
}

Expected<Policy> parsePolicy(StringRef S) {
  if (S == "optimal")
    return Policy{Encoder::Optimal, Decoder::None};
  for (const Policy &P : allPolicies())
    if (P.name() == S)
      return P;
  return makeError("unknown mitigation policy '" + S + "' (expected " +
                   policySyntax(false) + ")");
}

Expected<Mitigation> parseMitigation(StringRef S) {
  Mitigation M;
  if (S == "auto") {
    M.Auto = true;
    return M;
  }
  auto P = parsePolicy(S);
  if (!P)
    return makeError("unknown mitigation '" + S + "' (expected " +
                     policySyntax(true) + ")");
  M.Fixed = *P;
  return M;
}

void encodeWords(const Policy &P, const WordFormat &Fmt,
                 ArrayRef<int64_t> Values, ArrayRef<WordFaults> Faults,
                 MutableArrayRef<uint64_t> Stored) {
  assert(Values.size() == Faults.size() && Values.size() == Stored.size());
  const uint64_t M = Fmt.mask();
  // Fault-free words keep their pattern under every policy whose encoder
  // is the identity there (the flip encoders still set their flag).
  bool IdentityWhenClean = P.Enc != Encoder::LSB && P.Enc != Encoder::C1 &&
                           !(P.Enc == Encoder::Optimal &&
                             (P.Dec == Decoder::LSB || P.Dec == Decoder::C1));
  for (size_t I = 0, E = Values.size(); I < E; ++I) {
    if (IdentityWhenClean && (Faults[I].defective() & M) == 0)
      Stored[I] = Fmt.toPattern(Values[I]);
    else
      Stored[I] = P.encode(Values[I], Faults[I], Fmt);
  }
}

void decodeWords(const Policy &P, const WordFormat &Fmt,
                 ArrayRef<uint64_t> Stored, ArrayRef<WordFaults> Faults,
                 MutableArrayRef<int64_t> Decoded) {
  assert(Stored.size() == Faults.size() && Stored.size() == Decoded.size());
  for (size_t I = 0, E = Stored.size(); I < E; ++I)
    Decoded[I] = P.decode(Stored[I], Faults[I], Fmt);
}

uint64_t totalDeviation(const Policy &P, const WordFormat &Fmt,
                        ArrayRef<int64_t> Values, ArrayRef<WordFaults> Faults) {
  assert(Values.size() == Faults.size());
  uint64_t Sum = 0;
  for (size_t I = 0, E = Values.size(); I < E; ++I)
    Sum +=
        deviation(P.decode(P.encode(Values[I], Faults[I], Fmt), Faults[I], Fmt),
                  Values[I]);
  return Sum;
}

AutoChoice chooseAuto(const WordFormat &Fmt, ArrayRef<int64_t> Values,
                      ArrayRef<WordFaults> Faults,
                      ArrayRef<Policy> Candidates) {
  assert(!Candidates.empty());
  AutoChoice Best{Candidates.front(), ~uint64_t(0)};
  for (const Policy &P : Candidates) {
    uint64_t D = totalDeviation(P, Fmt, Values, Faults);
    if (D < Best.TotalDeviation) // strict: ties keep the earlier candidate
      Best = {P, D};
  }
  return Best;
}

} // namespace fault
} // namespace onncf
