//===- EmuDescriptors.h - NVDLA EMU1 (CPU task) descriptors -----*- C++ -*-===//
//
// Part of onnc-fault. An EMU1 task runs on the CPU (POWER, SOFTMAX); its
// address index 0 holds the EMU network descriptor, which names (by address
// index) the operation list and the buffer descriptor list. The structs are
// packed without padding (the fields sit at odd offsets, e.g. the f32 power
// of a legacy POWER op at byte 1), and the wire sizes differ from the struct
// sizes: the network and buffer descriptors are aligned to 256 bytes, an
// operation container to 4.
//
// Layouts (reference/NVDLA.md, checked against NN_L0_0 of NVIDIA's
// regression suite, whose EMU blobs are legacy):
//  - current (0.12): common op {u8 op_type; f32 input_scale_factor,
//    output_scale_factor} (9 bytes); POWER adds f32 power, scale, shift
//    (21 bytes); SOFTMAX adds u8 axis (10 bytes); containers are 24 bytes
//    (the largest op, 21, aligned to 4). Buffer desc {i16 addressIndex;
//    u32 addressIndexOffset; u32 size; u16 format, width, height, channel;
//    u32 line_stride, surf_stride} (26 bytes).
//  - legacy (0.10/0.11): no scale factors (decoded as 1.0), so POWER is 13
//    bytes and the container 16 (the op list blob of NN_L0_0 is exactly 16
//    bytes); no addressIndexOffset (decoded as 0), 22 bytes.
// Operation i uses buffer descriptors 2i (source) and 2i + 1 (destination).
//
// onnc-fault extension (not known to NVIDIA's runtime, so only
// `onnc-fault --allow-cpu-fallback` writes it): op_type 0x80 ONNCF_ADD, the
// integer quant.add of onncf/IR/QuantOps.h on int8/int16 cubes. Current
// layout only (23 bytes, fits the 24-byte container): common op (scale
// factors unused), u16 src_b_buffer (buffer descriptor index of operand B;
// A is 2i, the destination 2i + 1), i16 mul_b, u8 shift_b, i16 mul,
// u8 shift, u8 relu, u8 out_bits, i16 clamp_min, clamp_max (int16 bounds
// are exact: the result saturates to at most 16 bits after the clamp).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_EMUDESCRIPTORS_H
#define ONNCF_TARGETS_NVDLA_EMUDESCRIPTORS_H

