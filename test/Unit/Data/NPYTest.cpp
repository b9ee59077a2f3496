//===- NPYTest.cpp - NPY reader/writer ------------------------------------===//
#include "onncf/Data/NPY.h"
#include "DataTestUtils.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/Support/Program.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

std::string npyBytes(const Tensor &T) {
  std::string S;
  raw_string_ostream OS(S);
  EXPECT_FALSE(errorToBool(writeNPY(OS, T)));
  OS.flush();
  return S;
}

/// A v1 file with the given header dict and payload.
std::string npyWithHeader(StringRef Dict, StringRef Data, int Major = 1) {
  std::string H = Dict.str() + "\n";
  std::string S = "\x93NUMPY";
  S += char(Major);
  S += char(0);
  if (Major == 1) {
    S += char(H.size() & 0xff);
    S += char(H.size() >> 8);
  } else {
    for (int I = 0; I < 4; ++I)
      S += char((H.size() >> (8 * I)) & 0xff);
  }
  return S + H + Data.str();
}

TEST(NPYTest, RoundTripEveryType) {
  std::vector<Tensor> Ts = {
      Tensor::fromVector<float>({2, 3}, {1, -2, 3.5f, 4, 5, 6}),
      Tensor::fromVector<double>({3}, {1e300, -2, 0.25}),
      Tensor::fromVector<uint8_t>({1, 2, 2}, {0, 255, 7, 8}),
      Tensor::fromVector<int8_t>({4}, {-128, 127, 0, -1}),
      Tensor::fromVector<int16_t>({2}, {-32768, 32767}),
      Tensor::fromVector<int32_t>({2, 1}, {-7, 1 << 30}),
      Tensor::fromVector<int64_t>({}, {int64_t(1) << 40}),
      Tensor::fromVector<float>({0, 3}, {}),
  };
  for (const Tensor &T : Ts) {
    std::string B = npyBytes(T);
    // The data starts 64-byte aligned, as NumPy writes it.
    EXPECT_EQ((B.size() - T.getSizeInBytes()) % 64, 0u);
    auto R = parseNPY(B, "mem.npy");
    ASSERT_TRUE(bool(R)) << toString(R.takeError());
    EXPECT_TRUE(*R == T) << T.getType().str() << " vs " << R->getType().str();
  }
}

TEST(NPYTest, FileRoundTrip) {
  std::string Dir = tempDir();
  std::string P = Dir + "/t.npy";
  Tensor T = Tensor::fromVector<float>({2, 2}, {1, 2, 3, 4});
  ASSERT_FALSE(errorToBool(writeNPYFile(P, T)));
  auto R = readNPY(P);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_TRUE(*R == T);
}

TEST(NPYTest, Versions2And3) {
  StringRef Data("\x01\x00\x02\x00", 4);
  for (int Major : {2, 3}) {
    auto R = parseNPY(npyWithHeader("{'descr': '<i2', 'fortran_order': False, "
                                    "'shape': (2,), }",
                                    Data, Major),
                      "v.npy");
    ASSERT_TRUE(bool(R)) << toString(R.takeError());
    EXPECT_EQ(R->data<int16_t>()[1], 2);
  }
  EXPECT_THAT(errorOf(parseNPY(npyWithHeader("{}", "", 4), "v4.npy")),
              HasSubstr("unsupported NPY format version 4"));
}

TEST(NPYTest, HeaderVariants) {
  // Keys in any order, double quotes, no trailing comma, Python-2 longs.
  auto R = parseNPY(npyWithHeader("{\"shape\": (1L, 2L), \"fortran_order\": "
                                  "False, \"descr\": \"|u1\"}",
                                  "ab"),
                    "h.npy");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->getShape(), ArrayRef<int64_t>({1, 2}));
}

TEST(NPYTest, Errors) {
  auto Err = [](StringRef Dict, StringRef Data) {
    return errorOf(parseNPY(npyWithHeader(Dict, Data), "bad.npy"));
  };
  EXPECT_THAT(
      Err("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "abcd"),
      HasSubstr("Fortran"));
  EXPECT_THAT(
      Err("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "abcd"),
      HasSubstr("big-endian"));
  EXPECT_THAT(Err("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                  "abcdefgh"),
              HasSubstr("unsupported NPY dtype '<c8'"));
  std::string E = Err("{'descr': '<f4', 'fortran_order': False, 'shape': "
                      "(2, 2), }",
                      "abcd");
  EXPECT_THAT(E, HasSubstr("bad.npy"));
  EXPECT_THAT(E, HasSubstr("shape mismatch"));
  EXPECT_THAT(E, HasSubstr("(truncated)"));
  EXPECT_THAT(Err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                  "abcdefgh"),
              HasSubstr("shape mismatch"));
  EXPECT_THAT(Err("{'descr': '<f4', 'shape': (1,), }", "abcd"),
              HasSubstr("missing"));
  EXPECT_THAT(Err("{'descr': [('a', '<f4')], 'fortran_order': False, "
                  "'shape': (1,), }",
                  "abcd"),
              HasSubstr("structured"));
  EXPECT_THAT(Err("{'descr': '<f4', 'fortran_order': False, 'shape': "
                  "(99999999999, 99999999999, 9999999999), }",
                  "abcd"),
              HasSubstr("shape mismatch"));
  EXPECT_THAT(errorOf(parseNPY("\x93NUMPY\x01", "short.npy")),
              HasSubstr("truncated"));
  EXPECT_THAT(errorOf(parseNPY("PK\x03\x04 not npy", "x.npz")),
              HasSubstr("bad magic"));
  std::string Cut = npyWithHeader("{'descr': '<f4', 'fortran_order': False, "
                                  "'shape': (1,), }",
                                  "abcd");
  EXPECT_THAT(errorOf(parseNPY(StringRef(Cut).take_front(20), "cut.npy")),
              HasSubstr("truncated NPY header"));
}

/// Cross-checks with NumPy itself when it is installed.
TEST(NPYTest, InteroperatesWithNumPy) {
  const char *Py = "/usr/bin/python3";
  if (!sys::fs::can_execute(Py))
    GTEST_SKIP() << "no python3";
  std::string Dir = tempDir();
  std::string Mine = Dir + "/mine.npy", Theirs = Dir + "/theirs.npy";
  ASSERT_FALSE(errorToBool(writeNPYFile(
      Mine, Tensor::fromVector<int32_t>({2, 3}, {1, 2, 3, 4, 5, -6}))));
  std::string Script =
      "import sys\n"
      "try:\n import numpy as np\nexcept ImportError:\n sys.exit(77)\n"
      "a = np.load(sys.argv[1])\n"
      "assert a.dtype == np.int32 and a.shape == (2, 3), (a.dtype, a.shape)\n"
      "assert a.tolist() == [[1, 2, 3], [4, 5, -6]]\n"
      "b = np.arange(12, dtype=np.float64).reshape(3, 4) / 4\n"
      "np.lib.format.write_array(open(sys.argv[2], 'wb'), b, version=(3, 0))\n";
  std::string ScriptPath = writeTemp("check.py", Script, Dir);
  int RC = sys::ExecuteAndWait(Py, {Py, ScriptPath, Mine, Theirs});
  if (RC == 77)
    GTEST_SKIP() << "numpy not installed";
  ASSERT_EQ(RC, 0);
  auto R = readNPY(Theirs);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->getElementType(), ElementType::F64);
  EXPECT_EQ(R->getShape(), ArrayRef<int64_t>({3, 4}));
  EXPECT_EQ(R->data<double>()[5], 1.25);
}

} // namespace
