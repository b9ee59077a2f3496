//===- VirtualPlatform.cpp - (placeholder until its owner commits it) ------------------===//
//
// Part of onnc-fault. Placeholder so the library builds while the virtual
// platform is written in parallel; replaced by the real implementation.
//
//===----------------------------------------------------------------------===//
#include "Engines.h"
