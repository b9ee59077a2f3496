//===- Lowering.cpp - quant.* -> nvdla.* ----------------------------------===//
//
// Part of onnc-fault. Rewrites the quantized graph into the nvdla.* ops of
// onncf/Targets/NVDLA/NvdlaOps.h, keeping every op's arithmetic bit for bit:
//  * quant.conv / quant.fc -> nvdla.conv. The CACC truncate is the conv's
//    clip_truncate; the bias (which the quantize pass snapped to the SDP ALU
//    grid, an int16 shifted left by one per-layer shift) is split back into
//    int16 operands and that shift; the int16 multipliers and the truncate
//    are the epilogue's. An fc reads the cube its Flatten/Reshape viewed
//    with a kernel as large as the cube: the ONNX flatten order (c, h, w)
//    is the order of W[m][c][h][w], so the fc weights are a K x C x H x W
//    conv kernel without any permutation.
//  * onnx.MaxPool / GlobalMaxPool / quant.avgpool -> nvdla.pdp.
//  * quant.lrn -> nvdla.cdp with the same registers (int8 only).
//  * quant.add (SDP EW only) / quant.requantize -> nvdla.sdp. Without SDP
//    EW and with --allow-cpu-fallback a quant.add becomes an nvdla.sdp
//    with "emu" 1, which Codegen.cpp emits as an EMU1 ONNCF_ADD task.
//  * quant.quantize of the graph input and quant.dequantize of the graph
//    output stay: they are the ports (the VP quantizes float inputs and
//    dequantizes outputs with their scales, as the interpreter does).
// Anything else is an error naming the node, the op and the config.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Fault/Placement.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/QuantOps.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Layout.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/NvdlaOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <cstdlib>

using namespace llvm;

namespace onncf {
namespace nvdla {

namespace {

class Lowerer {
public:
  Lowerer(Graph &G, const NvdlaConfig &Cfg, bool CpuFallback)
      : G(G), Cfg(Cfg), CpuFallback(CpuFallback) {}
  Error run();

private:
  Error fail(const Op &O, const Twine &Msg) {
    return makeError(O.getDescription() + ": " + Msg + " on " + Cfg.Name);
  }
  Expected<CubeDims> cubeOf(const Op &O, const Value *V);
  Error lowerConv(Op &O, bool IsFC);
  Error copyFaultPlacement(const Op &O, const WeightLayout &L, int64_t InC,
                           AttributeMap &A);
  Error lowerPool(Op &O);
  Error lowerLrn(Op &O);
  Error lowerSdp(Op &O);
  Error lowerConcat(Op &O);
  Error lowerSoftmax(Op &Dq, Op &Softmax);
  Error replace(Op &O, StringRef Kind, ArrayRef<Value *> Operands,
                AttributeMap Attrs);

