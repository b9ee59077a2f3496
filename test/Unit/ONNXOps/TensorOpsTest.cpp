//===- TensorOpsTest.cpp - Data-movement and shape ops --------------------===//
//
// Part of onnc-fault. Shapes with known shape-operand data (constants) and
// with unknown data (graph inputs), which must give dynamic dims of the
// right rank.
//
//===----------------------------------------------------------------------===//
#include "OpTestUtil.h"

using namespace onncf;
using namespace onncf::test;

namespace {

using TensorOpsTest = OpTest;
using V = std::vector<int64_t>;

TEST_F(TensorOpsTest, Flatten) {
  EXPECT_EQ(shape("onnx.Flatten", {in({2, 3, 4, 5})}), "f32[2,60]");
  EXPECT_EQ(shape("onnx.Flatten", {in({2, 3, 4, 5})}, {{"axis", 0}}),
            "f32[1,120]");
  EXPECT_EQ(shape("onnx.Flatten", {in({2, 3, 4, 5})}, {{"axis", -1}}),
            "f32[24,5]");
  EXPECT_EQ(shape("onnx.Flatten", {in({2, 3})}, {{"axis", 2}}), "f32[6,1]");
  EXPECT_EQ(shape("onnx.Flatten", {in({D, 3, 4})}), "f32[?,12]");
  EXPECT_TRUE(contains(shape("onnx.Flatten", {in({2, 3})}, {{"axis", 3}}),
                       "out of range"));
}

TEST_F(TensorOpsTest, Reshape) {
  EXPECT_EQ(shape("onnx.Reshape", {in({2, 3, 4}), ints({0, -1})}), "f32[2,12]");
  EXPECT_EQ(shape("onnx.Reshape", {in({D, 3, 4}), ints({0, -1})}), "f32[?,12]");
  EXPECT_EQ(shape("onnx.Reshape", {in({D, 3, 4}), ints({-1, 6})}), "f32[?,6]");
  EXPECT_EQ(shape("onnx.Reshape", {in({2, 3, 4}), ints({4, 0, 2})}),
            "f32[4,3,2]");
  // allowzero: 0 is a real zero-sized dim.
  EXPECT_EQ(
      shape("onnx.Reshape", {in({0, 3}), ints({3, 0})}, {{"allowzero", 1}}),
      "f32[3,0]");
  EXPECT_TRUE(contains(
      shape("onnx.Reshape", {in({2, 3}), ints({0, -1})}, {{"allowzero", 1}}),
      "both 0 and -1"));
  EXPECT_TRUE(contains(shape("onnx.Reshape", {in({2, 3}), ints({4, -1})}),
                       "cannot reshape 6 elements"));
  EXPECT_TRUE(contains(shape("onnx.Reshape", {in({2, 3}), ints({-1, -1})}),
                       "more than one -1"));
  EXPECT_TRUE(contains(shape("onnx.Reshape", {in({2, 3}), ints({7})}),
                       "cannot reshape 6 elements into 7"));
  // Unknown target values: rank from the shape operand's length.
  EXPECT_EQ(shape("onnx.Reshape", {in({2, 3}), in({3}, ElementType::I64)}),
            "f32[?,?,?]");
  EXPECT_TRUE(
      contains(shape("onnx.Reshape", {in({2, 3}), in({D}, ElementType::I64)}),
               "cannot infer the result's rank"));
  // Legacy attribute form.
  EXPECT_EQ(shape("onnx.Reshape", {in({2, 3})}, {{"shape", V{3, 2}}}),
            "f32[3,2]");
}

TEST_F(TensorOpsTest, TransposeConcat) {
  EXPECT_EQ(shape("onnx.Transpose", {in({2, 3, 4})}), "f32[4,3,2]");
  EXPECT_EQ(shape("onnx.Transpose", {in({D, 3, 4})}, {{"perm", V{0, 2, 1}}}),
            "f32[?,4,3]");
  EXPECT_TRUE(
      contains(shape("onnx.Transpose", {in({2, 3, 4})}, {{"perm", V{0, 0, 1}}}),
               "not a permutation"));
  EXPECT_EQ(shape("onnx.Concat", {in({D, 3, 4}), in({2, 5, 4})}, {{"axis", 1}}),
            "f32[2,8,4]");
  EXPECT_EQ(shape("onnx.Concat", {in({2, 3}), in({D, 3})}, {{"axis", -2}}),
            "f32[?,3]");
  EXPECT_TRUE(
      contains(shape("onnx.Concat", {in({2, 3}), in({2, 4})}, {{"axis", 0}}),
               "has dim 1 = 4, expected 3"));
}

TEST_F(TensorOpsTest, Split) {
  EXPECT_EQ(shape("onnx.Split", {in({6, 4})}, {}, 3, 2), "f32[2,4]");
  EXPECT_EQ(
      shape("onnx.Split", {in({2, 10}), ints({3, 7})}, {{"axis", -1}}, 2, 1),
      "f32[2,7]");
  EXPECT_EQ(shape("onnx.Split", {in({2, 10})},
                  {{"axis", 1}, {"split", V{4, 6}}}, 2, 0),
            "f32[2,4]");
  // num_outputs (opset 18): ceil(7/3) = 3, 3, and the rest 1.
  EXPECT_EQ(shape("onnx.Split", {in({7})}, {{"num_outputs", 3}}, 3, 2),
            "f32[1]");
  EXPECT_EQ(shape("onnx.Split", {in({D, 4})}, {}, 2, 0), "f32[?,4]");
  EXPECT_TRUE(contains(
      shape("onnx.Split", {in({2, 10}), ints({3, 6})}, {{"axis", 1}}, 2),
      "sum to 9"));
  EXPECT_TRUE(contains(verify("onnx.Split", {in({6})}, {{"num_outputs", 3}}, 2),
                       "num_outputs is 3 but the op has 2 results"));
}

TEST_F(TensorOpsTest, Slice) {
  // Clamping of out-of-range starts and ends.
  EXPECT_EQ(shape("onnx.Slice", {in({20, 10, 5}), ints({0, 0}), ints({3, 10})}),
            "f32[3,10,5]");
  EXPECT_EQ(shape("onnx.Slice",
                  {in({20, 10, 5}), ints({-1000}), ints({1000}), ints({1})}),
            "f32[20,10,5]");
  EXPECT_EQ(shape("onnx.Slice",
                  {in({20, 10, 5}), ints({1}), ints({INT64_MAX}), ints({-2})}),
            "f32[20,9,5]");
  // Negative steps: start clamps to dim-1, end to -1.
  EXPECT_EQ(shape("onnx.Slice",
                  {in({10}), ints({-1}), ints({-1000}), ints({0}), ints({-1})}),
            "f32[10]");
  EXPECT_EQ(shape("onnx.Slice",
                  {in({10}), ints({20}), ints({0}), ints({0}), ints({-2})}),
            "f32[5]");
  EXPECT_EQ(shape("onnx.Slice", {in({10, 4}), ints({0, 1}), ints({10, 4}),
                                 ints({0, 1}), ints({3, 1})}),
            "f32[4,3]");
  EXPECT_EQ(shape("onnx.Slice", {in({10}), ints({5}), ints({2})}), "f32[0]");
  // Dynamic sliced dim, and unknown bounds with known axes.
  EXPECT_EQ(shape("onnx.Slice", {in({D, 8}), ints({0, 2}), ints({1, 6})}),
            "f32[?,4]");
  EXPECT_EQ(shape("onnx.Slice", {in({3, 8}), in({1}, ElementType::I64),
                                 ints({6}), ints({1})}),
            "f32[3,?]");
  EXPECT_TRUE(contains(shape("onnx.Slice", {in({10}), ints({0}), ints({5}),
                                            ints({0}), ints({0})}),
                       "step is 0"));
  EXPECT_TRUE(contains(shape("onnx.Slice", {in({10, 2}), ints({0, 0}),
                                            ints({5, 1}), ints({0, -2})}),
                       "repeated"));
  // Legacy attribute form (opset < 10).
  EXPECT_EQ(shape("onnx.Slice", {in({10, 6})},
                  {{"starts", V{1}}, {"ends", V{-1}}, {"axes", V{1}}}),
            "f32[10,4]");
}

TEST_F(TensorOpsTest, Pad) {
  EXPECT_EQ(
      shape("onnx.Pad", {in({1, 3, 4, 4}), ints({0, 0, 1, 2, 0, 0, 3, 4})}),
      "f32[1,3,8,10]");
  EXPECT_EQ(shape("onnx.Pad", {in({D, 3, 4}), ints({0, 0, 1, 0, 0, -1})},
                  {{"mode", "reflect"}}),
            "f32[?,3,4]");
  // Opset-18 axes operand.
  EXPECT_EQ(
      shape("onnx.Pad", {in({2, 3, 4}), ints({1, 2}), nullptr, ints({-1})}),
      "f32[2,3,7]");
  EXPECT_EQ(shape("onnx.Pad", {in({2, 3})}, {{"pads", V{1, 1, 1, 1}}}),
            "f32[4,5]");
  EXPECT_EQ(shape("onnx.Pad", {in({2, 3}), in({4}, ElementType::I64)}),
            "f32[?,?]");
  EXPECT_TRUE(contains(shape("onnx.Pad", {in({2, 3}), ints({1, 1})}),
                       "pads has 2 entries, expected 4"));
  EXPECT_TRUE(contains(verify("onnx.Pad", {in({2, 3}), ints({0, 0, 0, 0})},
                              {{"mode", "mirror"}}),
                       "mode 'mirror'"));
  EXPECT_TRUE(contains(verify("onnx.Pad", {in({2, 3})}, {{"pads", V{1, 1}}}),
                       "'pads' has 2 entries, expected 4"));
}

TEST_F(TensorOpsTest, SqueezeUnsqueeze) {
  EXPECT_EQ(shape("onnx.Squeeze", {in({1, 3, 1, 5}), ints({0, -2})}),
            "f32[3,5]");
  EXPECT_EQ(shape("onnx.Squeeze", {in({1, 3, 1, 5})}), "f32[3,5]");
  EXPECT_EQ(shape("onnx.Squeeze", {in({1, 3, 1})}, {{"axes", V{2}}}),
            "f32[1,3]");
  EXPECT_EQ(shape("onnx.Squeeze", {in({D, 3, 1}), ints({-1})}), "f32[?,3]");
  EXPECT_TRUE(contains(shape("onnx.Squeeze", {in({D, 3, 1})}),
                       "cannot infer the result's rank"));
  EXPECT_TRUE(contains(shape("onnx.Squeeze", {in({2, 3}), ints({1})}),
                       "cannot squeeze dim 1 of size 3"));
  EXPECT_EQ(shape("onnx.Unsqueeze", {in({3, 4}), ints({0, -1})}),
            "f32[1,3,4,1]");
  EXPECT_EQ(shape("onnx.Unsqueeze", {in({D, 4}), ints({1})}), "f32[?,1,4]");
  EXPECT_EQ(shape("onnx.Unsqueeze", {in({})}, {{"axes", V{0}}}), "f32[1]");
  EXPECT_EQ(shape("onnx.Unsqueeze", {in({3}), in({2}, ElementType::I64)}),
            "f32[?,?,?]");
  EXPECT_TRUE(
      contains(shape("onnx.Unsqueeze", {in({3}), ints({1, 1})}), "repeated"));
  EXPECT_TRUE(
      contains(shape("onnx.Unsqueeze", {in({3}), ints({3})}), "out of range"));
  EXPECT_TRUE(
      contains(verify("onnx.Unsqueeze", {in({3}), ints({0})}, {{"axes", V{0}}}),
               "given both"));
}

TEST_F(TensorOpsTest, ShapeGatherConstants) {
  EXPECT_EQ(shape("onnx.Shape", {in({D, 3, 4, 5})}), "i64[4]");
  EXPECT_EQ(shape("onnx.Shape", {in({D, 3, 4, 5})}, {{"start", -2}}), "i64[2]");
  EXPECT_EQ(
      shape("onnx.Shape", {in({D, 3, 4, 5})}, {{"start", 1}, {"end", 100}}),
      "i64[3]");
  EXPECT_EQ(shape("onnx.Gather", {in({5, 6, 7}), in({2, 3}, ElementType::I64)},
                  {{"axis", 1}}),
            "f32[5,2,3,7]");
  EXPECT_EQ(shape("onnx.Gather", {in({4}, ElementType::I64), ints({0})}),
            "i64[1]");
  EXPECT_EQ(
      shape("onnx.Gather",
            {in({4}, ElementType::I64),
             B.createConstant("idx", Tensor::fromVector<int64_t>({}, {0}))}),
      "i64[]");
  EXPECT_TRUE(
      contains(shape("onnx.Gather", {in({4, 2}), ints({0})}, {{"axis", 2}}),
               "out of range"));
  EXPECT_EQ(shape("onnx.Constant", {}, {{"value_ints", V{1, 2, 3}}}), "i64[3]");
  EXPECT_EQ(shape("onnx.Constant", {}, {{"value_float", 2.0f}}), "f32[]");
  EXPECT_EQ(shape("onnx.Constant", {},
                  {{"value", Tensor::fromVector<float>({2, 2}, {1, 2, 3, 4})}}),
            "f32[2,2]");
  EXPECT_TRUE(contains(
      verify("onnx.Constant", {}, {{"value_int", 1}, {"value_float", 1.0f}}),
      "exactly one"));
  EXPECT_EQ(shape("onnx.ConstantOfShape", {ints({2, 3})},
                  {{"value", Tensor::fromVector<int64_t>({1}, {7})}}),
            "i64[2,3]");
  EXPECT_EQ(shape("onnx.ConstantOfShape", {in({2}, ElementType::I64)}),
            "f32[?,?]");
  EXPECT_EQ(shape("onnx.Expand", {in({3, 1}), ints({2, 1, 6})}), "f32[2,3,6]");
  EXPECT_EQ(shape("onnx.Expand", {in({3, 1}), in({3}, ElementType::I64)}),
            "f32[?,3,?]");
  EXPECT_EQ(shape("onnx.Tile", {in({2, 3}), ints({2, 2})}), "f32[4,6]");
}

} // namespace

