//===- PdpSplit.cpp - PDP split mode for wide pooling inputs --------------===//
//
// Part of onnc-fault. Output pieces: first and mid pieces are M columns
// (the most one split may produce), the last one the rest. Input pieces:
// each piece reads the input columns from where the previous piece stopped
// up to the last column its last window needs (clamped to the cube, so
// right padding reads nothing; the last piece reads to the end of the
// line, including columns a stride above the kernel skips); the mid
// pieces then all read M * stride columns. Where padding makes a piece read
// nothing, or the mid pieces unequal, a smaller M is tried.
//
//===----------------------------------------------------------------------===//
#include "PdpSplit.h"
#include "onncf/IR/Op.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/Lowering.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/ADT/Optional.h"
#include <algorithm>
#include <vector>

using namespace llvm;

namespace onncf {
namespace nvdla {

namespace {
/// split_num is a u8 field.
constexpr unsigned MaxSplitNum = 255;

/// The split with first / mid pieces of \p M output columns, if valid.
Optional<PdpSplit> trySplit(int64_t W, int64_t OW, int64_t Kw, int64_t Sx,
                            int64_t PadL, int64_t M) {
  int64_t N = (OW + M - 1) / M;
  if (N < 2 || N > MaxSplitNum)
    return None;
  std::vector<int64_t> In;
  int64_t Read = 0;
  for (int64_t J = 0; J < N; ++J) {
    int64_t OEnd = std::min(OW, (J + 1) * M); // one past the last output
    // The last piece also takes the columns no window reads.
    int64_t End = J + 1 == N ? W : std::min(W, (OEnd - 1) * Sx - PadL + Kw);
    if (End <= Read)
      return None;
    In.push_back(End - Read);
    Read = End;
  }
  for (int64_t J = 2; J + 1 < N; ++J)
    if (In[J] != In[1])
      return None;
  PdpSplit S;
  S.SplitNum = unsigned(N);
  S.InFirst = unsigned(In.front());
  S.InMid = N > 2 ? unsigned(In[1]) : 0;
  S.InLast = unsigned(In.back());
  S.OutFirst = unsigned(M);
  S.OutMid = N > 2 ? unsigned(M) : 0;
  S.OutLast = unsigned(OW - (N - 1) * M);
  return S;
}
} // namespace

Expected<PdpSplit> planPdpSplit(const Op &O, const NvdlaConfig &Cfg,
                                unsigned ElemBytes) {
  CubeDims In = getInCube(O), Out = getOutCube(O);
  auto K = O.getIntsAttr("kernel");
  auto St = O.getIntsAttr("strides", {1, 1});
  auto P = O.getIntsAttr("pads", {0, 0, 0, 0});
  if (K.size() != 2 || St.size() != 2 || P.size() != 4)
    return makeError(O.getDescription() +
                     ": kernel, strides or pads have the wrong rank");
  unsigned MaxW =
      Cfg.getPdpMaxSplitWidth(ElemBytes, unsigned(K[0]), unsigned(St[0]));
  PdpSplit S;
  if (Out.W <= int64_t(MaxW)) {
    S.InFirst = S.InMid = S.InLast = unsigned(In.W);
    S.OutFirst = S.OutMid = S.OutLast = unsigned(Out.W);
    return S;
  }
  for (int64_t M = MaxW; M >= 1; --M) {
    if ((Out.W + M - 1) / M > MaxSplitNum)
      break; // smaller pieces only need more of them
    if (auto T = trySplit(In.W, Out.W, K[1], St[1], P[1], M))
      return *T;
  }
  return makeError(
      O.getDescription() + ": the pooled line of " + Twine(Out.W) +
      " columns (input " + Twine(In.W) + ") does not fit the PDP buffer of " +
      Cfg.Name + " in at most " + Twine(MaxSplitNum) + " split pieces of " +
      Twine(MaxW) + " columns (kernel " + Twine(K[0]) + "x" + Twine(K[1]) +
      ", stride " + Twine(St[0]) + "x" + Twine(St[1]) + ")");
}

} // namespace nvdla
} // namespace onncf
