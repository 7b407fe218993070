#include "model/sparse_costs.hpp"

#include <array>
#include <cmath>

#include "model/packed_tile.hpp"
#include "model/packing.hpp"

namespace qloop {

namespace {

using sparse::kActual;
using sparse::kGated;
using sparse::kSkipped;

// Metadata and payload bits of the accesses to each rank.
std::uint64_t format_bits(const std::vector<sparse::RankAccesses>& accesses,
                          const std::vector<sparse::RankUnits>& units) {
  std::uint64_t bits = 0;
  for (std::size_t r = 0; r < accesses.size() && r < units.size(); ++r) {
    bits += accesses[r].metadata * static_cast<std::uint64_t>(units[r].metadata_bits) +
            accesses[r].payload * static_cast<std::uint64_t>(units[r].payload_bits);
  }
  return bits;
}

std::vector<RankCount> outermost_first(const std::vector<sparse::RankAccesses>& accesses) {
  std::vector<RankCount> out;
  for (auto r = static_cast<int>(accesses.size()) - 1; r >= 0; --r) {
    out.push_back({r, accesses[r].metadata, accesses[r].payload});
  }
  return out;
}

// Sparseloop's correction of vector accesses to a compressed tile of few blocks: a block
// holding fewer nonzeros than its width still costs a whole access. Its table says, per
// block size and density decile, up to which tile size (in blocks) this matters.
double vector_ratio(const StorageLevelSpec& spec, const LevelTensorCounts& dense,
                    const sparse::TensorRepresentation& rep, const sparse::DensityModel& model) {
  auto block = spec.block_size;
  double density = rep.expected_density;
  if (!rep.compressed || block <= 1 || density >= 1 || dense.tile_size == 0) return 1;
  static const std::array<std::array<int, 10>, 5> kThresholds = {{
      {251, 125, 84, 63, 51, 42, 36, 32, 28, 1},
      {375, 188, 125, 94, 75, 63, 54, 47, 42, 1},
      {438, 219, 146, 110, 88, 73, 63, 55, 49, 1},
      {469, 235, 157, 118, 94, 79, 67, 59, 52, 1},
      {485, 243, 162, 122, 97, 81, 70, 61, 52, 1},
  }};
  int row = block == 2 ? 0 : block == 4 ? 1 : block == 8 ? 2 : block == 16 ? 3 : block == 32 ? 4 : -1;
  if (row < 0) return 1;  // the reference has no entry (it would stop); qloop charges plain blocks
  int column = density >= 0.1 ? static_cast<int>(std::floor(density / 0.1)) - 1 : 0;
  column = std::clamp(column, 0, 9);
  auto threshold = static_cast<std::uint64_t>(kThresholds[row][column]);
  auto points = dense.tile_size;
  if (threshold <= points / static_cast<std::uint64_t>(block)) return 1;
  double total = 0;
  auto b = static_cast<double>(block);
  // The occupancies of probability 0 add nothing; an empty tile costs no access.
  for (const auto& o : model.occupancies(rep.tile)) {
    if (o.nonzeros != 0) total += std::ceil(static_cast<double>(o.nonzeros) / b) * o.probability;
  }
  return total / (static_cast<double>(points) * density / b);
}

}  // namespace

std::optional<std::uint64_t> sparse_tile_words(const LevelTensorCounts& dense,
                                               const sparse::TensorRepresentation& representation,
                                               std::optional<int> width, int word_bits, GroupScales scales) {
  auto packing = pack(width, word_bits, scales);
  if (!packing.fits) return std::nullopt;
  return words_for(representation.has_metadata ? representation.max_occupancy : dense.tile_size, packing);
}

StorageTensorStats sparse_tensor_stats(const StorageLevelSpec& spec, const LevelTensorCounts& dense,
                                       const sparse::SparseAnalysis& analysis, int level, int ds,
                                       const Workload& workload, std::optional<int> width, double instances_per_cluster,
                                       bool details) {
  const auto& counts = analysis.levels[level][ds];
  const auto& rep = analysis.representation.levels[level][ds];
  const auto& model = analysis.models[ds];
  auto packing = pack(width, spec.word_bits, workload.scales_of(ds));
  // A compressed tile holds its nonzeros at most.
  auto held = rep.has_metadata ? rep.max_occupancy : dense.tile_size;
  auto t = packed_tile_stats(spec, workload, ds, width, held, details);
  t.utilized_instances = counts.max_instances > 0 ? counts.max_instances : dense.instances;
  if (counts.max_instances > 0) {
    // Spatial skipping leaves fewer instances in use: fewer share each cluster's access.
    auto used = static_cast<double>(counts.max_instances);
    double clusters = static_cast<double>(spec.instances / std::max<std::int64_t>(spec.cluster_size, 1));
    instances_per_cluster = used / std::max(1.0, std::min(used, clusters));
  }
  SparseTensorStats s;
  for (int access = 0; access < 3; ++access) {
    s.accesses[access] = {
        words_for(counts.algorithmic[access], packing), words_for(counts.data[kActual][access], packing),
        words_for(counts.data[kGated][access], packing), words_for(counts.data[kSkipped][access], packing)};
  }
  t.reads = s.accesses[0].actual;
  t.fills = s.accesses[1].actual;
  t.updates = s.accesses[2].actual;
  t.temporal_reductions = words_for(counts.temporal_reductions, packing);

  // Energy per instance: data in blocks, metadata in accesses of the metadata storage width.
  const auto& e = spec.energy;
  const std::array<std::array<double, 3>, 3> data_energy = {
      {{e.read_pJ, e.fill_pJ, e.update_pJ},
       {e.gated.read_pJ, e.gated.fill_pJ, e.gated.update_pJ},
       {e.skipped.read_pJ, e.skipped.fill_pJ, e.skipped.update_pJ}}};
  const std::array<std::array<double, 3>, 3> metadata_energy = {
      {{e.metadata.read_pJ, e.metadata.fill_pJ, e.metadata.update_pJ},
       {e.gated_metadata.read_pJ, e.gated_metadata.fill_pJ, e.gated_metadata.update_pJ},
       {e.skipped_metadata.read_pJ, e.skipped_metadata.fill_pJ, e.skipped_metadata.update_pJ}}};
  double ratio = vector_ratio(spec, dense, rep, model);
  auto block = static_cast<std::uint64_t>(spec.block_size);
  double data_pJ = 0, saved_pJ = 0, metadata_pJ = 0;
  auto width_bits = static_cast<std::uint64_t>(spec.metadata.width_bits);
  for (int outcome = 0; outcome < 3; ++outcome) {
    for (int access = 0; access < 3; ++access) {
      std::uint64_t words = outcome == kActual  ? s.accesses[access].actual
                            : outcome == kGated ? s.accesses[access].gated
                                                : s.accesses[access].skipped;
      double vectors = words == 0 ? 0 : static_cast<double>(ceil_div(words, block)) * ratio;
      (outcome == kActual ? data_pJ : saved_pJ) += vectors * data_energy[outcome][access];
      const auto& ranks = counts.format[outcome][access];
      auto moved = width_bits == 0 ? 0 : format_bits(ranks, rep.expected);
      if (moved > 0) {
        metadata_pJ += static_cast<double>(ceil_div(moved, width_bits)) * metadata_energy[outcome][access];
        s.format[outcome][access] = outermost_first(ranks);
        s.format_bits[outcome][access] = moved;
      }
    }
  }
  double conversion_pJ = static_cast<double>(words_for(counts.decompressions, packing)) * e.decompression_pJ +
                         static_cast<double>(words_for(counts.compressions, packing)) * e.compression_pJ;
  double scale = counts.utilized_instances / instances_per_cluster;
  t.energy_pJ = (data_pJ + saved_pJ + metadata_pJ + conversion_pJ) * scale;
  s.metadata_energy_pJ = metadata_pJ * scale;
  s.gated_skipped_energy_pJ = saved_pJ * scale;
  for (auto r = static_cast<int>(rep.worst_case.size()) - 1; r >= 0; --r) {
    s.format_capacity.push_back({r, static_cast<std::uint64_t>(std::ceil(rep.worst_case[r].metadata)),
                                 static_cast<std::uint64_t>(std::ceil(rep.worst_case[r].payload))});
  }
  s.metadata_bits = rep.worst_case_bits;
  s.density_distribution = distribution_name(model.spec());
  s.representation_format = rep.format_name;
  s.partition_size = dense.partition_size;
  s.data_tile_shape = dense.tile_size;
  s.utilized_instances_average = counts.utilized_instances;
  t.sparse = std::move(s);
  return t;
}

TensorTraffic sparse_traffic(const StorageLevelSpec& spec, const StorageTensorStats& stats) {
  const auto& s = *stats.sparse;
  auto word_bits = static_cast<std::uint64_t>(spec.word_bits);
  // Metadata moves as whole data words' worth of its bits; skipped accesses move nothing.
  auto words = [&](int access) {
    return s.accesses[access].actual + s.accesses[access].gated +
           (s.format_bits[kActual][access] + s.format_bits[kGated][access]) / word_bits;
  };
  std::uint64_t reads = words(0);
  std::uint64_t writes =
      s.accesses[1].actual + s.accesses[1].gated + s.accesses[2].actual + s.accesses[2].gated +
      (s.format_bits[kActual][1] + s.format_bits[kGated][1] + s.format_bits[kActual][2] + s.format_bits[kGated][2]) /
          word_bits;
  // Instances that hold an empty tile move nothing: per instance in use, on average.
  double share =
      stats.utilized_instances == 0 ? 1 : s.utilized_instances_average / static_cast<double>(stats.utilized_instances);
  TensorTraffic traffic;
  traffic.read_words = std::ceil(static_cast<double>(reads) * share);
  traffic.write_words = std::ceil(static_cast<double>(writes) * share);
  return traffic;
}

}  // namespace qloop
