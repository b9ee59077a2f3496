//===- Engines.h - Engine models of the NVDLA virtual platform --*- C++ -*-===//
//
// Part of onnc-fault. Internal to targets/NVDLA/VP. One file per engine
// (ConvEngine.cpp, SdpEngine.cpp, PdpEngine.cpp, CdpEngine.cpp,
// BdmaEngine.cpp, RubikEngine.cpp) and one for the EMU1 CPU tasks
// (EmuTask.cpp); the scheduler (Scheduler.cpp) calls them in the firmware's
// order. Engines read and write memories only through TaskMemory, which
// bounds-checks every access, and pass data between fused engines through
// the on-the-fly pipes of EngineContext (a cube of memory type HW).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_VP_ENGINES_H
#define ONNCF_TARGETS_NVDLA_VP_ENGINES_H

#include "onncf/Fault/CbufFaults.h"
#include "onncf/Fault/MacFaults.h"
#include "onncf/Targets/NVDLA/Descriptors.h"
#include "onncf/Targets/NVDLA/EmuDescriptors.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
namespace nvdla {
namespace vp {

/// Memory types of a data cube.
enum CubeMemoryType : uint16_t { MemDRAM = 0, MemSRAM = 1, MemHW = 2 };

/// The memories of one run, addressed through a task's address list.
class TaskMemory {
public:
  /// \p AddressBases[k] is where address index k of the current task
  /// points: the bytes from that address entry's offset to its end.
  explicit TaskMemory(std::vector<llvm::MutableArrayRef<uint8_t>> AddressBases)
      : Bases(std::move(AddressBases)) {}

  /// \p Size bytes at \p Offset of address index \p AddressIndex. Errors
  /// ("<What>: address index 3 offset 4096 + 64 bytes exceeds its 2048")
  /// for a negative or unknown index or an access past the end.
  llvm::Expected<llvm::MutableArrayRef<uint8_t>>
  resolve(int AddressIndex, uint64_t Offset, uint64_t Size,
          const llvm::Twine &What) const;

  unsigned getNumAddresses() const { return Bases.size(); }

private:
  std::vector<llvm::MutableArrayRef<uint8_t>> Bases;
};

/// A feature cube in memory (NCxHWx, channels-per-atom from the config and
/// the element size), checked once so element access needs no checks.
class FeatureView {
public:
  /// Resolves \p Cube (its address, offset, width/height/channel and
  /// strides) with \p ElemBytes (1 int8, 2 int16/fp16). The span checked is
  /// the last element's offset + element size. Errors name \p What.
  static llvm::Expected<FeatureView> get(const TaskMemory &Mem,
                                         const DataCube &Cube,
                                         unsigned ElemBytes, unsigned AtomBytes,
                                         const llvm::Twine &What);

  unsigned width() const { return W; }
  unsigned height() const { return H; }
  unsigned channels() const { return C; }
  unsigned elemBytes() const { return ElemBytes; }

  /// Byte offset of (c, y, x) within the view.
  uint64_t offset(unsigned Ch, unsigned Y, unsigned X) const {
    return uint64_t(Ch / PerAtom) * SurfStride + uint64_t(Y) * LineStride +
           uint64_t(X) * AtomBytes + uint64_t(Ch % PerAtom) * ElemBytes;
  }
  /// Signed integer element (int8 or int16, little-endian).
  int32_t load(unsigned Ch, unsigned Y, unsigned X) const;
  /// Stores the low ElemBytes bytes of \p V.
  void store(unsigned Ch, unsigned Y, unsigned X, int32_t V) const;
  /// Raw bytes (for FP16 or copies).
  llvm::MutableArrayRef<uint8_t> bytes() const { return Bytes; }

private:
  llvm::MutableArrayRef<uint8_t> Bytes;
  unsigned W = 0, H = 0, C = 0, ElemBytes = 1, AtomBytes = 8, PerAtom = 8;
  uint64_t LineStride = 0, SurfStride = 0;
};

/// Data passed between fused engines without memory (cube type HW): the
/// producer fills it in C-H-W order, the consumer takes it.
struct OnTheFlyPipe {
  bool Valid = false;
  unsigned C = 0, H = 0, W = 0;
  std::vector<int64_t> Data; ///< C*H*W values (CACC int32, SDP int8/16, ...)
  int64_t &at(unsigned Ch, unsigned Y, unsigned X) {
    return Data[(uint64_t(Ch) * H + Y) * W + X];
  }
};

struct EngineContext {
  const TaskMemory &Mem;
  const NvdlaConfig &Cfg;
  DescLayout Layout;
  llvm::ArrayRef<LutParam> Luts;
  OnTheFlyPipe ConvToSdp; ///< CONV (CACC) -> SDP
  OnTheFlyPipe SdpToPdp;  ///< SDP -> PDP
  VPStats &Stats;
  /// The MAC lane faults and substitutions (defect map cmac memory +
  /// onncf.fault cmac section); null: a fault-free array.
  const fault::MacLaneModel *Mac = nullptr;
  /// The CBUF faults of each op of the network by op index (empty: none),
  /// computed once per loadable (VirtualPlatform::create).
  llvm::ArrayRef<fault::CbufConvFaults> Cbuf;
  EngineContext(const TaskMemory &Mem, const NvdlaConfig &Cfg, DescLayout L,
                llvm::ArrayRef<LutParam> Luts, VPStats &Stats)
      : Mem(Mem), Cfg(Cfg), Layout(L), Luts(Luts), Stats(Stats) {}
};

/// Each runs one operation of its engine completely. \p Index is the op's
/// index in the network (for messages: "op 3 (CONV): ..."). Errors for
/// settings the model does not implement name the field and value.
llvm::Error runConv(const DecodedOp &Op, unsigned Index, EngineContext &Ctx);
llvm::Error runSdp(const DecodedOp &Op, unsigned Index, EngineContext &Ctx);
llvm::Error runPdp(const DecodedOp &Op, unsigned Index, EngineContext &Ctx);
llvm::Error runCdp(const DecodedOp &Op, unsigned Index, EngineContext &Ctx);
llvm::Error runBdma(const DecodedOp &Op, unsigned Index, EngineContext &Ctx);
llvm::Error runRubik(const DecodedOp &Op, unsigned Index, EngineContext &Ctx);

/// Runs one EMU1 task: its network descriptor at address index 0 of
/// \p Mem names the op list and buffer descriptors (address indices), as
/// the CPU runtime reads them; POWER and SOFTMAX ops. \p Layout selects the
/// legacy buffer descriptor (no addressIndexOffset).
llvm::Error runEmuTask(const TaskMemory &Mem, DescLayout Layout,
                       VPStats &Stats);

/// EMU buffer descriptor \p D as a bounds-checked feature view of
/// \p ElemBytes elements (shared by every EMU op).
llvm::Expected<FeatureView> emuBufferView(const TaskMemory &Mem,
                                          const EmuBufferDesc &D,
                                          unsigned ElemBytes,
                                          const llvm::Twine &What);

/// The onnc-fault extension op ONNCF_ADD (EmuAdd.cpp): Y = quant.add(A, B),
/// bit-exact; errors for bad formats, shapes, attributes or buffers.
llvm::Error runEmuOnncfAdd(const TaskMemory &Mem, const EmuOnncfAddOpDesc &Op,
                           const EmuBufferDesc &A, const EmuBufferDesc &B,
                           const EmuBufferDesc &Y, const llvm::Twine &Name,
                           VPStats &Stats);

} // namespace vp
} // namespace nvdla
} // namespace onncf

#endif
