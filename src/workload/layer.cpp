#include "workload/layer.hpp"

namespace qloop {

const char* to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv:
      return "conv";
    case LayerKind::kFullyConnected:
      return "fc";
    case LayerKind::kMatmul:
      return "matmul";
    case LayerKind::kAttentionScores:
      return "attention_scores";
    case LayerKind::kAttentionContext:
      return "attention_context";
  }
  return "?";
}

namespace {

std::int64_t output_extent(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                           std::int64_t dilation) {
  return (in + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;
}

// Builds the projections one term at a time.
struct ShapeBuilder {
  Workload& w;
  DimensionId dim(const std::string& name, std::int64_t bound) {
    w.dimension_names.push_back(name);
    w.dimension_bounds.push_back(bound);
    return w.num_dimensions() - 1;
  }
  int coefficient(const std::string& name, std::int64_t value) {
    w.coefficient_names.push_back(name);
    w.coefficient_values.push_back(value);
    return static_cast<int>(w.coefficient_values.size()) - 1;
  }
  void tensor(const std::string& name, std::vector<std::vector<ProjectionTerm>> projection, bool read_write) {
    w.data_spaces.push_back({name, std::move(projection), read_write});
  }
};

}  // namespace

std::int64_t LayerSpec::out_h() const {
  if (matmul_like()) return in_h;
  return output_extent(in_h, kernel_h, stride_h, pad_h, dilation_h);
}

std::int64_t LayerSpec::out_w() const {
  if (matmul_like()) return 1;
  return output_extent(in_w, kernel_w, stride_w, pad_w, dilation_w);
}

std::uint64_t LayerSpec::macs() const {
  auto per_output = static_cast<std::uint64_t>(in_channels / groups * kernel_h * kernel_w);
  return static_cast<std::uint64_t>(batch) * static_cast<std::uint64_t>(out_channels) *
         static_cast<std::uint64_t>(out_h()) * static_cast<std::uint64_t>(out_w()) * per_output;
}

std::uint64_t LayerSpec::weight_count() const {
  return static_cast<std::uint64_t>(out_channels * (in_channels / groups) * kernel_h * kernel_w);
}

std::uint64_t LayerSpec::input_count() const {
  return static_cast<std::uint64_t>(batch * in_channels * in_h * (matmul_like() ? 1 : in_w));
}

std::uint64_t LayerSpec::output_count() const {
  return static_cast<std::uint64_t>(batch * out_channels * out_h() * out_w());
}

std::uint64_t Network::macs() const {
  std::uint64_t total = 0;
  for (const auto& layer : layers) total += layer.macs();
  return total;
}

Workload layer_workload(const LayerSpec& layer, const LayerBitwidths& bits) {
  Workload w;
  w.name = layer.name;
  ShapeBuilder b{w};
  bool grouped = layer.groups > 1;
  DimensionId g = grouped ? b.dim("G", layer.groups) : -1;
  auto c = b.dim("C", layer.in_channels / layer.groups);
  auto m = b.dim("M", layer.out_channels / layer.groups);
  auto r = b.dim("R", layer.kernel_w);
  auto s = b.dim("S", layer.kernel_h);
  auto n = b.dim("N", layer.batch);
  auto p = b.dim("P", layer.out_w());
  auto q = b.dim("Q", layer.out_h());
  int wstride = b.coefficient("Wstride", layer.stride_w);
  int hstride = b.coefficient("Hstride", layer.stride_h);
  int wdilation = b.coefficient("Wdilation", layer.dilation_w);
  int hdilation = b.coefficient("Hdilation", layer.dilation_h);
  const int kNone = -1;
  auto term = [](DimensionId d, int coefficient) { return ProjectionTerm{d, coefficient}; };
  if (grouped) {
    int c_per_group = b.coefficient("Cgroup", layer.in_channels / layer.groups);
    int m_per_group = b.coefficient("Mgroup", layer.out_channels / layer.groups);
    b.tensor("Weights", {{term(g, kNone)}, {term(c, kNone)}, {term(m, kNone)}, {term(r, kNone)}, {term(s, kNone)}},
             false);
    b.tensor("Inputs",
             {{term(n, kNone)},
              {term(g, c_per_group), term(c, kNone)},
              {term(s, hdilation), term(q, hstride)},
              {term(r, wdilation), term(p, wstride)}},
             false);
    b.tensor("Outputs", {{term(n, kNone)}, {term(g, m_per_group), term(m, kNone)}, {term(q, kNone)}, {term(p, kNone)}},
             true);
  } else {
    b.tensor("Weights", {{term(c, kNone)}, {term(m, kNone)}, {term(r, kNone)}, {term(s, kNone)}}, false);
    b.tensor("Inputs",
             {{term(n, kNone)},
              {term(c, kNone)},
              {term(s, hdilation), term(q, hstride)},
              {term(r, wdilation), term(p, wstride)}},
             false);
    b.tensor("Outputs", {{term(n, kNone)}, {term(m, kNone)}, {term(q, kNone)}, {term(p, kNone)}}, true);
  }
  auto as_optional = [](int value) { return value > 0 ? std::optional<int>(value) : std::nullopt; };
  w.bitwidths = {as_optional(bits.weights), as_optional(bits.inputs), as_optional(bits.outputs)};
  if (bits.weight_scales.group > 0) w.scales = {bits.weight_scales, {}, {}};
  if (!layer.densities.dense())
    w.densities = {layer.densities.weights, layer.densities.inputs, layer.densities.outputs};
  return w;
}

}  // namespace qloop
