//===- DatasetTest.cpp - Format detection, labels and preprocessing -------===//
#include "onncf/Data/Dataset.h"
#include "DataTestUtils.h"
#include "onncf/Data/NPY.h"
#include "onncf/Data/TensorProtoIO.h"
#include "gmock/gmock.h"

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

const char *FMnistDir = "/usr/share/datasets/fashion-mnist";

TEST(DatasetTest, FashionMNISTFolderPicksTheTestSplit) {
  if (!sys::fs::exists(FMnistDir))
    GTEST_SKIP() << "Fashion-MNIST not installed";
  auto D = loadDataset(FMnistDir);
  ASSERT_TRUE(bool(D)) << toString(D.takeError());
  EXPECT_THAT(D->ImagesPath, HasSubstr("t10k-images"));
  EXPECT_THAT(D->LabelsPath, HasSubstr("t10k-labels"));
  EXPECT_EQ(D->size(), 10000);
  EXPECT_EQ(D->Labels.size(), 10000u);

  auto X = toFloatInput(D->Images, Preprocess());
  ASSERT_TRUE(bool(X)) << toString(X.takeError());
  EXPECT_EQ(X->getShape(), ArrayRef<int64_t>({10000, 1, 28, 28}));
  auto F = X->data<float>();
  EXPECT_EQ(*std::max_element(F.begin(), F.end()), 1.0f);
  EXPECT_EQ(*std::min_element(F.begin(), F.end()), 0.0f);
}

TEST(DatasetTest, LabelCountMustMatch) {
  if (!sys::fs::exists(FMnistDir))
    GTEST_SKIP() << "Fashion-MNIST not installed";
  std::string L = writeTemp("labels.txt", "1 2 3\n");
  std::string Images = std::string(FMnistDir) + "/t10k-images-idx3-ubyte.gz";
  std::string E = errorOf(loadDataset(Images, L));
  EXPECT_THAT(E, HasSubstr(L));
  EXPECT_THAT(E, HasSubstr("3 labels but"));
  EXPECT_THAT(E, HasSubstr("10000 images"));
}

TEST(DatasetTest, DetectsFormatsByContent) {
  std::string Dir = tempDir();
  Tensor T = Tensor::fromVector<uint8_t>({2, 1, 2}, {1, 2, 3, 4});
  // An .npy under a misleading name is still read as NPY.
  std::string P = Dir + "/images.bin";
  ASSERT_FALSE(errorToBool(writeNPYFile(P, T)));
  auto R = loadImages(P);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_TRUE(*R == T);

  std::string PB = Dir + "/images.pb";
  ASSERT_FALSE(errorToBool(writeTensorProtoFile(PB, T)));
  R = loadImages(PB);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_TRUE(*R == T);

  std::string PGM =
      writeTemp("one.pgm", StringRef("P5 2 1 255\n\x07\x08", 13), Dir);
  R = loadImages(PGM);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->getShape(), ArrayRef<int64_t>({1, 1, 2}));

  std::string Junk = writeTemp("junk.dat", "\x01\x02garbage", Dir);
  EXPECT_THAT(errorOf(loadImages(Junk)),
              HasSubstr("unrecognised dataset format"));
  EXPECT_THAT(errorOf(loadImages(Dir + "/missing.idx")),
              HasSubstr("missing.idx"));
}

TEST(DatasetTest, Labels) {
  std::string Dir = tempDir();
  auto L = loadLabels(writeTemp("l.txt", "3\n1\n4\n", Dir));
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  EXPECT_EQ(*L, std::vector<int64_t>({3, 1, 4}));

  std::string P = Dir + "/l.npy";
  ASSERT_FALSE(errorToBool(
      writeNPYFile(P, Tensor::fromVector<int64_t>({3, 1}, {0, 9, 2}))));
  L = loadLabels(P);
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  EXPECT_EQ(*L, std::vector<int64_t>({0, 9, 2}));

  ASSERT_FALSE(
      errorToBool(writeNPYFile(P, Tensor::fromVector<float>({2}, {0, 1}))));
  EXPECT_THAT(errorOf(loadLabels(P)), HasSubstr("1-D integer"));
  EXPECT_THAT(errorOf(loadLabels(writeTemp("n.txt", "1 -2", Dir))),
              HasSubstr("negative label -2 at index 1"));
  EXPECT_THAT(errorOf(loadLabels(Dir)), HasSubstr("has no labels"));
}

TEST(DatasetTest, PGMFolderDatasetHasNoLabels) {
  std::string Dir = tempDir();
  writeTemp("0.pgm", StringRef("P5 1 1 255\n\x10", 12), Dir);
  writeTemp("1.pgm", StringRef("P5 1 1 255\n\x20", 12), Dir);
  auto D = loadDataset(Dir);
  ASSERT_TRUE(bool(D)) << toString(D.takeError());
  EXPECT_EQ(D->size(), 2);
  EXPECT_FALSE(D->hasLabels());
}

