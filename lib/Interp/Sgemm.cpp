//===- Sgemm.cpp - Baseline SGEMM and run-time ISA dispatch ---------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Sgemm.h"

#define ONNCF_SGEMM_FN sgemmGeneric
#define ONNCF_SGEMM_MR 4
#define ONNCF_SGEMM_NR 8
#define ONNCF_SGEMM_FMA 0
#include "SgemmImpl.inc"

namespace onncf {

#if defined(ONNCF_HAVE_SGEMM_AVX2)
void sgemmAVX2(bool TransA, bool TransB, int64_t M, int64_t N, int64_t K,
               const float *A, int64_t LDA, const float *B, int64_t LDB,
               float *C, int64_t LDC, bool Accumulate);

static bool hasAVX2() {
  static const bool Has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return Has;
}
#endif

void sgemm(bool TransA, bool TransB, int64_t M, int64_t N, int64_t K,
           const float *A, int64_t LDA, const float *B, int64_t LDB, float *C,
           int64_t LDC, bool Accumulate) {
#if defined(ONNCF_HAVE_SGEMM_AVX2)
  if (hasAVX2())
    return sgemmAVX2(TransA, TransB, M, N, K, A, LDA, B, LDB, C, LDC,
                     Accumulate);
#endif
  sgemmGeneric(TransA, TransB, M, N, K, A, LDA, B, LDB, C, LDC, Accumulate);
}

const char *getSgemmVariant() {
#if defined(ONNCF_HAVE_SGEMM_AVX2)
  if (hasAVX2())
    return "avx2-fma";
#endif
  return "generic";
}

} // namespace onncf
