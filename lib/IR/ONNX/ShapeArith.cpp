//===- ShapeArith.cpp - Shape arithmetic shared by inference and kernels --===//
//
// Part of onnc-fault. Broadcasting, Reshape/Slice/Split/Pad resolution and
// reading integer lists that are operands in the canonical form but
// attributes in older opsets (see onncf/IR/ONNXOps.h).
//
//===----------------------------------------------------------------------===//
#include "OpHelpers.h"
#include "onncf/Support/Diagnostics.h"
#include <algorithm>

using namespace llvm;

namespace onncf {

using onnxops::makeOpError;

Expected<unsigned> normalizeAxis(int64_t Axis, int64_t Rank) {
  if (Axis < -Rank || Axis >= Rank)
    return makeError("axis " + Twine(Axis) + " is out of range [" +
                     Twine(-Rank) + ", " + Twine(Rank - 1) + "]");
  return unsigned(Axis < 0 ? Axis + Rank : Axis);
}

Expected<SmallVector<int64_t, 4>> broadcastShapes(ArrayRef<int64_t> A,
                                                  ArrayRef<int64_t> B) {
  size_t R = std::max(A.size(), B.size());
  SmallVector<int64_t, 4> Out(R);
  for (size_t I = 0; I < R; ++I) {
    // Align from the right; missing leading dims act as 1.
    int64_t X = I + A.size() >= R ? A[I + A.size() - R] : 1;
    int64_t Y = I + B.size() >= R ? B[I + B.size() - R] : 1;
    if (X == Y)
      Out[I] = X;
    else if (X == 1)
      Out[I] = Y;
    else if (Y == 1)
      Out[I] = X;
    else if (X == kDynamicDim)
      Out[I] = Y;
    else if (Y == kDynamicDim)
      Out[I] = X;
    else {
      return makeError("shapes " + onnxops::formatShape(A) + " and " +
                       onnxops::formatShape(B) + " cannot be broadcast (dim " +
                       Twine(X) + " vs " + Twine(Y) + ")");
    }
  }
  return Out;
}

bool isUnidirectionalBroadcastable(ArrayRef<int64_t> From,
                                   ArrayRef<int64_t> To) {
  if (From.size() > To.size())
    return false;
  size_t Off = To.size() - From.size();
  for (size_t I = 0; I < From.size(); ++I) {
    int64_t F = From[I], T = To[I + Off];
    if (F == T || F == 1 || F == kDynamicDim || T == kDynamicDim)
      continue;
    return false;
  }
  return true;
}

std::optional<ElementType> elementTypeFromONNX(int64_t DataType) {
  switch (DataType) {
  case 1:
    return ElementType::F32;
  case 2:
    return ElementType::U8;
  case 3:
    return ElementType::I8;
  case 5:
    return ElementType::I16;
  case 6:
    return ElementType::I32;
  case 7:
    return ElementType::I64;
  case 9:
    return ElementType::Bool;
  case 10:
    return ElementType::F16;
  case 11:
    return ElementType::F64;
  default:
    return std::nullopt;
  }
}

std::optional<int64_t> onnxDataTypeOf(ElementType Ty) {
  switch (Ty) {
  case ElementType::F32:
    return 1;
  case ElementType::U8:
    return 2;
  case ElementType::I8:
    return 3;
  case ElementType::I16:
    return 5;
  case ElementType::I32:
    return 6;
  case ElementType::I64:
    return 7;
  case ElementType::Bool:
    return 9;
  case ElementType::F16:
    return 10;
  case ElementType::F64:
    return 11;
  }
  return std::nullopt;
}

std::optional<AutoPad> parseAutoPad(StringRef S) {
  if (S.empty() || S == "NOTSET")
    return AutoPad::NotSet;
  if (S == "SAME_UPPER")
    return AutoPad::SameUpper;
  if (S == "SAME_LOWER")
    return AutoPad::SameLower;
  if (S == "VALID")
    return AutoPad::Valid;
  return std::nullopt;
}

Expected<IntListArg> getIntListArg(const Op &O, const InferenceInputs &In,
                                   unsigned OperandIdx, StringRef AttrName) {
  IntListArg R;
  bool HasOperand = In.has(OperandIdx);
  bool HasAttr = !AttrName.empty() && O.hasAttr(AttrName);
  if (HasOperand && HasAttr)
    return makeOpError(O, "'" + AttrName + "' is given both as operand " +
                              Twine(OperandIdx) + " and as an attribute");
  if (HasAttr) {
    const Attribute *A = O.getAttr(AttrName);
    if (!A->is(AttrKind::Ints))
      return makeOpError(O, "attribute '" + AttrName + "' must be ints");
    R.Present = R.Known = true;
    R.Values.assign(A->getInts().begin(), A->getInts().end());
    return R;
  }
  if (!HasOperand)
    return R;
  R.Present = true;
  const TensorType &T = In.Types[OperandIdx];
  if (!isIntegerType(T.getElementType()) || T.getRank() > 1)
    return makeOpError(O, "operand " + Twine(OperandIdx) +
                              " must be a 1-D integer tensor, not " + T.str());
  const Tensor *D = OperandIdx < In.Data.size() ? In.Data[OperandIdx] : nullptr;
  if (!D || D->isNull())
    return R;
  R.Known = true;
  for (int64_t I = 0, E = D->getNumElements(); I < E; ++I)
    R.Values.push_back(D->getAsInt(I));
  return R;
}

Expected<SmallVector<int64_t, 4>> computeReshapeShape(ArrayRef<int64_t> InShape,
                                                      ArrayRef<int64_t> Target,
                                                      bool AllowZero) {
  SmallVector<int64_t, 4> Out(Target.begin(), Target.end());
  int InferIdx = -1;
  bool HasZero = false;
  for (size_t I = 0; I < Out.size(); ++I) {
    if (Out[I] == -1) {
      if (InferIdx >= 0)
        return makeError("reshape target has more than one -1");
      InferIdx = I;
    } else if (Out[I] == 0) {
      HasZero = true;
      if (!AllowZero) {
        if (I >= InShape.size())
          return makeError("reshape target copies dim " + Twine(I) +
                           " (0) but the input has rank " +
                           Twine(InShape.size()));
        Out[I] = InShape[I];
      }
    } else if (Out[I] < -1) {
      return makeError("reshape target has invalid dim " + Twine(Out[I]));
    }
  }
  if (AllowZero && HasZero && InferIdx >= 0)
    return makeError("reshape target has both 0 and -1 with allowzero=1");
  // Dims copied by 0 appear on both sides and cancel, so a dynamic batch
  // dim copied by 0 does not hide the value of -1 ([?,3,4] -> [0,-1]).
  SmallVector<bool, 4> Copied(InShape.size(), false);
  if (!AllowZero)
    for (size_t I = 0; I < Target.size(); ++I)
      if (Target[I] == 0)
        Copied[I] = true;
  int64_t InTotal = 1;
  for (size_t I = 0; I < InShape.size(); ++I)
    if (!Copied[I])
      InTotal = (InTotal == kDynamicDim || InShape[I] == kDynamicDim)
                    ? kDynamicDim
                    : InTotal * InShape[I];
  int64_t Known = 1;
  bool KnownDynamic = false;
  for (size_t I = 0; I < Out.size(); ++I) {
    if ((int)I == InferIdx || (I < Copied.size() && Copied[I]))
      continue;
    if (Out[I] == kDynamicDim)
      KnownDynamic = true;
    else
      Known *= Out[I];
  }
  if (InferIdx >= 0) {
    if (InTotal == kDynamicDim || KnownDynamic) {
      Out[InferIdx] = kDynamicDim;
    } else if (Known == 0) {
      if (InTotal != 0)
        return makeError("reshape cannot infer -1 next to a 0-sized dim");
      Out[InferIdx] = 0;
    } else {
      if (InTotal % Known != 0)
        return makeError("cannot reshape " + Twine(InTotal) +
                         " elements into a multiple of " + Twine(Known));
      Out[InferIdx] = InTotal / Known;
    }
  } else if (InTotal != kDynamicDim && !KnownDynamic && InTotal != Known) {
    return makeError("cannot reshape " + Twine(InTotal) + " elements into " +
                     Twine(Known));
  }
  return Out;
}

Expected<SmallVector<SliceDim, 4>> computeSlice(ArrayRef<int64_t> InShape,
                                                ArrayRef<int64_t> Starts,
                                                ArrayRef<int64_t> Ends,
                                                ArrayRef<int64_t> Axes,
                                                ArrayRef<int64_t> Steps) {
  int64_t Rank = InShape.size();
  SmallVector<SliceDim, 4> R(Rank);
  for (int64_t I = 0; I < Rank; ++I)
    R[I] = {0, 1, InShape[I]};
  if (Starts.size() != Ends.size())
    return makeError("slice starts has " + Twine(Starts.size()) +
                     " entries but ends has " + Twine(Ends.size()));
  if (!Axes.empty() && Axes.size() != Starts.size())
    return makeError("slice axes has " + Twine(Axes.size()) +
                     " entries, expected " + Twine(Starts.size()));
  if (!Steps.empty() && Steps.size() != Starts.size())
    return makeError("slice steps has " + Twine(Steps.size()) +
                     " entries, expected " + Twine(Starts.size()));
  if (Axes.empty() && (int64_t)Starts.size() > Rank)
    return makeError("slice has " + Twine(Starts.size()) + " starts for rank " +
                     Twine(Rank));
  SmallVector<bool, 4> Seen(Rank, false);
  for (size_t K = 0; K < Starts.size(); ++K) {
    int64_t AxisV = Axes.empty() ? (int64_t)K : Axes[K];
    auto Axis = normalizeAxis(AxisV, Rank);
    if (!Axis)
      return Axis.takeError();
    if (Seen[*Axis])
      return makeError("slice axis " + Twine(AxisV) + " is repeated");
    Seen[*Axis] = true;
    int64_t Step = Steps.empty() ? 1 : Steps[K];
    if (Step == 0)
      return makeError("slice step is 0");
    // -INT64_MIN overflows; any |step| >= the dim selects one element, so
    // INT64_MIN behaves exactly like -INT64_MAX.
    Step = std::max<int64_t>(Step, -INT64_MAX);
    int64_t Dim = InShape[*Axis];
    if (Dim == kDynamicDim) {
      R[*Axis] = {0, Step, kDynamicDim};
      continue;
    }
    int64_t S = Starts[K], E = Ends[K];
    if (S < 0)
      S += Dim;
    if (E < 0)
      E += Dim;
    int64_t Count;
    if (Step > 0) {
      S = std::clamp<int64_t>(S, 0, Dim);
      E = std::clamp<int64_t>(E, 0, Dim);
      Count = E > S ? (E - S - 1) / Step + 1 : 0;
    } else {
      S = std::clamp<int64_t>(S, 0, Dim - 1);
      E = std::clamp<int64_t>(E, -1, Dim - 1);
      Count = S > E ? (S - E - 1) / (-Step) + 1 : 0;
    }
    R[*Axis] = {S, Step, Count};
  }
  return R;
}

Expected<SmallVector<int64_t, 4>>
computeSplitSizes(int64_t Dim, unsigned NumOutputs, const IntListArg &Split) {
  SmallVector<int64_t, 4> Sizes(NumOutputs, kDynamicDim);
  if (NumOutputs == 0)
    return makeError("split has no outputs");
  if (Split.Present) {
    if (!Split.Known)
      return Sizes;
    if (Split.Values.size() != NumOutputs)
      return makeError("split has " + Twine(Split.Values.size()) +
                       " sizes for " + Twine(NumOutputs) + " outputs");
    int64_t Sum = 0;
    for (int64_t S : Split.Values) {
      if (S < 0)
        return makeError("split size " + Twine(S) + " is negative");
      Sum += S;
    }
    if (Dim != kDynamicDim && Sum != Dim)
      return makeError("split sizes sum to " + Twine(Sum) + " but the dim is " +
                       Twine(Dim));
    Sizes.assign(Split.Values.begin(), Split.Values.end());
    return Sizes;
  }
  if (Dim == kDynamicDim)
    return Sizes;
  int64_t Chunk = (Dim + NumOutputs - 1) / NumOutputs;
  int64_t Last = Dim - Chunk * (NumOutputs - 1);
  if (Last < 0)
    return makeError("a dim of " + Twine(Dim) + " cannot be split into " +
                     Twine(NumOutputs) + " parts");
  Sizes.assign(NumOutputs, Chunk);
  Sizes.back() = Last;
  return Sizes;
}

Expected<IntListArg> getPadAmounts(const Op &O, const InferenceInputs &In,
                                   unsigned Rank) {
  StringRef AttrName = O.hasAttr("paddings") ? "paddings" : "pads";
  auto Pads = getIntListArg(O, In, 1, AttrName);
  if (!Pads)
    return Pads.takeError();
  if (!Pads->Present)
    return makeOpError(O, "has no pads");
  auto Axes = getIntListArg(O, In, 3, "");
  if (!Axes)
    return Axes.takeError();
  IntListArg R;
  R.Present = true;
  if (!Pads->Known || (Axes->Present && !Axes->Known))
    return R;
  SmallVector<int64_t, 4> AxisList;
  if (Axes->Present) {
    for (int64_t A : Axes->Values) {
      auto N = normalizeAxis(A, Rank);
      if (!N)
        return makeOpError(O, toString(N.takeError()));
      AxisList.push_back(*N);
    }
  } else {
    for (unsigned I = 0; I < Rank; ++I)
      AxisList.push_back(I);
  }
  if (Pads->Values.size() != 2 * AxisList.size())
    return makeOpError(O, "pads has " + Twine(Pads->Values.size()) +
                              " entries, expected " +
                              Twine(2 * AxisList.size()));
  R.Known = true;
  R.Values.assign(2 * Rank, 0);
  for (size_t K = 0; K < AxisList.size(); ++K) {
    R.Values[AxisList[K]] = Pads->Values[K];
    R.Values[Rank + AxisList[K]] = Pads->Values[AxisList.size() + K];
  }
  return R;
}

Expected<unsigned> getSoftmaxAxis(const Op &O, unsigned Rank) {
  bool Legacy = O.getIntAttr("legacy_2d", 0) != 0;
  int64_t Axis = O.getIntAttr("axis", Legacy ? 1 : -1);
  auto N = normalizeAxis(Axis, Rank);
  if (!N)
    return makeOpError(O, toString(N.takeError()));
  return *N;
}

Expected<Tensor> getConstantAttrValue(const Op &O) {
  if (const Attribute *A = O.getAttr("value"))
    if (A->is(AttrKind::Tensor))
      return A->getTensor();
  if (const Attribute *A = O.getAttr("value_float"))
    if (A->is(AttrKind::Float))
      return Tensor::fromVector<float>({}, {A->getFloat()});
  if (const Attribute *A = O.getAttr("value_floats"))
    if (A->is(AttrKind::Floats))
      return Tensor::fromVector<float>({(int64_t)A->getFloats().size()},
                                       A->getFloats());
  if (const Attribute *A = O.getAttr("value_int"))
    if (A->is(AttrKind::Int))
      return Tensor::fromVector<int64_t>({}, {A->getInt()});
  if (const Attribute *A = O.getAttr("value_ints"))
    if (A->is(AttrKind::Ints))
      return Tensor::fromVector<int64_t>({(int64_t)A->getInts().size()},
                                         A->getInts());
  return makeOpError(O, "has no value attribute (value, value_float(s) or "
                        "value_int(s))");
}

Expected<IntListArg> getReduceAxes(const Op &O, const InferenceInputs &In,
                                   unsigned Rank) {
  auto Axes = getIntListArg(O, In, 1, "axes");
  if (!Axes)
    return Axes.takeError();
  IntListArg R;
  R.Present = true;
  if (Axes->Present && !Axes->Known)
    return R;
  R.Known = true;
  if (!Axes->Present || Axes->Values.empty()) {
    if (O.getIntAttr("noop_with_empty_axes", 0) == 0)
      for (unsigned I = 0; I < Rank; ++I)
        R.Values.push_back(I);
    return R;
  }
  for (int64_t A : Axes->Values) {
    auto N = normalizeAxis(A, Rank);
    if (!N)
      return makeOpError(O, toString(N.takeError()));
    if (llvm::is_contained(R.Values, (int64_t)*N))
      return makeOpError(O, "axis " + Twine(A) + " is repeated");
    R.Values.push_back(*N);
  }
  llvm::sort(R.Values);
  return R;
}

} // namespace onncf
