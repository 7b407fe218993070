// Sparseloop's gating, skipping and compute optimizations (docs/sparsity.md), each rule on a
// dot product small enough to count by hand: Z[m] += A[k] * B[k], K = 16, M = 1, A sparse.
#include <gtest/gtest.h>

#include <stdexcept>

#include "model_fixture.hpp"
#include "sparse/density_model.hpp"
#include "util/error.hpp"

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

// With 4-bit operands in 8-bit words (2 to a word), each outcome is packed on its own.
TEST(SparseModel, packed_counts_round_each_outcome_separately) {
  auto r = evaluate_yaml(
      {kArch, dot_product("0.2", "    bitwidths: {B: 4}\n"), kAllInBuffer, optimization("Buffer", "gating"), kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& b = sparse_at(r, "Buffer", "B");
  // 16 reads, P(A zero) = 0.8: floor(12.8) = 12 gated, 4 actual; in words 6 and 2.
  EXPECT_EQ(b.accesses[0].algorithmic, 8u);
  EXPECT_EQ(b.accesses[0].gated, 6u);
  EXPECT_EQ(b.accesses[0].actual, 2u);
  // P(A zero) = 0.7: floor(11.2) = 11 gated, 5 actual; in words 6 and 3, one more than the 8
  // words of all 16 (packing the outcomes together would give 8).
  auto odd = evaluate_yaml(
      {kArch, dot_product("0.3", "    bitwidths: {B: 4}\n"), kAllInBuffer, optimization("Buffer", "gating"), kTables});
  ASSERT_TRUE(odd.valid) << odd.reason;
  const auto& split = sparse_at(odd, "Buffer", "B").accesses[0];
  EXPECT_EQ(split.algorithmic, 8u);
  EXPECT_EQ(split.gated, 6u);
  EXPECT_EQ(split.actual, 3u);
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

// Backing (with metadata storage) above 4 PEs along X, each a Buffer and a MAC.
const char* kPeArch = R"(
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

// K spread over the 4 PEs by Backing, 4 operands each; `bypass`: the Buffer's keep/bypass.
std::string spread_over_pes(const std::string& bypass) {
  return "mapping:\n"
         "- {target: Backing, type: temporal, factors: K=1 M=1, permutation: KM}\n"
         "- {target: Backing, type: spatial, factors: K=4 M=1, permutation: KM, split: 2}\n"
         "- {target: Buffer, type: temporal, factors: K=4 M=1, permutation: KM}\n"
         "- {target: Buffer, type: bypass, " +
         bypass + "}\n";
}

// Backing spreads K over 4 PEs (4 operands each); A (density 1/8) is compressed there, so a
// PE whose 4 operands of A are all zero (probability 1/2, fixed structure) need not run:
// B and Z are skipped spatially on A. At most 2 of the 4 PEs get a nonzero (ceil(16/8) = 2
// nonzeros), on average 2 are in use; half of what reaches the PEs' buffers and of the
// computes remains, and the 8 computes take 4 cycles on the 2 PEs in use.
TEST(SparseModel, spatial_skipping_leaves_the_instances_of_empty_tiles_unused) {
  const auto mapping = spread_over_pes("keep: [B, Z], bypass: [A]");
  const std::string sparse = R"(
sparse_optimizations:
  targets:
  - name: Backing
    representation-format: {data-spaces: [{name: A, ranks: [{format: UOP}, {format: CP}]}]}
    action-optimization:
    - {type: skipping-spatial, target: B, condition-on: [A]}
    - {type: skipping-spatial, target: Z, condition-on: [A]}
)";
  auto r = evaluate_yaml({kPeArch, dot_product("0.125"), mapping, sparse});
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
  // With A all zero no PE would get a nonzero: no instance is left in use (the reference
  // divides by zero); the mapping is invalid.
  auto none = evaluate_yaml({kPeArch, dot_product("0"), mapping, sparse});
  EXPECT_FALSE(none.valid);
  EXPECT_NE(none.reason.find("leaves no instance"), std::string::npos) << none.reason;
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

// ---- Banded density (a square matrix, nonzero where |row - col| <= band width) -------------

// A tile of rows x cols (rows: the tensor's rank 0).
sparse::TileShape rect(std::int64_t rows, std::int64_t cols) {
  sparse::TileShape tile(static_cast<std::uint64_t>(rows * cols));
  tile.ranks = 2;
  tile.extents[0] = rows;
  tile.extents[1] = cols;
  return tile;
}

sparse::DensityModel band(int width, std::int64_t side = 8) {
  return {{DensityDistribution::kBanded, 1.0, width}, rect(side, side)};
}

// An 8x8 band of width 1: the diagonal (8) and the two next to it (7 each) hold 22 nonzeros;
// one operand is nonzero with probability 22/64.
TEST(SparseModel, banded_8x8_band_of_width_1_holds_22_nonzeros) {
  auto m = band(1);
  EXPECT_EQ(m.max_occupancy(rect(8, 8)), 22u);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(8, 8), 22), 1.0);
  EXPECT_DOUBLE_EQ(m.expected_occupancy(1), 22.0 / 64);
  EXPECT_DOUBLE_EQ(m.expected_occupancy(16), 16 * (22.0 / 64));
  EXPECT_DOUBLE_EQ(m.operand_density(), 0.34375);
  EXPECT_EQ(m.min_occupancy(rect(8, 8)), 0u);  // the empty tile is always listed
}

TEST(SparseModel, banded_width_0_is_the_diagonal) {
  auto m = band(0);
  EXPECT_EQ(m.max_occupancy(rect(8, 8)), 8u);
  EXPECT_DOUBLE_EQ(m.operand_density(), 0.125);
}

// 2x2 tiles of the 8x8 band of width 1: 4 diagonal blocks hold 4 nonzeros, the 6 blocks next
// to them 1, the other 6 none.
TEST(SparseModel, banded_distribution_of_2x2_tiles_counts_diagonal_neighbouring_and_empty_blocks) {
  auto m = band(1);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(2, 2), 0), 6.0 / 16);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(2, 2), 1), 6.0 / 16);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(2, 2), 4), 4.0 / 16);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(2, 2), 2), 0.0);
  EXPECT_EQ(m.max_occupancy(rect(2, 2)), 4u);
  auto all = m.occupancies(rect(2, 2));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].nonzeros, 0u);
  EXPECT_EQ(all[1].nonzeros, 1u);
  EXPECT_EQ(all[2].nonzeros, 4u);
}

