//===- FaultBlob.cpp - The onnc-fault fault description blob -------------===//
//
// Part of onnc-fault. Writer and validating reader of "onncf.fault"
// (onncf/Targets/NVDLA/FaultBlob.h, docs/LoadableFormat.md).
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/FaultBlob.h"
#include "BlobJSON.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {
namespace nvdla {

bool isFaultBlobDecoder(StringRef S) {
  return S == "none" || S == "lsb" || S == "c1" || S == "sign-bit" ||
         S == "inverse-sign-bit";
}

std::vector<uint8_t> writeFaultBlob(const FaultInfo &Info) {
  std::string S;
  raw_string_ostream OS(S);
  json::OStream J(OS, 1);
  J.object([&] {
    J.attribute("format", "onncf.fault");
    J.attribute("version", 1);
    J.attributeArray("weights", [&] {
      for (const FaultWeightRange &W : Info.Weights)
        J.object([&] {
          J.attribute("op", json::isUTF8(W.Op) ? W.Op : json::fixUTF8(W.Op));
          J.attribute("memory", int64_t(W.Memory));
          J.attribute("offset", int64_t(W.Offset));
          J.attribute("bytes", int64_t(W.Bytes));
          J.attribute("word_bits", int64_t(W.WordBits));
          J.attribute("decoder", W.Decoder);
          J.attributeArray("masks", [&] {
            for (auto [B, M] : W.Masks) {
              // One pair per line would make large maps unreadable anyway;
              // keep each pair compact.
              J.rawValue(("[" + Twine(B) + ", " + Twine(M) + "]").str());
            }
          });
        });
    });
    if (Info.HasCmac)
      J.attributeObject("cmac", [&] {
        J.attributeArray("cells", [&] {
          J.value(int64_t(Info.AtomK));
          J.value(int64_t(Info.AtomC));
        });
        J.attributeArray("substitute", [&] {
          for (const FaultCmacSubstitute &C : Info.Substitutes)
            J.object([&] {
              J.attribute("cell", int64_t(C.Cell));
              J.attribute("operand", C.Operand);
              J.attribute("mask", int64_t(C.Mask));
              J.attribute("mode", C.Mode);
            });
        });
      });
  });
  OS << "\n";
  OS.flush();
  return std::vector<uint8_t>(S.begin(), S.end());
}

using Reader = BlobFieldReader;

static Error readRange(const json::Value &V, const std::string &Where,
                       FaultWeightRange &W) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return makeError(Where + ": expected an object");
  Reader R{*O, Where};
  int64_t I;
  if (Error E = R.string("op", W.Op))
    return E;
  if (Error E = R.integer("memory", 0, 65535, I))
    return E;
  W.Memory = unsigned(I);
  if (Error E = R.integer("offset", 0, int64_t(1) << 40, I))
    return E;
  W.Offset = uint64_t(I);
  if (Error E = R.integer("bytes", 0, int64_t(1) << 40, I))
    return E;
  W.Bytes = uint64_t(I);
  if (Error E = R.integer("word_bits", 8, 8, I))
    return E;
  W.WordBits = unsigned(I);
  if (Error E = R.string("decoder", W.Decoder))
    return E;
  if (!isFaultBlobDecoder(W.Decoder))
    return makeError(Where + ": unknown decoder '" + W.Decoder +
                     "' (none, lsb, c1, sign-bit, inverse-sign-bit)");
  const json::Array *M = O->getArray("masks");
  if (!M)
    return makeError(Where + ": 'masks' must be an array");
  bool Subst = W.Decoder == "sign-bit" || W.Decoder == "inverse-sign-bit";
  if (!M->empty() && !Subst)
    return makeError(Where + ": masks need decoder sign-bit or "
                             "inverse-sign-bit");
  for (size_t K = 0; K < M->size(); ++K) {
    const json::Array *P = (*M)[K].getAsArray();
    Optional<int64_t> B = P && P->size() == 2 ? (*P)[0].getAsInteger() : None;
    Optional<int64_t> X = P && P->size() == 2 ? (*P)[1].getAsInteger() : None;
    if (!B || !X)
      return makeError(Where + ": masks[" + Twine(K) +
                       "] must be a pair of integers");
    if (*B < 0 || uint64_t(*B) >= W.Bytes || *X < 0 || *X > 0x7f)
      return makeError(Where + ": masks[" + Twine(K) + "] = [" + Twine(*B) +
                       ", " + Twine(*X) + "] is outside the " + Twine(W.Bytes) +
                       "-byte range or not a 7-bit mask");
    if (!W.Masks.empty() && uint64_t(*B) <= W.Masks.back().first)
      return makeError(Where + ": masks[" + Twine(K) +
                       "]: byte indices must increase");
    W.Masks.emplace_back(uint64_t(*B), uint64_t(*X));
  }
  return Error::success();
}

