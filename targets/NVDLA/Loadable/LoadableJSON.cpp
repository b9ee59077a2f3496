//===- LoadableJSON.cpp - An NVDLA loadable as JSON -----------------------===//
//
// Part of onnc-fault. Mirrors flatc's JSON printer for Loadable.fbs: every
// scalar field (defaults included), vectors and strings only when present,
// enum values by name (a number when the value has no name).
//
//===----------------------------------------------------------------------===//
#include "onncf/Targets/NVDLA/LoadableJSON.h"
#include "ScalarAt.h"
#include "onncf/Targets/NVDLA/DescriptorJSON.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"

using namespace llvm;
namespace fl = ::nvdla::loadable;

namespace onncf {
namespace nvdla {

/// An enum value by name, or the number when it has none (as flatc does).
template <typename E>
static json::Value enumValue(E V, const char *const *Names, unsigned N) {
  uint64_t I = static_cast<uint64_t>(V);
  if (I < N && Names[I] && *Names[I])
    return Names[I];
  return I;
}
#define ENUM(T, V) enumValue(V, fl::EnumNames##T(), unsigned(fl::T##_MAX) + 1)

/// Bit flags: the names of the set bits joined by a space, as flatc prints
/// them; a value with unnamed bits is printed as a number.
static json::Value flagsValue(uint16_t V) {
  static const char *const Names[] = {"ALLOC", "SET", "INPUT", "OUTPUT",
                                      "DEBUG"};
  std::string S;
  uint16_t Left = V;
  for (unsigned B = 0; B < 5; ++B)
    if (V & (1u << B)) {
      if (!S.empty())
        S += ' ';
      S += Names[B];
      Left &= ~(1u << B);
    }
  if (Left || V == 0)
    return uint64_t(V);
  return S;
}

static json::Value version(const fl::Version *V) {
  return json::Object{{"major", V->major()},
                      {"minor", V->minor()},
                      {"sub_minor", V->sub_minor()}};
}

template <typename T>
static json::Array scalars(const flatbuffers::Vector<T> *V) {
  json::Array A;
  for (flatbuffers::uoffset_t I = 0; I < V->size(); ++I)
    A.push_back(scalarAt(*V, I));
  return A;
}

// A hostile file may hold any bytes in a string field; JSON must be UTF-8, so
// invalid sequences become U+FFFD (valid names print unchanged, as flatc's).
static std::string text(const flatbuffers::String *S) {
  std::string Str = S->str();
  return json::isUTF8(Str) ? Str : json::fixUTF8(Str);
}

static json::Array strings(
    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>> *V) {
  json::Array A;
  for (const auto *S : *V)
    A.push_back(text(S));
  return A;
}

static json::Object task(const fl::TaskListEntry &T) {
  json::Object O{{"id", T.id()},
                 {"interface", ENUM(Interface, T.interface())},
                 {"instance", T.instance()}};
  if (T.address_list())
    O["address_list"] = scalars(T.address_list());
  if (T.pre_actions())
    O["pre_actions"] = scalars(T.pre_actions());
  if (T.post_actions())
    O["post_actions"] = scalars(T.post_actions());
  return O;
}

static json::Object memory(const fl::MemoryListEntry &M) {
  json::Object O{{"id", M.id()},
                 {"domain", ENUM(MemoryDomain, M.domain())},
                 {"flags", flagsValue(M.flags())},
                 {"size", M.size()},
                 {"alignment", M.alignment()},
                 {"bind_id", M.bind_id()},
                 {"tensor_desc_id", M.tensor_desc_id()}};
  if (M.contents())
    O["contents"] = strings(M.contents());
  if (M.offsets())
    O["offsets"] = scalars(M.offsets());
  return O;
}

static json::Object blob(const fl::Blob &B, bool WithData) {
  json::Object O{{"size", B.size()},
                 {"interface", ENUM(Interface, B.interface())},
                 {"sub_interface", B.sub_interface()}};
  if (B.name())
    O["name"] = text(B.name());
  if (B.version())
    O["version"] = version(B.version());
  if (B.data())
    O["data"] = WithData ? json::Value(scalars(B.data()))
                         : json::Value(uint64_t(B.data()->size()));
  return O;
}

static json::Object tensorDesc(const fl::TensorDescListEntry &T) {
  json::Object O{{"id", T.id()},
                 {"mem_id", T.mem_id()},
                 {"size", T.size()},
                 {"offset", T.offset()},
                 {"data_format", ENUM(DataFormat, T.data_format())},
                 {"data_type", ENUM(DataType, T.data_type())},
                 {"data_category", ENUM(DataCategory, T.data_category())},
                 {"pixel_format", T.pixel_format()},
                 {"pixel_mapping", ENUM(PixelMapping, T.pixel_mapping())},
                 {"n", T.n()},
                 {"c", T.c()},
                 {"h", T.h()},
                 {"w", T.w()},
                 {"stride_0", T.stride_0()},
                 {"stride_1", T.stride_1()},
                 {"stride_2", T.stride_2()},
                 {"stride_3", T.stride_3()},
                 {"stride_4", T.stride_4()},
                 {"stride_5", T.stride_5()},
                 {"stride_6", T.stride_6()},
                 {"stride_7", T.stride_7()}};
  if (T.name())
    O["name"] = text(T.name());
  return O;
}

/// Applies \p Fn to each element of an optional table vector.
template <typename T, typename Fn>
static void addList(json::Object &O, StringRef Key,
                    const flatbuffers::Vector<flatbuffers::Offset<T>> *V,
                    Fn F) {
  if (!V)
    return;
  json::Array A;
  for (const T *E : *V)
    A.push_back(F(*E));
  O[Key] = std::move(A);
}

json::Object loadableToJSON(const LoadableFile &F, bool WithData) {
  const fl::Loadable &R = F.root();
  json::Object O{{"version", version(R.version())}};
  addList(O, "task_list", R.task_list(), task);
  addList(O, "memory_list", R.memory_list(), memory);
  addList(O, "address_list", R.address_list(),
          [](const fl::AddressListEntry &A) {
            return json::Object{{"id", A.id()},
                                {"mem_id", A.mem_id()},
                                {"offset", A.offset()},
                                {"size", A.size()}};
          });
  addList(O, "event_list", R.event_list(), [](const fl::EventListEntry &E) {
    return json::Object{{"id", E.id()},
                        {"type", E.type()},
                        {"target", E.target()},
                        {"val", E.val()},
                        {"op", ENUM(EventOp, E.op())}};
  });
  addList(O, "blobs", R.blobs(),
          [WithData](const fl::Blob &B) { return blob(B, WithData); });
  addList(O, "tensor_desc_list", R.tensor_desc_list(), tensorDesc);
  addList(O, "reloc_list", R.reloc_list(), [](const fl::RelocListEntry &E) {
    return json::Object{{"address_id", E.address_id()},
                        {"write_id", E.write_id()},
                        {"offset", E.offset()},
                        {"interface", E.interface()},
                        {"sub_interface", E.sub_interface()},
                        {"reloc_type", E.reloc_type()}};
  });
  addList(O, "submit_list", R.submit_list(), [](const fl::SubmitListEntry &S) {
    json::Object E{{"id", S.id()}};
    if (S.task_id())
      E["task_id"] = scalars(S.task_id());
    return E;
  });
  return O;
}

json::Object networkToJSON(const DLANetwork &N) {
  json::Array Ops, Luts;
  for (unsigned I = 0; I < N.Ops.size(); ++I)
    Ops.push_back(toJSON(I, N.Ops[I]));
  for (const LutParam &L : N.Luts)
    Luts.push_back(toJSON(L));
  return json::Object{{"task_id", N.TaskId},
                      {"layout", layoutName(N.Layout)},
                      {"network", toJSON(N.Net)},
                      {"ops", std::move(Ops)},
                      {"luts", std::move(Luts)}};
}

json::Object emuNetworkToJSON(const EmuNetwork &N) {
  json::Array Ops, Buffers;
  for (unsigned I = 0; I < N.Ops.size(); ++I)
    Ops.push_back(json::Object{{"index", I},
                               {"type", emuOpTypeName(N.Ops[I].common.op_type)},
                               {"src_buffer", 2 * I},
                               {"dst_buffer", 2 * I + 1},
                               {"op", emuOpToJSON(N.Ops[I])}});
  for (unsigned J = 0; J < N.Buffers.size(); ++J) {
    json::Object B = toJSON(N.Buffers[J]);
    B["index"] = J;
    Buffers.push_back(std::move(B));
  }
  return json::Object{{"task_id", N.TaskId},
                      {"layout", layoutName(N.Layout)},
                      {"network", toJSON(N.Net)},
                      {"ops", std::move(Ops)},
                      {"buffers", std::move(Buffers)}};
}

} // namespace nvdla
} // namespace onncf
