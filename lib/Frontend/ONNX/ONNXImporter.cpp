//===- ONNXImporter.cpp - ONNX model -> IR --------------------------------===//
//
// Part of onnc-fault. The import runs in stages, each of which can only
// fail with an error naming the file (and node): parse the protobuf,
// check the model header and opset, let ONNX infer the types the model does
// not declare, then create constants, inputs and ops in topological order,
// giving every result the type the IR infers merged with what the model
// declares, and finally verify the graph.
//
//===----------------------------------------------------------------------===//
#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "ImporterInternal.h"
#include "ProtoParse.h"
#include "onncf/Frontend/ONNX/ONNXTensor.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"
#include <exception>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <queue>

using namespace llvm;

namespace onncf {

//===----------------------------------------------------------------------===//
// NodeImport
//===----------------------------------------------------------------------===//

Error NodeImport::error(const Twine &Msg) const {
  return makeError(Where + ": " + Msg);
}

std::string NodeImport::nameHint(StringRef Suffix) const {
  std::string Base = Node.name();
  if (Base.empty() && Node.output_size() > 0)
    Base = Node.output(0);
  if (Base.empty())
    Base = Node.op_type();
  return Base + "_" + Suffix.str();
}

void NodeImport::setOperand(unsigned I, Value *V) {
  if (Operands.size() <= I)
    Operands.resize(I + 1, nullptr);
  Operands[I] = V;
}

std::optional<Attribute> NodeImport::takeAttr(StringRef Name) {
  auto It = Attrs.find(Name);
  if (It == Attrs.end())
    return std::nullopt;
  Attribute A = std::move(It->second);
  Attrs.erase(It);
  return A;
}

namespace {

std::string describeNode(const onnx::NodeProto &N, int64_t Opset) {
  std::string Who = !N.name().empty() ? "node '" + N.name() + "'"
                    : N.output_size() > 0 && !N.output(0).empty()
                        ? "node producing '" + N.output(0) + "'"
                        : std::string("unnamed node");
  std::string Op = N.op_type();
  if (!N.domain().empty() && N.domain() != "ai.onnx")
    Op = N.domain() + "." + Op;
  return Who + " (op '" + Op + "', opset " + std::to_string(Opset) + ")";
}

/// Strips the "onnx.X 'name': " prefix the IR puts on inference errors;
/// our own prefix already names the node.
std::string stripOpPrefix(std::string Msg, const Op &O) {
  std::string Prefix = O.getDescription() + ": ";
  while (StringRef(Msg).startswith(Prefix))
    Msg = Msg.substr(Prefix.size());
  return Msg;
}

/// Keeps the static dims of both types (they have been checked compatible).
TensorType mergeTypes(const TensorType &Inferred, const TensorType &Declared) {
  if (Inferred.getRank() != Declared.getRank())
    return Inferred;
  SmallVector<int64_t, 4> Dims(Inferred.getShape().begin(),
                               Inferred.getShape().end());
  for (unsigned I = 0; I < Dims.size(); ++I)
    if (Dims[I] == kDynamicDim)
      Dims[I] = Declared.getDim(I);
  return Inferred.withShape(Dims);
}

class ONNXImporter {
public:
  ONNXImporter(onnx::ModelProto &Model, StringRef Name, StringRef BaseDir,
               const ImportOptions &Opts)
      : Model(Model), Name(Name), Ext(BaseDir), Opts(Opts) {}

  Expected<std::unique_ptr<Graph>> run();

private:
  Error fail(const Twine &Msg) { return makeError(Name + ": " + Msg); }
  Error checkHeader();
  Error acceptOlderOpset();
  void fixBatchSize();
  Error runONNXShapeInference();
  void collectDeclaredTypes();
  Expected<std::optional<TensorType>> typeFromProto(const onnx::TypeProto &T,
                                                    const Twine &What);
  Error importInitializers();
  Error importInputs();
  Expected<std::vector<int>> topologicalOrder();
  Error importNode(const onnx::NodeProto &N);
  Error importConstantNode(NodeImport &NI);
  Error convertAttributes(NodeImport &NI);
  Error checkOp(NodeImport &NI, const Op &O);
  Error setResultTypes(NodeImport &NI, Op &O);
  Error importOutputs();

