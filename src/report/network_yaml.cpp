#include "report/network_yaml.hpp"

#include <fmt/format.h>

namespace qloop::report {

namespace {

std::string pair_text(std::int64_t h, std::int64_t w) {
  return h == w ? fmt::format("{}", h) : fmt::format("[{}, {}]", h, w);
}

std::string layer_line(const LayerSpec& l) {
  std::string batch = l.batch > 1 ? fmt::format(", batch: {}", l.batch) : "";
  switch (l.kind) {
    case LayerKind::kFullyConnected:
      return fmt::format("{{name: \"{}\", type: fc, in_features: {}, out_features: {}{}}}", l.name, l.in_channels,
                         l.out_channels, batch);
    case LayerKind::kMatmul:
    case LayerKind::kAttentionScores:
    case LayerKind::kAttentionContext:
      return fmt::format("{{name: \"{}\", type: {}, rows: {}, inner: {}, cols: {}{}{}}}", l.name, to_string(l.kind),
                         l.in_h, l.in_channels / l.groups, l.out_channels / l.groups,
                         l.groups > 1 ? fmt::format(", groups: {}", l.groups) : "", batch);
    case LayerKind::kConv:
      break;
  }
  std::string groups = l.groups > 1 ? fmt::format(", groups: {}", l.groups) : "";
  std::string dilation =
      l.dilation_h > 1 || l.dilation_w > 1 ? ", dilation: " + pair_text(l.dilation_h, l.dilation_w) : "";
  return fmt::format(
      "{{name: \"{}\", type: conv, in_channels: {}, out_channels: {}, input: {}, kernel: {}, stride: {}, padding: "
      "{}{}{}{}}}",
      l.name, l.in_channels, l.out_channels, pair_text(l.in_h, l.in_w), pair_text(l.kernel_h, l.kernel_w),
      pair_text(l.stride_h, l.stride_w), pair_text(l.pad_h, l.pad_w), groups, dilation, batch);
}

}  // namespace

std::string network_yaml(const Network& net, const std::map<std::string, int>& skipped) {
  std::string out = fmt::format("# {}: {} layers, {} MACs.\n", net.name, net.layers.size(), net.macs());
  if (!skipped.empty()) {
    out += "# Skipped operators (no multiply-accumulates modelled):";
    for (const auto& [op, count] : skipped) out += fmt::format(" {} x{}", op, count);
    out += "\n";
  }
  out += fmt::format("network:\n  name: \"{}\"\n  source: \"{}\"\n  layers:\n", net.name, net.source);
  for (const auto& layer : net.layers) out += "  - " + layer_line(layer) + "\n";
  return out;
}

std::string bitwidth_plan_yaml(const BitwidthPlan& plan) {
  std::string out = "bitwidths:\n  layers:\n";
  for (const auto& [name, o] : plan.per_layer) {
    std::string fields;
    auto add = [&](const char* tensor, const std::optional<int>& bits) {
      if (bits) fields += fmt::format("{}{}: {}", fields.empty() ? "" : ", ", tensor, *bits);
    };
    add("Weights", o.weights);
    add("Inputs", o.inputs);
    add("Outputs", o.outputs);
    out += fmt::format("    \"{}\": {{{}}}\n", name, fields);
  }
  return out;
}

}  // namespace qloop::report
