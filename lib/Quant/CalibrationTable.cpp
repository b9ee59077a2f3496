//===- CalibrationTable.cpp - NVIDIA-style calibration tables -------------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Quant/CalibrationTable.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace llvm;

namespace onncf {

bool CalibrationEntry::operator==(const CalibrationEntry &O) const {
  // Bitwise, so -0.0 and 0.0 differ: the round trip must be exact.
  return std::memcmp(&Scale, &O.Scale, sizeof(float)) == 0 &&
         std::memcmp(&Min, &O.Min, sizeof(float)) == 0 &&
         std::memcmp(&Max, &O.Max, sizeof(float)) == 0 && Offset == O.Offset;
}

std::string formatFloatExact(float V) {
  char Buf[64];
  // 9 significant digits always identify a float; fewer are tried first so
  // the table stays readable (0.0078740157 rather than 17 digits).
  for (int Prec = 6; Prec <= 9; ++Prec) {
    std::snprintf(Buf, sizeof(Buf), "%.*g", Prec, static_cast<double>(V));
    float Back = static_cast<float>(std::strtod(Buf, nullptr));
    if (std::memcmp(&Back, &V, sizeof(float)) == 0)
      break;
  }
  return Buf;
}

const CalibrationEntry *CalibrationTable::lookup(StringRef Name) const {
  auto It = Entries.find(Name.str());
  return It == Entries.end() ? nullptr : &It->second;
}

/// Reads field \p Key of entry \p Name as a finite number.
static Error readNumber(const json::Object &Obj, StringRef Key, StringRef Name,
                        bool Required, double &Out) {
  const json::Value *V = Obj.get(Key);
  if (!V) {
    if (Required)
      return makeError("entry '" + Name + "': missing field '" + Key + "'");
    return Error::success();
  }
  Optional<double> D = V->getAsNumber();
  if (!D)
    return makeError("entry '" + Name + "': field '" + Key +
                     "' is not a number");
  if (!std::isfinite(*D))
    return makeError("entry '" + Name + "': field '" + Key + "' is not finite");
  Out = *D;
  return Error::success();
}

/// Rejects what a quantizer could not use; shared by parse and write.
static Error checkEntry(const CalibrationEntry &E, StringRef Name) {
  // JSON keys must be UTF-8; ONNX (proto2) does not enforce it on names.
  if (!json::isUTF8(Name))
    return makeError("tensor name '" + json::fixUTF8(Name) +
                     "' is not valid UTF-8 and cannot be a table key");
  if (!std::isfinite(E.Scale) || !(E.Scale > 0))
    return makeError("entry '" + Name +
                     "': scale must be positive and finite, got " +
                     formatFloatExact(std::isfinite(E.Scale) ? E.Scale : 0) +
                     (std::isfinite(E.Scale) ? "" : " (non-finite)"));
  if (!std::isfinite(E.Min) || !std::isfinite(E.Max))
    return makeError("entry '" + Name + "': min and max must be finite");
  if (E.Min > E.Max)
    return makeError("entry '" + Name + "': min " + formatFloatExact(E.Min) +
                     " is greater than max " + formatFloatExact(E.Max));
  if (E.Offset != 0)
    return makeError("entry '" + Name + "': offset " + Twine(E.Offset) +
                     " is not supported (only symmetric quantization, "
                     "offset 0)");
  return Error::success();
}

static Expected<CalibrationTable> parseImpl(StringRef Json) {
  Expected<json::Value> Root = json::parse(Json);
  if (!Root)
    return makeError("invalid JSON: " + toString(Root.takeError()));
  const json::Object *Obj = Root->getAsObject();
  if (!Obj)
    return makeError("expected a JSON object mapping tensor names to "
                     "{scale, min, max, offset}");
  CalibrationTable T;
  // json::Object is unordered; errors are reported for the first bad entry
  // in name order so the message does not depend on hashing.
  std::map<std::string, const json::Value *> Sorted;
  for (const auto &KV : *Obj)
    Sorted[KV.first.str()] = &KV.second;
  for (const auto &KV : Sorted) {
    StringRef Name = KV.first;
    const json::Object *EObj = KV.second->getAsObject();
    if (!EObj)
      return makeError("entry '" + Name + "': expected an object");
    double Scale = 0, Min = 0, Max = 0, Offset = 0;
    if (Error E = readNumber(*EObj, "scale", Name, true, Scale))
      return E;
    if (Error E = readNumber(*EObj, "min", Name, true, Min))
      return E;
    if (Error E = readNumber(*EObj, "max", Name, true, Max))
      return E;
    if (Error E = readNumber(*EObj, "offset", Name, false, Offset))
      return E;
    if (Offset != std::trunc(Offset))
      return makeError("entry '" + Name + "': offset is not an integer");
    CalibrationEntry Entry;
    Entry.Scale = static_cast<float>(Scale);
    Entry.Min = static_cast<float>(Min);
    Entry.Max = static_cast<float>(Max);
    // Range-checked so the cast is defined; checkEntry rejects non-zero.
    Entry.Offset = std::fabs(Offset) < 1e15 ? static_cast<int64_t>(Offset) : 1;
    if (!std::isfinite(Entry.Scale) || !std::isfinite(Entry.Min) ||
        !std::isfinite(Entry.Max))
      return makeError("entry '" + Name + "': value out of float range");
    if (Error E = checkEntry(Entry, Name))
      return E;
    T.set(Name, Entry);
  }
  return T;
}

Expected<CalibrationTable> CalibrationTable::parse(StringRef Json,
                                                   StringRef FileName) {
  Expected<CalibrationTable> T = parseImpl(Json);
  if (!T)
    return addFileContext(T.takeError(), FileName);
  return T;
}

Expected<CalibrationTable> CalibrationTable::readFile(StringRef Path) {
  auto Buf = onncf::readFile(Path);
  if (!Buf)
    return Buf.takeError();
  return parse((*Buf)->getBuffer(), Path);
}

Error CalibrationTable::write(raw_ostream &OS) const {
  for (const auto &KV : Entries)
    if (Error E = checkEntry(KV.second, KV.first))
      return E;
  json::OStream J(OS, /*IndentSize=*/2);
  J.object([&] {
    for (const auto &KV : Entries) {
      J.attributeObject(KV.first, [&] {
        // Raw values: llvm::json would print 17 digits of the double.
        J.attributeBegin("scale");
        J.rawValue(formatFloatExact(KV.second.Scale));
        J.attributeEnd();
        J.attributeBegin("min");
        J.rawValue(formatFloatExact(KV.second.Min));
        J.attributeEnd();
        J.attributeBegin("max");
        J.rawValue(formatFloatExact(KV.second.Max));
        J.attributeEnd();
        J.attribute("offset", KV.second.Offset);
      });
    }
  });
  OS << "\n";
  return Error::success();
}

Error CalibrationTable::writeFile(StringRef Path) const {
  return writeFileAtomically(Path, [&](raw_ostream &OS) { return write(OS); });
}

} // namespace onncf
