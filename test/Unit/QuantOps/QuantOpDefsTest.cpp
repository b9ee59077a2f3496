//===- QuantOpDefsTest.cpp - quant.* verifier, inference, text form -------===//
//
// Part of onnc-fault. Each verifier rule of lib/IR/Quant/QuantOps.cpp on a
// text-IR graph that breaks it (the message names the op and the problem),
// type inference (element type from out_bits / bits, shapes, quantization
// kept or derived), and print/parse round trips of quantized types.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Graph.h"
#include "onncf/IR/Op.h"
#include "onncf/IR/OpDef.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/IR/QuantOps.h"
#include "gtest/gtest.h"

using namespace onncf;
using namespace llvm;

namespace {

const char *Header = "graph @g {\n"
                     "  input %x : i8[1,4,6,6]{q8 scales=[0.5]}\n"
                     "  const %w : i8[8,4,3,3] = dense<[%W]>\n"
                     "  const %b : i32[8] = dense<[1,2,3,4,5,6,7,8]>\n";

std::string graphWith(StringRef Body, StringRef Ret = "y") {
  std::string W;
  for (int I = 0; I < 8 * 4 * 9; ++I)
    W += (I ? "," : "") + std::to_string(I % 7 - 3);
  std::string H = Header;
  H.replace(H.find("%W"), 2, W);
  return H + Body.str() + "\n  return %" + Ret.str() + "\n}\n";
}

/// Parses and verifies; returns "" on success, else the message.
std::string verifyText(const std::string &Text) {
  auto G = parseGraph(Text, "t.ir");
  if (!G)
    return "parse: " + toString(G.takeError());
  if (Error E = verifyGraph(**G))
    return toString(std::move(E));
  return "";
}

const char *GoodConv =
    "  %y = quant.conv(%x, %w, %b) {mul = [100], shift = 8, pads = [1, 1, 1, "
    "1]} : i8[1,8,6,6]{q8 scales=[0.25]}";

TEST(QuantOpDefs, Registered) {
  for (const char *K :
       {quantop::Quantize, quantop::Dequantize, quantop::Conv, quantop::FC,
        quantop::AvgPool, quantop::Add, quantop::Requantize})
    EXPECT_NE(OpRegistry::get().lookup(K), nullptr) << K;
}

TEST(QuantOpDefs, GoodGraphVerifiesAndRoundTrips) {
  std::string Text =
      graphWith(std::string(GoodConv) +
                    "\n  %p = quant.avgpool(%y) {kernel_shape = [2, 2], "
                    "strides = [2, 2]} "
                    ": i8[1,8,3,3]{q8 scales=[0.25]}"
                    "\n  %f = onnx.Flatten(%p) : i8[1,72]{q8 scales=[0.25]}"
                    "\n  %r = quant.requantize(%f) {mul = [3], shift = 1, "
                    "out_bits = 16} : "
                    "i16[1,72]{q16 scales=[0.125]}"
                    "\n  %a = quant.add(%r, %r) {mul = [1], shift = 0, mul_b = "
                    "1, shift_b = "
                    "0, out_bits = 16} : i16[1,72]{q16 scales=[0.125]}"
                    "\n  %z = quant.dequantize(%a) {scale = 0.125} : f32[1,72]",
                "z");
  EXPECT_EQ(verifyText(Text), "");
  auto G = parseGraph(Text, "t.ir");
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  std::string P1 = printGraphToString(**G);
  auto G2 = parseGraph(P1, "t2.ir");
  ASSERT_TRUE(bool(G2)) << toString(G2.takeError());
  EXPECT_EQ(printGraphToString(**G2), P1);
  EXPECT_NE(P1.find("i16[1,72]{q16 scales=[0.125]}"), std::string::npos);
}

struct BadCase {
  const char *Body;
  const char *Message;
};

TEST(QuantOpDefs, VerifierErrorsNameOpAndProblem) {
  const BadCase Cases[] = {
      {"  %y = quant.conv(%x, %w, %b) {mul = [40000], shift = 8} : "
       "i8[1,8,4,4]",
       "quant.conv producing 'y': attribute 'mul' has entry 40000, expected a "
       "value in [0, 32767]"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [-1], shift = 8} : i8[1,8,4,4]",
       "attribute 'mul' has entry -1"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1, 2, 3], shift = 8} : "
       "i8[1,8,4,4]",
       "attribute 'mul' has 3 entries, expected 1 or 8 (one per output "
       "channel)"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 64} : i8[1,8,4,4]",
       "attribute 'shift' is 64, expected a value in [0, 63]"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, clip_truncate = "
       "32} : i8[1,8,4,4]",
       "attribute 'clip_truncate' is 32, expected a value in [0, 31]"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, out_bits = 12} : "
       "i8[1,8,4,4]",
       "attribute 'out_bits' is 12, expected 8 or 16"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, relu = 2} : "
       "i8[1,8,4,4]",
       "attribute 'relu' is 2, expected a value in [0, 1]"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, clamp_min = 5, "
       "clamp_max = 4} : i8[1,8,4,4]",
       "clamp_min 5 is greater than clamp_max 4"},
      {"  %y = quant.conv(%x, %w, %b) {shift = 1} : i8[1,8,4,4]",
       "missing required attribute 'mul'"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, group = 2} : "
       "i8[1,8,4,4]",
       "input has 4 channels but the weight i8[8,4,3,3] expects 8 (group 2)"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, group = 3} : "
       "i8[1,8,4,4]",
       "group 3 does not divide the input channels 4"},
      {"  %y = quant.conv(%x, %w, %x) {mul = [1], shift = 1} : i8[1,8,4,4]",
       "bias (operand 2) must be i32"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, pads = [1, 1]} : "
       "i8[1,8,4,4]",
       "attribute 'pads' has 2 entries, expected 4"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, auto_pad = "
       "\"SAME_UPPER\"} : i8[1,8,4,4]",
       "unknown attribute 'auto_pad'"},
      {"  %y = quant.conv(%x, %w, %b) {mul = [1], shift = 1, out_bits = 16} : "
       "i8[1,8,4,4]",
       "but inference gives i16[1,8,4,4]"},
      {"  %f = quant.dequantize(%x) {scale = 0.5} : f32[1,4,6,6]\n"
       "  %y = quant.conv(%f, %w, %b) {mul = [1], shift = 1} : i8[1,8,4,4]",
       "quant.conv producing 'y': input (operand 0) must be i8 or i16, not "
       "f32[1,4,6,6]"},
      {"  %y = quant.quantize(%x) {scale = 0.5} : i8[1,4,6,6]",
       "quant.quantize producing 'y': input (operand 0) must be f32"},
      {"  %f = quant.dequantize(%x) {scale = 0.0} : f32[1,4,6,6]\n"
       "  %y = quant.quantize(%f) {scale = 0.5} : i8[1,4,6,6]",
       "quant.dequantize producing 'f': attribute 'scale' is 0.000000, "
       "expected a finite value > 0"},
      {"  %f = quant.dequantize(%x) {scale = 0.5} : f32[1,4,6,6]\n"
       "  %y = quant.quantize(%f) {scale = 0.5, bits = 9} : i8[1,4,6,6]",
       "attribute 'bits' is 9, expected 8 or 16"},
      {"  %f = quant.dequantize(%x) {scale = 0.5} : f32[1,4,6,6]\n"
       "  %y = quant.quantize(%f) {scale = -1.0} : i8[1,4,6,6]",
       "attribute 'scale' is -1.000000"},
      {"  %p = quant.avgpool(%x) {kernel_shape = [2, 2]} : i8[1,4,5,5]\n"
       "  %y = quant.add(%x, %p) {mul = [1], shift = 0, mul_b = 1, shift_b = "
       "0} : i8[1,4,6,6]",
       "quant.add producing 'y': operands must have the same shape"},
      {"  %y = quant.add(%x, %x) {mul = [1, 2], shift = 0, mul_b = 1, "
       "shift_b = 0} : i8[1,4,6,6]",
       "attribute 'mul' has 2 entries, expected 1"},
      {"  %y = quant.add(%x, %x) {mul = [1], shift = 0, mul_b = 40000, "
       "shift_b = 0} : i8[1,4,6,6]",
       "attribute 'mul_b' is 40000"},
      {"  %y = quant.requantize(%x) {mul = [1], shift = 70} : i8[1,4,6,6]",
       "quant.requantize producing 'y': attribute 'shift' is 70"},
      {"  %y = quant.avgpool(%x) {strides = [1, 1]} : i8[1,4,6,6]",
       "missing required attribute 'kernel_shape'"},
      {"  %y = quant.avgpool(%x) {kernel_shape = [2, 2], dilations = [1, 1]} "
       ": i8[1,4,5,5]",
       "unknown attribute 'dilations'"},
      {"  %f = onnx.Flatten(%x) : i8[1,144]\n"
       "  %y = quant.fc(%f, %w) {mul = [1], shift = 0} : i8[1,8]",
       "weight (operand 1) must have rank 2"},
  };
  for (const BadCase &C : Cases) {
    std::string Msg = verifyText(graphWith(C.Body));
    EXPECT_NE(Msg.find(C.Message), std::string::npos)
        << "body: " << C.Body << "\nmessage: " << Msg;
  }
}

