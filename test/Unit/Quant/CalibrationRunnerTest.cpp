//===- CalibrationRunnerTest.cpp - calibrateGraph / loadCalibrationData ---===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/CalibrationRunner.h"
#include "onncf/Data/Dataset.h"
#include "onncf/Data/NPY.h"
#include "onncf/Data/PGM.h"
#include "onncf/Data/TensorProtoIO.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>

using namespace onncf;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

// y = x * [1,2,3,4], r = relu(y); only x, y and r are f32 non-constants.
const char *MulRelu = R"(graph @g {
  input %x : f32[?,4]
  const %k : f32[4] = dense<[1.0, 2.0, 3.0, 4.0]>
  %y = onnx.Mul(%x, %k) : f32[?,4]
  %r = onnx.Relu(%y) : f32[?,4]
  %s = onnx.Shape(%r) : i64[2]
  return %r, %s
}
)";

std::unique_ptr<Graph> parse(const char *Text) {
  auto G = parseGraph(Text, "test.ir");
  if (!G) {
    ADD_FAILURE() << toString(G.takeError());
    return nullptr;
  }
  return std::move(*G);
}

Tensor rows(std::vector<float> V, int64_t Cols) {
  return Tensor::fromVector<float>({int64_t(V.size()) / Cols, Cols}, V);
}

template <typename T> std::string errorOf(Expected<T> V) {
  return V ? std::string() : toString(V.takeError());
}

TEST(CalibrationRunner, MinMaxOfEveryFloatValue) {
  auto G = parse(MulRelu);
  ASSERT_TRUE(G);
  CalibrationOptions O;
  O.Method.Method = CalibrationMethod::MinMax;
  auto T = calibrateGraph(*G, rows({1, -2, 0.5, 1, 0, 0, -1, 2}, 4), O);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  // Constants (k) and non-float values (s) get no entry.
  EXPECT_EQ(T->size(), 3u);
  EXPECT_EQ(T->lookup("k"), nullptr);
  EXPECT_EQ(T->lookup("s"), nullptr);
  const CalibrationEntry *X = T->lookup("x"), *Y = T->lookup("y"),
                         *R = T->lookup("r");
  ASSERT_TRUE(X && Y && R);
  // y = [1,-4,1.5,4],[0,0,-3,8]; relu keeps the 8.
  EXPECT_EQ(X->Max, 2.0f);
  EXPECT_EQ(X->Min, -2.0f);
  EXPECT_EQ(X->Scale, scaleForThreshold(2.0, 8));
  EXPECT_EQ(Y->Max, 8.0f);
  EXPECT_EQ(R->Max, 8.0f);
  EXPECT_EQ(R->Scale, 8.0f / 127.0f);
  EXPECT_EQ(R->Offset, 0);
}

TEST(CalibrationRunner, ConstantSubgraphsAreSkipped) {
  // c is computed from constants only: no batch axis, no entry.
  auto G = parse(R"(graph @g {
  input %x : f32[?,2]
  const %k : f32[2] = dense<[1.0, -3.0]>
  %c = onnx.Add(%k, %k) : f32[2]
  %y = onnx.Mul(%x, %c) : f32[?,2]
  return %y
}
)");
  ASSERT_TRUE(G);
  CalibrationOptions O;
  O.Method.Method = CalibrationMethod::MinMax;
  O.Threads = 2;
  auto T = calibrateGraph(*G, rows({1, 1, 0.5, 2, 1, 0}, 2), O);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->size(), 2u);
  EXPECT_EQ(T->lookup("c"), nullptr);
  EXPECT_EQ(T->lookup("y")->Max, 12.0f);
}

TEST(CalibrationRunner, AllZeroValueGetsScaleOne) {
  auto G = parse(MulRelu);
  ASSERT_TRUE(G);
  CalibrationOptions O;
  auto T = calibrateGraph(*G, rows({-1, -1, -1, -1}, 4), O);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->lookup("r")->Scale, 1.0f);
  EXPECT_EQ(T->lookup("r")->Max, 0.0f);
}

