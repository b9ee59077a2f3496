//===- KernelUtils.h - Helpers shared by the interpreter kernels -*- C++ -*-===//
//
// Part of onnc-fault. Internal to lib/Interp: shape arithmetic, element-type
// dispatch, half-precision conversion and conv/pool window geometry.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_INTERP_KERNELS_KERNELUTILS_H
#define ONNCF_LIB_INTERP_KERNELS_KERNELUTILS_H

#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/Op.h"
#include "onncf/IR/Tensor.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include <cstring>
#include <vector>

namespace onncf {
namespace interp {

inline int64_t product(llvm::ArrayRef<int64_t> Dims) {
  int64_t P = 1;
  for (int64_t D : Dims)
    P *= D;
  return P;
}

/// Row-major strides (in elements) of \p Shape.
inline llvm::SmallVector<int64_t, 6> stridesOf(llvm::ArrayRef<int64_t> Shape) {
  llvm::SmallVector<int64_t, 6> S(Shape.size(), 1);
  for (int I = (int)Shape.size() - 2; I >= 0; --I)
    S[I] = S[I + 1] * Shape[I + 1];
  return S;
}

/// Reads an integer operand (i32/i64) as a vector (shape-op inputs).
inline std::vector<int64_t> readInts(const Tensor &T) {
  std::vector<int64_t> R(T.getNumElements());
  for (int64_t I = 0; I < (int64_t)R.size(); ++I)
    R[I] = T.getAsInt(I);
  return R;
}

inline llvm::Error unsupportedType(const Tensor &T) {
  return makeError("element type " +
                   getElementTypeName(T.getElementType()) +
                   " is not supported by this kernel");
}

/// Operand types/data in the form the ONNXOps.h helpers take
/// (getIntListArg, getPadAmounts, ...), built from a kernel's operands.
struct OperandInfo {
  explicit OperandInfo(llvm::ArrayRef<const Tensor *> Operands) {
    for (const Tensor *T : Operands) {
      Types.push_back(T ? T->getType() : TensorType());
      Present.push_back(T != nullptr);
    }
    In.Types = Types;
    In.Data = Operands;
    In.Present = Present;
  }
  llvm::SmallVector<TensorType, 4> Types;
  llvm::SmallVector<bool, 4> Present;
  InferenceInputs In;
};

/// Calls Fn(U{}) with U an unsigned integer type as wide as one element of
/// size \p Size bytes, for kernels that only move elements.
template <typename F> llvm::Error dispatchBySize(unsigned Size, F &&Fn) {
  switch (Size) {
  case 1:
    return Fn(uint8_t());
  case 2:
    return Fn(uint16_t());
  case 4:
    return Fn(uint32_t());
  case 8:
    return Fn(uint64_t());
  default:
    return makeError("unsupported element size " + llvm::Twine(Size));
  }
}

/// IEEE half <-> float (round to nearest even).
float halfToFloat(uint16_t H);
uint16_t floatToHalf(float F);

/// Spatial geometry of a Conv or pooling window (up to 3 spatial dims, the
/// missing ones having size 1).
struct WindowGeometry {
  unsigned NumSpatial = 0;
  int64_t In[3] = {1, 1, 1}, Out[3] = {1, 1, 1}, Kernel[3] = {1, 1, 1};
  int64_t Stride[3] = {1, 1, 1}, Dilation[3] = {1, 1, 1};
  int64_t PadBegin[3] = {0, 0, 0}, PadEnd[3] = {0, 0, 0};
};

/// Converts the geometry computed by onncf/IR/ONNXOps.h (the one type
/// inference uses) into the fixed-size form the kernels loop over, checking
/// that it produces the inferred result shape \p Y.
llvm::Expected<WindowGeometry>
toWindowGeometry(llvm::Expected<SpatialGeometry> S, llvm::ArrayRef<int64_t> Y);

/// Per-output-channel work a Conv kernel applies to its result while the
/// result is still in cache, for the interpreter's fused Conv ->
/// [BatchNormalization] -> [Add] -> [Relu] steps. The float operations are
/// exactly those of the separate kernels, in the same order (conv bias,
/// x * BNMul + BNAdd, + the Add's other operand, Relu), so fusing never
/// changes a result bit (a NaN's payload aside: the Add's operands may be
/// taken in the other order).
struct ConvEpilogue {
  /// Inference BatchNormalization as the BatchNormalization kernel computes
  /// it: Mul = scale / sqrt(var + eps), Add = bias - mean * Mul (empty when
  /// there is no BN).
  std::vector<float> BNMul, BNAdd;
  bool Relu = false;
  /// Fills BNMul/BNAdd from f32 BatchNormalization operands of C elements.
  void setBatchNorm(const float *Scale, const float *Bias, const float *Mean,
                    const float *Var, int64_t C, float Eps);
};

/// onnx.Conv with \p Epi applied to the result (nullptr: plain Conv). Every
/// element of \p Y is written. \p PackedW, if not empty, is
/// packConvWeights() of the weight operand (for weights packed once per
/// plan instead of once per call). \p Residual, if set, is a fused Add's
/// other operand, added after BN and before Relu; it must have Y's type.
llvm::Error convolve(const Op &O, llvm::ArrayRef<const Tensor *> In,
                     Tensor &Y, const ConvEpilogue *Epi,
                     llvm::ArrayRef<float> PackedW, const Tensor *Residual);

/// A Conv weight [M, C/group, k...] in the layout convolve() computes with
/// (empty if it is not f32 or does not split into \p Group groups).
std::vector<float> packConvWeights(const Tensor &W, int64_t Group);

/// onnx.Gemm with op(B) supplied as packGemmB() of the B operand (which
/// must be the tensor it was packed from). Bit-identical to the Gemm kernel.
llvm::Error gemmPrePacked(const Op &O, llvm::ArrayRef<const Tensor *> In,
                          Tensor &Y, llvm::ArrayRef<float> PackedB);

/// Gemm's B operand packed for sgemmPrePacked() (empty when the Gemm cannot
/// use it: transA, or B not an f32 matrix).
std::vector<float> packGemmB(const Op &O, const Tensor &B);

} // namespace interp
} // namespace onncf

#endif
