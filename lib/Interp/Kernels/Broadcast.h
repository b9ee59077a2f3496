//===- Broadcast.h - Numpy-style broadcasting loops -------------*- C++ -*-===//
//
// Part of onnc-fault. Internal to lib/Interp. Binary element-wise loops
// over a result shape where each operand broadcasts (its dims are aligned
// to the right; a dim of 1 repeats). The innermost axis is a plain loop
// with constant strides, which the compiler vectorises in the common
// same-shape and scalar cases.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_LIB_INTERP_KERNELS_BROADCAST_H
#define ONNCF_LIB_INTERP_KERNELS_BROADCAST_H

#include "KernelUtils.h"

namespace onncf {
namespace interp {

/// Element strides of an operand of shape \p In broadcast to \p Out (0 on
/// broadcast axes); error if it does not broadcast.
inline llvm::Expected<llvm::SmallVector<int64_t, 6>>
broadcastStrides(llvm::ArrayRef<int64_t> In, llvm::ArrayRef<int64_t> Out) {
  if (In.size() > Out.size())
    return makeError("operand of rank " + llvm::Twine(In.size()) +
                     " does not broadcast to rank " + llvm::Twine(Out.size()));
  llvm::SmallVector<int64_t, 6> S(Out.size(), 0);
  int64_t Step = 1;
  for (int I = (int)In.size() - 1; I >= 0; --I) {
    int64_t OI = I + (Out.size() - In.size());
    if (In[I] != 1 && In[I] != Out[OI])
      return makeError("dimension " + llvm::Twine(In[I]) +
                       " does not broadcast to " + llvm::Twine(Out[OI]));
    S[OI] = In[I] == 1 ? 0 : Step;
    Step *= In[I];
  }
  return S;
}

/// R[i] = Fn(A[a(i)], B[b(i)]) over the result shape \p Shape.
template <typename TA, typename TB, typename TR, typename F>
void broadcastLoop(const TA *A, llvm::ArrayRef<int64_t> AS, const TB *B,
                   llvm::ArrayRef<int64_t> BS, TR *R,
                   llvm::ArrayRef<int64_t> Shape, F Fn) {
  int64_t Total = product(Shape);
  if (Total == 0)
    return;
  size_t Rank = Shape.size();
  bool AFull = true, BFull = true, AScalar = true, BScalar = true;
  {
    auto Full = stridesOf(Shape);
    for (size_t I = 0; I < Rank; ++I) {
      if (Shape[I] == 1)
        continue;
      AFull &= AS[I] == Full[I];
      BFull &= BS[I] == Full[I];
      AScalar &= AS[I] == 0;
      BScalar &= BS[I] == 0;
    }
  }
  if (AFull && BFull) {
    for (int64_t I = 0; I < Total; ++I)
      R[I] = Fn(A[I], B[I]);
    return;
  }
  if (AFull && BScalar) {
    TB V = B[0];
    for (int64_t I = 0; I < Total; ++I)
      R[I] = Fn(A[I], V);
    return;
  }
  if (AScalar && BFull) {
    TA V = A[0];
    for (int64_t I = 0; I < Total; ++I)
      R[I] = Fn(V, B[I]);
    return;
  }
  int64_t Inner = Rank ? Shape[Rank - 1] : 1;
  int64_t SA = Rank ? AS[Rank - 1] : 0, SB = Rank ? BS[Rank - 1] : 0;
  llvm::SmallVector<int64_t, 6> Index(Rank, 0);
  int64_t AOff = 0, BOff = 0;
  for (int64_t Done = 0; Done < Total; Done += Inner) {
    const TA *AP = A + AOff;
    const TB *BP = B + BOff;
    TR *RP = R + Done;
    if (SA == 1 && SB == 0) {
      TB V = BP[0];
      for (int64_t I = 0; I < Inner; ++I)
        RP[I] = Fn(AP[I], V);
    } else if (SA == 0 && SB == 1) {
      TA V = AP[0];
      for (int64_t I = 0; I < Inner; ++I)
        RP[I] = Fn(V, BP[I]);
    } else {
      for (int64_t I = 0; I < Inner; ++I)
        RP[I] = Fn(AP[I * SA], BP[I * SB]);
    }
    // Advance the multi-index over the outer axes.
    for (int D = (int)Rank - 2; D >= 0; --D) {
      AOff += AS[D];
      BOff += BS[D];
      if (++Index[D] < Shape[D])
        break;
      AOff -= AS[D] * Shape[D];
      BOff -= BS[D] * Shape[D];
      Index[D] = 0;
    }
  }
}

} // namespace interp
} // namespace onncf

#endif
