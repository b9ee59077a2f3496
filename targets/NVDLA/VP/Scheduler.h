//===- Scheduler.h - The DLA firmware's scheduling, for the VP --*- C++ -*-===//
//
// Part of onnc-fault. Internal to targets/NVDLA/VP: VirtualPlatform.cpp runs
// each DLA1 task's decoded network through runDLANetwork, which programs,
// enables and runs the operations in the order the firmware would.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_VP_SCHEDULER_H
#define ONNCF_TARGETS_NVDLA_VP_SCHEDULER_H

#include "Engines.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"

namespace onncf {
namespace nvdla {
namespace vp {

/// Runs every operation of \p Net on the engine models. Errors name \p What
/// (e.g. "task 0") and the op; a network whose dependencies can never all
/// be met is reported as a deadlock listing the ops still waiting.
llvm::Error runDLANetwork(const DLANetwork &Net, const TaskMemory &Mem,
                          const NvdlaConfig &Cfg, VPStats &Stats,
                          const llvm::Twine &What,
                          const fault::MacLaneModel *Mac = nullptr,
                          llvm::ArrayRef<fault::CbufConvFaults> Cbuf = {});

/// The engines \p Cfg lacks that \p Net uses, as an error (or success).
llvm::Error checkNetworkEngines(const DLANetwork &Net, const NvdlaConfig &Cfg,
                                const llvm::Twine &What);

} // namespace vp
} // namespace nvdla
} // namespace onncf

#endif
