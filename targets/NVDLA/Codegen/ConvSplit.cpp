//===- ConvSplit.cpp - Splitting convolutions to fit the CBUF -------------===//
//
// Part of onnc-fault. The CBUF holds a convolution's input rows in data
// banks and its kernels in weight banks (ConvSplit.h). Data: one slice (an
// input row) takes entry_per_slice entries, the pixel's channel bytes
// rounded up to whole entries times the width. Weights: the packed bytes.
// The choice, smallest change first:
//  1. everything fits: one part;
//  2. all input rows fit next to one kernel group: split the kernels only,
//     as many groups per part as fit;
//  3. otherwise split both: kernel parts take at most half the banks, the
//     output rows per part are as many as fit next to them.
//
//===----------------------------------------------------------------------===//
#include "ConvSplit.h"
#include "onncf/IR/Op.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/ADT/Twine.h"
#include <algorithm>

using namespace llvm;

namespace onncf {
namespace nvdla {

namespace {
uint64_t ceilDiv(uint64_t A, uint64_t B) { return (A + B - 1) / B; }
} // namespace

Expected<CbufPlan> planCbuf(const CbufShape &Sh, const NvdlaConfig &Cfg,
                            const Twine &What) {
  const uint64_t Eps = (uint64_t(Sh.In.C) + Cfg.CbufEntryBytes - 1) /
                       Cfg.CbufEntryBytes * Sh.In.W;
  const int64_t KernelsPerGroup = Cfg.getKernelsPerGroup(1);
  const int64_t Groups = (Sh.Out.C + KernelsPerGroup - 1) / KernelsPerGroup;
  const uint64_t GroupBytes = uint64_t(KernelsPerGroup) * Sh.In.C * Sh.R * Sh.S;
  const uint64_t Banks = Cfg.CbufBanks;
  auto WB = [&](int64_t Kg) {
    return ceilDiv(std::min(GroupBytes * Kg, Sh.WeightBytes),
                   Cfg.getCbufBankBytes());
  };
  auto InRows = [&](int64_t Rows) {
    return std::min<int64_t>((Rows - 1) * Sh.Stride + Sh.R, Sh.In.H);
  };
  auto DB = [&](int64_t Rows) {
    return ceilDiv(Eps * InRows(Rows), Cfg.CbufBankDepth);
  };
  int64_t Kg = Groups, Rows = Sh.Out.H;
  if (DB(Rows) + WB(Kg) > Banks) {
    if (DB(Rows) + WB(1) <= Banks) {
      while (DB(Rows) + WB(Kg) > Banks)
        --Kg;
    } else {
      while (Kg > 1 && WB(Kg) > Banks / 2)
        --Kg;
      while (Rows > 0 && DB(Rows) + WB(Kg) > Banks)
        --Rows;
    }
  }
  if (Rows < 1 || Kg < 1 || Eps > 0xffff)
    return makeError(What + ": one output row (" + Twine(InRows(1)) +
                     " input rows of " + Twine(Sh.In.C) + "x" + Twine(Sh.In.W) +
                     ", " + Twine(DB(1)) + " banks) and one kernel group (" +
                     Twine(GroupBytes) + " bytes, " + Twine(WB(1)) +
                     " banks) do not fit the " + Twine(Banks) +
                     " CBUF banks of " + Cfg.Name);
  CbufPlan P;
  P.EntryPerSlice = Eps;
  P.DataBanks = int64_t(DB(Rows));
  P.WeightBanks = int64_t(WB(Kg));
  P.SplitKernels = std::min<int64_t>(Kg * KernelsPerGroup, Sh.Out.C);
  P.SplitRows = Rows;
  return P;
}

Error planConvCbuf(Op &O, const NvdlaConfig &Cfg) {
  CbufShape Sh;
  Sh.In = getInCube(O);
  Sh.Out = getOutCube(O);
  Sh.R = O.getIntsAttr("kernel", {1, 1})[0];
  Sh.S = O.getIntsAttr("kernel", {1, 1})[1];
  Sh.Stride = O.getIntsAttr("strides", {1, 1})[0];
  Sh.WeightBytes = uint64_t(O.getIntAttr("weight_bytes", 0));
  auto P = planCbuf(Sh, Cfg, O.getDescription());
  if (!P)
    return P.takeError();
  // The fault placement recorded the banks for the CBUF fault model
  // (cbuf_banks, by this rule on the quant op): they must be these.
  if (O.hasAttr("cbuf_banks") &&
      O.getIntsAttr("cbuf_banks") !=
          std::vector<int64_t>{P->DataBanks, P->WeightBanks})
    return makeError(O.getDescription() +
                     ": its CBUF fault placement (cbuf_banks) is not the "
                     "planner's " +
                     Twine(P->DataBanks) + " data / " + Twine(P->WeightBanks) +
                     " weight banks");
  O.setAttr("entry_per_slice", int64_t(P->EntryPerSlice));
  O.setAttr("data_bank", P->DataBanks);
  O.setAttr("weight_bank", P->WeightBanks);
  O.setAttr("split_kernels", P->SplitKernels);
  O.setAttr("split_rows", P->SplitRows);
  return Error::success();
}

std::vector<ConvPart> getConvParts(const Op &O) {
  CubeDims In = getInCube(O), Out = getOutCube(O);
  int64_t R = O.getIntsAttr("kernel", {1, 1})[0];
  int64_t Stride = O.getIntsAttr("strides", {1, 1})[0];
  auto Pads = O.getIntsAttr("pads", {0, 0, 0, 0});
  int64_t SK = std::max<int64_t>(1, O.getIntAttr("split_kernels", Out.C));
  int64_t SR = std::max<int64_t>(1, O.getIntAttr("split_rows", Out.H));
  std::vector<ConvPart> Parts;
  for (int64_t K0 = 0; K0 < Out.C; K0 += SK)
    for (int64_t Y0 = 0; Y0 < Out.H; Y0 += SR) {
      ConvPart P;
      P.K0 = K0;
      P.K1 = std::min(Out.C, K0 + SK);
      P.OY0 = Y0;
      P.OY1 = std::min(Out.H, Y0 + SR);
      // Input rows of the padded cube these output rows read, then the
      // real rows among them and the padding left at either end.
      int64_t A = P.OY0 * Stride - Pads[0];
      int64_t B = (P.OY1 - 1) * Stride - Pads[0] + R - 1;
      P.IY0 = std::max<int64_t>(A, 0);
      P.IY1 = std::min<int64_t>(B, In.H - 1) + 1;
      P.PadTop = std::max<int64_t>(0, -A);
      P.PadBottom = std::max<int64_t>(0, B - (In.H - 1));
      Parts.push_back(P);
    }
  return Parts;
}

} // namespace nvdla
} // namespace onncf
