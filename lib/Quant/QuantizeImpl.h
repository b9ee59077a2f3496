//===- QuantizeImpl.h - Internals of the quantize pass ----------*- C++ -*-===//
//
// Part of onnc-fault. The Quantizer walks a float graph in topological order
// and builds, next to it, the integer graph of onncf/IR/QuantOps.h. It keeps
// a map from each float value to its integer counterpart; float ops whose
// results were replaced become dead and are removed at the end, after which
// the integer values take over the float values' names.
//
// One file per op family: Quantize.cpp (driver, names, outputs),
// QuantizeUtils.cpp (scales, lazy quantize/dequantize, epilogues, fused
// activation chains), QuantizeConv.cpp (Conv and the weight/bias/multiplier
// math shared with FC), QuantizeFC.cpp (Gemm, MatMul), QuantizeElementwise.cpp
// (Add, lone Relu/Clip), QuantizeDataMovement.cpp (pools, shape ops, Concat).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_QUANT_QUANTIZEIMPL_H
#define ONNCF_LIB_QUANT_QUANTIZEIMPL_H

#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/Quant/CalibrationTable.h"
#include "onncf/Quant/Quantize.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace onncf {
namespace quantize {

/// Relu / Clip ops following a producer that its SDP epilogue absorbs.
/// Bounds are real values; the epilogue converts them to output units.
struct ActivationChain {
  /// The absorbed ops, in order; their results are all replaced.
  llvm::SmallVector<Op *, 2> Ops;
  /// The float value the fused op finally produces (the producer's result
  /// when nothing was absorbed).
  Value *Final = nullptr;
  double Lo = -std::numeric_limits<double>::infinity();
  double Hi = std::numeric_limits<double>::infinity();
};

/// The attributes of the SDP epilogue (QuantOps.h).
struct Epilogue {
  std::vector<int64_t> Mul;
  unsigned Shift = 0;
  bool Relu = false;
  std::optional<int64_t> ClampMin, ClampMax;
  unsigned OutBits = 8;

  void addTo(AttributeMap &Attrs) const;
};

/// Integer weights, bias and epilogue of a quant.conv / quant.fc.
struct LinearParams {
  Tensor Weights; ///< i8 / i16 with QuantParams{scales, axis, bits}.
  Tensor Bias;    ///< i32 [O], null without a bias.
  unsigned ClipTruncate = 0;
  Epilogue Epi;
};

class Quantizer {
public:
  Quantizer(Graph &G, const CalibrationTable &Table,
            const QuantizeOptions &Opts);

  /// Rewrites the whole graph.
  llvm::Error run();

  unsigned getNumQuantized() const { return NumQuantized; }
  unsigned getNumKeptFloat() const { return NumKeptFloat; }

private:
  //===--- Driver (Quantize.cpp)
  //-------------------------------------------===//
  llvm::Expected<bool> quantizeOp(Op *O);
  /// Leaves \p O in float: operands whose producers were quantized are read
  /// through a quant.dequantize.
  llvm::Error keepFloat(Op *O);
  llvm::Error rewriteOutputs();
  llvm::Error renameValues();

