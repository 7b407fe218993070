#pragma once
// Compressed representations (Sparseloop's format models, docs/sparsity.md): which loops
// each rank of a tensor's format covers at a level, and how much metadata and payload the
// tile needs, on average (for accesses) and at its fullest (for capacity).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/tile_collapse.hpp"
#include "arch/architecture.hpp"
#include "sparse/complete_nest.hpp"
#include "sparse/density_model.hpp"
#include "workload/workload.hpp"

namespace qloop::sparse {

// Metadata and payload units of one rank, with the bits of each unit.
struct RankUnits {
  double metadata = 0;
  double payload = 0;
  int metadata_bits = 0;
  int payload_bits = 0;
};

// One tensor at one level.
struct TensorRepresentation {
  bool has_metadata = false;         // a format is given here (compressed or not)
  bool compressed = false;           // some rank is compressed (CP, RLE, B)
  std::string format_name = "none";  // lower-case rank formats, outermost first ("uop cp")
  TileShape tile;                    // the tensor's tile at the level (points, extents per rank)
  double expected_density = 1;       // expected nonzeros / tile points
  // The share of instances that hold a nonempty tile, when the parent level has metadata
  // (it sends no empty tile), else 1.
  double instances_factor = 1;
  std::vector<RankUnits> expected;    // per rank, index 0 = innermost
  std::vector<RankUnits> worst_case;  // the same for the fullest tile (the format's capacity)
  std::uint64_t max_occupancy = 0;    // nonzeros the tile may hold: its data capacity
  std::uint64_t worst_case_bits = 0;  // metadata + payload bits of the fullest tile
};

struct RepresentationAnalysis {
  std::vector<std::vector<TensorRepresentation>> levels;  // [storage level][data space]
  // Why the mapping cannot run with these formats (none when it can), and at which level.
  std::optional<std::string> failure;
  int failure_level = -1;
};

// `models`: per data space its density model. Levels that keep no tensor with a format get
// default (dense, no metadata) entries.
void analyze_representations(const Architecture& arch, const Workload& workload, const CompleteNest& nest,
                             const CollapsedTiles& tiles, const std::vector<DensityModel>& models,
                             RepresentationAnalysis& out);

}  // namespace qloop::sparse