TEST(DatasetTest, ToFloatInputIntegers) {
  Tensor Raw = Tensor::fromVector<uint8_t>({2, 1, 2}, {0, 51, 255, 102});
  Preprocess P;
  P.Mean = {0.5f};
  P.Std = {0.5f};
  auto X = toFloatInput(Raw, P);
  ASSERT_TRUE(bool(X)) << toString(X.takeError());
  EXPECT_EQ(X->getShape(), ArrayRef<int64_t>({2, 1, 1, 2}));
  auto F = X->data<float>();
  EXPECT_FLOAT_EQ(F[0], -1.0f);
  EXPECT_FLOAT_EQ(F[1], (0.2f - 0.5f) / 0.5f);
  EXPECT_FLOAT_EQ(F[2], 1.0f);

  // Per-channel statistics on [N,C,H,W].
  Tensor RGB = Tensor::fromVector<uint8_t>({1, 3, 1, 1}, {255, 255, 255});
  P.Scale = 1.0f / 255;
  P.Mean = {0.0f, 0.5f, 1.0f};
  P.Std = {1.0f, 0.5f, 0.25f};
  X = toFloatInput(RGB, P);
  ASSERT_TRUE(bool(X)) << toString(X.takeError());
  EXPECT_FLOAT_EQ(X->data<float>()[0], 1.0f);
  EXPECT_FLOAT_EQ(X->data<float>()[1], 1.0f);
  EXPECT_FLOAT_EQ(X->data<float>()[2], 0.0f);

  // A single [H,W] image becomes [1,1,H,W].
  Preprocess Unscaled;
  Unscaled.Scale = 1.0f;
  X = toFloatInput(Tensor::fromVector<int16_t>({1, 2}, {-2, 4}), Unscaled);
  ASSERT_TRUE(bool(X));
  EXPECT_EQ(X->getShape(), ArrayRef<int64_t>({1, 1, 1, 2}));
  EXPECT_EQ(X->data<float>()[0], -2.0f);
}

TEST(DatasetTest, ToFloatInputFloatsUnchanged) {
  Tensor Raw = Tensor::fromVector<double>({1, 1, 2}, {3.5, -1});
  Preprocess P;
  P.Mean = {10};
  auto X = toFloatInput(Raw, P);
  ASSERT_TRUE(bool(X)) << toString(X.takeError());
  EXPECT_EQ(X->getElementType(), ElementType::F32);
  EXPECT_EQ(X->data<float>()[0], 3.5f);
  P.NormalizeFloat = true;
  X = toFloatInput(Raw, P);
  ASSERT_TRUE(bool(X));
  EXPECT_EQ(X->data<float>()[0], -6.5f);
}

TEST(DatasetTest, ToFloatInputErrors) {
  Tensor RGB(TensorType(ElementType::U8, {1, 3, 2, 2}));
  Preprocess P;
  P.Mean = {0.1f, 0.2f};
  std::string E = errorOf(toFloatInput(RGB, P, "calib.npy"));
  EXPECT_THAT(E, HasSubstr("calib.npy: mean has 2 values but the images have "
                           "3 channel(s)"));
  P.Mean = {};
  P.Std = {0.0f};
  EXPECT_THAT(errorOf(toFloatInput(RGB, P)), HasSubstr("std must not be zero"));
  EXPECT_THAT(errorOf(toFloatInput(Tensor(TensorType(ElementType::U8, {4})),
                                   Preprocess())),
              HasSubstr("expected rank 2, 3 or 4"));
}

} // namespace

TEST(DatasetTest, PreprocessNumbersAndLists) {
  EXPECT_EQ(parsePreprocessNumber("0.5"), 0.5f);
  EXPECT_EQ(parsePreprocessNumber(" 2e-3 "), 2e-3f);
  EXPECT_EQ(parsePreprocessNumber("1/255"), float(1.0 / 255.0));
  EXPECT_EQ(parsePreprocessNumber("1/0"), std::nullopt);
  EXPECT_EQ(parsePreprocessNumber("abc"), std::nullopt);
  EXPECT_EQ(parsePreprocessNumber("1/x"), std::nullopt);

  auto L = parsePreprocessList("0.485, 0.456,1/2");
  ASSERT_TRUE(bool(L));
  EXPECT_EQ(*L, (std::vector<float>{0.485f, 0.456f, 0.5f}));
  auto Empty = parsePreprocessList("");
  ASSERT_TRUE(bool(Empty));
  EXPECT_TRUE(Empty->empty());
  auto Bad = parsePreprocessList("1,two,3");
  ASSERT_FALSE(bool(Bad));
  EXPECT_EQ(toString(Bad.takeError()), "'two' is not a number");
}
