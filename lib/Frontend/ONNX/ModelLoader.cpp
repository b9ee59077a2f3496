//===- ModelLoader.cpp - Read a model in any input form -------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//

#include "onncf/Frontend/ModelLoader.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace onncf {

bool isONNXModel(StringRef Path, StringRef Bytes) {
  StringRef Ext = sys::path::extension(Path);
  if (Ext.equals_insensitive(".onnx"))
    return true;
  if (Ext == ".ir" || Ext == ".mlir")
    return false;
  // Protobuf wire format starts with binary tags and lengths; the text IR
  // holds only printable characters and line breaks.
  for (unsigned char C : Bytes.take_front(256))
    if (C == 0 || (C < 0x20 && C != '\n' && C != '\r' && C != '\t'))
      return true;
  return false;
}

Expected<std::unique_ptr<Graph>> loadModel(StringRef Path,
                                           const ImportOptions &Opts) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  StringRef Name = Path == "-" ? StringRef("<stdin>") : Path;
  if (isONNXModel(Path, (*Buf)->getBuffer()))
    return importONNXBuffer((*Buf)->getBuffer(), Name, Opts,
                            Path == "-" ? StringRef(".")
                                        : sys::path::parent_path(Path));
  return parseGraph((*Buf)->getBuffer(), Name);
}

} // namespace onncf
