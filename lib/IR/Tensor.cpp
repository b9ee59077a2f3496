//===- Tensor.cpp - Tensor data with owned or mapped storage --------------===//
//
// Part of onnc-fault. Owned storage is a 64-byte aligned heap buffer so
// kernels can use aligned SIMD loads; mapped storage keeps its MemoryBuffer
// alive. Writers go through mutableBytes(), which copies first whenever the
// storage is shared or mapped.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Tensor.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstdlib>
#include <cstring>

using namespace llvm;

namespace onncf {

namespace {
constexpr size_t kAlignment = 64;

struct AlignedFree {
  void operator()(char *P) const { std::free(P); }
};
} // namespace

struct Tensor::Storage {
  char *Data = nullptr;
  size_t Size = 0;
  std::unique_ptr<char, AlignedFree> Owned;
  std::shared_ptr<MemoryBuffer> Mapped;

  /// Owned, zeroed storage of \p Size bytes.
  static std::shared_ptr<Storage> allocate(size_t Size) {
    auto S = std::make_shared<Storage>();
    size_t Rounded = (Size + kAlignment - 1) / kAlignment * kAlignment;
    if (Rounded == 0)
      Rounded = kAlignment;
    char *P = static_cast<char *>(std::aligned_alloc(kAlignment, Rounded));
    if (!P)
      report_bad_alloc_error("tensor allocation failed");
    std::memset(P, 0, Rounded);
    S->Owned.reset(P);
    S->Data = P;
    S->Size = Size;
    return S;
  }
};

Tensor::Tensor(TensorType T) : Type(std::move(T)) {
  assert(Type.hasStaticShape() && "tensor needs a static shape");
  Storage = Storage::allocate(Type.getSizeInBytes());
}

Tensor Tensor::fromBytes(TensorType Type, ArrayRef<char> Bytes) {
  Tensor R(std::move(Type));
  assert(Bytes.size() == R.getSizeInBytes() && "byte size mismatch");
  if (!Bytes.empty())
    std::memcpy(R.Storage->Data, Bytes.data(), Bytes.size());
  return R;
}

Tensor Tensor::fromMapped(TensorType Type, std::shared_ptr<MemoryBuffer> Buffer,
                          size_t Offset) {
  assert(Type.hasStaticShape() && "tensor needs a static shape");
  Tensor R;
  R.Type = std::move(Type);
  auto S = std::make_shared<struct Storage>();
  S->Size = R.Type.getSizeInBytes();
  assert(Offset + S->Size <= Buffer->getBufferSize() && "range outside buffer");
  S->Data = const_cast<char *>(Buffer->getBufferStart()) + Offset;
  S->Mapped = std::move(Buffer);
  R.Storage = std::move(S);
  return R;
}

void Tensor::setType(TensorType NewType) {
  assert(NewType.hasStaticShape() &&
         NewType.getSizeInBytes() == (Storage ? Storage->Size : 0) &&
         "setType must keep the byte size");
  Type = std::move(NewType);
}

bool Tensor::isMapped() const { return Storage && Storage->Mapped; }

ArrayRef<char> Tensor::bytes() const {
  if (!Storage)
    return {};
  return {Storage->Data, Storage->Size};
}

MutableArrayRef<char> Tensor::mutableBytes() {
  if (!Storage)
    return {};
  if (Storage.use_count() > 1 || Storage->Mapped) {
    auto Copy = Storage::allocate(Storage->Size);
    if (Storage->Size)
      std::memcpy(Copy->Data, Storage->Data, Storage->Size);
    Storage = std::move(Copy);
  }
  return {Storage->Data, Storage->Size};
}

template <typename T> static T load(const char *P) {
  T V;
  std::memcpy(&V, P, sizeof(T));
  return V;
}

double Tensor::getAsDouble(int64_t I) const {
  assert(I >= 0 && I < getNumElements() && "index out of range");
  const char *P = Storage->Data + I * getElementSize(getElementType());
  switch (getElementType()) {
  case ElementType::F32:
    return load<float>(P);
  case ElementType::F64:
    return load<double>(P);
  case ElementType::F16:
    return halfToFloat(load<uint16_t>(P));
  case ElementType::I64:
    return double(load<int64_t>(P));
  case ElementType::I32:
    return load<int32_t>(P);
  case ElementType::I16:
    return load<int16_t>(P);
  case ElementType::I8:
    return load<int8_t>(P);
  case ElementType::U8:
    return load<uint8_t>(P);
  case ElementType::Bool:
    return load<uint8_t>(P) != 0;
  }
  llvm_unreachable("bad element type");
}

int64_t Tensor::getAsInt(int64_t I) const {
  assert(I >= 0 && I < getNumElements() && "index out of range");
  const char *P = Storage->Data + I * getElementSize(getElementType());
  switch (getElementType()) {
  case ElementType::I64:
    return load<int64_t>(P);
  case ElementType::I32:
    return load<int32_t>(P);
  case ElementType::I16:
    return load<int16_t>(P);
  case ElementType::I8:
    return load<int8_t>(P);
  case ElementType::U8:
    return load<uint8_t>(P);
  case ElementType::Bool:
    return load<uint8_t>(P) != 0;
  case ElementType::F32:
  case ElementType::F64:
  case ElementType::F16: {
    // Truncate toward zero like a C cast, but never with UB on NaN/huge.
    double D = getAsDouble(I);
    if (!(D == D))
      return 0;
    if (D >= 9.2233720368547758e18)
      return INT64_MAX;
    if (D <= -9.2233720368547758e18)
      return INT64_MIN;
    return int64_t(D);
  }
  }
  llvm_unreachable("bad element type");
}

bool Tensor::operator==(const Tensor &O) const {
  if (Type != O.Type || isNull() != O.isNull())
    return false;
  auto A = bytes(), B = O.bytes();
  return A.size() == B.size() &&
         (A.empty() || std::memcmp(A.data(), B.data(), A.size()) == 0);
}

} // namespace onncf
