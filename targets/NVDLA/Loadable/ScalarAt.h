//===- ScalarAt.h - Unaligned-safe reads of flatbuffers scalar vectors ----===//
//
// Part of onnc-fault (private to targets/NVDLA/Loadable). NVIDIA's writer
// leaves [ulong] vectors (memory offsets) 4-byte aligned; flatbuffers'
// Vector::Get loads them through a T pointer, which is undefined behaviour
// (UBSan reports it). These helpers copy the bytes instead.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_LOADABLE_SCALARAT_H
#define ONNCF_TARGETS_NVDLA_LOADABLE_SCALARAT_H

#include "flatbuffers/flatbuffers.h"
#include <cstring>

namespace onncf {
namespace nvdla {

/// Element \p I of a scalar vector (little-endian host; caller checks I).
template <typename T>
T scalarAt(const flatbuffers::Vector<T> &V, flatbuffers::uoffset_t I) {
  T X;
  std::memcpy(&X, V.Data() + size_t(I) * sizeof(T), sizeof(T));
  return X;
}

} // namespace nvdla
} // namespace onncf

#endif
