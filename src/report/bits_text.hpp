#pragma once
// How a layer's bitwidths read in tables: "word" for native widths, and the weights'
// group scales as "4g128" (a 16-bit scale per 128 weights) or "4g32s8" (8-bit scales).

#include <fmt/format.h>

#include <string>

#include "workload/layer.hpp"

namespace qloop::report {

inline std::string bits_text(int bits) { return bits > 0 ? std::to_string(bits) : "word"; }

inline std::string weight_bits_text(const LayerBitwidths& b) {
  auto text = bits_text(b.weights);
  if (b.weight_scales.group == 0) return text;
  text += fmt::format("g{}", b.weight_scales.group);
  if (b.weight_scales.bits != 16) text += fmt::format("s{}", b.weight_scales.bits);
  return text;
}

}  // namespace qloop::report
