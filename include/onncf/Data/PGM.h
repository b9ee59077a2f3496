//===- PGM.h - Netpbm greyscale image reader ---------------------*- C++
//-*-===//
//
// Part of onnc-fault. Reads binary (P5) and ASCII (P2) PGM images with 8- or
// 16-bit samples. An 8-bit image (maxval < 256) is a u8 tensor [H,W]; a
// 16-bit one is an i32 tensor [H,W] holding the raw sample values, so that
// preprocessing with an explicit scale (e.g. 1/65535) sees them unchanged.
// A folder of .pgm files is a dataset [N,H,W] in file-name order.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_DATA_PGM_H
#define ONNCF_DATA_PGM_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace llvm {
class raw_ostream;
}

namespace onncf {

/// True if \p Bytes starts with "P5" or "P2" followed by whitespace.
bool looksLikePGM(llvm::StringRef Bytes);

llvm::Expected<Tensor> parsePGM(llvm::StringRef Bytes, llvm::StringRef Name);
llvm::Expected<Tensor> readPGM(llvm::StringRef Path);

/// Reads every *.pgm file of \p Dir (sorted by name) into one tensor
/// [N,H,W]; all images must have the same size and sample width.
llvm::Expected<Tensor> readPGMFolder(llvm::StringRef Dir);

/// Writes a u8 [H,W] tensor as a binary P5 image (for tests and tools).
llvm::Error writePGM(llvm::raw_ostream &OS, const Tensor &T);

} // namespace onncf

#endif
