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
struct Geometry {
  CubeDims In, Out;
  int64_t R = 1, Stride = 1, PadTop = 0;
  uint64_t Eps = 0, GroupBytes = 0, TotalWeightBytes = 0;
  int64_t Groups = 1, KernelsPerGroup = 8;
};

Geometry geometry(const Op &O, const NvdlaConfig &Cfg) {
  Geometry G;
  G.In = getInCube(O);
  G.Out = getOutCube(O);
  G.R = O.getIntsAttr("kernel", {1, 1})[0];
  int64_t S = O.getIntsAttr("kernel", {1, 1})[1];
  G.Stride = O.getIntsAttr("strides", {1, 1})[0];
  G.PadTop = O.getIntsAttr("pads", {0, 0, 0, 0})[0];
  G.Eps =
      (uint64_t(G.In.C) + Cfg.CbufEntryBytes - 1) / Cfg.CbufEntryBytes * G.In.W;
  G.KernelsPerGroup = Cfg.getKernelsPerGroup(1);
  G.Groups = (G.Out.C + G.KernelsPerGroup - 1) / G.KernelsPerGroup;
  G.GroupBytes = uint64_t(G.KernelsPerGroup) * G.In.C * G.R * S;
  G.TotalWeightBytes = O.getIntAttr("weight_bytes", 0);
  return G;
}

uint64_t ceilDiv(uint64_t A, uint64_t B) { return (A + B - 1) / B; }
} // namespace

Error planConvCbuf(Op &O, const NvdlaConfig &Cfg) {
  Geometry G = geometry(O, Cfg);
  const uint64_t Banks = Cfg.CbufBanks;
  auto WB = [&](int64_t Kg) {
    return ceilDiv(std::min(G.GroupBytes * Kg, G.TotalWeightBytes),
                   Cfg.getCbufBankBytes());
  };
  auto InRows = [&](int64_t Rows) {
    return std::min<int64_t>((Rows - 1) * G.Stride + G.R, G.In.H);
  };
  auto DB = [&](int64_t Rows) {
    return ceilDiv(G.Eps * InRows(Rows), Cfg.CbufBankDepth);
  };
  int64_t Kg = G.Groups, Rows = G.Out.H;
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
  if (Rows < 1 || Kg < 1 || G.Eps > 0xffff)
    return makeError(O.getDescription() + ": one output row (" +
                     Twine(InRows(1)) + " input rows of " + Twine(G.In.C) +
                     "x" + Twine(G.In.W) + ", " + Twine(DB(1)) +
                     " banks) and one kernel group (" + Twine(G.GroupBytes) +
                     " bytes, " + Twine(WB(1)) + " banks) do not fit the " +
                     Twine(Banks) + " CBUF banks of " + Cfg.Name);
  O.setAttr("entry_per_slice", int64_t(G.Eps));
  O.setAttr("data_bank", int64_t(DB(Rows)));
  O.setAttr("weight_bank", int64_t(WB(Kg)));
  O.setAttr("split_kernels",
            std::min<int64_t>(Kg * G.KernelsPerGroup, G.Out.C));
  O.setAttr("split_rows", Rows);
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
