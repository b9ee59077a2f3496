//===- TensorTest.cpp - Element types, tensor types and tensors -----------===//
#include "onncf/IR/Tensor.h"
#include "onncf/IR/Attribute.h"
#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"
#include <cmath>
#include <cstring>

using namespace onncf;
using namespace llvm;

namespace {

TEST(ElementTypeTest, NamesRoundTrip) {
  for (ElementType T : {ElementType::F32, ElementType::F64, ElementType::F16,
                        ElementType::I64, ElementType::I32, ElementType::I16,
                        ElementType::I8, ElementType::U8, ElementType::Bool}) {
    auto P = parseElementTypeName(getElementTypeName(T));
    ASSERT_TRUE(P.has_value());
    EXPECT_EQ(*P, T);
  }
  EXPECT_FALSE(parseElementTypeName("f8").has_value());
  EXPECT_EQ(getElementSize(ElementType::F16), 2u);
  EXPECT_EQ(getElementSize(ElementType::I64), 8u);
  EXPECT_TRUE(isFloatType(ElementType::F16));
  EXPECT_TRUE(isIntegerType(ElementType::U8));
  EXPECT_FALSE(isIntegerType(ElementType::Bool));
}

TEST(ElementTypeTest, HalfConversions) {
  EXPECT_EQ(halfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(halfToFloat(0xc000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isinf(halfToFloat(0x7c00)));
  EXPECT_TRUE(std::isnan(halfToFloat(0x7e00)));
  EXPECT_TRUE(std::signbit(halfToFloat(0x8000)));
  // Every finite half converts to float and back unchanged.
  for (uint32_t H = 0; H < 0x10000; ++H) {
    if ((H & 0x7c00) == 0x7c00)
      continue;
    ASSERT_EQ(floatToHalf(halfToFloat(uint16_t(H))), H) << H;
  }
  EXPECT_EQ(floatToHalf(1e6f), 0x7c00);
  EXPECT_EQ(floatToHalf(1.0f + 1.0f / 4096), 0x3c00); // rounds to even
}

TEST(TensorTypeTest, PrintAndProperties) {
  TensorType T(ElementType::F32, {kDynamicDim, 1, 28, 28});
  EXPECT_EQ(T.str(), "f32[?,1,28,28]");
  EXPECT_FALSE(T.hasStaticShape());
  TensorType S(ElementType::I64, {});
  EXPECT_EQ(S.str(), "i64[]");
  EXPECT_EQ(S.getNumElements(), 1);
  TensorType Q(ElementType::I8, {2, 3});
  QuantParams QP;
  QP.Scales = {0.5f, 0.1f};
  QP.Axis = 0;
  Q.setQuant(QP);
  EXPECT_EQ(Q.str(), "i8[2,3]{q8 axis=0 scales=[0.5, 0.100000001]}");
  EXPECT_TRUE(isCompatible(T, TensorType(ElementType::F32, {4, 1, 28, 28})));
  EXPECT_FALSE(isCompatible(T, TensorType(ElementType::F32, {4, 2, 28, 28})));
  EXPECT_FALSE(isCompatible(T, TensorType(ElementType::F16, {4, 1, 28, 28})));
  EXPECT_FALSE(isCompatible(T, TensorType(ElementType::F32, {4, 1, 28})));
}

TEST(TensorTest, ZeroInitAndAccess) {
  Tensor T(TensorType(ElementType::I32, {2, 3}));
  EXPECT_FALSE(T.isNull());
  EXPECT_EQ(T.getSizeInBytes(), 24u);
  for (int32_t V : T.data<int32_t>())
    EXPECT_EQ(V, 0);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(T.bytes().data()) % 64, 0u);
  T.mutableData<int32_t>()[4] = -7;
  EXPECT_EQ(T.getAsInt(4), -7);
  EXPECT_EQ(T.getAsDouble(4), -7.0);
  EXPECT_TRUE(Tensor().isNull());
}

TEST(TensorTest, CopyOnWrite) {
  Tensor A = Tensor::fromVector<float>({3}, {1.0f, 2.0f, 3.0f});
  Tensor B = A;
  EXPECT_EQ(A.bytes().data(), B.bytes().data()); // shared
  B.mutableData<float>()[0] = 5.0f;
  EXPECT_NE(A.bytes().data(), B.bytes().data());
  EXPECT_EQ(A.data<float>()[0], 1.0f);
  EXPECT_EQ(B.data<float>()[0], 5.0f);
  EXPECT_NE(A, B);
  // Unique owner writes in place.
  const char *Before = B.bytes().data();
  B.mutableData<float>()[1] = 6.0f;
  EXPECT_EQ(B.bytes().data(), Before);
}

TEST(TensorTest, MappedIsNeverWritten) {
  char Raw[12] = {};
  float One = 1.0f;
  std::memcpy(Raw + 4, &One, 4);
  std::shared_ptr<MemoryBuffer> Buf =
      MemoryBuffer::getMemBufferCopy(StringRef(Raw, sizeof(Raw)), "buf");
  Tensor T = Tensor::fromMapped(TensorType(ElementType::F32, {2}), Buf, 4);
  EXPECT_TRUE(T.isMapped());
  EXPECT_EQ(T.getAsDouble(0), 1.0);
  EXPECT_EQ(T.bytes().data(), Buf->getBufferStart() + 4);
  T.mutableData<float>()[0] = 2.0f;
  EXPECT_FALSE(T.isMapped());
  EXPECT_EQ(T.getAsDouble(0), 2.0);
  float InBuf;
  std::memcpy(&InBuf, Buf->getBufferStart() + 4, 4);
  EXPECT_EQ(InBuf, 1.0f);
}

TEST(TensorTest, GetAsForAllTypes) {
  Tensor H(TensorType(ElementType::F16, {2}));
  auto HB = H.mutableBytes();
  uint16_t Bits[2] = {0x3e00, 0xc500}; // 1.5, -5.0
  std::memcpy(HB.data(), Bits, 4);
  EXPECT_EQ(H.getAsDouble(0), 1.5);
  EXPECT_EQ(H.getAsDouble(1), -5.0);
  EXPECT_EQ(H.getAsInt(1), -5);
  Tensor U = Tensor::fromVector<uint8_t>({1}, {200});
  EXPECT_EQ(U.getAsInt(0), 200);
  Tensor I8 = Tensor::fromVector<int8_t>({1}, {-100});
  EXPECT_EQ(I8.getAsDouble(0), -100.0);
  Tensor I64 = Tensor::fromVector<int64_t>({1}, {int64_t(1) << 40});
  EXPECT_EQ(I64.getAsInt(0), int64_t(1) << 40);
  Tensor D = Tensor::fromVector<double>({1}, {-2.75});
  EXPECT_EQ(D.getAsInt(0), -2);
  Tensor B(TensorType(ElementType::Bool, {1}));
  B.mutableBytes()[0] = 1;
  EXPECT_EQ(B.getAsInt(0), 1);
}

TEST(TensorTest, SetTypeKeepsBytes) {
  Tensor T = Tensor::fromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  T.setType(TensorType(ElementType::F32, {6}));
  EXPECT_EQ(T.getShape().size(), 1u);
  EXPECT_EQ(T.data<float>()[5], 6.0f);
}

TEST(AttributeTest, KindsAndEquality) {
  EXPECT_TRUE(Attribute(3).is(AttrKind::Int));
  EXPECT_TRUE(Attribute(1.5f).is(AttrKind::Float));
  EXPECT_TRUE(Attribute("x").is(AttrKind::String));
  EXPECT_TRUE(Attribute(std::vector<int64_t>{1}).is(AttrKind::Ints));
  EXPECT_EQ(getAttrKindName(AttrKind::Floats), "floats");
  EXPECT_EQ(Attribute(std::vector<float>{1.0f}),
            Attribute(std::vector<float>{1.0f}));
  EXPECT_NE(Attribute(1), Attribute(1.0f));
}

} // namespace
