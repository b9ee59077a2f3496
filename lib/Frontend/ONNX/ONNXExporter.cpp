//===- ONNXExporter.cpp - IR -> ONNX model --------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Frontend/ONNX/ONNXExporter.h"
#include "onncf/Frontend/ONNX/ONNXTensor.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"
#include <onnx/onnx_pb.h>

using namespace llvm;

namespace onncf {

namespace {

constexpr int64_t kExportOpset = 13;

Error setType(onnx::ValueInfoProto &VI, const Value &V) {
  VI.set_name(V.getName());
  const TensorType &T = V.getType();
  if (T.getQuant())
    return makeError("value '" + V.getName() + "' has a quantized type " +
                     T.str() + ", which ONNX cannot express");
  auto *TT = VI.mutable_type()->mutable_tensor_type();
  TT->set_elem_type(*onnxDataTypeOf(T.getElementType()));
  auto *Shape = TT->mutable_shape();
  for (int64_t D : T.getShape()) {
    auto *Dim = Shape->add_dim();
    if (D != kDynamicDim)
      Dim->set_dim_value(D);
  }
  return Error::success();
}

void setAttribute(onnx::AttributeProto &P, StringRef Name, const Attribute &A) {
  using AP = onnx::AttributeProto;
  P.set_name(Name.str());
  switch (A.getKind()) {
  case AttrKind::Int:
    P.set_type(AP::INT);
    P.set_i(A.getInt());
    break;
  case AttrKind::Float:
    P.set_type(AP::FLOAT);
    P.set_f(A.getFloat());
    break;
  case AttrKind::String:
    P.set_type(AP::STRING);
    P.set_s(A.getString());
    break;
  case AttrKind::Ints:
    P.set_type(AP::INTS);
    for (int64_t V : A.getInts())
      P.add_ints(V);
    break;
  case AttrKind::Floats:
    P.set_type(AP::FLOATS);
    for (float V : A.getFloats())
      P.add_floats(V);
    break;
  case AttrKind::Strings:
    P.set_type(AP::STRINGS);
    for (const std::string &V : A.getStrings())
      P.add_strings(V);
    break;
  case AttrKind::Tensor:
    P.set_type(AP::TENSOR);
    tensorToProto(A.getTensor(), "", *P.mutable_t());
    break;
  }
}

bool isReduceWithAxesAttr(StringRef OpType, int64_t Opset) {
  return OpType.startswith("Reduce") && OpType != "ReduceSum" && Opset < 18;
}

Error exportOp(const Op &O, int64_t Opset, onnx::GraphProto &GP) {
  StringRef Kind = O.getKind();
  if (!Kind.startswith("onnx."))
    return makeError(O.getDescription() +
                     ": only onnx.* ops can be exported to ONNX");
  StringRef OpType = Kind.drop_front(5);
  if (O.hasAttr("legacy_2d") && O.getIntAttr("legacy_2d", 0))
    return makeError(O.getDescription() +
                     ": the opset < 13 2-D Softmax form cannot be exported");
  onnx::NodeProto &N = *GP.add_node();
  N.set_op_type(OpType.str());
  if (!O.getName().empty())
    N.set_name(O.getName());
  unsigned NumOperands = O.getNumOperands();
  bool AxesToAttr = isReduceWithAxesAttr(OpType, Opset) && NumOperands > 1;
  if (AxesToAttr) {
    Value *Axes = O.getOperand(1);
    if (Axes && !Axes->isConstant())
      return makeError(O.getDescription() +
                       ": reduction axes must be "
                       "constant to export at opset " +
                       Twine(Opset));
    if (Axes) {
      onnx::AttributeProto &A = *N.add_attribute();
      A.set_name("axes");
      A.set_type(onnx::AttributeProto::INTS);
      const Tensor &T = Axes->getConstantData();
      for (int64_t I = 0; I < T.getNumElements(); ++I)
        A.add_ints(T.getAsInt(I));
    }
    NumOperands = 1;
  }
  for (unsigned I = 0; I < NumOperands; ++I) {
    Value *V = O.getOperand(I);
    N.add_input(V ? V->getName() : "");
  }
  for (Value *R : O.getResults())
    N.add_output(R->getName());
  for (const auto &KV : O.getAttrs())
    setAttribute(*N.add_attribute(), KV.first, KV.second);
  return Error::success();
}

} // namespace

Error exportONNX(const Graph &G, raw_ostream &OS) {
  onnx::ModelProto M;
  M.set_ir_version(8);
  M.set_producer_name("onnc-fault");
  int64_t Opset = kExportOpset;
  auto It = G.getMetadata().find("opset");
  if (It != G.getMetadata().end() && It->second.is(AttrKind::Int))
    Opset = std::max(Opset, It->second.getInt());
  auto *OI = M.add_opset_import();
  OI->set_domain("");
  OI->set_version(Opset);

  onnx::GraphProto &GP = *M.mutable_graph();
  GP.set_name(G.getName());
  for (Value *V : G.getInputs())
    if (Error E = setType(*GP.add_input(), *V))
      return E;
  StringSet<> OutputNames;
  for (Value *V : G.getOutputs()) {
    OutputNames.insert(V->getName());
    if (Error E = setType(*GP.add_output(), *V))
      return E;
  }
  for (const auto &O : G.getOps()) {
    if (Error E = exportOp(*O, Opset, GP))
      return E;
    for (Value *R : O->getResults())
      if (!OutputNames.count(R->getName()))
        if (Error E = setType(*GP.add_value_info(), *R))
          return E;
  }
  // Only constants a node or the graph still reads: operands folded back
  // into attributes (Reduce* axes) would otherwise linger as initializers.
  StringSet<> Used = OutputNames;
  for (const auto &N : GP.node())
    for (const auto &In : N.input())
      Used.insert(In);
  for (Value *C : G.getConstants()) {
    if (!Used.count(C->getName()))
      continue;
    if (C->getType().getQuant())
      return makeError("constant '" + C->getName() +
                       "' has a quantized type, which ONNX cannot express");
    tensorToProto(C->getConstantData(), C->getName(), *GP.add_initializer());
  }
  std::string Bytes;
  if (!M.SerializeToString(&Bytes))
    return makeError("cannot serialize the ONNX model (larger than 2 GiB?)");
  OS << Bytes;
  return Error::success();
}

Error exportONNXFile(const Graph &G, StringRef Path) {
  return writeFileAtomically(Path, [&](raw_ostream &OS) -> Error {
    return addFileContext(exportONNX(G, OS), Path);
  });
}

} // namespace onncf
