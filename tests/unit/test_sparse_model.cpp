// Sparseloop's gating, skipping and compute optimizations (docs/sparsity.md), each rule on a
// dot product small enough to count by hand: Z[m] += A[k] * B[k], K = 16, M = 1, A sparse.
#include <gtest/gtest.h>

#include "model_fixture.hpp"
#include "sparse/density_model.hpp"

namespace qloop::testing {
namespace {

// Backing (DRAM) above a 64-word Buffer above one MAC; 8-bit words.
const char* kArch = R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: Backing, class: DRAM, attributes: {width: 8, datawidth: 8}}
    - {name: Buffer, class: regfile, attributes: {depth: 64, width: 8, datawidth: 8}}
    - {name: MAC, class: intmac, attributes: {datawidth: 8}}
)";

// Every access's energy is distinct, so each count's share of a level's energy shows.
const char* kTables = R"(
ERT:
  version: 0.3
  tables:
  - name: System.Backing
    actions: [{name: read, energy: 100}, {name: write, energy: 100}, {name: gated_read, energy: 10}]
  - name: System.Buffer
    actions: [{name: read, energy: 1}, {name: write, energy: 1}, {name: gated_read, energy: 0.1}]
  - name: System.MAC
    actions: [{name: mac_random, energy: 0.5}, {name: mac_gated, energy: 0.1}]
)";

std::string dot_product(const std::string& a_density, const std::string& bits = "") {
  return "problem:\n"
         "  shape:\n"
         "    name: DotProduct\n"
         "    dimensions: [K, M]\n"
         "    data-spaces:\n"
         "    - {name: A, projection: [[[K]]]}\n"
         "    - {name: B, projection: [[[K]]]}\n"
         "    - {name: Z, projection: [[[M]]], read-write: true}\n"
         "  instance:\n"
         "    K: 16\n"
         "    M: 1\n"
         "    densities: {A: " +
         a_density + "}\n" + bits;
}

// All of K in the buffer (its innermost loop), or split 4 x 4 between Backing and Buffer.
const char* kAllInBuffer = R"(
mapping:
- {target: Backing, type: temporal, factors: K=1 M=1, permutation: KM}
- {target: Buffer, type: temporal, factors: K=16 M=1, permutation: KM}
)";
const char* kSplit = R"(
mapping:
- {target: Backing, type: temporal, factors: K=4 M=1, permutation: KM}
- {target: Buffer, type: temporal, factors: K=4 M=1, permutation: KM}
)";

std::string optimization(const std::string& level, const std::string& type) {
  return "sparse_optimizations:\n  targets:\n  - name: " + level + "\n    action-optimization:\n    - {type: " + type +
         ", target: B, condition-on: [A]}\n";
}

const SparseTensorStats& sparse_at(const EvaluationResult& r, const std::string& level, const std::string& tensor) {
  const auto& t = tensor_at(r, level, tensor);
  if (!t.sparse) throw std::runtime_error("no sparse stats for " + tensor + " at " + level);
  return *t.sparse;
}

