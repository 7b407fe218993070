#pragma once
// A layer job: one layer shape mapped at one set of bitwidths. Layers with equal keys have
// the same workload, so one search serves them all; the key is a value, compared field by
// field (its text form is for people and for dictionary keys, never read back).

#include <compare>
#include <cstdint>
#include <string>

#include "workload/layer.hpp"

namespace qloop {

// What decides a layer's workload: dimensions and coefficients, not its name or padding as
// such (padding only shows through the output size).
struct LayerShapeKey {
  LayerKind kind = LayerKind::kConv;
  std::int64_t in_channels = 0, out_channels = 0, groups = 0;
  std::int64_t out_h = 0, out_w = 0;
  std::int64_t kernel_h = 0, kernel_w = 0;
  std::int64_t stride_h = 0, stride_w = 0;
  std::int64_t dilation_h = 0, dilation_w = 0;
  std::int64_t batch = 0;
  LayerDensities densities;  // results at other densities differ (Sparseloop's model)
  auto operator<=>(const LayerShapeKey&) const = default;
};
LayerShapeKey shape_key(const LayerSpec& layer);

struct LayerJobKey {
  LayerShapeKey shape;
  LayerBitwidths bits;
  auto operator<=>(const LayerJobKey&) const = default;
};
LayerJobKey job_key(const LayerSpec& layer, const LayerBitwidths& bits);

// "conv:64x128g1 56x56 k3x3 s1x1 d1x1 n1 | w4 i8 o8"
std::string to_string(const LayerJobKey& key);

}  // namespace qloop
