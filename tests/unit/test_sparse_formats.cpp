// Compressed representations (src/sparse/representation.hpp): which loops each rank of a
// format covers, and how many metadata and payload units a tile needs on average and at its
// fullest. Designs are built as structs (no YAML); every expected value is worked out by hand
// in the comments from Sparseloop's rules (docs/sparsity.md), and the designs are those of
// Sparseloop's tutorial exercises (isca21-01.2.3-SCDU, 02.2.x-spMspM, 03.2.1-conv1d), whose
// numbers the reference prints as `format_capacity` and `utilized_instances_average`.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sparse/complete_nest.hpp"
#include "sparse/density_model.hpp"
#include "sparse/representation.hpp"

namespace qloop::testing {
namespace {

using sparse::Box;
using sparse::RankUnits;
using sparse::RepresentationAnalysis;
using sparse::TensorRepresentation;

using Loops = std::vector<std::pair<std::string, std::int64_t>>;  // innermost first

struct TensorSpec {
  std::string name;
  std::vector<std::vector<std::string>> ranks;  // per rank the dimensions summed
  bool read_write = false;
  double density = 1.0;
};

// A chain of single-instance levels (innermost first) over one compute unit, with a
// metadata storage of 4-bit words in 4-bit rows at every level.
struct Design {
  Workload workload;
  Architecture arch;
  Mapping mapping;

  Design(const Loops& dimensions, const std::vector<TensorSpec>& tensors) {
    for (const auto& [name, bound] : dimensions) {
      workload.dimension_names.push_back(name);
      workload.dimension_bounds.push_back(bound);
    }
    for (const auto& t : tensors) {
      DataSpaceShape shape{t.name, {}, t.read_write};
      for (const auto& rank : t.ranks) {
        std::vector<ProjectionTerm> terms;
        for (const auto& d : rank) terms.push_back({workload.find_dimension(d), -1});
        shape.projection.push_back(terms);
      }
      workload.data_spaces.push_back(shape);
      workload.bitwidths.push_back(std::nullopt);
      workload.densities.push_back({DensityDistribution::kFixedStructured, t.density, 0});
    }
  }

  // Adds the next outer level with its temporal loops; dimensions not named get a bound-1
  // loop outside them.
  Design& level(const std::string& name, const Loops& loops, const std::vector<std::string>& bypass = {}) {
    StorageLevelSpec spec;
    spec.name = name;
    spec.metadata.word_bits = 4;
    spec.metadata.width_bits = 4;
    arch.storage.push_back(spec);
    int dims = workload.num_dimensions();
    LevelMapping m;
    m.temporal_factors.assign(dims, 1);
    m.spatial_factors.assign(dims, 1);
    for (const auto& [d, bound] : loops) {
      m.temporal_factors[workload.find_dimension(d)] = bound;
      m.temporal_permutation.push_back(workload.find_dimension(d));
    }
    for (int d = 0; d < dims; ++d) {
      if (std::find(m.temporal_permutation.begin(), m.temporal_permutation.end(), d) == m.temporal_permutation.end())
        m.temporal_permutation.push_back(d);
      m.spatial_permutation.push_back(d);
    }
    m.keep.assign(workload.num_data_spaces(), true);
    for (const auto& t : bypass) m.keep[workload.find_data_space(t)] = false;
    mapping.levels.push_back(m);
    return *this;
  }

  StorageLevelSpec& at(const std::string& name) { return arch.storage[arch.find_storage_level(name)]; }

  // The format of `tensor` at `level`, ranks listed outermost first.
  Design& format(const std::string& level, const std::string& tensor, std::vector<RankFormat> ranks,
                 bool inner_to_outer = false) {
    at(level).sparsity.formats.push_back({tensor, std::move(ranks), inner_to_outer});
    return *this;
  }

