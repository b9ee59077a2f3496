//===- ProtoParse.cpp - Safe protobuf parsing ----------------------------===//
//
// Part of onnc-fault. protobuf reports parse problems through its logging
// (to stderr) and a false return; a LogSilencer keeps our tools' stderr to
// the one diagnostic they print.
//
//===----------------------------------------------------------------------===//
#include "ProtoParse.h"
#include <climits>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message_lite.h>
#include <google/protobuf/stubs/logging.h>

namespace onncf {

std::string parseProtoQuietly(llvm::StringRef Bytes,
                              google::protobuf::MessageLite &Msg) {
  if (Bytes.size() >= (size_t)INT_MAX)
    return "larger than the 2 GiB protobuf limit";
  google::protobuf::LogSilencer Silence;
  google::protobuf::io::CodedInputStream In(
      reinterpret_cast<const uint8_t *>(Bytes.data()), (int)Bytes.size());
  In.SetTotalBytesLimit(INT_MAX);
  // ParsePartial so that a missing required field is not a hard failure;
  // ONNX messages have none, and our own checks name what is missing.
  if (!Msg.ParsePartialFromCodedStream(&In))
    return "truncated or malformed protobuf data";
  if (!In.ConsumedEntireMessage())
    return "trailing bytes after the protobuf message";
  return "";
}

} // namespace onncf
