//===- LoadableReaderTest.cpp - NVDLA loadable reader ---------------------===//
//
// Part of onnc-fault. NVIDIA's regression loadables read and decode; every
// truncation and a sweep of byte corruptions give errors, not crashes.
//
//===----------------------------------------------------------------------===//
#include "RegressionData.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/LoadableJSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"
#include <string>
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

std::string regressionFile(StringRef Name) {
  return (Twine(ONNCF_SHARED_DIR) + "/conformance/nvdla-regression/flatbufs/" +
          Name)
      .str();
}

std::vector<uint8_t> bytesOf(StringRef Path) {
  auto B = MemoryBuffer::getFile(Path);
  if (!B)
    return {};
  return std::vector<uint8_t>((*B)->getBufferStart(), (*B)->getBufferEnd());
}

TEST(NVDLALoadableReader, ReadsAllRegressionFiles) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  const char *Files[] = {"BDMA_L0_0_fbuf",         "CDP_L0_0_fbuf",
                         "CDP_L0_0_large_fbuf",    "CDP_L0_0_small_fbuf",
                         "CONV_D_L0_0_fbuf",       "CONV_D_L0_0_large_fbuf",
                         "CONV_D_L0_0_small_fbuf", "NN_L0_0_fbuf",
                         "PDP_L0_0_fbuf",          "PDP_L0_0_large_fbuf",
                         "PDP_L0_0_small_fbuf",    "RBK_L0_0_fbuf",
                         "SDP_X1_L0_0_fbuf",       "SDP_X1_L0_0_large_fbuf",
                         "SDP_X1_L0_0_small_fbuf"};
  for (const char *F : Files) {
    auto L = readLoadable(regressionFile(F));
    ASSERT_TRUE(ok(L)) << F;
  }
}

TEST(NVDLALoadableReader, DecodesPdpSmall) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  auto L = cantFail(readLoadable(regressionFile("PDP_L0_0_small_fbuf")));
  DLANetwork N = cantFail(decodeDLATask(*L, 0));
  EXPECT_EQ(N.Layout, DescLayout::Legacy010);
  EXPECT_EQ(N.Net.num_operations, 1);
  EXPECT_EQ(N.Net.op_head[OpPDP], 0);
  ASSERT_EQ(N.Ops.size(), 1u);
  const DecodedOp &Op = N.Ops[0];
  EXPECT_EQ(Op.common.op_type, OpPDP);
  EXPECT_EQ(Op.op.pdp.pool_mode, 1);  // MAX
  EXPECT_EQ(Op.op.pdp.pool_width, 0); // size 1, stored as size - 1
  EXPECT_EQ(Op.surface.pdp.src_data.channel, 32);
  EXPECT_EQ(Op.surface.pdp.src_data.width, 8);
  EXPECT_EQ(Op.surface.pdp.dst_data.size, 2048u);
  json::Object J = loadableToJSON(*L, /*WithData=*/false);
  EXPECT_EQ(J.getArray("task_list")->size(), 1u);
  EXPECT_EQ(*(*J.getArray("memory_list"))[5].getAsObject()->getString("flags"),
            "ALLOC OUTPUT");
}

TEST(NVDLALoadableReader, NNHasElevenDlaOps) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  auto L = cantFail(readLoadable(regressionFile("NN_L0_0_fbuf")));
  EXPECT_FALSE(ok(decodeDLATask(*L, 0))); // EMU1 task
  DLANetwork N = cantFail(decodeDLATask(*L, 1));
  EXPECT_EQ(N.Ops.size(), 11u);
  EXPECT_EQ(N.Ops[0].common.op_type, OpCONV);
  EXPECT_EQ(N.Ops[0].op.conv.kernel_width_csc, 5);
}

TEST(NVDLALoadableReader, EveryTruncationIsAnError) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  std::vector<uint8_t> B = bytesOf(regressionFile("PDP_L0_0_small_fbuf"));
  ASSERT_FALSE(B.empty());
  for (size_t N = 0; N < B.size(); N += 7) {
    auto L = parseLoadable(ArrayRef<uint8_t>(B.data(), N), "t.nvdla");
    ASSERT_FALSE(ok(L)) << "length " << N;
  }
}

TEST(NVDLALoadableReader, ByteCorruptionNeverCrashes) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  std::vector<uint8_t> B = bytesOf(regressionFile("CONV_D_L0_0_small_fbuf"));
  ASSERT_FALSE(B.empty());
  unsigned Errors = 0;
  for (size_t I = 0; I < std::min<size_t>(B.size(), 6000); I += 5) {
    std::vector<uint8_t> C = B;
    C[I] ^= 0xA5;
    auto L = parseLoadable(C, "c.nvdla");
    if (!L) {
      std::string Msg = toString(L.takeError());
      EXPECT_EQ(Msg.rfind("c.nvdla: ", 0), 0u) << Msg;
      ++Errors;
      continue;
    }
    // Readable files must also decode and print.
    for (unsigned T = 0; T < 4; ++T) // past the end is an error too
      if (auto N = decodeDLATask(**L, T); !N)
        consumeError(N.takeError());
    (void)loadableToJSON(**L, false);
  }
  EXPECT_GT(Errors, 0u);
}

} // namespace