  RepresentationAnalysis analyze() const {
    auto nest = sparse::complete_nest(arch, workload, mapping);
    Box whole(workload.dimension_bounds.begin(), workload.dimension_bounds.end());
    CollapsedTiles tiles(arch.num_storage_levels(), std::vector<LevelTensorCounts>(workload.num_data_spaces()));
    std::vector<sparse::DensityModel> models;
    for (DataSpaceId ds = 0; ds < workload.num_data_spaces(); ++ds) {
      models.emplace_back(workload.density_of(ds), sparse::projected_tile(workload, ds, whole));
      for (int l = 0; l < arch.num_storage_levels(); ++l) {
        auto& t = tiles[l][ds];
        t.kept = mapping.levels[l].keep[ds];
        t.tile_size = t.kept ? sparse::projected_points(workload, ds, nest.tiles[l].back()) : 0;
      }
    }
    RepresentationAnalysis out;
    sparse::analyze_representations(arch, workload, nest, tiles, models, out);
    return out;
  }

  const TensorRepresentation& of(const RepresentationAnalysis& r, const std::string& level,
                                 const std::string& tensor) const {
    return r.levels.at(arch.find_storage_level(level)).at(workload.find_data_space(tensor));
  }
};

RankFormat rank(RankFormatKind kind, int metadata_bits = 4, int payload_bits = 4,
                std::vector<std::vector<std::string>> flattened = {}) {
  return {kind, metadata_bits, payload_bits, std::move(flattened)};
}
constexpr auto kUOP = RankFormatKind::kUncompressedOffsetPair;
constexpr auto kCP = RankFormatKind::kCoordinatePayload;
constexpr auto kRLE = RankFormatKind::kRunLengthEncoding;
constexpr auto kB = RankFormatKind::kBitmask;
constexpr auto kUB = RankFormatKind::kUncompressed;

// Units per rank as [innermost, ...], compared exactly unless `tolerance` is given.
void expect_units(const std::vector<RankUnits>& units, const std::vector<std::pair<double, double>>& expected,
                  double tolerance = 0) {
  ASSERT_EQ(units.size(), expected.size());
  for (std::size_t r = 0; r < units.size(); ++r) {
    EXPECT_NEAR(units[r].metadata, expected[r].first, tolerance) << "rank " << r << " metadata";
    EXPECT_NEAR(units[r].payload, expected[r].second, tolerance) << "rank " << r << " payload";
  }
}

// isca21-01.2.3-SCDU: Z[M] += A[K] * B[K], K=16, M=1, all in one Buffer; A 25% dense (fixed
// structure: every 16-point tile holds exactly 4 nonzeros).
Design dot_product(std::vector<RankFormat> a_ranks, bool inner_to_outer = false) {
  Design d({{"K", 16}, {"M", 1}}, {{"A", {{"K"}}, false, 0.25}, {"B", {{"K"}}}, {"Z", {{"M"}}, true}});
  d.level("Buffer", {{"K", 16}, {"M", 1}});
  d.format("Buffer", "A", std::move(a_ranks), inner_to_outer);
  return d;
}

// isca21-03.2.1-conv1d: Outputs[Q] += Weights[S] * Inputs[S+Q], S=3, Q=9; Weights 33% dense
// (a 3-point tile holds 1 nonzero with probability 0.99, none with 0.01). Buffer (level 0)
// runs every loop, BackingStorage above it has only bound-1 loops.
Design conv1d() {
  Design d({{"S", 3}, {"Q", 9}},
           {{"Weights", {{"S"}}, false, 0.33}, {"Inputs", {{"S", "Q"}}}, {"Outputs", {{"Q"}}, true}});
  d.level("Buffer", {{"S", 3}, {"Q", 9}}).level("BackingStorage", {{"S", 1}, {"Q", 1}});
  return d;
}

// isca21-02.2.x-spMspM: Z[M,N] += A[M,K] * B[N,K], 8x8x8, A 25% and B 50% dense. Loops
// (innermost first) N, K, M; `n_outer` of N's 8 iterations run at BackingStorage.
Design matrix_multiply(std::int64_t n_outer) {
  Design d({{"M", 8}, {"N", 8}, {"K", 8}},
           {{"A", {{"M"}, {"K"}}, false, 0.25}, {"B", {{"N"}, {"K"}}, false, 0.5}, {"Z", {{"M"}, {"N"}}, true}});
  d.level("Buffer", {{"N", 8 / n_outer}, {"K", 8}, {"M", 8}});
  d.level("BackingStorage", {{"N", n_outer}, {"K", 1}, {"M", 1}});
  return d;
}

TEST(SparseFormats, coordinate_payload_rank_keeps_one_coordinate_per_nonzero) {
  // One rank over K16: a single fiber (never empty) of 16 coordinates, each empty with
  // probability 1 - 4/16 = 0.75: ceil(16 * 0.25) = 4 coordinates; the innermost rank's
  // payload is the data itself, so (4, 0). The tile always holds 4 nonzeros.
  auto d = dot_product({rank(kCP)});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  const auto& a = d.of(r, "Buffer", "A");
  EXPECT_TRUE(a.has_metadata);
  EXPECT_TRUE(a.compressed);
  EXPECT_EQ(a.format_name, "cp");
  EXPECT_DOUBLE_EQ(a.expected_density, 0.25);
  EXPECT_DOUBLE_EQ(a.instances_factor, 1);
  expect_units(a.expected, {{4, 0}});
  expect_units(a.worst_case, {{4, 0}});
  EXPECT_EQ(a.expected[0].metadata_bits, 4);
  EXPECT_EQ(a.max_occupancy, 4u);
  EXPECT_EQ(a.worst_case_bits, 16u);  // 4 coordinates of 4 bits
}

TEST(SparseFormats, tensors_without_a_format_have_no_metadata_and_hold_their_dense_tile) {
  auto d = dot_product({rank(kCP)});
  auto r = d.analyze();
  const auto& b = d.of(r, "Buffer", "B");
  EXPECT_FALSE(b.has_metadata);
  EXPECT_FALSE(b.compressed);
  EXPECT_EQ(b.format_name, "none");
  EXPECT_TRUE(b.expected.empty());
  EXPECT_DOUBLE_EQ(b.expected_density, 1);
  EXPECT_EQ(b.max_occupancy, 16u);
  EXPECT_EQ(b.worst_case_bits, 0u);
}

TEST(SparseFormats, bitmask_rank_keeps_one_bit_per_point) {
  // 16 metadata bits (one per point), payload ceil(16 * 0.25) = 4 dropped at the innermost
  // rank: (16, 0); B's metadata words are 1 bit wide: 16 bits.
  auto d = dot_product({rank(kB, 1, 4)});
  auto r = d.analyze();
  const auto& a = d.of(r, "Buffer", "A");
  expect_units(a.expected, {{16, 0}});
  expect_units(a.worst_case, {{16, 0}});
  EXPECT_EQ(a.worst_case_bits, 16u);
  EXPECT_EQ(a.max_occupancy, 4u);
}

TEST(SparseFormats, single_uncompressed_offset_pair_rank_needs_no_units) {
  // UOP: 16 + 1 offsets as payload and no metadata; the innermost payload is dropped: (0, 0).
  // It still has metadata: its tile holds only the 4 nonzeros.
  auto d = dot_product({rank(kUOP)});
  auto r = d.analyze();
  const auto& a = d.of(r, "Buffer", "A");
  EXPECT_TRUE(a.has_metadata);
  EXPECT_FALSE(a.compressed);
  expect_units(a.expected, {{0, 0}});
  expect_units(a.worst_case, {{0, 0}});
  EXPECT_EQ(a.max_occupancy, 4u);
  EXPECT_DOUBLE_EQ(a.expected_density, 0.25);
  EXPECT_EQ(a.worst_case_bits, 0u);
}

TEST(SparseFormats, uncompressed_bitmask_ignores_density_and_given_word_bits) {
  // UB: M * F = 16 units of metadata and of payload whatever the density; payload dropped;
  // its words are the level's metadata words (4 bits), not the 2 bits given.
  auto d = dot_product({rank(kUB, 2, 2)});
  auto r = d.analyze();
  const auto& a = d.of(r, "Buffer", "A");
  expect_units(a.expected, {{16, 0}});
  EXPECT_EQ(a.expected[0].metadata_bits, 4);
  EXPECT_EQ(a.worst_case_bits, 64u);
}

TEST(SparseFormats, run_length_encoding_rounds_no_fiber_up_where_coordinate_payload_does) {
  // A over loops K2 (inner), K8 (outer), ranks [X, X]. Outer rank: one fiber of 8 elements
  // of 2 points, each empty with probability 1 - 2*4/16 = 0.5: 8 * 0.5 = 4 units of each.
  // Inner rank: 8 fibers of 2 points, each fiber empty with probability 0.5, so 4 fibers;
  // a point is empty with probability 0.75: RLE 4 * 2 * 0.25 = 2, CP 4 * ceil(0.5) = 4.
  // A mapping has one loop per dimension and level: K2 runs at a level below that A
  // bypasses, so Buffer (with no child keeping A) ranks over both K loops.
  for (auto [kind, inner] : {std::pair{kRLE, 2.0}, std::pair{kCP, 4.0}}) {
    Design d({{"K", 16}, {"M", 1}}, {{"A", {{"K"}}, false, 0.25}, {"B", {{"K"}}}, {"Z", {{"M"}}, true}});
    d.level("Inner", {{"K", 2}}, {"A"}).level("Buffer", {{"K", 8}});
    d.format("Buffer", "A", {rank(kind), rank(kind)});
    auto r = d.analyze();
    ASSERT_FALSE(r.failure) << *r.failure;
    expect_units(d.of(r, "Buffer", "A").expected, {{inner, 0}, {4, 4}});
  }
}

TEST(SparseFormats, extra_outer_to_inner_rank_becomes_an_empty_inner_dummy) {
  // [CP, CP] over the single loop K16: the outer CP takes K16 (16 coordinates: an element
  // is the whole 16-point tile's innermost loop tile, never empty); the inner one is a dummy
  // of fiber shape 1, empty. The outer rank is then the lowest with units: payload dropped.
  auto d = dot_product({rank(kCP), rank(kCP)});
  auto r = d.analyze();
  const auto& a = d.of(r, "Buffer", "A");
  EXPECT_EQ(a.format_name, "cp cp");
  expect_units(a.worst_case, {{0, 0}, {16, 0}});
  EXPECT_EQ(a.worst_case[0].metadata_bits, 0);  // an empty rank has no words
  EXPECT_EQ(a.worst_case[1].metadata_bits, 4);
}

TEST(SparseFormats, uncompressed_rank_above_a_dummy_rank_keeps_no_units) {
  // [UOP, CP]: UOP takes K16 (17 offsets), CP is an empty dummy; UOP is the lowest rank
  // with units and loses its payload.
  auto d = dot_product({rank(kUOP), rank(kCP)});
  auto r = d.analyze();
  const auto& a = d.of(r, "Buffer", "A");
  EXPECT_EQ(a.format_name, "uop cp");
  EXPECT_TRUE(a.compressed);
  expect_units(a.expected, {{0, 0}, {0, 0}});
}

TEST(SparseFormats, child_of_a_level_with_metadata_receives_only_nonempty_tiles) {
  // conv1d, Weights RLE at both levels. BackingStorage copies Buffer's rank (pretiling).
  // Buffer: its parent has metadata, so the 1% of empty tiles never arrive: 0.99 of the
  // instances are used, and the tiles that do arrive hold 1 nonzero: density 1/3, RLE
  // 3 * (1 - 2/3) = 1 run: (1, 0). BackingStorage: 0.99 * 1 = 0.99 expected, density 0.33.
  auto d = conv1d();
  d.format("Buffer", "Weights", {rank(kRLE)}).format("BackingStorage", "Weights", {rank(kRLE)});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  const auto& buffer = d.of(r, "Buffer", "Weights");
  EXPECT_NEAR(buffer.instances_factor, 0.99, 1e-12);
  EXPECT_NEAR(buffer.expected_density, 1.0 / 3, 1e-12);
  expect_units(buffer.expected, {{1, 0}}, 1e-12);
  expect_units(buffer.worst_case, {{1, 0}}, 1e-12);
  const auto& backing = d.of(r, "BackingStorage", "Weights");
  EXPECT_DOUBLE_EQ(backing.instances_factor, 1);
  EXPECT_NEAR(backing.expected_density, 0.33, 1e-12);
  expect_units(backing.expected, {{0.99, 0}}, 1e-12);
  expect_units(backing.worst_case, {{1, 0}}, 1e-12);
  EXPECT_EQ(backing.max_occupancy, 1u);
  EXPECT_EQ(backing.worst_case_bits, 4u);
}

TEST(SparseFormats, empty_tiles_are_not_sent_to_a_child_without_a_format) {
  // Format only at BackingStorage: Buffer decompresses (allowed here). Buffer has no
  // metadata but still receives no empty tile: 0.99 of its instances, density 1/3.
  auto d = conv1d();
  d.format("BackingStorage", "Weights", {rank(kRLE)});
  d.at("Buffer").metadata.decompression_supported = true;
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  const auto& buffer = d.of(r, "Buffer", "Weights");
  EXPECT_FALSE(buffer.has_metadata);
  EXPECT_NEAR(buffer.instances_factor, 0.99, 1e-12);
  EXPECT_NEAR(buffer.expected_density, 1.0 / 3, 1e-12);
  EXPECT_EQ(buffer.max_occupancy, 3u);  // dense: its whole tile
  expect_units(d.of(r, "BackingStorage", "Weights").expected, {{0.99, 0}}, 1e-12);
}

TEST(SparseFormats, uncompressed_child_of_a_compressed_parent_must_decompress) {
  auto d = conv1d();
  d.format("BackingStorage", "Weights", {rank(kRLE)});
  auto r = d.analyze();
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure_level, 0);
  EXPECT_NE(r.failure->find("decompression (from parent level) needed but not supported"), std::string::npos)
      << *r.failure;
  EXPECT_NE(r.failure->find("Weights"), std::string::npos);
}

TEST(SparseFormats, uncompressed_child_of_a_compressed_parent_must_compress_partial_sums) {
  auto d = conv1d();
  d.format("BackingStorage", "Outputs", {rank(kRLE)});
  d.at("Buffer").metadata.decompression_supported = true;
  auto r = d.analyze();
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure_level, 0);
  EXPECT_NE(r.failure->find("compression (to parent level) needed but not supported"), std::string::npos) << *r.failure;
}

