//===- PGMTest.cpp - PGM reader -------------------------------------------===//
#include "onncf/Data/PGM.h"
#include "DataTestUtils.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

TEST(PGMTest, Binary8Bit) {
  static const char Img[] =
      "P5\n# a comment\n3 2\n255\n\x00\x01\x02\x03\x04\xff";
  auto T = parsePGM(StringRef(Img, sizeof(Img) - 1), "a.pgm");
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->getElementType(), ElementType::U8);
  EXPECT_EQ(T->getShape(), ArrayRef<int64_t>({2, 3}));
  EXPECT_EQ(T->data<uint8_t>()[5], 255);
  EXPECT_EQ(T->data<uint8_t>()[1], 1);
}

TEST(PGMTest, Binary16BitIsBigEndian) {
  auto T = parsePGM(StringRef("P5 2 1 65535\n\x01\x02\xff\xff", 17), "b.pgm");
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->getElementType(), ElementType::I32);
  EXPECT_EQ(T->data<int32_t>()[0], 0x0102);
  EXPECT_EQ(T->data<int32_t>()[1], 65535);
}

TEST(PGMTest, Ascii) {
  auto T = parsePGM("P2\n# comment\n2 2\n# another\n15\n0 5\n10 15\n", "c.pgm");
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->getElementType(), ElementType::U8);
  EXPECT_EQ(T->data<uint8_t>()[3], 15);
  T = parsePGM("P2 2 1 1000 999 1000", "d.pgm");
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->data<int32_t>()[1], 1000);
}

TEST(PGMTest, Errors) {
  EXPECT_THAT(errorOf(parsePGM("P6\n1 1\n255\nabc", "rgb.ppm")),
              HasSubstr("bad magic"));
  EXPECT_THAT(errorOf(parsePGM("P5\n2 2\n255\nabc", "t.pgm")),
              HasSubstr("truncated PGM data"));
  EXPECT_THAT(errorOf(parsePGM("P5\n2 2\n", "h.pgm")),
              HasSubstr("h.pgm: truncated or malformed PGM header"));
  EXPECT_THAT(errorOf(parsePGM("P2 2 1 15 3 16", "m.pgm")),
              HasSubstr("exceeds maxval 15"));
  EXPECT_THAT(errorOf(parsePGM("P2 2 1 15 3", "s.pgm")),
              HasSubstr("truncated PGM data"));
  EXPECT_THAT(errorOf(parsePGM("P5 1 1 70000\nab", "w.pgm")),
              HasSubstr("bad PGM maxval"));
  EXPECT_THAT(errorOf(parsePGM("P5 0 1 255\n", "z.pgm")),
              HasSubstr("bad PGM size"));
  EXPECT_THAT(errorOf(parsePGM("P5 1 1 255\nabcd", "x.pgm")),
              HasSubstr("size mismatch"));
}

TEST(PGMTest, WriteReadRoundTrip) {
  Tensor T = Tensor::fromVector<uint8_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  std::string S;
  raw_string_ostream OS(S);
  ASSERT_FALSE(errorToBool(writePGM(OS, T)));
  OS.flush();
  auto R = parsePGM(S, "rt.pgm");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_TRUE(*R == T);
}

TEST(PGMTest, Folder) {
  std::string Dir = tempDir();
  writeTemp("b.pgm", StringRef("P5 2 1 255\n\x03\x04", 13), Dir);
  writeTemp("a.pgm", StringRef("P5 2 1 255\n\x01\x02", 13), Dir);
  writeTemp("notes.txt", "ignored", Dir);
  auto T = readPGMFolder(Dir);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->getShape(), ArrayRef<int64_t>({2, 1, 2}));
  // File-name order: a.pgm first.
  EXPECT_EQ(T->data<uint8_t>()[0], 1);
  EXPECT_EQ(T->data<uint8_t>()[3], 4);

  std::string Other = writeTemp("c.pgm", "P5 1 1 255\n\x05", Dir);
  std::string E = errorOf(readPGMFolder(Dir));
  EXPECT_THAT(E, HasSubstr(Other));
  EXPECT_THAT(E, HasSubstr("same size"));

  EXPECT_THAT(errorOf(readPGMFolder(tempDir())), HasSubstr("no .pgm"));
}

} // namespace