TEST(CalibrationRunner, SameTableForAnyBatchAndThreadCount) {
  auto G = parse(MulRelu);
  ASSERT_TRUE(G);
  std::mt19937 Rng(7);
  std::normal_distribution<float> N(0.0f, 1.5f);
  std::vector<float> V(4 * 301);
  for (float &F : V)
    F = N(Rng);
  Tensor S = rows(V, 4);
  for (CalibrationMethod M : {CalibrationMethod::KL, CalibrationMethod::MinMax,
                              CalibrationMethod::Percentile}) {
    CalibrationOptions Ref;
    Ref.Method.Method = M;
    Ref.Threads = 1;
    Ref.BatchSize = 301;
    auto A = calibrateGraph(*G, S, Ref);
    ASSERT_TRUE(bool(A)) << toString(A.takeError());
    for (unsigned Threads : {1u, 2u, 3u})
      for (unsigned Batch : {1u, 7u, 64u}) {
        CalibrationOptions O = Ref;
        O.Threads = Threads;
        O.BatchSize = Batch;
        auto B = calibrateGraph(*G, S, O);
        ASSERT_TRUE(bool(B)) << toString(B.takeError());
        EXPECT_TRUE(*A == *B) << "threads " << Threads << " batch " << Batch;
      }
  }
}

TEST(CalibrationRunner, MethodsOrderThresholds) {
  auto G = parse(MulRelu);
  ASSERT_TRUE(G);
  std::mt19937 Rng(3);
  std::normal_distribution<float> N(0.0f, 1.0f);
  std::vector<float> V(4 * 2000);
  for (float &F : V)
    F = N(Rng);
  V[17] = 50.0f; // one outlier: min-max keeps it, KL and percentile clip it
  Tensor S = rows(V, 4);
  CalibrationOptions O;
  O.Method.Method = CalibrationMethod::MinMax;
  auto MM = calibrateGraph(*G, S, O);
  O.Method.Method = CalibrationMethod::KL;
  auto KL = calibrateGraph(*G, S, O);
  O.Method = *parseCalibrationMethod("percentile:99.9");
  auto PC = calibrateGraph(*G, S, O);
  ASSERT_TRUE(MM && KL && PC);
  EXPECT_EQ(MM->lookup("x")->Max, 50.0f);
  EXPECT_LT(KL->lookup("x")->Max, 10.0f);
  EXPECT_LT(PC->lookup("x")->Max, 10.0f);
  EXPECT_GT(PC->lookup("x")->Max, 2.0f);
}

TEST(CalibrationRunner, KLLeavesOutExactZeros) {
  auto G = parse(MulRelu);
  ASSERT_TRUE(G);
  // Mostly zeros (as after a ReLU), the rest uniform in (0, 1].
  std::mt19937 Rng(11);
  std::uniform_real_distribution<float> U(0.0f, 1.0f);
  std::vector<float> V(4 * 2000), NonZero;
  for (size_t I = 0; I < V.size(); ++I) {
    V[I] = I % 10 == 0 ? 1.0f - U(Rng) : 0.0f;
    if (V[I] != 0.0f)
      NonZero.push_back(V[I]);
  }
  CalibrationOptions O; // KL
  auto T = calibrateGraph(*G, rows(V, 4), O);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  float Max = 0;
  ASSERT_FALSE(bool(updateAbsMax(Max, V)));
  Histogram Without(Max), With(Max);
  ASSERT_FALSE(bool(Without.add(NonZero)));
  ASSERT_FALSE(bool(With.add(V)));
  EXPECT_EQ(T->lookup("x")->Max, static_cast<float>(klThreshold(Without)));
  // klThreshold also flattens point masses, a mass of exact zeros among
  // them, so here counting the zeros gives the same threshold.
  EXPECT_EQ(klThreshold(With), klThreshold(Without));
}