TEST(QuantOpDefs, FCChecksFeatures) {
  std::string Text =
      "graph @g {\n  input %x : i8[2,10]\n"
      "  const %w : i16[3,9]{q12 axis=0 scales=[1.0, 1.0, 1.0]} = dense<[" +
      std::string("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1") +
      "]>\n  %y = quant.fc(%x, %w) {mul = [1], shift = 0} : i8[2,3]\n"
      "  return %y\n}\n";
  std::string Msg = verifyText(Text);
  EXPECT_NE(Msg.find("input has 10 channels but the weight i16[3,9]"),
            std::string::npos)
      << Msg;
}

TEST(QuantOpDefs, InferenceKeepsDeclaredQuantization) {
  auto G =
      parseGraph(graphWith(std::string(GoodConv) +
                               "\n  %p = quant.avgpool(%y) {kernel_shape = "
                               "[3, 3], pads = [1, 1, 1, 1]} : i8[1,8,6,6]"
                               "\n  %f = quant.dequantize(%p) {scale = 0.25} "
                               ": f32[1,8,6,6]"
                               "\n  %q = quant.quantize(%f) {scale = 0.75, "
                               "bits = 16} : i16[1,8,6,6]",
                           "q"),
                 "t.ir");
  ASSERT_TRUE(bool(G)) << toString(G.takeError());
  ASSERT_FALSE(bool((*G)->inferTypes()));
  const Value *Y = (*G)->lookup("y"), *P = (*G)->lookup("p"),
              *Q = (*G)->lookup("q");
  // The conv result keeps the scale the quantizer declared.
  ASSERT_TRUE(Y->getType().getQuant().has_value());
  EXPECT_EQ(Y->getType().getQuant()->Scales[0], 0.25f);
  EXPECT_EQ(Y->getType().getShape(), ArrayRef<int64_t>({1, 8, 6, 6}));
  // avgpool declared none: it gets its input's.
  ASSERT_TRUE(P->getType().getQuant().has_value());
  EXPECT_EQ(P->getType().getQuant()->Scales[0], 0.25f);
  // quantize derives its parameters from the attributes.
  EXPECT_EQ(Q->getType().getElementType(), ElementType::I16);
  ASSERT_TRUE(Q->getType().getQuant().has_value());
  EXPECT_EQ(Q->getType().getQuant()->Scales[0], 0.75f);
  EXPECT_EQ(Q->getType().getQuant()->Bits, 16u);
}

