//===- AllTargets.cpp - Register every target of this build --------------===//
//
// Part of onnc-fault. The one place that knows which targets exist: a new
// target adds its register function here and its library to
// targets/CMakeLists.txt. Registration is explicit (no static constructors)
// because static libraries drop objects nothing refers to.
//
//===----------------------------------------------------------------------===//
#include "onncf/Target/Target.h"
#include "onncf/Targets/Host/HostTarget.h"
#include "onncf/Targets/NVDLA/NvdlaTarget.h"

namespace onncf {

void registerAllTargets() {
  static bool Done = [] {
    registerHostTarget();
    registerNvdlaTargets();
    return true;
  }();
  (void)Done;
}

} // namespace onncf
