//===- ONNXTensor.h - ONNX TensorProto <-> Tensor ----------------*- C++
//-*-===//
//
// Part of onnc-fault. Converts ONNX TensorProtos (initializers, Constant
// node values, .pb test-data files) to IR tensors and back. Data may be in
// raw_data (little-endian), in the typed repeated fields, or in an external
// file next to the model; external files are memory-mapped once and shared
// by every tensor that lives in them.
//
// This header exposes protobuf types; include it only from code that links
// OnncfFrontendONNX.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FRONTEND_ONNX_ONNXTENSOR_H
#define ONNCF_FRONTEND_ONNX_ONNXTENSOR_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <optional>

namespace onnx {
class TensorProto;
}

namespace onncf {

/// "FLOAT", "INT64", ... for messages. (The DataType <-> ElementType maps
/// are elementTypeFromONNX / onnxDataTypeOf in onncf/IR/ONNXOps.h.)
llvm::StringRef getONNXDataTypeName(int DataType);

/// Resolves and maps the external data files of one model (paths relative
/// to the model's folder). Each file is mapped at most once.
class ExternalDataFiles {
public:
  explicit ExternalDataFiles(llvm::StringRef BaseDir) : BaseDir(BaseDir) {}
  /// Maps \p Location (as written in the model); errors name the file.
  llvm::Expected<std::shared_ptr<llvm::MemoryBuffer>>
  get(llvm::StringRef Location);
  llvm::StringRef getBaseDir() const { return BaseDir; }

private:
  std::string BaseDir;
  llvm::StringMap<std::shared_ptr<llvm::MemoryBuffer>> Files;
};

/// Converts \p P to a Tensor. \p What names the tensor in messages (e.g.
/// "model.onnx: initializer 'w'"). \p Ext resolves external data; when null,
/// external data is an error.
llvm::Expected<Tensor> tensorFromProto(const onnx::TensorProto &P,
                                       const llvm::Twine &What,
                                       ExternalDataFiles *Ext);

/// Fills \p P with \p T's name, dims, data type and raw_data.
void tensorToProto(const Tensor &T, llvm::StringRef Name, onnx::TensorProto &P);

/// Parses a serialized TensorProto (a .pb file's bytes). Protobuf's own log
/// output is suppressed; failures are errors naming \p Name.
llvm::Error parseTensorProto(llvm::StringRef Bytes, llvm::StringRef Name,
                             onnx::TensorProto &P);

} // namespace onncf

#endif