  Graph &G;
  const NvdlaConfig &Cfg;
  /// --allow-cpu-fallback: ops the config cannot run become EMU1 tasks.
  bool CpuFallback;
  llvm::SmallPtrSet<Op *, 2> Softmaxes;
};

bool isView(StringRef K) { return K == "onnx.Flatten" || K == "onnx.Reshape"; }

void setCubes(AttributeMap &A, const CubeDims &In, const CubeDims &Out) {
  A["in_c"] = In.C;
  A["in_h"] = In.H;
  A["in_w"] = In.W;
  A["out_c"] = Out.C;
  A["out_h"] = Out.H;
  A["out_w"] = Out.W;
}

/// The epilogue attributes the nvdla op keeps as they are.
void copyEpilogue(const Op &O, AttributeMap &A) {
  for (const char *N : {"shift", "relu", "clamp_min", "clamp_max", "out_bits"})
    if (const Attribute *X = O.getAttr(N))
      A[N] = *X;
}

} // namespace

Expected<CubeDims> Lowerer::cubeOf(const Op &O, const Value *V) {
  const TensorType &T = V->getType();
  if (T.getElementType() != ElementType::I8)
    return fail(O, "operand '" + V->getName() + "' is " + T.str() +
                       ": only 8-bit activations are supported");
  auto Dim = [&](unsigned I) { return T.getDim(I); };
  CubeDims D;
  if (T.getRank() == 4)
    D = {Dim(1), Dim(2), Dim(3)};
  else if (T.getRank() == 2)
    D = {Dim(1), 1, 1};
  else
    return fail(O, "operand '" + V->getName() + "' is " + T.str() +
                       ": NVDLA features are [N, C, H, W] or [N, C]");
  if (D.C <= 0 || D.H <= 0 || D.W <= 0 || D.C > 8192 || D.H > 8192 ||
      D.W > 8192)
    return fail(O, "operand '" + V->getName() + "' has shape " + T.str() +
                       ", which is not a static NVDLA cube");
  if (T.getDim(0) != 1 && T.getDim(0) != kDynamicDim)
    return fail(O, "batch " + Twine(T.getDim(0)) + " is not supported");
  return D;
}

Error Lowerer::replace(Op &O, StringRef Kind, ArrayRef<Value *> Operands,
                       AttributeMap Attrs) {
  // The result keeps the replaced value's name (graph outputs keep their
  // ONNX names): build under a temporary name, retire the old op, which
  // frees the name, then build the final op under it.
  std::string Name = O.getResult()->getName();
  std::string OpName = O.getName();
  TensorType Type = O.getResult()->getType();
  SmallVector<Value *, 4> Ins(Operands.begin(), Operands.end());
  auto Tmp = G.createOp(Kind, Ins, {Type}, Attrs, {G.getUniqueName(Name)},
                        G.getIterator(&O));
  if (!Tmp)
    return Tmp.takeError();
  G.replaceAllUsesWith(O.getResult(), (*Tmp)->getResult());
  G.eraseOp(&O);
  auto N = G.createOp(Kind, Ins, {Type}, std::move(Attrs), {Name},
                      G.getIterator(*Tmp));
  if (!N)
    return N.takeError();
  (*N)->setName(OpName);
  G.replaceAllUsesWith((*Tmp)->getResult(), (*N)->getResult());
  G.eraseOp(*Tmp);
  return Error::success();
}

/// The smallest left shift S such that every bias is an int16 << S: the
/// quantize pass stored them that way, so one exists.
static Expected<unsigned> findBiasShift(ArrayRef<int32_t> B) {
  for (unsigned S = 0; S < 32; ++S) {
    bool Ok = true;
    for (int32_t V : B) {
      int64_t X = V;
      if (X % (int64_t(1) << S) != 0 || std::abs(X >> S) > 32767) {
        Ok = false;
        break;
      }
    }
    if (Ok)
      return S;
  }
  return makeError("bias is not an int16 shifted left by one shift");
}

Error Lowerer::lowerConv(Op &O, bool IsFC) {
  Value *X = O.getOperand(0);
  Value *W = O.getOperand(1);
  Value *B = O.getOptionalOperand(2);
  if (!Cfg.Conv)
    return fail(O, "there is no CONV engine");
  if (!W->isConstant() || W->getConstantData().isNull())
    return fail(O, "the weight is not a constant");
  const Tensor &WT = W->getConstantData();
  if (WT.getElementType() != ElementType::I8)
    return fail(O, "weights are " + WT.getType().str() +
                       ": only 8-bit weights are supported");
  // An fc reads the cube its Flatten/Reshape viewed, if there is one.
  if (IsFC && X->isResult() && isView(X->getDefiningOp()->getKind()) &&
      X->getDefiningOp()->getOperand(0)->getType().getRank() == 4)
    X = X->getDefiningOp()->getOperand(0);
  auto In = cubeOf(O, X);
  if (!In)
    return In.takeError();
  auto Out = cubeOf(O, O.getResult());
  if (!Out)
    return Out.takeError();

  AttributeMap A;
  int64_t K = WT.getShape()[0], R, S;
  if (IsFC) {
    R = In->H;
    S = In->W;
    if (WT.getShape()[1] != In->C * In->H * In->W)
      return fail(O, "weight " + WT.getType().str() + " does not match the " +
                         "input cube");
    A["strides"] = std::vector<int64_t>{1, 1};
    A["pads"] = std::vector<int64_t>{0, 0, 0, 0};
  } else {
    if (O.getIntAttr("group", 1) != 1)
      return fail(O, "grouped convolution (group " +
                         Twine(O.getIntAttr("group", 1)) +
                         ") is not supported");
    for (int64_t D : O.getIntsAttr("dilations", {1, 1}))
      if (D != 1)
        return fail(O, "dilated convolution is not supported");
    R = WT.getShape()[2];
    S = WT.getShape()[3];
    auto St = O.getIntsAttr("strides", {1, 1});
    auto P = O.getIntsAttr("pads", {0, 0, 0, 0});
    for (int64_t V : St)
      if (V < 1 || V > 8)
        return fail(O, "stride " + Twine(V) + " is outside 1..8");
    for (int64_t V : P)
      if (V < 0 || V > 31)
        return fail(O, "padding " + Twine(V) + " is outside 0..31");
    A["strides"] = St;
    A["pads"] = P;
  }
  if (R > 32 || S > 32 || R < 1 || S < 1)
    return fail(O, "kernel " + Twine(R) + "x" + Twine(S) +
                       " is larger than 32x32");
  A["kernel"] = std::vector<int64_t>{R, S};
  setCubes(A, *In, *Out);
  copyEpilogue(O, A);
  A["clip_truncate"] = O.getIntAttr("clip_truncate", 0);

  auto L = makeWeightLayout(Cfg, K, In->C, R, S, 1);
  if (!L)
    return fail(O, toString(L.takeError()));
  auto Bytes = WT.bytes();
  auto Packed = packWeights(
      *L, ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Bytes.data()),
                            Bytes.size()));
  if (!Packed)
    return fail(O, toString(Packed.takeError()));
  Tensor PT(TensorType(ElementType::I8, {int64_t(Packed->size())}));
  std::memcpy(PT.mutableBytes().data(), Packed->data(), Packed->size());

