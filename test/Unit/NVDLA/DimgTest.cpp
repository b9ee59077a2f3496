//===- DimgTest.cpp - DIMG golden images ----------------------------------===//
//
// Part of onnc-fault. Parses every golden of the NVDLA regression suite
// (shared/conformance/nvdla-regression/golden; ONNCF_SHARED overrides the
// shared folder) and checks corrupt images are rejected with the field named.
//
//===----------------------------------------------------------------------===//
#include "RegressionData.h"
#include "onncf/Targets/NVDLA/Dimg.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"
#include <cstdlib>
#include <map>

using namespace onncf;
using namespace onncf::nvdla;

static std::string goldenDir() {
  const char *Env = std::getenv("ONNCF_SHARED");
  llvm::SmallString<256> P(Env ? Env : ONNCF_SHARED_DIR);
  llvm::sys::path::append(P, "conformance", "nvdla-regression", "golden");
  return std::string(P);
}

struct Expect {
  uint32_t Format, W, H, C, Line, Surf, Size;
  unsigned Atom;
};

// Observed headers (and the atom each implies) of the 15 goldens.
static const std::map<std::string, Expect> &expected() {
  static const std::map<std::string, Expect> M = {
      {"BDMA_L0_0", {40, 1, 1, 1, 256, 2048, 2048, 32}},
      {"CDP_L0_0", {41, 8, 8, 32, 256, 2048, 4096, 32}},
      {"CDP_L0_0_large", {40, 8, 8, 32, 256, 2048, 2048, 32}},
      {"CDP_L0_0_small", {40, 8, 8, 32, 64, 512, 2048, 8}},
      {"CONV_D_L0_0", {41, 8, 8, 32, 256, 2048, 4096, 32}},
      {"CONV_D_L0_0_large", {40, 8, 8, 32, 256, 2048, 2048, 32}},
      {"CONV_D_L0_0_small", {40, 8, 8, 32, 64, 512, 2048, 8}},
      {"NN_L0_0", {42, 1, 1, 10, 32, 32, 32, 32}},
      {"PDP_L0_0", {40, 8, 8, 32, 256, 2048, 2048, 32}},
      {"PDP_L0_0_large", {40, 8, 8, 32, 256, 2048, 2048, 32}},
      {"PDP_L0_0_small", {40, 8, 8, 32, 64, 512, 2048, 8}},
      {"RBK_L0_0", {41, 80, 32, 16, 2560, 81920, 81920, 32}},
      {"SDP_X1_L0_0", {40, 8, 8, 32, 256, 2048, 4096, 32}},
      {"SDP_X1_L0_0_large", {40, 8, 8, 32, 256, 2048, 2048, 32}},
      {"SDP_X1_L0_0_small", {40, 8, 8, 32, 64, 512, 2048, 8}},
  };
  return M;
}

TEST(Dimg, AllGoldens) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  std::error_code EC;
  unsigned N = 0;
  for (llvm::sys::fs::directory_iterator I(goldenDir(), EC), E; I != E && !EC;
       I.increment(EC)) {
    llvm::StringRef File = llvm::sys::path::filename(I->path());
    if (!File.endswith(".dimg"))
      continue;
    ++N;
    // UNIT_<hash>.dimg: the key is the name without the hash.
    std::string Key = File.drop_back(5).rsplit('_').first.str();
    auto It = expected().find(Key);
    ASSERT_NE(It, expected().end()) << File.str();
    const Expect &X = It->second;
    auto Img = readDimgFile(I->path());
    ASSERT_TRUE(bool(Img)) << llvm::toString(Img.takeError());
    EXPECT_EQ(Img->Version, 0u);
    EXPECT_EQ(Img->Format, X.Format) << Key;
    EXPECT_EQ(Img->W, X.W) << Key;
    EXPECT_EQ(Img->H, X.H) << Key;
    EXPECT_EQ(Img->C, X.C) << Key;
    EXPECT_EQ(Img->LineStride, X.Line) << Key;
    EXPECT_EQ(Img->SurfStride, X.Surf) << Key;
    EXPECT_EQ(Img->Size, X.Size) << Key;
    EXPECT_EQ(Img->getAtomBytes(), X.Atom) << Key;
    EXPECT_EQ(Img->Payload.size(),
              uint64_t(X.W) * X.H * X.C * (X.Format == 40 ? 1 : 2));
    // Tensor view and surface round trip.
    auto T = dimgToTensor(*Img);
    ASSERT_TRUE(bool(T)) << llvm::toString(T.takeError());
    EXPECT_EQ(
        T->getShape(),
        llvm::ArrayRef<int64_t>({1, int64_t(X.C), int64_t(X.H), int64_t(X.W)}));
    EXPECT_EQ(T->getElementType(), X.Format == 40   ? ElementType::I8
                                   : X.Format == 41 ? ElementType::I16
                                                    : ElementType::F16);
    auto Surf = dimgToSurface(*Img);
    ASSERT_TRUE(bool(Surf)) << llvm::toString(Surf.takeError());
    EXPECT_EQ(Surf->size(), X.Size);
    auto S = Img->getSurface();
    ASSERT_TRUE(bool(S));
    auto Back = dimgFromSurface(*S, *Surf, DimgFormat(X.Format));
    ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
    EXPECT_EQ(Back->Payload, Img->Payload);
    // Re-serialising gives the file back byte for byte.
    auto Bytes = writeDimg(*Img);
    ASSERT_TRUE(bool(Bytes));
    auto Again = parseDimg(*Bytes, "again");
    ASSERT_TRUE(bool(Again));
    EXPECT_EQ(Again->Payload, Img->Payload);
    uint64_t FileSize = 0;
    ASSERT_FALSE(llvm::sys::fs::file_size(I->path(), FileSize));
    EXPECT_EQ(Bytes->size(), FileSize);
  }
  ASSERT_FALSE(EC) << EC.message();
  EXPECT_EQ(N, 15u) << "goldens in " << goldenDir();
}

