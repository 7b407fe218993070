#include "input/parse_network.hpp"

#include <fmt/format.h>

#include <set>

#include "input/schema.hpp"
#include "input/yaml_document.hpp"
#include "util/error.hpp"

namespace qloop::input {

namespace {

struct Pair {
  std::int64_t h, w;
};

// Larger than any layer dimension (2^31), so sizes and their arithmetic stay exact.
constexpr std::int64_t kMaxSize = std::int64_t{1} << 31;

std::int64_t within_limit(const NodeReader& n, std::int64_t v) {
  if (v > kMaxSize) n.fail(fmt::format("{} is too large (at most 2^31)", v));
  return v;
}

// A size given as one number (square) or as [height, width].
Pair pair_or(const NodeReader& layer, const char* key, std::int64_t fallback, bool allow_zero = false) {
  auto node = layer.find(key);
  if (!node) return {fallback, fallback};
  auto value = [&](const NodeReader& n) {
    auto v = n.as_int();
    if (v < (allow_zero ? 0 : 1))
      n.fail(fmt::format("'{}' must be {} integer, got {}", key, allow_zero ? "a non-negative" : "a positive", v));
    return within_limit(n, v);
  };
  if (node->is_sequence()) {
    auto items = node->items();
    if (items.size() != 2) node->fail(fmt::format("'{}' is one number or [height, width]", key));
    return {value(items[0]), value(items[1])};
  }
  auto v = value(*node);
  return {v, v};
}

std::int64_t positive(const NodeReader& layer, const char* key) {
  auto node = layer.at(key);
  return within_limit(node, node.as_positive_int());
}

LayerKind parse_kind(const NodeReader& node) {
  auto text = node.as_string();
  if (text == "conv" || text == "depthwise") return LayerKind::kConv;
  if (text == "fc" || text == "linear" || text == "gemm") return LayerKind::kFullyConnected;
  if (text == "matmul") return LayerKind::kMatmul;
  node.fail(fmt::format("unknown layer type '{}'; expected conv, depthwise, fc (linear, gemm) or matmul", text));
}

void parse_conv(const NodeReader& node, bool depthwise, LayerSpec& layer) {
  if (depthwise) {
    node.allow_only(schema("network.depthwise"));
    layer.in_channels = positive(node, "channels");
    layer.groups = layer.in_channels;
    layer.out_channels = layer.in_channels * node.optional_int("multiplier").value_or(1);
  } else {
    node.allow_only(schema("network.conv"));
    layer.in_channels = positive(node, "in_channels");
    layer.out_channels = positive(node, "out_channels");
    if (auto groups = node.find("groups")) layer.groups = within_limit(*groups, groups->as_positive_int());
    if (layer.in_channels % layer.groups != 0 || layer.out_channels % layer.groups != 0) {
      node.fail(fmt::format("in_channels ({}) and out_channels ({}) must both be divisible by groups ({})",
                            layer.in_channels, layer.out_channels, layer.groups));
    }
  }
  auto input = pair_or(node, "input", 0);
  if (!node.has("input")) node.fail("a convolution needs 'input': its input height and width (one number if square)");
  auto kernel = pair_or(node, "kernel", 1);
  auto stride = pair_or(node, "stride", 1);
  auto padding = pair_or(node, "padding", 0, true);
  auto dilation = pair_or(node, "dilation", 1);
  layer.in_h = input.h, layer.in_w = input.w;
  layer.kernel_h = kernel.h, layer.kernel_w = kernel.w;
  layer.stride_h = stride.h, layer.stride_w = stride.w;
  layer.pad_h = padding.h, layer.pad_w = padding.w;
  layer.dilation_h = dilation.h, layer.dilation_w = dilation.w;
  if (layer.out_h() < 1 || layer.out_w() < 1) {
    node.fail(fmt::format("the {}x{} kernel does not fit the {}x{} input with padding {}x{}", layer.kernel_h,
                          layer.kernel_w, layer.in_h, layer.in_w, layer.pad_h, layer.pad_w));
  }
}

LayerSpec parse_layer(const NodeReader& node) {
  LayerSpec layer;
  layer.name = node.at("name").as_string();
  auto type_node = node.at("type");
  layer.kind = parse_kind(type_node);
  if (auto batch = node.find("batch")) layer.batch = within_limit(*batch, batch->as_positive_int());
  switch (layer.kind) {
    case LayerKind::kConv:
      parse_conv(node, type_node.as_string() == "depthwise", layer);
      break;
    case LayerKind::kFullyConnected:
      node.allow_only(schema("network.fc"));
      layer.in_channels = positive(node, "in_features");
      layer.out_channels = positive(node, "out_features");
      break;
    case LayerKind::kMatmul:
      node.allow_only(schema("network.matmul"));
      layer.in_h = positive(node, "rows");
      layer.in_channels = positive(node, "inner");
      layer.out_channels = positive(node, "cols");
      break;
  }
  return layer;
}

// Counts are exact up to 2^53 (the analysis adds them in doubles, as the reference does): a
// layer's operations and tensors stay below it, computed here without wrapping.
void check_layer_size(const NodeReader& node, const LayerSpec& layer) {
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  auto product = [](std::initializer_list<std::int64_t> factors) {
    double p = 1;
    for (auto f : factors) p *= static_cast<double>(f);
    return p;
  };
  double kernel = product({layer.kernel_h, layer.kernel_w});
  double outputs = product({layer.batch, layer.out_channels, layer.out_h(), layer.out_w()});
  double macs = outputs * kernel * static_cast<double>(layer.in_channels / layer.groups);
  double inputs = product({layer.batch, layer.in_channels, layer.in_h, layer.in_w});
  double weights = product({layer.out_channels, layer.in_channels / layer.groups}) * kernel;
  for (auto [what, value] :
       {std::pair{"operations", macs}, {"outputs", outputs}, {"inputs", inputs}, {"weights", weights}}) {
    if (value > kLimit) {
      node.fail(fmt::format("layer '{}' has {:.3g} {}; counts stay exact up to 2^53 (9.0e15): split the layer",
                            layer.name, value, what));
    }
  }
}

}  // namespace

Network parse_network(const NodeReader& network) {
  network.allow_only(schema("network"));
  Network net;
  net.name = network.at("name").as_string();
  net.source = network.string_or("source", "");
  if (auto macs = network.find("published_macs")) net.published_macs = static_cast<std::uint64_t>(macs->as_double());
  std::set<std::string> names;
  for (const auto& item : network.at("layers").items()) {
    auto layer = parse_layer(item);
    if (!names.insert(layer.name).second) item.at("name").fail(fmt::format("two layers are named '{}'", layer.name));
    check_layer_size(item, layer);
    net.layers.push_back(layer);
  }
  if (net.layers.empty()) network.at("layers").fail("a network needs at least one layer");
  return net;
}

Network load_network_file(const std::string& path) {
  auto doc = load_yaml_files({path});
  auto* found = doc.find("network");
  if (!found) throw InputError(path, "network", 0, "expected a top-level 'network' section (name, layers)");
  for (const auto& [key, section] : doc.sections) {
    if (key != "network")
      throw InputError(section.file, key, 0,
                       fmt::format("unknown top-level key '{}' in a network file; expected 'network'", key));
  }
  return parse_network(NodeReader(found->node, found->file, "network"));
}

}  // namespace qloop::input
