#include "network/layer_job.hpp"

#include <fmt/format.h>

namespace qloop {

LayerShapeKey shape_key(const LayerSpec& l) {
  return {l.kind,     l.in_channels, l.out_channels, l.groups,     l.out_h(),    l.out_w(), l.kernel_h,
          l.kernel_w, l.stride_h,    l.stride_w,     l.dilation_h, l.dilation_w, l.batch,   l.densities};
}

LayerJobKey job_key(const LayerSpec& layer, const LayerBitwidths& bits) { return {shape_key(layer), bits}; }

std::string to_string(const LayerJobKey& key) {
  const auto& s = key.shape;
  const auto& b = key.bits;
  auto text = fmt::format("{}:{}x{}g{} {}x{} k{}x{} s{}x{} d{}x{} n{} | w{} i{} o{}", to_string(s.kind), s.in_channels,
                          s.out_channels, s.groups, s.out_h, s.out_w, s.kernel_h, s.kernel_w, s.stride_h, s.stride_w,
                          s.dilation_h, s.dilation_w, s.batch, b.weights, b.inputs, b.outputs);
  if (b.weight_scales.group > 0) text += fmt::format(" g{}x{}", b.weight_scales.group, b.weight_scales.bits);
  const auto& d = s.densities;
  if (!d.dense()) {
    text += fmt::format(" | density w{:g} i{:g} o{:g}", d.weights.density, d.inputs.density, d.outputs.density);
  }
  return text;
}

}  // namespace qloop
