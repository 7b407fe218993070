#pragma once
// The workload: a tensor operation written as a loop nest over named dimensions, with each
// tensor (data space) an affine projection of those dimensions, plus per-tensor bitwidths.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workload/density.hpp"

namespace qloop {

using DimensionId = int;
// Ranks per tensor the analysis supports (CNN activations have 4: N, C, H, W).
constexpr int kMaxTensorRank = 6;
// Tensors per problem the analysis supports.
constexpr int kMaxDataSpaces = 8;
// Loop dimensions per problem the analysis supports (a CNN layer has 7).
constexpr int kMaxDimensions = 16;
using DataSpaceId = int;

// One term of a projection: dimension * coefficient (coefficient index, or none for 1).
struct ProjectionTerm {
  DimensionId dimension = 0;
  int coefficient = -1;  // index into Workload::coefficient_values; -1 means a factor of 1
};

// A tensor: rank i of its coordinate is the sum of the terms in projection[i].
struct DataSpaceShape {
  std::string name;
  std::vector<std::vector<ProjectionTerm>> projection;
  bool read_write = false;  // partial sums (Outputs): read, accumulated, written back
};

struct GroupScales {
  int group = 0;  // operands per scale; 0 = no scales
  int bits = 16;  // bits of one scale
  auto operator<=>(const GroupScales&) const = default;
};

struct Workload {
  std::string name;
  std::vector<std::string> dimension_names;
  std::vector<std::int64_t> dimension_bounds;  // instance size of each dimension, > 0
  std::vector<std::string> coefficient_names;
  std::vector<std::int64_t> coefficient_values;  // e.g. Wstride, Hdilation
  std::vector<DataSpaceShape> data_spaces;
  // Bits per operand of each tensor; nullopt means "as wide as each memory word" (no packing).
  std::vector<std::optional<int>> bitwidths;
  // Group-wise quantization: one scale of `bits` stored beside every `group` operands of a tensor
  // (its storage and traffic grow by bits/group per operand). Empty or group 0: no scales.
  std::vector<GroupScales> scales;
  GroupScales scales_of(DataSpaceId d) const { return d < static_cast<int>(scales.size()) ? scales[d] : GroupScales{}; }
  // Width of partial sums of read-write tensors while they are still being reduced
  // (ZigZag's O vs O_final); nullopt = the tensor's own bitwidth.
  std::optional<int> partial_sum_bitwidth;
  // Per data space its density model; empty = every tensor dense.
  std::vector<DensitySpec> densities;
  DensitySpec density_of(DataSpaceId d) const {
    return d < static_cast<int>(densities.size()) ? densities[d] : DensitySpec{};
  }

  int num_dimensions() const { return static_cast<int>(dimension_names.size()); }
  int num_data_spaces() const { return static_cast<int>(data_spaces.size()); }
  int rank(DataSpaceId d) const { return static_cast<int>(data_spaces[d].projection.size()); }
  std::int64_t coefficient(int index) const { return index < 0 ? 1 : coefficient_values[index]; }

  // -1 when absent.
  DimensionId find_dimension(const std::string& name) const;
  DataSpaceId find_data_space(const std::string& name) const;

  // Number of operations (MACs): the product of all dimension bounds.
  std::uint64_t total_operations() const;
};

}  // namespace qloop
