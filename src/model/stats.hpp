#pragma once
// Results of evaluating one mapping: plain structs with units in their names. Printing
// them is the report layer's job.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "model/rejection.hpp"

namespace qloop {

struct StorageTensorStats {
  std::string tensor;
  int bitwidth = 0;  // 0 = as wide as the word (no bitwidth given)
  int operands_per_word = 1;
  int wasted_bits_per_word = 0;
  std::uint64_t wasted_bits_in_tile = 0;  // fragmentation of the stored tile
  std::uint64_t tile_operands = 0;
  std::uint64_t utilized_capacity = 0;  // words per instance
  std::uint64_t utilized_instances = 0;
  std::uint64_t reads = 0;  // words per instance
  std::uint64_t fills = 0;
  std::uint64_t updates = 0;
  std::uint64_t temporal_reductions = 0;
  double energy_pJ = 0;  // all instances
};

struct StorageLevelStats {
  std::string name;
  int level = 0;                            // 1 = innermost storage level (0 is the arithmetic)
  std::vector<StorageTensorStats> tensors;  // kept tensors only
  double energy_pJ = 0;
  double leakage_pJ = 0;  // not in energy_pJ (Timeloop v4 reports it beside the dynamic energy)
  std::uint64_t cycles = 0;
  double bandwidth_throttling = 1.0;
  std::string energy_source;  // "ERT" or "estimated"
  std::string area_source;
  double area_um2 = 0;  // all instances
  std::int64_t instances = 0;
  std::int64_t capacity_words = -1;  // -1 = unbounded
};

struct NetworkTensorStats {
  std::string tensor;
  std::uint64_t fanout = 1;
  std::uint64_t multicast_factor = 1;
  double ingresses = 0;
  std::uint64_t spatial_reductions = 0;
  std::uint64_t link_transfers = 0;
  double energy_pJ = 0;
};

struct NetworkStats {
  std::string name;
  std::vector<NetworkTensorStats> tensors;
};

struct ArithmeticStats {
  std::string name;
  std::int64_t instances = 0;
  std::uint64_t utilized_instances = 0;
  std::uint64_t computes = 0;
  std::uint64_t cycles = 0;
  double cycles_per_compute = 1;  // > 1 for bit-serial units
  double energy_pJ = 0;
  double energy_per_compute_pJ = 0;  // after bitwidth scaling
  std::string energy_source;         // "ERT" or "estimated"
  std::string area_source;
  double area_um2 = 0;  // all instances
};

struct Summary {
  double energy_pJ = 0;
  double leakage_pJ = 0;  // every level's, apart from energy_pJ
  std::uint64_t cycles = 0;
  std::uint64_t computes = 0;
  double utilization = 0;
  double pJ_per_compute = 0;
  double area_um2 = 0;
};

struct EvaluationResult {
  bool valid = true;
  std::optional<Rejection> rejection;  // why the mapping is invalid
  std::string reason;                  // the same as a message with its numbers (reports only)
  Summary summary;
  ArithmeticStats arithmetic;
  std::vector<StorageLevelStats> storage;                  // innermost first
  std::vector<NetworkStats> networks;                      // innermost first
  CountingRules rules = CountingRules::kQuantizationFork;  // whose counts these are
};

}  // namespace qloop
