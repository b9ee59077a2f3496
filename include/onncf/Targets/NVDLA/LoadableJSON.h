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

#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "llvm/Support/JSON.h"

namespace onncf {
namespace nvdla {

/// The loadable's tables; blob data included when \p WithData.
llvm::json::Object loadableToJSON(const LoadableFile &F, bool WithData = true);
/// {"task_id", "layout", "network", "ops": [...], "luts": [...]}.
llvm::json::Object networkToJSON(const DLANetwork &N);

} // namespace nvdla
} // namespace onncf

#endif
