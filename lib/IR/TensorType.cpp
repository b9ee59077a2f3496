//===- TensorType.cpp - Shape, element type and quantization --------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/TensorType.h"
#include "TextUtils.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace onncf {

bool TensorType::hasStaticShape() const {
  for (int64_t D : Shape)
    if (D < 0)
      return false;
  return true;
}

int64_t TensorType::getNumElements() const {
  int64_t N = 1;
  for (int64_t D : Shape)
    N *= D;
  return N;
}

// Syntax (docs/IRFormat.md): f32[?,1,28,28], f32[] for scalars, and
// quantization as a suffix: i8[16,3]{q8 axis=0 scales=[0.5, 0.25]}.
void TensorType::print(raw_ostream &OS) const {
  OS << getElementTypeName(Elt) << '[';
  for (size_t I = 0; I < Shape.size(); ++I) {
    if (I)
      OS << ',';
    if (Shape[I] < 0)
      OS << '?';
    else
      OS << Shape[I];
  }
  OS << ']';
  if (!Quant)
    return;
  OS << "{q" << Quant->Bits;
  if (Quant->Axis >= 0)
    OS << " axis=" << Quant->Axis;
  OS << " scales=[";
  for (size_t I = 0; I < Quant->Scales.size(); ++I) {
    if (I)
      OS << ", ";
    text::printFloat(OS, Quant->Scales[I]);
  }
  OS << "]}";
}

std::string TensorType::str() const {
  std::string S;
  raw_string_ostream OS(S);
  print(OS);
  return OS.str();
}

bool isCompatible(const TensorType &A, const TensorType &B) {
  if (A.getElementType() != B.getElementType() || A.getRank() != B.getRank())
    return false;
  for (unsigned I = 0; I < A.getRank(); ++I) {
    int64_t DA = A.getDim(I), DB = B.getDim(I);
    if (DA >= 0 && DB >= 0 && DA != DB)
      return false;
  }
  return true;
}

} // namespace onncf
