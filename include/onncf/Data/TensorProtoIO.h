//===- TensorProtoIO.h - ONNX TensorProto (.pb) tensor files -----*- C++
//-*-===//
//
// Part of onnc-fault. One serialized onnx.TensorProto per file, as in the
// ONNX test-data folders (test_data_set_*/input_0.pb). External data is
// resolved relative to the file's folder.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_DATA_TENSORPROTOIO_H
#define ONNCF_DATA_TENSORPROTOIO_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <string>

namespace onncf {

/// Reads a .pb file; if \p NameOut is given it receives the tensor's name.
llvm::Expected<Tensor> readTensorProtoFile(llvm::StringRef Path,
                                           std::string *NameOut = nullptr);
/// Parses .pb bytes held in memory (\p Path names them and locates external
/// data).
llvm::Expected<Tensor> parseTensorProtoFile(llvm::StringRef Bytes,
                                            llvm::StringRef Path,
                                            std::string *NameOut = nullptr);

/// Writes \p T (raw_data, little-endian) atomically to \p Path.
llvm::Error writeTensorProtoFile(llvm::StringRef Path, const Tensor &T,
                                 llvm::StringRef Name = "");

} // namespace onncf

#endif