// The first and last pairs of rows hold 2 + 3 = 5 nonzeros, the middle ones 6.
TEST(SparseModel, banded_first_row_groups_stand_for_the_last_ones) {
  auto m = band(1);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(2, 8), 5), 0.5);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(2, 8), 6), 0.5);
  EXPECT_EQ(m.max_occupancy(rect(2, 8)), 6u);
}

TEST(SparseModel, banded_scalar_is_empty_with_the_share_of_zeros) {
  auto m = band(1);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(1, 1), 0), 42.0 / 64);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(1, 1), 1), 22.0 / 64);
}

// Within a parent tile holding k nonzeros: the first tile of the parent's shape that holds k
// stands for all; the share of its sub-tiles that are empty is P(empty).
TEST(SparseModel, banded_subtile_of_the_whole_matrix_is_empty_as_often_as_it_is_in_the_matrix) {
  auto m = band(1);
  sparse::ParentTile whole{rect(8, 8), 22};
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(1, 1), 0, whole), 42.0 / 64);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(1, 8), 0, whole), 0.0);  // no row is empty
  // Pairs of rows, one column: 3, 4, 4 and 3 of the 8 columns meet the band.
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(2, 1), 0, whole), 18.0 / 32);
}

// The 2x2 tile holding 1 nonzero first met is rows 0-1, columns 2-3. The reference offsets
// each sub-tile's start by the parent's corner twice (columns from 4 + j, ending at 3 + j):
// every 1x1 sub-tile is empty, where 3 of the 4 truly are.
TEST(SparseModel, banded_subtile_of_a_parent_off_the_origin_starts_at_twice_its_corner) {
  auto m = band(1);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(1, 1), 0, sparse::ParentTile{rect(2, 2), 1}), 1.0);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(1, 1), 0, sparse::ParentTile{rect(2, 2), 4}), 0.0);
  EXPECT_DOUBLE_EQ(m.occupancy_probability(rect(1, 1), 0, sparse::ParentTile{rect(2, 2), 0}), 1.0);
  EXPECT_THROW(m.occupancy_probability(rect(1, 1), 1, sparse::ParentTile{rect(2, 2), 4}), std::logic_error);
}

