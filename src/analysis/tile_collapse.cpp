#include "analysis/tile_collapse.hpp"

#include <cmath>

namespace qloop {

namespace {

// Working copy of one level of one tensor while the collapse steps run.
struct LevelTile {
  std::uint64_t size = 0;
  std::uint64_t partition_size = 0;
  std::uint64_t partition_denominator = 0;
  AccessStats* accesses = nullptr;  // what it serves its children: the output's to_children
  double content_accesses = 0;
  std::uint64_t link_transfers = 0;
  std::uint64_t replication = 1;
  std::uint64_t fanout = 1;
  double parent_access_share = 0;
  double peer_accesses = 0, peer_fills = 0;
};

// One LevelTile per storage level, in `levels` (reused: no allocation once it has grown);
// accesses are copied once, into the output's to_children.
void group_by_level(const std::vector<LoopTile>& loops, int num_levels, std::vector<LevelTile>& levels,
                    CollapsedTiles& out, int ds) {
  levels.assign(num_levels, LevelTile{});
  std::size_t first = 0;
  int level = 0;
  while (first < loops.size() && level < num_levels) {
    std::size_t last = first;
    while (!loops[last].on_storage_boundary && last + 1 < loops.size()) ++last;
    LevelTile& tile = levels[level];
    tile.size = loops[last].size;
    tile.accesses = &out[level][ds].to_children;
    *tile.accesses = loops[first].accesses;
    tile.content_accesses = tile.accesses->total();
    tile.link_transfers = loops[first].link_transfers;
    tile.replication = loops[last].replication;
    tile.fanout = loops[first].fanout;
    if (level > 0) {
      // The inner level's share of this level's data: per spatial child when this level
      // starts with a fanout, otherwise the whole inner tile.
      levels[level - 1].partition_denominator =
          loops[first].master_spatial ? loops[first].size : levels[level - 1].size;
    }
    ++level;
    first = last + 1;
  }
  for (; level < num_levels; ++level) {
    levels[level].accesses = &out[level][ds].to_children;
    levels[level].accesses->clear();
  }
}

void compute_partition_sizes(std::vector<LevelTile>& levels) {
  auto partition = levels.back().size;
  levels.back().partition_size = partition;
  for (int cur = static_cast<int>(levels.size()) - 2; cur >= 0; --cur) {
    if (levels[cur].partition_denominator != 0) {
      partition = partition * levels[cur].size / levels[cur].partition_denominator;
    }
    levels[cur].partition_size = partition;
  }
}

int next_outer_holding(const std::vector<LevelTile>& levels, int cur) {
  int outer = cur + 1;
  while (outer < static_cast<int>(levels.size()) && levels[outer].size == 0) ++outer;
  return outer;
}

void compute_parent_access_share(std::vector<LevelTile>& levels) {
  for (int cur = 0; cur < static_cast<int>(levels.size()); ++cur) {
    if (levels[cur].size == 0) continue;
    levels[cur].parent_access_share = 0;
    int outer = next_outer_holding(levels, cur);
    if (outer == static_cast<int>(levels.size())) continue;
    for (const auto& pattern : *levels[outer].accesses) {
      levels[cur].parent_access_share +=
          pattern.accesses * static_cast<double>(pattern.multicast) / static_cast<double>(levels[outer].fanout);
    }
  }
}

// A bypassed level passes its children's demand straight to the next level that keeps the
// tensor: that level's accesses are rescaled to what the children consume, by the factor
// children / weighted as the reference computes it. The rounding of that product is part of
// the result: a count of 216 can come out 216.00000000000003, which a packed network rounds up
// to a whole operand more (docs/compatibility.md). A placeholder of one access (analyze_nest
// with keeps) is rescaled exactly to the children's demand.
void apply_bypass(std::vector<LevelTile>& levels, const Mapping& mapping, int ds) {
  int num_levels = static_cast<int>(levels.size());
  for (int cur = 0; cur < num_levels; ++cur) {
    if (levels[cur].size == 0 || mapping.levels[cur].keep[ds]) continue;
    int outer = next_outer_holding(levels, cur);
    auto clear = [&](LevelTile& t) {
      t.size = 0;
      t.partition_size = 0;
      t.content_accesses = 0;
      t.parent_access_share = 0;
    };
    if (outer == num_levels) {
      clear(levels[cur]);
      break;
    }
    double children_accesses = levels[cur].content_accesses * static_cast<double>(levels[outer].fanout);
    auto& served = *levels[outer].accesses;
    double factor = children_accesses / served.weighted();
    for (auto& pattern : served) {
      if (pattern.accesses == 0) continue;
      pattern.accesses *= factor;
      levels[outer].link_transfers = 0;
    }
    levels[outer].content_accesses = served.total();
    clear(levels[cur]);
  }
}

void compute_peer_accesses(std::vector<LevelTile>& levels) {
  for (int cur = static_cast<int>(levels.size()) - 1; cur > 0; --cur) {
    if (levels[cur].link_transfers == 0) continue;
    // Shared evenly (and fractionally) among the receiving instances.
    double per_element =
        static_cast<double>(levels[cur].link_transfers) / static_cast<double>(levels[cur - 1].replication);
    levels[cur - 1].peer_accesses += per_element;
    levels[cur - 1].peer_fills += per_element;
  }
}

std::uint64_t whole_operands_rounded(double operands) {
  return operands <= 0 ? 0 : static_cast<std::uint64_t>(std::round(operands));
}
std::uint64_t whole_operands_truncated(double operands) {
  return operands <= 0 ? 0 : static_cast<std::uint64_t>(operands);
}

// The counts of one level from its working copy (to_children is already in place).
// `kept_above`: a level above keeps the tensor (what Timeloop v4 asks before it leaves out a
// partial-sum tile's first fill).
void finish(const LevelTile& t, bool kept, bool read_write, bool kept_above, CountingRules rules,
            LevelTensorCounts& c) {
  c.kept = kept && t.size > 0;
  c.tile_size = t.size;
  c.partition_size = t.partition_size;
  c.instances = t.replication;
  c.fanout = t.fanout;
  c.link_transfers = t.link_transfers;
  c.reads = c.fills = c.updates = c.temporal_reductions = 0;
  if (t.size == 0) return;
  c.fills = whole_operands_truncated(t.parent_access_share + t.peer_fills);
  if (read_write && rules == CountingRules::kTimeloopV4) {
    // Timeloop v4 (loop-analysis/tiling.cpp): the first fill of each partial sum brings only
    // zeros from the level above, so it is not made; rounded, not truncated.
    double first = kept_above ? static_cast<double>(t.partition_size) : 0;
    c.fills = whole_operands_rounded(t.parent_access_share + t.peer_fills - first);
  }
  if (read_write) {
    // The first update of each partial sum needs no read of a previous value.
    c.reads = whole_operands_rounded(t.content_accesses + t.peer_accesses - static_cast<double>(t.partition_size));
    c.temporal_reductions = c.reads;
    c.updates = whole_operands_rounded(t.content_accesses);
  } else {
    c.reads = whole_operands_rounded(t.content_accesses + t.peer_accesses);
  }
}

}  // namespace

struct CollapseScratch::State {
  std::vector<LevelTile> levels;
};

CollapseScratch::CollapseScratch() : state_(std::make_unique<State>()) {}
CollapseScratch::~CollapseScratch() = default;
CollapseScratch::CollapseScratch(CollapseScratch&&) noexcept = default;
CollapseScratch& CollapseScratch::operator=(CollapseScratch&&) noexcept = default;

CollapsedTiles collapse_tiles(const NestAnalysisResult& analysis, const LoopNest& nest, const Mapping& mapping,
                              const Workload& workload, CountingRules rules) {
  CollapsedTiles out;
  CollapseScratch scratch;
  collapse_tiles(analysis, nest, mapping, workload, out, scratch, rules);
  return out;
}

void collapse_tiles(const NestAnalysisResult& analysis, const LoopNest& nest, const Mapping& mapping,
                    const Workload& workload, CollapsedTiles& out, CollapseScratch& scratch, CountingRules rules) {
  int num_levels = static_cast<int>(nest.storage_boundaries.size());
  out.resize(num_levels);
  for (auto& level : out) level.resize(workload.num_data_spaces());
  auto& levels = scratch.state().levels;
  for (int ds = 0; ds < workload.num_data_spaces(); ++ds) {
    group_by_level(analysis.tiles[ds], num_levels, levels, out, ds);
    compute_partition_sizes(levels);
    compute_parent_access_share(levels);
    apply_bypass(levels, mapping, ds);
    compute_peer_accesses(levels);
    bool read_write = workload.data_spaces[ds].read_write;
    for (int l = 0; l < num_levels; ++l) {
      bool kept_above = false;
      for (int above = l + 1; above < num_levels; ++above) kept_above = kept_above || levels[above].size > 0;
      finish(levels[l], mapping.levels[l].keep[ds], read_write, kept_above, rules, out[l][ds]);
    }
  }
}

}  // namespace qloop
