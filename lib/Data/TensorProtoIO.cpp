//===- TensorProtoIO.cpp - ONNX TensorProto (.pb) tensor files ------------===//
//
// Part of onnc-fault. The conversion itself lives with the ONNX frontend
// (ONNXTensor.h) so initializers and test-data files share one code path.
//
//===----------------------------------------------------------------------===//
#include "onncf/Data/TensorProtoIO.h"
#include "onncf/Frontend/ONNX/ONNXTensor.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/Support/Path.h"
#include <onnx/onnx_pb.h>

using namespace llvm;

namespace onncf {

Expected<Tensor> parseTensorProtoFile(StringRef Bytes, StringRef Path,
                                      std::string *NameOut) {
  onnx::TensorProto P;
  if (Error E = parseTensorProto(Bytes, Path, P))
    return E;
  ExternalDataFiles Ext(sys::path::parent_path(Path));
  std::string What = (Path + ": tensor '" + P.name() + "'").str();
  if (P.name().empty())
    What = Path.str();
  auto T = tensorFromProto(P, What, &Ext);
  if (!T)
    return T.takeError();
  if (NameOut)
    *NameOut = P.name();
  return T;
}

Expected<Tensor> readTensorProtoFile(StringRef Path, std::string *NameOut) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parseTensorProtoFile((*Buf)->getBuffer(), Path, NameOut);
}

Error writeTensorProtoFile(StringRef Path, const Tensor &T, StringRef Name) {
  onnx::TensorProto P;
  tensorToProto(T, Name, P);
  std::string Bytes;
  if (!P.SerializeToString(&Bytes))
    return makeError(Path + ": cannot serialize tensor " + T.getType().str());
  return writeFileAtomically(Path, Bytes);
}

} // namespace onncf
