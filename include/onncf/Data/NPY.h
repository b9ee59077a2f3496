//===- NPY.h - NumPy .npy reader and writer ----------------------*- C++
//-*-===//
//
// Part of onnc-fault. Supports format versions 1.0, 2.0 and 3.0, C order
// only, little-endian dtypes <f2 <f4 <f8 |u1 |i1 <i2 <i4 <i8 |b1. Fortran
// order, big-endian data, object arrays and structured dtypes are errors.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_DATA_NPY_H
#define ONNCF_DATA_NPY_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
}

namespace onncf {

/// True if \p Bytes starts with the NPY magic string.
bool looksLikeNPY(llvm::StringRef Bytes);

/// Parses an .npy image held in memory; \p Name is used in error messages.
llvm::Expected<Tensor> parseNPY(llvm::StringRef Bytes, llvm::StringRef Name);
llvm::Expected<Tensor> readNPY(llvm::StringRef Path);

/// Writes \p T as a version 1.0 .npy stream (2.0 if the header needs it).
llvm::Error writeNPY(llvm::raw_ostream &OS, const Tensor &T);
/// Writes \p T to \p Path atomically.
llvm::Error writeNPYFile(llvm::StringRef Path, const Tensor &T);

} // namespace onncf

#endif
