//===- WeightFaultsTest.cpp - Placement, mitigation and injection ---------===//
//
// Part of onnc-fault. The graph-level fault model (onncf/Fault/Placement.h,
// onncf/Fault/WeightFaults.h) on a small quantized net with 4-, 8- and
// 12-bit weights: the host's linear placement, the stored words the
// compiler writes for every policy, and the injection the executors apply,
// checked against a direct word-by-word computation.
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/WeightFaults.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/Parser.h"
#include "onncf/IR/Printer.h"
#include "onncf/Interp/Interpreter.h"
#include "gtest/gtest.h"
#include <algorithm>
#include <string>

using namespace llvm;
using namespace onncf;
using namespace onncf::fault;

namespace {

::testing::AssertionResult ok(Error E) {
  if (!E)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << toString(std::move(E));
}

/// Weights in +-(2^(Q-1)-1) from a fixed LCG, as the quantizer makes them.
std::string weights(unsigned N, unsigned Q, uint64_t Seed) {
  std::string S;
  int64_t Max = (int64_t(1) << (Q - 1)) - 1;
  for (unsigned I = 0; I < N; ++I) {
    Seed = Seed * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t V = int64_t((Seed >> 33) % uint64_t(2 * Max + 1)) - Max;
    S += (I ? ", " : "") + std::to_string(V);
  }
  return S;
}

/// conv (4-bit words) -> conv (8-bit) -> fc (12-bit, i16).
std::string netText() {
  return "graph @t {\n"
         "  input %x : f32[?,2,4,4]\n"
         "  const %w1 : i8[4,2,3,3]{q4 scales=[0.05]} = dense<[" +
         weights(72, 4, 1) +
         "]>\n"
         "  const %w2 : i8[4,4,1,1]{q8 scales=[0.01]} = dense<[" +
         weights(16, 8, 2) +
         "]>\n"
         "  const %wf : i16[3,64]{q12 scales=[0.001]} = dense<[" +
         weights(192, 12, 3) +
         "]>\n"
         "  %q = quant.quantize(%x) {scale = 0.05} : i8[?,2,4,4]{q8 "
         "scales=[0.05]}\n"
         "  %c1 = quant.conv(%q, %w1) {mul = [20000], pads = [1, 1, 1, 1], "
         "shift = 14} : i8[?,4,4,4]{q8 scales=[0.1]}\n"
         "  %c2 = quant.conv(%c1, %w2) {mul = [20000], shift = 16} : "
         "i8[?,4,4,4]{q8 scales=[0.1]}\n"
         "  %f = onnx.Flatten(%c2) : i8[?,64]{q8 scales=[0.1]}\n"
         "  %fc = quant.fc(%f, %wf) {mul = [30000], shift = 22} : i8[?,3]{q8 "
         "scales=[0.25]}\n"
         "  %y = quant.dequantize(%fc) {scale = 0.25} : f32[?,3]\n"
         "  return %y\n"
         "}\n";
}

std::unique_ptr<Graph> parse(const std::string &Text) {
  auto G = parseGraph(Text, "net.ir");
  if (!G) {
    ADD_FAILURE() << toString(G.takeError());
    return std::make_unique<Graph>();
  }
  if (Error E = verifyGraph(**G))
    ADD_FAILURE() << toString(std::move(E));
  return std::move(*G);
}

DefectMap map(const std::string &Body) {
  auto M = parseDefectMap("onncf-defect-map 1\n" + Body, "test.map");
  if (!M) {
    ADD_FAILURE() << toString(M.takeError());
    return DefectMap();
  }
  return std::move(*M);
}

std::vector<int64_t> values(const Value *V) {
  const Tensor &T = V->getConstantData();
  std::vector<int64_t> R;
  for (int64_t I = 0; I < T.getNumElements(); ++I)
    R.push_back(T.getAsInt(I));
  return R;
}

const char *HighRate = "memory wmem words=1024 width=8\n"
                       "random wmem rate=5% sa1-share=0.8 seed=3\n";

TEST(Placement, LinearHostAddresses) {
  auto G = parse(netText());
  EXPECT_FALSE(hasStoredWeightAttrs(*G));
  // 72 one-byte words at 0, 16 at 72, 192 two-byte words at 88 (even).
  EXPECT_EQ(placeWeightsLinearly(*G), 88u + 2 * 192);
  auto Ts = listStoredWeights(*G);
  ASSERT_TRUE(bool(Ts)) << toString(Ts.takeError());
  ASSERT_EQ(Ts->size(), 3u);
  const StoredTensor &A = (*Ts)[0], &B = (*Ts)[1], &C = (*Ts)[2];
  EXPECT_EQ(A.Data->getName(), "w1");
  EXPECT_EQ(A.FirstByte, 0u);
  EXPECT_EQ(A.StrideBytes, 1u);
  EXPECT_EQ(A.WordBits, 4u);
  EXPECT_EQ(A.Count, 72u);
  EXPECT_EQ(B.FirstByte, 72u);
  EXPECT_EQ(B.WordBits, 8u);
  EXPECT_EQ(B.bitAddress(3), 8u * 75);
  EXPECT_EQ(C.FirstByte, 88u);
  EXPECT_EQ(C.StrideBytes, 2u);
  EXPECT_EQ(C.WordBits, 12u);
  EXPECT_EQ(C.bitAddress(5), 8u * (88 + 10));
  EXPECT_EQ(C.endByte(), 88u + 384);
  EXPECT_EQ(placementEndByte(*Ts), 472u);
  EXPECT_EQ(C.Owner->getIntAttr(attr::WMemOffset, -1), 88);
  EXPECT_EQ(C.Owner->getIntAttr(attr::WMemWords, -1), 192);
  EXPECT_TRUE(ok(verifyGraph(*G)));

  // The placement is part of the text IR.
  auto G2 = parse(printGraphToString(*G));
  auto Ts2 = listStoredWeights(*G2);
  ASSERT_TRUE(bool(Ts2)) << toString(Ts2.takeError());
  ASSERT_EQ(Ts2->size(), 3u);
  for (size_t I = 0; I < 3; ++I) {
    EXPECT_EQ((*Ts2)[I].FirstByte, (*Ts)[I].FirstByte);
    EXPECT_EQ((*Ts2)[I].Count, (*Ts)[I].Count);
    EXPECT_EQ((*Ts2)[I].WordBits, (*Ts)[I].WordBits);
  }
}

TEST(Placement, SharedWeightsGetTheirOwnWords) {
  auto G = parse("graph @s {\n  input %x : i8[?,4]{q8 scales=[0.1]}\n"
                 "  const %w : i8[4,4]{q8 scales=[0.01]} = dense<[" +
                 weights(16, 8, 9) +
                 "]>\n"
                 "  %a = quant.fc(%x, %w) {mul = [1], shift = 0} : "
                 "i8[?,4]{q8 scales=[0.1]}\n"
                 "  %b = quant.fc(%a, %w) {mul = [1], shift = 0} : "
                 "i8[?,4]{q8 scales=[0.1]}\n  return %b\n}\n");
  EXPECT_EQ(placeWeightsLinearly(*G), 32u);
  auto Ts = listStoredWeights(*G);
  ASSERT_TRUE(bool(Ts)) << toString(Ts.takeError());
  ASSERT_EQ(Ts->size(), 2u);
  EXPECT_NE((*Ts)[0].Data, (*Ts)[1].Data);
  EXPECT_EQ(values((*Ts)[0].Data), values((*Ts)[1].Data));
  EXPECT_EQ((*Ts)[1].FirstByte, 16u);
}

TEST(Placement, BadAttributesAreErrors) {
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  auto Ts = listStoredWeights(*G);
  ASSERT_TRUE(bool(Ts));
  (*Ts)[1].Owner->setAttr(attr::WMemOffset, int64_t(70));
  auto Bad = listStoredWeights(*G);
  ASSERT_FALSE(bool(Bad));
  EXPECT_NE(toString(Bad.takeError()).find("overlap"), std::string::npos);
  (*Ts)[1].Owner->setAttr(attr::WMemWords, int64_t(15));
  Error E = verifyGraph(*G);
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("wmem_words"), std::string::npos);
  // A decoder without a placement is malformed.
  auto G2 = parse(netText());
  for (auto &O : G2->getOps())
    if (O->getKind() == "quant.fc")
      O->setAttr(attr::Decoder, "lsb");
  Error E2 = verifyGraph(*G2);
  ASSERT_TRUE(bool(E2));
  EXPECT_NE(toString(std::move(E2)).find("placement"), std::string::npos);
}