// The PDP nv_small golden is a stride-2 pooling of a 1-D ramp per channel:
// row h+1 is row h shifted by two columns. That holds in planar C-H-W order
// (and not in NCxHWx order), which is why the payload is read as dense NCHW.
TEST(Dimg, PayloadIsPlanar) {
  ONNCF_SKIP_WITHOUT_NVDLA_REGRESSION();
  llvm::SmallString<256> P(goldenDir());
  llvm::sys::path::append(P, "PDP_L0_0_small_fbdf76.dimg");
  auto Img = readDimgFile(P);
  ASSERT_TRUE(bool(Img)) << llvm::toString(Img.takeError());
  auto T = dimgToTensor(*Img);
  ASSERT_TRUE(bool(T));
  auto D = T->data<int8_t>();
  for (int C = 0; C < 32; ++C)
    for (int H = 0; H + 1 < 8; ++H)
      for (int W = 0; W + 2 < 8; ++W)
        ASSERT_EQ(D[(C * 8 + H + 1) * 8 + W], D[(C * 8 + H) * 8 + W + 2])
            << C << "," << H << "," << W;
}

static std::vector<uint8_t> sample() {
  DimgImage Img;
  Img.Format = DimgInt8;
  Img.W = 2;
  Img.H = 2;
  Img.C = 9;
  Img.LineStride = 16; // x8: 2 * 8
  Img.SurfStride = 32;
  Img.Size = 64;
  Img.Payload.assign(36, 5);
  auto B = writeDimg(Img);
  EXPECT_TRUE(bool(B));
  return B ? *B : std::vector<uint8_t>();
}

static std::string errorOf(const std::vector<uint8_t> &B) {
  auto R = parseDimg(B, "x.dimg");
  if (R)
    return "";
  return llvm::toString(R.takeError());
}

static void patch(std::vector<uint8_t> &B, unsigned Field, uint32_t V) {
  for (unsigned I = 0; I < 4; ++I)
    B[4 * Field + I] = uint8_t(V >> (8 * I));
}

TEST(Dimg, Corruption) {
  std::vector<uint8_t> Good = sample();
  ASSERT_EQ(Good.size(), 72u);
  EXPECT_EQ(errorOf(Good), "");

  auto Has = [](const std::string &Msg, const char *Field) {
    EXPECT_NE(Msg.find("x.dimg"), std::string::npos) << Msg;
    EXPECT_NE(Msg.find(Field), std::string::npos) << Field << ": " << Msg;
  };
  for (size_t Len : {0, 3, 20, 35})
    Has(errorOf(std::vector<uint8_t>(Good.begin(), Good.begin() + Len)),
        "'header'");
  {
    auto B = Good;
    B[0] = 'X';
    Has(errorOf(B), "'magic'");
  }
  struct Case {
    unsigned Field;
    uint32_t Value;
    const char *Name;
  } Cases[] = {
      {1, 1, "'version'"},     {2, 43, "'format'"},     {3, 0, "'w'"},
      {5, 0, "'c'"},           {4, 0xffffffff, "'h'"},  {6, 8, "'lineStride'"},
      {6, 12, "'lineStride'"}, {7, 16, "'surfStride'"}, {8, 32, "'size'"},
      {5, 10, "'payload'"},    {2, 41, "'size'"}};
  for (const Case &C : Cases) {
    auto B = Good;
    patch(B, C.Field, C.Value);
    Has(errorOf(B), C.Name);
  }
  {
    auto B = Good;
    B.pop_back();
    Has(errorOf(B), "truncated");
    B.push_back(0);
    B.push_back(0);
    Has(errorOf(B), "size mismatch");
  }
  auto Missing = readDimgFile("/nonexistent/x.dimg");
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("/nonexistent/x.dimg"),
            std::string::npos);
}

TEST(Dimg, FromSurface) {
  // A 9-channel INT8 cube on an 8-byte atom: two surfaces.
  auto S = makeFeatureSurface(9, 2, 2, 1, 8);
  ASSERT_TRUE(bool(S));
  std::vector<uint8_t> Mem(S->getSizeInBytes(), 0);
  for (int C = 0; C < 9; ++C)
    for (int H = 0; H < 2; ++H)
      for (int W = 0; W < 2; ++W)
        Mem[S->getOffset(C, H, W)] = uint8_t(C * 4 + H * 2 + W);
  auto Img = dimgFromSurface(*S, Mem, DimgInt8);
  ASSERT_TRUE(bool(Img)) << llvm::toString(Img.takeError());
  EXPECT_EQ(Img->LineStride, 16u);
  EXPECT_EQ(Img->SurfStride, 32u);
  EXPECT_EQ(Img->Size, 64u);
  for (unsigned I = 0; I < 36; ++I)
    EXPECT_EQ(Img->Payload[I], I); // planar C-H-W
  auto Wrong = dimgFromSurface(*S, Mem, DimgInt16);
  EXPECT_FALSE(bool(Wrong));
  llvm::consumeError(Wrong.takeError());
}
