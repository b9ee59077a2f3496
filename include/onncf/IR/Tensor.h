//===- Tensor.h - Tensor data with owned or mapped storage ------*- C++ -*-===//
//
// Part of onnc-fault. A Tensor is a TensorType with a static shape plus its
// bytes. Storage is shared between copies (copying a Tensor is cheap) and is
// either owned (a heap buffer) or mapped (a slice of a MemoryBuffer, e.g. an
// ONNX external-data file or a weight blob). Writing through mutableData()
// first makes the storage unique and owned (copy on write), so a mapped file
// is never modified.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_TENSOR_H
#define ONNCF_IR_TENSOR_H

#include "onncf/IR/TensorType.h"
#include "llvm/ADT/ArrayRef.h"
#include <cassert>
#include <memory>

namespace llvm {
class MemoryBuffer;
}

namespace onncf {

class Tensor {
public:
  /// An empty f32 scalar-less tensor; isNull() is true.
  Tensor() = default;

  /// Owned, zero-initialised storage. \p Type must have a static shape.
  explicit Tensor(TensorType Type);

  /// Owned storage copied from \p Bytes (size must match the type).
  static Tensor fromBytes(TensorType Type, llvm::ArrayRef<char> Bytes);

  /// Mapped storage: the tensor's bytes are Buffer[Offset, Offset+size).
  /// The caller has checked that the range is inside the buffer.
  static Tensor fromMapped(TensorType Type,
                           std::shared_ptr<llvm::MemoryBuffer> Buffer,
                           size_t Offset);

  template <typename T>
  static Tensor fromVector(llvm::ArrayRef<int64_t> Shape,
                           llvm::ArrayRef<T> Values) {
    Tensor R(TensorType(ElementTypeOf<T>::value, Shape));
    assert(R.getNumElements() == (int64_t)Values.size() && "size mismatch");
    std::copy(Values.begin(), Values.end(), R.mutableData<T>().begin());
    return R;
  }

  bool isNull() const { return !Storage; }
  const TensorType &getType() const { return Type; }
  /// Changes shape/quant metadata without touching bytes (sizes must agree).
  void setType(TensorType NewType);
  ElementType getElementType() const { return Type.getElementType(); }
  llvm::ArrayRef<int64_t> getShape() const { return Type.getShape(); }
  int64_t getNumElements() const { return Type.getNumElements(); }
  size_t getSizeInBytes() const { return Type.getSizeInBytes(); }
  bool isMapped() const;

  llvm::ArrayRef<char> bytes() const;
  llvm::MutableArrayRef<char> mutableBytes();

  template <typename T> llvm::ArrayRef<T> data() const {
    assert(ElementTypeOf<T>::value == getElementType() && "wrong type");
    auto B = bytes();
    return {reinterpret_cast<const T *>(B.data()), B.size() / sizeof(T)};
  }
  template <typename T> llvm::MutableArrayRef<T> mutableData() {
    assert(ElementTypeOf<T>::value == getElementType() && "wrong type");
    auto B = mutableBytes();
    return {reinterpret_cast<T *>(B.data()), B.size() / sizeof(T)};
  }

  /// Reads element \p I of any numeric type as double / int64 (slow path,
  /// for shape computations and printing).
  double getAsDouble(int64_t I) const;
  int64_t getAsInt(int64_t I) const;

  /// Bitwise equality of type and contents.
  bool operator==(const Tensor &O) const;
  bool operator!=(const Tensor &O) const { return !(*this == O); }

private:
  struct Storage;
  TensorType Type;
  std::shared_ptr<Storage> Storage;
};

} // namespace onncf

#endif