TEST(Placement, VerifierChecksDecoderAttributes) {
  auto Check = [](const char *Attr, Attribute A, const char *Msg) {
    auto G = parse(netText());
    placeWeightsLinearly(*G);
    for (auto &O : G->getOps())
      if (O->getKind() == "quant.fc") {
        O->setAttr(attr::Decoder, "sign-bit");
        O->setAttr(Attr, A);
      }
    Error E = verifyGraph(*G);
    ASSERT_TRUE(bool(E)) << Attr;
    std::string S = toString(std::move(E));
    EXPECT_NE(S.find(Msg), std::string::npos) << S;
  };
  Check(attr::Decoder, Attribute("xor"), "attribute 'decoder' is 'xor'");
  Check(attr::DecoderMasks, Attribute(std::vector<int64_t>{1, 2, 3}),
        "(word, mask) pairs");
  Check(attr::DecoderMasks, Attribute(std::vector<int64_t>{192, 1}),
        "bad pair (192, 1)");
  Check(attr::WMemOffset, Attribute(int64_t(-1)), "wmem_offset");
  // Masks with a decoder that substitutes nothing are malformed too.
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  for (auto &O : G->getOps())
    if (O->getKind() == "quant.fc") {
      O->setAttr(attr::Decoder, "c1");
      O->setAttr(attr::DecoderMasks, std::vector<int64_t>{0, 1});
    }
  Error E = verifyGraph(*G);
  ASSERT_TRUE(bool(E));
  EXPECT_NE(toString(std::move(E)).find("needs decoder sign-bit"),
            std::string::npos);
}

