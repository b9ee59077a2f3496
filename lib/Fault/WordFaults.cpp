//===- WordFaults.cpp - Stuck-at faults of one stored word ----------------===//
//
// Part of onnc-fault. Checks of the word model's inputs (formats and masks
// that come from users: CSV files, defect maps).
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/WordFaults.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/Twine.h"

using namespace llvm;

namespace onncf {
namespace fault {

WordFaults WordFaults::truncated(unsigned Bits) const {
  uint64_t M = Bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << Bits) - 1;
  return WordFaults{Sa0 & M, Sa1 & M};
}

Error checkPolicyFormat(const WordFormat &F) {
  if (F.Bits < 2 || F.Bits > 16)
    return makeError("word width " + Twine(F.Bits) +
                     " is not supported by the mitigation policies (2..16 "
                     "bits)");
  return Error::success();
}

Error checkWordFaults(const WordFaults &Faults, const WordFormat &F) {
  if (Faults.Sa0 & Faults.Sa1)
    return makeError("sa0 and sa1 masks overlap (bits 0x" +
                     Twine::utohexstr(Faults.Sa0 & Faults.Sa1) + ")");
  if (Faults.defective() & ~F.mask())
    return makeError("fault mask 0x" + Twine::utohexstr(Faults.defective()) +
                     " has bits above a " + Twine(F.Bits) + "-bit word");
  return Error::success();
}

} // namespace fault
} // namespace onncf
