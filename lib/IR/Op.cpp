//===- Op.cpp - Operations of the IR --------------------------------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Op.h"
#include "onncf/IR/OpDef.h"

using namespace llvm;

namespace onncf {

StringRef Op::getKind() const { return Def->Name; }

std::string Op::getDescription() const {
  std::string S = Def->Name;
  if (!Name.empty())
    S += " '" + Name + "'";
  else if (!Results.empty() && Results[0])
    S += " producing '" + Results[0]->getName() + "'";
  return S;
}

const Attribute *Op::getAttr(StringRef N) const {
  auto It = Attrs.find(N);
  return It == Attrs.end() ? nullptr : &It->second;
}

void Op::setAttr(StringRef N, Attribute A) {
  auto It = Attrs.find(N);
  if (It != Attrs.end())
    It->second = std::move(A);
  else
    Attrs.emplace(N.str(), std::move(A));
}

void Op::removeAttr(StringRef N) {
  auto It = Attrs.find(N);
  if (It != Attrs.end())
    Attrs.erase(It);
}

// The typed getters fall back to the default on a kind mismatch rather than
// throwing: the verifier reports mismatches, kernels must not crash.
int64_t Op::getIntAttr(StringRef N, int64_t Default) const {
  const Attribute *A = getAttr(N);
  return A && A->is(AttrKind::Int) ? A->getInt() : Default;
}

float Op::getFloatAttr(StringRef N, float Default) const {
  const Attribute *A = getAttr(N);
  if (!A)
    return Default;
  if (A->is(AttrKind::Float))
    return A->getFloat();
  if (A->is(AttrKind::Int))
    return float(A->getInt());
  return Default;
}

std::string Op::getStringAttr(StringRef N, StringRef Default) const {
  const Attribute *A = getAttr(N);
  return A && A->is(AttrKind::String) ? A->getString() : Default.str();
}

std::vector<int64_t> Op::getIntsAttr(StringRef N,
                                     std::vector<int64_t> Default) const {
  const Attribute *A = getAttr(N);
  return A && A->is(AttrKind::Ints) ? A->getInts() : Default;
}

std::vector<float> Op::getFloatsAttr(StringRef N,
                                     std::vector<float> Default) const {
  const Attribute *A = getAttr(N);
  return A && A->is(AttrKind::Floats) ? A->getFloats() : Default;
}

} // namespace onncf