TEST(Placement, MapMustHoldTheWeights) {
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  auto Ts = listStoredWeights(*G);
  ASSERT_TRUE(bool(Ts));
  auto Small = findWeightMemory(map("memory wmem words=471 width=8\n"), *Ts,
                                "small.map");
  ASSERT_FALSE(bool(Small));
  EXPECT_NE(toString(Small.takeError()).find("too small"), std::string::npos);
  // 472 bytes = 236 16-bit words: exactly enough.
  EXPECT_TRUE(bool(
      findWeightMemory(map("memory wmem words=236 width=16\n"), *Ts, "x")));
  auto None =
      findWeightMemory(map("memory cmac cells=64 bits=8\n"), *Ts, "cmac.map");
  ASSERT_FALSE(bool(None));
  EXPECT_NE(toString(None.takeError()).find("no wmem"), std::string::npos);
}

TEST(Placement, WordFaultsFollowTheByteAddress) {
  // A 16-bit-wide map: word 44 holds bytes 88 and 89, i.e. weight 0 of wf
  // (12 bits); its bit 9 is the weight's bit 9, its bit 13 is one of the
  // unused bits 12..15 of the weight's two bytes and does not count.
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  auto Ts = listStoredWeights(*G);
  ASSERT_TRUE(bool(Ts));
  DefectMap M = map("memory wmem words=256 width=16\n"
                    "cell wmem 44 9 sa1\ncell wmem 44 13 sa0\n"
                    "cell wmem 36 8 sa0\n");
  auto F = faultsOfTensor(M, 0, (*Ts)[2]);
  EXPECT_EQ(F[0], (WordFaults{0, 1u << 9}));
  EXPECT_TRUE(F[1].empty());
  // Byte 73 (word 36, bit 8) is bit 0 of w2's word 1.
  auto F2 = faultsOfTensor(M, 0, (*Ts)[1]);
  EXPECT_EQ(F2[1], (WordFaults{1, 0}));
}

