//===- PoolOps.cpp - Pooling and local response normalization ------------===//
//
// Part of onnc-fault. MaxPool, AveragePool, LpPool, their Global* forms and
// LRN. Window geometry comes from Geometry.cpp (shared with the kernels).
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"

using namespace llvm;

namespace onncf {
namespace onnxops {

static Expected<TypeList> inferPool(const Op &O, const InferenceInputs &In) {
  const TensorType &X = In.Types[0];
  auto G = computePoolGeometry(O, X.getShape());
  if (!G)
    return G.takeError();
  Shape Out{X.getDim(0), X.getDim(1)};
  Out.append(G->Output.begin(), G->Output.end());
  TypeList R;
  // Max pooling only selects values, so quantization carries over.
  bool IsMax = O.getKind() == "onnx.MaxPool";
  R.push_back(IsMax ? X.withShape(Out) : plain(X.getElementType(), Out));
  if (O.getNumResults() > 1)
    R.push_back(plain(ElementType::I64, Out));
  return R;
}

static Expected<TypeList> inferGlobalPool(const Op &O,
                                          const InferenceInputs &In) {
  if (Error E = checkMinRank(O, In, 0, 3))
    return std::move(E);
  const TensorType &X = In.Types[0];
  Shape Out(X.getShape().begin(), X.getShape().end());
  for (unsigned I = 2; I < Out.size(); ++I)
    Out[I] = 1;
  bool IsMax = O.getKind() == "onnx.GlobalMaxPool";
  return one(IsMax ? X.withShape(Out) : plain(X.getElementType(), Out));
}

static Error verifyPool(const Op &O) {
  if (Error E = verifyWindowAttrs(O))
    return E;
  if (Error E = checkIntAttrRange(O, "ceil_mode", 0, 1))
    return E;
  if (Error E = checkIntAttrRange(O, "count_include_pad", 0, 1))
    return E;
  if (Error E = checkIntAttrRange(O, "storage_order", 0, 1))
    return E;
  return checkIntAttrRange(O, "p", 1, INT64_MAX);
}

static OpDef poolDef(const char *Name, std::vector<AttrSpec> Extra) {
  OpDef D;
  D.Name = Name;
  D.MinOperands = D.MaxOperands = 1;
  D.Attrs = {
      {"auto_pad", AttrKind::String}, {"ceil_mode", AttrKind::Int},
      {"dilations", AttrKind::Ints},  {"kernel_shape", AttrKind::Ints, true},
      {"pads", AttrKind::Ints},       {"strides", AttrKind::Ints}};
  D.Attrs.insert(D.Attrs.end(), Extra.begin(), Extra.end());
  D.Verify = verifyPool;
  D.InferTypes = inferPool;
  return D;
}

static Expected<TypeList> inferSameShape(const Op &O,
                                         const InferenceInputs &In) {
  return one(plain(In.Types[0].getElementType(), In.Types[0].getShape()));
}

void registerPoolOps(OpRegistry &R) {
  OpDef Max = poolDef("onnx.MaxPool", {{"storage_order", AttrKind::Int}});
  Max.MaxResults = 2;
  addOp(R, std::move(Max));
  addOp(R, poolDef("onnx.AveragePool", {{"count_include_pad", AttrKind::Int}}));
  addOp(R, poolDef("onnx.LpPool", {{"p", AttrKind::Int}}));

  for (const char *Name :
       {"onnx.GlobalAveragePool", "onnx.GlobalMaxPool", "onnx.GlobalLpPool"}) {
    OpDef D;
    D.Name = Name;
    D.MinOperands = D.MaxOperands = 1;
    if (StringRef(Name) == "onnx.GlobalLpPool")
      D.Attrs = {{"p", AttrKind::Int}};
    D.Verify = [](const Op &O) {
      return checkIntAttrRange(O, "p", 1, INT64_MAX);
    };
    D.InferTypes = inferGlobalPool;
    addOp(R, std::move(D));
  }

  OpDef LRN;
  LRN.Name = "onnx.LRN";
  LRN.MinOperands = LRN.MaxOperands = 1;
  LRN.Attrs = {{"alpha", AttrKind::Float},
               {"beta", AttrKind::Float},
               {"bias", AttrKind::Float},
               {"size", AttrKind::Int, true}};
  LRN.Verify = [](const Op &O) {
    return checkIntAttrRange(O, "size", 1, INT64_MAX);
  };
  LRN.InferTypes = [](const Op &O,
                      const InferenceInputs &In) -> Expected<TypeList> {
    if (Error E = checkMinRank(O, In, 0, 2))
      return std::move(E);
    return inferSameShape(O, In);
  };
  addOp(R, std::move(LRN));
}

} // namespace onnxops
} // namespace onncf
