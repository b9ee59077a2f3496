//===- WeightWords.h - Weight constants as vectors of words -----*- C++ -*-===//
//
// Part of onnc-fault. Private to lib/Fault: the i8 / i16 weight constants of
// quant.conv / quant.fc read as and written from int64 values.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_FAULT_WEIGHTWORDS_H
#define ONNCF_LIB_FAULT_WEIGHTWORDS_H

#include "onncf/IR/Tensor.h"
#include "llvm/ADT/ArrayRef.h"
#include <cstdint>
#include <vector>

namespace onncf {
namespace fault {

/// The elements of an i8 or i16 tensor (row-major).
inline std::vector<int64_t> readWords(const Tensor &T) {
  if (T.getElementType() == ElementType::I16) {
    auto D = T.data<int16_t>();
    return std::vector<int64_t>(D.begin(), D.end());
  }
  auto D = T.data<int8_t>();
  return std::vector<int64_t>(D.begin(), D.end());
}

/// Writes \p V (each in the element type's range) into \p T's elements.
inline void writeWords(Tensor &T, llvm::ArrayRef<int64_t> V) {
  if (T.getElementType() == ElementType::I16) {
    auto D = T.mutableData<int16_t>();
    for (size_t I = 0; I < V.size(); ++I)
      D[I] = int16_t(V[I]);
    return;
  }
  auto D = T.mutableData<int8_t>();
  for (size_t I = 0; I < V.size(); ++I)
    D[I] = int8_t(V[I]);
}

} // namespace fault
} // namespace onncf

#endif
