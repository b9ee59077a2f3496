//===- VirtualPlatform.h - Bit-true NVDLA virtual platform ------*- C++ -*-===//
//
// Part of onnc-fault. Runs a loadable the way NVIDIA's runtime and firmware
// would on the hardware: allocates its memories, fills SET memories from
// blobs, binds inputs and outputs, runs the submit list (DLA1 tasks on the
// engine models CONV/SDP/PDP/CDP/BDMA/RUBIK with the firmware's scheduling,
// EMU1 tasks on the CPU model) with NVDLA's fixed-point arithmetic
// (reference/NVDLA.md). Everything read from the file has been validated by
// the LoadableReader; engines still check every cube against its memory.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_VIRTUALPLATFORM_H
#define ONNCF_TARGETS_NVDLA_VIRTUALPLATFORM_H

#include "onncf/Targets/NVDLA/Descriptors.h"
#include "onncf/Targets/NVDLA/IoBlob.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Optional.h"
#include "llvm/Support/Error.h"
#include <array>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace onncf {
class Executor;
namespace fault {
class DefectMap;
}
class Tensor;

namespace nvdla {

struct NvdlaConfig;

/// Work done by one engine (or the EMU CPU model) in one or more runs.
struct EngineStats {
  uint64_t Ops = 0;          ///< Operations executed.
  uint64_t Macs = 0;         ///< Multiply-accumulates (CONV) or elements.
  uint64_t BytesRead = 0;    ///< From DRAM / SRAM (not on-the-fly paths).
  uint64_t BytesWritten = 0; ///< To DRAM / SRAM.
  uint64_t Cycles = 0;       ///< Estimate from the config's throughputs.
  EngineStats &operator+=(const EngineStats &O);
};

/// Per-engine statistics, indexed by OpType (BDMA .. RUBIK), plus EMU1.
struct VPStats {
  std::array<EngineStats, NumOpTypes> Engines;
  EngineStats Emu;
  uint64_t Runs = 0;
  VPStats &operator+=(const VPStats &O);
  /// Estimated cycles of one run: engines that work on the same op chain
  /// overlap (CONV->SDP->PDP on-the-fly), others add up.
  uint64_t getEstimatedCycles() const;
  /// A table: engine, ops, MACs, bytes read/written, cycles.
  void print(llvm::raw_ostream &OS, const NvdlaConfig &Cfg) const;
};

/// A bound INPUT or OUTPUT memory of the loadable.
struct BoundSurface {
  unsigned BindId = 0;
  unsigned MemoryId = 0;
  uint64_t Size = 0; ///< Bytes of the memory.
  /// The tensor descriptor the memory refers to (tensor_desc_id), if any.
  llvm::Optional<unsigned> TensorDescId;
  std::string Name;
  /// From the tensor descriptor (0 when absent).
  unsigned N = 0, C = 0, H = 0, W = 0;
  unsigned DataType = 0, DataFormat = 0;
  uint64_t LineStride = 0, SurfStride = 0;
  /// Where the tensor descriptor's surface starts in the memory.
  uint64_t Offset = 0;
};

struct VPOptions {
  /// The hardware the loadable runs on. Null: the config named in the
  /// loadable's onncf.io blob, else nv_full.
  const NvdlaConfig *Config = nullptr;
  /// The chip of a defect map (onnc-run --defect-map): its first wmem
  /// memory's faults are applied, once at create(), to the bytes every CONV
  /// op reads as weights (byte address = offset in the weights memory), then
  /// the onncf.fault blob's decoders (which apply without a map too). Only
  /// used by create().
  const fault::DefectMap *Map = nullptr;
  std::string MapName;
};

class VirtualPlatform {
public:
  /// Takes a validated loadable. Errors: an unsupported interface, a DLA
  /// network that fails to decode, engines the config lacks.
  static llvm::Expected<std::unique_ptr<VirtualPlatform>>
  create(std::unique_ptr<LoadableFile> File, const VPOptions &Opts = {});
  ~VirtualPlatform();

  const LoadableFile &getFile() const { return *File; }
  const NvdlaConfig &getConfig() const { return *Config; }
  /// INPUT / OUTPUT memories sorted by bind id.
  llvm::ArrayRef<BoundSurface> getInputs() const { return Inputs; }
  llvm::ArrayRef<BoundSurface> getOutputs() const { return Outputs; }
  /// The initial bytes of each INPUT memory by bind id (its SET blobs,
  /// zeros elsewhere): runRaw's inputs for a run "as the file is".
  std::vector<std::vector<uint8_t>> getInitialInputSurfaces() const;
  /// The decoded onncf.io blob, if the loadable has one.
  const IoInfo *getIoInfo() const { return Io ? &*Io : nullptr; }

  /// One inference on raw surfaces: \p InputSurfaces[i] are the bytes of
  /// the INPUT memory with bind id i (exactly its size). Returns the bytes
  /// of each OUTPUT memory by bind id. Safe to call from several threads
  /// (every run has its own memories). Adds to \p Stats when given.
  llvm::Expected<std::vector<std::vector<uint8_t>>>
  runRaw(llvm::ArrayRef<std::vector<uint8_t>> InputSurfaces,
         VPStats *Stats = nullptr) const;

private:
  VirtualPlatform() = default;
  struct Impl;
  std::unique_ptr<LoadableFile> File;
  const NvdlaConfig *Config = nullptr;
  std::vector<BoundSurface> Inputs, Outputs;
  llvm::Optional<IoInfo> Io;
  std::unique_ptr<Impl> P;
};

/// An Executor over a loadable for onnc-run. With an onncf.io blob, ports
/// are the model's float tensors (inputs quantized with the blob's scale,
/// rounding half away from zero and saturating; outputs dequantized), NCHW.
/// Without it, ports are the raw integer surfaces dense in NCHW order (int8
/// or int16 from the tensor descriptor); a loadable with no INPUT memory
/// (NVIDIA's unit tests embed theirs) has no inputs. \p Stats, when given,
/// receives every run's statistics (must outlive the executor).
llvm::Expected<std::unique_ptr<Executor>>
createVPExecutor(std::unique_ptr<VirtualPlatform> VP, VPStats *Stats);

/// The bytes of each INPUT memory (by bind id) for \p Inputs, one tensor
/// per input with a batch of one, converted as the executor does (for a
/// caller that needs runRaw's raw outputs, e.g. onnc-run's DIMG output).
llvm::Expected<std::vector<std::vector<uint8_t>>>
makeVPInputSurfaces(const VirtualPlatform &VP, llvm::ArrayRef<Tensor> Inputs);

} // namespace nvdla
} // namespace onncf

#endif
