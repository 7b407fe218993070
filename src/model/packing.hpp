#pragma once
// Bit-packing: the one place where a tensor's bitwidth meets a memory word. Every count
// that crosses a memory word (capacity, reads, fills, updates, reductions, network
// transfers) goes through these functions.

#include <cmath>
#include <cstdint>
#include <optional>

namespace qloop {

struct WordPacking {
  bool packed = false;           // a bitwidth other than the word's is given
  bool fits = true;              // false when the operand is wider than the word
  int operands_per_word = 1;     // k = floor(W / b); 1 when nothing is packed
  int wasted_bits_per_word = 0;  // W mod b
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

// Words needed for `operands` whole operands (a value never straddles two words): one word
// each unpacked, k to a word rounded up when packed. Buffer counts reach here as whole
// operands: tile collapse rounds them as the reference stores them (tile_collapse.hpp).
inline std::uint64_t words_for(std::uint64_t operands, const WordPacking& p) {
  if (!p.packed) return operands;
  auto k = static_cast<std::uint64_t>(p.operands_per_word);
  return operands / k + (operands % k != 0);
}

// Operands crossing a network, in words: whole operands first when packed, and kept
// fractional (the reference reports ingresses as real numbers).
inline double network_words(double operands, const WordPacking& p) {
  if (!p.packed) return operands;
  return std::ceil(operands) / p.operands_per_word;
}

}  // namespace qloop
