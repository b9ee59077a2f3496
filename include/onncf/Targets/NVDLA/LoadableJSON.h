//===- LoadableJSON.h - An NVDLA loadable as JSON -------------------------===//
//
// Part of onnc-fault. loadableToJSON gives the container exactly as
// `flatc --json --strict-json --defaults-json` prints it (same keys, enum
// names, bit flags joined by spaces) so the two can be compared field for
// field; networkToJSON adds the decoded DLA descriptors.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_LOADABLEJSON_H
#define ONNCF_TARGETS_NVDLA_LOADABLEJSON_H

#include "onncf/Targets/NVDLA/EmuNetwork.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "llvm/Support/JSON.h"

namespace onncf {
namespace nvdla {

/// The loadable's tables; blob data included when \p WithData.
llvm::json::Object loadableToJSON(const LoadableFile &F, bool WithData = true);
/// {"task_id", "layout", "network", "ops": [...], "luts": [...]}.
llvm::json::Object networkToJSON(const DLANetwork &N);
/// {"task_id", "layout", "network", "ops": [...], "buffers": [...]}; each op
/// is {"index", "type", "src_buffer", "dst_buffer", "op"}.
llvm::json::Object emuNetworkToJSON(const EmuNetwork &N);

} // namespace nvdla
} // namespace onncf

#endif
