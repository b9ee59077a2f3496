//===- NvdlaConfigTest.cpp - NVDLA hardware configuration records ---------===//
//
// Part of onnc-fault. Every field against shared/reference/NVDLA.md.
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/Support/Error.h"
#include "gtest/gtest.h"

using namespace onncf::nvdla;

static const NvdlaConfig &get(llvm::StringRef Name) {
  auto C = lookupNvdlaConfig(Name);
  EXPECT_TRUE(bool(C)) << Name.str();
  if (!C) {
    llvm::consumeError(C.takeError());
    return getAllNvdlaConfigs()[0];
  }
  return **C;
}

TEST(NvdlaConfig, Small) {
  const NvdlaConfig &C = get("nvdla-small");
  EXPECT_EQ(C.NvidiaName, "nv_small");
  EXPECT_EQ(C.AtomicC, 8u);
  EXPECT_EQ(C.AtomicK, 8u);
  EXPECT_EQ(C.MemoryAtomBytes, 8u);
  EXPECT_EQ(C.CbufBanks, 32u);
  EXPECT_EQ(C.CbufBankDepth, 512u);
  EXPECT_EQ(C.CbufEntryBytes, 8u);
  EXPECT_EQ(C.getCbufBytes(), 128u * 1024);
  EXPECT_EQ(C.getCbufBankBytes(), 4096u); // 64 x 512 bits per SRAM macro
  EXPECT_EQ(C.getMacsPerCycle(), 64u);
  EXPECT_TRUE(C.Int8);
  EXPECT_FALSE(C.Int16);
  EXPECT_FALSE(C.Fp16);
  EXPECT_TRUE(C.supports(Precision::Int8));
  EXPECT_FALSE(C.supports(Precision::Fp16));
  EXPECT_TRUE(C.Conv && C.Sdp && C.Pdp && C.Cdp);
  EXPECT_FALSE(C.SdpLut);
  EXPECT_FALSE(C.SdpEw);
  EXPECT_FALSE(C.Bdma);
  EXPECT_FALSE(C.Rubik);
  EXPECT_FALSE(C.SecondaryMemory);
  EXPECT_FALSE(C.Winograd || C.Batch || C.WeightCompression);
  EXPECT_EQ(C.SdpBsThroughput, 1u);
  EXPECT_EQ(C.SdpBnThroughput, 1u);
  EXPECT_EQ(C.SdpEwThroughput, 0u); // no EW unit
  EXPECT_EQ(C.PdpThroughput, 1u);
  EXPECT_EQ(C.CdpThroughput, 1u);
  EXPECT_EQ(C.getChannelsPerAtom(1), 8u);
  EXPECT_EQ(C.getChannelsPerAtom(Precision::Int8), 8u);
  EXPECT_EQ(C.getKernelsPerGroup(1), 8u);
  EXPECT_EQ(C.getKernelsPerGroup(2), 4u);
}

TEST(NvdlaConfig, Small256) {
  const NvdlaConfig &C = get("nvdla-small-256");
  EXPECT_EQ(C.NvidiaName, "nv_small_256");
  EXPECT_EQ(C.AtomicC, 32u);
  EXPECT_EQ(C.AtomicK, 8u);
  EXPECT_EQ(C.MemoryAtomBytes, 8u);
  EXPECT_EQ(C.CbufBanks, 32u);
  EXPECT_EQ(C.CbufBankDepth, 128u);
  EXPECT_EQ(C.CbufEntryBytes, 32u);
  EXPECT_EQ(C.getCbufBytes(), 32u * 128 * 32);
  EXPECT_EQ(C.getMacsPerCycle(), 256u);
  EXPECT_TRUE(C.Int8 && !C.Int16 && !C.Fp16);
  EXPECT_TRUE(C.Conv && C.Sdp && C.Pdp && C.Cdp);
  EXPECT_FALSE(C.SdpLut || C.SdpEw || C.Bdma || C.Rubik || C.SecondaryMemory);
  EXPECT_EQ(C.PdpThroughput, 1u);
  EXPECT_EQ(C.getChannelsPerAtom(1), 8u);
}

