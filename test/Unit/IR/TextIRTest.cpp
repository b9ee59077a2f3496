//===- TextIRTest.cpp - Printer and parser --------------------------------===//
//
// Round trips (print(parse(print(g))) == print(g)) over hand-built and
// random graphs, parser error messages with locations, and a mutation fuzz
// loop that must never crash.
//
//===----------------------------------------------------------------------===//
#include "TestOps.h"
#include "onncf/IR/Builder.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "gtest/gtest.h"
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

using namespace onncf;
using namespace llvm;

namespace {

TensorType ty(ElementType E, ArrayRef<int64_t> S) { return {E, S}; }

std::string roundTrip(const std::string &Text, const PrintOptions &Opts = {}) {
  auto G = parseGraph(Text, "rt.ir");
  if (!G)
    return "PARSE ERROR: " + toString(G.takeError());
  return printGraphToString(**G, Opts);
}

std::string parseError(StringRef Text) {
  auto G = parseGraph(Text, "bad.ir");
  if (G)
    return "<no error>";
  return toString(G.takeError());
}

/// A graph touching every feature of the format.
std::unique_ptr<Graph> buildKitchenSink() {
  test::registerTestOps();
  auto G = std::make_unique<Graph>("kitchen sink");
  G->getMetadata()["opset"] = Attribute(13);
  G->getMetadata()["producer"] = Attribute("pytorch \"2.1\"\n");
  Value *X =
      cantFail(G->addInput("input", ty(ElementType::F32, {-1, 1, 4, 4})));
  Value *W = cantFail(
      G->addInput("weird name/with:stuff \\ \"q\"", ty(ElementType::F16, {})));
  TensorType QT = ty(ElementType::I8, {2, 3});
  QuantParams Q;
  Q.Scales = {0.1f, 1e-7f};
  Q.Axis = 0;
  Q.Bits = 4;
  QT.setQuant(Q);
  Tensor QW(QT);
  auto QD = QW.mutableData<int8_t>();
  for (int I = 0; I < 6; ++I)
    QD[I] = int8_t(I * 40 - 128);
  Value *CQ = cantFail(G->addConstant("conv1.weight", QW));
  Value *CS = cantFail(
      G->addConstant("shape", Tensor::fromVector<int64_t>({2}, {1, -1})));
  // Large: goes to the blobs section.
  std::vector<float> Big(100);
  for (int I = 0; I < 100; ++I)
    Big[I] = std::sin(float(I)) * 1000;
  Value *CB =
      cantFail(G->addConstant("big", Tensor::fromVector<float>({10, 10}, Big)));
  Value *CF16 = cantFail(G->addConstant(
      "h", Tensor::fromVector<int16_t>({3}, {0x3c00, int16_t(0xfc00), 1})));
  Tensor HT = CF16->getConstantData();
  HT = Tensor::fromBytes(ty(ElementType::F16, {3}), HT.bytes());
  CF16->setConstantData(HT);
  Tensor BoolT(ty(ElementType::Bool, {2}));
  BoolT.mutableBytes()[1] = 1;
  cantFail(G->addConstant("flags", BoolT));
  cantFail(G->addConstant("d", Tensor::fromVector<double>({2}, {0.1, -1e300})));
  cantFail(G->addConstant("u", Tensor::fromVector<uint8_t>({2}, {0, 255})));
  cantFail(G->addConstant(
      "f", Tensor::fromVector<float>(
               {5}, {0.1f, -0.0f, std::numeric_limits<float>::infinity(),
                     std::numeric_limits<float>::denorm_min(), 3.0f})));
  cantFail(G->addConstant("empty", Tensor(ty(ElementType::F32, {0, 3}))));
  cantFail(G->addConstant("scalar", Tensor::fromVector<int32_t>({}, {-7})));

  Builder B(*G);
  AttributeMap A;
  A["i"] = Attribute(-3);
  A["f"] = Attribute(1.0f);
  A["s"] = Attribute("he said \"hi\"\t");
  A["is"] = Attribute(std::vector<int64_t>{1, -2, 3});
  A["fs"] = Attribute(std::vector<float>{0.5f, 1e-30f, -2.0f});
  A["ss"] = Attribute(std::vector<std::string>{"a", "", "c,d"});
  A["t"] = Attribute(Tensor::fromVector<float>({2}, {1.5f, 2.5f}));
  A["weird key!"] = Attribute(1);
  Op *O1 = cantFail(B.createOpWithTypes(
      "test.any", {X, nullptr, CQ, CS, CB},
      {ty(ElementType::F32, {-1, 6, 4, 4}), QT}, A, {"x1", "x 2"}));
  O1->setName("Conv_0");
  AttributeMap A2;
  A2["is"] = Attribute(std::vector<int64_t>{});
  A2["fs"] = Attribute(std::vector<float>{});
  A2["ss"] = Attribute(std::vector<std::string>{});
  A2["f"] = Attribute(-std::numeric_limits<float>::infinity());
  A2["t"] = Attribute(
      Tensor::fromVector<int32_t>({20}, std::vector<int32_t>(20, 0x01020304)));
  Op *O2 = cantFail(B.createOpWithTypes("test.any", {O1->getResult(0), W},
                                        {ty(ElementType::F32, {})}, A2));
  cantFail(B.createOpWithTypes("test.any", {O2->getResult(0)}, {}));
  Op *O3 =
      cantFail(B.createOp("test.unary", {O1->getResult(0)}, {}, 1, {"123"}));
  G->setOutputs({O3->getResult(0), O1->getResult(1)});
  return G;
}

TEST(TextIRTest, KitchenSinkRoundTrips) {
  auto G = buildKitchenSink();
  std::string Text = printGraphToString(*G);
  EXPECT_EQ(roundTrip(Text), Text) << Text;
  // Spot checks of the documented syntax.
  EXPECT_NE(Text.find("graph @\"kitchen sink\" attributes {opset = 13, "
                      "producer = \"pytorch \\\"2.1\\\"\\0A\"} {"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("input %input : f32[?,1,4,4]\n"), std::string::npos);
  EXPECT_NE(Text.find("input %\"weird name/with:stuff \\\\ \\\"q\\\"\" : "
                      "f16[]\n"),
            std::string::npos)
      << Text;
  EXPECT_NE(
      Text.find("const %conv1.weight : i8[2,3]{q4 axis=0 scales=[0.100000001, "
                "1.00000001e-07]} = dense<[-128, -88, -48, -8, 32, 72]>"),
      std::string::npos)
      << Text;
  EXPECT_NE(Text.find("const %shape : i64[2] = dense<[1, -1]>"),
            std::string::npos);
  EXPECT_NE(Text.find("const %big : f32[10,10] = blob 0"), std::string::npos);
  EXPECT_NE(Text.find("const %h : f16[3] = dense<[0x3c00, 0xfc00, 0x0001]>"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("dense<[false, true]>"), std::string::npos);
  EXPECT_NE(Text.find("dense<[0.10000000000000001, -1.0000000000000001e+300]>"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("dense<[0.100000001, -0.0, inf, 1.40129846e-45, 3.0]>"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("const %empty : f32[0,3] = dense<[]>"),
            std::string::npos);
  EXPECT_NE(Text.find("const %scalar : i32[] = dense<[-7]>"),
            std::string::npos);
  EXPECT_NE(Text.find("%x1, %\"x 2\" = test.any(%input, none, %conv1.weight, "
                      "%shape, %big) {f = 1.0, fs = [0.5, 1e-30, "
                      "-2.0], i = -3, is = [1, -2, 3], s = \"he said "
                      "\\\"hi\\\"\\09\", ss = [\"a\", \"\", \"c,d\"], t = "
                      "tensor<f32[2] = dense<[1.5, 2.5]>>, \"weird key!\" = 1} "
                      ": f32[?,6,4,4], i8[2,3]{q4 axis=0 scales=[0.100000001, "
                      "1.00000001e-07]} name \"Conv_0\"\n"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("{f = -inf, fs = floats[], is = ints[], ss = strings[], "
                      "t = tensor<i32[20] = blob 1>}"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("  test.any(%any)\n"), std::string::npos) << Text;
  EXPECT_NE(Text.find("  return %123, %\"x 2\"\n}\nblobs {\n  0 = hex\"\n"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("\n    04030201040302010403020104030201"),
            std::string::npos);
}

TEST(TextIRTest, ParsedGraphMatchesOriginal) {
  auto G = buildKitchenSink();
  std::string Text = printGraphToString(*G);
  auto P = cantFail(parseGraph(Text, "k.ir"));
  EXPECT_EQ(P->getName(), G->getName());
  EXPECT_EQ(P->getMetadata(), G->getMetadata());
  ASSERT_EQ(P->getInputs().size(), G->getInputs().size());
  for (size_t I = 0; I < G->getInputs().size(); ++I) {
    EXPECT_EQ(P->getInputs()[I]->getName(), G->getInputs()[I]->getName());
    EXPECT_EQ(P->getInputs()[I]->getType(), G->getInputs()[I]->getType());
  }
  ASSERT_EQ(P->getConstants().size(), G->getConstants().size());
  for (size_t I = 0; I < G->getConstants().size(); ++I) {
    const Value *A = G->getConstants()[I], *B = P->getConstants()[I];
    EXPECT_EQ(A->getName(), B->getName());
    EXPECT_EQ(A->getType(), B->getType());
    EXPECT_EQ(A->getConstantData(), B->getConstantData()) << A->getName();
  }
  ASSERT_EQ(P->getNumOps(), G->getNumOps());
  auto PI = P->begin();
  for (auto &O : G->getOps()) {
    Op &Q = **PI++;
    EXPECT_EQ(O->getKind(), Q.getKind());
    EXPECT_EQ(O->getName(), Q.getName());
    EXPECT_EQ(O->getAttrs(), Q.getAttrs());
    ASSERT_EQ(O->getNumOperands(), Q.getNumOperands());
    for (unsigned I = 0; I < O->getNumOperands(); ++I)
      EXPECT_EQ(O->getOperand(I) ? O->getOperand(I)->getName() : "<none>",
                Q.getOperand(I) ? Q.getOperand(I)->getName() : "<none>");
    for (unsigned I = 0; I < O->getNumResults(); ++I)
      EXPECT_EQ(O->getResult(I)->getType(), Q.getResult(I)->getType());
  }
  EXPECT_EQ(P->getOutputs()[1]->getName(), "x 2");
  EXPECT_EQ(P->getOutputs()[1]->getDefiningOp(), P->begin()->get());
}

TEST(TextIRTest, ElideAndInlineLimit) {
  auto G = buildKitchenSink();
  PrintOptions Elide;
  Elide.ElideConstants = true;
  std::string Text = printGraphToString(*G, Elide);
  EXPECT_NE(Text.find("const %big : f32[10,10] = <elided>"), std::string::npos);
  EXPECT_EQ(Text.find("blobs {"), std::string::npos);
  EXPECT_NE(parseError(Text).find("elided constant data cannot be parsed"),
            std::string::npos);
  PrintOptions AllInline;
  AllInline.InlineLimit = 1 << 20;
  std::string Inline = printGraphToString(*G, AllInline);
  EXPECT_EQ(Inline.find("blob"), std::string::npos);
  EXPECT_EQ(roundTrip(Inline, AllInline), Inline);
  // Inline and blob forms describe the same graph.
  EXPECT_EQ(roundTrip(Inline), printGraphToString(*G));
  PrintOptions NoInline;
  NoInline.InlineLimit = 0;
  std::string Blobs = printGraphToString(*G, NoInline);
  EXPECT_EQ(roundTrip(Blobs, NoInline), Blobs);
}

TEST(TextIRTest, EmptyGraphAndGraphName) {
  Graph G("");
  std::string Text = printGraphToString(G);
  EXPECT_EQ(Text, "graph @\"\" {\n  return\n}\n");
  EXPECT_EQ(roundTrip(Text), Text);
  EXPECT_NE(parseError("graph @g {\n  input %\"\" : f32[1]\n}")
                .find("bad.ir:2:9: empty value name"),
            std::string::npos);
}

TEST(TextIRTest, HandWrittenSyntax) {
  test::registerTestOps();
  // Comments, free layout, float lists given with ints, f16 given as float.
  const char *Text = R"(// leading comment
graph @g {
  input %x : f32[2]   // trailing comment
  const %h : f16[2] = dense<[1.0, -2]>
  %y = test.any(%x) {fs = [1, 2.5], is = ints[4], ss = strings["z"]}
      : f32[2] name "n"
  return %y
}
)";
  auto G = parseGraph(Text, "hand.ir");
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  const Tensor &H = (*G)->lookup("h")->getConstantData();
  EXPECT_EQ(H.getAsDouble(0), 1.0);
  EXPECT_EQ(H.getAsDouble(1), -2.0);
  Op &O = *(*G)->begin()->get();
  EXPECT_EQ(O.getFloatsAttr("fs"), (std::vector<float>{1.0f, 2.5f}));
  EXPECT_EQ(O.getIntsAttr("is"), (std::vector<int64_t>{4}));
  EXPECT_EQ(O.getName(), "n");
}

struct ErrorCase {
  const char *Text;
  const char *Message;
};

TEST(TextIRTest, ErrorsHaveLocations) {
  test::registerTestOps();
  const ErrorCase Cases[] = {
      {"graph @g {\n  input %x : f32[2]\n  %y = test.unary(%x : f32[2]\n}",
       "bad.ir:3:22: expected ',' or ')'"},
      {"graph @g {\n  %y = test.unary(%x) : f32[2]\n}",
       "bad.ir:2:19: use of undefined value '%x'"},
      {"graph @g {\n  input %x : f32[2]\n  %y = onnx.Foo(%x) : f32[2]\n}",
       "bad.ir:3:8: unknown op kind 'onnx.Foo'"},
      {"graph @g {\n  input %x : f32[2]\n  input %x : f32[2]\n}",
       "bad.ir:3:9: redefinition of '%x'"},
      {"graph @g {\n  input %x : f32[2]\n  %x = test.unary(%x) : f32[2]\n}",
       "bad.ir:3:3: redefinition of '%x'"},
      {"graph @g {\n  const %w : f32[4] = blob 3\n  return\n}\n",
       "bad.ir:2:23: blob 3 not defined"},
      {"graph @g {\n  const %w : f32[4,4] = blob 0\n  return\n}\nblobs {\n"
       "  0 = hex\"000000000000000000000000\"\n}\n",
       "bad.ir:2:25: blob 0 size 12 does not match type f32[4,4] (64 bytes)"},
      {"graph @g {\n  const %w : f32[1] = blob 0\n}\nblobs {\n"
       "  0 = hex\"0000zz00\"\n}\n",
       "bad.ir:5:15: invalid hex digit 'z' in blob"},
      {"graph @g {\n  const %w : i8[2] = dense<[1, 300]>\n}",
       "bad.ir:2:32: value 300 out of range for i8"},
      {"graph @g {\n  const %w : i8[3] = dense<[1, 2]>\n}",
       "bad.ir:2:28: dense literal has 2 elements but type i8[3] has 3"},
      {"graph @g {\n  input %x : f33[2]\n}",
       "bad.ir:2:14: unknown element type 'f33'"},
      {"graph @g {\n  input %x : f32[-2]\n}",
       "bad.ir:2:18: negative dimension -2"},
      {"graph @g {\n  input %x : f32[2]\n  %y = test.unary(%x, %x) : "
       "f32[2]\n}",
       "bad.ir:3:8: test.unary expects 1 operands, got 2"},
      {"graph @g {\n  input %x : f32[2]\n  %y = test.unary(%x) {a = [], } : "
       "f32[2]\n}",
       "bad.ir:3:28: empty list needs a kind"},
      {"graph @g {\n  input %x : f32[2]\n  %y = test.unary(%x) {a = 1, a = "
       "2} : f32[2]\n}",
       "bad.ir:3:31: duplicate attribute 'a'"},
      {"graph @g {\n  input %x : f32[2]\n  %y, %z = test.any(%x) : f32[2]\n}",
       "bad.ir:3:25: 2 results but 1 result types"},
      {"graph @g {\n  input %x : f32[2]\n  return %x\n  input %z : f32[1]\n}",
       "bad.ir:4:3: expected '}' after 'return'"},
      {"graph @g {\n  input %\"unterminated : f32[2]\n}",
       "bad.ir:2:9: unterminated string"},
      {"graph @g {\n  input %x : f32[99999999999,99999999999]\n}",
       "bad.ir:2:14: tensor type is too large"},
      {"graph @g {\n  input % : f32[2]\n}",
       "bad.ir:2:9: expected value name after '%'"},
      {"graph @g {\n  input %x : f32[2]\n", "bad.ir:3:1: expected '}' at end"},
      {"graph @g {\n}\ngarbage", "bad.ir:3:1: expected end of input"},
      {"graph @g {\n  const %c : f32[1] = dense<[1.0]> 12abc\n}",
       "bad.ir:2:36: invalid number"},
      {"graph g {}", "bad.ir:1:7: expected graph name '@name'"},
      {"", "bad.ir:1:1: expected 'graph'"},
  };
  for (const ErrorCase &C : Cases) {
    std::string E = parseError(C.Text);
    EXPECT_EQ(E.rfind(C.Message, 0), 0u)
        << "input:\n"
        << C.Text << "\ngot:      " << E << "\nexpected: " << C.Message;
  }
}

/// A random graph: random names (some needing quotes), types, attributes.
std::unique_ptr<Graph> buildRandom(std::mt19937 &R) {
  test::registerTestOps();
  auto Pick = [&](int N) { return int(R() % unsigned(N)); };
  auto RandName = [&]() {
    static const char Chars[] = "abcXYZ019_.:/- \"\\\n\x7f\xc3\xa9";
    std::string S;
    int Len = 1 + Pick(6);
    for (int I = 0; I < Len; ++I)
      S.push_back(Chars[Pick(sizeof(Chars) - 1)]);
    return S;
  };
  auto RandFloat = [&]() {
    uint32_t Bits = R();
    float F;
    std::memcpy(&F, &Bits, 4);
    if (std::isnan(F))
      F = 0.25f; // NaN payloads are not preserved by design.
    return F;
  };
  auto RandType = [&](bool Static) {
    static const ElementType Elts[] = {
        ElementType::F32, ElementType::F64, ElementType::F16,
        ElementType::I64, ElementType::I32, ElementType::I16,
        ElementType::I8,  ElementType::U8,  ElementType::Bool};
    SmallVector<int64_t, 4> Shape;
    int Rank = Pick(4);
    for (int I = 0; I < Rank; ++I)
      Shape.push_back(!Static && Pick(4) == 0 ? kDynamicDim : Pick(5));
    TensorType T(Elts[Pick(9)], Shape);
    if (Pick(4) == 0) {
      QuantParams Q;
      Q.Bits = 1 + Pick(16);
      Q.Axis = Pick(2) ? -1 : Pick(4);
      int NS = 1 + Pick(3);
      for (int I = 0; I < NS; ++I)
        Q.Scales.push_back(std::fabs(RandFloat()));
      T.setQuant(Q);
    }
    return T;
  };
  auto RandTensor = [&]() {
    TensorType T = RandType(true);
    Tensor D(T);
    auto B = D.mutableBytes();
    for (char &C : B)
      C = char(R());
    if (T.getElementType() == ElementType::Bool)
      for (char &C : B)
        C &= 1;
    // Keep float data free of NaNs.
    if (T.getElementType() == ElementType::F32)
      for (float &F : D.mutableData<float>())
        F = RandFloat();
    if (T.getElementType() == ElementType::F64)
      for (double &F : D.mutableData<double>())
        F = double(RandFloat()) * 1e10;
    if (T.getElementType() == ElementType::F16)
      for (int64_t I = 0; I < D.getNumElements(); ++I) {
        uint16_t H = uint16_t(R());
        std::memcpy(B.data() + 2 * I, &H, 2);
      }
    return D;
  };
  auto G = std::make_unique<Graph>(RandName());
  std::vector<Value *> Vals;
  int NIn = Pick(3);
  for (int I = 0; I < NIn; ++I)
    Vals.push_back(
        cantFail(G->addInput(G->getUniqueName(RandName()), RandType(false))));
  int NC = Pick(4);
  for (int I = 0; I < NC; ++I)
    Vals.push_back(G->addConstantUnique(RandName(), RandTensor()));
  Builder B(*G);
  int NOps = Pick(6);
  for (int I = 0; I < NOps; ++I) {
    SmallVector<Value *, 4> Operands;
    int NO = Pick(4);
    for (int J = 0; J < NO; ++J)
      Operands.push_back(
          Vals.empty() || Pick(5) == 0 ? nullptr : Vals[Pick(Vals.size())]);
    AttributeMap A;
    int NA = Pick(4);
    for (int J = 0; J < NA; ++J) {
      std::string Key = RandName();
      switch (Pick(7)) {
      case 0:
        A[Key] = Attribute(int64_t(R()) - int64_t(R()) * 65536);
        break;
      case 1:
        A[Key] = Attribute(RandFloat());
        break;
      case 2:
        A[Key] = Attribute(RandName());
        break;
      case 3:
        A[Key] = Attribute(std::vector<int64_t>(Pick(3), -5));
        break;
      case 4:
        A[Key] = Attribute(std::vector<float>{RandFloat()});
        break;
      case 5:
        A[Key] = Attribute(std::vector<std::string>(Pick(3), RandName()));
        break;
      default:
        A[Key] = Attribute(RandTensor());
        break;
      }
    }
    SmallVector<TensorType, 2> Types;
    std::vector<std::string> Names;
    int NR = Pick(3);
    for (int J = 0; J < NR; ++J) {
      Types.push_back(RandType(false));
      std::string N = G->getUniqueName(RandName());
      if (llvm::is_contained(Names, N))
        N += "_dup";
      Names.push_back(N);
    }
    Op *O =
        cantFail(B.createOpWithTypes("test.any", Operands, Types, A, Names));
    if (Pick(2))
      O->setName(RandName());
    for (Value *V : O->getResults())
      Vals.push_back(V);
  }
  if (!Vals.empty() && Pick(3))
    G->addOutput(Vals[Pick(Vals.size())]);
  return G;
}

TEST(TextIRTest, RandomGraphsRoundTrip) {
  std::mt19937 R(12345);
  for (int Iter = 0; Iter < 300; ++Iter) {
    auto G = buildRandom(R);
    PrintOptions Opts;
    Opts.InlineLimit = R() % 64;
    std::string Text = printGraphToString(*G, Opts);
    std::string Again = roundTrip(Text, Opts);
    ASSERT_EQ(Again, Text) << "iteration " << Iter;
    // Data survives bit-exactly.
    auto P = cantFail(parseGraph(Text, "r.ir"));
    for (size_t I = 0; I < G->getConstants().size(); ++I)
      ASSERT_EQ(G->getConstants()[I]->getConstantData(),
                P->getConstants()[I]->getConstantData());
  }
}

TEST(TextIRTest, FuzzedInputNeverCrashes) {
  // ONNCF_IR_FUZZ_ITERATIONS / ONNCF_IR_FUZZ_SEED allow longer local runs
  // (e.g. under ASan); the default keeps the suite fast.
  int Iterations = 4000;
  unsigned Seed = 777;
  if (const char *E = std::getenv("ONNCF_IR_FUZZ_ITERATIONS"))
    Iterations = std::atoi(E);
  if (const char *E = std::getenv("ONNCF_IR_FUZZ_SEED"))
    Seed = unsigned(std::atoi(E));
  std::mt19937 R(Seed);
  std::vector<std::string> Seeds;
  Seeds.push_back(printGraphToString(*buildKitchenSink()));
  for (int I = 0; I < 5; ++I) {
    PrintOptions Opts;
    Opts.InlineLimit = 8;
    Seeds.push_back(printGraphToString(*buildRandom(R), Opts));
  }
  static const char Interesting[] = "%@\"\\[](){}<>,=:?-0123456789.xe\n ";
  int Parsed = 0, Failed = 0;
  for (int Iter = 0; Iter < Iterations; ++Iter) {
    std::string S = Seeds[R() % Seeds.size()];
    int Kind = R() % 4;
    if (Kind == 0) {
      S.resize(R() % (S.size() + 1)); // truncation
    } else {
      int N = 1 + R() % 4;
      for (int I = 0; I < N && !S.empty(); ++I) {
        size_t Pos = R() % S.size();
        if (Kind == 1)
          S[Pos] = Interesting[R() % (sizeof(Interesting) - 1)];
        else if (Kind == 2)
          S.erase(Pos, 1 + R() % 8);
        else
          S.insert(Pos, 1, char(R()));
      }
    }
    auto G = parseGraph(S, "fuzz.ir");
    if (!G) {
      std::string E = toString(G.takeError());
      ASSERT_EQ(E.rfind("fuzz.ir:", 0), 0u) << E;
      ++Failed;
      continue;
    }
    ++Parsed;
    // Whatever parsed prints to a fixed point.
    std::string P1 = printGraphToString(**G);
    ASSERT_EQ(roundTrip(P1), P1);
  }
  EXPECT_GT(Failed, 0);
  EXPECT_GT(Parsed, 0);
}

TEST(TextIRTest, LargeBlobIsFast) {
  test::registerTestOps();
  Graph G("big");
  std::vector<float> Data(5 * 1024 * 1024 / 4);
  for (size_t I = 0; I < Data.size(); ++I)
    Data[I] = float(I) * 0.5f;
  cantFail(G.addConstant(
      "w", Tensor::fromVector<float>({int64_t(Data.size())}, Data)));
  auto Start = std::chrono::steady_clock::now();
  std::string Text = printGraphToString(G);
  auto P = cantFail(parseGraph(Text, "big.ir"));
  double Secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  EXPECT_EQ(P->getConstants()[0]->getConstantData(),
            G.getConstants()[0]->getConstantData());
  // Linear-time code does this in well under a second; quadratic would not.
  EXPECT_LT(Secs, 3.0);
}

} // namespace