TEST(SparseFormats, compressed_child_under_an_uncompressed_parent_is_refused) {
  auto d = conv1d();
  d.format("Buffer", "Weights", {rank(kRLE)});
  auto r = d.analyze();
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure_level, 0);
  EXPECT_NE(r.failure->find("Weights"), std::string::npos) << *r.failure;
  EXPECT_NE(r.failure->find("BackingStorage"), std::string::npos) << *r.failure;
}

TEST(SparseFormats, outer_to_inner_puts_the_dummy_rank_inside) {
  // [UOP, RLE]: UOP takes S3, RLE is an empty inner dummy; UOP loses its payload: (0,0)s.
  auto d = conv1d();
  d.format("Buffer", "Weights", {rank(kUOP), rank(kRLE)}).format("BackingStorage", "Weights", {rank(kUOP), rank(kRLE)});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  expect_units(d.of(r, "Buffer", "Weights").expected, {{0, 0}, {0, 0}});
  expect_units(d.of(r, "BackingStorage", "Weights").expected, {{0, 0}, {0, 0}});
}

TEST(SparseFormats, inner_to_outer_puts_the_dummy_rank_outside) {
  // The same inner-to-outer: RLE takes S3 (1 run), the outer UOP is an empty dummy.
  auto d = conv1d();
  d.format("Buffer", "Weights", {rank(kUOP), rank(kRLE)}, true)
      .format("BackingStorage", "Weights", {rank(kUOP), rank(kRLE)}, true);
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  const auto& buffer = d.of(r, "Buffer", "Weights");
  expect_units(buffer.expected, {{1, 0}, {0, 0}}, 1e-12);
  EXPECT_EQ(buffer.expected[1].payload_bits, 0);
  expect_units(d.of(r, "BackingStorage", "Weights").expected, {{0.99, 0}, {0, 0}}, 1e-12);
}

