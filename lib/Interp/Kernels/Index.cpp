//===- Index.cpp - placeholder ------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
namespace onncf {
void registerIndexKernels(KernelRegistry &R) {}
} // namespace onncf
