//===- QDQLowering.h - Internals of the QDQ export --------------*- C++ -*-===//
//
// Part of onnc-fault. Private to lib/Quant: the rewriter behind
// lowerQuantToQDQ (onncf/Quant/QDQ.h). QDQ.cpp has its building blocks, the
// conv/fc and onnx.* lowerings and the driver; QDQArith.cpp the SDP and PDP
// arithmetic (epilogues, avgpool, add, requantize) and rounding ties.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_QUANT_QDQLOWERING_H
#define ONNCF_LIB_QUANT_QDQLOWERING_H

#include "onncf/IR/Graph.h"
#include "llvm/ADT/DenseMap.h"
#include <cstdint>

namespace onncf {
namespace qdq {

/// An i8/i16/i32 value with quantization parameters.
bool isQuantInt(const Value *V);
/// \p T without quantization parameters.
TensorType plainType(const TensorType &T);
/// f32 with \p T's shape.
TensorType floatType(const TensorType &T);
/// The bits of \p F, a DenseMap key.
uint32_t bitsOf(float F);
/// 1 + eps turning rounding ties of X * Mul / 2^Shift (|X * Mul / 2^Shift|
/// <= MaxAbs) into the rounding away from zero, or 1 (QDQArith.cpp).
double tieAwayFactor(uint64_t Mul, unsigned Shift, double MaxAbs);
/// The largest magnitude an epilogue result can reach before saturating.
double outputRange(const Op &O);

/// Rewrites one graph; run() lowers every op in order and strips the
/// quantized types at the end.
class QDQLowering {
public:
  explicit QDQLowering(Graph &G) : G(G) {}
  llvm::Error run();

private:
  // Building blocks. Every new op is inserted before Pos.
  /// A shared f32 scalar constant; \p Hint names it ("qdq.scale" for Q/DQ
  /// scales, "qdq.const" for other factors and bounds).
  Value *scalarF32(float V, llvm::StringRef Hint = "qdq.scale");
  Value *floatsConst(llvm::StringRef Hint, llvm::ArrayRef<float> Vs);
  Value *zeroPoint(ElementType Elt, size_t N);
  llvm::Expected<Value *> create(llvm::StringRef Kind,
                                 llvm::ArrayRef<Value *> Operands,
                                 TensorType ResultType, AttributeMap Attrs,
                                 llvm::StringRef NameHint);
  /// DequantizeLinear(V, Scales, 0); per axis \p Axis when Scales has more
  /// than one entry. Activations with one scale are dequantized once.
  llvm::Expected<Value *> dequantize(Value *V, llvm::ArrayRef<float> Scales,
                                     int Axis = 0);
  /// DequantizeLinear with V's declared scales.
  llvm::Expected<Value *> dequantizeDeclared(Value *V, const Op &User);
  llvm::Expected<Value *> quantize(Value *F, float Scale, ElementType Elt,
                                   llvm::StringRef NameHint);
  /// Relu / Clip of the SDP epilogue, then QuantizeLinear to O's result.
  llvm::Expected<Value *> epilogue(const Op &O, Value *F, float ScaleY);
  /// Makes \p NewV (the lowering of O's only result) take over O's result:
  /// its uses, then its name (by recreating NewV's defining op under it).
  llvm::Error replaceOp(Op *O, Value *NewV);

  llvm::Error lowerQuantize(Op *O);
  llvm::Error lowerDequantize(Op *O);
  llvm::Error lowerConvOrFC(Op *O, bool IsConv);
  llvm::Error lowerAvgPool(Op *O);
  llvm::Error lowerAdd(Op *O);
  llvm::Error lowerRequantize(Op *O);
  llvm::Error lowerLrn(Op *O);
  llvm::Error lowerONNXOp(Op *O);

  llvm::Expected<float> outputScale(const Op &O);
  llvm::Expected<Value *> lowerWeights(const Op &O, Value *W,
                                       llvm::ArrayRef<float> Scales);
  llvm::Expected<Value *> lowerBias(const Op &O, Value *B,
                                    llvm::ArrayRef<float> Scales,
                                    unsigned ClipTruncate);

  Graph &G;
  Graph::op_iterator Pos;
  bool Opset21 = false;
  llvm::DenseMap<std::pair<unsigned, uint32_t>, Value *> ScalarCache;
  llvm::DenseMap<unsigned, Value *> ZeroPointCache;
  llvm::DenseMap<std::pair<Value *, uint32_t>, Value *> DQCache;
};

} // namespace qdq
} // namespace onncf

#endif