TEST(SparseFormats, one_rank_cannot_cover_two_nontrivial_loops) {
  // A[M,K] under loops K8 and M8 with a single CP rank: more ranks needed.
  auto d = matrix_multiply(1);
  d.format("Buffer", "A", {rank(kCP)}).format("BackingStorage", "A", {rank(kCP)});
  auto r = d.analyze();
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure_level, 0);
  const auto& why = *r.failure;
  EXPECT_NE(why.find("more compression ranks needed than supported in hardware"), std::string::npos) << why;
  EXPECT_NE(why.find("A at Buffer"), std::string::npos) << why;
  EXPECT_NE(why.find("has 1 rank(s) but needs 2"), std::string::npos) << why;
}

TEST(SparseFormats, flattened_rank_covers_the_loops_of_its_dimensions) {
  // With flattened-rankIDs [[M, K]] the rank takes M8 and K8: one fiber of 64 points, 16 of
  // them nonzero; BackingStorage repeats Buffer's rank (pretiling).
  auto d = matrix_multiply(1);
  d.format("Buffer", "A", {rank(kCP, 4, 4, {{"M", "K"}})})
      .format("BackingStorage", "A", {rank(kCP, 4, 4, {{"M", "K"}})});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  expect_units(d.of(r, "Buffer", "A").worst_case, {{16, 0}});
  expect_units(d.of(r, "BackingStorage", "A").worst_case, {{16, 0}});
  EXPECT_EQ(d.of(r, "Buffer", "A").max_occupancy, 16u);
}

