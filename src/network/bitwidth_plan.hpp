#pragma once
// Which bitwidths each layer of a network runs at: a default, first/last-layer overrides and
// per-layer entries. Shorthands like "W4A8" (weights 4 bits, activations 8: Inputs and
// Outputs) are parsed here; plans in YAML/CSV files by input/parse_bitwidth_plan.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "workload/layer.hpp"

namespace qloop {

// A partial setting: unset tensors keep what the plan gave them before.
struct BitwidthOverride {
  std::optional<int> weights = {}, inputs = {}, outputs = {};
  std::optional<int> kv = {};                     // the KV cache: attention's keys and values (plans only)
  std::optional<int> scores = {};                 // attention scores, out of Q K^T and into P V (plans only)
  std::optional<GroupScales> weight_scales = {};  // group-wise weight quantization
  void apply_to(LayerBitwidths& bits) const;      // weights, inputs, outputs, weight_scales
};

// Weights per scale in group-wise quantization: at most this many (a group beyond covers any layer).
constexpr int kMaxScaleGroup = 1 << 24;

struct BitwidthPlan {
  std::string label;   // e.g. "W4A8" (for tables and charts)
  LayerBitwidths all;  // every layer, before overrides; zeros = native width
  // Tensor classes of attention layers: the keys or values in the Weights slot take `kv`, the
  // scores `scores`; unset, they take the activations' (all.inputs). The KV cache has no
  // group scales unless a layer's own entry gives them.
  std::optional<int> kv, scores;
  std::optional<BitwidthOverride> first, last;
  std::map<std::string, BitwidthOverride> per_layer;

  // Resolution order: all (for attention layers with kv and scores in their slots), then
  // first/last, then the layer's own entry.
  LayerBitwidths for_layer(const Network& net, std::size_t index) const;
};

// "W4A8", "W8A8O16", "W16A16", "W4A16KV4" (KV cache 4 bits), "W4A16G128" (a 16-bit scale per
// group of 128 weights); "native" (every tensor as wide as each memory word). Throws InputError (key `where`, e.g.
// "--bits") with the accepted forms.
BitwidthOverride parse_bitwidth_shorthand(const std::string& text, const std::string& where);

// "W4A8,first=W8A8,last=W8A8" -> one plan. A plan's layer names are checked against `net`.
BitwidthPlan parse_bitwidth_plan_text(const std::string& text, const std::string& where);

// "W16A16,W8A16,W4A16,first=W8A8" -> one plan per shorthand, each with the overrides.
std::vector<BitwidthPlan> parse_bitwidth_sweep(const std::string& text, const std::string& where);

// Layer names of `plan` that `net` does not have (for an error message).
std::vector<std::string> unknown_layers(const BitwidthPlan& plan, const Network& net);

}  // namespace qloop
