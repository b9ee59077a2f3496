//===- Sgemm.cpp - Baseline SGEMM and run-time ISA dispatch ---------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Sgemm.h"

#define ONNCF_SGEMM_FN sgemmGeneric
#define ONNCF_SGEMM_PREPACKED_FN sgemmPrePackedGeneric
#define ONNCF_SGEMM_NR_FN sgemmNRGeneric
#define ONNCF_SGEMM_MR 4
#define ONNCF_SGEMM_NR 8
#define ONNCF_SGEMM_FMA 0
#include "SgemmImpl.inc"

namespace onncf {

#if defined(ONNCF_HAVE_SGEMM_AVX2)
void sgemmAVX2(bool TransA, bool TransB, int64_t M, int64_t N, int64_t K,
               const float *A, int64_t LDA, const float *B, int64_t LDB,
               float *C, int64_t LDC, bool Accumulate);
void sgemmPrePackedAVX2(int64_t M, int64_t N, int64_t K, const float *A,
                        int64_t LDA, const float *PackedB, float *C,
                        int64_t LDC);
int64_t sgemmNRAVX2();

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

void sgemmPrePacked(int64_t M, int64_t N, int64_t K, const float *A,
                    int64_t LDA, const float *PackedB, float *C, int64_t LDC) {
#if defined(ONNCF_HAVE_SGEMM_AVX2)
  if (hasAVX2())
    return sgemmPrePackedAVX2(M, N, K, A, LDA, PackedB, C, LDC);
#endif
  sgemmPrePackedGeneric(M, N, K, A, LDA, PackedB, C, LDC);
}

int64_t getSgemmPanelWidth() {
#if defined(ONNCF_HAVE_SGEMM_AVX2)
  if (hasAVX2())
    return sgemmNRAVX2();
#endif
  return sgemmNRGeneric();
}

const char *getSgemmVariant() {
#if defined(ONNCF_HAVE_SGEMM_AVX2)
  if (hasAVX2())
    return "avx2-fma";
#endif
  return "generic";
}

} // namespace onncf