/// The stored words of every policy decode, through the map, to what the
/// policy promises; injection (StoredWeights::apply) computes exactly that.
TEST(WeightFaults, MitigationThenInjectionMatchesDirectComputation) {
  DefectMap M = map(HighRate);
  std::vector<Mitigation> Ms;
  for (const Policy &P : allPolicies())
    Ms.push_back(Mitigation{false, P});
  Ms.push_back(Mitigation{true, Policy{}});
  for (const Mitigation &Mit : Ms) {
    SCOPED_TRACE(Mit.name());
    auto Orig = parse(netText());
    placeWeightsLinearly(*Orig);
    auto G = parse(printGraphToString(*Orig));
    auto R = mitigateWeights(*G, M, Mit, "test.map");
    ASSERT_TRUE(bool(R)) << toString(R.takeError());
    ASSERT_TRUE(ok(verifyGraph(*G)));
    auto Ts = listStoredWeights(*G);
    auto OrigTs = listStoredWeights(*Orig);
    ASSERT_TRUE(Ts && OrigTs);
    ASSERT_EQ(R->Layers.size(), 3u);
    MitigationSummary Sum;
    std::vector<std::vector<int64_t>> Expected;
    for (size_t L = 0; L < Ts->size(); ++L) {
      const StoredTensor &T = (*Ts)[L];
      const WordFormat Fmt = T.format();
      Policy P = R->Layers[L].Chosen;
      if (!Mit.Auto)
        EXPECT_EQ(P, Mit.Fixed);
      EXPECT_EQ(T.Owner->getStringAttr(attr::Mitigation, ""), P.name());
      EXPECT_EQ(T.Owner->getStringAttr(attr::Decoder, ""),
                decoderName(P.Dec).str());
      std::vector<int64_t> W = values((*OrigTs)[L].Data);
      std::vector<int64_t> S = values(T.Data);
      std::vector<WordFaults> F = faultsOfTensor(M, 0, T);
      std::vector<int64_t> Exp;
      unsigned Faulty = 0;
      for (size_t I = 0; I < W.size(); ++I) {
        uint64_t Pat = Fmt.toPattern(S[I]);
        EXPECT_EQ(Pat, P.encode(W[I], F[I], Fmt)) << "word " << I;
        if (P.promisesSilent())
          EXPECT_TRUE(F[I].allSilent(Pat)) << "word " << I;
        Exp.push_back(P.decode(Pat, F[I], Fmt));
        Faulty += (F[I].defective() & Fmt.mask()) != 0;
      }
      EXPECT_GT(Faulty, 0u);
      EXPECT_EQ(R->Layers[L].Summary.FaultyWords, Faulty);
      Sum.add(summarize(P, Fmt, W, F));
      Expected.push_back(Exp);
    }
    EXPECT_EQ(R->Totals.Words, 72u + 16 + 192);
    EXPECT_EQ(R->Totals.FaultyWords, Sum.FaultyWords);
    EXPECT_EQ(R->Totals.Words1NonSilent, Sum.Words1NonSilent);
    EXPECT_EQ(R->Totals.Words2PlusNonSilent, Sum.Words2PlusNonSilent);
    EXPECT_EQ(R->Totals.After, Sum.After);

    // Through the text IR, then injection: the constants become exactly the
    // decoded reads.
    auto G2 = parse(printGraphToString(*G));
    ASSERT_TRUE(ok(applyWeightFaults(*G2, &M, "test.map")));
    EXPECT_FALSE(hasStoredWeightAttrs(*G2));
    EXPECT_TRUE(ok(verifyGraph(*G2)));
    size_t L = 0;
    for (auto &O : G2->getOps())
      if (hasStoredWeight(*O))
        EXPECT_EQ(values(O->getOperand(1)), Expected[L++]);
    EXPECT_EQ(L, 3u);
  }
}

TEST(WeightFaults, NonePolicyIsPlainCorruption) {
  DefectMap M = map(HighRate);
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  auto Ts = listStoredWeights(*G);
  ASSERT_TRUE(bool(Ts));
  std::vector<std::vector<int64_t>> Exp;
  for (const StoredTensor &T : *Ts) {
    std::vector<int64_t> W = values(T.Data);
    auto F = faultsOfTensor(M, 0, T);
    for (size_t I = 0; I < W.size(); ++I)
      W[I] = T.format().toValue(F[I].read(T.format().toPattern(W[I])));
    Exp.push_back(W);
  }
  // Mitigated with none, then injected == injected into the plain graph.
  auto G2 = parse(printGraphToString(*G));
  ASSERT_TRUE(bool(mitigateWeights(*G2, M, Mitigation{}, "m")));
  ASSERT_TRUE(ok(applyWeightFaults(*G2, &M, "m")));
  ASSERT_TRUE(ok(applyWeightFaults(*G, &M, "m")));
  size_t L = 0;
  for (auto &O : G->getOps())
    if (hasStoredWeight(*O))
      EXPECT_EQ(values(O->getOperand(1)), Exp[L++]);
  L = 0;
  for (auto &O : G2->getOps())
    if (hasStoredWeight(*O))
      EXPECT_EQ(values(O->getOperand(1)), Exp[L++]);
  // The attributes are gone: a second application changes nothing.
  ASSERT_TRUE(ok(applyWeightFaults(*G, &M, "m")));
  L = 0;
  for (auto &O : G->getOps())
    if (hasStoredWeight(*O))
      EXPECT_EQ(values(O->getOperand(1)), Exp[L++]);
}

TEST(WeightFaults, SignBitRecordsTheSubstitutedBits) {
  DefectMap M = map(HighRate);
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  auto R = mitigateWeights(*G, M, *parseMitigation("sign-bit"), "m");
  ASSERT_TRUE(bool(R));
  auto Ts = listStoredWeights(*G);
  ASSERT_TRUE(bool(Ts));
  for (const StoredTensor &T : *Ts) {
    auto F = faultsOfTensor(M, 0, T);
    std::vector<int64_t> Want;
    for (size_t I = 0; I < F.size(); ++I)
      if (uint64_t K = F[I].defective() & (T.format().mask() >> 1)) {
        Want.push_back(int64_t(I));
        Want.push_back(int64_t(K));
      }
    EXPECT_EQ(T.Owner->getIntsAttr(attr::DecoderMasks), Want);
  }
}

