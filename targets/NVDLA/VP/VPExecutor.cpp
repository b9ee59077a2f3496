//===- VPExecutor.cpp - The virtual platform behind onnc's Executor -------===//
//
// Part of onnc-fault. Lets onnc-run (and anything else that drives an
// Executor) run a loadable like a model. With the onncf.io blob the ports
// are the model's float tensors: inputs are quantized with the port's scale
// (round half away from zero, saturate) and scattered into the surface the
// port describes, outputs are gathered and dequantized. Without it the
// ports are the bound memories' raw integers, dense NCHW, read through the
// tensor descriptor (type, C/H/W, line and surface strides) with the
// configuration's memory atom; a bound memory without a usable tensor
// descriptor is a u8 vector of its bytes. Each batch item is one runRaw().
//
//===----------------------------------------------------------------------===//
#include "onncf/IR/ElementType.h"
#include "onncf/Interp/Executor.h"
#include "onncf/Quant/FixedPoint.h"
#include "onncf/Support/Diagnostics.h"
#include "onncf/Targets/NVDLA/NvdlaConfig.h"
#include "onncf/Targets/NVDLA/VirtualPlatform.h"
#include <cstring>
#include <thread>

using namespace llvm;

namespace onncf {
namespace nvdla {

namespace {

/// Where element (c, y, x) of a port lives in its memory.
struct PortMap {
  std::string Name;
  unsigned C = 0, H = 0, W = 0, Eb = 1, Atom = 32;
  uint64_t LineStride = 0, SurfStride = 0, Base = 0, MemBytes = 0;
  bool Dense = false;    ///< NCHW instead of NCxHWx.
  bool RawBytes = false; ///< No usable descriptor: the memory's bytes.
  bool Quantized = false;
  bool Signed = true;
  bool Half = false;   ///< FP16 elements (raw ports only).
  std::string Invalid; ///< Why the port cannot be used, if it cannot.
  double Scale = 1;
  unsigned Bits = 8, LogicalRank = 4;

