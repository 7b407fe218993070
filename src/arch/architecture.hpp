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

// One kind of access, read, fill or update.
struct AccessEnergies {
  double read_pJ = 0;
  double fill_pJ = 0;
  double update_pJ = 0;
};

struct ActionEnergies {
  double read_pJ = 0;    // per vector (block) read
  double fill_pJ = 0;    // per vector write of data arriving from the parent
  double update_pJ = 0;  // per vector write of partial sums arriving from a child
  double leak_pJ = 0;    // per instance in use per cycle (the ERT's `leak`; none: 0)
  // Sparseloop's accesses (docs/sparsity.md): data accesses gated (the unit idles) or skipped
  // (no cycle either), per vector; metadata accesses, per metadata-storage-width bits;
  // (de)compression of a tile moving between a compressed parent and this level, per operand.
  AccessEnergies gated, skipped;
  AccessEnergies metadata, gated_metadata, skipped_metadata;
  double decompression_pJ = 0, compression_pJ = 0;
  EnergySource source = EnergySource::kEstimated;
};

// Sparseloop's action optimizations on a storage level: accesses to `target` that would
// meet a zero of any `condition_on` tensor are gated (the access idles) or skipped (not made,
// no cycle); spatial skipping also leaves the instances that would hold only zeros unused.
// Of several `options`, the one that saves the most energy applies.
enum class ActionOptimizationKind { kGating, kSkipping, kSpatialSkipping };
struct ActionChoice {
  std::string target;
  std::vector<std::string> condition_on;
};
struct ActionOptimization {
  ActionOptimizationKind kind = ActionOptimizationKind::kGating;
  std::vector<ActionChoice> options;
};

// A compressed tensor's representation: one format per rank, outermost rank first.
enum class RankFormatKind { kUncompressedOffsetPair, kCoordinatePayload, kRunLengthEncoding, kBitmask, kUncompressed };
struct RankFormat {
  RankFormatKind kind = RankFormatKind::kUncompressed;
  std::optional<int> metadata_word_bits;  // none: the level's metadata word bits
  std::optional<int> payload_word_bits;
  std::vector<std::vector<std::string>> flattened_dimensions;  // dimensions this rank covers (none: derived)
};
struct TensorFormat {
  std::string tensor;
  std::vector<RankFormat> ranks;
  bool inner_to_outer = false;  // rank-application-order
};

// What a level's metadata storage holds and how (Sparseloop's attributes).
struct MetadataStorage {
  int word_bits = 0;                  // metadata_datawidth
  std::int64_t block_size = 1;        // metadata_block_size (read, not used by the model)
  std::int64_t width_bits = 0;        // metadata_storage_width: bits per metadata access; 0 = none
  std::optional<std::int64_t> depth;  // metadata_storage_depth: rows
  bool decompression_supported = false;
  bool compression_supported = false;
};

struct LevelSparsity {
  std::vector<ActionOptimization> actions;
  std::vector<TensorFormat> formats;
  bool empty() const { return actions.empty() && formats.empty(); }
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
  MetadataStorage metadata;
  LevelSparsity sparsity;

  // Whether a tensor has a compressed format here (its tile holds fewer words than dense).
  bool has_formats() const { return !sparsity.formats.empty(); }
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
  double gated_compute_pJ = 0;    // an operation gated on a zero operand (Sparseloop)
  double skipped_compute_pJ = 0;  // an operation skipped (no cycle)
  // Sparseloop's compute optimizations: an operation with a zero operand is gated; one whose
  // operands do not line up (one stored compressed, the other not) is skipped.
  bool gate_on_zero_operand = false;
  bool skip_on_not_aligned_operands = false;
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
  // The inputs have a `sparse_optimizations` section (even an empty one): the stats carry
  // Sparseloop's counts, as the reference prints them then.
  bool sparse_section = false;

  int num_storage_levels() const { return static_cast<int>(storage.size()); }
  // Whether Sparseloop's analysis applies (gating, skipping, formats or compute optimizations):
  // then accesses, computes and cycles can fall below the dense counts.
  bool has_sparse_optimizations() const;
  // Number of children each instance of storage level `level` feeds (level 0 feeds the
  // compute units).
  std::int64_t fanout(int level) const;
  std::int64_t fanout_x(int level) const;
  std::int64_t fanout_y(int level) const;
  // -1 when absent.
  int find_storage_level(const std::string& name) const;
};

}  // namespace qloop
