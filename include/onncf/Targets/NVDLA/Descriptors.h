//===- Descriptors.h - NVDLA firmware descriptors (interface 0.12) --------===//
//
// Part of onnc-fault. The DLA firmware reads its work from little-endian,
// packed descriptors (each struct 4-byte aligned) that a loadable carries in
// blobs. These structs are the 0.12 layout from reference/NVDLA.md with a
// static_assert on every size, and they are also the one in-memory form:
// the decoder reads either the current layout or the legacy 0.10 one (28-byte
// data cube without `offset`) byte-wise with bounds checks into them.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_TARGETS_NVDLA_DESCRIPTORS_H
#define ONNCF_TARGETS_NVDLA_DESCRIPTORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>

namespace onncf {
namespace nvdla {

/// Descriptor layouts; a blob's version selects one.
enum class DescLayout { Legacy010, Current012 };

/// 0.10.x and 0.11.x blobs are legacy, 0.12.x current; others are errors.
llvm::Expected<DescLayout> layoutForBlobVersion(unsigned Major, unsigned Minor);
llvm::StringRef layoutName(DescLayout L);

enum OpType : uint8_t {
  OpBDMA = 0,
  OpCONV = 1,
  OpSDP = 2,
  OpPDP = 3,
  OpCDP = 4,
  OpRUBIK = 5,
  NumOpTypes = 6
};
/// "BDMA", "CONV", ... or "" for an unknown code.
llvm::StringRef opTypeName(unsigned T);

constexpr unsigned OpContainerSize = 116;
constexpr unsigned SurfaceContainerSize = 644;

// The firmware packs its structs and aligns each to 4; #pragma pack(4) gives
// the same offsets (every field of size <= 4 is naturally aligned in these
// tables, the 8-byte ones sit at 4-byte boundaries).
#pragma pack(push, 4)

struct NetworkDesc {
  int16_t operation_desc_index, surface_desc_index, dependency_graph_index,
      lut_data_index, roi_array_index, surface_index, stat_list_index,
      reserved1;
  int16_t op_head[6];
  uint16_t num_rois, num_operations, num_luts, num_addresses;
  int16_t input_layer;
  uint8_t dynamic_roi, reserved0;
};

struct Consumer {
  int16_t index;
  uint8_t event, res;
};

struct CommonOpDesc {
  int16_t index;
  int8_t roi_index;
  uint8_t op_type, dependency_count, reserved0[3];
  Consumer consumers[6];
  Consumer fused_parent;
};

struct CvtParam {
  int16_t scale;
  uint8_t truncate, enable;
  int32_t offset;
};

struct DataCube {
  uint16_t type;
  int16_t address; // task address-list index, -1: none
  uint32_t offset; // absent in the legacy layout (decoded as 0)
  uint32_t size;
  uint16_t width, height, channel, reserved0;
  uint32_t line_stride, surf_stride, plane_stride;
};

struct ConvSurfaceDesc {
  DataCube weight_data, wmb_data, wgs_data, src_data, dst_data;
  int64_t offset_u;
  uint32_t in_line_uv_stride;
};

struct ConvOpDesc {
  uint8_t conv_mode, data_reuse, weight_reuse, skip_data_rls, skip_weight_rls,
      reserved0;
  uint16_t entry_per_slice;
  uint8_t data_format, pixel_mapping;
  uint16_t fetch_grain;
  uint8_t reserved_b[8];
  uint8_t batch, weight_format, data_bank, weight_bank;
  uint32_t batch_stride;
  uint8_t post_extension, pixel_override;
  uint16_t release;
  uint16_t input_width_csc, input_height_csc, input_channel_csc,
      kernel_width_csc, kernel_height_csc, kernel_channel_csc, input_width_cmac,
      input_height_cmac;
  uint32_t bytes_per_kernel;
  int16_t mean_ry, mean_gu, mean_bv, mean_ax;
  uint8_t mean_format, conv_stride_x, conv_stride_y, pad_x_left, pad_x_right,
      pad_y_top, pad_y_bottom, dilation_x, dilation_y, reserved2[2],
      pra_truncate, in_precision, out_precision;
  int16_t pad_val;
  CvtParam in_cvt, out_cvt;
};

struct SdpOp {
  uint8_t enable, alu_type, type, mode, act, shift_value, truncate, precision;
  int32_t alu_operand, mul_operand;
  CvtParam alu_cvt, mul_cvt;
};

struct SdpOpDesc {
  uint8_t src_precision, dst_precision;
  int16_t lut_index;
  CvtParam out_cvt;
  uint8_t conv_mode, batch_num;
  uint16_t reserved0;
  uint32_t batch_stride;
  SdpOp x1_op, x2_op, y_op;
};

struct SdpSurfaceDesc {
  DataCube src_data, x1_data, x2_data, y_data, dst_data;
};

/// PDP, CDP and RUBIK surfaces share this shape.
struct TwoCubeSurfaceDesc {
  DataCube src_data, dst_data;
};

struct PdpOpDesc {
  uint16_t partial_in_width_first, partial_in_width_mid, partial_in_width_last,
      partial_width_first, partial_width_mid, partial_width_last;
  uint8_t split_num, pool_mode, pool_width, pool_height, stride_x, stride_y,
      pad_left, pad_right, pad_top, pad_bottom, precision, reserved0;
  int32_t padding_value[7];
};

struct CdpOpDesc {
  uint8_t in_precision, out_precision;
  int16_t lut_index;
  CvtParam in_cvt, out_cvt;
  uint8_t local_size, bypass_sqsum, bypass_out_mul, reserved0;
};

struct RubikOpDesc {
  uint8_t mode, precision, stride_x, stride_y;
};

struct BdmaTransferDesc {
  int16_t source_address, destination_address;
  uint32_t line_size, line_repeat, source_line, destination_line,
      surface_repeat, source_surface, destination_surface;
};

struct BdmaSurfaceDesc {
  uint8_t source_type, destination_type;
  uint16_t num_transfers;
  BdmaTransferDesc transfers[20];
};

/// NVDLA.md gives only the size (4); the firmware keeps the transfer count
/// in the surface, so these bytes are shown as two halves.
struct BdmaOpDesc {
  uint16_t num_transfers, reserved0;
};

/// A 2-byte union: i8 exp_offset (EXP tables) or i8 frac_bits (LINEAR).
struct LutOffset {
  int8_t exp_offset_or_frac_bits, reserved0;
};

/// A 4-byte slope: {i16 scale, i8 shifter} or an fp16 data word.
struct LutSlope {
  int16_t scale;
  int8_t shifter;
  uint8_t reserved0;
};

struct LutParam {
  int16_t linear_exp_table[65];
  int16_t linear_only_table[257];
  LutOffset linear_exp_offset, linear_only_offset;
  uint64_t linear_exp_start, linear_exp_end, linear_only_start, linear_only_end;
  LutSlope linear_exp_underflow, linear_exp_overflow, linear_only_underflow,
      linear_only_overflow;
  uint8_t hybrid_priority, underflow_priority, overflow_priority, method;
};

#pragma pack(pop)

static_assert(sizeof(NetworkDesc) == 40, "network desc is 40 bytes");
static_assert(sizeof(Consumer) == 4, "consumer is 4 bytes");
static_assert(sizeof(CommonOpDesc) == 36, "common op desc is 36 bytes");
static_assert(sizeof(CvtParam) == 8, "cvt param is 8 bytes");
static_assert(sizeof(DataCube) == 32, "data cube is 32 bytes");
static_assert(sizeof(ConvSurfaceDesc) == 172, "conv surface is 172 bytes");
static_assert(sizeof(ConvOpDesc) == 92, "conv op is 92 bytes");
static_assert(sizeof(SdpOp) == 32, "sdp op is 32 bytes");
static_assert(sizeof(SdpOpDesc) == 116, "sdp op desc is 116 bytes");
static_assert(sizeof(SdpSurfaceDesc) == 160, "sdp surface is 160 bytes");
static_assert(sizeof(TwoCubeSurfaceDesc) == 64, "pdp/cdp/rubik surface: 64");
static_assert(sizeof(PdpOpDesc) == 52, "pdp op is 52 bytes");
static_assert(sizeof(CdpOpDesc) == 24, "cdp op is 24 bytes");
static_assert(sizeof(RubikOpDesc) == 4, "rubik op is 4 bytes");
static_assert(sizeof(BdmaTransferDesc) == 32, "bdma transfer is 32 bytes");
static_assert(sizeof(BdmaSurfaceDesc) == 644, "bdma surface is 644 bytes");
static_assert(sizeof(BdmaOpDesc) == 4, "bdma op is 4 bytes");
static_assert(sizeof(LutParam) == 700, "lut param is 700 bytes");

/// The operation container (a union in the firmware) and the surface one.
union OpContainer {
  BdmaOpDesc bdma;
  ConvOpDesc conv;
  SdpOpDesc sdp;
  PdpOpDesc pdp;
  CdpOpDesc cdp;
  RubikOpDesc rubik;
  uint8_t raw[OpContainerSize];
};
union SurfaceContainer {
  BdmaSurfaceDesc bdma;
  ConvSurfaceDesc conv;
  SdpSurfaceDesc sdp;
  TwoCubeSurfaceDesc pdp, cdp, rubik;
  uint8_t raw[SurfaceContainerSize];
};
static_assert(sizeof(OpContainer) == 116, "operation container is 116 bytes");
static_assert(sizeof(SurfaceContainer) == 644, "surface container: 644 bytes");

/// One decoded operation: its dependency entry, op and surface descriptors.
struct DecodedOp {
  CommonOpDesc common;
  OpContainer op;
  SurfaceContainer surface;
};

/// Sizes on the wire of the legacy layout (the containers keep their size).
constexpr unsigned LegacyDataCubeSize = 28;

// Decoders: read \p Bytes at \p Offset; an error names the structure and the
// offset when the bytes do not hold it. \p What prefixes the message.
llvm::Expected<NetworkDesc> decodeNetworkDesc(llvm::ArrayRef<uint8_t> Bytes,
                                              uint64_t Offset = 0);
llvm::Expected<CommonOpDesc> decodeCommonOpDesc(llvm::ArrayRef<uint8_t> Bytes,
                                                uint64_t Offset);
llvm::Expected<DataCube> decodeDataCube(llvm::ArrayRef<uint8_t> Bytes,
                                        uint64_t Offset, DescLayout L);
/// Decodes the op container of type \p Type at \p Offset (116 bytes).
llvm::Expected<OpContainer>
decodeOpDesc(unsigned Type, llvm::ArrayRef<uint8_t> Bytes, uint64_t Offset);
/// Decodes the surface container of type \p Type at \p Offset (644 bytes);
/// legacy cubes are widened to the 32-byte form with offset 0.
llvm::Expected<SurfaceContainer>
decodeSurfaceDesc(unsigned Type, llvm::ArrayRef<uint8_t> Bytes, uint64_t Offset,
                  DescLayout L);
llvm::Expected<LutParam> decodeLutParam(llvm::ArrayRef<uint8_t> Bytes,
                                        uint64_t Offset);

/// Operation \p Index of a network: common desc at Index * 36 in \p Deps,
/// op at (Roi * NumOps + Index) * 116 in \p Ops, surface at the same index
/// * 644 in \p Surfs.
llvm::Expected<DecodedOp> decodeOp(llvm::ArrayRef<uint8_t> Deps,
                                   llvm::ArrayRef<uint8_t> Ops,
                                   llvm::ArrayRef<uint8_t> Surfs,
                                   unsigned Index, unsigned Roi,
                                   unsigned NumOps, DescLayout L);

} // namespace nvdla
} // namespace onncf

#endif