TEST(CalibrationRunner, Errors) {
  auto G = parse(MulRelu);
  ASSERT_TRUE(G);
  CalibrationOptions O;
  EXPECT_THAT(errorOf(calibrateGraph(*G, Tensor(), O)),
              HasSubstr("no samples"));
  EXPECT_THAT(errorOf(calibrateGraph(*G, rows({1, 2, 3}, 3), O)),
              HasSubstr("do not fit the model"));
  EXPECT_THAT(
      errorOf(calibrateGraph(*G, rows({1, 2, 3, 4, 1, std::nanf(""), 0, 0}, 4),
                             O)),
      HasSubstr("calibration sample 1 holds a NaN"));
  O.ActivationBits = 4;
  EXPECT_THAT(errorOf(calibrateGraph(*G, rows({1, 2, 3, 4}, 4), O)),
              HasSubstr("8 or 16"));

  // A value that becomes infinite inside the graph is named with its sample.
  auto Big = parse(R"(graph @g {
  input %x : f32[?,1]
  const %k : f32[1] = dense<[1.0e30]>
  %y = onnx.Mul(%x, %k) : f32[?,1]
  %z = onnx.Mul(%y, %k) : f32[?,1]
  return %z
}
)");
  ASSERT_TRUE(Big);
  O.ActivationBits = 8;
  EXPECT_THAT(errorOf(calibrateGraph(*Big, rows({0, 0, 1e-30f, 5}, 1), O)),
              HasSubstr("value 'z': infinite value in calibration sample 3"));

  auto TwoInputs = parse(R"(graph @g {
  input %a : f32[?,1]
  input %b : f32[?,1]
  %c = onnx.Add(%a, %b) : f32[?,1]
  return %c
}
)");
  ASSERT_TRUE(TwoInputs);
  EXPECT_THAT(errorOf(calibrateGraph(*TwoInputs, rows({1}, 1), O)),
              HasSubstr("one input, this one has 2"));
}

class CalibrationDataTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("calib", Dir));
  }
  void TearDown() override { sys::fs::remove_directories(Dir); }
  std::string path(StringRef Name) {
    SmallString<128> P(Dir);
    sys::path::append(P, Name);
    return std::string(P);
  }
  void writeNpy(StringRef Name, const Tensor &T) {
    ASSERT_FALSE(bool(writeNPYFile(path(Name), T)));
  }
  SmallString<128> Dir;
  TensorType ImageInput{ElementType::F32, {kDynamicDim, 1, 2, 2}};
};

TEST_F(CalibrationDataTest, FolderOfNpyInNameOrderFirstN) {
  // b.npy holds two samples, a.npy one, c.npy one: order a, b, c.
  writeNpy("b.npy", Tensor::fromVector<float>({2, 1, 2, 2},
                                              {2, 2, 2, 2, 3, 3, 3, 3}));
  writeNpy("a.npy", Tensor::fromVector<float>({1, 2, 2}, {1, 1, 1, 1}));
  writeNpy("c.npy", Tensor::fromVector<float>({1, 1, 2, 2}, {4, 4, 4, 4}));
  ASSERT_FALSE(bool(writeFileAtomically(path("notes.txt"), "ignored")));
  Preprocess P;
  auto All = loadCalibrationData(Dir, 0, P, ImageInput);
  ASSERT_TRUE(bool(All)) << toString(All.takeError());
  ASSERT_EQ(All->getShape(), ArrayRef<int64_t>({4, 1, 2, 2}));
  EXPECT_EQ(All->data<float>()[0], 1.0f);
  EXPECT_EQ(All->data<float>()[4], 2.0f);
  EXPECT_EQ(All->data<float>()[8], 3.0f);
  EXPECT_EQ(All->data<float>()[12], 4.0f);
  auto First2 = loadCalibrationData(Dir, 2, P, ImageInput);
  ASSERT_TRUE(bool(First2)) << toString(First2.takeError());
  ASSERT_EQ(First2->getShape()[0], 2);
  EXPECT_EQ(First2->data<float>()[4], 2.0f);
}