// At the level next to the compute, each read of B meets one A operand, zero with
// probability 1 - 0.25: 12 of the 16 reads are gated, and the 12 computes they would
// feed do not happen.
TEST(SparseModel, gating_at_the_innermost_level_gates_the_reads_meeting_a_zero) {
  auto r = evaluate_yaml({kArch, dot_product("0.25"), kAllInBuffer, optimization("Buffer", "gating"), kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& b = sparse_at(r, "Buffer", "B");
  EXPECT_EQ(b.accesses[0].algorithmic, 16u);
  EXPECT_EQ(b.accesses[0].actual, 4u);
  EXPECT_EQ(b.accesses[0].gated, 12u);
  EXPECT_EQ(tensor_at(r, "Buffer", "B").reads, 4u);  // the dense field holds the actual count
  // 4 reads, 12 gated reads and the 16 fills from Backing (not gated: they arrive anyway).
  EXPECT_DOUBLE_EQ(tensor_at(r, "Buffer", "B").energy_pJ, 4 * 1.0 + 12 * 0.1 + 16 * 1.0);
  ASSERT_TRUE(r.arithmetic.sparse);
  EXPECT_EQ(r.arithmetic.sparse->algorithmic, 16u);
  EXPECT_EQ(r.arithmetic.computes, 4u);
  EXPECT_EQ(r.arithmetic.cycles, 4u);
  EXPECT_DOUBLE_EQ(r.arithmetic.energy_pJ, 4 * 0.5);
}

// Gated and skipped differ in time, not in counts: a gated read still takes its slot.
TEST(SparseModel, skipped_reads_are_counted_apart_and_cost_the_skip_energy) {
  auto r = evaluate_yaml({kArch, dot_product("0.25"), kAllInBuffer, optimization("Buffer", "skipping"), kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& b = sparse_at(r, "Buffer", "B");
  EXPECT_EQ(b.accesses[0].actual, 4u);
  EXPECT_EQ(b.accesses[0].gated, 0u);
  EXPECT_EQ(b.accesses[0].skipped, 12u);
  // No skipped_read action: a skip costs what a gated read does (the fork's fallback).
  EXPECT_DOUBLE_EQ(tensor_at(r, "Buffer", "B").energy_pJ, 4 * 1.0 + 12 * 0.1 + 16 * 1.0);
  EXPECT_EQ(r.arithmetic.cycles, 4u);
}

// One read of B at Backing sends a 4-operand tile down; it is gated when the 4 operands of
// A it meets are all zero. With density 1/8, a fixed-structured 4-operand tile holds 0 or
// 1 nonzero, each with probability 1/2: 8 of Backing's 16 reads are gated, and the tiles
// they would have sent never reach the Buffer (not gated there: they do not exist).
TEST(SparseModel, gating_at_an_outer_level_removes_the_accesses_below_it) {
  auto r = evaluate_yaml({kArch, dot_product("0.125"), kSplit, optimization("Backing", "gating"), kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& outer = sparse_at(r, "Backing", "B");
  EXPECT_EQ(outer.accesses[0].actual, 8u);
  EXPECT_EQ(outer.accesses[0].gated, 8u);
  const auto& inner = sparse_at(r, "Buffer", "B");
  EXPECT_EQ(inner.accesses[0].algorithmic, 16u);
  EXPECT_EQ(inner.accesses[0].actual, 8u);
  EXPECT_EQ(inner.accesses[0].gated, 0u);
  EXPECT_EQ(inner.accesses[1].actual, 8u);  // fills
  EXPECT_DOUBLE_EQ(tensor_at(r, "Backing", "B").energy_pJ, 8 * 100.0 + 8 * 10.0);
  EXPECT_EQ(r.arithmetic.computes, 8u);
}

// The compute unit gates an operation whose A operand is zero: 3/4 of the 16 computes are
// gated; they cost the gated energy and still take their cycles.
TEST(SparseModel, compute_gating_gates_operations_on_a_zero_operand) {
  std::string sparse = "sparse_optimizations:\n  targets:\n  - name: MAC\n    compute-optimization: [{type: gating}]\n";
  auto r = evaluate_yaml({kArch, dot_product("0.25"), kAllInBuffer, sparse, kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(r.arithmetic.sparse->actual, 4u);
  EXPECT_EQ(r.arithmetic.sparse->gated, 12u);
  EXPECT_EQ(r.arithmetic.cycles, 16u);
  EXPECT_DOUBLE_EQ(r.arithmetic.energy_pJ, 4 * 0.5 + 12 * 0.1);
  EXPECT_EQ(sparse_at(r, "Buffer", "B").accesses[0].actual, 16u);  // storage untouched
}

// With 4-bit operands in 8-bit words, each outcome is packed on its own: 3 actual and 13
// gated reads take 2 and 7 words, one more than the 8 words of all 16.
TEST(SparseModel, packed_counts_round_each_outcome_separately) {
  auto r = evaluate_yaml(
      {kArch, dot_product("0.2", "    bitwidths: {B: 4}\n"), kAllInBuffer, optimization("Buffer", "gating"), kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& b = sparse_at(r, "Buffer", "B");
  // 16 reads, P(A zero) = 0.8: floor(12.8) = 12 gated, 4 actual; in words 6 and 2.
  EXPECT_EQ(b.accesses[0].algorithmic, 8u);
  EXPECT_EQ(b.accesses[0].gated, 6u);
  EXPECT_EQ(b.accesses[0].actual, 2u);
}

// Without any optimization the counts are the dense ones, whatever the densities.
TEST(SparseModel, densities_alone_change_nothing) {
  auto dense = evaluate_yaml({kArch, dot_product("1.0"), kAllInBuffer, kTables});
  auto sparse = evaluate_yaml({kArch, dot_product("0.25"), kAllInBuffer, kTables});
  EXPECT_DOUBLE_EQ(dense.summary.energy_pJ, sparse.summary.energy_pJ);
  EXPECT_EQ(sparse.arithmetic.computes, 16u);
  EXPECT_FALSE(sparse.arithmetic.sparse.has_value());
}

// An empty sparse_optimizations section: the reference prints Sparseloop's stats, every
// actual count the dense one.
TEST(SparseModel, empty_sparse_section_reports_the_dense_counts_as_actual) {
  auto r = evaluate_yaml({kArch, dot_product("0.25"), kAllInBuffer, "sparse_optimizations: {targets: []}\n", kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  ASSERT_TRUE(r.arithmetic.sparse.has_value());
  EXPECT_EQ(r.arithmetic.sparse->actual, 16u);
  EXPECT_EQ(sparse_at(r, "Buffer", "B").accesses[0].actual, 16u);
  EXPECT_EQ(sparse_at(r, "Buffer", "B").accesses[0].gated, 0u);
}

// A fixed-structured tile of n operands holds floor(n d) or ceil(n d) nonzeros, with the
// mean n d; a hypergeometric tensor has ceil(d N) nonzeros placed at random.
TEST(SparseModel, density_models_give_the_occupancy_probabilities) {
  sparse::DensityModel fixed({DensityDistribution::kFixedStructured, 0.25, 0}, 16);
  EXPECT_DOUBLE_EQ(fixed.occupancy_probability(1, 0), 0.75);
  EXPECT_DOUBLE_EQ(fixed.occupancy_probability(10, 2), 0.5);  // 2.5 nonzeros on average
  EXPECT_DOUBLE_EQ(fixed.occupancy_probability(10, 3), 0.5);
  EXPECT_DOUBLE_EQ(fixed.occupancy_probability(8, 0), 0.0);
  EXPECT_EQ(fixed.max_occupancy(10), 3u);
  sparse::DensityModel random({DensityDistribution::kHypergeometric, 0.25, 0}, 16);
  EXPECT_EQ(random.max_occupancy(10), 4u);  // all 4 nonzeros may fall in it
  EXPECT_NEAR(random.occupancy_probability(1, 0), 12.0 / 16, 1e-12);
  EXPECT_NEAR(random.occupancy_probability(2, 0), 66.0 / 120, 1e-12);  // C(12,2) / C(16,2)
  EXPECT_NEAR(random.expected_occupancy(8), 2.0, 1e-12);
}

// Backing spreads K over 4 PEs (4 operands each); A (density 1/8) is compressed there, so a
// PE whose 4 operands of A are all zero (probability 1/2, fixed structure) need not run:
// B and Z are skipped spatially on A. At most 2 of the 4 PEs get a nonzero (ceil(16/8) = 2
// nonzeros), on average 2 are in use; half of what reaches the PEs' buffers and of the
// computes remains, and the 8 computes take 4 cycles on the 2 PEs in use.
TEST(SparseModel, spatial_skipping_leaves_the_instances_of_empty_tiles_unused) {
  const std::string arch = R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: Backing, class: DRAM, attributes: {width: 8, datawidth: 8, metadata_storage_width: 8,
                                                metadata_datawidth: 4}}
    subtree:
    - name: PE[0..3]
      local:
      - {name: Buffer, class: regfile, attributes: {depth: 64, width: 8, datawidth: 8, meshX: 4}}
      - {name: MAC, class: intmac, attributes: {datawidth: 8, meshX: 4}}
)";
  const std::string mapping = R"(
mapping:
- {target: Backing, type: temporal, factors: K=1 M=1, permutation: KM}
- {target: Backing, type: spatial, factors: K=4 M=1, permutation: KM, split: 2}
- {target: Buffer, type: temporal, factors: K=4 M=1, permutation: KM}
- {target: Buffer, type: bypass, keep: [B, Z], bypass: [A]}
)";
  const std::string sparse = R"(
sparse_optimizations:
  targets:
  - name: Backing
    representation-format: {data-spaces: [{name: A, ranks: [{format: UOP}, {format: CP}]}]}
    action-optimization:
    - {type: skipping-spatial, target: B, condition-on: [A]}
    - {type: skipping-spatial, target: Z, condition-on: [A]}
)";
  auto r = evaluate_yaml({arch, dot_product("0.125"), mapping, sparse});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(r.arithmetic.computes, 8u);
  EXPECT_EQ(r.arithmetic.utilized_instances, 2u);
  EXPECT_DOUBLE_EQ(r.arithmetic.sparse->utilized_instances_average, 2.0);
  EXPECT_EQ(r.arithmetic.cycles, 4u);
  const auto& b = tensor_at(r, "Buffer", "B");
  EXPECT_EQ(b.utilized_instances, 2u);
  EXPECT_EQ(b.reads, 2u);  // 4 per PE, half of them on a PE that runs
  EXPECT_EQ(b.fills, 2u);
  EXPECT_EQ(b.sparse->accesses[0].skipped, 0u);      // not skipped there: never sent
  EXPECT_EQ(tensor_at(r, "Buffer", "Z").reads, 2u);  // 3 - floor(3 / 2)
}

// Backing gates half of B's reads (as above); the Buffer then skips B on Z, which is dense
// (probability 0): of what still arrives nothing more is saved. The reference's formula
// 1 - (1 - 0) / (1 - 0.5) = -1 makes it count 2^64 - 8 skipped reads (1.2e17 pJ per compute).
TEST(SparseModel, inner_optimization_less_likely_than_the_outer_one_saves_nothing_more) {
  std::string sparse =
      "sparse_optimizations:\n  targets:\n"
      "  - name: Backing\n    action-optimization: [{type: gating, target: B, condition-on: [A]}]\n"
      "  - name: Buffer\n    action-optimization: [{type: skipping, target: B, condition-on: [Z]}]\n";
  auto r = evaluate_yaml({kArch, dot_product("0.125"), kSplit, sparse, kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& inner = sparse_at(r, "Buffer", "B");
  EXPECT_EQ(inner.accesses[0].actual, 8u);
  EXPECT_EQ(inner.accesses[0].skipped, 0u);
  EXPECT_DOUBLE_EQ(tensor_at(r, "Buffer", "B").energy_pJ, 8 * 1.0 + 8 * 1.0);
}

// B is gated on Z (half zero) and the MAC gates on a zero operand. Half of the 16 computes
// remain after B's gating; A (density 0.8) is zero for a fifth of those: floor(1.6) = 1
// gated, 7 actual. The reference divides A's density by B's survival (0.8 / 0.5 > 1) as if
// B were gated on A, and stops on an assertion.
TEST(SparseModel, operand_gated_on_another_tensor_keeps_its_own_zero_probability) {
  std::string problem = dot_product("0.8");
  problem.replace(problem.find("{A: 0.8}"), 8, "{A: 0.8, Z: 0.5}");
  std::string sparse =
      "sparse_optimizations:\n  targets:\n"
      "  - name: Buffer\n    action-optimization: [{type: gating, target: B, condition-on: [Z]}]\n"
      "  - name: MAC\n    compute-optimization: [{type: gating}]\n";
  auto r = evaluate_yaml({kArch, problem, kAllInBuffer, sparse, kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(r.arithmetic.sparse->actual, 7u);
  EXPECT_EQ(r.arithmetic.sparse->gated, 1u);
}

}  // namespace
}  // namespace qloop::testing