  // Per-kernel SDP operands: int16 ALU (bias >> bias_shift), int16 MUL.
  std::vector<int64_t> Mul = O.getIntsAttr("mul");
  unsigned BiasShift = 0;
  std::vector<int32_t> Bias(K, 0);
  if (B) {
    if (!B->isConstant() || B->getConstantData().isNull())
      return fail(O, "the bias is not a constant");
    auto BD = B->getConstantData().data<int32_t>();
    Bias.assign(BD.begin(), BD.end());
    auto BS = findBiasShift(Bias);
    if (!BS)
      return fail(O, toString(BS.takeError()));
    BiasShift = *BS;
  }
  A["bias_shift"] = int64_t(BiasShift);
  Tensor ST(TensorType(ElementType::I16, {2 * K}));
  auto SD = ST.mutableData<int16_t>();
  for (int64_t Ch = 0; Ch < K; ++Ch) {
    SD[2 * Ch] = static_cast<int16_t>(Bias[Ch] >> BiasShift);
    SD[2 * Ch + 1] = static_cast<int16_t>(Mul.size() == 1 ? Mul[0] : Mul[Ch]);
  }
  if (Error E = copyFaultPlacement(O, *L, In->C, A))
    return E;
  Value *PW = G.addConstantUnique(W->getName() + ".nvdla", std::move(PT));
  Value *SO = G.addConstantUnique(W->getName() + ".sdp", std::move(ST));
  return replace(O, nvdlaop::Conv, {X, PW, SO}, std::move(A));
}

