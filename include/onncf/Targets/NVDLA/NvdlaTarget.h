//===- NvdlaTarget.h - The nvdla-* targets ----------------------*- C++ -*-===//
//
// Part of onnc-fault. `-march=nvdla-small|nvdla-small-256|nvdla-large|
// nvdla-full`: lower the quantized graph to nvdla.* ops, plan it for the
// configuration and write an INT8 NVDLA loadable (.nvdla).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_NVDLATARGET_H
#define ONNCF_TARGETS_NVDLA_NVDLATARGET_H

namespace onncf {

/// Adds the four nvdla-* targets to the TargetRegistry.
void registerNvdlaTargets();

} // namespace onncf

#endif