  onnx::ModelProto &Model;
  std::string Name;
  ExternalDataFiles Ext;
  const ImportOptions &Opts;
  int64_t Opset = 0;
  std::unique_ptr<Graph> G;
  /// Types the model declares (value_info, inputs, outputs), including
  /// those ONNX's shape inference added.
  StringMap<TensorType> Declared;
};

Error ONNXImporter::checkHeader() {
  if (Model.ir_version() <= 0)
    return fail("not a valid ONNX model (no ir_version)");
  if (!Model.has_graph())
    return fail("not a valid ONNX model (no graph)");
  bool Found = false;
  for (const auto &OS : Model.opset_import()) {
    if (OS.domain().empty() || OS.domain() == "ai.onnx") {
      Opset = OS.version();
      Found = true;
    }
  }
  if (!Found)
    return fail("model imports no opset of the default ONNX domain");
  if (Opset > kMaxONNXOpset || Opset < 1)
    return fail("unsupported opset " + Twine(Opset) +
                " of the default ONNX domain (supported: " +
                Twine(kMinONNXOpset) + " to " + Twine(kMaxONNXOpset) + ")");
  if (Opset < kMinONNXOpset)
    return acceptOlderOpset();
  return Error::success();
}

/// A model of an opset older than 7 is read as opset 7 when every operator
/// it uses has the same definition in both (ONNX's schema for the op at
/// opset 7 was introduced at or before the model's opset). Many operators
/// last changed before opset 7 (Elu, HardSigmoid, InstanceNormalization,
/// GlobalAveragePool, ...), so such models are common; one that uses an
/// operator redefined at 7 (e.g. Add's legacy `broadcast` attribute) is
/// rejected with the operator named.
Error ONNXImporter::acceptOlderOpset() {
  for (const auto &N : Model.graph().node()) {
    if (!N.domain().empty() && N.domain() != "ai.onnx")
      continue; // Reported as an unsupported domain by importNode.
    const onnx::OpSchema *At7 = onnx::OpSchemaRegistry::Schema(
        N.op_type(), kMinONNXOpset, "");
    if (!At7 || At7->since_version() > Opset)
      return fail("unsupported opset " + Twine(Opset) +
                  " of the default ONNX domain: operator '" + N.op_type() +
                  "' was redefined in a later opset (supported: " +
                  Twine(kMinONNXOpset) + " to " + Twine(kMaxONNXOpset) +
                  ", and older models whose operators did not change)");
  }
  Opset = kMinONNXOpset;
  return Error::success();
}

/// Applies ImportOptions::BatchSize to the model's own input declarations,
/// so that ONNX's shape inference (with data propagation) already sees the
/// fixed batch and can resolve Shape -> Reshape chains statically.
void ONNXImporter::fixBatchSize() {
  if (Opts.BatchSize <= 0)
    return;
  StringSet<> Inits;
  for (const auto &T : Model.graph().initializer())
    Inits.insert(T.name());
  for (auto &VI : *Model.mutable_graph()->mutable_input()) {
    if (Inits.count(VI.name()) || !VI.type().has_tensor_type() ||
        !VI.type().tensor_type().has_shape())
      continue;
    auto *Shape = VI.mutable_type()->mutable_tensor_type()->mutable_shape();
    if (Shape->dim_size() == 0 || Shape->dim(0).has_dim_value())
      continue;
    Shape->mutable_dim(0)->set_dim_value(Opts.BatchSize);
  }
}

Error ONNXImporter::runONNXShapeInference() {
  // Only needed when some node output has no declared type.
  StringSet<> Typed;
  const onnx::GraphProto &GP = Model.graph();
  for (const auto &VI : GP.value_info())
    Typed.insert(VI.name());
  for (const auto &VI : GP.output())
    Typed.insert(VI.name());
  bool Missing = false;
  for (const auto &N : GP.node())
    for (const auto &Out : N.output())
      if (!Out.empty() && !Typed.count(Out) && N.op_type() != "Constant")
        Missing = true;
  if (!Missing || !Opts.RunONNXShapeInference)
    return Error::success();
  try {
    onnx::ShapeInferenceOptions SIOpts(/*check_type=*/false,
                                       /*strict_mode=*/0,
                                       /*data_prop=*/true);
    onnx::shape_inference::InferShapes(
        Model, onnx::OpSchemaRegistry::Instance(), SIOpts);
  } catch (const std::exception &E) {
    return fail("ONNX shape inference failed: " + Twine(E.what()));
  } catch (...) {
    return fail("ONNX shape inference failed");
  }
  return Error::success();
}

Expected<std::optional<TensorType>>
ONNXImporter::typeFromProto(const onnx::TypeProto &T, const Twine &What) {
  if (!T.has_tensor_type())
    return std::nullopt;
  const auto &TT = T.tensor_type();
  if (TT.elem_type() == onnx::TensorProto_DataType_UNDEFINED)
    return std::nullopt;
  std::optional<ElementType> Elt = elementTypeFromONNX(TT.elem_type());
  if (!Elt)
    return fail(What + " has unsupported element type " +
                getONNXDataTypeName(TT.elem_type()));
  if (!TT.has_shape())
    return std::nullopt; // unknown rank
  SmallVector<int64_t, 4> Dims;
  for (const auto &D : TT.shape().dim()) {
    if (D.has_dim_value() && D.dim_value() >= 0)
      Dims.push_back(D.dim_value());
    else
      Dims.push_back(kDynamicDim); // dim_param or unknown
  }
  return TensorType(*Elt, Dims);
}

void ONNXImporter::collectDeclaredTypes() {
  const onnx::GraphProto &GP = Model.graph();
  auto Add = [&](const onnx::ValueInfoProto &VI) {
    auto T = typeFromProto(VI.type(), "'" + VI.name() + "'");
    if (!T) {
      // Reported where the value is used (an input, a node output).
      consumeError(T.takeError());
      return;
    }
    if (*T)
      Declared[VI.name()] = **T;
  };
  for (const auto &VI : GP.value_info())
    Add(VI);
  for (const auto &VI : GP.output())
    Add(VI);
}

Error ONNXImporter::importInitializers() {
  const onnx::GraphProto &GP = Model.graph();
  if (GP.sparse_initializer_size() > 0)
    return fail("sparse initializer '" +
                GP.sparse_initializer(0).values().name() +
                "' is not supported");
  for (int I = 0; I < GP.initializer_size(); ++I) {
    // Mutable so each raw_data buffer can be freed once copied, which keeps
    // the peak memory of large models near one copy of the weights.
    onnx::TensorProto &P = *Model.mutable_graph()->mutable_initializer(I);
    if (P.name().empty())
      return fail("initializer #" + Twine(I) + " has no name");
    auto T =
        tensorFromProto(P, Name + ": initializer '" + P.name() + "'", &Ext);
    if (!T)
      return T.takeError();
    P.clear_raw_data();
    if (Error E = G->addConstant(P.name(), std::move(*T)).takeError())
      return fail("initializer '" + P.name() + "': " + toString(std::move(E)));
  }
  return Error::success();
}

Error ONNXImporter::importInputs() {
  for (const auto &VI : Model.graph().input()) {
    // Inputs that are also initializers are constants (ONNX < IR v4 lists
    // every weight as an input).
    if (G->lookup(VI.name()))
      continue;
    std::string What = "graph input '" + VI.name() + "'";
    auto T = typeFromProto(VI.type(), What);
    if (!T)
      return T.takeError();
    if (!*T)
      return fail(What + (VI.type().has_tensor_type()
                              ? " has no shape (unknown rank)"
                              : " is not a tensor (sequence, map and "
                                "optional types are not supported)"));
    TensorType Ty = **T;
    if (Opts.BatchSize > 0 && Ty.getRank() > 0 && Ty.isDynamicDim(0)) {
      SmallVector<int64_t, 4> Dims(Ty.getShape().begin(), Ty.getShape().end());
      Dims[0] = Opts.BatchSize;
      Ty = Ty.withShape(Dims);
    }
    if (Error E = G->addInput(VI.name(), Ty).takeError())
      return fail(What + ": " + toString(std::move(E)));
  }
  return Error::success();
}

/// Kahn's algorithm, taking ready nodes in file order so an already sorted
/// model keeps its order.
Expected<std::vector<int>> ONNXImporter::topologicalOrder() {
  const onnx::GraphProto &GP = Model.graph();
  int NumNodes = GP.node_size();
  StringMap<int> Producer;
  for (int I = 0; I < NumNodes; ++I)
    for (const auto &Out : GP.node(I).output())
      if (!Out.empty())
        Producer.try_emplace(Out, I);
  std::vector<unsigned> Pending(NumNodes, 0);
  std::vector<SmallVector<int, 2>> Users(NumNodes);
  for (int I = 0; I < NumNodes; ++I) {
    const onnx::NodeProto &N = GP.node(I);
    for (const auto &In : N.input()) {
      if (In.empty() || G->lookup(In))
        continue;
      auto It = Producer.find(In);
      if (It == Producer.end())
        return fail(describeNode(N, Opset) + ": input '" + In +
                    "' is not defined (no graph input, initializer or node "
                    "output has this name)");
      ++Pending[I];
      Users[It->second].push_back(I);
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> Ready;
  for (int I = 0; I < NumNodes; ++I)
    if (!Pending[I])
      Ready.push(I);
  std::vector<int> Order;
  while (!Ready.empty()) {
    int I = Ready.top();
    Ready.pop();
    Order.push_back(I);
    for (int U : Users[I])
      if (--Pending[U] == 0)
        Ready.push(U);
  }
  if ((int)Order.size() != NumNodes)
    for (int I = 0; I < NumNodes; ++I)
      if (Pending[I])
        return fail(describeNode(GP.node(I), Opset) +
                    ": the graph has a cycle through this node");
  return Order;
}

Error ONNXImporter::convertAttributes(NodeImport &NI) {
  for (const auto &A : NI.Node.attribute()) {
    using AP = onnx::AttributeProto;
    int Ty = A.type();
    if (!A.ref_attr_name().empty())
      return NI.error("attribute '" + A.name() +
                      "' refers to a function attribute (unsupported)");
    if (Ty == AP::UNDEFINED) {
      // Very old exporters leave the type out; infer it from the field set.
      Ty = A.has_f()              ? AP::FLOAT
           : A.has_i()            ? AP::INT
           : A.has_s()            ? AP::STRING
           : A.has_t()            ? AP::TENSOR
           : A.floats_size() > 0  ? AP::FLOATS
           : A.ints_size() > 0    ? AP::INTS
           : A.strings_size() > 0 ? AP::STRINGS
                                  : AP::UNDEFINED;
    }
    Attribute Attr;
    switch (Ty) {
    case AP::FLOAT:
      Attr = Attribute(A.f());
      break;
    case AP::INT:
      Attr = Attribute(int64_t(A.i()));
      break;
    case AP::STRING:
      Attr = Attribute(std::string(A.s()));
      break;
    case AP::FLOATS:
      Attr =
          Attribute(std::vector<float>(A.floats().begin(), A.floats().end()));
      break;
    case AP::INTS:
      Attr = Attribute(std::vector<int64_t>(A.ints().begin(), A.ints().end()));
      break;
    case AP::STRINGS:
      Attr = Attribute(
          std::vector<std::string>(A.strings().begin(), A.strings().end()));
      break;
    case AP::TENSOR: {
      auto T = tensorFromProto(
          A.t(), Name + ": " + NI.Where + ": attribute '" + A.name() + "'",
          &Ext);
      if (!T)
        return T.takeError();
      Attr = Attribute(std::move(*T));
      break;
    }
    default:
      return NI.error(
          "attribute '" + A.name() + "' of type " +
          AP::AttributeType_Name(static_cast<AP::AttributeType>(A.type())) +
          " is not supported");
    }
    NI.Attrs[A.name()] = std::move(Attr);
  }
  return Error::success();
}

Error ONNXImporter::importConstantNode(NodeImport &NI) {
  if (NI.Node.output_size() != 1 || NI.Node.output(0).empty())
    return NI.error("a Constant node must have exactly one output");
  if (NI.Attrs.size() != 1)
    return NI.error("a Constant node must have exactly one value attribute");
  const auto &[AName, A] = *NI.Attrs.begin();
  Tensor T;
  if (AName == "value" && A.is(AttrKind::Tensor))
    T = A.getTensor();
  else if (AName == "value_float" && A.is(AttrKind::Float))
    T = Tensor::fromVector<float>({}, {A.getFloat()});
  else if (AName == "value_floats" && A.is(AttrKind::Floats))
    T = Tensor::fromVector<float>({(int64_t)A.getFloats().size()},
                                  A.getFloats());
  else if (AName == "value_int" && A.is(AttrKind::Int))
    T = Tensor::fromVector<int64_t>({}, {A.getInt()});
  else if (AName == "value_ints" && A.is(AttrKind::Ints))
    T = Tensor::fromVector<int64_t>({(int64_t)A.getInts().size()}, A.getInts());
  else
    return NI.error("unsupported attribute '" + AName + "'");
  if (Error E = G->addConstant(NI.Node.output(0), std::move(T)).takeError())
    return NI.error(toString(std::move(E)));
  return Error::success();
}

/// The op-level checks of verifyGraph, run per node so that a bad node is
/// reported in the importer's terms (file, node name, op type, opset).
Error ONNXImporter::checkOp(NodeImport &NI, const Op &O) {
  const OpDef &Def = O.getDef();
  for (const auto &KV : O.getAttrs()) {
    const AttrSpec *Spec = Def.findAttr(KV.first);
    if (Spec && !KV.second.is(Spec->Kind))
      return NI.error("attribute '" + KV.first + "' must be " +
                      getAttrKindName(Spec->Kind) + ", got " +
                      getAttrKindName(KV.second.getKind()));
  }
  for (const AttrSpec &Spec : Def.Attrs)
    if (Spec.Required && !O.hasAttr(Spec.Name))
      return NI.error("missing required attribute '" + Twine(Spec.Name) + "'");
  if (Def.Verify)
    if (Error E = Def.Verify(O))
      return NI.error(stripOpPrefix(toString(std::move(E)), O));
  return Error::success();
}

Error ONNXImporter::setResultTypes(NodeImport &NI, Op &O) {
  auto Inferred = inferOpTypes(O);
  if (!Inferred) {
    Error E = Inferred.takeError();
    bool Incomplete = E.isA<IncompleteInferenceError>();
    std::string Msg = stripOpPrefix(toString(std::move(E)), O);
    // The result types depend on data only known at run time (e.g. a
    // computed Reshape shape): the model's declarations (value_info, ONNX
    // shape inference) supply them; without one the type is unknown.
    if (!Incomplete)
      return NI.error(Msg);
    for (Value *R : O.getResults()) {
      auto It = Declared.find(R->getName());
      if (It == Declared.end())
        return NI.error(Msg + " (and output '" + R->getName() +
                        "' has no declared type)");
      R->setType(It->second);
    }
    return Error::success();
  }
  bool HasInference = bool(O.getDef().InferTypes);
  for (unsigned I = 0; I < O.getNumResults(); ++I) {
    Value *R = O.getResult(I);
    auto It = Declared.find(R->getName());
    bool HasDecl = It != Declared.end();
    if (!HasInference) {
      if (!HasDecl)
        return NI.error("the type of output '" + R->getName() +
                        "' is unknown (no declaration, no inference)");
      continue; // created with the declared type
    }
    TensorType T = (*Inferred)[I];
    if (HasDecl) {
      if (!isCompatible(T, It->second) || T.getRank() != It->second.getRank())
        return NI.error("output '" + R->getName() + "' is declared " +
                        It->second.str() + " but the inputs give " + T.str());
      T = mergeTypes(T, It->second);
    }
    R->setType(T);
  }
  return Error::success();
}

Error ONNXImporter::importNode(const onnx::NodeProto &N) {
  NodeImport NI(N, *G, Opset);
  NI.Where = describeNode(N, Opset);
  auto Err = [&](Error E) { return addFileContext(std::move(E), Name); };

  if (!N.domain().empty() && N.domain() != "ai.onnx")
    return Err(NI.error("unsupported operator (domain '" + N.domain() + "')"));
  NI.Kind = "onnx." + N.op_type();
  const OpDef *Def = OpRegistry::get().lookup(NI.Kind);
  if (!Def)
    return Err(NI.error("unsupported operator"));
  if (Error E = convertAttributes(NI))
    return Err(std::move(E));
  if (N.op_type() == "Constant")
    return Err(importConstantNode(NI));
  for (const auto &In : N.input()) {
    Value *V = nullptr;
    if (!In.empty() && !(V = G->lookup(In)))
      return Err(NI.error("input '" + In + "' is not defined"));
    NI.Operands.push_back(V);
  }
  if (Error E = canonicalizeLegacyForms(NI))
    return Err(std::move(E));
  for (const auto &KV : NI.Attrs)
    if (!Def->findAttr(KV.first))
      return Err(NI.error("unsupported attribute '" + KV.first + "'"));
  // Trailing absent optional operands are simply left out.
  while (!NI.Operands.empty() && !NI.Operands.back())
    NI.Operands.pop_back();

  // Trailing unnamed outputs are unused optional results; a middle one gets
  // a generated name.
  int NumOut = N.output_size();
  while (NumOut > 0 && N.output(NumOut - 1).empty())
    --NumOut;
  SmallVector<std::string, 2> Names;
  SmallVector<TensorType, 2> Types;
  for (int I = 0; I < NumOut; ++I) {
    std::string OutName = N.output(I);
    if (OutName.empty())
      OutName = G->getUniqueName(NI.nameHint("out" + std::to_string(I)));
    auto It = Declared.find(OutName);
    Types.push_back(It != Declared.end() ? It->second : TensorType());
    Names.push_back(std::move(OutName));
  }
  auto O = G->createOp(NI.Kind, NI.Operands, Types, std::move(NI.Attrs), Names);
  if (!O)
    return Err(NI.error(toString(O.takeError())));
  (*O)->setName(N.name());
  if (Error E = checkOp(NI, **O))
    return Err(std::move(E));
  return Err(setResultTypes(NI, **O));
}

Error ONNXImporter::importOutputs() {
  for (const auto &VI : Model.graph().output()) {
    Value *V = G->lookup(VI.name());
    if (!V)
      return fail("graph output '" + VI.name() + "' is not defined");
    auto It = Declared.find(VI.name());
    if (It != Declared.end() && V->isInput() &&
        !isCompatible(V->getType(), It->second))
      return fail("graph output '" + VI.name() + "' is declared " +
                  It->second.str() + " but is " + V->getType().str());
    G->addOutput(V);
  }
  if (G->getOutputs().empty())
    return fail("the graph has no outputs");
  return Error::success();
}

Expected<std::unique_ptr<Graph>> ONNXImporter::run() {
  if (Error E = checkHeader())
    return E;
  fixBatchSize();
  if (Error E = runONNXShapeInference())
    return E;
  collectDeclaredTypes();

  const onnx::GraphProto &GP = Model.graph();
  G = std::make_unique<Graph>(GP.name().empty() ? "main" : GP.name());
  AttributeMap &MD = G->getMetadata();
  if (!Model.producer_name().empty())
    MD["producer_name"] = Attribute(std::string(Model.producer_name()));
  if (!Model.producer_version().empty())
    MD["producer_version"] = Attribute(std::string(Model.producer_version()));
  MD["ir_version"] = Attribute(int64_t(Model.ir_version()));
  MD["opset"] = Attribute(Opset);

  if (Error E = importInitializers())
    return E;
  if (Error E = importInputs())
    return E;
  auto Order = topologicalOrder();
  if (!Order)
    return Order.takeError();
  for (int I : *Order)
    if (Error E = importNode(GP.node(I)))
      return E;
  if (Error E = importOutputs())
    return E;
  if (Opts.Verify)
    if (Error E = verifyGraph(*G))
      return addFileContext(std::move(E), Name);
  return std::move(G);
}

} // namespace

Expected<std::unique_ptr<Graph>> importONNXBuffer(StringRef Bytes,
                                                  StringRef Name,
                                                  const ImportOptions &Opts,
                                                  StringRef BaseDir) {
  onnx::ModelProto Model;
  std::string Why = parseProtoQuietly(Bytes, Model);
  if (!Why.empty())
    return makeError(Name + ": not a valid ONNX model (" + Why + ")");
  std::string Dir =
      BaseDir.empty() ? sys::path::parent_path(Name).str() : BaseDir.str();
  if (Dir.empty())
    Dir = ".";
  ONNXImporter Importer(Model, Name, Dir, Opts);
  return Importer.run();
}

Expected<std::unique_ptr<Graph>> importONNXFile(StringRef Path,
                                                const ImportOptions &Opts) {
  auto Buf = readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return importONNXBuffer((*Buf)->getBuffer(), Path, Opts);
}

} // namespace onncf