TEST(WeightFaults, CampaignSnapshotAppliesManyMaps) {
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  ASSERT_TRUE(
      bool(mitigateWeights(*G, map(HighRate), *parseMitigation("lsb"), "m")));
  auto SW = StoredWeights::capture(*G);
  ASSERT_TRUE(bool(SW)) << toString(SW.takeError());
  // Fault-free: the LSB decoder alone. Its words make every defect silent,
  // so the fault-free chip computes what the faulty one does.
  ASSERT_TRUE(ok(SW->apply(nullptr)));
  std::vector<int64_t> Clean = values(SW->tensors()[2].Data);
  DefectMap Same = map(HighRate);
  ASSERT_TRUE(ok(SW->apply(&Same)));
  EXPECT_EQ(values(SW->tensors()[2].Data), Clean);
  // Another map: starts from the stored words again, not from the last
  // result.
  DefectMap Other = map("memory wmem words=1024 width=8\n"
                        "random wmem rate=20% sa1-share=0.5 seed=8\n");
  ASSERT_TRUE(ok(SW->apply(&Other)));
  std::vector<int64_t> Got = values(SW->tensors()[2].Data);
  EXPECT_EQ(Got, SW->computedValues(2, &Other, 0));
  EXPECT_NE(Got, Clean);
  ASSERT_TRUE(ok(SW->apply(&Same)));
  EXPECT_EQ(values(SW->tensors()[2].Data), Clean);
}

TEST(WeightFaults, InterpreterComputesWithTheInjectedWeights) {
  DefectMap M = map(HighRate);
  auto G = parse(netText());
  placeWeightsLinearly(*G);
  ASSERT_TRUE(bool(mitigateWeights(*G, M, *parseMitigation("c1"), "m")));
  auto Direct = parse(printGraphToString(*G));
  // Direct: set each constant by hand to decode(read(stored)).
  auto SW = StoredWeights::capture(*Direct);
  ASSERT_TRUE(bool(SW));
  std::vector<std::vector<int64_t>> Dec;
  for (size_t I = 0; I < SW->tensors().size(); ++I)
    Dec.push_back(SW->computedValues(I, &M, 0));
  for (size_t I = 0; I < SW->tensors().size(); ++I) {
    Tensor T = SW->tensors()[I].Data->getConstantData();
    for (int64_t E = 0; E < T.getNumElements(); ++E) {
      if (T.getElementType() == ElementType::I16)
        T.mutableData<int16_t>()[E] = int16_t(Dec[I][E]);
      else
        T.mutableData<int8_t>()[E] = int8_t(Dec[I][E]);
    }
    SW->tensors()[I].Data->setConstantData(T);
  }
  removeStoredWeightAttrs(*Direct);
  ASSERT_TRUE(ok(applyWeightFaults(*G, &M, "m")));

  Tensor X(TensorType(ElementType::F32, {2, 2, 4, 4}));
  auto XD = X.mutableData<float>();
  for (size_t I = 0; I < XD.size(); ++I)
    XD[I] = float(int(I * 37 % 41) - 20) * 0.05f;
  auto IA = Interpreter::create(*G);
  auto IB = Interpreter::create(*Direct);
  ASSERT_TRUE(IA && IB);
  auto A = (*IA)->run({X});
  auto B = (*IB)->run({X});
  ASSERT_TRUE(A && B);
  EXPECT_EQ((*A)[0], (*B)[0]);

  // Not a vacuous comparison: the outputs vary, and plain corruption by a
  // denser map changes them.
  auto Clean = parse(netText());
  auto Hit = parse(netText());
  DefectMap Dense = map("memory wmem words=1024 width=8\n"
                        "random wmem rate=20% sa1-share=0.8 seed=5\n");
  placeWeightsLinearly(*Hit);
  ASSERT_TRUE(ok(applyWeightFaults(*Hit, &Dense, "dense.map")));
  auto IC = Interpreter::create(*Clean);
  auto IH = Interpreter::create(*Hit);
  ASSERT_TRUE(IC && IH);
  auto C = (*IC)->run({X});
  auto H = (*IH)->run({X});
  ASSERT_TRUE(C && H);
  auto CD = (*C)[0].data<float>();
  EXPECT_NE(*std::min_element(CD.begin(), CD.end()),
            *std::max_element(CD.begin(), CD.end()));
  EXPECT_NE((*C)[0], (*H)[0]);
}

} // namespace
