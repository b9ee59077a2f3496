//===- SgemmAVX2.cpp - SGEMM built for AVX2 + FMA -------------------------===//
//
// Part of onnc-fault. This file is compiled with -mavx2 -mfma (see
// lib/Interp/CMakeLists.txt) and only called after a CPU check.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Sgemm.h"

#define ONNCF_SGEMM_FN sgemmAVX2
#define ONNCF_SGEMM_PREPACKED_FN sgemmPrePackedAVX2
#define ONNCF_SGEMM_NR_FN sgemmNRAVX2
#define ONNCF_SGEMM_MR 4
#define ONNCF_SGEMM_NR 24
#define ONNCF_SGEMM_VW 8
#define ONNCF_SGEMM_FMA 1
#include "SgemmImpl.inc"
