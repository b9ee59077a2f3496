//===- FileUtils.h - Reading inputs and writing outputs atomically -*- C++ -*-=//
//
// Part of onnc-fault. Outputs are written through llvm::FileOutputBuffer (a
// temporary file renamed on commit), so a failure never leaves a half-written
// file nor destroys an existing one.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_SUPPORT_FILEUTILS_H
#define ONNCF_SUPPORT_FILEUTILS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <functional>
#include <memory>

namespace llvm {
class raw_ostream;
}

namespace onncf {

/// Reads a whole file ("-" is stdin); the error names the file.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readFile(llvm::StringRef Path);

/// Atomically writes \p Bytes to \p Path ("-" writes to stdout).
llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Bytes);

/// Atomically writes what \p Writer streams to \p Path ("-" is stdout). If
/// \p Writer returns an error, nothing is written.
llvm::Error
writeFileAtomically(llvm::StringRef Path,
                    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> Writer);

/// Reads a gzip file if it starts with the gzip magic, else returns it as
/// is. Used by the dataset readers (IDX .gz).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readMaybeGzipFile(llvm::StringRef Path);

} // namespace onncf

#endif
