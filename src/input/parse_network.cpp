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

// Reads a layer's sizes: whole numbers or expressions over the network's variables.
class LayerReader {
 public:
  LayerReader(const NodeReader& node, const Variables& variables) : node_(node), variables_(variables) {}
  const NodeReader& node() const { return node_; }

  std::int64_t size(const NodeReader& n, const char* key, bool allow_zero = false) const {
    auto v = integer_value(n, variables_);
    if (v < (allow_zero ? 0 : 1)) {
      n.fail(fmt::format("'{}' must be {} whole number, got {}", key, allow_zero ? "a non-negative" : "a positive", v));
    }
    if (v > kMaxSize) n.fail(fmt::format("{} is too large (at most 2^31)", v));
    return v;
  }
  std::int64_t positive(const char* key) const { return size(node_.at(key), key); }
  std::int64_t positive_or(const char* key, std::int64_t fallback) const {
    auto n = node_.find(key);
    return n ? size(*n, key) : fallback;
  }
  // A size given as one number (square) or as [height, width].
  Pair pair_or(const char* key, std::int64_t fallback, bool allow_zero = false) const {
    auto n = node_.find(key);
    if (!n) return {fallback, fallback};
    if (n->is_sequence()) {
      auto items = n->items();
      if (items.size() != 2) n->fail(fmt::format("'{}' is one number or [height, width]", key));
      return {size(items[0], key, allow_zero), size(items[1], key, allow_zero)};
    }
    auto v = size(*n, key, allow_zero);
    return {v, v};
  }

 private:
  const NodeReader& node_;
  const Variables& variables_;
};

