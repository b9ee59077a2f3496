//===- TensorType.h - Shape, element type and quantization ------*- C++ -*-===//
//
// Part of onnc-fault. Every IR value has a TensorType. A dimension may be
// dynamic (kDynamicDim, printed "?"), which is how a model's batch axis is
// usually left open. Quantization parameters are optional and symmetric
// (NVDLA has no zero points): one scale per tensor, or one per slice along
// an axis.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_TENSORTYPE_H
#define ONNCF_IR_TENSORTYPE_H

#include "onncf/IR/ElementType.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace llvm {
class raw_ostream;
}

namespace onncf {

constexpr int64_t kDynamicDim = -1;

/// Symmetric quantization: real = stored * Scales[i], i indexing Axis when
/// Axis >= 0, a single scale otherwise. Bits is the stored word width (it
/// may be narrower than the element type, e.g. 4-bit weights held in i8).
struct QuantParams {
  llvm::SmallVector<float, 1> Scales;
  int Axis = -1;
  unsigned Bits = 8;

  bool isPerAxis() const { return Axis >= 0; }
  bool operator==(const QuantParams &O) const {
    return Axis == O.Axis && Bits == O.Bits && Scales == O.Scales;
  }
  bool operator!=(const QuantParams &O) const { return !(*this == O); }
};

class TensorType {
public:
  TensorType() = default;
  TensorType(ElementType Elt, llvm::ArrayRef<int64_t> Shape)
      : Elt(Elt), Shape(Shape.begin(), Shape.end()) {}

  ElementType getElementType() const { return Elt; }
  llvm::ArrayRef<int64_t> getShape() const { return Shape; }
  unsigned getRank() const { return Shape.size(); }
  int64_t getDim(unsigned I) const { return Shape[I]; }
  bool isDynamicDim(unsigned I) const { return Shape[I] == kDynamicDim; }
  bool hasStaticShape() const;
  /// Product of the dimensions; only meaningful for static shapes.
  int64_t getNumElements() const;
  size_t getSizeInBytes() const {
    return getNumElements() * getElementSize(Elt);
  }

  const std::optional<QuantParams> &getQuant() const { return Quant; }
  void setQuant(std::optional<QuantParams> Q) { Quant = std::move(Q); }

  TensorType withShape(llvm::ArrayRef<int64_t> NewShape) const {
    TensorType T(Elt, NewShape);
    T.Quant = Quant;
    return T;
  }
  TensorType withElementType(ElementType NewElt) const {
    TensorType T(NewElt, Shape);
    T.Quant = Quant;
    return T;
  }

  bool operator==(const TensorType &O) const {
    return Elt == O.Elt && Shape == O.Shape && Quant == O.Quant;
  }
  bool operator!=(const TensorType &O) const { return !(*this == O); }

  /// Text-IR form, e.g. "f32[?,1,28,28]" or
  /// "i8[16,3,3,3]{q8 axis=0 scales=[0.1, ...]}" (docs/IRFormat.md).
  void print(llvm::raw_ostream &OS) const;
  std::string str() const;

private:
  ElementType Elt = ElementType::F32;
  llvm::SmallVector<int64_t, 4> Shape;
  std::optional<QuantParams> Quant;
};

/// True if every static dimension of A equals the one of B and the element
/// types match (dynamic dims are compatible with anything).
bool isCompatible(const TensorType &A, const TensorType &B);

} // namespace onncf

#endif
