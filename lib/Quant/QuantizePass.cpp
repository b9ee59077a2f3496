//===- QuantizePass.cpp - The `quantize` pass for pipelines ---------------===//
//
// Part of onnc-fault. Wraps quantizeGraph() as a pass so onnc-opt and lit
// tests can run it on text IR or ONNX:
//   onnc-opt model.onnx -passes='default,quantize{table=t.json,bits=8}'
// The table is read when the pass runs; its errors name the file.
//
//===----------------------------------------------------------------------===//
#include "QuantizeImpl.h"
#include "onncf/Pass/PassRegistry.h"
#include "onncf/Support/Diagnostics.h"

using namespace llvm;

namespace onncf {

namespace {

class QuantizePass : public Pass {
public:
  StringRef getName() const override { return "quantize"; }
  StringRef getDescription() const override {
    return "Rewrite the float graph into quant.* integer ops using a "
           "calibration table";
  }

  Error run(Graph &G, PassContext &Ctx) override {
    if (Table.getValue().empty())
      return makeError("quantize needs a calibration table: "
                       "quantize{table=FILE}");
    if (Bits != 8 && Bits != 16)
      return makeError("bits must be 8 or 16, got " + Twine(int64_t(Bits)));
    if (WeightBits < 2 || WeightBits > 16)
      return makeError("weight-bits must be 2..16, got " +
                       Twine(int64_t(WeightBits)));
    auto T = CalibrationTable::readFile(Table.getValue());
    if (!T)
      return T.takeError();
    QuantizeOptions Opts;
    Opts.ActivationBits = static_cast<unsigned>(Bits);
    Opts.WeightBits = static_cast<unsigned>(WeightBits);
    Opts.Weights = PerTensor ? WeightGranularity::PerTensor
                             : WeightGranularity::PerChannel;
    quantize::Quantizer Q(G, *T, Opts);
    if (Error E = Q.run())
      return E;
    Ctx.recordChange("ops quantized", Q.getNumQuantized());
    Ctx.recordChange("ops kept in float", Q.getNumKeptFloat());
    Ctx.markChanged();
    return Error::success();
  }

private:
  PassOption<std::string> Table{
      *this, "table", "Calibration table (NVIDIA calibtable JSON)", ""};
  PassOption<int64_t> Bits{*this, "bits", "Activation bits: 8 or 16", 8};
  PassOption<int64_t> WeightBits{*this, "weight-bits",
                                 "Weight word bits: 2..16", 8};
  PassOption<bool> PerTensor{
      *this, "per-tensor",
      "One weight scale per tensor instead of per output channel", false};
};

} // namespace

void registerQuantizePass() {
  PassRegistry::get().registerPass<QuantizePass>();
}

} // namespace onncf
