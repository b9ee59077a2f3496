//===- Printer.cpp - Text form of the IR ----------------------------------===//
//
// Part of onnc-fault. Writes the format of docs/IRFormat.md. Everything is
// streamed to the raw_ostream (no intermediate strings), and blobs are
// written a line at a time, so multi-megabyte weights print in linear time.
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/Printer.h"
#include "TextUtils.h"
#include "onncf/IR/Graph.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>

using namespace llvm;

namespace onncf {

namespace {

class Printer {
public:
  Printer(raw_ostream &OS, const PrintOptions &Opts) : OS(OS), Opts(Opts) {}

  void print(const Graph &G);

private:
  void printValueRef(const Value *V);
  void printAttrValue(const Attribute &A);
  void printAttrDict(const AttributeMap &Attrs);
  /// "dense<[...]>", "blob N" or "<elided>".
  void printTensorData(const Tensor &T);
  void printDense(const Tensor &T);
  void printBlobs();

  raw_ostream &OS;
  const PrintOptions &Opts;
  /// Tensors going to the blobs section, in id order.
  std::vector<const Tensor *> Blobs;
};

} // namespace

void Printer::printValueRef(const Value *V) {
  if (!V) {
    OS << "none";
    return;
  }
  OS << '%';
  text::printName(OS, V->getName());
}

void Printer::printAttrValue(const Attribute &A) {
  auto List = [&](StringRef Marker, size_t N, auto Elt) {
    if (N == 0) {
      OS << Marker << "[]";
      return;
    }
    OS << '[';
    for (size_t I = 0; I < N; ++I) {
      if (I)
        OS << ", ";
      Elt(I);
    }
    OS << ']';
  };
  switch (A.getKind()) {
  case AttrKind::Int:
    OS << A.getInt();
    break;
  case AttrKind::Float:
    text::printFloat(OS, A.getFloat());
    break;
  case AttrKind::String:
    text::printQuoted(OS, A.getString());
    break;
  case AttrKind::Ints:
    List("ints", A.getInts().size(), [&](size_t I) { OS << A.getInts()[I]; });
    break;
  case AttrKind::Floats:
    List("floats", A.getFloats().size(),
         [&](size_t I) { text::printFloat(OS, A.getFloats()[I]); });
    break;
  case AttrKind::Strings:
    List("strings", A.getStrings().size(),
         [&](size_t I) { text::printQuoted(OS, A.getStrings()[I]); });
    break;
  case AttrKind::Tensor:
    OS << "tensor<";
    A.getTensor().getType().print(OS);
    OS << " = ";
    printTensorData(A.getTensor());
    OS << '>';
    break;
  }
}

void Printer::printAttrDict(const AttributeMap &Attrs) {
  OS << '{';
  bool First = true;
  for (const auto &KV : Attrs) {
    if (!First)
      OS << ", ";
    First = false;
    text::printKey(OS, KV.first);
    OS << " = ";
    printAttrValue(KV.second);
  }
  OS << '}';
}

void Printer::printDense(const Tensor &T) {
  OS << "dense<[";
  const char *P = T.bytes().data();
  int64_t N = T.getNumElements();
  unsigned Size = getElementSize(T.getElementType());
  for (int64_t I = 0; I < N; ++I, P += Size) {
    if (I)
      OS << ", ";
    switch (T.getElementType()) {
    case ElementType::F32: {
      float F;
      std::memcpy(&F, P, 4);
      text::printFloat(OS, F);
      break;
    }
    case ElementType::F64: {
      double D;
      std::memcpy(&D, P, 8);
      text::printDouble(OS, D);
      break;
    }
    case ElementType::F16: {
      // Raw bits: exact, and no need for a half-precision float syntax.
      uint16_t H;
      std::memcpy(&H, P, 2);
      OS << format("0x%04x", H);
      break;
    }
    case ElementType::Bool:
      OS << (*P ? "true" : "false");
      break;
    default:
      OS << T.getAsInt(I);
      break;
    }
  }
  OS << "]>";
}

void Printer::printTensorData(const Tensor &T) {
  if (T.isNull()) {
    OS << "<elided>";
    return;
  }
  if (T.getSizeInBytes() <= Opts.InlineLimit) {
    printDense(T);
    return;
  }
  if (Opts.ElideConstants) {
    OS << "<elided>";
    return;
  }
  OS << "blob " << Blobs.size();
  Blobs.push_back(&T);
}

void Printer::printBlobs() {
  static const char Hex[] = "0123456789abcdef";
  constexpr size_t BytesPerLine = 64;
  OS << "blobs {\n";
  char Line[4 + 2 * BytesPerLine];
  std::memset(Line, ' ', 4);
  for (size_t Id = 0; Id < Blobs.size(); ++Id) {
    OS << "  " << Id << " = hex\"";
    ArrayRef<char> B = Blobs[Id]->bytes();
    for (size_t Off = 0; Off < B.size(); Off += BytesPerLine) {
      size_t N = std::min(BytesPerLine, B.size() - Off);
      char *Q = Line + 4;
      for (size_t I = 0; I < N; ++I) {
        unsigned char C = B[Off + I];
        *Q++ = Hex[C >> 4];
        *Q++ = Hex[C & 15];
      }
      OS << '\n';
      OS.write(Line, Q - Line);
    }
    OS << "\"\n";
  }
  OS << "}\n";
}

void Printer::print(const Graph &G) {
  OS << "graph @";
  text::printName(OS, G.getName());
  if (!G.getMetadata().empty()) {
    OS << " attributes ";
    printAttrDict(G.getMetadata());
  }
  OS << " {\n";
  for (const Value *V : G.getInputs()) {
    OS << "  input ";
    printValueRef(V);
    OS << " : ";
    V->getType().print(OS);
    OS << '\n';
  }
  for (const Value *V : G.getConstants()) {
    OS << "  const ";
    printValueRef(V);
    OS << " : ";
    V->getType().print(OS);
    OS << " = ";
    printTensorData(V->getConstantData());
    OS << '\n';
  }
  for (const auto &O : G.getOps()) {
    OS << "  ";
    for (unsigned I = 0, E = O->getNumResults(); I < E; ++I) {
      if (I)
        OS << ", ";
      printValueRef(O->getResult(I));
    }
    if (O->getNumResults())
      OS << " = ";
    OS << O->getKind() << '(';
    for (unsigned I = 0, E = O->getNumOperands(); I < E; ++I) {
      if (I)
        OS << ", ";
      printValueRef(O->getOperand(I));
    }
    OS << ')';
    if (!O->getAttrs().empty()) {
      OS << ' ';
      printAttrDict(O->getAttrs());
    }
    for (unsigned I = 0, E = O->getNumResults(); I < E; ++I) {
      OS << (I ? ", " : " : ");
      O->getResult(I)->getType().print(OS);
    }
    if (!O->getName().empty()) {
      OS << " name ";
      text::printQuoted(OS, O->getName());
    }
    OS << '\n';
  }
  OS << "  return";
  for (size_t I = 0; I < G.getOutputs().size(); ++I) {
    OS << (I ? ", " : " ");
    printValueRef(G.getOutputs()[I]);
  }
  OS << "\n}\n";
  if (!Blobs.empty())
    printBlobs();
}

void printGraph(const Graph &G, raw_ostream &OS, const PrintOptions &Opts) {
  Printer(OS, Opts).print(G);
}

std::string printGraphToString(const Graph &G, const PrintOptions &Opts) {
  std::string S;
  raw_string_ostream OS(S);
  printGraph(G, OS, Opts);
  return OS.str();
}

} // namespace onncf
