#pragma once
// Bit-packing: the one place where a tensor's bitwidth meets a memory word. Every count
// that crosses a memory word (capacity, reads, fills, updates, reductions, network
// transfers) goes through these functions.

#include <cmath>
#include <cstdint>
#include <optional>

namespace qloop {

struct WordPacking {
  bool packed = false;            // a bitwidth other than the word's is given
  bool fits = true;               // false when the operand is wider than the word
  int operands_per_word = 1;      // k = floor(W / b); 1 when nothing is packed
  int wasted_bits_per_word = 0;   // W mod b
};

// A tensor without a bitwidth, or exactly as wide as the word, is stored one per word.
inline WordPacking pack(std::optional<int> bitwidth, int word_bits) {
  WordPacking p;
  if (!bitwidth || *bitwidth == word_bits) return p;
  p.packed = true;
  if (*bitwidth > word_bits) {
    p.fits = false;
    return p;
  }
  p.operands_per_word = word_bits / *bitwidth;
  p.wasted_bits_per_word = word_bits % *bitwidth;
  return p;
}

// Words needed for `operands` operands (a value never straddles two words). Counts can be
// fractional (averaged over spatial instances): unpacked ones are truncated, packed ones
// rounded up, as the reference does.
inline std::uint64_t words_for(double operands, const WordPacking& p) {
  if (!p.packed) return static_cast<std::uint64_t>(operands);
  return static_cast<std::uint64_t>(std::ceil(operands / p.operands_per_word));
}

// Operands crossing a network, in words: whole operands first when packed, and kept
// fractional (the reference reports ingresses as real numbers).
inline double network_words(double operands, const WordPacking& p) {
  if (!p.packed) return operands;
  return std::ceil(operands) / p.operands_per_word;
}

}  // namespace qloop
