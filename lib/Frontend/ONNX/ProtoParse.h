//===- ProtoParse.h - Safe protobuf parsing (private) -----------*- C++ -*-===//
//
// Part of onnc-fault. Parses a protobuf message from untrusted bytes without
// letting protobuf print to stderr, and reports why it failed.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_FRONTEND_ONNX_PROTOPARSE_H
#define ONNCF_LIB_FRONTEND_ONNX_PROTOPARSE_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace google {
namespace protobuf {
class MessageLite;
}
} // namespace google

namespace onncf {

/// Returns an empty string on success, else a short reason ("truncated or
/// malformed protobuf data", "file too large", ...).
std::string parseProtoQuietly(llvm::StringRef Bytes,
                              google::protobuf::MessageLite &Msg);

} // namespace onncf

#endif
