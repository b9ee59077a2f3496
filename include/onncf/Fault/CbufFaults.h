//===- CbufFaults.h - Stuck cells of the NVDLA convolution buffer -*- C++ -*-//
//
// Part of onnc-fault. The CBUF holds, while one convolution runs, the rows
// of its input cube it reads (data banks) and its packed kernels (weight
// banks). A stuck cell there corrupts every read of the value stored on it,
// for that convolution only: the same activation read by another layer, or
// the same weight in the weight memory, is unaffected.
//
// This header is the target-independent model both executors share, so the
// host interpreter and the NVDLA virtual platform corrupt the same values:
//  * CbufConvLayout says which CBUF byte each operand element occupies
//    (our layout model, docs/CbufFaults.md);
//  * cbufFaultsOfConv asks a defect map's cbuf memory about those bytes and
//    returns the (sparse) list of faulty elements;
//  * applyCbufHits corrupts a buffer in place: (v & ~sa0) | sa1 per element.
//
// Addressing: CBUF byte b (bank * BankBytes + entry * EntryBytes + byte in
// the entry) has its bit j at the map's linear bit address 8 * b + j, i.e.
// row bank * entries + entry, bit 8 * (byte in the entry) + j of a cbuf
// memory of width 8 * EntryBytes (DefectMap::faultsAtBitAddress).
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_CBUFFAULTS_H
#define ONNCF_FAULT_CBUFFAULTS_H

#include "onncf/Fault/DefectMap.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace onncf {
class Graph;
class Op;

namespace fault {

/// The IR attributes of the CBUF model on quant.conv / quant.fc (written by
/// the NVDLA placement; docs/CbufFaults.md).
namespace attr {
constexpr const char *CbufBanks = "cbuf_banks"; ///< [data banks, weight banks]
/// [entries per bank, bytes per entry, channels per feature atom]
constexpr const char *CbufGeometry = "cbuf_geometry";
constexpr const char *CbufParts = "cbuf_parts"; ///< parts the planner runs
/// Ints (index, sa0, sa1) per faulty input element of one image (index in
/// the C x H x W cube the op reads): written by applyCbufFaults, applied by
/// the host kernels to each image's input.
constexpr const char *CbufDataHits = "cbuf_data_hits";
} // namespace attr

/// Where one convolution's operands sit in the CBUF. Data: the C x H x W
/// cube of the rows loaded, in banks [0, DataBanks), one atom (AtomC
/// channels of one pixel, AtomC * ElemBytes bytes, the last surface padded)
/// after the other in the order row, surface (channel group), column.
/// Weights: the packed kernel bytes loaded (from the first byte of the
/// first kernel group), in banks [DataBanks, DataBanks + WeightBanks).
struct CbufConvLayout {
  unsigned EntryBytes = 0; ///< width of one bank row in bytes
  uint64_t BankDepth = 0;  ///< entries per bank
  unsigned AtomC = 0;      ///< channels per feature atom
  unsigned ElemBytes = 1;  ///< 1 (int8) or 2 (int16) per element
  int64_t C = 0, H = 0, W = 0;
  unsigned DataBanks = 0;
  unsigned WeightBanks = 0;

  uint64_t bankBytes() const { return BankDepth * EntryBytes; }
  int64_t surfaces() const { return AtomC ? (C + AtomC - 1) / AtomC : 0; }
  /// CBUF byte of the first byte of data element (c, h, w).
  uint64_t dataByte(int64_t Ch, int64_t Row, int64_t Col) const {
    uint64_t Atom = (uint64_t(Row) * surfaces() + Ch / AtomC) * W + Col;
    return Atom * AtomC * ElemBytes + uint64_t(Ch % AtomC) * ElemBytes;
  }
  /// Bytes the data cube occupies.
  uint64_t dataBytes() const {
    return uint64_t(H) * surfaces() * W * AtomC * ElemBytes;
  }
  /// CBUF byte of packed weight byte \p Rel.
  uint64_t weightByte(uint64_t Rel) const {
    return uint64_t(DataBanks) * bankBytes() + Rel;
  }
  /// Checks the geometry and that \p WeightBytes and the data fit their
  /// banks; \p What names the convolution in the error.
  llvm::Error check(uint64_t WeightBytes, llvm::StringRef What) const;
};

/// One faulty element: the bits of the value at dense index Index that
/// read as 0 (Sa0) or 1 (Sa1), ElemBytes * 8 bits wide.
struct CbufHit {
  uint64_t Index = 0;
  uint16_t Sa0 = 0, Sa1 = 0;
};

/// The faulty elements of one convolution's CBUF operands.
struct CbufConvFaults {
  /// Data: Index = (c * H + h) * W + w, masks on the ElemBytes-wide value.
  std::vector<CbufHit> Data;
  /// Weights: Index = packed weight byte, 8-bit masks.
  std::vector<CbufHit> Weights;
  bool empty() const { return Data.empty() && Weights.empty(); }
};

/// The faults of every element of \p L (and of \p WeightBytes packed weight
/// bytes) in memory \p Mem (kind cbuf) of \p Map. Errors (naming \p What
/// and \p MapName) when the memory's width is not 8 * EntryBytes or the
/// operands do not fit it.
llvm::Expected<CbufConvFaults>
cbufFaultsOfConv(const DefectMap &Map, unsigned Mem, const CbufConvLayout &L,
                 uint64_t WeightBytes, llvm::StringRef What,
                 llvm::StringRef MapName);

/// Corrupts int8 values in place: V[h.Index] = (v & ~sa0) | sa1 for each
/// hit (hits beyond the buffer are ignored: a batch slice may be shorter).
void applyCbufHits(llvm::ArrayRef<CbufHit> Hits, llvm::MutableArrayRef<int8_t> V);
/// The same for int16 values.
void applyCbufHits(llvm::ArrayRef<CbufHit> Hits,
                   llvm::MutableArrayRef<int16_t> V);
/// The same for bytes (packed weights).
void applyCbufHits(llvm::ArrayRef<CbufHit> Hits,
                   llvm::MutableArrayRef<uint8_t> V);

//===-- Graph level (host) ------------------------------------------------===//

/// The CBUF faults of one quant.conv / quant.fc on the host.
struct CbufOpFaults {
  Op *O = nullptr;
  /// Index = (c * H + h) * W + w of the C x H x W input cube of one image.
  std::vector<CbufHit> Data;
  /// Index = row-major element of the weight tensor (8-bit masks).
  std::vector<CbufHit> Weights;
};

/// Host, step 1: the faulty elements of every quant.conv / quant.fc's CBUF
/// operands under the first cbuf memory of \p Map, from the NVDLA placement
/// (cbuf_banks, cbuf_geometry, cbuf_parts, wmem_layout / wmem_kcrs /
/// wmem_groups). Runs BEFORE applyWeightFaults, which drops the weight
/// layout. Errors (naming the op / \p MapName): no cbuf memory, an op
/// without the placement, a convolution the planner splits (the host
/// models unsplit ones only), a map whose geometry is not the placement's.
llvm::Expected<std::vector<CbufOpFaults>>
findCbufFaults(Graph &G, const DefectMap &Map, llvm::StringRef MapName = "");

/// Host, step 2 (after applyWeightFaults: the constants hold the decoded
/// weights, which is what the CBUF receives): the weight hits corrupt the
/// weight constants (a shared constant gets a private copy), the data hits
/// become cbuf_data_hits, which the host quant.conv / quant.fc kernels
/// apply to each image's input.
llvm::Error applyCbufFaults(Graph &G, llvm::ArrayRef<CbufOpFaults> Faults);

} // namespace fault
} // namespace onncf

#endif
