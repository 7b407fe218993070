#include "network/bitwidth_plan.hpp"

#include <fmt/format.h>

#include <charconv>
#include <regex>

#include "util/error.hpp"

namespace qloop {

namespace {

constexpr const char* kForms =
    "expected e.g. W4A8 (weights 4 bits, activations 8), W8A8O16, W4A16KV4 (KV cache 4 bits), W4A16G128 (a "
    "16-bit scale per group of 128 weights) or native";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == separator) {
      parts.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current += c;
    }
  }
  parts.push_back(current);
  return parts;
}

// Applies "first=..." / "last=..." tokens; returns false for a plain shorthand.
bool apply_position_override(const std::string& token, const std::string& where, BitwidthPlan& plan) {
  auto eq = token.find('=');
  if (eq == std::string::npos) return false;
  auto key = token.substr(0, eq);
  auto value = parse_bitwidth_shorthand(token.substr(eq + 1), where);
  if (key == "first") {
    plan.first = value;
  } else if (key == "last") {
    plan.last = value;
  } else {
    throw InputError("", where, 0, fmt::format("unknown override '{}='; expected first= or last=", key));
  }
  return true;
}

}  // namespace

void BitwidthOverride::apply_to(LayerBitwidths& bits) const {
  if (weights) bits.weights = *weights;
  if (inputs) bits.inputs = *inputs;
  if (outputs) bits.outputs = *outputs;
  if (weight_scales) bits.weight_scales = *weight_scales;
}

LayerBitwidths BitwidthPlan::for_layer(const Network& net, std::size_t index) const {
  LayerBitwidths bits = all;
  // Attention: its right operand is the KV cache, and the scores flow between its two parts.
  switch (net.layers[index].kind) {
    case LayerKind::kAttentionScores:
      bits.weights = kv.value_or(all.inputs);
      bits.weight_scales = {};
      bits.outputs = scores.value_or(all.inputs);
      break;
    case LayerKind::kAttentionContext:
      bits.weights = kv.value_or(all.inputs);
      bits.weight_scales = {};
      bits.inputs = scores.value_or(all.inputs);
      break;
    default:
      break;
  }
  if (first && index == 0) first->apply_to(bits);
  if (last && index + 1 == net.layers.size()) last->apply_to(bits);
  if (auto it = per_layer.find(net.layers[index].name); it != per_layer.end()) it->second.apply_to(bits);
  return bits;
}

BitwidthOverride parse_bitwidth_shorthand(const std::string& text, const std::string& where) {
  if (text == "native") return {0, 0, 0};
  static const std::regex kShorthand(R"(^W(\d+)A(\d+)(?:O(\d+))?(?:G(\d+))?(?:KV(\d+))?$)", std::regex::icase);
  std::smatch match;
  if (!std::regex_match(text, match, kShorthand)) {
    throw InputError("", where, 0, fmt::format("'{}' is not a bitwidth setting; {}", text, kForms));
  }
  auto number = [&](int group, int most, const char* what, const char* unit) {
    std::string digits = match[group];
    int value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value < 1 || value > most) {
      throw InputError("", where, 0, fmt::format("'{}': {} are 1 to {}{}, got {}", text, what, most, unit, digits));
    }
    return value;
  };
  auto bits = [&](int group) { return number(group, 64, "bitwidths", " bits"); };
  BitwidthOverride o;
  o.weights = bits(1);
  o.inputs = bits(2);
  o.outputs = match[3].matched ? bits(3) : *o.inputs;
  if (match[4].matched) o.weight_scales = GroupScales{number(4, kMaxScaleGroup, "weights per scale", ""), 16};
  if (match[5].matched) o.kv = bits(5);
  return o;
}

BitwidthPlan parse_bitwidth_plan_text(const std::string& text, const std::string& where) {
  auto plans = parse_bitwidth_sweep(text, where);
  if (plans.size() != 1) {
    throw InputError("", where, 0,
                     fmt::format("'{}' names {} settings; give one (plus first=/last=)", text, plans.size()));
  }
  return plans.front();
}

std::vector<BitwidthPlan> parse_bitwidth_sweep(const std::string& text, const std::string& where) {
  BitwidthPlan overrides;
  std::vector<std::string> shorthands;
  for (const auto& token : split(text, ',')) {
    if (token.empty()) throw InputError("", where, 0, fmt::format("'{}' has an empty entry; {}", text, kForms));
    if (!apply_position_override(token, where, overrides)) shorthands.push_back(token);
  }
  if (shorthands.empty()) throw InputError("", where, 0, fmt::format("'{}' names no setting; {}", text, kForms));
  std::vector<BitwidthPlan> plans;
  for (const auto& shorthand : shorthands) {
    BitwidthPlan plan = overrides;
    plan.label = shorthand;
    auto setting = parse_bitwidth_shorthand(shorthand, where);
    setting.apply_to(plan.all);
    if (setting.kv) plan.kv = setting.kv;
    plans.push_back(plan);
  }
  return plans;
}

std::vector<std::string> unknown_layers(const BitwidthPlan& plan, const Network& net) {
  std::vector<std::string> unknown;
  for (const auto& [name, o] : plan.per_layer) {
    bool found = false;
    for (const auto& layer : net.layers) found = found || layer.name == name;
    if (!found) unknown.push_back(name);
  }
  return unknown;
}

}  // namespace qloop
