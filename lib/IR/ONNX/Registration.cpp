//===- Registration.cpp - Registers every onnx.* op kind ------------------===//
//
// Part of onnc-fault. Each op family lives in its own file and exposes a
// register function; this file calls them all.
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

namespace onncf {

void registerONNXOps(OpRegistry &R) {
  onnxops::registerConvOps(R);
  onnxops::registerPoolOps(R);
  onnxops::registerLinearOps(R);
  onnxops::registerNormOps(R);
  onnxops::registerElementwiseOps(R);
  onnxops::registerTensorOps(R);
  onnxops::registerShapeOps(R);
  onnxops::registerReduceOps(R);
  onnxops::registerResizeOps(R);
  onnxops::registerIndexOps(R);
}

} // namespace onncf