  uint64_t offset(unsigned Ch, unsigned Y, unsigned X) const {
    if (Dense)
      return Base + ((uint64_t(Ch) * H + Y) * W + X) * Eb;
    unsigned Per = Atom / Eb;
    return Base + uint64_t(Ch / Per) * SurfStride + uint64_t(Y) * LineStride +
           uint64_t(X) * Atom + uint64_t(Ch % Per) * Eb;
  }
  uint64_t numElements() const {
    return RawBytes ? MemBytes : uint64_t(C) * H * W;
  }
  /// The port's type with a dynamic batch axis.
  TensorType type() const {
    if (RawBytes)
      return TensorType(ElementType::U8, {kDynamicDim, int64_t(MemBytes)});
    ElementType E = Quantized ? ElementType::F32
                    : Half    ? ElementType::F16
                    : Eb == 2 ? ElementType::I16
                    : Signed  ? ElementType::I8
                              : ElementType::U8;
    if (LogicalRank == 2)
      return TensorType(E, {kDynamicDim, int64_t(C)});
    return TensorType(E, {kDynamicDim, int64_t(C), int64_t(H), int64_t(W)});
  }
  /// Checks every element lies inside the memory; falls back to raw bytes
  /// for a surface the descriptor cannot describe.
  Error check() const {
    if (!Invalid.empty())
      return makeError(Name + ": " + Invalid);
    if (RawBytes)
      return Error::success();
    // Descriptor-sized values keep every offset below 2^50 (no wrap).
    if (C == 0 || H == 0 || W == 0 || C > 65535 || H > 65535 || W > 65535)
      return makeError(Name + ": surface " + Twine(C) + "x" + Twine(H) + "x" +
                       Twine(W) + " is empty or too large");
    if ((Eb != 1 && Eb != 2) || Atom == 0 || Atom > 1024 || Atom % Eb ||
        LineStride > MaxAddressBytes || SurfStride > MaxAddressBytes ||
        Base > MemBytes)
      return makeError(Name + ": bad layout (atom " + Twine(Atom) +
                       ", strides " + Twine(LineStride) + "/" +
                       Twine(SurfStride) + ", offset " + Twine(Base) + ")");
    if (uint64_t(C) * H * W > MemBytes)
      return makeError(Name + ": " + Twine(C) + "x" + Twine(H) + "x" +
                       Twine(W) + " elements cannot come from a " +
                       Twine(MemBytes) + "-byte memory");
    unsigned Per = Dense ? 1 : Atom / Eb;
    uint64_t Last = Dense ? offset(C - 1, H - 1, W - 1)
                          : offset(0, H - 1, W - 1) +
                                uint64_t((C - 1) / Per) * SurfStride +
                                uint64_t(std::min(C, Per) - 1) * Eb;
    if (Last + Eb > MemBytes)
      return makeError(Name + ": the " + Twine(C) + "x" + Twine(H) + "x" +
                       Twine(W) + " surface does not fit its " +
                       Twine(MemBytes) + "-byte memory");
    return Error::success();
  }
};

static PortMap makePort(const BoundSurface &B, const IoPort *Io,
                        const NvdlaConfig &Cfg, StringRef Dir) {
  PortMap P;
  P.MemBytes = B.Size;
  P.Base = B.Offset;
  if (Io) {
    P.Name = Io->Name;
    P.Quantized = true;
    for (int64_t D : {Io->C, Io->H, Io->W})
      if (D < 1 || D > 65535)
        P.Invalid = "onncf.io shape " + std::to_string(Io->C) + "x" +
                    std::to_string(Io->H) + "x" + std::to_string(Io->W) +
                    " is empty or too large";
    if (Io->Bits != 8 && Io->Bits != 16)
      P.Invalid =
          "onncf.io bits " + std::to_string(Io->Bits) + " is not 8 or 16";
    P.C = Io->C;
    P.H = Io->H;
    P.W = Io->W;
    P.Bits = Io->Bits;
    P.Eb = Io->Bits > 8 ? 2 : 1;
    P.Scale = Io->Scale;
    P.LogicalRank = Io->LogicalRank;
    P.Dense = Io->Format == "NCHW";
    P.Atom = Io->AtomBytes;
    P.LineStride = Io->LineStride;
    P.SurfStride = Io->SurfStride;
  } else {
    P.Name = B.Name.empty() ? (Dir + Twine(B.BindId)).str() : B.Name;
    P.C = B.C;
    P.H = B.H;
    P.W = B.W;
    P.Atom = Cfg.MemoryAtomBytes;
    P.LineStride = B.LineStride;
    P.SurfStride = B.SurfStride;
    switch (B.DataType) {
    case 4: // INT8
      P.Eb = 1;
      break;
    case 5: // UINT8
      P.Eb = 1;
      P.Signed = false;
      break;
    case 3: // INT16
      P.Eb = 2;
      break;
    case 2: // HALF
      P.Eb = 2;
      P.Half = true;
      break;
    default: // no descriptor, float data: the bytes as they are
      P.RawBytes = true;
    }
    if (B.N > 1)
      P.RawBytes = true;
  }
  if (!P.RawBytes) {
    if (P.Atom == 0 || P.Atom % P.Eb)
      P.Atom = Cfg.MemoryAtomBytes;
    if (!P.LineStride)
      P.LineStride = uint64_t(P.W) * P.Atom;
    if (!P.SurfStride)
      P.SurfStride = P.H * P.LineStride;
    // A descriptor that does not describe the memory: its raw bytes.
    if (!Io)
      if (Error E = P.check()) {
        consumeError(std::move(E));
        P.RawBytes = true;
      }
  }
  return P;
}

class VPExecutor : public Executor {
public:
  VPExecutor(std::unique_ptr<VirtualPlatform> VP, VPStats *Stats)
      : VP(std::move(VP)), Stats(Stats) {}
  Error init();
  StringRef getName() const override { return "nvdla-vp"; }
  ArrayRef<ExecutorPort> getInputs() const override { return InPorts; }
  ArrayRef<ExecutorPort> getOutputs() const override { return OutPorts; }
  Expected<std::vector<Tensor>> run(ArrayRef<Tensor> Inputs) override;
  unsigned getNumThreads() const override {
    return std::max(1u, std::thread::hardware_concurrency());
  }

private:
  std::unique_ptr<VirtualPlatform> VP;
  VPStats *Stats;
  std::vector<PortMap> In, Out;
  std::vector<ExecutorPort> InPorts, OutPorts;
};

} // namespace

/// The ports of \p VP's inputs or outputs.
static Expected<std::vector<PortMap>> makePorts(const VirtualPlatform &VP,
                                                bool Inputs) {
  const IoInfo *Io = VP.getIoInfo();
  StringRef Name = VP.getFile().name();
  StringRef Dir = Inputs ? "input" : "output";
  ArrayRef<IoPort> IoPorts;
  if (Io)
    IoPorts = Inputs ? Io->Inputs : Io->Outputs;
  std::vector<PortMap> Maps;
  for (const BoundSurface &B : Inputs ? VP.getInputs() : VP.getOutputs()) {
    const IoPort *P = nullptr;
    for (const IoPort &Q : IoPorts)
      if (Q.BindId == B.BindId)
        P = &Q;
    if (Io && !P)
      return makeError(Name + ": onncf.io describes no " + Dir +
                       " with bind id " + Twine(B.BindId));
    PortMap M = makePort(B, P, VP.getConfig(), Dir);
    if (Error E = M.check())
      return makeError(Name + ": " + Dir + " '" + M.Name +
                       "': " + toString(std::move(E)));
    Maps.push_back(std::move(M));
  }
  return Maps;
}

/// The input memories' bytes for batch item \p Item of \p Inputs (whose
/// shapes the caller checked against the ports).
static std::vector<std::vector<uint8_t>>
packInputs(ArrayRef<PortMap> In, ArrayRef<Tensor> Inputs, int64_t Item) {
  std::vector<std::vector<uint8_t>> Surfaces;
  for (unsigned I = 0; I < In.size(); ++I) {
    const PortMap &P = In[I];
    std::vector<uint8_t> S(P.MemBytes, 0);
    uint64_t First = uint64_t(Item) * P.numElements();
    if (P.RawBytes) {
      for (uint64_t K = 0; K < P.MemBytes; ++K)
        S[K] = uint8_t(Inputs[I].getAsInt(First + K));
    } else {
      uint64_t K = First;
      for (unsigned Ch = 0; Ch < P.C; ++Ch)
        for (unsigned Y = 0; Y < P.H; ++Y)
          for (unsigned X = 0; X < P.W; ++X, ++K) {
            int64_t V =
                P.Quantized
                    ? fixp::quantize(Inputs[I].getAsDouble(K), P.Scale, P.Bits)
                : P.Half ? int64_t(floatToHalf(float(Inputs[I].getAsDouble(K))))
                         : fixp::saturate(Inputs[I].getAsInt(K), P.Eb * 8);
            uint64_t Off = P.offset(Ch, Y, X);
            S[Off] = uint8_t(V);
            if (P.Eb == 2)
              S[Off + 1] = uint8_t(uint64_t(V) >> 8);
          }
    }
    Surfaces.push_back(std::move(S));
  }
  return Surfaces;
}

/// The batch size of \p Inputs, checked against the ports.
static Expected<int64_t> checkInputs(StringRef Name, ArrayRef<PortMap> In,
                                     ArrayRef<Tensor> Inputs) {
  if (Inputs.size() != In.size())
    return makeError(Name + ": " + Twine(Inputs.size()) +
                     " inputs given, the loadable has " + Twine(In.size()));
  int64_t N = 1;
  for (unsigned I = 0; I < Inputs.size(); ++I) {
    const Tensor &T = Inputs[I];
    int64_t Batch = T.getType().getRank() ? T.getShape()[0] : 1;
    uint64_t Per = In[I].numElements();
    if (I == 0)
      N = Batch;
    if (Batch != N || uint64_t(T.getNumElements()) != uint64_t(N) * Per)
      return makeError(Name + ": input '" + In[I].Name + "' has shape " +
                       T.getType().str() + ", expected " + Twine(N) +
                       " item(s) of " + Twine(Per) + " elements");
  }
  return N;
}

Error VPExecutor::init() {
  for (bool Inputs : {true, false}) {
    auto Maps = makePorts(*VP, Inputs);
    if (!Maps)
      return Maps.takeError();
    for (const PortMap &M : *Maps)
      (Inputs ? InPorts : OutPorts).push_back({M.Name, M.type()});
    (Inputs ? In : Out) = std::move(*Maps);
  }
  return Error::success();
}

Expected<std::vector<Tensor>> VPExecutor::run(ArrayRef<Tensor> Inputs) {
  auto NOr = checkInputs(VP->getFile().name(), In, Inputs);
  if (!NOr)
    return NOr.takeError();
  int64_t N = *NOr;
  std::vector<Tensor> Results;
  for (const PortMap &P : Out) {
    TensorType T = P.type();
    SmallVector<int64_t, 4> Shape(T.getShape().begin(), T.getShape().end());
    Shape[0] = N;
    Results.emplace_back(TensorType(T.getElementType(), Shape));
  }
  // Output storage is taken once, before any thread writes into it.
  std::vector<char *> OutBase;
  for (Tensor &R : Results)
    OutBase.push_back(R.mutableBytes().data());
  auto RunItem = [&](int64_t Item) -> Error {
    std::vector<std::vector<uint8_t>> Surfaces = packInputs(In, Inputs, Item);
    auto Raw = VP->runRaw(Surfaces, Stats);
    if (!Raw)
      return Raw.takeError();
    for (unsigned O = 0; O < Out.size(); ++O) {
      const PortMap &P = Out[O];
      const std::vector<uint8_t> &S = (*Raw)[O];
      char *Dst = OutBase[O];
      uint64_t K = uint64_t(Item) * P.numElements();
      if (P.RawBytes) {
        std::memcpy(Dst + K, S.data(), P.MemBytes);
        continue;
      }
      for (unsigned Ch = 0; Ch < P.C; ++Ch)
        for (unsigned Y = 0; Y < P.H; ++Y)
          for (unsigned X = 0; X < P.W; ++X, ++K) {
            uint64_t Off = P.offset(Ch, Y, X);
            if (!P.Quantized) { // raw integers or FP16 bits, as stored
              std::memcpy(Dst + K * P.Eb, &S[Off], P.Eb);
              continue;
            }
            int32_t V =
                P.Eb == 2
                    ? int16_t(uint16_t(S[Off]) | uint16_t(S[Off + 1]) << 8)
                : P.Signed ? int32_t(int8_t(S[Off]))
                           : int32_t(S[Off]);
            float F = float(V * P.Scale);
            std::memcpy(Dst + K * sizeof(float), &F, sizeof(float));
          }
    }
    return Error::success();
  };
  // Batch items are independent runs: spread them over the cores. Each
  // item writes only its own slice, so results do not depend on threads.
  unsigned NT = unsigned(std::min<int64_t>(N, getNumThreads()));
  std::vector<Error> Errs;
  for (unsigned T = 0; T < NT; ++T)
    Errs.push_back(Error::success());
  auto Worker = [&](unsigned T) {
    for (int64_t Item = T; Item < N; Item += NT)
      if (Error E = RunItem(Item)) {
        Errs[T] = std::move(E);
        return;
      }
  };
  std::vector<std::thread> Pool;
  for (unsigned T = 1; T < NT; ++T)
    Pool.emplace_back(Worker, T);
  if (NT)
    Worker(0);
  for (std::thread &Th : Pool)
    Th.join();
  // The first failing worker's error; the others are dropped.
  Error First = Error::success();
  for (Error &E : Errs)
    if (E && !First)
      First = std::move(E);
    else
      consumeError(std::move(E));
  if (First)
    return First;
  return Results;
}

Expected<std::vector<std::vector<uint8_t>>>
makeVPInputSurfaces(const VirtualPlatform &VP, ArrayRef<Tensor> Inputs) {
  auto In = makePorts(VP, true);
  if (!In)
    return In.takeError();
  auto N = checkInputs(VP.getFile().name(), *In, Inputs);
  if (!N)
    return N.takeError();
  if (*N != 1)
    return makeError(VP.getFile().name() + ": one batch item expected, " +
                     Twine(*N) + " given");
  return packInputs(*In, Inputs, 0);
}

Expected<std::unique_ptr<Executor>>
createVPExecutor(std::unique_ptr<VirtualPlatform> VP, VPStats *Stats) {
  auto E = std::make_unique<VPExecutor>(std::move(VP), Stats);
  if (Error Err = E->init())
    return Err;
  return std::unique_ptr<Executor>(std::move(E));
}

} // namespace nvdla
} // namespace onncf
