//===- IDX.h - Reader for the IDX format (MNIST-style files) ----*- C++ -*-===//
//
// Part of onnc-fault. An IDX file is a big-endian header (two zero bytes, a
// type code, the number of dimensions, then one 32-bit size per dimension)
// followed by the data. MNIST and Fashion-MNIST ship their images as idx3
// ubyte files [N,H,W] and their labels as idx1 ubyte files [N], usually
// gzip-compressed; the readers accept both forms.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_DATA_IDX_H
#define ONNCF_DATA_IDX_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <vector>

namespace onncf {

/// True if \p Bytes (already decompressed) starts like an IDX header.
bool looksLikeIDX(llvm::StringRef Bytes);

/// Parses an IDX image held in memory. \p Name is used in error messages.
/// Element types map as: ubyte->u8, sbyte->i8, short->i16, int->i32,
/// float->f32, double->f64 (converted from big-endian).
llvm::Expected<Tensor> parseIDX(llvm::StringRef Bytes, llvm::StringRef Name);

/// Reads an IDX file, gzip-compressed or not.
llvm::Expected<Tensor> readIDX(llvm::StringRef Path);

/// Reads an idx3 ubyte image file: a u8 tensor [N,H,W].
llvm::Expected<Tensor> readIDXImages(llvm::StringRef Path);

/// Reads an idx1 label file (any integer element type) as class indices.
llvm::Expected<std::vector<int64_t>> readIDXLabels(llvm::StringRef Path);

} // namespace onncf

#endif
