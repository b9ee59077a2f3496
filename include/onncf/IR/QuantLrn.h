//===- QuantLrn.h - quant.lrn attribute encoding ----------------*- C++ -*-===//
//
// Part of onnc-fault. quant.lrn (onncf/IR/QuantOps.h) carries the NVDLA CDP
// pipeline in register form; these functions translate between its
// attributes and the parameters of onncf/Quant/CdpArith.h, so the
// interpreter's kernel, the NVDLA lowering and the quantize pass read and
// write the same encoding.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_IR_QUANTLRN_H
#define ONNCF_IR_QUANTLRN_H

#include "onncf/IR/Attribute.h"
#include "onncf/Quant/CdpArith.h"
#include "llvm/Support/Error.h"

namespace onncf {

class Op;
class OpRegistry;

/// Registers quant.lrn; called by registerQuantOps.
void registerQuantLrnOp(OpRegistry &R);

/// Reads quant.lrn's attributes into \p P and \p L; an error names the op
/// and the bad attribute. \p OutBits comes from the 'out_bits' attribute.
llvm::Error getQuantLrnParams(const Op &O, fixp::CdpParams &P, fixp::CdpLut &L);

/// The quant.lrn attributes encoding \p P (LocalSize, converters, OutBits;
/// the bypass flags must be off) and \p L.
AttributeMap makeQuantLrnAttrs(const fixp::CdpParams &P, const fixp::CdpLut &L);

} // namespace onncf

#endif
