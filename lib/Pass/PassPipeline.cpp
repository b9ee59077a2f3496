//===- PassPipeline.cpp - Parsing pipeline strings ------------------------===//
//
// Part of onnc-fault. "canonicalize,constant-fold{max-size=1024},dce" ->
// pass instances. A small hand-written scanner rather than a regex so every
// error can point at a column.
//
//===----------------------------------------------------------------------===//
#include "onncf/Pass/PassRegistry.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace llvm;

namespace onncf {

namespace {

class PipelineParser {
public:
  PipelineParser(StringRef Text, const PassRegistry &R, unsigned BaseCol,
                 StringSet<> &Expanding)
      : Text(Text), R(R), BaseCol(BaseCol), Expanding(Expanding) {}

  Error parse(std::vector<std::unique_ptr<Pass>> &Out);

private:
  Error error(size_t Pos, const Twine &Msg) const {
    return makeError("column " + Twine(BaseCol + Pos + 1) + ": " + Msg);
  }
  void skipSpace() {
    while (Pos < Text.size() && isSpace(Text[Pos]))
      ++Pos;
  }
  static bool isNameChar(char C) {
    return isAlnum(C) || C == '-' || C == '_' || C == '.';
  }
  Error parseElement(std::vector<std::unique_ptr<Pass>> &Out);
  Error parseOptions(Pass &P, size_t NamePos);

  StringRef Text;
  const PassRegistry &R;
  unsigned BaseCol;
  StringSet<> &Expanding;
  size_t Pos = 0;
};

} // namespace

Error PipelineParser::parse(std::vector<std::unique_ptr<Pass>> &Out) {
  skipSpace();
  if (Pos == Text.size())
    return Error::success(); // The empty pipeline runs nothing.
  while (true) {
    if (Error E = parseElement(Out))
      return E;
    skipSpace();
    if (Pos == Text.size())
      return Error::success();
    if (Text[Pos] == '}')
      return error(Pos, "unbalanced '}' (no matching '{')");
    if (Text[Pos] != ',')
      return error(Pos, "expected ',' between passes, got '" +
                            Text.substr(Pos, 1) + "'");
    ++Pos;
    skipSpace();
    if (Pos == Text.size())
      return error(Pos, "expected a pass name after ','");
  }
}

Error PipelineParser::parseElement(std::vector<std::unique_ptr<Pass>> &Out) {
  skipSpace();
  size_t Start = Pos;
  while (Pos < Text.size() && isNameChar(Text[Pos]))
    ++Pos;
  StringRef Name = Text.slice(Start, Pos);
  if (Name.empty()) {
    if (Pos < Text.size() && Text[Pos] == '{')
      return error(Pos, "expected a pass name before '{'");
    if (Pos < Text.size() && Text[Pos] == '}')
      return error(Pos, "unbalanced '}' (no matching '{')");
    if (Pos < Text.size() && Text[Pos] == ',')
      return error(Pos, "expected a pass name, got ','");
    return error(Pos, "unexpected character '" + Text.substr(Pos, 1) +
                          "' in pass name");
  }

  if (const PassInfo *Info = R.lookupPass(Name)) {
    std::unique_ptr<Pass> P = Info->Factory();
    skipSpace();
    if (Pos < Text.size() && Text[Pos] == '{')
      if (Error E = parseOptions(*P, Start))
        return E;
    Out.push_back(std::move(P));
    return Error::success();
  }

  if (const PipelineInfo *Info = R.lookupPipeline(Name)) {
    skipSpace();
    if (Pos < Text.size() && Text[Pos] == '{')
      return error(Pos, "pipeline '" + Name + "' takes no options");
    if (!Expanding.insert(Name).second)
      return error(Start, "pipeline '" + Name + "' includes itself");
    StringSet<> Inner = Expanding;
    PipelineParser Sub(Info->Pipeline, R, 0, Inner);
    if (Error E = Sub.parse(Out))
      return error(Start, "in pipeline '" + Name + "' (" + Info->Pipeline +
                              "): " + toString(std::move(E)));
    Expanding.erase(Name);
    return Error::success();
  }

  return error(Start, "unknown pass '" + Name +
                          "' (use --list-passes to see the passes)");
}

Error PipelineParser::parseOptions(Pass &P, size_t NamePos) {
  size_t Open = Pos++;
  // Find the matching '}' first so an unbalanced brace is reported at the
  // '{' that opened it, whatever else is wrong inside.
  size_t Close = Text.find('}', Pos);
  size_t NextOpen = Text.find('{', Pos);
  if (Close == StringRef::npos)
    return error(Open, "unbalanced '{' (no matching '}') after pass '" +
                           P.getName() + "'");
  if (NextOpen < Close)
    return error(NextOpen, "unexpected '{' inside the options of pass '" +
                               P.getName() + "'");
  while (true) {
    while (Pos < Close && (isSpace(Text[Pos]) || Text[Pos] == ','))
      ++Pos;
    if (Pos == Close)
      break;
    size_t KeyStart = Pos;
    while (Pos < Close && Text[Pos] != '=' && Text[Pos] != ',' &&
           !isSpace(Text[Pos]))
      ++Pos;
    StringRef Key = Text.slice(KeyStart, Pos);
    if (Key.empty())
      return error(KeyStart, "expected an option name in the options of "
                             "pass '" +
                                 P.getName() + "'");
    PassOptionBase *Opt = P.findOption(Key);
    if (!Opt)
      return error(KeyStart, toString(P.setOption(Key, "")));
    StringRef Value;
    size_t ValueStart = Pos;
    if (Pos < Close && Text[Pos] == '=') {
      ValueStart = ++Pos;
      while (Pos < Close && Text[Pos] != ',' && !isSpace(Text[Pos]))
        ++Pos;
      Value = Text.slice(ValueStart, Pos);
      if (Value.empty())
        return error(ValueStart, "expected a value for option '" + Key +
                                     "' of pass '" + P.getName() + "'");
    } else if (!Opt->isFlag()) {
      return error(KeyStart, "option '" + Key + "' of pass '" + P.getName() +
                                 "' needs a value (" + Key + "=<" +
                                 Opt->getTypeName() + ">)");
    }
    if (Error E = P.setOption(Key, Value))
      return error(ValueStart, toString(std::move(E)));
  }
  Pos = Close + 1;
  (void)NamePos;
  return Error::success();
}

Expected<std::vector<std::unique_ptr<Pass>>>
parsePassPipeline(StringRef Text, const PassRegistry &Registry) {
  std::vector<std::unique_ptr<Pass>> Out;
  StringSet<> Expanding;
  PipelineParser P(Text, Registry, 0, Expanding);
  if (Error E = P.parse(Out))
    return E;
  return Out;
}

} // namespace onncf