TEST(SparseFormats, pretiled_parent_repeats_the_child_ranks_under_its_own) {
  // spMspM-tiled, B[N,K] 50% dense, Buffer loops N2 K8, BackingStorage N4.
  // Buffer [UOP, CP]: UOP over K8 (one fiber, 9 offsets), CP over N2 in 8 fibers of 2
  // points (a 2-point element holds 1 nonzero, never empty): 8 * ceil(2 * 0.5) = 8.
  // BackingStorage [UOP, UOP, CP]: the two Buffer ranks, then its own UOP over N4:
  // 5 offsets; the middle UOP has 4 fibers of 9 offsets: 36; the CP rank 32 coordinates.
  auto d = matrix_multiply(4);
  d.format("Buffer", "B", {rank(kUOP), rank(kCP)}).format("BackingStorage", "B", {rank(kUOP), rank(kUOP), rank(kCP)});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  expect_units(d.of(r, "Buffer", "B").worst_case, {{8, 0}, {0, 9}});
  const auto& backing = d.of(r, "BackingStorage", "B");
  EXPECT_EQ(backing.format_name, "uop uop cp");
  expect_units(backing.worst_case, {{32, 0}, {0, 36}, {0, 5}});
  expect_units(backing.expected, {{32, 0}, {0, 36}, {0, 5}});
  EXPECT_EQ(backing.max_occupancy, 32u);
  EXPECT_EQ(backing.worst_case_bits, (32 + 36 + 5) * 4u);
}