static Error readCmac(const json::Value &V, const std::string &Where,
                      FaultInfo &Info) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return makeError(Where + ": expected an object");
  const json::Array *Cells = O->getArray("cells");
  Optional<int64_t> K =
      Cells && Cells->size() == 2 ? (*Cells)[0].getAsInteger() : None;
  Optional<int64_t> C =
      Cells && Cells->size() == 2 ? (*Cells)[1].getAsInteger() : None;
  if (!K || !C || *K < 1 || *K > 4096 || *C < 1 || *C > 4096)
    return makeError(Where + ": 'cells' must be [atomK, atomC] (1..4096)");
  Info.HasCmac = true;
  Info.AtomK = unsigned(*K);
  Info.AtomC = unsigned(*C);
  const json::Array *S = O->getArray("substitute");
  if (!S)
    return makeError(Where + ": 'substitute' must be an array");
  for (size_t I = 0; I < S->size(); ++I) {
    std::string W = (Where + ": substitute[" + Twine(I) + "]").str();
    const json::Object *E = (*S)[I].getAsObject();
    if (!E)
      return makeError(W + ": expected an object");
    Reader R{*E, W};
    FaultCmacSubstitute X;
    int64_t N;
    if (Error Err = R.integer("cell", 0, int64_t(*K) * *C - 1, N))
      return Err;
    X.Cell = unsigned(N);
    if (Error Err = R.string("operand", X.Operand))
      return Err;
    if (X.Operand != "weight" && X.Operand != "data")
      return makeError(W + ": 'operand' must be weight or data");
    if (Error Err = R.integer("mask", 0, 0xff, N))
      return Err;
    X.Mask = uint64_t(N);
    if (Error Err = R.string("mode", X.Mode))
      return Err;
    if (X.Mode != "sign-bit" && X.Mode != "inverse-sign-bit")
      return makeError(W + ": 'mode' must be sign-bit or inverse-sign-bit");
    Info.Substitutes.push_back(std::move(X));
  }
  return Error::success();
}

Expected<FaultInfo> parseFaultBlob(ArrayRef<uint8_t> Bytes, StringRef Name) {
  std::string Where = (Name + ": blob '" + FaultBlobName + "'").str();
  Expected<json::Value> Root = parseBlobObject(Bytes, Where);
  if (!Root)
    return Root.takeError();
  const json::Object *O = Root->getAsObject();
  Reader R{*O, Where};
  int64_t Version;
  if (Error E = R.integer("version", 1, 1, Version))
    return E;
  FaultInfo Info;
  const json::Array *Ws = O->getArray("weights");
  if (!Ws)
    return makeError(Where + ": 'weights' must be an array");
  for (size_t I = 0; I < Ws->size(); ++I) {
    FaultWeightRange W;
    if (Error E = readRange((*Ws)[I],
                            (Where + ": weights[" + Twine(I) + "]").str(), W))
      return E;
    Info.Weights.push_back(std::move(W));
  }
  if (const json::Value *C = O->get("cmac"))
    if (Error E = readCmac(*C, Where + ": cmac", Info))
      return E;
  return Info;
}

} // namespace nvdla
} // namespace onncf
