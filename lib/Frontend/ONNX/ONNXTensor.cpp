//===- ONNXTensor.cpp - ONNX TensorProto <-> Tensor -----------------------===//
//
// Part of onnc-fault. Every size that comes from the file (dims, field
// counts, external offsets and lengths) is checked against the data that is
// actually there before it is used, so a corrupt model is an error naming
// the tensor, never an out-of-bounds read.
//
//===----------------------------------------------------------------------===//
#include "onncf/Frontend/ONNX/ONNXTensor.h"
#include "ProtoParse.h"
#include "onncf/IR/ONNXOps.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <onnx/onnx_pb.h>

using namespace llvm;

namespace onncf {

using DT = onnx::TensorProto_DataType;

StringRef getONNXDataTypeName(int DataType) {
  if (!onnx::TensorProto_DataType_IsValid(DataType))
    return "INVALID";
  static std::string Names[onnx::TensorProto_DataType_DataType_ARRAYSIZE];
  std::string &N = Names[DataType];
  if (N.empty())
    N = onnx::TensorProto_DataType_Name(static_cast<DT>(DataType));
  return N;
}

Expected<std::shared_ptr<MemoryBuffer>>
ExternalDataFiles::get(StringRef Location) {
  auto It = Files.find(Location);
  if (It != Files.end())
    return It->second;
  // Like ONNX's checker: external data must live inside the model's folder.
  if (Location.empty() || sys::path::is_absolute(Location) ||
      is_contained(
          make_range(sys::path::begin(Location), sys::path::end(Location)),
          ".."))
    return makeError("external data location '" + Location +
                     "' must be a relative path inside the model's folder");
  SmallString<256> Path(BaseDir);
  sys::path::append(Path, Location);
  auto BufOrErr = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
  if (!BufOrErr)
    return makeError(Path + ": cannot read external data file: " +
                     BufOrErr.getError().message());
  std::shared_ptr<MemoryBuffer> Buf = std::move(*BufOrErr);
  Files[Location] = Buf;
  return Buf;
}

namespace {
/// Copies a typed repeated field into the tensor, narrowing each value to
/// the element type (ONNX stores int8/int16/uint8/bool/f16 in int32_data).
template <typename Dst, typename Field>
void copyField(const Field &F, MutableArrayRef<char> Out) {
  Dst *P = reinterpret_cast<Dst *>(Out.data());
  for (int I = 0, E = F.size(); I < E; ++I)
    P[I] = static_cast<Dst>(F.Get(I));
}

Expected<Tensor> fromExternal(const onnx::TensorProto &P, TensorType Ty,
                              const Twine &What, ExternalDataFiles *Ext) {
  std::string Location;
  uint64_t Offset = 0;
  std::optional<uint64_t> Length;
  for (const auto &KV : P.external_data()) {
    StringRef Val = KV.value();
    if (KV.key() == "location") {
      Location = KV.value();
    } else if (KV.key() == "offset" || KV.key() == "length") {
      uint64_t V;
      if (Val.getAsInteger(10, V))
        return makeError(What + ": external data " + KV.key() + " '" + Val +
                         "' is not a number");
      if (KV.key() == "offset")
        Offset = V;
      else
        Length = V;
    }
    // "checksum" and unknown keys are informational.
  }
  if (Location.empty())
    return makeError(What + ": external data has no 'location'");
  if (!Ext)
    return makeError(What + ": external data in '" + Location +
                     "' cannot be resolved here (no model folder)");
  auto Buf = Ext->get(Location);
  if (!Buf)
    return makeError(What + ": " + toString(Buf.takeError()));
  SmallString<256> FilePath(Ext->getBaseDir());
  sys::path::append(FilePath, Location);
  uint64_t FileSize = (*Buf)->getBufferSize();
  uint64_t Need = Ty.getSizeInBytes();
  if (Offset > FileSize)
    return makeError(What + ": external data offset " + Twine(Offset) +
                     " is past the end of " + FilePath + " (" +
                     Twine(FileSize) + " bytes)");
  uint64_t Len = Length ? *Length : FileSize - Offset;
  if (Len > FileSize - Offset)
    return makeError(What + ": external data range [" + Twine(Offset) + ", " +
                     Twine(Offset + Len) + ") is outside " + FilePath + " (" +
                     Twine(FileSize) + " bytes)");
  if (Len != Need)
    return makeError(What + ": external data in " + FilePath + " has " +
                     Twine(Len) + " bytes but " + Ty.str() + " needs " +
                     Twine(Need));
  // Typed access needs element alignment; mmap'ed files are page aligned,
  // so only an odd offset forces a copy.
  if (Offset % getElementSize(Ty.getElementType()) != 0)
    return Tensor::fromBytes(
        Ty, ArrayRef<char>((*Buf)->getBufferStart() + Offset, Need));
  return Tensor::fromMapped(Ty, *Buf, Offset);
}
} // namespace

Expected<Tensor> tensorFromProto(const onnx::TensorProto &P, const Twine &What,
                                 ExternalDataFiles *Ext) {
  std::optional<ElementType> Elt = elementTypeFromONNX(P.data_type());
  if (!Elt)
    return makeError(What + ": unsupported tensor data type " +
                     getONNXDataTypeName(P.data_type()) + " (" +
                     Twine(P.data_type()) + ")");
  if (P.has_segment())
    return makeError(What + ": segmented tensors are not supported");
  SmallVector<int64_t, 4> Dims;
  uint64_t NumElts = 1;
  bool Overflow = false;
  for (int64_t D : P.dims()) {
    if (D < 0)
      return makeError(What + ": negative dimension " + Twine(D));
    Dims.push_back(D);
    NumElts = SaturatingMultiply<uint64_t>(NumElts, D, &Overflow);
  }
  if (Overflow || NumElts > (uint64_t(1) << 40))
    return makeError(What + ": tensor is too large");
  TensorType Ty(*Elt, Dims);
  uint64_t Need = NumElts * getElementSize(*Elt);

  if (P.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
    return fromExternal(P, Ty, What, Ext);

  auto Mismatch = [&](StringRef Field, uint64_t Have) {
    return makeError(What + ": " + Field + " holds " + Twine(Have) +
                     (Field == "raw_data" ? " bytes" : " values") +
                     " but dims " + Ty.str() + " need " +
                     Twine(Field == "raw_data" ? Need : NumElts));
  };
  if (P.has_raw_data()) {
    // raw_data is little-endian, as is every host we build for.
    if (P.raw_data().size() != Need)
      return Mismatch("raw_data", P.raw_data().size());
    return Tensor::fromBytes(Ty, ArrayRef<char>(P.raw_data().data(), Need));
  }

  Tensor T(Ty);
  MutableArrayRef<char> Out = T.mutableBytes();
  auto Check = [&](StringRef Field, int Have) -> Error {
    if ((uint64_t)Have != NumElts)
      return Mismatch(Field, Have);
    return Error::success();
  };
  switch (*Elt) {
  case ElementType::F32:
    if (Error E = Check("float_data", P.float_data_size()))
      return E;
    copyField<float>(P.float_data(), Out);
    break;
  case ElementType::F64:
    if (Error E = Check("double_data", P.double_data_size()))
      return E;
    copyField<double>(P.double_data(), Out);
    break;
  case ElementType::I64:
    if (Error E = Check("int64_data", P.int64_data_size()))
      return E;
    copyField<int64_t>(P.int64_data(), Out);
    break;
  case ElementType::I32:
    if (Error E = Check("int32_data", P.int32_data_size()))
      return E;
    copyField<int32_t>(P.int32_data(), Out);
    break;
  case ElementType::I16:
  case ElementType::F16: // the IEEE half bit pattern, in the low 16 bits
    if (Error E = Check("int32_data", P.int32_data_size()))
      return E;
    copyField<uint16_t>(P.int32_data(), Out);
    break;
  case ElementType::I8:
  case ElementType::U8:
  case ElementType::Bool:
    if (Error E = Check("int32_data", P.int32_data_size()))
      return E;
    copyField<uint8_t>(P.int32_data(), Out);
    break;
  }
  return T;
}

void tensorToProto(const Tensor &T, StringRef Name, onnx::TensorProto &P) {
  P.Clear();
  if (!Name.empty())
    P.set_name(Name.str());
  for (int64_t D : T.getShape())
    P.add_dims(D);
  P.set_data_type(*onnxDataTypeOf(T.getElementType()));
  ArrayRef<char> B = T.bytes();
  P.set_raw_data(B.data(), B.size());
}

Error parseTensorProto(StringRef Bytes, StringRef Name, onnx::TensorProto &P) {
  std::string Why = parseProtoQuietly(Bytes, P);
  if (!Why.empty())
    return makeError(Name + ": not a valid ONNX TensorProto (" + Why + ")");
  return Error::success();
}

} // namespace onncf