// The most nonzero elements of a fiber: the elements times P(an element is empty) within the
// fullest fiber (the reference's formula). A 2x2 fiber holding 4 has no empty element: 0. The
// fullest row (3 nonzeros) is found at row 1, whose sub-tiles start at row 2 and end at row 2:
// all 8 count as empty, so 8.
TEST(SparseModel, banded_max_elements_scale_the_elements_by_the_empty_share) {
  auto m = band(1);
  EXPECT_EQ(m.max_elements(rect(2, 2), rect(1, 1)), 0u);
  EXPECT_EQ(m.max_elements(rect(1, 8), rect(1, 1)), 8u);
  sparse::DensityModel fixed({DensityDistribution::kFixedStructured, 0.25, 0}, 8);
  EXPECT_EQ(fixed.max_elements(8, 1), 2u);  // at most ceil(8 * 0.25) nonzeros
}

// Z[M,N] += A[M,K] * B[N,K], 8x8x8, A banded of width 1, B fixed-structured at 0.5: the MAC
// gates an operation on a zero operand. 512 x 22/64 x 0.5 = 88 computes remain.
TEST(SparseModel, banded_operand_is_nonzero_with_the_band_share) {
  const std::string problem = R"(
problem:
  shape:
    name: MatrixMultiply
    dimensions: [M, N, K]
    data-spaces:
    - {name: A, projection: [[[M]], [[K]]]}
    - {name: B, projection: [[[N]], [[K]]]}
    - {name: Z, projection: [[[M]], [[N]]], read-write: true}
  instance:
    M: 8
    N: 8
    K: 8
    densities: {A: {distribution: banded, band_width: 1}, B: 0.5}
)";
  const std::string mapping = R"(
mapping:
- {target: Backing, type: temporal, factors: M=8 N=8 K=8, permutation: KNM}
- {target: Buffer, type: temporal, factors: M=1 N=1 K=1, permutation: KNM}
)";
  std::string sparse = "sparse_optimizations:\n  targets:\n  - name: MAC\n    compute-optimization: [{type: gating}]\n";
  auto r = evaluate_yaml({kArch, problem, mapping, sparse, kTables});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_EQ(r.arithmetic.sparse->actual, 88u);
  EXPECT_EQ(r.arithmetic.sparse->gated, 512u - 88u);
}

// Z[M] += A[M,K] * B[K], with `a_density` given for A.
std::string matrix_problem(const std::string& a_density, int m, int k) {
  return "problem:\n"
         "  shape:\n"
         "    name: Matrix\n"
         "    dimensions: [K, M]\n"
         "    data-spaces:\n"
         "    - {name: A, projection: [[[M]], [[K]]]}\n"
         "    - {name: B, projection: [[[K]]]}\n"
         "    - {name: Z, projection: [[[M]]], read-write: true}\n"
         "  instance:\n"
         "    K: " +
         std::to_string(k) + "\n    M: " + std::to_string(m) + "\n    densities: {A: " + a_density + "}\n";
}

const char* kMatrixInBuffer = R"(
mapping:
- {target: Backing, type: temporal, factors: K=1 M=1, permutation: KM}
- {target: Buffer, type: temporal, factors: K=8 M=8, permutation: KM}
)";

