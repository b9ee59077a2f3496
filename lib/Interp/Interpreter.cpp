//===- Interpreter.cpp - Execution plan and batch-parallel runs -----------===//
//
// Part of onnc-fault.
//
//===----------------------------------------------------------------------===//
#include "onncf/Interp/Interpreter.h"
#include "Kernels/KernelUtils.h"
#include "onncf/IR/Graph.h"
#include "onncf/IR/OpDef.h"
#include "onncf/Interp/Kernels.h"
#include "onncf/Support/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include <cstring>
#include <future>
#include <mutex>
#include <thread>

using namespace llvm;

namespace onncf {

Executor::~Executor() = default;

/// The precomputed schedule: every value lives in a numbered slot; each step
/// names its kernel, operand and result slots, and the intermediates whose
/// last reader it is (freed right after it runs).
struct Interpreter::Plan {
  struct Step {
    const Op *O;
    KernelFn Fn;
    SmallVector<int, 4> Operands; ///< -1 for an absent optional operand.
    SmallVector<int, 1> Results;
    SmallVector<int, 2> FreeAfter;
    /// The kernel writes every element of its results, so recycled buffers
    /// need not be zeroed first (the kernels in lib/Interp that promise it).
    bool WritesAllResults = false;
    /// Set for Conv and Gemm steps that run with plan-time preparations:
    /// BN/Relu ops fused into a Conv (Results then names the last fused
    /// op's result) and constant weights packed once for the SGEMM.
    struct Prepared {
      std::unique_ptr<interp::ConvEpilogue> Epilogue;
      std::vector<float> Packed;
      /// A fused Add: its other operand is Operands[ResidualOperand] (after
      /// the Conv's own operands). The Add and Relu ops are kept for the
      /// rare run whose operand shapes differ (then run op by op).
      int ResidualOperand = -1;
      unsigned ChainOperand = 0; ///< The Add operand the Conv chain feeds.
      const Op *AddOp = nullptr, *ReluOp = nullptr;
    };
    std::unique_ptr<Prepared> Prep;
  };
  std::vector<Step> Steps;
  unsigned NumSlots = 0;
  std::vector<std::pair<int, const Tensor *>> Constants;
  std::vector<int> InputSlots, OutputSlots;
  std::mutex PoolMutex;
  std::unique_ptr<ThreadPool> Pool;
};

/// Op kinds whose kernels (Conv.cpp, Gemm.cpp) write every result element.
static bool writesAllResults(StringRef Kind) {
  return Kind == "onnx.Conv" || Kind == "onnx.Gemm" || Kind == "onnx.MatMul";
}

/// The one op reading \p V, or null if \p V has another use (including
/// being a graph output).
static const Op *soleUser(const Graph &G, const Value *V,
                          const DenseMap<const Value *, SmallVector<const Op *, 2>>
                              &Users) {
  if (G.isOutput(V))
    return nullptr;
  auto It = Users.find(V);
  if (It == Users.end() || It->second.size() != 1)
    return nullptr;
  return It->second.front();
}

/// Folds Conv -> [BatchNormalization] -> [Relu] chains into the Conv's step
/// (see InterpreterOptions::FuseConvEpilogues), with an Add between BN and
/// Relu too. A BN qualifies in inference mode with one result and constant
/// f32 parameters of one value per conv output channel; an Add when its
/// other operand is computed before the Conv and has the chain's rank and
/// (static) dims. The fused ops' steps are dropped and the Conv step writes
/// the chain's last result slot. The fused ops only read the chain's value,
/// constants and values that already exist at the Conv's position, so
/// running them there is equivalent.
static void fuseConvEpilogues(const Graph &G, Interpreter::Plan &P,
                              const DenseMap<const Value *, int> &SlotOf) {
  DenseMap<const Value *, SmallVector<const Op *, 2>> Users;
  using Plan = Interpreter::Plan;
  for (const Plan::Step &S : P.Steps)
    for (const Value *V : S.O->getOperands())
      if (V) {
        auto &U = Users[V];
        // An op using the value twice counts twice (not a sole user).
        U.push_back(S.O);
      }
  DenseMap<const Op *, size_t> StepOf;
  // The step that computes each op result (a fused chain's last value
  // moves to its Conv's step).
  DenseMap<const Value *, size_t> ComputedAt;
  for (size_t I = 0; I < P.Steps.size(); ++I) {
    StepOf[P.Steps[I].O] = I;
    for (const Value *V : P.Steps[I].O->getResults())
      ComputedAt[V] = I;
  }
  std::vector<bool> Drop(P.Steps.size(), false);

  for (size_t Idx = 0; Idx < P.Steps.size(); ++Idx) {
    Plan::Step &S = P.Steps[Idx];
    const Op &Conv = *S.O;
    if (Conv.getKind() != "onnx.Conv" || Conv.getNumResults() != 1)
      continue;
    // Output channels, from the constant weight or the static result type.
    int64_t M = -1;
    if (Conv.getNumOperands() > 1 && Conv.getOperand(1) &&
        Conv.getOperand(1)->getType().getRank() >= 1 &&
        !Conv.getOperand(1)->getType().isDynamicDim(0))
      M = Conv.getOperand(1)->getType().getDim(0);
    const Value *Cur = Conv.getResult();
    auto Epi = std::make_unique<interp::ConvEpilogue>();
    const Op *Last = nullptr;
    if (const Op *BN = soleUser(G, Cur, Users)) {
      bool Ok = BN->getKind() == "onnx.BatchNormalization" &&
                BN->getNumResults() == 1 && BN->getNumOperands() >= 5 &&
                BN->getOperand(0) == Cur &&
                BN->getIntAttr("training_mode", 0) == 0 && M > 0;
      for (unsigned I = 1; Ok && I < 5; ++I) {
        const Value *V = BN->getOperand(I);
        Ok = V && V->isConstant() &&
             V->getConstantData().getElementType() == ElementType::F32 &&
             V->getConstantData().getNumElements() == M;
      }
      if (Ok) {
        auto D = [&](unsigned I) {
          return BN->getOperand(I)->getConstantData().data<float>().data();
        };
        Epi->setBatchNorm(D(1), D(2), D(3), D(4), M,
                          BN->getFloatAttr("epsilon", 1e-5f));
        Last = BN;
        Cur = BN->getResult();
      }
    }
    const Op *AddOp = nullptr;
    const Value *Residual = nullptr;
    if (const Op *A = soleUser(G, Cur, Users)) {
      // soleUser() excludes Cur + Cur (two uses).
      const Value *Other = A->getNumOperands() == 2
                               ? A->getOperand(A->getOperand(0) == Cur ? 1 : 0)
                               : nullptr;
      bool Ok = A->getKind() == "onnx.Add" && A->getNumResults() == 1 &&
                Other && Other->getType().getElementType() == ElementType::F32 &&
                Other->getType().getRank() == Cur->getType().getRank();
      for (unsigned D = 0; Ok && D < Other->getType().getRank(); ++D)
        Ok = Other->getType().isDynamicDim(D) == Cur->getType().isDynamicDim(D) &&
             Other->getType().getDim(D) == Cur->getType().getDim(D);
      if (Ok && Other->isResult()) {
        auto It = ComputedAt.find(Other);
        Ok = It != ComputedAt.end() && It->second < Idx;
      }
      if (Ok && SlotOf.count(Other)) {
        AddOp = Last = A;
        Residual = Other;
        Cur = A->getResult();
      }
    }
    const Op *ReluOp = nullptr;
    if (const Op *R = soleUser(G, Cur, Users)) {
      if (R->getKind() == "onnx.Relu" && R->getNumOperands() == 1 &&
          R->getNumResults() == 1 &&
          R->getResult()->getType().getElementType() == ElementType::F32) {
        Epi->Relu = true;
        Last = ReluOp = R;
      }
    }
    if (!Last)
      continue;
    // Drop the fused steps; the Conv step takes over the last result slot.
    for (const Value *V = Conv.getResult(); V != Last->getResult();) {
      const Op *U = Users.find(V)->second.front();
      Drop[StepOf[U]] = true;
      V = U->getResult();
    }
    S.Results = P.Steps[StepOf[Last]].Results;
    ComputedAt[Last->getResult()] = Idx;
    if (!S.Prep)
      S.Prep = std::make_unique<Plan::Step::Prepared>();
    S.Prep->Epilogue = std::move(Epi);
    if (Residual) {
      S.Prep->ResidualOperand = S.Operands.size();
      S.Operands.push_back(SlotOf.find(Residual)->second);
      S.Prep->ChainOperand = AddOp->getOperand(0) == Residual ? 1 : 0;
      S.Prep->AddOp = AddOp;
      S.Prep->ReluOp = ReluOp;
    }
  }
  size_t Out = 0;
  for (size_t I = 0; I < P.Steps.size(); ++I)
    if (!Drop[I])
      P.Steps[Out++] = std::move(P.Steps[I]);
  P.Steps.resize(Out);
}

/// Packs the constant weights of Conv and Gemm steps once for the plan
/// (the kernels would otherwise repack them on every call), up to a total
/// of \p Budget bytes.
static void prepackWeights(Interpreter::Plan &P, size_t Budget) {
  size_t Used = 0;
  for (Interpreter::Plan::Step &S : P.Steps) {
    const Op &O = *S.O;
    bool IsConv = O.getKind() == "onnx.Conv", IsGemm = O.getKind() == "onnx.Gemm";
    if ((!IsConv && !IsGemm) || O.getNumOperands() < 2 || !O.getOperand(1) ||
        !O.getOperand(1)->isConstant())
      continue;
    const Tensor &W = O.getOperand(1)->getConstantData();
    std::vector<float> Packed =
        IsConv ? interp::packConvWeights(W, O.getIntAttr("group", 1))
               : interp::packGemmB(O, W);
    if (Packed.empty() || Used + Packed.size() * sizeof(float) > Budget)
      continue;
    Used += Packed.size() * sizeof(float);
    if (!S.Prep)
      S.Prep = std::make_unique<Interpreter::Plan::Step::Prepared>();
    S.Prep->Packed = std::move(Packed);
  }
}

/// Prefixes an error with \p O's description (unless it already has it).
static Error nameOp(const Op &O, Error E) {
  std::string Msg = toString(std::move(E)), Desc = O.getDescription();
  if (StringRef(Msg).startswith(Desc))
    return makeError(Msg);
  return makeError(Desc + ": " + Msg);
}

/// A Conv or Gemm step with plan-time preparations. A fused chain's result
/// type is the Conv's (BatchNormalization, Add without broadcasting and
/// Relu keep shape and type).
static Expected<std::vector<Tensor>>
runPrepared(const Op &O, ArrayRef<const Tensor *> Operands,
            const Interpreter::Plan::Step::Prepared &Prep,
            function_ref<Tensor(TensorType)> Alloc) {
  const Tensor *Residual = nullptr;
  if (Prep.ResidualOperand >= 0) {
    Residual = Operands[Prep.ResidualOperand];
    Operands = Operands.take_front(O.getNumOperands());
  }
  auto Types = inferRunTimeResultTypes(O, Operands);
  if (!Types)
    return Types.takeError();
  std::vector<Tensor> Results;
  Results.push_back(Alloc(std::move((*Types)[0])));
  if (O.getKind() != "onnx.Conv") {
    if (Error E = interp::gemmPrePacked(O, Operands, Results[0], Prep.Packed))
      return nameOp(O, std::move(E));
    return Results;
  }
  if (!Residual || Residual->getType() == Results[0].getType()) {
    if (Error E = interp::convolve(O, Operands, Results[0], Prep.Epilogue.get(),
                                   Prep.Packed, Residual))
      return nameOp(O, std::move(E));
    return Results;
  }
  // The Add broadcasts in this run: Conv (and BN) fused, then the Add and
  // Relu kernels as separate ops.
  interp::ConvEpilogue Head = *Prep.Epilogue;
  Head.Relu = false;
  if (Error E = interp::convolve(O, Operands, Results[0], &Head, Prep.Packed,
                                 nullptr))
    return nameOp(O, std::move(E));
  const Tensor *AddIn[2];
  AddIn[Prep.ChainOperand] = &Results[0];
  AddIn[1 - Prep.ChainOperand] = Residual;
  auto Sum = evaluateOp(*Prep.AddOp, AddIn);
  if (!Sum || !Prep.ReluOp)
    return Sum;
  const Tensor *ReluIn[1] = {&(*Sum)[0]};
  return evaluateOp(*Prep.ReluOp, ReluIn);
}

Interpreter::Interpreter(const Graph &G, InterpreterOptions Opts)
    : G(G), Opts(Opts), P(std::make_unique<Plan>()) {
  NumThreads = Opts.Threads ? Opts.Threads
                            : std::max(1u, std::thread::hardware_concurrency());
}

Interpreter::~Interpreter() = default;

ArrayRef<ExecutorPort> Interpreter::getInputs() const { return InputPorts; }
ArrayRef<ExecutorPort> Interpreter::getOutputs() const { return OutputPorts; }
unsigned Interpreter::getNumThreads() const { return NumThreads; }

Expected<std::unique_ptr<Interpreter>>
Interpreter::create(const Graph &G, InterpreterOptions Opts) {
  std::unique_ptr<Interpreter> I(new Interpreter(G, Opts));
  Plan &P = *I->P;
  DenseMap<const Value *, int> SlotOf;
  auto NewSlot = [&](const Value *V) {
    int S = P.NumSlots++;
    SlotOf[V] = S;
    return S;
  };
  for (const Value *V : G.getInputs()) {
    P.InputSlots.push_back(NewSlot(V));
    I->InputPorts.push_back({V->getName(), V->getType()});
  }
  for (const Value *V : G.getConstants())
    P.Constants.push_back({NewSlot(V), &V->getConstantData()});

  KernelRegistry &KR = KernelRegistry::get();
  for (const auto &OwnedOp : G.getOps()) {
    const Op &O = *OwnedOp;
    Plan::Step S;
    S.O = &O;
    S.Fn = KR.lookup(O.getDef());
    if (!S.Fn)
      return makeError(O.getDescription() +
                       ": the interpreter has no kernel for '" + O.getKind() +
                       "'");
    for (const Value *V : O.getOperands()) {
      if (!V) {
        S.Operands.push_back(-1);
        continue;
      }
      auto It = SlotOf.find(V);
      if (It == SlotOf.end())
        return makeError(O.getDescription() + ": operand '" + V->getName() +
                         "' is used before it is defined");
      S.Operands.push_back(It->second);
    }
    for (const Value *V : O.getResults())
      S.Results.push_back(NewSlot(V));
    S.WritesAllResults = writesAllResults(O.getKind());
    P.Steps.push_back(std::move(S));
  }
  if (Opts.FuseConvEpilogues)
    fuseConvEpilogues(G, P, SlotOf);
  prepackWeights(P, size_t(1) << 30);
  for (const Value *V : G.getOutputs()) {
    auto It = SlotOf.find(V);
    if (It == SlotOf.end())
      return makeError("graph output '" + V->getName() + "' is not defined");
    P.OutputSlots.push_back(It->second);
    I->OutputPorts.push_back({V->getName(), V->getType()});
  }

  // Last use of every op result that is not a graph output; unused results
  // are freed right after the op that makes them.
  std::vector<int> LastUse(P.NumSlots, -1);
  std::vector<bool> Keep(P.NumSlots, false);
  for (int S : P.OutputSlots)
    Keep[S] = true;
  for (int S : P.InputSlots)
    Keep[S] = true; // Owned by the caller.
  for (auto &C : P.Constants)
    Keep[C.first] = true;
  for (size_t I = 0; I < P.Steps.size(); ++I) {
    for (int S : P.Steps[I].Operands)
      if (S >= 0)
        LastUse[S] = I;
    for (int S : P.Steps[I].Results)
      LastUse[S] = std::max<int>(LastUse[S], I);
  }
  for (unsigned S = 0; S < P.NumSlots; ++S)
    if (!Keep[S] && LastUse[S] >= 0)
      P.Steps[LastUse[S]].FreeAfter.push_back(S);
  return I;
}

Expected<std::vector<Tensor>>
Interpreter::runSingleThreaded(ArrayRef<Tensor> Inputs) const {
  const Plan &P = *this->P;
  if (Inputs.size() != P.InputSlots.size())
    return makeError("expected " + Twine(P.InputSlots.size()) +
                     " input(s), got " + Twine(Inputs.size()));
  std::vector<Tensor> Owned(P.NumSlots);
  std::vector<const Tensor *> Slot(P.NumSlots, nullptr);
  for (size_t I = 0; I < Inputs.size(); ++I)
    Slot[P.InputSlots[I]] = &Inputs[I];
  for (auto &C : P.Constants)
    Slot[C.first] = C.second;

  // Freed intermediates are recycled for later results of the same byte
  // size (this run's and the next runs' on this thread), which saves the
  // allocation and the page faults of large buffers.
  thread_local std::vector<Tensor> FreeList;
  bool ZeroResults = true; // Set per step.
  auto Alloc = [&](TensorType T) {
    size_t Size = T.getSizeInBytes();
    for (size_t I = 0; I < FreeList.size(); ++I)
      if (FreeList[I].getSizeInBytes() == Size) {
        Tensor R = std::move(FreeList[I]);
        FreeList.erase(FreeList.begin() + I);
        R.setType(std::move(T));
        // Kernels may rely on zeroed results (Kernels.h), except those
        // known to write every element.
        if (ZeroResults) {
          MutableArrayRef<char> B = R.mutableBytes();
          std::memset(B.data(), 0, B.size());
        }
        return R;
      }
    return Tensor(std::move(T));
  };
  auto Release = [&](Tensor &T) {
    if (!T.isNull() && !T.isMapped() && T.getSizeInBytes() >= 4096) {
      if (FreeList.size() >= 32)
        FreeList.erase(FreeList.begin());
      FreeList.push_back(std::move(T));
    }
    T = Tensor();
  };

  SmallVector<const Tensor *, 4> Operands;
  for (const Plan::Step &S : P.Steps) {
    Operands.clear();
    for (int Idx : S.Operands)
      Operands.push_back(Idx >= 0 ? Slot[Idx] : nullptr);
    ZeroResults = !S.WritesAllResults;
    Expected<std::vector<Tensor>> Results =
        S.Prep ? runPrepared(*S.O, Operands, *S.Prep, Alloc)
                   : evaluateOpWith(*S.O, Operands, S.Fn, Alloc);
    if (!Results)
      return Results.takeError();
    for (size_t R = 0; R < S.Results.size(); ++R) {
      Owned[S.Results[R]] = std::move((*Results)[R]);
      Slot[S.Results[R]] = &Owned[S.Results[R]];
    }
    for (int F : S.FreeAfter) {
      Release(Owned[F]);
      Slot[F] = nullptr;
    }
  }
  std::vector<Tensor> Outputs;
  for (int S : P.OutputSlots)
    Outputs.push_back(*Slot[S]);
  return Outputs;
}

/// Copies rows [Begin, Begin+Count) of axis 0.
static Tensor sliceBatch(const Tensor &T, int64_t Begin, int64_t Count) {
  SmallVector<int64_t, 4> Shape(T.getShape().begin(), T.getShape().end());
  size_t RowBytes = T.getSizeInBytes() / std::max<int64_t>(Shape[0], 1);
  Shape[0] = Count;
  Tensor R(T.getType().withShape(Shape));
  if (RowBytes != 0 && Count != 0)
    std::memcpy(R.mutableBytes().data(), T.bytes().data() + Begin * RowBytes,
                RowBytes * Count);
  return R;
}

static std::string shapeStr(const TensorType &T) { return T.str(); }

Expected<std::vector<Tensor>> Interpreter::run(ArrayRef<Tensor> Inputs) {
  if (Inputs.size() != InputPorts.size())
    return makeError("the model has " + Twine(InputPorts.size()) +
                     " input(s), got " + Twine(Inputs.size()));
  // Check every input against the declared type and find the batch size.
  // Batch splitting needs all batched inputs to agree on axis 0.
  int64_t Batch = -1;
  bool Splittable = true, OneByOne = false;
  for (size_t I = 0; I < Inputs.size(); ++I) {
    const TensorType &Want = InputPorts[I].Type;
    const TensorType &Got = Inputs[I].getType();
    auto Mismatch = [&] {
      return makeError("input '" + InputPorts[I].Name + "': expected " +
                       shapeStr(Want) + ", got " + shapeStr(Got));
    };
    if (Want.getElementType() != Got.getElementType() ||
        Want.getRank() != Got.getRank())
      return Mismatch();
    for (unsigned D = 1; D < Want.getRank(); ++D)
      if (!Want.isDynamicDim(D) && Want.getDim(D) != Got.getDim(D))
        return Mismatch();
    if (Want.getRank() == 0) {
      Splittable = false;
      continue;
    }
    int64_t N = Got.getDim(0);
    if (!Want.isDynamicDim(0) && Want.getDim(0) != N) {
      // A model exported with a fixed batch of 1 runs N images one by one.
      if (Want.getDim(0) != 1)
        return Mismatch();
      OneByOne = true;
    } else if (!Want.isDynamicDim(0)) {
      Splittable = false;
    }
    if (Batch >= 0 && Batch != N)
      Splittable = false;
    Batch = N;
  }
  if (OneByOne && !Splittable)
    return makeError("inputs disagree on the batch size, and the model only "
                     "takes a batch of 1");
  int64_t Micro = OneByOne ? 1 : Opts.MicroBatch ? Opts.MicroBatch : Batch;
  if (!Splittable || Batch <= 1 ||
      (NumThreads == 1 && !OneByOne && Micro >= Batch))
    return runSingleThreaded(Inputs);

  // Contiguous chunks, one per worker; each worker loops over micro-batches
  // (single images in one-by-one mode) of its range.
  unsigned Workers = std::min<int64_t>(NumThreads, Batch);
  std::vector<std::pair<int64_t, int64_t>> Ranges;
  for (unsigned W = 0; W < Workers; ++W) {
    int64_t B = Batch * W / Workers, E = Batch * (W + 1) / Workers;
    Ranges.push_back({B, E - B});
  }
  auto RunRange = [&](int64_t Begin, int64_t Count)
      -> Expected<std::vector<std::vector<Tensor>>> {
    std::vector<std::vector<Tensor>> Parts;
    for (int64_t S = Begin; S < Begin + Count; S += Micro) {
      int64_t Step = std::min(Micro, Begin + Count - S);
      std::vector<Tensor> Sliced;
      for (const Tensor &T : Inputs)
        Sliced.push_back(sliceBatch(T, S, Step));
      auto Out = runSingleThreaded(Sliced);
      if (!Out)
        return Out.takeError();
      for (const Tensor &T : *Out)
        if (T.getType().getRank() == 0 || T.getShape()[0] != Step)
          return makeError("output has no batch axis (shape " +
                           T.getType().str() + "); cannot split the batch");
      Parts.push_back(std::move(*Out));
    }
    return Parts;
  };

  std::vector<Expected<std::vector<std::vector<Tensor>>>> Results;
  if (Workers == 1) {
    Results.push_back(RunRange(Ranges[0].first, Ranges[0].second));
  } else {
    ThreadPool *Pool;
    {
      std::lock_guard<std::mutex> Lock(P->PoolMutex);
      if (!P->Pool)
        P->Pool = std::make_unique<ThreadPool>(hardware_concurrency(NumThreads));
      Pool = P->Pool.get();
    }
    std::vector<std::shared_future<void>> Futures;
    std::vector<std::optional<Expected<std::vector<std::vector<Tensor>>>>>
        Slots(Workers);
    // The calling thread takes the first range itself.
    for (unsigned W = 1; W < Workers; ++W)
      Futures.push_back(Pool->async([&, W] {
        Slots[W].emplace(RunRange(Ranges[W].first, Ranges[W].second));
      }));
    Slots[0].emplace(RunRange(Ranges[0].first, Ranges[0].second));
    for (auto &F : Futures)
      F.wait();
    for (auto &S : Slots)
      Results.push_back(std::move(*S));
  }

  // Report the first error (in batch order), consume the others.
  Error Err = Error::success();
  for (auto &R : Results)
    if (!R) {
      if (Err)
        consumeError(R.takeError());
      else
        Err = R.takeError();
    }
  if (Err) {
    if (OneByOne)
      return Err;
    // A model whose outputs are not batched cannot be split; run it whole.
    consumeError(std::move(Err));
    return runSingleThreaded(Inputs);
  }

  // Concatenate along axis 0.
  std::vector<Tensor> Outputs;
  const std::vector<Tensor> &First = (*Results[0])[0];
  for (size_t O = 0; O < First.size(); ++O) {
    SmallVector<int64_t, 4> Shape(First[O].getShape().begin(),
                                  First[O].getShape().end());
    Shape[0] = Batch;
    Tensor Out(First[O].getType().withShape(Shape));
    char *Dst = Out.mutableBytes().data();
    for (auto &R : Results)
      for (auto &Part : *R) {
        if (Part[O].getElementType() != First[O].getElementType() ||
            Part[O].getShape().drop_front() != First[O].getShape().drop_front())
          return makeError("output '" + OutputPorts[O].Name +
                           "' changes shape across the batch");
        size_t N = Part[O].getSizeInBytes();
        std::memcpy(Dst, Part[O].bytes().data(), N);
        Dst += N;
      }
    Outputs.push_back(std::move(Out));
  }
  return Outputs;
}

} // namespace onncf