TEST_F(CalibrationDataTest, IntegerImagesArePreprocessed) {
  Tensor Img = Tensor::fromVector<uint8_t>({2, 2}, {0, 51, 102, 255});
  for (const char *Name : {"1.pgm", "0.pgm"}) {
    std::string Bytes;
    raw_string_ostream OS(Bytes);
    ASSERT_FALSE(bool(writePGM(OS, Img)));
    OS.flush();
    ASSERT_FALSE(bool(writeFileAtomically(path(Name), Bytes)));
  }
  Preprocess P; // x / 255
  P.Mean = {0.5f};
  P.Std = {0.5f};
  auto T = loadCalibrationData(Dir, 500, P, ImageInput);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  ASSERT_EQ(T->getShape(), ArrayRef<int64_t>({2, 1, 2, 2}));
  EXPECT_FLOAT_EQ(T->data<float>()[0], -1.0f);
  EXPECT_FLOAT_EQ(T->data<float>()[3], 1.0f);
}

TEST_F(CalibrationDataTest, FlatInputFromOneFile) {
  writeNpy("x.npy", Tensor::fromVector<float>({3, 4}, std::vector<float>(12, 1)));
  TensorType Flat(ElementType::F32, {kDynamicDim, 4});
  auto T = loadCalibrationData(path("x.npy"), 2, Preprocess(), Flat);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  EXPECT_EQ(T->getShape(), ArrayRef<int64_t>({2, 4}));
}

TEST_F(CalibrationDataTest, FolderOfTensorProtos) {
  // Integer .pb images get the preprocessing; float ones are kept as is.
  ASSERT_FALSE(bool(writeTensorProtoFile(
      path("0.pb"), Tensor::fromVector<uint8_t>({1, 2, 2}, {0, 0, 255, 255}))));
  ASSERT_FALSE(bool(writeTensorProtoFile(
      path("1.pb"),
      Tensor::fromVector<float>({1, 1, 2, 2}, {0.5f, 0.5f, 0.5f, 0.5f}))));
  auto T = loadCalibrationData(Dir, 0, Preprocess(), ImageInput);
  ASSERT_TRUE(bool(T)) << toString(T.takeError());
  ASSERT_EQ(T->getShape(), ArrayRef<int64_t>({2, 1, 2, 2}));
  EXPECT_EQ(T->data<float>()[2], 1.0f);
  EXPECT_EQ(T->data<float>()[4], 0.5f);
}

TEST_F(CalibrationDataTest, Errors) {
  Preprocess P;
  EXPECT_THAT(errorOf(loadCalibrationData(Dir, 10, P, ImageInput)),
              HasSubstr("empty folder"));
  EXPECT_THAT(errorOf(loadCalibrationData(path("nope"), 10, P, ImageInput)),
              HasSubstr("nope: no such file or directory"));

  ASSERT_FALSE(bool(writeFileAtomically(path("junk.npy"), "not an array")));
  EXPECT_THAT(errorOf(loadCalibrationData(path("junk.npy"), 10, P, ImageInput)),
              HasSubstr("junk.npy"));

  writeNpy("shape.npy", Tensor::fromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6}));
  EXPECT_THAT(
      errorOf(loadCalibrationData(path("shape.npy"), 10, P, ImageInput)),
      HasSubstr("shape.npy: wrong shape"));

  writeNpy("nan.npy",
           Tensor::fromVector<float>({2, 1, 2, 2},
                                     {0, 0, 0, 0, 0, 0, std::nanf(""), 0}));
  EXPECT_THAT(errorOf(loadCalibrationData(path("nan.npy"), 10, P, ImageInput)),
              HasSubstr("nan.npy: sample 1 holds NaN (element 2)"));
  // The NaN is beyond the first sample: not read, not an error.
  EXPECT_TRUE(bool(loadCalibrationData(path("nan.npy"), 1, P, ImageInput)));
}

TEST_F(CalibrationDataTest, FolderSamplesMustAgree) {
  writeNpy("a.npy", Tensor::fromVector<float>({1, 1, 2, 2}, {1, 1, 1, 1}));
  writeNpy("b.npy", Tensor::fromVector<float>({1, 1, 1, 4}, {1, 1, 1, 1}));
  TensorType Dyn(ElementType::F32,
                 {kDynamicDim, 1, kDynamicDim, kDynamicDim});
  EXPECT_THAT(errorOf(loadCalibrationData(Dir, 10, Preprocess(), Dyn)),
              HasSubstr("differ from the earlier ones"));
}

} // namespace
