//===- FileUtils.cpp ------------------------------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Support/FileUtils.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/Support/FileOutputBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <zlib.h>

using namespace llvm;

namespace onncf {

Expected<std::unique_ptr<MemoryBuffer>> readFile(StringRef Path) {
  auto BufOrErr = MemoryBuffer::getFileOrSTDIN(Path, /*IsText=*/false,
                                               /*RequiresNullTerminator=*/false);
  if (!BufOrErr)
    return makeError(Path + ": cannot read file: " +
                     BufOrErr.getError().message());
  return std::move(*BufOrErr);
}

Error writeFileAtomically(StringRef Path, StringRef Bytes) {
  if (Path == "-") {
    outs() << Bytes;
    outs().flush();
    return Error::success();
  }
  auto BufOrErr = FileOutputBuffer::create(Path, Bytes.size());
  if (!BufOrErr)
    return makeError(Path + ": cannot write file: " +
                     toString(BufOrErr.takeError()));
  std::unique_ptr<FileOutputBuffer> Buf = std::move(*BufOrErr);
  std::copy(Bytes.begin(), Bytes.end(), Buf->getBufferStart());
  if (Error E = Buf->commit())
    return makeError(Path + ": cannot write file: " + toString(std::move(E)));
  return Error::success();
}

Error writeFileAtomically(StringRef Path,
                          function_ref<Error(raw_ostream &)> Writer) {
  std::string Bytes;
  raw_string_ostream OS(Bytes);
  if (Error E = Writer(OS))
    return E;
  OS.flush();
  return writeFileAtomically(Path, Bytes);
}

static bool isGzip(StringRef Bytes) {
  return Bytes.size() >= 2 && (unsigned char)Bytes[0] == 0x1f &&
         (unsigned char)Bytes[1] == 0x8b;
}

Expected<std::unique_ptr<MemoryBuffer>> readMaybeGzipFile(StringRef Path) {
  auto BufOrErr = readFile(Path);
  if (!BufOrErr)
    return BufOrErr.takeError();
  StringRef In = (*BufOrErr)->getBuffer();
  if (!isGzip(In))
    return std::move(*BufOrErr);

  // Inflate with zlib's gzip-aware mode (windowBits 15 + 16).
  z_stream S{};
  if (inflateInit2(&S, 15 + 16) != Z_OK)
    return makeError(Path + ": cannot initialise gzip decoder");
  std::string Out;
  S.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(In.data()));
  S.avail_in = In.size();
  int Ret = Z_OK;
  char Chunk[1 << 16];
  while (Ret != Z_STREAM_END) {
    S.next_out = reinterpret_cast<Bytef *>(Chunk);
    S.avail_out = sizeof(Chunk);
    Ret = inflate(&S, Z_NO_FLUSH);
    if (Ret != Z_OK && Ret != Z_STREAM_END) {
      inflateEnd(&S);
      return makeError(Path + ": corrupt gzip data");
    }
    Out.append(Chunk, sizeof(Chunk) - S.avail_out);
    if (Ret == Z_OK && S.avail_in == 0 && S.avail_out != 0) {
      inflateEnd(&S);
      return makeError(Path + ": truncated gzip data");
    }
  }
  inflateEnd(&S);
  return MemoryBuffer::getMemBufferCopy(Out, Path);
}

} // namespace onncf
