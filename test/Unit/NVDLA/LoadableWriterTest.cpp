//===- LoadableWriterTest.cpp - Loadable writer tests ---------------------===//
//
// Part of onnc-fault. Writes small loadables and reads them back through the
// validating reader: what NVIDIA's runtime relies on (every field present,
// bind ids, sorted blobs, address indices) must hold in every file we write.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/LoadableWriter.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "gtest/gtest.h"
#include <cstring>

using namespace onncf::nvdla;
using namespace llvm;
namespace fl = ::nvdla::loadable;

namespace {

DataCube featureCube(int16_t Address, uint16_t C, uint16_t H, uint16_t W) {
  DataCube D = {};
  D.type = 0;
  D.address = Address;
  D.width = W;
  D.height = H;
  D.channel = C;
  D.line_stride = W * 8;
  D.surf_stride = H * W * 8;
  D.size = D.surf_stride * ((C + 7) / 8);
  return D;
}

/// One SDP op (per-layer ReLU) from an input memory to an output memory,
/// plus a weights memory filled from a blob.
std::vector<uint8_t> writeSmall(LoadableWriter &W, bool WithEmu = false) {
  unsigned In = W.addMemory(MemFlagInput, 8 * 4 * 4);
  unsigned Out = W.addMemory(MemFlagOutput, 8 * 4 * 4);
  unsigned Wt = W.addMemory(MemFlagNone, 64);
  cantFail(W.addContents(Wt, "weights", std::vector<uint8_t>(64, 7), 0));
  unsigned InA = W.addAddress(In, 0, 128);
  unsigned OutA = W.addAddress(Out, 0, 128);
  W.addAddress(Wt, 0, 64);
  TensorDescSpec TI;
  TI.Name = "x";
  TI.MemoryId = In;
  TI.Size = 128;
  TI.C = 8;
  TI.H = TI.W = 4;
  W.addTensorDesc(TI);
  TensorDescSpec TO = TI;
  TO.Name = "y";
  TO.MemoryId = Out;
  W.addTensorDesc(TO);

  DLATaskSpec T;
  for (int16_t &H : T.Net.op_head)
    H = -1;
  T.Net.op_head[OpSDP] = 0;
  DecodedOp Op = {};
  Op.common.index = 0;
  Op.common.op_type = OpSDP;
  for (Consumer &C : Op.common.consumers)
    C.index = -1;
  Op.common.fused_parent.index = -1;
  Op.op.sdp.x1_op.enable = 1;
  Op.op.sdp.x1_op.act = 1;
  Op.surface.sdp.src_data = featureCube(InA, 8, 4, 4);
  Op.surface.sdp.dst_data = featureCube(OutA, 8, 4, 4);
  Op.surface.sdp.x1_data.address = -1;
  Op.surface.sdp.x2_data.address = -1;
  Op.surface.sdp.y_data.address = -1;
  T.Ops.push_back(Op);
  W.addDLATask(std::move(T));
  if (WithEmu) {
    EmuTaskSpec E;
    E.NumOperations = 1;
    E.OpList.assign(16, 0);
    E.OpBufferList.assign(512, 0);
    W.addEmuTask(std::move(E));
  }
  W.addBlob("onncf.io", {'{', '}'});
  return cantFail(W.finish());
}

TEST(NVDLALoadableWriter, ReadsBackThroughTheValidatingReader) {
  LoadableWriter W;
  std::vector<uint8_t> Bytes = writeSmall(W, /*WithEmu=*/true);
  ASSERT_GE(Bytes.size(), 8u);
  EXPECT_EQ(std::memcmp(Bytes.data() + 4, "NVDA", 4), 0);
  auto F = parseLoadable(Bytes, "small.nvdla");
  ASSERT_TRUE(bool(F)) << toString(F.takeError());
  const fl::Loadable &L = (*F)->root();

  // Every vector is present, including the empty reloc list.
  ASSERT_NE(L.reloc_list(), nullptr);
  EXPECT_EQ(L.reloc_list()->size(), 0u);
  ASSERT_NE(L.task_list(), nullptr);
  ASSERT_EQ(L.task_list()->size(), 2u);
  ASSERT_EQ(L.submit_list()->size(), 2u);

  // Blobs sorted by name.
  std::vector<std::string> Names;
  for (const auto *B : *L.blobs())
    Names.push_back(B->name()->str());
  EXPECT_TRUE(std::is_sorted(Names.begin(), Names.end()));
  EXPECT_NE(std::find(Names.begin(), Names.end(), "task-0-op_list"),
            Names.end());
  EXPECT_NE(std::find(Names.begin(), Names.end(), "task-1-op_buf_list"),
            Names.end());

  // Bind ids: the input and the output memory each get bind id 0 and are
  // linked to their tensor descriptors.
  const auto *In = (*F)->memoryById(0);
  const auto *Out = (*F)->memoryById(1);
  ASSERT_TRUE(In && Out);
  EXPECT_EQ(In->flags(), fl::MemoryFlags_ALLOC | fl::MemoryFlags_INPUT);
  EXPECT_EQ(Out->flags(), fl::MemoryFlags_ALLOC | fl::MemoryFlags_OUTPUT);
  EXPECT_EQ(In->bind_id(), 0);
  EXPECT_EQ(Out->bind_id(), 0);
  EXPECT_EQ(In->tensor_desc_id(), 0);
  EXPECT_EQ(Out->tensor_desc_id(), 1);

  // Task 1 waits for what task 0 signals.
  const auto *T0 = L.task_list()->Get(0);
  const auto *T1 = L.task_list()->Get(1);
  EXPECT_EQ(T0->interface(), fl::Interface_DLA1);
  EXPECT_EQ(T1->interface(), fl::Interface_EMU1);
  EXPECT_EQ(T0->instance(), -1);
  const auto *Signal = L.event_list()->Get(T0->post_actions()->Get(0));
  const auto *Wait = L.event_list()->Get(T1->pre_actions()->Get(0));
  EXPECT_EQ(Signal->op(), fl::EventOp_SIGNAL);
  EXPECT_EQ(Wait->op(), fl::EventOp_WAIT);
  EXPECT_EQ(Signal->val(), Wait->val());

  // The DLA task decodes: address index k >= 1 is address entry k, so the
  // cube addresses the code generator chose still point at its memories.
  auto Net = decodeDLATask(**F, 0);
  ASSERT_TRUE(bool(Net)) << toString(Net.takeError());
  EXPECT_EQ(Net->Layout, DescLayout::Current012);
  ASSERT_EQ(Net->Ops.size(), 1u);
  EXPECT_EQ(Net->Net.num_operations, 1);
  EXPECT_EQ(Net->Net.op_head[OpSDP], 0);
  EXPECT_EQ(Net->Net.num_addresses, T0->address_list()->size());
  int16_t Src = Net->Ops[0].surface.sdp.src_data.address;
  EXPECT_EQ(T0->address_list()->Get(Src), Src);
  EXPECT_EQ((*F)->addressById(Src)->mem_id(), 0);

  // The SET memory holds the weights blob.
  auto Weights = (*F)->addressBytes(3);
  ASSERT_TRUE(bool(Weights)) << toString(Weights.takeError());
  EXPECT_EQ(*Weights, std::vector<uint8_t>(64, 7));
}

TEST(NVDLALoadableWriter, SameCallsSameBytes) {
  LoadableWriter A, B;
  EXPECT_EQ(writeSmall(A), writeSmall(B));
}

TEST(NVDLALoadableWriter, InconsistentSpecsAreErrors) {
  {
    LoadableWriter W;
    auto R = W.finish();
    ASSERT_FALSE(bool(R));
    EXPECT_EQ(toString(R.takeError()),
              "loadable writer: the network has no task");
  }
  {
    LoadableWriter W;
    unsigned M = W.addMemory(MemFlagNone, 16);
    Error E = W.addContents(M, "b", std::vector<uint8_t>(8), 12);
    EXPECT_TRUE(bool(E));
    consumeError(std::move(E));
    W.addAddress(M, 8, 16);
    W.addDLATask(DLATaskSpec());
    auto R = W.finish();
    ASSERT_FALSE(bool(R));
    EXPECT_NE(toString(R.takeError()).find("exceeds memory 0"),
              std::string::npos);
  }
  {
    // A cube that names an address entry that does not exist.
    LoadableWriter W;
    DLATaskSpec T;
    DecodedOp Op = {};
    Op.common.op_type = OpPDP;
    Op.surface.pdp.src_data.address = 5;
    Op.surface.pdp.dst_data.address = -1;
    T.Ops.push_back(Op);
    W.addDLATask(std::move(T));
    auto R = W.finish();
    ASSERT_FALSE(bool(R));
    EXPECT_NE(toString(R.takeError()).find("address index 5"),
              std::string::npos);
  }
}

} // namespace
