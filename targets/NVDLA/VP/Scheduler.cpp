//===- Scheduler.cpp - The DLA firmware's operation scheduling ------------===//
//
// Part of onnc-fault. Replays what the NVDLA firmware does with a network
// descriptor: every engine (processor) walks its own op chain from
// op_head[type] through consumers[type].index, keeping at most two ops
// programmed (the two register groups); an op is enabled once it is
// programmed and its dependency_count has dropped to zero. Events raised by
// an op (PROGRAMMED, ENABLED, CDMA_DT_DONE, CDMA_WT_DONE, OP_COMPLETED)
// decrement the count of each consumer waiting for that event, and of the
// fused parent when the op's fused_parent entry names the event (this is
// how an SDP fed on the fly by CONV is enabled before its CONV).
//
// The engines are functional models: an enabled op runs at once when it
// is the oldest programmed op of its engine and its on-the-fly input
// (cube type HW) is there, or its on-the-fly output pipe is free. When no
// op can run and some are unfinished, the network is deadlocked and the
// error lists the waiting ops, instead of looping or hanging as the
// firmware would.
//
//===----------------------------------------------------------------------===//
#include "Scheduler.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"
#include <deque>

using namespace llvm;

namespace onncf {
namespace nvdla {
namespace vp {

namespace {

enum Event : uint8_t {
  EvCompleted = 1,
  EvProgrammed = 2,
  EvEnabled = 3,
  EvWtDone = 4,
  EvDtDone = 5
};

struct OpState {
  int Count = 0; ///< Remaining dependencies.
  bool Programmed = false, Enabled = false, Done = false;
};

struct EngineState {
  int Next = -1;             ///< Next op of the chain to program.
  std::deque<unsigned> Busy; ///< Programmed, not completed (oldest first).
};

class Scheduler {
public:
  Scheduler(const DLANetwork &Net, EngineContext &Ctx, const Twine &What)
      : Net(Net), Ctx(Ctx), What(What.str()), State(Net.Ops.size()) {}
  Error run();

private:
  std::string opName(unsigned I) const {
    return (What + ": op " + Twine(I) + " (" +
            opTypeName(Net.Ops[I].common.op_type) + ")")
        .str();
  }
  Error programNext(unsigned Type);
  void raise(unsigned Op, Event E) { Events.push_back({Op, E}); }
  void enable(unsigned Op);
  void decrement(int Op);
  void drain();
  bool canRun(unsigned Op) const;
  Error runOp(unsigned Op);
  Error deadlock() const;