namespace {

TEST_F(TensorOpsTest, ArityAndVerifierMessages) {
  // Arity is checked before inference indexes the operands.
  EXPECT_TRUE(contains(shape("onnx.Conv", {in({1, 3, 8, 8})}), "operands"));
  EXPECT_TRUE(contains(shape("onnx.Split", {in({4})}, {}, 0), "results"));
  EXPECT_TRUE(contains(shape("onnx.MatMul", {in({4}), nullptr}),
                       "required operand 1 is absent"));
  // verifyGraph names the op once.
  Value *X = in({1, 6, 8, 8});
  auto O =
      G.createOp("onnx.Conv", {X, f32({8, 2, 3, 3})},
                 {TensorType(ElementType::F32, {1, 8, 6, 6})}, {{"group", 4}});
  ASSERT_TRUE(bool(O));
  (*O)->setName("conv1");
  llvm::Error E = verifyGraph(G);
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(llvm::toString(std::move(E)),
            "onnx.Conv 'conv1': group 4 does not divide the input channels 6");
}

TEST_F(TensorOpsTest, QuantizationPropagation) {
  TensorType Q(ElementType::I8, {2, 3, 4});
  QuantParams P;
  P.Scales = {0.5f};
  Q.setQuant(P);
  auto X = G.addInput("q", Q);
  ASSERT_TRUE(bool(X));
  Op *R = build("onnx.Reshape", {*X, ints({6, 4})});
  ASSERT_TRUE(R) << Err;
  EXPECT_TRUE(R->getResult()->getType().getQuant().has_value());
  Op *M = build("onnx.MaxPool", {*X}, {{"kernel_shape", V{2}}});
  ASSERT_TRUE(M) << Err;
  EXPECT_TRUE(M->getResult()->getType().getQuant().has_value());
  Op *A = build("onnx.Add", {*X, *X});
  ASSERT_TRUE(A) << Err;
  EXPECT_FALSE(A->getResult()->getType().getQuant().has_value());
  // A result's declared quantization survives re-inference.
  TensorType Declared = A->getResult()->getType();
  QuantParams P2;
  P2.Scales = {0.25f};
  Declared.setQuant(P2);
  A->getResult()->setType(Declared);
  llvm::Error E = G.inferTypes();
  ASSERT_FALSE(bool(E)) << llvm::toString(std::move(E));
  ASSERT_TRUE(A->getResult()->getType().getQuant().has_value());
  EXPECT_EQ(A->getResult()->getType().getQuant()->Scales[0], 0.25f);
}

} // namespace