#include "onncf/Targets/NVDLA/Descriptors.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
namespace nvdla {

enum EmuOpType : uint8_t {
  EmuOpPower = 0,
  EmuOpSoftmax = 1,
  EmuOpOnncfAdd = 0x80 ///< onnc-fault extension, see above
};
/// "POWER", "SOFTMAX", "ONNCF_ADD" or "" for an unknown code.
llvm::StringRef emuOpTypeName(unsigned T);

/// Buffer formats (the loadable's DataType codes).
enum EmuBufferFormat : uint16_t {
  EmuFormatHalf = 2,
  EmuFormatInt16 = 3,
  EmuFormatInt8 = 4
};

/// The EMU layout of a blob version. EMU interface 0.0.1 (and 0.0.0) is
/// what NVIDIA's compiler wrote on the EMU blobs of NN_L0_0 (legacy by
/// content: a 16-byte POWER container without scale factors, buffer
/// descriptors without addressIndexOffset); 0.0.2 and later 0.0.x are the
/// current layout, which onnc-fault writes; other versions are read like
/// DLA blobs (layoutForBlobVersion).
llvm::Expected<DescLayout>
emuLayoutForBlobVersion(unsigned Major, unsigned Minor, unsigned SubMinor);

constexpr unsigned EmuNetworkDescSize = 256;
constexpr unsigned EmuBufferDescSize = 256;
/// Stride of the operation list for \p L (24 current, 16 legacy).
unsigned getEmuOpContainerSize(DescLayout L);

#pragma pack(push, 1)
struct EmuNetworkDesc {
  int16_t operation_desc_index, operation_buffer_desc_index;
  uint16_t num_operations;
};

struct EmuCommonOpDesc {
  uint8_t op_type;
  float input_scale_factor, output_scale_factor;
};

struct EmuPowerOpDesc {
  EmuCommonOpDesc common;
  float power, scale, shift;
};

struct EmuSoftmaxOpDesc {
  EmuCommonOpDesc common;
  uint8_t axis;
};

/// ONNCF_ADD (0x80): y = sdpEpilogue(a + sdpTruncate(sdpMul(b, mul_b),
/// shift_b)) per element.
struct EmuOnncfAddOpDesc {
  EmuCommonOpDesc common;
  uint16_t src_b_buffer;
  int16_t mul_b;
  uint8_t shift_b;
  int16_t mul;
  uint8_t shift, relu, out_bits;
  int16_t clamp_min, clamp_max;
};

struct EmuBufferDesc {
  int16_t addressIndex;
  uint32_t addressIndexOffset;
  uint32_t size;
  uint16_t format, width, height, channel;
  uint32_t line_stride, surf_stride;
};
#pragma pack(pop)

static_assert(sizeof(EmuNetworkDesc) == 6, "emu network desc: 6 bytes used");
static_assert(sizeof(EmuCommonOpDesc) == 9, "emu common op desc: 9 bytes");
static_assert(sizeof(EmuPowerOpDesc) == 21, "emu power op desc: 21 bytes");
static_assert(sizeof(EmuSoftmaxOpDesc) == 10, "emu softmax op desc: 10 bytes");
static_assert(sizeof(EmuOnncfAddOpDesc) == 23, "onncf add op desc: 23 bytes");
static_assert(sizeof(EmuBufferDesc) == 26, "emu buffer desc: 26 bytes");

/// One decoded operation container; `common.op_type` says which is valid.
union EmuOpContainer {
  EmuCommonOpDesc common;
  EmuPowerOpDesc power;
  EmuSoftmaxOpDesc softmax;
  EmuOnncfAddOpDesc add;
};

// Decoders: read the layout \p L at \p Offset of \p Bytes; errors name the
// structure, the offset and the size needed. Only the used bytes must be
// present (a 256-byte descriptor may sit in a shorter buffer's tail).
llvm::Expected<EmuNetworkDesc> decodeEmuNetworkDesc(llvm::ArrayRef<uint8_t> B,
                                                    uint64_t Offset = 0);
/// Decodes the container at \p Offset; unknown op types are errors, and so
/// is ONNCF_ADD in the legacy layout.
llvm::Expected<EmuOpContainer> decodeEmuOp(llvm::ArrayRef<uint8_t> B,
                                           uint64_t Offset, DescLayout L);
llvm::Expected<EmuBufferDesc>
decodeEmuBufferDesc(llvm::ArrayRef<uint8_t> B, uint64_t Offset, DescLayout L);

// Encoders: the bytes a compiler puts in the blobs, padded to the wire size
// (256 for the network and buffer descriptors, the container size for
// ops). Legacy encodings drop the fields the legacy layout lacks.
std::vector<uint8_t> encodeEmuNetworkDesc(const EmuNetworkDesc &D);
std::vector<uint8_t> encodeEmuPowerOp(const EmuPowerOpDesc &D, DescLayout L);
std::vector<uint8_t> encodeEmuSoftmaxOp(const EmuSoftmaxOpDesc &D,
                                        DescLayout L);
/// ONNCF_ADD in the current layout (the legacy one has no such op).
std::vector<uint8_t> encodeEmuOnncfAddOp(const EmuOnncfAddOpDesc &D);
std::vector<uint8_t> encodeEmuBufferDesc(const EmuBufferDesc &D, DescLayout L);

} // namespace nvdla
} // namespace onncf

#endif
