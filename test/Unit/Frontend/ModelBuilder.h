//===- ModelBuilder.h - Small ONNX ModelProtos for importer tests -*- C++ -*-=//
#ifndef ONNCF_TEST_UNIT_FRONTEND_MODELBUILDER_H
#define ONNCF_TEST_UNIT_FRONTEND_MODELBUILDER_H

#include "onncf/Frontend/ONNX/ONNXImporter.h"
#include "llvm/Support/Error.h"
#include "gtest/gtest.h"
#include <initializer_list>
#include <onnx/onnx_pb.h>
#include <string>
#include <vector>

namespace onncf {
namespace test {

constexpr int F32 = onnx::TensorProto_DataType_FLOAT;
constexpr int I64 = onnx::TensorProto_DataType_INT64;

/// Builds a ModelProto one piece at a time. Dims of -1 are symbolic ("N").
class ModelBuilder {
public:
  explicit ModelBuilder(int64_t Opset = 13) {
    M.set_ir_version(8);
    M.set_producer_name("unit-test");
    M.set_producer_version("1.0");
    auto *OI = M.add_opset_import();
    OI->set_domain("");
    OI->set_version(Opset);
    M.mutable_graph()->set_name("g");
  }

  static void setType(onnx::ValueInfoProto &VI, int Elt,
                      std::vector<int64_t> Dims) {
    auto *TT = VI.mutable_type()->mutable_tensor_type();
    TT->set_elem_type(Elt);
    auto *S = TT->mutable_shape();
    for (int64_t D : Dims) {
      auto *Dim = S->add_dim();
      if (D < 0)
        Dim->set_dim_param("N");
      else
        Dim->set_dim_value(D);
    }
  }
  ModelBuilder &input(const std::string &Name, std::vector<int64_t> Dims,
                      int Elt = F32) {
    auto *VI = M.mutable_graph()->add_input();
    VI->set_name(Name);
    setType(*VI, Elt, Dims);
    return *this;
  }
  /// An output with a declared type (Dims non-empty or Typed) or without.
  ModelBuilder &output(const std::string &Name, std::vector<int64_t> Dims = {},
                       bool Typed = false, int Elt = F32) {
    auto *VI = M.mutable_graph()->add_output();
    VI->set_name(Name);
    if (Typed || !Dims.empty())
      setType(*VI, Elt, Dims);
    return *this;
  }
  ModelBuilder &valueInfo(const std::string &Name, std::vector<int64_t> Dims,
                          int Elt = F32) {
    auto *VI = M.mutable_graph()->add_value_info();
    VI->set_name(Name);
    setType(*VI, Elt, Dims);
    return *this;
  }
  onnx::NodeProto &node(const std::string &Op, std::vector<std::string> Inputs,
                        std::vector<std::string> Outputs,
                        const std::string &Name = "") {
    auto *N = M.mutable_graph()->add_node();
    N->set_op_type(Op);
    N->set_name(Name);
    for (auto &I : Inputs)
      N->add_input(I);
    for (auto &O : Outputs)
      N->add_output(O);
    return *N;
  }
  onnx::TensorProto &floatInit(const std::string &Name,
                               std::vector<int64_t> Dims,
                               std::vector<float> Vals) {
    auto *T = M.mutable_graph()->add_initializer();
    T->set_name(Name);
    T->set_data_type(F32);
    for (int64_t D : Dims)
      T->add_dims(D);
    T->set_raw_data(
        std::string((const char *)Vals.data(), Vals.size() * sizeof(float)));
    return *T;
  }
  onnx::TensorProto &int64Init(const std::string &Name,
                               std::vector<int64_t> Dims,
                               std::vector<int64_t> Vals) {
    auto *T = M.mutable_graph()->add_initializer();
    T->set_name(Name);
    T->set_data_type(I64);
    for (int64_t D : Dims)
      T->add_dims(D);
    for (int64_t V : Vals)
      T->add_int64_data(V);
    return *T;
  }

  std::string bytes() const { return M.SerializeAsString(); }
  llvm::Expected<std::unique_ptr<Graph>>
  import(const ImportOptions &Opts = {}, const std::string &Dir = ".") const {
    return importONNXBuffer(bytes(), "model.onnx", Opts, Dir);
  }

  onnx::ModelProto M;
};

inline void setInts(onnx::NodeProto &N, const std::string &Name,
                    std::vector<int64_t> V) {
  auto *A = N.add_attribute();
  A->set_name(Name);
  A->set_type(onnx::AttributeProto::INTS);
  for (int64_t X : V)
    A->add_ints(X);
}
inline void setInt(onnx::NodeProto &N, const std::string &Name, int64_t V) {
  auto *A = N.add_attribute();
  A->set_name(Name);
  A->set_type(onnx::AttributeProto::INT);
  A->set_i(V);
}
inline void setFloat(onnx::NodeProto &N, const std::string &Name, float V) {
  auto *A = N.add_attribute();
  A->set_name(Name);
  A->set_type(onnx::AttributeProto::FLOAT);
  A->set_f(V);
}

template <typename T> std::string errorOf(llvm::Expected<T> V) {
  if (V) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return llvm::toString(V.takeError());
}

/// The single op of kind \p Kind in \p G (fails the test otherwise).
inline const Op *findOp(const Graph &G, llvm::StringRef Kind) {
  const Op *Found = nullptr;
  for (const auto &O : G.getOps())
    if (O->getKind() == Kind) {
      EXPECT_EQ(Found, nullptr) << "several " << Kind.str();
      Found = O.get();
    }
  EXPECT_NE(Found, nullptr) << "no " << Kind.str();
  return Found;
}

} // namespace test
} // namespace onncf

#endif