/// A placed quant op (fault-aware compilation, FaultPlacement.cpp): its
/// range and read decoder go to the nvdla.conv, the decoder masks re-indexed
/// from weight elements (row-major KCRS) to bytes of the packed range, for
/// the onncf.fault blob. The placement must describe the kernel packed here.
Error Lowerer::copyFaultPlacement(const Op &O, const WeightLayout &L,
                                  int64_t InC, AttributeMap &A) {
  if (!O.hasAttr(fault::attr::WMemOffset))
    return Error::success();
  std::vector<int64_t> KCRS = O.getIntsAttr(fault::attr::WMemKCRS);
  std::vector<int64_t> Groups = O.getIntsAttr(fault::attr::WMemGroups);
  if (O.getStringAttr(fault::attr::WMemLayout, "") !=
          fault::attr::NvdlaDirect ||
      KCRS != std::vector<int64_t>{L.K, InC, L.R, L.S} ||
      Groups != std::vector<int64_t>{int64_t(L.KernelsPerGroup),
                                     int64_t(L.ChannelsPerGroup)})
    return fail(O, "its weight placement (wmem_layout, wmem_kcrs, "
                   "wmem_groups) is not this config's kernel layout; place "
                   "the weights for this config");
  A[fault::attr::WMemOffset] = O.getIntAttr(fault::attr::WMemOffset, 0);
  A["fault_op"] = O.getName().empty() ? O.getDescription() : O.getName();
  A[fault::attr::Decoder] = O.getStringAttr(fault::attr::Decoder, "none");
  // The MAC array's read-path substitutions (lib/Fault/MacFaults.h), for
  // the blob's cmac section.
  if (const Attribute *Sub = O.getAttr("cmac_substitute"))
    A["cmac_substitute"] = *Sub;
  // The CBUF banks of the fault placement, checked by the planner.
  if (const Attribute *Banks = O.getAttr("cbuf_banks"))
    A["cbuf_banks"] = *Banks;
  std::vector<int64_t> M = O.getIntsAttr(fault::attr::DecoderMasks);
  if (M.empty())
    return Error::success();
  fault::GroupedKCRS Grp{
      L.K, L.C, L.R, L.S, L.KernelsPerGroup, L.ChannelsPerGroup};
  for (size_t I = 0; I + 1 < M.size(); I += 2) {
    if (M[I] < 0 || uint64_t(M[I]) >= Grp.count())
      return fail(O, "decoder_masks names word " + Twine(M[I]) +
                         " outside the weight");
    M[I] = int64_t(Grp.offsetOfIndex(uint64_t(M[I])) * L.ElemBytes);
  }
  A[fault::attr::DecoderMasks] = std::move(M);
  return Error::success();
}

Error Lowerer::lowerPool(Op &O) {
  if (!Cfg.Pdp)
    return fail(O, "there is no PDP engine");
  auto In = cubeOf(O, O.getOperand(0));
  if (!In)
    return In.takeError();
  auto Out = cubeOf(O, O.getResult());
  if (!Out)
    return Out.takeError();
  StringRef K = O.getKind();
  bool Global = K == "onnx.GlobalMaxPool";
  AttributeMap A;
  setCubes(A, *In, *Out);
  A["pool_mode"] = int64_t(K == quantop::AvgPool ? 0 : 1);
  std::vector<int64_t> Kernel = Global ? std::vector<int64_t>{In->H, In->W}
                                       : O.getIntsAttr("kernel_shape");
  if (Kernel.size() != 2)
    return fail(O, "only 2-D pooling is supported");
  if (O.getIntAttr("ceil_mode", 0) != 0)
    return fail(O, "ceil_mode = 1 is not supported");
  for (int64_t D : O.getIntsAttr("dilations", {1, 1}))
    if (D != 1)
      return fail(O, "dilated pooling is not supported");
  for (int64_t V : Kernel)
    if (V < 1 || V > 8)
      return fail(O, "pooling window " + Twine(V) + " is outside PDP's 1..8");
  auto St =
      Global ? std::vector<int64_t>{1, 1} : O.getIntsAttr("strides", {1, 1});
  auto P = Global ? std::vector<int64_t>{0, 0, 0, 0}
                  : O.getIntsAttr("pads", {0, 0, 0, 0});
  for (int64_t V : St)
    if (V < 1 || V > 16)
      return fail(O, "pooling stride " + Twine(V) + " is outside 1..16");
  for (int64_t V : P)
    if (V < 0 || V > 7)
      return fail(O, "pooling padding " + Twine(V) + " is outside 0..7");
  A["kernel"] = Kernel;
  A["strides"] = St;
  A["pads"] = P;
  return replace(O, nvdlaop::Pdp, {O.getOperand(0)}, std::move(A));
}

Error Lowerer::lowerLrn(Op &O) {
  if (!Cfg.Cdp)
    return fail(O, "there is no CDP engine");
  if (O.getOperand(0)->getType().getElementType() != ElementType::I8 ||
      O.getIntAttr("out_bits", 8) != 8)
    return fail(O, "only int8 LRN is supported");
  auto In = cubeOf(O, O.getOperand(0));
  if (!In)
    return In.takeError();
  auto Out = cubeOf(O, O.getResult());
  if (!Out)
    return Out.takeError();
  AttributeMap A;
  setCubes(A, *In, *Out);
  for (const char *N :
       {"size", "in_cvt", "out_cvt", "lut_le", "lut_lo", "lut_regs"})
    if (const Attribute *V = O.getAttr(N))
      A[N] = *V;
  return replace(O, nvdlaop::Cdp, {O.getOperand(0)}, std::move(A));
}

