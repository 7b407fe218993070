#pragma once
// The hardware: a chain of storage levels (innermost first) feeding an array of compute units.
// Levels fan out spatially: level i has `instances` copies, each feeding
// instances(i-1) / instances(i) children.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qloop {

// Where a component's per-action energy and area came from: an Accelergy table given with
// the inputs, or qloop's built-in estimator (src/estimate, docs/energy.md).
enum class EnergySource { kErt, kEstimated };
const char* to_string(EnergySource source);

struct ActionEnergies {
  double read_pJ = 0;    // per vector (block) read
  double fill_pJ = 0;    // per vector write of data arriving from the parent
  double update_pJ = 0;  // per vector write of partial sums arriving from a child
  double leak_pJ = 0;    // per instance in use per cycle (the ERT's `leak`; none: 0)
  EnergySource source = EnergySource::kEstimated;
};

// Where a component was declared, so that later checks (e.g. of its technology) can name it.
struct ComponentOrigin {
  std::string file;
  std::string key_path;
  int line = 0;
};

struct StorageLevelSpec {
  std::string name;             // e.g. "GlobalBuffer"
  std::string component_path;   // e.g. "System.Chip.GlobalBuffer" (for ERT/ART lookups)
  std::string component_class;  // e.g. "SRAM", "DRAM", "regfile"
  bool is_dram = false;
  std::int64_t instances = 1;
  std::int64_t mesh_x = 1;
  std::int64_t mesh_y = 1;
  int word_bits = 16;           // bits per memory word (operand slot)
  std::int64_t block_size = 1;  // words per vector access
  std::int64_t cluster_size = 1;
  std::optional<std::int64_t> size_words;  // capacity in words; none = unbounded (DRAM)
  double multiple_buffering = 1.0;
  double min_utilization = 0.0;
  std::optional<double> read_bandwidth;  // words / cycle / instance
  std::optional<double> write_bandwidth;
  std::optional<double> shared_bandwidth;
  std::string technology;  // as written ("40nm"); empty when not given
  std::string dram_kind;   // DRAM `type` attribute ("LPDDR4"); empty when not given
  ComponentOrigin origin;
  // Whether the level can accumulate partial sums itself; unset = all but DRAM can.
  std::optional<bool> reduction_supported;
  ActionEnergies energy;
  double area_um2 = 0;  // one instance
  EnergySource area_source = EnergySource::kEstimated;
  std::string estimate_model;  // what the estimator assumed, when it was used

  // Capacity available to one tile after multiple buffering.
  std::optional<std::int64_t> effective_size_words() const;
  // The instances in use per cluster in use, which a cluster's one access stands for (the
  // model divides each instance's access energy by it), at its most: all instances in use.
  double most_instances_per_cluster() const;
  bool can_reduce() const { return reduction_supported.value_or(!is_dram); }
};

// How a compute unit's energy depends on operand bitwidths (see docs/quantization.md).
enum class EnergyScaling {
  kNone,      // the table's energy for every operation (the reference's behaviour)
  kBitwidth,  // multiplier ~ product of operand widths, adder ~ accumulator width
};

// Which operand a bit-serial unit (Stripes, Loom) streams one bit per cycle.
enum class BitSerial { kNone, kWeights, kInputs, kBoth };

struct ArithmeticSpec {
  std::string name;
  std::string component_path;
  std::string component_class;
  std::int64_t instances = 1;
  std::int64_t mesh_x = 1;
  std::int64_t mesh_y = 1;
  int word_bits = 16;  // nominal operand width D the energy table is for
  EnergyScaling energy_scaling = EnergyScaling::kNone;
  BitSerial bit_serial = BitSerial::kNone;
  std::string technology;       // as written; empty when not given
  bool floating_point = false;  // class names a floating-point unit ("fpmac")
  ComponentOrigin origin;
  // Per operation; for a bit-serial unit, per cycle (one bit step).
  double energy_per_compute_pJ = 0;
  EnergySource energy_source = EnergySource::kEstimated;
  double area_um2 = 0;  // one instance
  EnergySource area_source = EnergySource::kEstimated;
  std::string estimate_model;  // what the estimator assumed, when it was used
};

// Whose counting rules the model follows where the quantization fork (the reference for
// v0.2/v0.3 inputs) and Timeloop v4 (for v0.4 inputs) differ; docs/compatibility.md.
enum class CountingRules {
  kQuantizationFork,  // a partial-sum tile's first fill is counted, though it holds zeros
  kTimeloopV4,        // it is not, below the outermost level that keeps the tensor
};

struct Architecture {
  std::vector<StorageLevelSpec> storage;  // index 0 = innermost
  ArithmeticSpec arithmetic;
  CountingRules rules = CountingRules::kQuantizationFork;

  int num_storage_levels() const { return static_cast<int>(storage.size()); }
  // Number of children each instance of storage level `level` feeds (level 0 feeds the
  // compute units).
  std::int64_t fanout(int level) const;
  std::int64_t fanout_x(int level) const;
  std::int64_t fanout_y(int level) const;
  // -1 when absent.
  int find_storage_level(const std::string& name) const;
};

}  // namespace qloop
