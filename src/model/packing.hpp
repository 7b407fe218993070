#pragma once
// Bit-packing: the one place where a tensor's bitwidth meets a memory word. Every count
// that crosses a memory word (capacity, reads, fills, updates, reductions, network
// transfers) goes through these functions.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "workload/workload.hpp"

namespace qloop {

struct WordPacking {
  bool packed = false;            // a bitwidth other than the word's is given
  bool fits = true;               // false when the operand (or its group's scale) is wider than the word
  int operands_per_word = 1;      // k = floor(W / b); 1 when nothing is packed
  int wasted_bits_per_word = 0;   // W mod b
  std::uint64_t scale_group = 0;  // group-wise quantization: operands per scale; 0 = none
  int scale_bits = 0;
  int scales_per_word = 1;  // scales are packed among themselves, in words of their own
};

// A tensor without a bitwidth, or exactly as wide as the word, is stored one per word.
// Group scales (workload.hpp) are stored beside the operands, in words of their own.
inline WordPacking pack(std::optional<int> bitwidth, int word_bits, GroupScales scales = {}) {
  WordPacking p;
  if (scales.group > 0) {
    p.scale_group = static_cast<std::uint64_t>(scales.group);
    p.scale_bits = scales.bits;
    p.scales_per_word = std::max(1, word_bits / scales.bits);
    p.fits = scales.bits <= word_bits;
  }
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

inline std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0); }

// Words holding the scales of `operands` operands: one scale per group begun.
inline std::uint64_t scale_words(std::uint64_t operands, const WordPacking& p) {
  if (p.scale_group == 0) return 0;
  return ceil_div(ceil_div(operands, p.scale_group), static_cast<std::uint64_t>(p.scales_per_word));
}

// Words needed for `operands` whole operands (a value never straddles two words): one word
// each unpacked, k to a word rounded up when packed, plus their group scales if any. Buffer
// counts reach here as whole operands: tile collapse rounds them as the reference stores
// them (tile_collapse.hpp).
inline std::uint64_t words_for(std::uint64_t operands, const WordPacking& p) {
  std::uint64_t words = p.packed ? ceil_div(operands, static_cast<std::uint64_t>(p.operands_per_word)) : operands;
  return words + scale_words(operands, p);
}

// Operands crossing a network, in words: whole operands first when packed, and kept
// fractional (the reference reports ingresses as real numbers); scales as a fraction too.
inline double network_words(double operands, const WordPacking& p) {
  double words = p.packed ? std::ceil(operands) / p.operands_per_word : operands;
  if (p.scale_group > 0) words += std::ceil(operands) / static_cast<double>(p.scale_group) / p.scales_per_word;
  return words;
}

}  // namespace qloop
