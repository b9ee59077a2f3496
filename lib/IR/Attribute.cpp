//===- Attribute.cpp - Op attributes --------------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Attribute.h"
#include "llvm/Support/ErrorHandling.h"

namespace onncf {

llvm::StringRef getAttrKindName(AttrKind K) {
  switch (K) {
  case AttrKind::Int:
    return "int";
  case AttrKind::Float:
    return "float";
  case AttrKind::String:
    return "string";
  case AttrKind::Ints:
    return "ints";
  case AttrKind::Floats:
    return "floats";
  case AttrKind::Strings:
    return "strings";
  case AttrKind::Tensor:
    return "tensor";
  }
  llvm_unreachable("bad attribute kind");
}

} // namespace onncf
