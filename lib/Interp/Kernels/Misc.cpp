//===- Misc.cpp - placeholder ------------------------------------------------===//
#include "KernelUtils.h"
#include "onncf/Interp/Kernels.h"
namespace onncf {
void registerMiscKernels(KernelRegistry &R) {}
} // namespace onncf
