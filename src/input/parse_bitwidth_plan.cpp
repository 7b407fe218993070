#include "input/parse_bitwidth_plan.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "input/csv_table.hpp"
#include "input/node_reader.hpp"
#include "input/schema.hpp"
#include "input/yaml_document.hpp"
#include "util/error.hpp"

namespace qloop::input {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int bits_of(const NodeReader& node) {
  auto value = node.as_int();
  if (value < 1 || value > 64) node.fail(fmt::format("a bitwidth is 1 to 64 bits, got {}", value));
  return static_cast<int>(value);
}

// Either a shorthand string or {Weights, Inputs, Outputs} (any subset).
BitwidthOverride parse_override(const NodeReader& node) {
  if (node.is_scalar()) {
    try {
      return parse_bitwidth_shorthand(node.as_string(), node.path());
    } catch (const InputError& e) {
      node.fail(e.message());
    }
  }
  node.allow_only(schema("bitwidths.tensors"));
  BitwidthOverride o;
  if (auto w = node.find("Weights")) o.weights = bits_of(*w);
  if (auto i = node.find("Inputs")) o.inputs = bits_of(*i);
  if (auto out = node.find("Outputs")) o.outputs = bits_of(*out);
  if (auto group = node.find("group")) {
    auto weights = group->as_int();
    if (weights < 1 || weights > kMaxScaleGroup) {
      group->fail(fmt::format("weights per scale are 1 to {}, got {}", kMaxScaleGroup, weights));
    }
    o.weight_scales = GroupScales{static_cast<int>(weights), 16};
    if (auto scale = node.find("scale_bits")) o.weight_scales->bits = bits_of(*scale);
  } else if (auto scale = node.find("scale_bits")) {
    scale->fail("scale_bits without group: give the weights per scale too (group: 128)");
  }
  return o;
}

BitwidthPlan parse_yaml_plan(const std::string& path) {
  auto doc = load_yaml_files({path});
  auto* found = doc.find("bitwidths");
  if (!found) throw InputError(path, "bitwidths", 0, "expected a top-level 'bitwidths' section");
  NodeReader plan_node(found->node, found->file, "bitwidths");
  plan_node.allow_only(schema("bitwidths"));
  BitwidthPlan plan;
  plan.label = std::filesystem::path(found->file).stem().string();
  if (auto d = plan_node.find("default")) {
    auto setting = parse_override(*d);
    setting.apply_to(plan.all);
    plan.kv = setting.kv;
  }
  if (auto kv = plan_node.find("kv")) plan.kv = bits_of(*kv);
  if (auto scores = plan_node.find("scores")) plan.scores = bits_of(*scores);
  if (auto f = plan_node.find("first")) plan.first = parse_override(*f);
  if (auto l = plan_node.find("last")) plan.last = parse_override(*l);
  if (auto layers = plan_node.find("layers")) {
    layers->expect_map();
    for (const auto& name : layers->keys()) plan.per_layer[name] = parse_override(layers->at(name));
  }
  return plan;
}

BitwidthPlan parse_csv_plan(const std::string& path) {
  auto table = read_csv_table(path, "layer", {"Weights", "Inputs", "Outputs"});
  BitwidthPlan plan;
  plan.label = std::filesystem::path(path).stem().string();
  for (const auto& row : table.rows) {
    BitwidthOverride o;
    for (std::size_t i = 1; i < row.cells.size(); ++i) {
      const auto& cell = row.cells[i];
      if (cell.empty()) continue;
      int bits = 0;
      try {
        std::size_t used = 0;
        bits = std::stoi(cell, &used);
        if (used != cell.size()) bits = 0;
      } catch (const std::exception&) {
        bits = 0;
      }
      if (bits < 1 || bits > 64) {
        throw InputError(path, table.header[i], row.line, fmt::format("'{}' is not a bitwidth of 1 to 64 bits", cell));
      }
      const auto& column = table.header[i];
      (column == "Weights" ? o.weights : column == "Inputs" ? o.inputs : o.outputs) = bits;
    }
    plan.per_layer[row.cells[0]] = o;
  }
  return plan;
}

}  // namespace

bool is_plan_file(const std::string& text_or_path) {
  return is_inline_source(text_or_path) || ends_with(text_or_path, ".yaml") || ends_with(text_or_path, ".yml") ||
         ends_with(text_or_path, ".csv");
}

BitwidthPlan load_bitwidth_plan(const std::string& text_or_path, const Network& net) {
  bool is_inline = is_inline_source(text_or_path);
  bool is_file = is_plan_file(text_or_path);
  if (is_file && !is_inline && !std::filesystem::exists(text_or_path))
    throw InputError(text_or_path, "", 0, "no such file");
  auto plan = !is_file                                        ? parse_bitwidth_plan_text(text_or_path, "--bits")
              : !is_inline && ends_with(text_or_path, ".csv") ? parse_csv_plan(text_or_path)
                                                              : parse_yaml_plan(text_or_path);
  auto unknown = unknown_layers(plan, net);
  if (!unknown.empty()) {
    std::vector<std::string> known;
    for (const auto& layer : net.layers) known.push_back(layer.name);
    throw InputError(is_file ? source_name(text_or_path) : "", is_file ? "layers" : "--bits", 0,
                     fmt::format("no layer named {} in {}; its layers: {}", fmt::join(unknown, ", "), net.name,
                                 fmt::join(known, ", ")));
  }
  return plan;
}

}  // namespace qloop::input