TEST(QuantOpDefs, InferenceShapesAndDynamicBatch) {
  std::string W;
  for (int I = 0; I < 6 * 1 * 3 * 2; ++I)
    W += (I ? "," : "") + std::to_string(I % 5);
  auto G2 = parseGraph("graph @g {\n  input %x : i16[?,3,10,9]\n"
                       "  const %w : i8[6,1,3,2] = dense<[" +
                           W +
                           "]>\n"
                           "  %y = quant.conv(%x, %w) {mul = [1], shift = 0, "
                           "group = 3, strides = [2, 3], dilations = [2, 1], "
                           "pads = [0, 1, 2, 0], out_bits = 16} : "
                           "i16[?,6,4,3]\n"
                           "  return %y\n}\n",
                       "t.ir");
  ASSERT_TRUE(bool(G2)) << toString(G2.takeError());
  EXPECT_FALSE(bool(verifyGraph(**G2)));
  ASSERT_FALSE(bool((*G2)->inferTypes()));
  // OH = (10 + 0 + 2 - 5) / 2 + 1 = 4; OW = (9 + 1 + 0 - 2) / 3 + 1 = 3.
  const TensorType &T = (*G2)->lookup("y")->getType();
  EXPECT_EQ(T.getElementType(), ElementType::I16);
  EXPECT_EQ(T.getShape(), ArrayRef<int64_t>({kDynamicDim, 6, 4, 3}));
}

} // namespace
