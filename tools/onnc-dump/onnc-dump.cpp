//===- onnc-dump.cpp - Print an NVDLA loadable as text or JSON ------------===//
//
// Part of onnc-fault. Reads and validates a loadable (LoadableReader), then
// prints its tables and, for every DLA1 task, the decoded network: the
// network descriptor and per op its common, op and surface descriptors, and
// for every EMU1 task its EMU network: the network descriptor, the ops
// (POWER, SOFTMAX, ONNCF_ADD) and the buffer descriptors they use, and the
// onncf.fault blob's document if there is one.
// --json prints one JSON object whose "loadable" member equals flatc's
// --json --strict-json --defaults-json output. See docs/tools/onnc-dump.md.
//
//===----------------------------------------------------------------------===//
#include "onncf/Config/Version.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/FaultBlob.h"
#include "onncf/Targets/NVDLA/LoadableJSON.h"
#include "onncf/Targets/NVDLA/LoadableReader.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace onncf;

static cl::OptionCategory DumpCat("onnc-dump options");
static cl::opt<std::string> InputPath(cl::Positional, cl::Required,
                                      cl::desc("<file.nvdla>"),
                                      cl::cat(DumpCat));
static cl::opt<bool> AsJSON("json",
                            cl::desc("Print JSON (the loadable part equals "
                                     "flatc's --json output)"),
                            cl::cat(DumpCat));

/// Prints a JSON tree as indented "key: value" text; arrays of scalars on
/// one line, blob data as a byte count.
static void printText(raw_ostream &OS, const json::Value &V, unsigned Indent);

/// Position of a key in the text dump; unlisted keys (descriptor fields)
/// share one rank and are sorted by name.
static int keyRank(StringRef K) {
  static const char *const Order[] = {"file",         "name",
                                      "id",           "index",
                                      "type",         "task_id",
                                      "layout",       "version",
                                      "task_list",    "memory_list",
                                      "address_list", "event_list",
                                      "blobs",        "tensor_desc_list",
                                      "reloc_list",   "submit_list",
                                      "loadable",     "dla_networks",
                                      "emu_networks", "network",
                                      "common",       "src_buffer",
                                      "dst_buffer"};
  static const char *const Last[] = {"op", "surface", "ops", "luts", "buffers"};
  for (unsigned I = 0; I < std::size(Order); ++I)
    if (K == Order[I])
      return int(I);
  for (unsigned I = 0; I < std::size(Last); ++I)
    if (K == Last[I])
      return 1000 + int(I);
  return 500;
}

static bool isScalar(const json::Value &V) {
  return !V.getAsObject() && !V.getAsArray();
}

static void printScalar(raw_ostream &OS, const json::Value &V) {
  if (auto S = V.getAsString())
    OS << (S->empty() ? StringRef("\"\"") : *S); // keep empty names visible
  else
    OS << V;
}

static void printText(raw_ostream &OS, const json::Value &V, unsigned Indent) {
  if (const json::Object *O = V.getAsObject()) {
    // json::Object is unordered: print the container's tables in schema
    // order and identifying keys first, then the rest sorted by name.
    std::vector<std::string> Keys;
    for (const auto &KV : *O)
      Keys.push_back(KV.first.str());
    llvm::sort(Keys, [](const std::string &A, const std::string &B) {
      int RA = keyRank(A), RB = keyRank(B);
      return RA != RB ? RA < RB : A < B;
    });
    for (const std::string &K : Keys) {
      const json::Value &E = *O->get(K);
      OS.indent(Indent) << K << ":";
      if (isScalar(E)) {
        OS << ' ';
        printScalar(OS, E);
        OS << '\n';
      } else if (const json::Array *A = E.getAsArray();
                 A && llvm::all_of(*A, isScalar)) {
        OS << " [";
        for (size_t I = 0; I < A->size(); ++I) {
          if (I)
            OS << ", ";
          printScalar(OS, (*A)[I]);
        }
        OS << "]\n";
      } else {
        OS << '\n';
        printText(OS, E, Indent + 2);
      }
    }
    return;
  }
  if (const json::Array *A = V.getAsArray()) {
    for (size_t I = 0; I < A->size(); ++I) {
      OS.indent(Indent) << "[" << I << "]\n";
      printText(OS, (*A)[I], Indent + 2);
    }
    return;
  }
  OS.indent(Indent);
  printScalar(OS, V);
  OS << '\n';
}

static void printVersion(raw_ostream &OS) {
  OS << "onnc-dump (onnc-fault) " << ONNCF_VERSION_STRING << "\n";
}

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  setToolName("onnc-dump");
  cl::HideUnrelatedOptions(DumpCat);
  cl::SetVersionPrinter(printVersion);
  cl::ParseCommandLineOptions(
      argc, argv,
      "onnc-dump: print an NVDLA loadable (tables, blobs and the decoded "
      "DLA and EMU descriptors)\n");

  auto F = exitOnErr(onncf::nvdla::readLoadable(InputPath));
  json::Array Networks, EmuNetworks;
  const auto *Tasks = F->root().task_list();
  for (unsigned I = 0, E = Tasks ? Tasks->size() : 0; I < E; ++I) {
    auto Interface = Tasks->Get(I)->interface();
    if (Interface == ::nvdla::loadable::Interface_DLA1) {
      Networks.push_back(onncf::nvdla::networkToJSON(
          exitOnErr(onncf::nvdla::decodeDLATask(*F, I))));
    } else if (Interface == ::nvdla::loadable::Interface_EMU1) {
      // The reader validates DLA networks only; name the task here.
      auto Net = onncf::nvdla::decodeEmuTask(*F, I);
      if (!Net)
        exitOnError(makeError(F->name() + ": task_list[" + Twine(I) + "] (id " +
                              Twine(Tasks->Get(I)->id()) +
                              "): " + toString(Net.takeError())));
      EmuNetworks.push_back(onncf::nvdla::emuNetworkToJSON(*Net));
    }
  }

  json::Object Out{{"file", InputPath.getValue()},
                   {"loadable", onncf::nvdla::loadableToJSON(*F, AsJSON)},
                   {"dla_networks", std::move(Networks)},
                   {"emu_networks", std::move(EmuNetworks)}};
  // The onncf.fault blob (fault-aware compilation), validated and shown
  // as its JSON document.
  if (const auto *B = F->blobByName(onncf::nvdla::FaultBlobName)) {
    ArrayRef<uint8_t> Data;
    if (B->data())
      Data = ArrayRef<uint8_t>(B->data()->data(), B->data()->size());
    exitOnErr(onncf::nvdla::parseFaultBlob(Data, F->name()));
    StringRef Text(reinterpret_cast<const char *>(Data.data()), Data.size());
    Out["onncf_fault"] = exitOnErr(json::parse(Text));
  }
  if (AsJSON) {
    outs() << formatv("{0:2}", json::Value(std::move(Out))) << "\n";
    return 0;
  }
  printText(outs(), json::Value(std::move(Out)), 0);
  return 0;
}
