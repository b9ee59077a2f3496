//===- QuantizeConv.cpp - Conv -> quant.conv; weights, bias, multipliers --===//
//
// Part of onnc-fault. The arithmetic of a quantized linear layer, shared by
// quant.conv and quant.fc, chosen so the layer is an NVDLA layer:
//  * weights: symmetric N-bit words per output channel (or per tensor);
//  * clip_truncate: the CACC shift that keeps the worst-case accumulator
//    (every input at its largest magnitude 2^(bits-1), every weight's sign
//    matching) inside int32, independent of the data;
//  * bias: in accumulator units after the truncate, then snapped to the SDP
//    ALU operand grid (an int16 shifted left by one per-layer shift), so the
//    stored i32 is exactly what the hardware adds;
//  * multipliers: int16 per channel with one per-layer right shift, the
//    largest channel ratio deciding it.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace llvm;

namespace onncf {
namespace quantize {

Expected<LinearParams> Quantizer::quantizeLinear(const Op *O, ArrayRef<float> W,
                                                 ArrayRef<int64_t> WShape,
                                                 const std::vector<float> *Bias,
                                                 double InScale,
                                                 const ActivationChain &C,
                                                 double OutScale) {
  const unsigned Bits = Opts.WeightBits;
  const bool PerChannel = Opts.Weights == WeightGranularity::PerChannel;
  auto Scales = computeWeightScales(W, WShape, Bits, Opts.Weights, 0);
  if (!Scales)
    return makeError(O->getDescription() + ": " + toString(Scales.takeError()));
  const int64_t NumOut = WShape[0];
  const int64_t PerOut = NumOut ? static_cast<int64_t>(W.size()) / NumOut : 0;
  if (PerChannel) {
    // An all-zero (pruned) channel gets scale 1 from computeWeightScales;
    // its ratio would then set the layer's one shift and starve every other
    // channel's multiplier. Any scale represents zeros: take the largest
    // real one, which leaves the layer's shift unchanged.
    float Largest = 0;
    std::vector<bool> Zero(NumOut, true);
    for (int64_t Ch = 0; Ch < NumOut; ++Ch) {
      for (int64_t I = 0; I < PerOut && Zero[Ch]; ++I)
        Zero[Ch] = W[Ch * PerOut + I] == 0.0f;
      if (!Zero[Ch])
        Largest = std::max(Largest, (*Scales)[Ch]);
    }
    if (Largest > 0)
      for (int64_t Ch = 0; Ch < NumOut; ++Ch)
        if (Zero[Ch])
          (*Scales)[Ch] = Largest;
  }
  auto Words = quantizeWeights(W, WShape, *Scales, Bits, Opts.Weights, 0);
  if (!Words)
    return makeError(O->getDescription() + ": " + toString(Words.takeError()));

  LinearParams P;
  TensorType WT(Bits <= 8 ? ElementType::I8 : ElementType::I16, WShape);
  QuantParams WQ;
  WQ.Scales.assign(Scales->begin(), Scales->end());
  WQ.Axis = PerChannel ? 0 : -1;
  WQ.Bits = Bits;
  WT.setQuant(WQ);
  P.Weights = Tensor(WT);
  if (Bits <= 8) {
    auto D = P.Weights.mutableData<int8_t>();
    for (size_t I = 0; I < Words->size(); ++I)
      D[I] = static_cast<int8_t>((*Words)[I]);
  } else {
    auto D = P.Weights.mutableData<int16_t>();
    for (size_t I = 0; I < Words->size(); ++I)
      D[I] = static_cast<int16_t>((*Words)[I]);
  }

  // Worst case |acc| = max_c sum |w| * 2^(bits-1) (the most negative input
  // has the largest magnitude).
  int64_t MaxSum = 0;
  for (int64_t Ch = 0; Ch < NumOut; ++Ch) {
    int64_t Sum = 0;
    for (int64_t I = 0; I < PerOut; ++I)
      Sum += std::abs(static_cast<int64_t>((*Words)[Ch * PerOut + I]));
    MaxSum = std::max(MaxSum, Sum);
  }
  int64_t MaxAcc = MaxSum * (int64_t(1) << (Opts.ActivationBits - 1));
  if (MaxAcc > fixp::intMax(48))
    return makeError(O->getDescription() +
                     ": the accumulator can exceed 48 bits (" + Twine(PerOut) +
                     " products per output)");
  unsigned CT = 0;
  while (fixp::roundShift(MaxAcc, CT) > fixp::intMax(32))
    ++CT;
  if (CT > 31)
    return makeError(O->getDescription() + ": clip_truncate " + Twine(CT) +
                     " exceeds 31");
  P.ClipTruncate = CT;

  auto WScale = [&](int64_t Ch) -> double {
    return PerChannel ? (*Scales)[Ch] : (*Scales)[0];
  };
  // One accumulator unit after CACC, per output channel.
  auto AccScale = [&](int64_t Ch) {
    return InScale * WScale(Ch) * std::ldexp(1.0, static_cast<int>(CT));
  };

  if (Bias) {
    std::vector<int64_t> Acc(NumOut);
    for (int64_t Ch = 0; Ch < NumOut; ++Ch)
      Acc[Ch] = fixp::roundToInt((*Bias)[Ch] / AccScale(Ch), 32);
    // The SDP adds an int16 operand shifted left by one per-layer shift:
    // the smallest shift that fits every channel keeps the most bits.
    unsigned K = 0;
    for (;; ++K) {
      bool Fits = true;
      for (int64_t A : Acc)
        if (std::abs(fixp::roundShift(A, K)) > 32767)
          Fits = false;
      if (Fits)
        break;
    }
    TensorType BT(ElementType::I32, {NumOut});
    QuantParams BQ;
    for (int64_t Ch = 0; Ch < (PerChannel ? NumOut : 1); ++Ch)
      BQ.Scales.push_back(static_cast<float>(AccScale(Ch)));
    BQ.Axis = PerChannel ? 0 : -1;
    BQ.Bits = 32;
    BT.setQuant(BQ);
    P.Bias = Tensor(BT);
    auto D = P.Bias.mutableData<int32_t>();
    const int64_t Limit = fixp::intMax(32) >> K;
    for (int64_t Ch = 0; Ch < NumOut; ++Ch) {
      int64_t Q = std::clamp(fixp::roundShift(Acc[Ch], K), -Limit, Limit);
      D[Ch] = static_cast<int32_t>(Q * (int64_t(1) << K));
    }
  }

  SmallVector<double, 16> Ratios;
  for (int64_t Ch = 0; Ch < (PerChannel ? NumOut : 1); ++Ch)
    Ratios.push_back(AccScale(Ch) / OutScale);
  auto E = makeEpilogue(Ratios, C, OutScale, O);
  if (!E)
    return E.takeError();
  P.Epi = std::move(*E);
  return P;
}

Value *Quantizer::getWeightConstant(Value *W, const Tensor &Words,
                                    bool Cacheable) {
  if (Cacheable)
    if (Value *C = WeightCache.lookup(W))
      return C;
  Value *QW = G.addConstantUnique(W->getName() + ".q", Words);
  Renames.push_back({QW->getName(), W->getName()});
  if (Cacheable)
    WeightCache[W] = QW;
  return QW;
}

/// f32 data of constant \p V, or null.
static const Tensor *getF32Constant(const Value *V) {
  if (!V || !V->isConstant() || V->getConstantData().isNull() ||
      V->getConstantData().getElementType() != ElementType::F32)
    return nullptr;
  return &V->getConstantData();
}

Expected<bool> Quantizer::quantizeConv(Op *O) {
  Value *X = O->getOperand(0);
  Value *W = O->getOperand(1);
  Value *BV = O->getOptionalOperand(2);
  const Tensor *WT = getF32Constant(W);
  if (!isActivation(X) || !WT || X->getType().getRank() != 4 ||
      WT->getType().getRank() != 4 || O->getNumResults() != 1)
    return false;
  const int64_t NumOut = WT->getShape()[0];
  const Tensor *BT = nullptr;
  if (BV) {
    BT = getF32Constant(BV);
    if (!BT || BT->getNumElements() != NumOut)
      return false;
  }
  auto Geo = computeConvGeometry(*O, X->getType().getShape(), WT->getShape());
  if (!Geo)
    return makeError(O->getDescription() + ": " + toString(Geo.takeError()));
  // SAME padding over a dynamic spatial dim has no static pads to write.
  if (Geo->Pad == AutoPad::SameUpper || Geo->Pad == AutoPad::SameLower)
    for (int64_t D : Geo->Input)
      if (D == kDynamicDim)
        return false;

  ActivationChain Chain;
  extendChain(O->getResult(), Chain);
  auto OutScale = getTableScale(Chain.Final, O);
  if (!OutScale)
    return OutScale.takeError();
  auto IX = getInt(X, O);
  if (!IX)
    return IX.takeError();

  std::vector<float> Bias;
  if (BT)
    Bias.assign(BT->data<float>().begin(), BT->data<float>().end());
  auto P =
      quantizeLinear(O, WT->data<float>(), WT->getShape(), BT ? &Bias : nullptr,
                     getScale(*IX), Chain, *OutScale);
  if (!P)
    return P.takeError();

  SmallVector<Value *, 3> Operands{*IX};
  Operands.push_back(getWeightConstant(W, P->Weights, /*Cacheable=*/true));
  if (BT) {
    Value *QB = G.addConstantUnique(BV->getName() + ".q", P->Bias);
    Renames.push_back({QB->getName(), BV->getName()});
    Operands.push_back(QB);
  }

  AttributeMap Attrs;
  Attrs["strides"] =
      Attribute(std::vector<int64_t>(Geo->Strides.begin(), Geo->Strides.end()));
  Attrs["dilations"] = Attribute(
      std::vector<int64_t>(Geo->Dilations.begin(), Geo->Dilations.end()));
  std::vector<int64_t> Pads(Geo->PadsBegin.begin(), Geo->PadsBegin.end());
  Pads.insert(Pads.end(), Geo->PadsEnd.begin(), Geo->PadsEnd.end());
  Attrs["pads"] = Attribute(std::move(Pads));
  Attrs["group"] = Attribute(O->getIntAttr("group", 1));
  Attrs["clip_truncate"] = Attribute(int64_t(P->ClipTruncate));
  P->Epi.addTo(Attrs);

  return replaceChain(quantop::Conv, Operands, std::move(Attrs), Chain,
                      *OutScale, O);
}

} // namespace quantize
} // namespace onncf
