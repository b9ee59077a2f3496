//===- ExtraOpsTest.cpp - Resize, index and quantization ops --------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "OpTestUtil.h"

using namespace onncf;
using namespace onncf::test;

namespace {

class ExtraOpsTest : public OpTest {
protected:
  Value *floats(std::vector<float> V) {
    return B.createConstant("f",
                            Tensor::fromVector<float>({(int64_t)V.size()}, V));
  }
};

TEST_F(ExtraOpsTest, Resize) {
  EXPECT_EQ(
      shape("onnx.Resize", {in({D, 3, 8, 8}), nullptr, floats({1, 1, 2, 2})}),
      "f32[?,3,16,16]");
  // floor(5 * 0.6) = 3
  EXPECT_EQ(shape("onnx.Resize",
                  {in({1, 1, 5, 5}), nullptr, floats({1, 1, 0.6f, 0.6f})}),
            "f32[1,1,3,3]");
  // An empty scales tensor with sizes, as exporters write it.
  EXPECT_EQ(shape("onnx.Resize", {in({1, 3, 8, 8}), floats({}), floats({}),
                                  ints({1, 3, 20, 30})}),
            "f32[1,3,20,30]");
  EXPECT_EQ(shape("onnx.Resize",
                  {in({1, 3, 8, 8}), nullptr, nullptr, ints({20, 30})},
                  {{"axes", std::vector<int64_t>{2, 3}}}),
            "f32[1,3,20,30]");
  // not_larger: scale = min(20/8, 30/8) = 2.5 on both axes.
  Op *O =
      build("onnx.Resize", {in({1, 3, 8, 8}), nullptr, nullptr, ints({20, 30})},
            {{"axes", std::vector<int64_t>{2, 3}},
             {"keep_aspect_ratio_policy", "not_larger"}});
  ASSERT_TRUE(O) << Err;
  EXPECT_EQ(O->getResult()->getType().str(), "f32[1,3,20,20]");
  // Unknown scales: resized dims are dynamic.
  EXPECT_EQ(shape("onnx.Resize",
                  {in({1, 3, 8, 8}), nullptr, in({4}, ElementType::F32)}),
            "f32[?,?,?,?]");
  EXPECT_TRUE(contains(shape("onnx.Resize", {in({1, 3, 8, 8})}),
                       "exactly one of scales and sizes"));
  EXPECT_TRUE(contains(
      shape("onnx.Resize", {in({1, 3, 8, 8}), nullptr, floats({2, 2})}),
      "scales has 2 entries, expected 4"));
  EXPECT_TRUE(contains(verify("onnx.Resize",
                              {in({1, 3, 8, 8}), nullptr, floats({1, 1, 2, 2})},
                              {{"mode", "bilinear"}}),
                       "mode 'bilinear' is not one of"));
}

TEST_F(ExtraOpsTest, DepthSpace) {
  EXPECT_EQ(shape("onnx.DepthToSpace", {in({D, 8, 3, 4})}, {{"blocksize", 2}}),
            "f32[?,2,6,8]");
  EXPECT_EQ(shape("onnx.SpaceToDepth", {in({1, 2, 6, 8})}, {{"blocksize", 2}}),
            "f32[1,8,3,4]");
  EXPECT_TRUE(contains(
      shape("onnx.DepthToSpace", {in({1, 6, 3, 4})}, {{"blocksize", 2}}),
      "not a multiple of 4"));
}

TEST_F(ExtraOpsTest, IndexOps) {
  EXPECT_EQ(shape("onnx.TopK", {in({D, 10}), ints({3})}, {}, 2, 0), "f32[?,3]");
  EXPECT_EQ(shape("onnx.TopK", {in({4, 10}), ints({3})}, {{"axis", 0}}, 2, 1),
            "i64[3,10]");
  EXPECT_EQ(
      shape("onnx.TopK", {in({4, 10}), in({1}, ElementType::I64)}, {}, 2, 0),
      "f32[4,?]");
  EXPECT_TRUE(contains(shape("onnx.TopK", {in({4, 10}), ints({11})}, {}, 2),
                       "exceeds dim 10"));
  EXPECT_EQ(shape("onnx.GatherElements",
                  {in({3, 4}), in({2, 4}, ElementType::I64)}, {{"axis", 0}}),
            "f32[2,4]");
  EXPECT_EQ(shape("onnx.NonZero", {in({3, 4})}), "i64[2,?]");
  EXPECT_EQ(
      shape("onnx.OneHot",
            {in({2, 3}, ElementType::I64),
             B.createConstant("depth", Tensor::fromVector<int64_t>({}, {5})),
             floats({0, 1})},
            {{"axis", 1}}),
      "f32[2,5,3]");
}

TEST_F(ExtraOpsTest, IntegerForms) {
  Value *I8 = B.createConstant("zp", Tensor::fromVector<int8_t>({}, {0}));
  Value *W8 =
      B.createConstant("w8", Tensor(TensorType(ElementType::I8, {4, 3, 3, 3})));
  EXPECT_EQ(shape("onnx.ConvInteger", {in({1, 3, 8, 8}, ElementType::U8), W8},
                  {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}),
            "i32[1,4,8,8]");
  EXPECT_EQ(shape("onnx.QLinearConv",
                  {in({D, 3, 8, 8}, ElementType::I8), scalar(0.1f), I8, W8,
                   scalar(0.1f), I8, scalar(0.2f), I8}),
            "i8[?,4,6,6]");
  EXPECT_TRUE(contains(verify("onnx.QLinearConv",
                              {in({1, 3, 8, 8}, ElementType::I8), scalar(0.1f),
                               I8, W8, scalar(0.1f), I8, scalar(0.2f), I8},
                              {{"group", 2}}),
                       "does not divide the input channels 3"));
  EXPECT_EQ(shape("onnx.MatMulInteger",
                  {in({2, 5}, ElementType::U8), in({5, 3}, ElementType::U8)}),
            "i32[2,3]");
  EXPECT_EQ(
      shape("onnx.QLinearMatMul",
            {in({2, 5}, ElementType::I8), scalar(0.1f), I8,
             in({5, 3}, ElementType::I8), scalar(0.1f), I8, scalar(0.2f), I8}),
      "i8[2,3]");
  EXPECT_EQ(
      shape("onnx.GatherND", {in({2, 3, 4}), in({5, 2}, ElementType::I64)}),
      "f32[5,4]");
  EXPECT_EQ(shape("onnx.GatherND",
                  {in({2, 3, 4}), in({2, 1}, ElementType::I64)},
                  {{"batch_dims", 1}}),
            "f32[2,4]");
}

TEST_F(ExtraOpsTest, QuantizeAndMisc) {
  EXPECT_EQ(shape("onnx.QuantizeLinear", {in({2, 3}), scalar(0.1f)}),
            "u8[2,3]");
  EXPECT_EQ(
      shape("onnx.QuantizeLinear",
            {in({2, 3}), scalar(0.1f),
             B.createConstant("zp", Tensor::fromVector<int8_t>({}, {0}))}),
      "i8[2,3]");
  EXPECT_EQ(shape("onnx.DequantizeLinear",
                  {in({2, 3}, ElementType::I8), scalar(0.1f)}),
            "f32[2,3]");
  EXPECT_EQ(shape("onnx.IsNaN", {in({2})}), "bool[2]");
  EXPECT_EQ(shape("onnx.Gelu", {in({D, 4})}, {{"approximate", "tanh"}}),
            "f32[?,4]");
  EXPECT_EQ(shape("onnx.LpNormalization", {in({2, 4})}, {{"p", 2}}),
            "f32[2,4]");
  EXPECT_EQ(shape("onnx.Range", {scalar(0), scalar(10), scalar(3)}), "f32[4]");
}

} // namespace