TEST(NvdlaConfig, Large) {
  const NvdlaConfig &C = get("nvdla-large");
  EXPECT_EQ(C.NvidiaName, "nv_large");
  EXPECT_EQ(C.AtomicC, 64u);
  EXPECT_EQ(C.AtomicK, 32u);
  EXPECT_EQ(C.MemoryAtomBytes, 32u);
  EXPECT_EQ(C.CbufBanks, 16u);
  EXPECT_EQ(C.CbufBankDepth, 512u);
  EXPECT_EQ(C.CbufEntryBytes, 64u);
  EXPECT_EQ(C.getCbufBytes(), 512u * 1024);
  EXPECT_EQ(C.getMacsPerCycle(), 2048u);
  EXPECT_TRUE(C.Int8 && !C.Int16 && !C.Fp16);
  EXPECT_TRUE(C.SdpLut && C.SdpEw && C.SdpBs && C.SdpBn);
  EXPECT_FALSE(C.Bdma || C.Rubik || C.Winograd || C.Batch);
  EXPECT_EQ(C.SdpBsThroughput, 16u);
  EXPECT_EQ(C.SdpBnThroughput, 16u);
  EXPECT_EQ(C.SdpEwThroughput, 4u);
  EXPECT_EQ(C.PdpThroughput, 8u);
  EXPECT_EQ(C.CdpThroughput, 8u);
  EXPECT_EQ(C.getChannelsPerAtom(1), 32u);
}

TEST(NvdlaConfig, Full) {
  const NvdlaConfig &C = get("nvdla-full");
  EXPECT_EQ(C.NvidiaName, "nv_full");
  EXPECT_EQ(C.AtomicC, 64u);
  EXPECT_EQ(C.AtomicK, 32u);
  EXPECT_EQ(C.MemoryAtomBytes, 32u);
  EXPECT_EQ(C.CbufBanks, 16u);
  EXPECT_EQ(C.CbufBankDepth, 512u);
  EXPECT_EQ(C.CbufEntryBytes, 64u);
  EXPECT_EQ(C.getCbufBankBytes(), 32u * 1024);
  EXPECT_TRUE(C.Int8 && C.Int16 && C.Fp16);
  EXPECT_TRUE(C.supports(Precision::Fp16));
  EXPECT_TRUE(C.Conv && C.Sdp && C.SdpLut && C.SdpEw && C.SdpBs && C.SdpBn &&
              C.Pdp && C.Cdp && C.Bdma && C.Rubik);
  EXPECT_TRUE(C.Winograd && C.Batch && C.WeightCompression);
  EXPECT_EQ(C.SdpBsThroughput, 16u);
  EXPECT_EQ(C.SdpEwThroughput, 4u);
  EXPECT_EQ(C.PdpThroughput, 8u);
  EXPECT_EQ(C.getChannelsPerAtom(1), 32u);
  EXPECT_EQ(C.getChannelsPerAtom(Precision::Int16), 16u);
  EXPECT_EQ(C.getChannelsPerAtom(Precision::Fp16), 16u);
  EXPECT_EQ(C.getKernelsPerGroup(2), 16u);
}

TEST(NvdlaConfig, Lookup) {
  ASSERT_EQ(getAllNvdlaConfigs().size(), 4u);
  for (llvm::StringRef N : {"nv_small", "nv_small_256", "nv_large", "nv_full"})
    EXPECT_EQ(get(N).NvidiaName, N);
  EXPECT_EQ(&get("nv_full"), &get("nvdla-full"));
  auto Bad = lookupNvdlaConfig("nv_medium");
  ASSERT_FALSE(bool(Bad));
  std::string Msg = llvm::toString(Bad.takeError());
  EXPECT_NE(Msg.find("'nv_medium'"), std::string::npos) << Msg;
  for (const char *N : {"nvdla-small", "nvdla-small-256", "nvdla-large",
                        "nvdla-full", "nv_small", "nv_large", "nv_full"})
    EXPECT_NE(Msg.find(N), std::string::npos) << N << " in " << Msg;
}
