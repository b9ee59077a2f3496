//===- Decoders.cpp - Read-path decoders ----------------------------------===//
//
// Part of onnc-fault. What the read circuitry of a chip does to the word it
// read before the MAC uses it (seed 001 figure 7, seed 000 section V).
//
//===----------------------------------------------------------------------===//
#include "onncf/Fault/Mitigation.h"
#include "llvm/Support/ErrorHandling.h"

using namespace llvm;

namespace onncf {
namespace fault {

StringRef decoderName(Decoder D) {
  switch (D) {
  case Decoder::None:
    return "none";
  case Decoder::LSB:
    return "lsb";
  case Decoder::C1:
    return "c1";
  case Decoder::SignBit:
    return "sign-bit";
  case Decoder::InverseSignBit:
    return "inverse-sign-bit";
  }
  llvm_unreachable("unknown decoder");
}

uint64_t decodeRead(uint64_t Read, const WordFaults &F, Decoder D,
                    const WordFormat &Fmt) {
  const uint64_t M = Fmt.mask();
  Read &= M;
  switch (D) {
  case Decoder::None:
    return Read;
  case Decoder::LSB:
    // All bits XOR-ed with the LSB: the LSB of a decoded word is always 0.
    return (Read & 1) ? ~Read & M : Read;
  case Decoder::C1:
    return (countOnes(Read) & 1) ? ~Read & M : Read;
  case Decoder::SignBit:
  case Decoder::InverseSignBit: {
    const unsigned SignPos = Fmt.Bits - 1;
    // The sign bit itself cannot be substituted (seed 000: "this method
    // cannot compensate for the error in the sign bit").
    uint64_t K = F.defective() & M & ~(uint64_t(1) << SignPos);
    bool Fill = (Read >> SignPos) & 1;
    if (D == Decoder::InverseSignBit)
      Fill = !Fill;
    return Fill ? (Read | K) : (Read & ~K);
  }
  }
  llvm_unreachable("unknown decoder");
}

} // namespace fault
} // namespace onncf