  const DLANetwork &Net;
  EngineContext &Ctx;
  std::string What;
  std::vector<OpState> State;
  EngineState Engines[NumOpTypes];
  std::deque<std::pair<unsigned, Event>> Events;
  std::vector<unsigned> Ready; ///< Enabled, not run, in enable order.
  unsigned NumDone = 0;
};

} // namespace

Error Scheduler::programNext(unsigned Type) {
  EngineState &E = Engines[Type];
  if (E.Next < 0 || E.Busy.size() >= 2)
    return Error::success();
  int J = E.Next;
  if (unsigned(J) >= Net.Ops.size())
    return makeError(What + ": the " + opTypeName(Type) +
                     " op chain names op " + Twine(J) +
                     " but the network has " + Twine(Net.Ops.size()) + " ops");
  const CommonOpDesc &C = Net.Ops[J].common;
  if (C.op_type != Type)
    return makeError(opName(J) + ": is on the " + opTypeName(Type) +
                     " op chain but has op type " + Twine(unsigned(C.op_type)));
  if (State[J].Programmed)
    return makeError(opName(J) + ": the " + opTypeName(Type) +
                     " op chain comes back to this op (a cycle)");
  E.Busy.push_back(J);
  E.Next = C.consumers[Type].index;
  State[J].Programmed = true;
  raise(J, EvProgrammed);
  if (State[J].Count == 0)
    enable(J);
  return Error::success();
}

void Scheduler::enable(unsigned Op) {
  if (State[Op].Enabled)
    return;
  State[Op].Enabled = true;
  Ready.push_back(Op);
  raise(Op, EvEnabled);
}

void Scheduler::decrement(int Op) {
  if (Op < 0 || unsigned(Op) >= Net.Ops.size())
    return; // A consumer outside the network never waits for anything.
  OpState &S = State[Op];
  // The firmware's u8 count would wrap; an op already at zero is either
  // enabled or waiting to be programmed, and stays so.
  if (S.Count == 0)
    return;
  if (--S.Count == 0 && S.Programmed)
    enable(Op);
}

void Scheduler::drain() {
  while (!Events.empty()) {
    auto [Op, E] = Events.front();
    Events.pop_front();
    const CommonOpDesc &C = Net.Ops[Op].common;
    for (const Consumer &Co : C.consumers)
      if (Co.index >= 0 && Co.event == E)
        decrement(Co.index);
    if (C.fused_parent.index >= 0 && C.fused_parent.event == E)
      decrement(C.fused_parent.index);
  }
}

static bool isOnTheFly(const DataCube &C) { return C.type == MemHW; }

bool Scheduler::canRun(unsigned Op) const {
  const DecodedOp &D = Net.Ops[Op];
  unsigned Type = D.common.op_type;
  if (Engines[Type].Busy.empty() || Engines[Type].Busy.front() != Op)
    return false; // The engine runs its register groups in order.
  switch (Type) {
  case OpCONV:
    return !isOnTheFly(D.surface.conv.dst_data) || !Ctx.ConvToSdp.Valid;
  case OpSDP:
    if (isOnTheFly(D.surface.sdp.src_data) && !Ctx.ConvToSdp.Valid)
      return false;
    return !isOnTheFly(D.surface.sdp.dst_data) || !Ctx.SdpToPdp.Valid;
  case OpPDP:
    return !isOnTheFly(D.surface.pdp.src_data) || Ctx.SdpToPdp.Valid;
  default:
    return true;
  }
}

Error Scheduler::runOp(unsigned Op) {
  const DecodedOp &D = Net.Ops[Op];
  unsigned Type = D.common.op_type;
  uint64_t OpsBefore = Ctx.Stats.Engines[Type].Ops;
  Error E = Error::success();
  switch (Type) {
  case OpBDMA:
    E = runBdma(D, Op, Ctx);
    break;
  case OpCONV:
    E = runConv(D, Op, Ctx);
    break;
  case OpSDP:
    E = runSdp(D, Op, Ctx);
    break;
  case OpPDP:
    E = runPdp(D, Op, Ctx);
    break;
  case OpCDP:
    E = runCdp(D, Op, Ctx);
    break;
  case OpRUBIK:
    E = runRubik(D, Op, Ctx);
    break;
  default:
    return makeError(opName(Op) + ": unknown op type " + Twine(Type));
  }
  if (E)
    return makeError(What + ": " + toString(std::move(E)));
  // Engines may count their ops themselves; count here when they did not.
  if (Ctx.Stats.Engines[Type].Ops == OpsBefore)
    ++Ctx.Stats.Engines[Type].Ops;
  State[Op].Done = true;
  ++NumDone;
  Engines[Type].Busy.pop_front();
  if (Type == OpCONV) {
    raise(Op, EvDtDone);
    raise(Op, EvWtDone);
  }
  raise(Op, EvCompleted);
  if (Error E = programNext(Type))
    return E;
  drain();
  return Error::success();
}

Error Scheduler::deadlock() const {
  std::string Msg;
  raw_string_ostream OS(Msg);
  OS << What << ": deadlock: " << (Net.Ops.size() - NumDone) << " of "
     << Net.Ops.size() << " ops can never run:";
  unsigned Shown = 0;
  for (unsigned I = 0; I < Net.Ops.size() && Shown < 8; ++I) {
    const OpState &S = State[I];
    if (S.Done)
      continue;
    ++Shown;
    OS << (Shown > 1 ? ";" : "") << " op " << I << " ("
       << opTypeName(Net.Ops[I].common.op_type) << ") ";
    if (!S.Programmed)
      OS << "never programmed (not reached on its engine's op chain)";
    else if (!S.Enabled)
      OS << "waits for " << S.Count << " more event(s)";
    else
      OS << "enabled but its engine or on-the-fly data never got to it";
  }
  if (Net.Ops.size() - NumDone > Shown)
    OS << "; ...";
  return makeError(OS.str());
}

Error Scheduler::run() {
  for (unsigned I = 0; I < Net.Ops.size(); ++I) {
    State[I].Count = Net.Ops[I].common.dependency_count;
    if (Net.Ops[I].common.op_type >= NumOpTypes)
      return makeError(opName(I) + ": unknown op type " +
                       Twine(unsigned(Net.Ops[I].common.op_type)));
  }
  for (unsigned T = 0; T < NumOpTypes; ++T) {
    Engines[T].Next = Net.Net.op_head[T];
    for (int K = 0; K < 2; ++K)
      if (Error E = programNext(T))
        return E;
  }
  drain();
  // Every iteration completes one op, so this ends after at most
  // Ops.size() iterations.
  while (NumDone < Net.Ops.size()) {
    auto It = llvm::find_if(Ready, [&](unsigned Op) { return canRun(Op); });
    if (It == Ready.end())
      return deadlock();
    unsigned Op = *It;
    Ready.erase(It);
    if (Error E = runOp(Op))
      return E;
  }
  if (Ctx.ConvToSdp.Valid)
    return makeError(What + ": CONV output on the fly was never taken by an "
                            "SDP op");
  if (Ctx.SdpToPdp.Valid)
    return makeError(What + ": SDP output on the fly was never taken by a "
                            "PDP op");
  return Error::success();
}

Error runDLANetwork(const DLANetwork &Net, const TaskMemory &Mem,
                    const NvdlaConfig &Cfg, VPStats &Stats, const Twine &What,
                    const fault::MacLaneModel *Mac,
                    ArrayRef<fault::CbufConvFaults> Cbuf) {
  EngineContext Ctx(Mem, Cfg, Net.Layout, Net.Luts, Stats);
  Ctx.Mac = Mac;
  Ctx.Cbuf = Cbuf;
  return Scheduler(Net, Ctx, What).run();
}

Error checkNetworkEngines(const DLANetwork &Net, const NvdlaConfig &Cfg,
                          const Twine &What) {
  for (unsigned I = 0; I < Net.Ops.size(); ++I) {
    unsigned T = Net.Ops[I].common.op_type;
    bool Has = true;
    switch (T) {
    case OpBDMA:
      Has = Cfg.Bdma;
      break;
    case OpCONV:
      Has = Cfg.Conv;
      break;
    case OpSDP:
      Has = Cfg.Sdp;
      break;
    case OpPDP:
      Has = Cfg.Pdp;
      break;
    case OpCDP:
      Has = Cfg.Cdp;
      break;
    case OpRUBIK:
      Has = Cfg.Rubik;
      break;
    default:
      return makeError(What + ": op " + Twine(I) + ": unknown op type " +
                       Twine(T));
    }
    if (!Has)
      return makeError(What + ": op " + Twine(I) + " (" + opTypeName(T) +
                       "): " + Cfg.NvidiaName + " has no " + opTypeName(T) +
                       " engine");
  }
  return Error::success();
}

} // namespace vp
} // namespace nvdla
} // namespace onncf
