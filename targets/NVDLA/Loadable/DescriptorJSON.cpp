//===- DescriptorJSON.cpp - NVDLA firmware descriptors as JSON ------------===//
//
// Part of onnc-fault. One function per descriptor; members are read by value
// (they live in packed structs), arrays become JSON arrays.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/DescriptorJSON.h"
#include <cmath>

using namespace llvm;

namespace onncf {
namespace nvdla {

// Copies a packed member by value into the object under its own name.
#define F(x) O[#x] = D.x
template <typename T, size_t N> static json::Array arr(const T (&A)[N]) {
  json::Array R;
  for (size_t I = 0; I < N; ++I) {
    T V = A[I];
    R.push_back(V);
  }
  return R;
}
#define A(x) O[#x] = arr(D.x)

json::Object toJSON(const NetworkDesc &D) {
  json::Object O;
  F(operation_desc_index);
  F(surface_desc_index);
  F(dependency_graph_index);
  F(lut_data_index);
  F(roi_array_index);
  F(surface_index);
  F(stat_list_index);
  F(reserved1);
  A(op_head);
  F(num_rois);
  F(num_operations);
  F(num_luts);
  F(num_addresses);
  F(input_layer);
  F(dynamic_roi);
  F(reserved0);
  return O;
}

static json::Object toJSON(const Consumer &D) {
  json::Object O;
  F(index);
  F(event);
  F(res);
  return O;
}

json::Object toJSON(const CommonOpDesc &D) {
  json::Object O;
  F(index);
  F(roi_index);
  F(op_type);
  F(dependency_count);
  A(reserved0);
  json::Array Cs;
  for (const Consumer &C : D.consumers)
    Cs.push_back(toJSON(C));
  O["consumers"] = std::move(Cs);
  O["fused_parent"] = toJSON(D.fused_parent);
  return O;
}

static json::Object toJSON(const CvtParam &D) {
  json::Object O;
  F(scale);
  F(truncate);
  F(enable);
  F(offset);
  return O;
}

json::Object toJSON(const DataCube &D) {
  json::Object O;
  F(type);
  F(address);
  F(offset);
  F(size);
  F(width);
  F(height);
  F(channel);
  F(reserved0);
  F(line_stride);
  F(surf_stride);
  F(plane_stride);
  return O;
}

static json::Object toJSON(const ConvOpDesc &D) {
  json::Object O;
  F(conv_mode);
  F(data_reuse);
  F(weight_reuse);
  F(skip_data_rls);
  F(skip_weight_rls);
  F(reserved0);
  F(entry_per_slice);
  F(data_format);
  F(pixel_mapping);
  F(fetch_grain);
  A(reserved_b);
  F(batch);
  F(weight_format);
  F(data_bank);
  F(weight_bank);
  F(batch_stride);
  F(post_extension);
  F(pixel_override);
  F(release);
  F(input_width_csc);
  F(input_height_csc);
  F(input_channel_csc);
  F(kernel_width_csc);
  F(kernel_height_csc);
  F(kernel_channel_csc);
  F(input_width_cmac);
  F(input_height_cmac);
  F(bytes_per_kernel);
  F(mean_ry);
  F(mean_gu);
  F(mean_bv);
  F(mean_ax);
  F(mean_format);
  F(conv_stride_x);
  F(conv_stride_y);
  F(pad_x_left);
  F(pad_x_right);
  F(pad_y_top);
  F(pad_y_bottom);
  F(dilation_x);
  F(dilation_y);
  A(reserved2);
  F(pra_truncate);
  F(in_precision);
  F(out_precision);
  F(pad_val);
  O["in_cvt"] = toJSON(D.in_cvt);
  O["out_cvt"] = toJSON(D.out_cvt);
  return O;
}

static json::Object toJSON(const SdpOp &D) {
  json::Object O;
  F(enable);
  F(alu_type);
  F(type);
  F(mode);
  F(act);
  F(shift_value);
  F(truncate);
  F(precision);
  F(alu_operand);
  F(mul_operand);
  O["alu_cvt"] = toJSON(D.alu_cvt);
  O["mul_cvt"] = toJSON(D.mul_cvt);
  return O;
}

static json::Object toJSON(const SdpOpDesc &D) {
  json::Object O;
  F(src_precision);
  F(dst_precision);
  F(lut_index);
  O["out_cvt"] = toJSON(D.out_cvt);
  F(conv_mode);
  F(batch_num);
  F(reserved0);
  F(batch_stride);
  O["x1_op"] = toJSON(D.x1_op);
  O["x2_op"] = toJSON(D.x2_op);
  O["y_op"] = toJSON(D.y_op);
  return O;
}

static json::Object toJSON(const PdpOpDesc &D) {
  json::Object O;
  F(partial_in_width_first);
  F(partial_in_width_mid);
  F(partial_in_width_last);
  F(partial_width_first);
  F(partial_width_mid);
  F(partial_width_last);
  F(split_num);
  F(pool_mode);
  F(pool_width);
  F(pool_height);
  F(stride_x);
  F(stride_y);
  F(pad_left);
  F(pad_right);
  F(pad_top);
  F(pad_bottom);
  F(precision);
  F(reserved0);
  A(padding_value);
  return O;
}

static json::Object toJSON(const CdpOpDesc &D) {
  json::Object O;
  F(in_precision);
  F(out_precision);
  F(lut_index);
  O["in_cvt"] = toJSON(D.in_cvt);
  O["out_cvt"] = toJSON(D.out_cvt);
  F(local_size);
  F(bypass_sqsum);
  F(bypass_out_mul);
  F(reserved0);
  return O;
}

static json::Object toJSON(const RubikOpDesc &D) {
  json::Object O;
  F(mode);
  F(precision);
  F(stride_x);
  F(stride_y);
  return O;
}

static json::Object toJSON(const BdmaOpDesc &D) {
  json::Object O;
  F(num_transfers);
  F(reserved0);
  return O;
}

static json::Object toJSON(const BdmaTransferDesc &D) {
  json::Object O;
  F(source_address);
  F(destination_address);
  F(line_size);
  F(line_repeat);
  F(source_line);
  F(destination_line);
  F(surface_repeat);
  F(source_surface);
  F(destination_surface);
  return O;
}

static json::Object toJSON(const BdmaSurfaceDesc &D) {
  json::Object O;
  F(source_type);
  F(destination_type);
  F(num_transfers);
  // Only the transfers in use; the rest of the 20 slots is padding.
  json::Array Ts;
  unsigned N = D.num_transfers < 20 ? D.num_transfers : 20;
  for (unsigned I = 0; I < N; ++I)
    Ts.push_back(toJSON(D.transfers[I]));
  O["transfers"] = std::move(Ts);
  return O;
}

static json::Object toJSON(const LutOffset &D) {
  json::Object O;
  F(exp_offset_or_frac_bits);
  return O;
}

static json::Object toJSON(const LutSlope &D) {
  json::Object O;
  F(scale);
  F(shifter);
  return O;
}

json::Object toJSON(const LutParam &D) {
  json::Object O;
  A(linear_exp_table);
  A(linear_only_table);
  O["linear_exp_offset"] = toJSON(D.linear_exp_offset);
  O["linear_only_offset"] = toJSON(D.linear_only_offset);
  F(linear_exp_start);
  F(linear_exp_end);
  F(linear_only_start);
  F(linear_only_end);
  O["linear_exp_underflow"] = toJSON(D.linear_exp_underflow);
  O["linear_exp_overflow"] = toJSON(D.linear_exp_overflow);
  O["linear_only_underflow"] = toJSON(D.linear_only_underflow);
  O["linear_only_overflow"] = toJSON(D.linear_only_overflow);
  F(hybrid_priority);
  F(underflow_priority);
  F(overflow_priority);
  F(method);
  return O;
}

json::Object opToJSON(unsigned Type, const OpContainer &Op) {
  switch (Type) {
  case OpBDMA:
    return toJSON(Op.bdma);
  case OpCONV:
    return toJSON(Op.conv);
  case OpSDP:
    return toJSON(Op.sdp);
  case OpPDP:
    return toJSON(Op.pdp);
  case OpCDP:
    return toJSON(Op.cdp);
  case OpRUBIK:
    return toJSON(Op.rubik);
  }
  return json::Object();
}

#define CUBE(x) O[#x] = toJSON(S.x)
json::Object surfaceToJSON(unsigned Type, const SurfaceContainer &Surf) {
  json::Object O;
  switch (Type) {
  case OpBDMA:
    return toJSON(Surf.bdma);
  case OpCONV: {
    const ConvSurfaceDesc &S = Surf.conv;
    CUBE(weight_data);
    CUBE(wmb_data);
    CUBE(wgs_data);
    CUBE(src_data);
    CUBE(dst_data);
    int64_t U = S.offset_u;
    O["offset_u"] = U;
    O["in_line_uv_stride"] = S.in_line_uv_stride;
    break;
  }
  case OpSDP: {
    const SdpSurfaceDesc &S = Surf.sdp;
    CUBE(src_data);
    CUBE(x1_data);
    CUBE(x2_data);
    CUBE(y_data);
    CUBE(dst_data);
    break;
  }
  case OpPDP:
  case OpCDP:
  case OpRUBIK: {
    const TwoCubeSurfaceDesc &S = Surf.pdp;
    CUBE(src_data);
    CUBE(dst_data);
    break;
  }
  }
  return O;
}

json::Object toJSON(unsigned Index, const DecodedOp &D) {
  json::Object O;
  O["index"] = Index;
  O["type"] = opTypeName(D.common.op_type);
  O["common"] = toJSON(D.common);
  O["op"] = opToJSON(D.common.op_type, D.op);
  O["surface"] = surfaceToJSON(D.common.op_type, D.surface);
  return O;
}

// EMU1 descriptors.

/// A float as a JSON number, or a string when it is not finite.
static json::Value floatValue(float V) {
  if (std::isnan(V))
    return "nan";
  if (std::isinf(V))
    return V > 0 ? "inf" : "-inf";
  return double(V);
}
#define FL(x) O[#x] = floatValue(D.x)

json::Object toJSON(const EmuNetworkDesc &D) {
  json::Object O;
  F(operation_desc_index);
  F(operation_buffer_desc_index);
  F(num_operations);
  return O;
}

static void addCommon(json::Object &O, const EmuCommonOpDesc &D) {
  F(op_type);
  FL(input_scale_factor);
  FL(output_scale_factor);
}

json::Object emuOpToJSON(const EmuOpContainer &Op) {
  json::Object O;
  addCommon(O, Op.common);
  switch (Op.common.op_type) {
  case EmuOpPower: {
    const EmuPowerOpDesc &D = Op.power;
    FL(power);
    FL(scale);
    FL(shift);
    break;
  }
  case EmuOpSoftmax: {
    const EmuSoftmaxOpDesc &D = Op.softmax;
    F(axis);
    break;
  }
  case EmuOpOnncfAdd: {
    const EmuOnncfAddOpDesc &D = Op.add;
    F(src_b_buffer);
    F(mul_b);
    F(shift_b);
    F(mul);
    F(shift);
    F(relu);
    F(out_bits);
    F(clamp_min);
    F(clamp_max);
    break;
  }
  default:
    break;
  }
  return O;
}

json::Object toJSON(const EmuBufferDesc &D) {
  json::Object O;
  F(addressIndex);
  F(addressIndexOffset);
  F(size);
  F(format);
  F(width);
  F(height);
  F(channel);
  F(line_stride);
  F(surf_stride);
  return O;
}

} // namespace nvdla
} // namespace onncf
