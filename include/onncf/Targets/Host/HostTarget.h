//===- HostTarget.h - The `host` target -------------------------*- C++ -*-===//
//
// Part of onnc-fault. `-march=host` compiles for the machine the compiler
// runs on: the final IR is the quantized graph itself (quant.* ops and the
// value-preserving onnx.* ops between them) and the native output is its
// text form, which `onnc-run out.ir` executes with the integer interpreter.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_HOST_HOSTTARGET_H
#define ONNCF_TARGETS_HOST_HOSTTARGET_H

namespace onncf {

/// Adds `host` to the TargetRegistry.
void registerHostTarget();

} // namespace onncf

#endif
