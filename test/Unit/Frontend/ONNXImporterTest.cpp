//===- ONNXImporterTest.cpp - Structure, types and errors of the import ---===//
#include "ModelBuilder.h"
#include "onncf/IR/Printer.h"
#include "gmock/gmock.h"
#include <random>

using namespace onncf;
using namespace onncf::test;
using namespace llvm;
using ::testing::HasSubstr;

namespace {

/// x[N,3,8,8] -> Conv(w[4,3,3,3], b[4]) -> Relu -> y, no value_info.
ModelBuilder convRelu(int64_t Opset = 13) {
  ModelBuilder B(Opset);
  B.input("x", {-1, 3, 8, 8});
  B.floatInit("w", {4, 3, 3, 3}, std::vector<float>(108, 0.5f));
  B.floatInit("b", {4}, {1, 2, 3, 4});
  auto &C = B.node("Conv", {"x", "w", "b"}, {"c"}, "conv1");
  setInts(C, "pads", {1, 1, 1, 1});
  setInts(C, "kernel_shape", {3, 3});
  B.node("Relu", {"c"}, {"y"});
  B.output("y");
  return B;
}

TEST(ONNXImporterTest, ImportsOpsConstantsAndTypes) {
  auto G = convRelu().import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ((*G)->getInputs().size(), 1u);
  EXPECT_EQ((*G)->getConstants().size(), 2u);
  ASSERT_EQ((*G)->getNumOps(), 2u);
  const Op *Conv = findOp(**G, "onnx.Conv");
  ASSERT_TRUE(Conv);
  EXPECT_EQ(Conv->getName(), "conv1");
  EXPECT_EQ(Conv->getIntsAttr("pads"), std::vector<int64_t>({1, 1, 1, 1}));
  // The symbolic batch dim stays dynamic; the rest is inferred.
  EXPECT_EQ((*G)->lookup("c")->getType(),
            TensorType(ElementType::F32, {kDynamicDim, 4, 8, 8}));
  ASSERT_EQ((*G)->getOutputs().size(), 1u);
  EXPECT_EQ((*G)->getOutputs()[0]->getName(), "y");
  EXPECT_EQ((*G)->getOutputs()[0]->getType(),
            TensorType(ElementType::F32, {kDynamicDim, 4, 8, 8}));
  const AttributeMap &MD = (*G)->getMetadata();
  ASSERT_TRUE(MD.count("producer_name"));
  EXPECT_EQ(MD.at("producer_name").getString(), "unit-test");
  EXPECT_EQ(MD.at("opset").getInt(), 13);
  EXPECT_EQ((*G)->getName(), "g");
}

TEST(ONNXImporterTest, BatchSizeOption) {
  ImportOptions Opts;
  Opts.BatchSize = 5;
  auto G = convRelu().import(Opts);
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ((*G)->lookup("y")->getType(),
            TensorType(ElementType::F32, {5, 4, 8, 8}));
}

TEST(ONNXImporterTest, InitializerListedAsInputIsAConstant) {
  ModelBuilder B = convRelu();
  B.input("w", {4, 3, 3, 3});
  B.input("b", {4});
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  ASSERT_EQ((*G)->getInputs().size(), 1u);
  EXPECT_EQ((*G)->getInputs()[0]->getName(), "x");
  EXPECT_TRUE((*G)->lookup("w")->isConstant());
}

TEST(ONNXImporterTest, DeclaredTypesFillDynamicDims) {
  // Reshape to a shape computed at run time: the IR alone cannot know the
  // dims, the model's value_info does.
  ModelBuilder B;
  B.input("x", {2, 6});
  B.input("s", {2}, I64);
  B.node("Reshape", {"x", "s"}, {"y"});
  B.valueInfo("y", {3, 4});
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ((*G)->lookup("y")->getType(), TensorType(ElementType::F32, {3, 4}));
}

TEST(ONNXImporterTest, NodesOutOfOrderAreSorted) {
  ModelBuilder B;
  B.input("x", {1, 4});
  B.node("Relu", {"a"}, {"y"}, "second");
  B.node("Neg", {"x"}, {"a"}, "first");
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ((*G)->getOps().front()->getName(), "first");
}

TEST(ONNXImporterTest, ConstantNodesBecomeConstants) {
  ModelBuilder B;
  B.input("x", {2, 3});
  auto &C1 = B.node("Constant", {}, {"k"});
  setFloat(C1, "value_float", 2.0f);
  auto &C2 = B.node("Constant", {}, {"shape"});
  setInts(C2, "value_ints", {3, 2});
  auto &C3 = B.node("Constant", {}, {"t"});
  auto *A = C3.add_attribute();
  A->set_name("value");
  A->set_type(onnx::AttributeProto::TENSOR);
  A->mutable_t()->set_data_type(F32);
  A->mutable_t()->add_dims(1);
  A->mutable_t()->add_float_data(0.5f);
  B.node("Mul", {"x", "k"}, {"m"});
  B.node("Add", {"m", "t"}, {"a"});
  B.node("Reshape", {"a", "shape"}, {"y"});
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  EXPECT_EQ((*G)->getNumOps(), 3u);
  Value *K = (*G)->lookup("k");
  ASSERT_TRUE(K && K->isConstant());
  EXPECT_EQ(K->getType(), TensorType(ElementType::F32, {}));
  EXPECT_EQ(K->getConstantData().data<float>()[0], 2.0f);
  Value *S = (*G)->lookup("shape");
  ASSERT_TRUE(S && S->isConstant());
  EXPECT_EQ(S->getConstantData().data<int64_t>()[1], 2);
  EXPECT_TRUE((*G)->lookup("t")->isConstant());
  // Reshape's shape is known, so the output type is static.
  EXPECT_EQ((*G)->lookup("y")->getType(), TensorType(ElementType::F32, {3, 2}));
}

TEST(ONNXImporterTest, OptionalOutputsAndInputs) {
  // Clip with only a max (empty name for min) and Dropout with an unused
  // trailing mask output.
  ModelBuilder B;
  B.input("x", {2});
  B.floatInit("hi", {}, {6});
  B.node("Clip", {"x", "", "hi"}, {"c"});
  B.node("Dropout", {"c"}, {"y", ""});
  B.output("y");
  auto G = B.import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Op *Clip = findOp(**G, "onnx.Clip");
  ASSERT_TRUE(Clip);
  EXPECT_EQ(Clip->getNumOperands(), 3u);
  EXPECT_EQ(Clip->getOperand(1), nullptr);
  const Op *Drop = findOp(**G, "onnx.Dropout");
  ASSERT_TRUE(Drop);
  EXPECT_EQ(Drop->getNumResults(), 1u);
}

TEST(ONNXImporterTest, UnsupportedOperator) {
  ModelBuilder B;
  B.input("x", {1});
  B.node("Foo", {"x"}, {"y"}, "Foo_3");
  B.output("y");
  EXPECT_EQ(errorOf(B.import()),
            "model.onnx: node 'Foo_3' (op 'Foo', opset 13): unsupported "
            "operator");
  ModelBuilder U;
  U.input("x", {1});
  U.node("Bar", {"x"}, {"out"});
  U.output("out");
  EXPECT_THAT(errorOf(U.import()),
              HasSubstr("node producing 'out' (op 'Bar', opset 13)"));
  ModelBuilder D;
  D.input("x", {1});
  D.node("Relu", {"x"}, {"y"}, "r").set_domain("com.example");
  D.output("y");
  EXPECT_THAT(errorOf(D.import()), HasSubstr("op 'com.example.Relu'"));
}

TEST(ONNXImporterTest, UnsupportedAttribute) {
  ModelBuilder B;
  B.input("x", {1});
  setInt(B.node("Relu", {"x"}, {"y"}, "r"), "bogus", 1);
  B.output("y");
  EXPECT_EQ(errorOf(B.import()), "model.onnx: node 'r' (op 'Relu', opset 13): "
                                 "unsupported attribute 'bogus'");
}

TEST(ONNXImporterTest, UndefinedInput) {
  ModelBuilder B;
  B.input("x", {1});
  B.node("Add", {"x", "ghost"}, {"y"}, "add");
  B.output("y");
  std::string E = errorOf(B.import());
  EXPECT_THAT(E, HasSubstr("model.onnx: node 'add' (op 'Add', opset 13)"));
  EXPECT_THAT(E, HasSubstr("input 'ghost' is not defined"));
}

TEST(ONNXImporterTest, UndefinedOutput) {
  ModelBuilder B;
  B.input("x", {1});
  B.node("Relu", {"x"}, {"y"});
  B.output("z");
  EXPECT_THAT(errorOf(B.import()),
              HasSubstr("graph output 'z' is not defined"));
}

TEST(ONNXImporterTest, Cycle) {
  ModelBuilder B;
  B.input("x", {1});
  B.node("Add", {"x", "b"}, {"a"}, "n1");
  B.node("Relu", {"a"}, {"b"}, "n2");
  B.output("b");
  EXPECT_THAT(errorOf(B.import()), HasSubstr("cycle"));
}

TEST(ONNXImporterTest, OpsetRange) {
  std::string E = errorOf(convRelu(18).import());
  EXPECT_THAT(E, HasSubstr("model.onnx: unsupported opset 18"));
  EXPECT_THAT(E, HasSubstr("7 to 17"));
  // Older than 7: read as opset 7 when every operator is unchanged there
  // (Conv, Relu), rejected naming an operator redefined at 7 (Add).
  ModelBuilder Old(6);
  Old.input("x", {2});
  Old.node("Add", {"x", "x"}, {"y"});
  Old.output("y");
  E = errorOf(Old.import());
  EXPECT_THAT(E, HasSubstr("model.onnx: unsupported opset 6"));
  EXPECT_THAT(E, HasSubstr("operator 'Add'"));
  EXPECT_THAT(E, HasSubstr("7 to 17"));
  for (int64_t Opset : {6, 7, 9, 11, 17}) {
    auto G = convRelu(Opset).import();
    EXPECT_TRUE(bool(G)) << Opset << ": " << toString(G.takeError());
  }
  ModelBuilder B = convRelu();
  B.M.mutable_opset_import(0)->set_domain("ai.onnx.ml");
  EXPECT_THAT(errorOf(B.import()), HasSubstr("no opset of the default"));
}

TEST(ONNXImporterTest, InconsistentShapesNameTheNode) {
  ModelBuilder B;
  B.input("a", {1, 3});
  B.input("b", {1, 4});
  B.node("Add", {"a", "b"}, {"y"}, "add0");
  B.output("y");
  std::string E = errorOf(B.import());
  EXPECT_THAT(E, HasSubstr("model.onnx: node 'add0' (op 'Add', opset 13)"));

  ModelBuilder C;
  C.input("x", {1, 3, 8, 8});
  C.floatInit("w", {4, 2, 3, 3}, std::vector<float>(72, 0.f));
  C.node("Conv", {"x", "w"}, {"y"}, "conv_bad");
  C.output("y");
  E = errorOf(C.import());
  EXPECT_THAT(E, HasSubstr("node 'conv_bad' (op 'Conv', opset 13)"));
}

TEST(ONNXImporterTest, DeclaredTypeConflict) {
  ModelBuilder B;
  B.input("x", {2, 3});
  B.node("Relu", {"x"}, {"y"}, "r");
  B.output("y", {2, 4});
  // Without ONNX's inference the conflict is found by ours.
  ImportOptions Opts;
  Opts.RunONNXShapeInference = false;
  std::string E = errorOf(B.import(Opts));
  EXPECT_THAT(E, HasSubstr("node 'r' (op 'Relu', opset 13)"));
  EXPECT_THAT(E, HasSubstr("declared f32[2,4]"));
  // With it, ONNX reports the merge conflict (also naming the node).
  E = errorOf(B.import());
  EXPECT_THAT(E, HasSubstr("model.onnx:"));
}

TEST(ONNXImporterTest, MalformedBytes) {
  std::string Good = convRelu().bytes();
  for (size_t Cut : {Good.size() / 2, Good.size() - 3, size_t(7)}) {
    std::string E =
        errorOf(importONNXBuffer(StringRef(Good).take_front(Cut), "cut.onnx"));
    EXPECT_THAT(E, HasSubstr("cut.onnx: "));
  }
  std::mt19937 Rng(7);
  for (int Trial = 0; Trial < 100; ++Trial) {
    std::string R(16 + Trial * 13, '\0');
    for (char &C : R)
      C = char(Rng());
    // Must be an error, never a crash.
    EXPECT_THAT(errorOf(importONNXBuffer(R, "random.onnx")),
                HasSubstr("random.onnx: "));
  }
  EXPECT_EQ(
      errorOf(importONNXBuffer(StringRef("\xff\xff\xff", 3), "junk.onnx")),
      "junk.onnx: not a valid ONNX model (truncated or malformed "
      "protobuf data)");
  EXPECT_EQ(errorOf(importONNXBuffer("", "empty.onnx")),
            "empty.onnx: not a valid ONNX model (no ir_version)");
  EXPECT_THAT(errorOf(importONNXFile("/nonexistent/m.onnx")),
              HasSubstr("/nonexistent/m.onnx"));
}

TEST(ONNXImporterTest, MutatedModelsNeverCrash) {
  // Byte mutations of a valid model hit every stage (parse, header, types,
  // initializer sizes, node checks); each must import or fail cleanly.
  ModelBuilder B = convRelu(11);
  setInts(B.node("Squeeze", {"y"}, {"z"}), "axes", {0});
  B.M.mutable_graph()
      ->mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(0)
      ->set_dim_value(1);
  B.output("z");
  std::string Good = B.bytes();
  auto Base = importONNXBuffer(Good, "good.onnx");
  ASSERT_TRUE(bool(Base)) << toString(Base.takeError());
  std::mt19937 Rng(11);
  int Failed = 0;
  for (int Trial = 0; Trial < 400; ++Trial) {
    std::string M = Good;
    for (int K = 1 + Rng() % 4; K > 0; --K)
      M[Rng() % M.size()] = char(Rng());
    auto G = importONNXBuffer(M, "mutated.onnx");
    if (!G) {
      ++Failed;
      EXPECT_THAT(toString(G.takeError()), HasSubstr("mutated.onnx: "));
    }
  }
  EXPECT_GT(Failed, 0);
}

TEST(ONNXImporterTest, GraphInputWithoutShape) {
  ModelBuilder B;
  auto *VI = B.M.mutable_graph()->add_input();
  VI->set_name("x");
  VI->mutable_type()->mutable_tensor_type()->set_elem_type(F32);
  B.node("Relu", {"x"}, {"y"});
  B.output("y");
  EXPECT_THAT(errorOf(B.import()),
              HasSubstr("graph input 'x' has no shape (unknown rank)"));
}

TEST(ONNXImporterTest, PrintsAsTextIR) {
  auto G = convRelu().import();
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  std::string Text = printGraphToString(**G);
  EXPECT_THAT(Text, HasSubstr("onnx.Conv"));
  EXPECT_THAT(Text, HasSubstr("onnx.Relu"));
}

} // namespace