std::string input_error(const std::string& problem) {
  try {
    load_yaml({kArch, problem, kMatrixInBuffer});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SparseModel, banded_density_needs_a_2d_square_tensor) {
  auto one_rank = input_error(dot_product("{distribution: banded, band_width: 1}"));
  EXPECT_NE(one_rank.find("tensor A has 1 rank(s)"), std::string::npos) << one_rank;
  auto oblong = input_error(matrix_problem("{distribution: banded}", 8, 4));
  EXPECT_NE(oblong.find("tensor A is 8 x 4"), std::string::npos) << oblong;
}

TEST(SparseModel, band_width_is_a_whole_number_below_the_side) {
  EXPECT_NE(input_error(matrix_problem("{distribution: banded, band_width: -1}", 8, 8)).find("band_width"),
            std::string::npos);
  EXPECT_NE(input_error(matrix_problem("{distribution: banded, band_width: 1.5}", 8, 8)).find("integer"),
            std::string::npos);
  auto past = input_error(matrix_problem("{distribution: banded, band_width: 8}", 8, 8));
  EXPECT_NE(past.find("at most 7"), std::string::npos) << past;
  // A density beside the band is ignored, as the reference does, and a note says so.
  auto with_density = load_yaml({kArch, matrix_problem("{distribution: banded, density: 0.3}", 8, 8), kMatrixInBuffer});
  ASSERT_EQ(with_density.notes.size(), 1u);
  EXPECT_NE(with_density.notes[0].find("density 0.3 is ignored"), std::string::npos) << with_density.notes[0];
}

TEST(SparseModel, banded_reads_band_width_in_either_spelling_and_diagonal_as_width_0) {
  auto hyphen = load_yaml({kArch, matrix_problem("{distribution: banded, band-width: 2}", 8, 8), kMatrixInBuffer});
  EXPECT_EQ(hyphen.workload.densities[0].distribution, DensityDistribution::kBanded);
  EXPECT_EQ(hyphen.workload.densities[0].band_width, 2);
  auto diagonal = load_yaml({kArch, matrix_problem("{distribution: diagonal}", 8, 8), kMatrixInBuffer});
  EXPECT_EQ(distribution_name(diagonal.workload.densities[0]), "banded-0");
}

// Z skipped spatially on [A, B], both compressed at Backing with density 1/8: a PE's 4
// operands of A are all zero half the time. The reference counts its loop index on from the
// first condition into the second, so B's tile is the whole 16-operand tile of Backing, never
// empty: only A's half counts. Per PE, Z's 3 reads keep 3 - floor(1.5) = 2, its 4 updates
// 4 - floor(2) = 2, and 2 PEs are in use on average (with B's own half, 1, 1 and 1).
TEST(SparseModel, spatial_skipping_counts_a_later_conditions_loops_on_as_the_reference) {
  const auto mapping = spread_over_pes("keep: [Z], bypass: [A, B]");
  const std::string sparse = R"(
sparse_optimizations:
  targets:
  - name: Backing
    representation-format:
      data-spaces:
      - {name: A, ranks: [{format: UOP}, {format: CP}]}
      - {name: B, ranks: [{format: UOP}, {format: CP}]}
    action-optimization:
    - {type: skipping-spatial, target: Z, condition-on: [A, B]}
)";
  std::string problem = dot_product("0.125");
  problem.replace(problem.find("{A: 0.125}"), 10, "{A: 0.125, B: 0.125}");
  auto r = evaluate_yaml({kPeArch, problem, mapping, sparse});
  ASSERT_TRUE(r.valid) << r.reason;
  const auto& z = tensor_at(r, "Buffer", "Z");
  EXPECT_EQ(z.reads, 2u);
  EXPECT_EQ(z.updates, 2u);
  EXPECT_DOUBLE_EQ(z.sparse->utilized_instances_average, 2.0);
}

}  // namespace
}  // namespace qloop::testing
