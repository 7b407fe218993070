#pragma once
// Results of evaluating one mapping: plain structs with units in their names. Printing
// them is the report layer's job.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "model/rejection.hpp"

namespace qloop {

// Sparseloop's view of one kind of access (reads, fills or updates), words per instance:
// the dense count, and what is actually made, gated or skipped.
struct SparseAccessCounts {
  std::uint64_t algorithmic = 0, actual = 0, gated = 0, skipped = 0;
};

// Metadata and payload units of one format rank (rank 0 = innermost).
struct RankCount {
  int rank = 0;
  std::uint64_t metadata = 0;
  std::uint64_t payload = 0;
};

// What the sparse model adds for a tensor at a level (docs/sparsity.md).
struct SparseTensorStats {
  std::array<SparseAccessCounts, 3> accesses;  // reads, fills, updates
  // [actual, gated, skipped][reads, fills, updates]: metadata accesses per rank, outermost
  // first; empty when they move no bits (no format, or no metadata storage width).
  std::array<std::array<std::vector<RankCount>, 3>, 3> format;
  std::array<std::array<std::uint64_t, 3>, 3> format_bits{};  // the bits those accesses move
  std::vector<RankCount> format_capacity;                     // the fullest tile's, outermost first
  std::string density_distribution = "fixed-structured";
  std::string representation_format = "none";
  std::uint64_t partition_size = 0;
  std::uint64_t data_tile_shape = 0;
  double utilized_instances_average = 0;
  std::uint64_t metadata_bits = 0;     // the fullest tile's metadata and payload bits
  double metadata_energy_pJ = 0;       // part of energy_pJ: metadata accesses, all instances
  double gated_skipped_energy_pJ = 0;  // part of energy_pJ: gated and skipped accesses
};

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
  double energy_pJ = 0;                     // all instances
  std::optional<SparseTensorStats> sparse;  // with Sparseloop's optimizations
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

struct SparseComputeStats {
  std::uint64_t algorithmic = 0, actual = 0, gated = 0, skipped = 0;
  double utilized_instances_average = 0;
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
  double area_um2 = 0;                       // all instances
  std::optional<SparseComputeStats> sparse;  // computes is then the actual ones
};

struct Summary {
  double energy_pJ = 0;
  double leakage_pJ = 0;  // every level's, apart from energy_pJ
  std::uint64_t cycles = 0;
  std::uint64_t computes = 0;
  double utilization = 0;
  double pJ_per_compute = 0;
  double area_um2 = 0;
  std::uint64_t algorithmic_computes = 0;  // with sparsity: before gating and skipping
  double pJ_per_algorithmic_compute = 0;
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