TEST(SparseFormats, pretiled_parent_must_repeat_the_child_rank_formats) {
  auto d = matrix_multiply(4);
  d.format("Buffer", "B", {rank(kUOP), rank(kRLE)}).format("BackingStorage", "B", {rank(kUOP), rank(kCP)});
  auto r = d.analyze();
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure_level, 1);
  EXPECT_NE(r.failure->find("level compression format does not align: BackingStorage Buffer"), std::string::npos)
      << *r.failure;
}

TEST(SparseFormats, pretiled_parent_needs_at_least_the_child_ranks) {
  // The child is uncompressed (it decompresses) but has two ranks; the parent has one.
  auto d = matrix_multiply(4);
  d.format("Buffer", "B", {rank(kUOP), rank(kUOP)}).format("BackingStorage", "B", {rank(kCP)});
  d.at("Buffer").metadata.decompression_supported = true;
  auto r = d.analyze();
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure_level, 1);
  EXPECT_NE(r.failure->find("pretiling for B"), std::string::npos) << *r.failure;
}

TEST(SparseFormats, compressed_parent_with_fewer_ranks_than_its_compressed_child_needs_runtime_partition) {
  auto d = matrix_multiply(4);
  d.format("Buffer", "B", {rank(kUOP), rank(kCP)}).format("BackingStorage", "B", {rank(kCP)});
  auto r = d.analyze();
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure_level, 1);
  EXPECT_NE(r.failure->find("runtime partition needed but not supported"), std::string::npos) << *r.failure;
}