Error Lowerer::lowerSdp(Op &O) {
  bool IsAdd = O.getKind() == quantop::Add;
  // Without SDP EW the add runs on the CPU (an EMU1 ONNCF_ADD task, "emu" 1)
  // if the user allowed it; never silently.
  bool OnCpu = IsAdd && !Cfg.SdpEw;
  if (OnCpu && !CpuFallback)
    return makeError(O.getDescription() +
                     ": element-wise addition (SDP EW) is not supported on " +
                     Cfg.Name +
                     " (--allow-cpu-fallback runs it on the CPU as an EMU1 "
                     "task, which NVIDIA's runtime cannot execute)");
  auto In = cubeOf(O, O.getOperand(0));
  if (!In)
    return In.takeError();
  auto Out = cubeOf(O, O.getResult());
  if (!Out)
    return Out.takeError();
  SmallVector<Value *, 2> Operands{O.getOperand(0)};
  AttributeMap A;
  setCubes(A, *In, *Out);
  copyEpilogue(O, A);
  std::vector<int64_t> Mul = O.getIntsAttr("mul");
  if (Mul.size() != 1)
    return fail(O, "a per-channel multiplier is not supported here");
  A["mul"] = Mul[0];
  if (IsAdd) {
    auto BIn = cubeOf(O, O.getOperand(1));
    if (!BIn)
      return BIn.takeError();
    A["mul_b"] = O.getIntAttr("mul_b", 0);
    A["shift_b"] = O.getIntAttr("shift_b", 0);
    Operands.push_back(O.getOperand(1));
    if (OnCpu)
      A["emu"] = int64_t(1);
  }
  return replace(O, nvdlaop::Sdp, Operands, std::move(A));
}

Error Lowerer::lowerConcat(Op &O) {
  auto Out = cubeOf(O, O.getResult());
  if (!Out)
    return Out.takeError();
  int64_t Axis = O.getIntAttr("axis", 1);
  unsigned Rank = O.getResult()->getType().getRank();
  if (Axis < 0)
    Axis += Rank;
  if (Axis != 1)
    return fail(O, "only channel concatenation (axis 1) is supported");
  std::vector<int64_t> Offsets;
  int64_t Ch = 0;
  const unsigned PerAtom = Cfg.MemoryAtomBytes;
  for (Value *V : O.getOperands()) {
    auto In = cubeOf(O, V);
    if (!In)
      return In.takeError();
    if (!V->isResult() || !V->getDefiningOp()->getKind().startswith("nvdla."))
      return fail(O, "operand '" + V->getName() +
                         "' is not computed by an NVDLA layer");
    if (Ch % PerAtom != 0)
      return fail(O, "operand '" + V->getName() + "' starts at channel " +
                         Twine(Ch) + ", which is not a multiple of the " +
                         Twine(PerAtom) + " channels of a memory atom");
    Offsets.push_back(Ch);
    Ch += In->C;
  }
  AttributeMap A;
  setCubes(A, *Out, *Out);
  A["offsets"] = Offsets;
  return replace(O, nvdlaop::Concat, O.getOperands(), std::move(A));
}

/// Softmax(dequantize(x)) ending the graph: an EMU1 SOFTMAX task.
Error Lowerer::lowerSoftmax(Op &Dq, Op &Sm) {
  auto In = cubeOf(Dq, Dq.getOperand(0));
  if (!In)
    return In.takeError();
  const TensorType &T = Sm.getResult()->getType();
  int64_t Axis = Sm.getIntAttr("axis", -1);
  if (Axis < 0)
    Axis += T.getRank();
  if (Axis != 1 || (T.getRank() == 4 && (In->H != 1 || In->W != 1)))
    return fail(Sm, "only a softmax over the channels of a [N, C] or "
                    "[N, C, 1, 1] value is supported");
  AttributeMap A;
  setCubes(A, *In, *In);
  A["in_scale"] = Dq.getFloatAttr("scale", 1);
  A["out_scale"] = 1.0f / 32768;
  Value *X = Dq.getOperand(0);
  if (Error E = replace(Sm, nvdlaop::Softmax, {X}, std::move(A)))
    return E;
  if (!G.hasUses(Dq.getResult()))
    G.eraseOp(&Dq);
  return Error::success();
}

