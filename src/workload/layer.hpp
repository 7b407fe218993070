#pragma once
// Layers of a whole network as their users describe them (channels, kernel, stride,
// padding, groups), and the loop-nest workload each one is for the model and the mapper.

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "workload/density.hpp"
#include "workload/workload.hpp"

namespace qloop {

enum class LayerKind {
  kConv,              // 2-D convolution, grouped when groups > 1 (depthwise: groups = channels)
  kFullyConnected,    // in_features -> out_features, for every token (batch x sequence)
  kMatmul,            // (rows x inner) times (inner x cols), `groups` independent products
  kAttentionScores,   // per (batch, KV head): queries (rows x head_dim) times keys^T: the keys in
                      // the Weights slot (its bits are the KV cache's), scores out
  kAttentionContext,  // per (batch, KV head): scores (rows x context) times values: the values
                      // in the Weights slot, the attention's output out
};
const char* to_string(LayerKind kind);

// How sparse a layer's tensors are (Sparseloop's density models; dense by default).
struct LayerDensities {
  DensitySpec weights, inputs, outputs;
  bool dense() const { return weights.dense() && inputs.dense() && outputs.dense(); }
  auto operator<=>(const LayerDensities&) const = default;
};

struct LayerSpec {
  std::string name;
  LayerKind kind = LayerKind::kConv;
  std::int64_t batch = 1;
  std::int64_t in_channels = 1;   // conv channels; fc in_features; matmul inner
  std::int64_t out_channels = 1;  // conv filters; fc out_features; matmul cols
  std::int64_t groups = 1;
  std::int64_t in_h = 1, in_w = 1;  // input height and width (conv); matmul rows in in_h
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t stride_h = 1, stride_w = 1;
  std::int64_t pad_h = 0, pad_w = 0;
  std::int64_t dilation_h = 1, dilation_w = 1;
  LayerDensities densities;

  std::int64_t out_h() const;  // (in + 2 pad - dilation (kernel - 1) - 1) / stride + 1
  std::int64_t out_w() const;
  std::uint64_t macs() const;
  // A product of two matrices (matmul and the attention parts): rows on in_h, one column.
  bool matmul_like() const {
    return kind == LayerKind::kMatmul || kind == LayerKind::kAttentionScores || kind == LayerKind::kAttentionContext;
  }
  bool attention() const { return kind == LayerKind::kAttentionScores || kind == LayerKind::kAttentionContext; }
  // Makes this a product of `groups` pairs of matrices, (rows x inner) times (inner x cols) each.
  void set_grouped_matmul(std::int64_t groups, std::int64_t rows, std::int64_t inner, std::int64_t cols) {
    this->groups = groups;
    in_h = rows;
    in_channels = groups * inner;
    out_channels = groups * cols;
  }
  std::uint64_t weight_count() const;
  std::uint64_t input_count() const;  // unpadded input activations
  std::uint64_t output_count() const;
};

// Bits per operand of a layer's tensors; 0 = as wide as each memory word (no packing).
struct LayerBitwidths {
  int weights = 0;
  int inputs = 0;
  int outputs = 0;
  GroupScales weight_scales = {};  // group-wise weight quantization; group 0 = none
  auto operator<=>(const LayerBitwidths&) const = default;
};

struct Network {
  std::string name;
  std::string source;  // where the shapes (and the published MAC count) come from
  std::vector<LayerSpec> layers;
  std::uint64_t published_macs = 0;  // 0 = none given

  std::uint64_t macs() const;
};

// The layer as a Timeloop-style problem: dimensions C, M, R, S, N, P, Q (a grouped
// convolution adds G, with C and M per group), coefficients Wstride, Hstride, Wdilation,
// Hdilation, tensors Weights, Inputs, Outputs. Fully-connected and matmul layers are 1x1
// convolutions (a matmul's rows on Q).
Workload layer_workload(const LayerSpec& layer, const LayerBitwidths& bits);

}  // namespace qloop