void parse_conv(const LayerReader& r, bool depthwise, LayerSpec& layer) {
  const auto& node = r.node();
  if (depthwise) {
    node.allow_only(schema("network.depthwise"));
    layer.in_channels = r.positive("channels");
    layer.groups = layer.in_channels;
    layer.out_channels = layer.in_channels * r.positive_or("multiplier", 1);
  } else {
    node.allow_only(schema("network.conv"));
    layer.in_channels = r.positive("in_channels");
    layer.out_channels = r.positive("out_channels");
    layer.groups = r.positive_or("groups", 1);
    if (layer.in_channels % layer.groups != 0 || layer.out_channels % layer.groups != 0) {
      node.fail(fmt::format("in_channels ({}) and out_channels ({}) must both be divisible by groups ({})",
                            layer.in_channels, layer.out_channels, layer.groups));
    }
  }
  if (!node.has("input")) node.fail("a convolution needs 'input': its input height and width (one number if square)");
  auto input = r.pair_or("input", 0);
  auto kernel = r.pair_or("kernel", 1);
  auto stride = r.pair_or("stride", 1);
  auto padding = r.pair_or("padding", 0, true);
  auto dilation = r.pair_or("dilation", 1);
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

// An attention block, as the two products a transformer computes per (batch, KV head):
// scores = Q K^T, then context = P V. Grouped-query attention shares a KV head among
// heads / kv_heads query heads: their queries are the rows of one product.
std::vector<LayerSpec> parse_attention(const LayerReader& r, const std::string& name) {
  const auto& node = r.node();
  node.allow_only(schema("network.attention"));
  auto heads = r.positive("heads");
  auto kv_heads = r.positive_or("kv_heads", heads);
  // A head's width, given directly or as the model's width split among the heads.
  auto head_dim = r.positive_or("head_dim", 0);
  if (auto model_dim = node.find("model_dim")) {
    auto width = r.size(*model_dim, "model_dim");
    if (width % heads != 0) {
      model_dim->fail(fmt::format("heads ({}) must divide model_dim ({})", heads, width));
    }
    if (head_dim != 0 && head_dim * heads != width) {
      node.at("head_dim")
          .fail(fmt::format("head_dim ({}) x heads ({}) is {}, not model_dim ({}); give one of them", head_dim, heads,
                            head_dim * heads, width));
    }
    head_dim = width / heads;
  }
  if (head_dim == 0) node.fail("an attention needs head_dim (or model_dim, split among the heads)");
  auto seq = r.positive("seq");
  auto context = r.positive_or("context", seq);
  auto batch = r.positive_or("batch", 1);
  if (heads % kv_heads != 0) {
    node.at("kv_heads").fail(fmt::format("kv_heads ({}) must divide heads ({})", kv_heads, heads));
  }
  auto causal = node.string_or("causal", "full");
  if (causal != "full" && causal != "half") {
    node.at("causal").fail(
        fmt::format("causal is 'full' (the whole score matrix, as a dense unit computes it) or "
                    "'half' (its causal lower half), got '{}'",
                    causal));
  }
  // The causal half: half the query rows against every key (the triangle's operations; an
  // approximation of its traffic, docs/networks.md).
  auto rows = (heads / kv_heads) * seq;
  if (causal == "half") rows = (rows + 1) / 2;
  auto groups = batch * kv_heads;
  LayerSpec scores, weighted;
  scores.name = name + ".scores";
  scores.kind = LayerKind::kAttentionScores;
  scores.set_grouped_matmul(groups, rows, head_dim, context);
  weighted.name = name + ".context";
  weighted.kind = LayerKind::kAttentionContext;
  weighted.set_grouped_matmul(groups, rows, context, head_dim);
  return {scores, weighted};
}

LayerKind parse_kind(const NodeReader& node) {
  auto text = node.as_string();
  if (text == "conv" || text == "depthwise") return LayerKind::kConv;
  if (text == "fc" || text == "linear" || text == "gemm") return LayerKind::kFullyConnected;
  if (text == "matmul") return LayerKind::kMatmul;
  if (text == "attention_scores") return LayerKind::kAttentionScores;
  if (text == "attention_context") return LayerKind::kAttentionContext;
  node.fail(fmt::format(
      "unknown layer type '{}'; expected conv, depthwise, fc (linear, gemm), matmul, attention (or its parts "
      "attention_scores, attention_context)",
      text));
}

// The layers one entry stands for: one, or two for an attention block.
std::vector<LayerSpec> parse_layer(const NodeReader& node, const Variables& variables) {
  LayerReader r(node, variables);
  auto name = node.at("name").as_string();
  auto type_node = node.at("type");
  if (type_node.as_string() == "attention") return parse_attention(r, name);
  LayerSpec layer;
  layer.name = name;
  layer.kind = parse_kind(type_node);
  layer.batch = r.positive_or("batch", 1);
  switch (layer.kind) {
    case LayerKind::kConv:
      parse_conv(r, type_node.as_string() == "depthwise", layer);
      break;
    case LayerKind::kFullyConnected:
      node.allow_only(schema("network.fc"));
      layer.in_channels = r.positive("in_features");
      layer.out_channels = r.positive("out_features");
      layer.batch *= r.positive_or("seq", 1);  // every token of every sequence
      break;
    case LayerKind::kMatmul:
    case LayerKind::kAttentionScores:
    case LayerKind::kAttentionContext:
      node.allow_only(schema("network.matmul"));
      layer.set_grouped_matmul(r.positive_or("groups", 1), r.positive("rows"), r.positive("inner"), r.positive("cols"));
      break;
  }
  return {layer};
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

// The network's variables, with `overrides` (--set) in their place; an override of a variable
// the network does not declare is an error naming the ones it does.
Variables network_variables(const NodeReader& network, const Variables& overrides) {
  Variables variables;
  if (auto declared = network.find("variables")) {
    declared->expect_map();
    for (const auto& name : declared->keys()) {
      auto value = integer_value(declared->at(name), {});
      if (value < 1) declared->at(name).fail(fmt::format("{} must be a positive whole number, got {}", name, value));
      variables[name] = value;
    }
  }
  for (const auto& [name, value] : overrides) {
    if (!variables.count(name)) {
      std::string known;
      for (const auto& [v, _] : variables) known += (known.empty() ? "" : ", ") + v;
      throw InputError(
          network.file(), "--set", 0,
          fmt::format("the network has no variable '{}' (its variables: {})", name, known.empty() ? "none" : known));
    }
    if (value < 1) throw InputError("", "--set", 0, fmt::format("{}={}: give a positive whole number", name, value));
    variables[name] = value;
  }
  return variables;
}

}  // namespace

Network parse_network(const NodeReader& network, const Variables& overrides) {
  network.allow_only(schema("network"));
  Network net;
  net.name = network.at("name").as_string();
  net.source = network.string_or("source", "");
  if (auto macs = network.find("published_macs")) net.published_macs = static_cast<std::uint64_t>(macs->as_double());
  auto variables = network_variables(network, overrides);
  std::set<std::string> names;
  for (const auto& item : network.at("layers").items()) {
    for (auto& layer : parse_layer(item, variables)) {
      if (!names.insert(layer.name).second) item.at("name").fail(fmt::format("two layers are named '{}'", layer.name));
      check_layer_size(item, layer);
      net.layers.push_back(layer);
    }
  }
  if (net.layers.empty()) network.at("layers").fail("a network needs at least one layer");
  return net;
}

Network load_network_file(const std::string& path, const Variables& overrides) {
  auto doc = load_yaml_files({path});
  auto* found = doc.find("network");
  if (!found) throw InputError(path, "network", 0, "expected a top-level 'network' section (name, layers)");
  for (const auto& [key, section] : doc.sections) {
    if (key != "network")
      throw InputError(section.file, key, 0,
                       fmt::format("unknown top-level key '{}' in a network file; expected 'network'", key));
  }
  return parse_network(NodeReader(found->node, found->file, "network"), overrides);
}

}  // namespace qloop::input
