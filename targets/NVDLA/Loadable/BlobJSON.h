//===- BlobJSON.h - Reading the JSON of onnc-fault's loadable blobs -------===//
//
// Part of onnc-fault. Internal to targets/NVDLA/Loadable. The onncf.io and
// onncf.fault blobs are JSON objects read from untrusted files: every field
// is checked for its type and range, and every error names the blob (and
// the loadable) it came from.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_LOADABLE_BLOBJSON_H
#define ONNCF_TARGETS_NVDLA_LOADABLE_BLOBJSON_H

#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"
#include <string>

namespace onncf {
namespace nvdla {

/// Typed, range-checked fields of one JSON object; errors start with Where.
class BlobFieldReader {
public:
  BlobFieldReader(const llvm::json::Object &O, std::string Where)
      : O(O), Where(std::move(Where)) {}

  llvm::Error integer(llvm::StringRef Key, int64_t Lo, int64_t Hi,
                      int64_t &Out) const {
    const llvm::json::Value *V = O.get(Key);
    llvm::Optional<int64_t> I = V ? V->getAsInteger() : llvm::None;
    if (!I)
      return makeError(Where + ": '" + Key + "' must be an integer");
    if (*I < Lo || *I > Hi)
      return makeError(Where + ": '" + Key + "' is " + llvm::Twine(*I) +
                       ", expected " + llvm::Twine(Lo) + ".." +
                       llvm::Twine(Hi));
    Out = *I;
    return llvm::Error::success();
  }
  /// integer() converted to the field's type (the range keeps it exact).
  template <typename T>
  llvm::Error field(llvm::StringRef Key, int64_t Lo, int64_t Hi,
                    T &Out) const {
    int64_t I;
    if (llvm::Error E = integer(Key, Lo, Hi, I))
      return E;
    Out = T(I);
    return llvm::Error::success();
  }
  llvm::Error string(llvm::StringRef Key, std::string &Out) const {
    const llvm::json::Value *V = O.get(Key);
    llvm::Optional<llvm::StringRef> S = V ? V->getAsString() : llvm::None;
    if (!S)
      return makeError(Where + ": '" + Key + "' must be a string");
    Out = S->str();
    return llvm::Error::success();
  }

  const llvm::json::Object &O;
  std::string Where;
};

/// Parses blob bytes that must hold one JSON object.
inline llvm::Expected<llvm::json::Value>
parseBlobObject(llvm::ArrayRef<uint8_t> Bytes, const std::string &Where) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Bytes.data()),
                       Bytes.size());
  llvm::Expected<llvm::json::Value> Root = llvm::json::parse(Text);
  if (!Root)
    return makeError(Where + ": " + llvm::toString(Root.takeError()));
  if (!Root->getAsObject())
    return makeError(Where + ": expected a JSON object");
  return Root;
}

} // namespace nvdla
} // namespace onncf

#endif
