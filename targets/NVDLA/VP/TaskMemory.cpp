//===- TaskMemory.cpp - Bounds-checked memories of one VP run -------------===//
//
// Part of onnc-fault. Every byte an engine model reads or writes is reached
// through TaskMemory::resolve, so a hostile descriptor (a bad address index,
// an offset past the buffer, a size that wraps) becomes an error that names
// the cube instead of an out-of-bounds access.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

Expected<MutableArrayRef<uint8_t>>
TaskMemory::resolve(int AddressIndex, uint64_t Offset, uint64_t Size,
                    const Twine &What) const {
  if (AddressIndex < 0 || unsigned(AddressIndex) >= Bases.size())
    return makeError(What + ": address index " + Twine(AddressIndex) +
                     " is not in the task's address list (" +
                     Twine(Bases.size()) + " entries)");
  MutableArrayRef<uint8_t> Base = Bases[AddressIndex];
  // Offset + Size may wrap in uint64: compare against the remainder instead.
  if (Offset > Base.size() || Size > Base.size() - Offset)
    return makeError(What + ": address index " + Twine(AddressIndex) +
                     " offset " + Twine(Offset) + " + " + Twine(Size) +
                     " bytes exceeds its " + Twine(Base.size()));
  return Base.slice(Offset, Size);
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
