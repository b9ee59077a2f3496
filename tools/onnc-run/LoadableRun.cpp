//===- LoadableRun.cpp - onnc-run's NVDLA loadable helpers ----------------===//
//
// Part of onnc-fault. See LoadableRun.h.
//
//===----------------------------------------------------------------------===//
#include "LoadableRun.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Support/FileUtils.h"
#include "onncf/Targets/NVDLA/Loadable_generated.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>

using namespace llvm;
using namespace onncf::nvdla;

namespace onncf {

bool looksLikeLoadable(StringRef Path) {
  StringRef Ext = sys::path::extension(Path);
  if (Ext.equals_insensitive(".nvdla"))
    return true;
  if (Ext.equals_insensitive(".onnx") || Ext.equals_insensitive(".ir") ||
      Ext.equals_insensitive(".mlir"))
    return false;
  auto Buf = readFile(Path);
  if (!Buf) {
    consumeError(Buf.takeError());
    return false;
  }
  StringRef B = (*Buf)->getBuffer();
  if (B.size() >= 8 && B.substr(4, 4) == "NVDA")
    return true;
  // NVIDIA's older files lack the identifier: a verifying root will do.
  if (B.size() < 8)
    return false;
  // As the reader verifies: NVIDIA's writer leaves scalars unaligned.
  flatbuffers::Verifier V(reinterpret_cast<const uint8_t *>(B.data()), B.size(),
                          /*max_depth=*/64, /*max_tables=*/1000000,
                          /*check_alignment=*/false);
  return V.VerifyBuffer<::nvdla::loadable::Loadable>(nullptr);
}

Expected<DimgImage> makeOutputDimg(const VirtualPlatform &VP, unsigned Index,
                                   ArrayRef<uint8_t> Memory) {
  StringRef Name = VP.getFile().name();
  if (Index >= VP.getOutputs().size())
    return makeError(Name + ": has no output " + Twine(Index));
  const BoundSurface &B = VP.getOutputs()[Index];
  auto Fail = [&](const Twine &Msg) {
    return makeError(Name + ": output " + Twine(Index) + ": " + Msg);
  };
  if (!B.TensorDescId)
    return Fail("no tensor descriptor describes the surface");
  DimgImage Img;
  switch (B.DataType) {
  case 4: // INT8
  case 5: // UINT8
    Img.Format = DimgInt8;
    break;
  case 3: // INT16
    Img.Format = DimgInt16;
    break;
  case 2: // HALF
    Img.Format = DimgFp16;
    break;
  default:
    return Fail("data type " + Twine(B.DataType) + " has no DIMG format");
  }
  if (B.C == 0 || B.H == 0 || B.W == 0)
    return Fail("empty surface");
  unsigned Eb = Img.getElemBytes();
  unsigned Atom = 32;
  if (const IoInfo *Io = VP.getIoInfo())
    for (const IoPort &P : Io->Outputs)
      if (P.BindId == B.BindId && P.AtomBytes && P.AtomBytes % Eb == 0)
        Atom = P.Format == "NCHW" ? 0 : P.AtomBytes;
  Img.W = B.W;
  Img.H = B.H;
  Img.C = B.C;
  Img.LineStride = B.LineStride ? B.LineStride : B.W * std::max(Atom, Eb);
  Img.SurfStride = B.SurfStride ? B.SurfStride : B.H * Img.LineStride;
  Img.Size = B.Size;
  Img.Payload.reserve(uint64_t(B.C) * B.H * B.W * Eb);
  unsigned Per = Atom ? Atom / Eb : 1;
  for (uint64_t Ch = 0; Ch < B.C; ++Ch)
    for (uint64_t Y = 0; Y < B.H; ++Y)
      for (uint64_t X = 0; X < B.W; ++X) {
        uint64_t Off = Atom ? B.Offset + Ch / Per * Img.SurfStride +
                                  Y * Img.LineStride + X * Atom + Ch % Per * Eb
                            : B.Offset + ((Ch * B.H + Y) * B.W + X) * Eb;
        if (Off + Eb > Memory.size())
          return Fail("element (" + Twine(Ch) + ", " + Twine(Y) + ", " +
                      Twine(X) + ") lies outside the " + Twine(Memory.size()) +
                      "-byte memory");
        for (unsigned K = 0; K < Eb; ++K)
          Img.Payload.push_back(Memory[Off + K]);
      }
  return Img;
}

Expected<uint64_t> compareWithDimg(const DimgImage &Got, StringRef GoldenPath,
                                   raw_ostream &OS) {
  auto Gold = readDimgFile(GoldenPath);
  if (!Gold)
    return Gold.takeError();
  uint64_t N = uint64_t(Got.C) * Got.H * Got.W;
  if (Gold->Format != Got.Format || Gold->C != Got.C || Gold->H != Got.H ||
      Gold->W != Got.W) {
    OS << "compare-dimg: " << GoldenPath << " is format " << Gold->Format << " "
       << Gold->C << "x" << Gold->H << "x" << Gold->W
       << " (CxHxW), the output format " << Got.Format << " " << Got.C << "x"
       << Got.H << "x" << Got.W << "\n";
    return std::max<uint64_t>(N, 1);
  }
  unsigned Eb = Got.getElemBytes();
  uint64_t Diff = 0, First = N;
  for (uint64_t I = 0; I < N; ++I)
    if (std::memcmp(&Got.Payload[I * Eb], &Gold->Payload[I * Eb], Eb)) {
      if (!Diff)
        First = I;
      ++Diff;
    }
  if (!Diff) {
    OS << "compare-dimg: all " << N << " elements match\n";
    return 0;
  }
  auto Val = [&](const DimgImage &Img, uint64_t I) -> int64_t {
    if (Eb == 1)
      return int8_t(Img.Payload[I]);
    return int16_t(uint16_t(Img.Payload[2 * I]) |
                   uint16_t(Img.Payload[2 * I + 1]) << 8);
  };
  uint64_t HW = uint64_t(Got.H) * Got.W;
  OS << "compare-dimg: " << Diff << " of " << N
     << " elements differ; first at (c " << First / HW << ", h "
     << First % HW / Got.W << ", w " << First % Got.W << "): got "
     << Val(Got, First) << ", golden " << Val(*Gold, First)
     << (Got.Format == DimgFp16 ? " (raw fp16 bits)" : "") << "\n";
  return Diff;
}

} // namespace onncf
