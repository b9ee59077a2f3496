//===- DescriptorJSON.h - NVDLA firmware descriptors as JSON --------------===//
//
// Part of onnc-fault. Field names are those of reference/NVDLA.md, so a dump
// reads like the firmware tables; onnc-dump prints these objects as JSON or
// as indented text.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_DESCRIPTORJSON_H
#define ONNCF_TARGETS_NVDLA_DESCRIPTORJSON_H

#include "onncf/Targets/NVDLA/Descriptors.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "llvm/Support/JSON.h"

namespace onncf {
namespace nvdla {

llvm::json::Object toJSON(const NetworkDesc &D);
llvm::json::Object toJSON(const CommonOpDesc &D);
llvm::json::Object toJSON(const DataCube &D);
llvm::json::Object toJSON(const LutParam &D);
/// The op descriptor of the op's type, e.g. {"pool_mode": 1, ...}.
llvm::json::Object opToJSON(unsigned Type, const OpContainer &Op);
/// The surface descriptor of the op's type (its data cubes by name).
llvm::json::Object surfaceToJSON(unsigned Type, const SurfaceContainer &S);
/// {"index", "type", "common", "op", "surface"} for one decoded op.
llvm::json::Object toJSON(unsigned Index, const DecodedOp &D);

// EMU1 (CPU task) descriptors. Floats that are not finite print as the
// strings "nan", "inf" and "-inf" (JSON has no such numbers).
llvm::json::Object toJSON(const EmuNetworkDesc &D);
/// The fields of the op's type (common ones included), e.g.
/// {"op_type": 0, "power": 1, ...}.
llvm::json::Object emuOpToJSON(const EmuOpContainer &Op);
llvm::json::Object toJSON(const EmuBufferDesc &D);

} // namespace nvdla
} // namespace onncf

#endif
