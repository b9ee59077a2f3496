//===- IoBlob.cpp - The onnc-fault I/O description blob -------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/IoBlob.h"
#include "BlobJSON.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace nvdla {

static void writePort(json::OStream &J, const IoPort &P) {
  J.object([&] {
    J.attribute("name", json::isUTF8(P.Name) ? P.Name : json::fixUTF8(P.Name));
    J.attribute("bind_id", int64_t(P.BindId));
    J.attribute("tensor_desc_id", int64_t(P.TensorDescId));
    J.attributeArray("shape", [&] {
      for (int64_t D : {P.N, P.C, P.H, P.W})
        J.value(D);
    });
    J.attribute("logical_rank", int64_t(P.LogicalRank));
    J.attribute("bits", int64_t(P.Bits));
    // Seventeen significant digits: the reader gets the exact double, so
    // executors scale with the very value the compiler used (nine digits
    // would round-trip the float but not the double, off by one ulp).
    J.attributeBegin("scale");
    J.rawValue(formatv("{0:e16}", P.Scale).str());
    J.attributeEnd();
    J.attribute("format", P.Format);
    J.attribute("atom_bytes", int64_t(P.AtomBytes));
    J.attribute("line_stride", int64_t(P.LineStride));
    J.attribute("surf_stride", int64_t(P.SurfStride));
  });
}

std::vector<uint8_t> writeIoBlob(const IoInfo &Info) {
  std::string S;
  raw_string_ostream OS(S);
  json::OStream J(OS, 2);
  J.object([&] {
    J.attribute("format", "onncf.io");
    J.attribute("version", 1);
    J.attribute("config", Info.Config);
    J.attribute("producer", Info.Producer);
    J.attributeArray("inputs", [&] {
      for (const IoPort &P : Info.Inputs)
        writePort(J, P);
    });
    J.attributeArray("outputs", [&] {
      for (const IoPort &P : Info.Outputs)
        writePort(J, P);
    });
  });
  OS << "\n";
  OS.flush();
  return std::vector<uint8_t>(S.begin(), S.end());
}

using PortReader = BlobFieldReader;

static Error readPort(const json::Value &V, std::string Where, IoPort &P) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return makeError(Where + ": expected an object");
  PortReader R(*O, Where);
  const int64_t MaxDim = int64_t(1) << 20;
  if (Error E = R.string("name", P.Name))
    return E;
  if (Error E = R.field("bind_id", 0, 65535, P.BindId))
    return E;
  if (Error E = R.field("tensor_desc_id", 0, 65535, P.TensorDescId))
    return E;
  const json::Array *Shape = O->getArray("shape");
  if (!Shape || Shape->size() != 4)
    return makeError(Where + ": 'shape' must be an array of 4 integers");
  int64_t *Dims[] = {&P.N, &P.C, &P.H, &P.W};
  for (unsigned I = 0; I < 4; ++I) {
    Optional<int64_t> D = (*Shape)[I].getAsInteger();
    if (!D || *D < 1 || *D > MaxDim)
      return makeError(Where + ": shape[" + Twine(I) +
                       "] must be an integer in 1.." + Twine(MaxDim));
    *Dims[I] = *D;
  }
  if (Error E = R.field("logical_rank", 1, 4, P.LogicalRank))
    return E;
  if (Error E = R.field("bits", 8, 16, P.Bits))
    return E;
  if (P.Bits != 8 && P.Bits != 16)
    return makeError(Where + ": 'bits' must be 8 or 16");
  const json::Value *S = O->get("scale");
  Optional<double> Scale = S ? S->getAsNumber() : None;
  if (!Scale || !std::isfinite(*Scale) || !(*Scale > 0))
    return makeError(Where + ": 'scale' must be a positive finite number");
  P.Scale = *Scale;
  if (Error E = R.string("format", P.Format))
    return E;
  if (P.Format != "NCxHWx" && P.Format != "NCHW")
    return makeError(Where + ": 'format' must be \"NCxHWx\" or \"NCHW\"");
  if (Error E = R.field("atom_bytes", 1, 128, P.AtomBytes))
    return E;
  if (Error E = R.field("line_stride", 0, int64_t(1) << 32, P.LineStride))
    return E;
  if (Error E = R.field("surf_stride", 0, int64_t(1) << 40, P.SurfStride))
    return E;
  return Error::success();
}

Expected<IoInfo> parseIoBlob(ArrayRef<uint8_t> Bytes, StringRef Name) {
  std::string Where = (Name + ": blob '" + IoBlobName + "'").str();
  Expected<json::Value> Root = parseBlobObject(Bytes, Where);
  if (!Root)
    return Root.takeError();
  const json::Object *O = Root->getAsObject();
  IoInfo Info;
  PortReader R(*O, Where);
  int64_t Version;
  if (Error E = R.integer("version", 1, 1, Version))
    return E;
  if (Error E = R.string("config", Info.Config))
    return E;
  if (Error E = R.string("producer", Info.Producer))
    return E;
  for (auto Kind : {std::make_pair("inputs", &Info.Inputs),
                    std::make_pair("outputs", &Info.Outputs)}) {
    const json::Array *A = O->getArray(Kind.first);
    if (!A)
      return makeError(Where + ": '" + Kind.first + "' must be an array");
    for (size_t I = 0; I < A->size(); ++I) {
      IoPort P;
      if (Error E = readPort(
              (*A)[I], (Where + ": " + Kind.first + "[" + Twine(I) + "]").str(),
              P))
        return E;
      Kind.second->push_back(std::move(P));
    }
  }
  return Info;
}

} // namespace nvdla
} // namespace onncf