  //===--- Shared helpers (QuantizeUtils.cpp)
  //------------------------------===//
  /// The activation scale of float value \p V from the table (for the
  /// configured activation width); \p User names the op in the error.
  llvm::Expected<float> getTableScale(const Value *V, const Op *User) const;
  /// \p Scale raised to the table scales of the max pools reading \p V.
  float getPooledTableScale(const Value *V, float Scale) const;
  /// Scale of an integer activation (its single QuantParams scale).
  static double getScale(const Value *IntV);
  /// True if \p V is an f32 activation that could be quantized (not a
  /// constant, f32).
  static bool isActivation(const Value *V);
  /// The integer counterpart of \p V, or null if none exists yet.
  Value *lookupInt(const Value *V) const { return IntOf.lookup(V); }
  /// The integer counterpart of \p V, quantizing a float \p V
  /// (quant.quantize before the current op) if needed.
  llvm::Expected<Value *> getInt(Value *V, const Op *User);
  /// A float view of \p V for float consumers: \p V itself, or a
  /// quant.dequantize of its integer counterpart if its producer was
  /// quantized.
  llvm::Expected<Value *> getFloat(Value *V);
  /// The integer activation type for float type \p F with scale \p Scale.
  TensorType intType(const TensorType &F, float Scale) const;
  ElementType actElementType() const {
    return Opts.ActivationBits > 8 ? ElementType::I16 : ElementType::I8;
  }
  /// Creates a quant op (or an onnx.* op on integers) before the current op
  /// whose results replace float values \p Replaces (one per result; null
  /// entries replace nothing). The results get temporary names and take
  /// the float names once the float graph is gone.
  llvm::Expected<Op *>
  createReplacement(llvm::StringRef Kind, llvm::ArrayRef<Value *> Operands,
                    llvm::ArrayRef<TensorType> Types, AttributeMap Attrs,
                    llvm::ArrayRef<Value *> Replaces, const Op *From);
  /// Replaces the fused chain \p C (the op \p O and the activations after
  /// it) by one integer op \p Kind whose result has scale \p OutScale and
  /// takes the chain's last value; marks the chain done.
  llvm::Expected<bool> replaceChain(llvm::StringRef Kind,
                                    llvm::ArrayRef<Value *> Operands,
                                    AttributeMap Attrs,
                                    const ActivationChain &C, float OutScale,
                                    const Op *O);
  /// Records that float \p F is now computed by integer \p I.
  void setReplaced(Value *F, Value *I);
  /// Absorbs single-use Relu / Clip ops after \p V into \p C.
  void extendChain(Value *V, ActivationChain &C) const;
  /// Adds activation op \p A (Relu or Clip with constant bounds) to \p C;
  /// false if it cannot be absorbed.
  bool absorbActivation(Op *A, ActivationChain &C) const;
  /// Marks the chain's ops fused (the walk skips them).
  void commitChain(const ActivationChain &C);
  /// The epilogue for per-channel rescale ratios \p Ratios (one or C
  /// entries) with the chain's activation for output scale \p OutScale.
  llvm::Expected<Epilogue> makeEpilogue(llvm::ArrayRef<double> Ratios,
                                        const ActivationChain &C,
                                        double OutScale, const Op *O) const;

  //===--- Op families
  //-----------------------------------------------------===//
  llvm::Expected<bool> quantizeConv(Op *O);
  llvm::Expected<bool> quantizeFC(Op *O);
  /// Weights [O, ...] (already in the op's layout), optional bias [O].
  llvm::Expected<LinearParams>
  quantizeLinear(const Op *O, llvm::ArrayRef<float> W,
                 llvm::ArrayRef<int64_t> WShape, const std::vector<float> *Bias,
                 double InScale, const ActivationChain &C, double OutScale);
  /// The integer weight constant of float \p W (cached per \p W when
  /// \p Cacheable).
  Value *getWeightConstant(Value *W, const Tensor &Words, bool Cacheable);
  llvm::Expected<bool> quantizeAdd(Op *O);
  llvm::Expected<bool> quantizeActivation(Op *O);
  llvm::Expected<bool> quantizeAvgPool(Op *O);
  llvm::Expected<bool> quantizeLrn(Op *O);
  llvm::Expected<bool> quantizeDataMovement(Op *O);
  llvm::Expected<bool> quantizeConcat(Op *O);

  Graph &G;
  const CalibrationTable &Table;
  QuantizeOptions Opts;
  Builder B;
  /// Float value -> integer value computing it (quantized or lazily
  /// quantized).
  llvm::DenseMap<const Value *, Value *> IntOf;
  /// Float values whose producers were quantized (their float ops die).
  llvm::DenseSet<const Value *> Replaced;
  /// Float value -> its quant.dequantize, for float consumers.
  llvm::DenseMap<const Value *, Value *> DequantOf;
  /// Float weight constant -> its integer words, so layers sharing weights
  /// share one constant (only where the words are W's own elements).
  llvm::DenseMap<const Value *, Value *> WeightCache;
  /// Uses of each value among the original ops (Graph::getUses scans the
  /// whole graph).
  llvm::DenseMap<const Value *, llvm::SmallVector<std::pair<Op *, unsigned>, 2>>
      OrigUses;
  /// Relu / Clip ops absorbed into a producer's epilogue.
  llvm::DenseSet<const Op *> Fused;
  /// (temporary name, final name) of integer values, in creation order;
  /// names, not pointers, because DCE erases some of them.
  std::vector<std::pair<std::string, std::string>> Renames;
  /// Output dequantizes to rename first (they take the output names).
  std::vector<std::pair<std::string, std::string>> OutputRenames;
  unsigned NumQuantized = 0, NumKeptFloat = 0;
};

/// Reads a scalar constant (Clip bound) as double.
std::optional<double> getScalarConstant(const Value *V);

} // namespace quantize
} // namespace onncf

#endif
