//===- DescriptorsTest.cpp - NVDLA firmware descriptor decoder ------------===//
//
// Part of onnc-fault. Field offsets of the 0.12 structs, the legacy data cube
// widening, and bounds checks on short or misplaced inputs.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/Descriptors.h"
#include "onncf/Targets/NVDLA/DescriptorJSON.h"
#include "gtest/gtest.h"
#include <cstddef>
#include <vector>

using namespace onncf::nvdla;
using namespace llvm;

namespace {

// Error helpers (LLVM's Testing/Support library is not installed).
template <typename T> bool ok(llvm::Expected<T> &E) {
  if (E)
    return true;
  llvm::consumeError(E.takeError());
  return false;
}
template <typename T> bool ok(llvm::Expected<T> &&E) { return ok(E); }
/// The error message of \p E ("" when it succeeded).
template <typename T> std::string errOf(llvm::Expected<T> E) {
  return E ? std::string() : llvm::toString(E.takeError());
}

void put16(std::vector<uint8_t> &B, size_t At, uint16_t V) {
  B[At] = V & 0xFF;
  B[At + 1] = V >> 8;
}
void put32(std::vector<uint8_t> &B, size_t At, uint32_t V) {
  for (int I = 0; I < 4; ++I)
    B[At + I] = (V >> (8 * I)) & 0xFF;
}

TEST(NVDLADescriptors, FieldOffsetsFollowTheTables) {
  // Offsets derived by hand from the field order in reference/NVDLA.md.
  EXPECT_EQ(offsetof(NetworkDesc, op_head), 16u);
  EXPECT_EQ(offsetof(NetworkDesc, num_operations), 30u);
  EXPECT_EQ(offsetof(NetworkDesc, input_layer), 36u);
  EXPECT_EQ(offsetof(CommonOpDesc, consumers), 8u);
  EXPECT_EQ(offsetof(CommonOpDesc, fused_parent), 32u);
  EXPECT_EQ(offsetof(DataCube, offset), 4u);
  EXPECT_EQ(offsetof(DataCube, line_stride), 20u);
  EXPECT_EQ(offsetof(ConvSurfaceDesc, offset_u), 160u);
  EXPECT_EQ(offsetof(ConvSurfaceDesc, in_line_uv_stride), 168u);
  EXPECT_EQ(offsetof(ConvOpDesc, batch_stride), 24u);
  EXPECT_EQ(offsetof(ConvOpDesc, bytes_per_kernel), 48u);
  EXPECT_EQ(offsetof(ConvOpDesc, pad_val), 74u);
  EXPECT_EQ(offsetof(ConvOpDesc, in_cvt), 76u);
  EXPECT_EQ(offsetof(SdpOpDesc, x1_op), 20u);
  EXPECT_EQ(offsetof(PdpOpDesc, pool_mode), 13u);
  EXPECT_EQ(offsetof(PdpOpDesc, padding_value), 24u);
  EXPECT_EQ(offsetof(CdpOpDesc, local_size), 20u);
  EXPECT_EQ(offsetof(BdmaSurfaceDesc, transfers), 4u);
  EXPECT_EQ(offsetof(LutParam, linear_exp_offset), 644u);
  EXPECT_EQ(offsetof(LutParam, linear_exp_start), 648u);
  EXPECT_EQ(offsetof(LutParam, linear_exp_underflow), 680u);
  EXPECT_EQ(offsetof(LutParam, method), 699u);
}

TEST(NVDLADescriptors, LayoutFromBlobVersion) {
  EXPECT_EQ(cantFail(layoutForBlobVersion(0, 10)), DescLayout::Legacy010);
  EXPECT_EQ(cantFail(layoutForBlobVersion(0, 11)), DescLayout::Legacy010);
  EXPECT_EQ(cantFail(layoutForBlobVersion(0, 12)), DescLayout::Current012);
  EXPECT_NE(errOf(layoutForBlobVersion(0, 9)).find("0.9"), std::string::npos);
  EXPECT_FALSE(ok(layoutForBlobVersion(1, 0)));
}

TEST(NVDLADescriptors, NetworkDescIsLittleEndian) {
  std::vector<uint8_t> B(40, 0);
  put16(B, 0, 1);       // operation_desc_index
  put16(B, 16 + 6, 0);  // op_head[3]
  put16(B, 30, 0x0102); // num_operations
  put16(B, 36, 0xFFFF); // input_layer -1
  NetworkDesc D = cantFail(decodeNetworkDesc(B));
  EXPECT_EQ(D.operation_desc_index, 1);
  EXPECT_EQ(D.num_operations, 0x0102);
  EXPECT_EQ(D.input_layer, -1);
}

TEST(NVDLADescriptors, ShortInputsAreErrorsNotReads) {
  std::vector<uint8_t> B(39, 0);
  EXPECT_NE(errOf(decodeNetworkDesc(B)).find("needs 40"), std::string::npos);
  std::vector<uint8_t> C(100, 0);
  EXPECT_FALSE(ok(decodeCommonOpDesc(C, 72)));
  EXPECT_FALSE(ok(decodeCommonOpDesc(C, ~uint64_t(0))));
  EXPECT_FALSE(ok(decodeDataCube(C, 73, DescLayout::Legacy010)));
  EXPECT_TRUE(ok(decodeDataCube(C, 72, DescLayout::Legacy010)));
  EXPECT_FALSE(ok(decodeOpDesc(OpPDP, C, 0))); // needs 116
  EXPECT_EQ(errOf(decodeOpDesc(7, std::vector<uint8_t>(116), 0)),
            "unknown op type 7");
  EXPECT_FALSE(ok(decodeSurfaceDesc(OpPDP, std::vector<uint8_t>(643), 0,
                                    DescLayout::Legacy010)));
}

TEST(NVDLADescriptors, LegacyCubeHasNoOffset) {
  // Legacy: type, address, size, width, height, channel, reserved0,
  // line_stride, surf_stride, plane_stride (28 bytes).
  std::vector<uint8_t> B(28 + 1, 0xEE);
  size_t At = 1;          // deliberately unaligned
  put16(B, At + 0, 0);    // type
  put16(B, At + 2, 4);    // address
  put32(B, At + 4, 2048); // size
  put16(B, At + 8, 8);    // width
  put16(B, At + 10, 8);   // height
  put16(B, At + 12, 32);  // channel
  put16(B, At + 14, 0);   // reserved0
  put32(B, At + 16, 64);  // line_stride
  put32(B, At + 20, 512); // surf_stride
  put32(B, At + 24, 0);   // plane_stride
  DataCube C = cantFail(decodeDataCube(B, At, DescLayout::Legacy010));
  EXPECT_EQ(C.address, 4);
  EXPECT_EQ(C.offset, 0u);
  EXPECT_EQ(C.size, 2048u);
  EXPECT_EQ(C.channel, 32);
  EXPECT_EQ(C.line_stride, 64u);
  EXPECT_EQ(C.surf_stride, 512u);
  EXPECT_EQ(C.plane_stride, 0u);
  // The same bytes read as 0.12 put `size` into `offset`.
  std::vector<uint8_t> W(32, 0);
  std::copy(B.begin() + At, B.begin() + At + 28, W.begin());
  DataCube N = cantFail(decodeDataCube(W, 0, DescLayout::Current012));
  EXPECT_EQ(N.offset, 2048u);
}

TEST(NVDLADescriptors, LegacyConvSurfaceKeepsItsTail) {
  std::vector<uint8_t> B(SurfaceContainerSize, 0);
  // Five 28-byte cubes; dst_data (the 5th) channel = 16; then offset_u and
  // in_line_uv_stride at 140 and 148.
  put16(B, 4 * 28 + 12, 16);
  put32(B, 140, 7);
  put32(B, 148, 99);
  SurfaceContainer S =
      cantFail(decodeSurfaceDesc(OpCONV, B, 0, DescLayout::Legacy010));
  EXPECT_EQ(S.conv.dst_data.channel, 16);
  EXPECT_EQ(S.conv.offset_u, 7);
  EXPECT_EQ(S.conv.in_line_uv_stride, 99u);
}

TEST(NVDLADescriptors, DecodeOpAndJSON) {
  std::vector<uint8_t> Deps(36, 0), Ops(2 * 116, 0), Surfs(2 * 644, 0);
  Deps[3] = OpPDP; // op_type
  Ops[13] = 1;     // pool_mode MAX for op 0
  Ops[14] = 2;     // pool_width (size - 1)
  DecodedOp D =
      cantFail(decodeOp(Deps, Ops, Surfs, 0, 0, 1, DescLayout::Current012));
  EXPECT_EQ(D.op.pdp.pool_mode, 1);
  json::Object O = toJSON(0, D);
  EXPECT_EQ(*O.getString("type"), "PDP");
  EXPECT_EQ(*O.getObject("op")->getInteger("pool_width"), 2);
  EXPECT_TRUE(O.getObject("surface")->getObject("src_data"));
  // Dependency entry 1 is past the 36 bytes.
  EXPECT_FALSE(ok(decodeOp(Deps, Ops, Surfs, 1, 0, 2, DescLayout::Current012)));
}

} // namespace
