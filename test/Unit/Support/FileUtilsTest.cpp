//===- FileUtilsTest.cpp --------------------------------------------------===//
#include "onncf/Support/FileUtils.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;

namespace {

std::string tempPath(StringRef Name) {
  SmallString<128> Dir;
  sys::fs::createUniqueDirectory("onncf-test", Dir);
  sys::path::append(Dir, Name);
  return std::string(Dir);
}

TEST(FileUtilsTest, AtomicWriteCreatesFile) {
  std::string P = tempPath("out.txt");
  ASSERT_FALSE(errorToBool(writeFileAtomically(P, "hello")));
  auto Buf = readFile(P);
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(), "hello");
}

TEST(FileUtilsTest, FailingWriterKeepsExistingFile) {
  std::string P = tempPath("keep.txt");
  ASSERT_FALSE(errorToBool(writeFileAtomically(P, "original")));
  Error E = writeFileAtomically(P, [](raw_ostream &OS) -> Error {
    OS << "partial";
    return createStringError(inconvertibleErrorCode(), "writer failed");
  });
  EXPECT_TRUE(errorToBool(std::move(E)));
  auto Buf = readFile(P);
  ASSERT_TRUE(bool(Buf));
  EXPECT_EQ((*Buf)->getBuffer(), "original");
}

TEST(FileUtilsTest, MissingFileErrorNamesFile) {
  auto Buf = readFile("/nonexistent/onncf/file.bin");
  ASSERT_FALSE(bool(Buf));
  std::string Msg = toString(Buf.takeError());
  EXPECT_NE(Msg.find("/nonexistent/onncf/file.bin"), std::string::npos);
}

TEST(FileUtilsTest, ReadsGzipTransparently) {
  // "abc\n" compressed with gzip -n.
  static const unsigned char Gz[] = {
      0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b,
      0x4c, 0x4a, 0xe6, 0x02, 0x00, 0x4e, 0x81, 0x88, 0x47, 0x04, 0x00,
      0x00, 0x00};
  std::string P = tempPath("x.gz");
  ASSERT_FALSE(errorToBool(writeFileAtomically(
      P, StringRef(reinterpret_cast<const char *>(Gz), sizeof(Gz)))));
  auto Buf = readMaybeGzipFile(P);
  ASSERT_TRUE(bool(Buf)) << toString(Buf.takeError());
  EXPECT_EQ((*Buf)->getBuffer(), "abc\n");
}

TEST(FileUtilsTest, TruncatedGzipIsAnError) {
  static const unsigned char Gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x03, 0x4b};
  std::string P = tempPath("t.gz");
  ASSERT_FALSE(errorToBool(writeFileAtomically(
      P, StringRef(reinterpret_cast<const char *>(Gz), sizeof(Gz)))));
  auto Buf = readMaybeGzipFile(P);
  EXPECT_FALSE(bool(Buf));
  if (!Buf)
    consumeError(Buf.takeError());
}

} // namespace
