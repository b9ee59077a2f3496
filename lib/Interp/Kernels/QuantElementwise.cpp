//===- QuantElementwise.cpp - quant.quantize/dequantize/add/requantize ----===//
//
// Part of onnc-fault. The elementwise quant.* kernels (onncf/IR/QuantOps.h)
// and the reading of the SDP epilogue attributes every quant kernel shares.
// Also registers all quant.* kernels (registerQuantKernels).
//
//===----------------------------------------------------------------------===//
#include "KernelUtils.h"
#include "QuantKernels.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Interp/Kernels.h"

using namespace llvm;

namespace onncf {
namespace interp {

Expected<QuantEpilogue> readQuantEpilogue(const Op &O, int64_t Channels) {
  const Attribute *Mul = O.getAttr("mul");
  if (!Mul || !Mul->is(AttrKind::Ints) || Mul->getInts().empty())
    return makeError("missing attribute 'mul'");
  const auto &M = Mul->getInts();
  if (M.size() != 1 && (Channels == 0 || int64_t(M.size()) != Channels))
    return makeError(
        "attribute 'mul' has " + Twine(M.size()) + " entries, expected 1" +
        (Channels ? " or " + std::to_string(Channels) : std::string()));
  int64_t Shift = O.getIntAttr("shift", -1);
  if (Shift < 0 || Shift > 63)
    return makeError("attribute 'shift' is " + Twine(Shift) +
                     ", expected a value in [0, 63]");
  int64_t OutBits = O.getIntAttr("out_bits", 8);
  if (OutBits != 8 && OutBits != 16)
    return makeError("attribute 'out_bits' is " + Twine(OutBits) +
                     ", expected 8 or 16");
  fixp::EpilogueParams P;
  P.Shift = unsigned(Shift);
  P.Relu = O.getIntAttr("relu", 0) != 0;
  P.OutBits = unsigned(OutBits);
  for (const char *Name : {"clamp_min", "clamp_max"}) {
    int64_t V = O.getIntAttr(Name, 0);
    if (V < INT32_MIN || V > INT32_MAX)
      return makeError(Twine("attribute '") + Name + "' is " + Twine(V) +
                       ", outside the int32 range");
  }
  if (O.hasAttr("clamp_min"))
    P.ClampMin = int32_t(O.getIntAttr("clamp_min", 0));
  if (O.hasAttr("clamp_max"))
    P.ClampMax = int32_t(O.getIntAttr("clamp_max", 0));
  QuantEpilogue E;
  for (int64_t V : M) {
    if (V < 0 || V > 32767)
      return makeError("attribute 'mul' has entry " + Twine(V) +
                       ", expected a value in [0, 32767]");
    P.Multiplier = int16_t(V);
    E.Params.push_back(P);
  }
  return E;
}

Expected<unsigned> readClipTruncate(const Op &O) {
  int64_t V = O.getIntAttr("clip_truncate", 0);
  if (V < 0 || V > 31)
    return makeError("attribute 'clip_truncate' is " + Twine(V) +
                     ", expected a value in [0, 31]");
  return unsigned(V);
}

namespace {

/// Calls Fn(T{}) for an i8/i16/i32 element type \p E (others: error).
template <typename F>
Error dispatchInt(const Tensor &T, bool AllowI32, F &&Fn) {
  switch (T.getElementType()) {
  case ElementType::I8:
    Fn(int8_t());
    return Error::success();
  case ElementType::I16:
    Fn(int16_t());
    return Error::success();
  case ElementType::I32:
    if (AllowI32) {
      Fn(int32_t());
      return Error::success();
    }
    [[fallthrough]];
  default:
    return unsupportedType(T);
  }
}

Error checkOutBits(const Tensor &Y, unsigned Bits) {
  ElementType Want = Bits == 16 ? ElementType::I16 : ElementType::I8;
  if (Y.getElementType() != Want)
    return makeError("result type " + Y.getType().str() +
                     " does not match the " + Twine(Bits) + "-bit output");
  return Error::success();
}

Expected<float> readScale(const Op &O) {
  float S = O.getFloatAttr("scale", 0.0f);
  if (!(S > 0) || !std::isfinite(S))
    return makeError("attribute 'scale' is " + std::to_string(S) +
                     ", expected a finite value > 0");
  return S;
}

Error quantizeKernel(const Op &O, ArrayRef<const Tensor *> In,
                     MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  if (X.getElementType() != ElementType::F32)
    return unsupportedType(X);
  auto Scale = readScale(O);
  if (!Scale)
    return Scale.takeError();
  int64_t Bits = O.getIntAttr("bits", 8);
  if (Bits != 8 && Bits != 16)
    return makeError("attribute 'bits' is " + Twine(Bits) +
                     ", expected 8 or 16");
  if (Error E = checkOutBits(Y, Bits))
    return E;
  qgemm::quantizeRow(X.data<float>().data(), X.getNumElements(), *Scale,
                     unsigned(Bits), Y.mutableBytes().data());
  return Error::success();
}

/// y = float(x) * scale, one float multiplication (float(x) is exact for
/// i8/i16; an i32 is rounded to float first).
Error dequantizeKernel(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  auto Scale = readScale(O);
  if (!Scale)
    return Scale.takeError();
  float S = *Scale;
  float *YD = Out[0].mutableData<float>().data();
  return dispatchInt(X, true, [&](auto Z) {
    using T = decltype(Z);
    auto XD = X.data<T>();
    for (size_t I = 0; I < XD.size(); ++I)
      YD[I] = static_cast<float>(XD[I]) * S;
  });
}

template <typename XT, typename YT>
void epilogueLoop(const XT *X, int64_t N, const fixp::EpilogueParams &P,
                  YT *Y) {
  for (int64_t I = 0; I < N; ++I)
    Y[I] = static_cast<YT>(fixp::sdpEpilogue(X[I], P));
}

Error requantizeKernel(const Op &O, ArrayRef<const Tensor *> In,
                       MutableArrayRef<Tensor> Out) {
  const Tensor &X = *In[0];
  Tensor &Y = Out[0];
  auto Epi = readQuantEpilogue(O, 0);
  if (!Epi)
    return Epi.takeError();
  const fixp::EpilogueParams &P = Epi->Params[0];
  if (Error E = checkOutBits(Y, P.OutBits))
    return E;
  int64_t N = X.getNumElements();
  return dispatchInt(X, true, [&](auto Z) {
    using XT = decltype(Z);
    const XT *XD = X.data<XT>().data();
    if (P.OutBits == 8)
      epilogueLoop(XD, N, P, Y.mutableData<int8_t>().data());
    else
      epilogueLoop(XD, N, P, Y.mutableData<int16_t>().data());
  });
}

/// quant.add in blocks: B rescaled to A's units by the epilogue with
/// (mul_b, shift_b) and a 32-bit output (= sdpTruncate(sdpMul(b, mul_b),
/// shift_b)), then the epilogue of the 33-bit sum; both vectorised.
template <typename AT, typename BT>
void addBlocks(const AT *A, const BT *B, int64_t N, int16_t MulB,
               unsigned ShiftB, const fixp::EpilogueParams &P, void *Y) {
  constexpr int64_t Block = 1024;
  int32_t A32[Block], B32[Block], BS[Block];
  fixp::EpilogueParams PB;
  PB.Multiplier = MulB;
  PB.Shift = ShiftB;
  PB.OutBits = 32;
  unsigned YBytes = P.OutBits / 8;
  for (int64_t I0 = 0; I0 < N; I0 += Block) {
    int64_t Len = std::min(Block, N - I0);
    for (int64_t I = 0; I < Len; ++I) {
      A32[I] = A[I0 + I];
      B32[I] = B[I0 + I];
    }
    qgemm::epilogueRow32(B32, Len, 0, 0, PB, BS, 4);
    qgemm::epilogueSum32(A32, BS, Len, P, static_cast<char *>(Y) + I0 * YBytes,
                         YBytes);
  }
}

Error addKernel(const Op &O, ArrayRef<const Tensor *> In,
                MutableArrayRef<Tensor> Out) {
  const Tensor &A = *In[0], &B = *In[1];
  Tensor &Y = Out[0];
  if (A.getShape() != B.getShape())
    return makeError("operands must have the same shape, not " +
                     A.getType().str() + " and " + B.getType().str());
  auto Epi = readQuantEpilogue(O, 0);
  if (!Epi)
    return Epi.takeError();
  const fixp::EpilogueParams &P = Epi->Params[0];
  if (Error E = checkOutBits(Y, P.OutBits))
    return E;
  int64_t MulB = O.getIntAttr("mul_b", -1),
          ShiftB = O.getIntAttr("shift_b", -1);
  if (MulB < 0 || MulB > 32767)
    return makeError("attribute 'mul_b' is " + Twine(MulB) +
                     ", expected a value in [0, 32767]");
  if (ShiftB < 0 || ShiftB > 63)
    return makeError("attribute 'shift_b' is " + Twine(ShiftB) +
                     ", expected a value in [0, 63]");
  int64_t N = A.getNumElements();
  Error Inner = Error::success();
  Error Outer = dispatchInt(A, false, [&](auto ZA) {
    using AT = decltype(ZA);
    Inner = dispatchInt(B, false, [&](auto ZB) {
      using BT = decltype(ZB);
      addBlocks(A.data<AT>().data(), B.data<BT>().data(), N, int16_t(MulB),
                unsigned(ShiftB), P, Y.mutableBytes().data());
    });
  });
  if (Outer) {
    consumeError(std::move(Inner));
    return Outer;
  }
  return Inner;
}

} // namespace
} // namespace interp

void registerQuantKernels(KernelRegistry &R) {
  R.add(quantop::Quantize, interp::quantizeKernel);
  R.add(quantop::Dequantize, interp::dequantizeKernel);
  R.add(quantop::Requantize, interp::requantizeKernel);
  R.add(quantop::Add, interp::addKernel);
  registerQuantConvKernels(R);
  registerQuantPoolKernels(R);
  registerQuantLrnKernels(R);
}

} // namespace onncf
