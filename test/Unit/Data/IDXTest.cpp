//===- IDXTest.cpp - IDX reader, on Fashion-MNIST and corrupted copies ----===//
#include "onncf/Data/IDX.h"
#include "DataTestUtils.h"
#include "onncf/Support/FileUtils.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

const char *FMnistImages =
    "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
const char *FMnistLabels =
    "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";

bool haveFMnist() { return sys::fs::exists(FMnistImages); }

std::string idxHeader(uint8_t Type, std::vector<uint32_t> Dims) {
  std::string S = {0, 0, (char)Type, (char)Dims.size()};
  for (uint32_t D : Dims)
    for (int B = 3; B >= 0; --B)
      S += char((D >> (8 * B)) & 0xff);
  return S;
}

TEST(IDXTest, FashionMNISTImages) {
  if (!haveFMnist())
    GTEST_SKIP() << "Fashion-MNIST not installed";
  auto T = readIDXImages(FMnistImages);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->getElementType(), ElementType::U8);
  EXPECT_EQ(T->getShape(), ArrayRef<int64_t>({10000, 28, 28}));
  // Images are not blank: some pixels use the full range.
  auto D = T->data<uint8_t>();
  EXPECT_EQ(*std::max_element(D.begin(), D.end()), 255);
  EXPECT_EQ(*std::min_element(D.begin(), D.end()), 0);
}

TEST(IDXTest, FashionMNISTLabels) {
  if (!haveFMnist())
    GTEST_SKIP() << "Fashion-MNIST not installed";
  auto L = readIDXLabels(FMnistLabels);
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  ASSERT_EQ(L->size(), 10000u);
  std::vector<int> Count(10);
  for (int64_t V : *L) {
    ASSERT_GE(V, 0);
    ASSERT_LE(V, 9);
    ++Count[V];
  }
  // The Fashion-MNIST test split is balanced: 1000 per class.
  for (int C : Count)
    EXPECT_EQ(C, 1000);
}

TEST(IDXTest, TruncatedCopyIsAnError) {
  if (!haveFMnist())
    GTEST_SKIP() << "Fashion-MNIST not installed";
  auto Buf = readMaybeGzipFile(FMnistImages);
  ASSERT_TRUE(bool(Buf));
  StringRef All = (*Buf)->getBuffer();
  std::string P = writeTemp("cut-images-idx3-ubyte", All.drop_back(1000));
  std::string E = errorOf(readIDXImages(P));
  EXPECT_THAT(E, HasSubstr(P));
  EXPECT_THAT(E, HasSubstr("truncated"));
}

TEST(IDXTest, TruncatedGzipIsAnError) {
  if (!haveFMnist())
    GTEST_SKIP() << "Fashion-MNIST not installed";
  auto Buf = readFile(FMnistLabels);
  ASSERT_TRUE(bool(Buf));
  std::string P =
      writeTemp("cut-labels.gz", (*Buf)->getBuffer().drop_back(100));
  std::string E = errorOf(readIDXLabels(P));
  EXPECT_THAT(E, HasSubstr(P));
}

TEST(IDXTest, BadMagic) {
  std::string Bytes = idxHeader(0x08, {2});
  Bytes[0] = 1;
  Bytes += "ab";
  std::string P = writeTemp("bad-magic", Bytes);
  EXPECT_THAT(errorOf(readIDX(P)), HasSubstr("bad magic"));
  Bytes = idxHeader(0x07, {2}) + "ab";
  P = writeTemp("bad-type", Bytes);
  EXPECT_THAT(errorOf(readIDX(P)), HasSubstr("unknown element type"));
}

TEST(IDXTest, SizeMismatch) {
  std::string P = writeTemp("big-header", idxHeader(0x08, {3, 2, 2}) + "12345");
  std::string E = errorOf(readIDX(P));
  EXPECT_THAT(E, HasSubstr(P));
  EXPECT_THAT(E, HasSubstr("12 bytes"));
  P = writeTemp("trailing", idxHeader(0x08, {2}) + "123");
  EXPECT_THAT(errorOf(readIDX(P)), HasSubstr("trailing"));
  // Dimensions whose product overflows are reported, not allocated.
  P = writeTemp("huge", idxHeader(0x0D, {0xffffffff, 0xffffffff, 0xffffffff}));
  EXPECT_THAT(errorOf(readIDX(P)), HasSubstr("truncated"));
  P = writeTemp("short", std::string("\0\0\x08", 3));
  EXPECT_THAT(errorOf(readIDX(P)), HasSubstr("truncated header"));
}

TEST(IDXTest, BigEndianElements) {
  std::string Bytes = idxHeader(0x0B, {2}) + std::string("\x01\x02\xff\xfe", 4);
  auto T = parseIDX(Bytes, "mem");
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->getElementType(), ElementType::I16);
  EXPECT_EQ(T->data<int16_t>()[0], 0x0102);
  EXPECT_EQ(T->data<int16_t>()[1], -2);
  Bytes = idxHeader(0x0D, {1}) + std::string("\x3f\x80\x00\x00", 4);
  T = parseIDX(Bytes, "mem");
  ASSERT_TRUE(bool(T));
  EXPECT_EQ(T->data<float>()[0], 1.0f);
}

TEST(IDXTest, WrongKindOfFile) {
  std::string P = writeTemp("labels-as-images", idxHeader(0x08, {2}) + "ab");
  EXPECT_THAT(errorOf(readIDXImages(P)), HasSubstr("idx3 ubyte"));
  P = writeTemp("images-as-labels", idxHeader(0x08, {1, 1, 2}) + "ab");
  EXPECT_THAT(errorOf(readIDXLabels(P)), HasSubstr("idx1"));
}

} // namespace