TEST(SparseFormats, formats_of_a_bypassed_tensor_are_ignored) {
  auto d = conv1d();
  d.mapping.levels[0].keep[d.workload.find_data_space("Weights")] = false;
  d.format("Buffer", "Weights", {rank(kRLE)});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  EXPECT_FALSE(d.of(r, "Buffer", "Weights").has_metadata);
  EXPECT_FALSE(d.of(r, "BackingStorage", "Weights").has_metadata);
  EXPECT_NEAR(d.of(r, "BackingStorage", "Weights").expected_density, 0.33, 1e-12);
}

// A banded tensor of width 1 (8x8: 22 nonzeros), all of it in BackingStorage (the Buffer
// bypasses it) as [UOP over M, CP over K]: the tile always holds 22. UOP: one fiber, never
// empty: 9 offsets. CP: 8 rows, none empty; a point is empty as often as in the matrix
// (42/64): ceil(8 x 22/64) = 3 coordinates per row, 24.
TEST(SparseFormats, banded_tile_counts_coordinates_from_the_band) {
  Design d({{"M", 8}, {"N", 8}, {"K", 8}},
           {{"A", {{"M"}, {"K"}}, false}, {"B", {{"N"}, {"K"}}, false, 0.5}, {"Z", {{"M"}, {"N"}}, true}});
  d.level("Buffer", {{"N", 8}, {"K", 8}, {"M", 8}}, {"A"}).level("BackingStorage", {{"N", 1}, {"K", 1}, {"M", 1}});
  d.workload.densities[0] = {DensityDistribution::kBanded, 1.0, 1};
  d.format("BackingStorage", "A", {rank(kUOP), rank(kCP)});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  const auto& a = d.of(r, "BackingStorage", "A");
  EXPECT_EQ(a.max_occupancy, 22u);
  EXPECT_DOUBLE_EQ(a.expected_density, 22.0 / 64);
  expect_units(a.worst_case, {{24, 0}, {0, 9}});
  expect_units(a.expected, {{24, 0}, {0, 9}});
}

// B banded of width 1 in spMspM-tiled: the Buffer holds 2 rows of B (N) by 8 columns (K) as
// [UOP over K, CP over N]; BackingStorage all 8x8 as [UOP over N4, UOP, CP] (pretiled).
// Buffer: pairs of rows hold 5 (first and last) or 6 nonzeros, each with probability 1/2. Its
// parent has metadata, so the first occupancy (5) stands for the empty tile: half of the
// instances get a tile, and it holds 6. The first 2x8 tile holding 6 is rows 2-3; its
// sub-tiles start at twice that corner (row 4) and end at row 4: all count as empty, so
// neither rank has a unit.
// BackingStorage (22 nonzeros, the matrix at the origin): own UOP 5 offsets; the UOP over K
// in 4 fibers, none empty: 36; CP over pairs of rows in 32 fibers, 14 meeting the band
// (3 + 4 + 4 + 3), ceil(2 x 22/64) = 1 coordinate each: 14.
TEST(SparseFormats, banded_subtiles_follow_the_band_through_pretiled_ranks) {
  auto d = matrix_multiply(4);
  d.workload.densities[1] = {DensityDistribution::kBanded, 1.0, 1};
  d.format("Buffer", "B", {rank(kUOP), rank(kCP)}).format("BackingStorage", "B", {rank(kUOP), rank(kUOP), rank(kCP)});
  auto r = d.analyze();
  ASSERT_FALSE(r.failure) << *r.failure;
  const auto& buffer = d.of(r, "Buffer", "B");
  EXPECT_EQ(buffer.max_occupancy, 6u);
  EXPECT_DOUBLE_EQ(buffer.instances_factor, 0.5);
  EXPECT_DOUBLE_EQ(buffer.expected_density, 6.0 / 16);
  expect_units(buffer.worst_case, {{0, 0}, {0, 0}});
  expect_units(buffer.expected, {{0, 0}, {0, 0}});
  const auto& backing = d.of(r, "BackingStorage", "B");
  EXPECT_EQ(backing.max_occupancy, 22u);
  expect_units(backing.worst_case, {{14, 0}, {0, 36}, {0, 5}});
  expect_units(backing.expected, {{14, 0}, {0, 36}, {0, 5}});
}

}  // namespace
}  // namespace qloop::testing