Error Lowerer::run() {
  std::vector<Op *> Ops;
  for (auto &O : G.getOps())
    Ops.push_back(O.get());
  for (Op *O : Ops) {
    if (Softmaxes.count(O))
      continue; // replaced with its dequantize
    StringRef K = O->getKind();
    if (K == quantop::Quantize) {
      if (!O->getOperand(0)->isInput())
        return fail(*O, "quantizing a computed float value (a float island) "
                        "is not supported");
      if (O->getIntAttr("bits", 8) != 8)
        return fail(*O, "only 8-bit activations are supported");
      continue;
    }
    if (K == quantop::Dequantize) {
      auto Uses = G.getUses(O->getResult());
      if (Uses.size() == 1 && Uses[0].first->getKind() == "onnx.Softmax" &&
          G.isOutput(Uses[0].first->getResult()) &&
          !G.isOutput(O->getResult())) {
        Op *Sm = Uses[0].first;
        if (Error E = lowerSoftmax(*O, *Sm))
          return E;
        Softmaxes.insert(Sm);
        continue;
      }
      if (!G.isOutput(O->getResult()))
        return fail(*O, "dequantizing into a float island is not supported");
      continue;
    }
    if (isView(K)) {
      // A view feeding fc layers (they read its operand's cube) or the
      // graph output (the output port is that cube, flattened).
      for (auto &U : G.getUses(O->getResult()))
        if (U.first->getKind() != quantop::FC &&
            !(U.first->getKind() == quantop::Dequantize &&
              G.isOutput(U.first->getResult()) &&
              O->getOperand(0)->getType().getRank() == 4))
          return fail(*O, "a reshape that feeds " + U.first->getDescription() +
                              " is not supported");
      continue;
    }
    Error E = Error::success();
    if (K == quantop::Conv || K == quantop::FC)
      E = lowerConv(*O, K == quantop::FC);
    else if (K == "onnx.MaxPool" || K == "onnx.GlobalMaxPool" ||
             K == quantop::AvgPool)
      E = lowerPool(*O);
    else if (K == quantop::Add || K == quantop::Requantize)
      E = lowerSdp(*O);
    else if (K == "onnx.Concat")
      E = lowerConcat(*O);
    else if (K == quantop::Lrn)
      E = lowerLrn(*O);
    else
      E = fail(*O, "operation " + K + " is not supported");
    if (E)
      return E;
  }
  // Views whose fc consumers now read the cube directly are dead.
  std::vector<Op *> DeadViews;
  for (auto &O : G.getOps())
    if (isView(O->getKind()) && !G.hasUses(O->getResult()))
      DeadViews.push_back(O.get());
  for (Op *O : DeadViews)
    G.eraseOp(O);
  G.eraseUnusedConstants();
  for (Value *V : G.getOutputs())
    if (!V->isResult() ||
        (V->getDefiningOp()->getKind() != quantop::Dequantize &&
         V->getDefiningOp()->getKind() != nvdlaop::Softmax))
      return makeError("graph output '" + V->getName() +
                       "' is not a dequantized NVDLA result on " + Cfg.Name);
  if (G.getInputs().size() != 1 || G.getOutputs().size() != 1)
    return makeError("NVDLA models need exactly one input and one output on " +
                     Cfg.Name);
  return Error::success();
}

Error lowerToNvdla(Graph &G, const NvdlaConfig &Cfg) {
  return lowerToNvdla(G, Cfg, /*AllowCpuFallback=*/false);
}

Error lowerToNvdla(Graph &G, const NvdlaConfig &Cfg, bool AllowCpuFallback) {
  registerNvdlaOps();
  return Lowerer(G, Cfg, AllowCpuFallback).run();
}

CubeDims getInCube(const Op &O) {
  return {O.getIntAttr("in_c", 0), O.getIntAttr("in_h", 0),
          O.getIntAttr("in_w", 0)};
}
CubeDims getOutCube(const Op &O) {
  return {O.getIntAttr("out_c", 0), O.getIntAttr("out_h", 0),
          O.getIntAttr("out_w", 0)};
}
uint64_t getCubeBytes(const CubeDims &D, const NvdlaConfig &Cfg) {
  uint64_t X = Cfg.MemoryAtomBytes;
  return uint64_t((D.C + X - 1) / X) * D.H * D.W * X;
}

} // namespace nvdla
} // namespace onncf
