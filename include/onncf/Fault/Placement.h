//===- Placement.h - Where the chip stores each weight word ----*- C++ -*-===//
//
// Part of onnc-fault. A target's storage placement says, for every weight
// tensor the chip keeps in a faulty memory, which memory and which bits each
// element occupies, so that the compiler (to choose stored words) and the
// executors (to inject faults) ask the defect map about the same cells.
//
// The interface is target-independent: a placement is a list of
// StoredTensor. The host target has a simple linear weight memory
// (placeWeightsLinearly); the NVDLA backend provides its own list. Both
// record the placement in the IR as the stored-weight attributes of
// quant.conv / quant.fc (onncf/IR/QuantOps.h), so it survives --emit=ir and
// a reload. See docs/FaultInjection.md.
//
// Addressing (wmem, as docs/DefectMapFormat.md defines it): the weight
// memory is byte-addressed; a Q-bit weight word occupies ceil(Q/8) bytes
// (little-endian), and its bit j is the cell at linear bit address
// 8 * byte + j (DefectMap::faultsAtBitAddress), so a map of any word width
// (8, 16, 32 ...) describes the same cells. Bits Q..8*ceil(Q/8)-1 of a
// word's bytes are unused: their faults do not matter.
//
//===----------------------------------------------------------------------===//
#ifndef ONNCF_FAULT_PLACEMENT_H
#define ONNCF_FAULT_PLACEMENT_H

#include "onncf/Fault/DefectMap.h"
#include "onncf/Fault/WordFaults.h"
#include "llvm/Support/Error.h"
#include <vector>

namespace onncf {

class Graph;
class Op;
class Value;

namespace fault {

/// The IR attribute names of the stored-weight placement and decoding.
namespace attr {
constexpr const char *WMemOffset = "wmem_offset";
constexpr const char *WMemWords = "wmem_words";
constexpr const char *Mitigation = "mitigation";
constexpr const char *Decoder = "decoder";
constexpr const char *DecoderMasks = "decoder_masks";
/// A target layout of the words (absent: linear). "nvdla-direct": element
/// (k, c, r, s) is at wmem_offset + nvdlaDirectOffset(...) (NVDLA direct
/// convolution weights), with wmem_kcrs = [K, C, R, S] and wmem_groups =
/// [kernels per group, channels per group].
constexpr const char *WMemLayout = "wmem_layout";
constexpr const char *WMemKCRS = "wmem_kcrs";
constexpr const char *WMemGroups = "wmem_groups";
/// [atomK, atomC]: the MAC array the products of the op run on.
constexpr const char *CmacCells = "cmac_cells";
constexpr const char *NvdlaDirect = "nvdla-direct";
} // namespace attr

/// NVDLA's direct-convolution weight order: kernel groups of KPerGroup
/// kernels, within each channel groups of CPerGroup channels, then
/// (r, s, k, c); partial last groups are not padded. This is the formula of
/// targets/NVDLA/Layout (WeightLayout::getWeightOffset), kept here so the
/// fault library needs no target code; a unit test checks both agree.
struct GroupedKCRS {
  int64_t K = 0, C = 0, R = 0, S = 0;
  int64_t KPerGroup = 1, CPerGroup = 1;
  uint64_t count() const { return uint64_t(K) * C * R * S; }
  /// Element offset of W[k][c][r][s] in the packed order.
  uint64_t offsetOf(int64_t Kk, int64_t Ch, int64_t Rr, int64_t Ss) const;
  /// Element offset of row-major (k, c, r, s) element \p I.
  uint64_t offsetOfIndex(uint64_t I) const;
};

/// One stored weight tensor: element I (row-major) of operand Operand of
/// Owner (a constant, Data) is the WordBits-bit two's complement word whose
/// bit j is at bit address 8 * (FirstByte + I * StrideBytes) + j of the
/// memory of kind Kind.
struct StoredTensor {
  Op *Owner = nullptr;
  unsigned Operand = 1;
  Value *Data = nullptr;
  MemoryKind Kind = MemoryKind::WMem;
  uint64_t FirstByte = 0;
  uint64_t StrideBytes = 1;
  unsigned WordBits = 8;
  uint64_t Count = 0;
  /// wmem_layout "nvdla-direct": element I is at slot Grouped.offsetOfIndex(I)
  /// instead of slot I (a permutation of 0..Count-1).
  bool IsGrouped = false;
  GroupedKCRS Grouped;

  WordFormat format() const { return WordFormat{WordBits, /*Signed=*/true}; }
  /// The word slot (0..Count-1) element \p I is stored in.
  uint64_t slotOf(uint64_t I) const {
    return IsGrouped ? Grouped.offsetOfIndex(I) : I;
  }
  uint64_t byteAddress(uint64_t I) const {
    return FirstByte + slotOf(I) * StrideBytes;
  }
  uint64_t bitAddress(uint64_t I) const { return 8 * byteAddress(I); }
  /// One past the last byte the tensor occupies (slots are dense).
  uint64_t endByte() const {
    return Count ? FirstByte + (Count - 1) * StrideBytes + (WordBits + 7) / 8
                 : FirstByte;
  }
};

/// True for the ops whose weight (operand 1) is stored in the chip's weight
/// memory: quant.conv and quant.fc with a constant integer weight.
bool hasStoredWeight(const Op &O);

/// The word width of the weight of \p O: its QuantParams Bits, else the
/// element type's width.
unsigned weightWordBits(const Op &O);

/// The host target's placement: every stored weight, in op order, in one
/// linear byte-addressed weight memory from address 0, ceil(Q/8) bytes per
/// word, each tensor starting at a multiple of its word size. Writes
/// wmem_offset / wmem_words on each op. A weight constant shared by several
/// ops is duplicated first (each op's copy is stored, and may be mitigated,
/// separately). Returns the number of bytes used.
uint64_t placeWeightsLinearly(Graph &G);

/// True if some op of \p G carries a stored-weight attribute.
bool hasStoredWeightAttrs(const Graph &G);

/// The placement recorded in \p G's attributes, in op order (ops without
/// wmem_offset are not stored). The error names the op whose attributes do
/// not match its weight, or two tensors that overlap.
llvm::Expected<std::vector<StoredTensor>> listStoredWeights(const Graph &G);

/// One past the last byte any of \p Ts occupies (0 for none).
uint64_t placementEndByte(llvm::ArrayRef<StoredTensor> Ts);

/// The weight memory of \p Map for \p Ts: the first memory of kind wmem.
/// Errors (naming \p MapName) if the map has none or it is too small.
llvm::Expected<unsigned> findWeightMemory(const DefectMap &Map,
                                          llvm::ArrayRef<StoredTensor> Ts,
                                          llvm::StringRef MapName);

/// The faults of every word of \p T in memory \p Mem of \p Map.
std::vector<WordFaults> faultsOfTensor(const DefectMap &Map, unsigned Mem,
                                       const StoredTensor &T);

} // namespace fault
} // namespace onncf

#endif
