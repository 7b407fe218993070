#include "sparse/representation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

// The order of the steps follows Sparseloop's (docs/sparsity.md): the formats of adjacent
// levels are checked against each other, then each tensor's ranks are laid onto its loops
// level by level from the innermost keeping level up (a compressed parent may copy its
// child's ranks: "pretiling"), and the occupancy of each rank is averaged over the number of
// nonzeros the tile may hold. Rank index 0 is the innermost rank throughout.

namespace qloop::sparse {

namespace {

bool compresses(RankFormatKind kind) {
  return kind == RankFormatKind::kCoordinatePayload || kind == RankFormatKind::kRunLengthEncoding ||
         kind == RankFormatKind::kBitmask;
}

const char* format_name(RankFormatKind kind) {
  switch (kind) {
    case RankFormatKind::kUncompressedOffsetPair:
      return "uop";
    case RankFormatKind::kCoordinatePayload:
      return "cp";
    case RankFormatKind::kRunLengthEncoding:
      return "rle";
    case RankFormatKind::kBitmask:
      return "b";
    case RankFormatKind::kUncompressed:
      return "ub";
  }
  return "?";
}

// A tensor's format at a level, seen with rank 0 innermost.
struct Format {
  const TensorFormat* spec = nullptr;  // none: no metadata (one implicit dense rank)
  bool compressed = false;

  bool has_metadata() const { return spec != nullptr; }
  int ranks() const { return spec ? static_cast<int>(spec->ranks.size()) : 1; }
  bool inner_to_outer() const { return spec && spec->inner_to_outer; }
  const RankFormat& rank(int r) const { return spec->ranks[spec->ranks.size() - 1 - r]; }
};

// One loop of the nest that indexes the tensor, its bound after folding in the levels below.
struct TensorLoop {
  DimensionId dimension = 0;
  std::int64_t bound = 1;
  TileShape tile;  // the tensor's tile of the box up to and including this loop
  bool trivial() const { return bound <= 1; }
};

// How a tensor's ranks cover its loops at one level.
struct RankLayout {
  std::vector<std::vector<TensorLoop>> loops;  // per rank
  std::vector<TileShape> subtiles;             // an element of rank r; [ranks] = a fiber's tile
  std::vector<std::uint64_t> fibers;           // fiber shape per rank
};

struct Failure {
  int level = -1;
  std::string reason;
};

struct Context {
  const Architecture& arch;
  const Workload& workload;
  const CompleteNest& nest;
  const CollapsedTiles& tiles;
  const std::vector<DensityModel>& models;
  std::vector<std::vector<Format>> formats;  // [level][ds]
};

bool keeps(const Context& c, int level, DataSpaceId ds) {
  const auto& t = c.tiles[level][ds];
  return t.kept && t.tile_size > 0;
}

// Levels keeping `ds`, innermost first.
std::vector<int> keeping_levels(const Context& c, DataSpaceId ds) {
  std::vector<int> levels;
  for (int l = 0; l < static_cast<int>(c.tiles.size()); ++l) {
    if (keeps(c, l, ds)) levels.push_back(l);
  }
  return levels;
}

// Formats given for tensors a level keeps (a format of a bypassed tensor is ignored).
bool resolve_formats(Context& c) {
  bool any = false;
  c.formats.assign(c.tiles.size(), std::vector<Format>(c.workload.num_data_spaces()));
  for (int l = 0; l < static_cast<int>(c.tiles.size()) && l < c.arch.num_storage_levels(); ++l) {
    for (const auto& tf : c.arch.storage[l].sparsity.formats) {
      DataSpaceId ds = c.workload.find_data_space(tf.tensor);
      if (ds < 0 || tf.ranks.empty() || !keeps(c, l, ds)) continue;
      auto& f = c.formats[l][ds];
      f.spec = &tf;
      f.compressed = std::any_of(tf.ranks.begin(), tf.ranks.end(), [](const auto& r) { return compresses(r.kind); });
      any = true;
    }
  }
  return any;
}

const std::string& level_name(const Context& c, int level) { return c.arch.storage[level].name; }
const std::string& tensor_name(const Context& c, DataSpaceId ds) { return c.workload.data_spaces[ds].name; }

// ---- Formats of adjacent levels ------------------------------------------------------------

std::optional<Failure> check_pair(const Context& c, DataSpaceId ds, int parent, int child) {
  const auto& p = c.formats[parent][ds];
  const auto& ch = c.formats[child][ds];
  const auto& md = c.arch.storage[child].metadata;
  if (p.compressed && !ch.compressed && !md.decompression_supported) {
    return Failure{child,
                   fmt::format("{} arrives compressed from {} but {} keeps it uncompressed and cannot "
                               "decompress it: decompression (from parent level) needed but not supported "
                               "(set decompression_supported: true or give {} a compressed format)",
                               tensor_name(c, ds), level_name(c, parent), level_name(c, child), level_name(c, child))};
  }
  if (p.compressed && !ch.compressed && c.workload.data_spaces[ds].read_write && !md.compression_supported) {
    return Failure{child, fmt::format("{} is kept compressed at {} but {} holds it uncompressed and cannot compress "
                                      "its updates: compression (to parent level) needed but not supported "
                                      "(set compression_supported: true)",
                                      tensor_name(c, ds), level_name(c, parent), level_name(c, child))};
  }
  if (p.compressed && ch.compressed && p.ranks() < ch.ranks()) {
    return Failure{parent,
                   fmt::format("{}'s format at {} has {} rank(s), fewer than the {} of its child {}: runtime "
                               "partition needed but not supported (NOT IMPLEMENTED YET)",
                               tensor_name(c, ds), level_name(c, parent), p.ranks(), ch.ranks(), level_name(c, child))};
  }
  return std::nullopt;
}

std::optional<Failure> check_adjacent_formats(const Context& c) {
  for (DataSpaceId ds = 0; ds < c.workload.num_data_spaces(); ++ds) {
    auto levels = keeping_levels(c, ds);
    for (int i = static_cast<int>(levels.size()) - 1; i > 0; --i) {
      if (auto f = check_pair(c, ds, levels[i], levels[i - 1])) return f;
    }
  }
  return std::nullopt;
}

// The reference cannot model a tensor compressed on chip under an uncompressed parent (it
// aborts on an assertion).
std::optional<Failure> check_compressed_under_uncompressed(const Context& c) {
  for (DataSpaceId ds = 0; ds < c.workload.num_data_spaces(); ++ds) {
    auto levels = keeping_levels(c, ds);
    for (std::size_t i = 1; i < levels.size(); ++i) {
      int child = levels[i - 1], parent = levels[i];
      if (!c.formats[child][ds].compressed || c.formats[parent][ds].compressed) continue;
      return Failure{child, fmt::format("{} is kept compressed at {} but uncompressed at its parent {}: compressing "
                                        "on chip is not modelled (the reference aborts); give {} a compressed "
                                        "format for {} too, or keep it uncompressed at {}",
                                        tensor_name(c, ds), level_name(c, child), level_name(c, parent),
                                        level_name(c, parent), tensor_name(c, ds), level_name(c, child))};
    }
  }
  return std::nullopt;
}

// ---- Ranks onto loops ----------------------------------------------------------------------

// The loops of levels `low..level` that index `ds`, innermost first; unless `pretiled`, each
// dimension's first loop also takes the extent of all loops below `low` in that dimension.
std::vector<TensorLoop> tensor_loops(const Context& c, DataSpaceId ds, int level, int low, bool pretiled) {
  std::vector<TensorLoop> loops;
  for (int l = low; l <= level; ++l) {
    const auto& nest_loops = c.nest.levels[l];
    for (std::size_t i = 0; i < nest_loops.size(); ++i) {
      const auto& loop = nest_loops[i];
      if (!indexes(c.workload, ds, loop.dimension)) continue;
      loops.push_back({loop.dimension, loop.bound, projected_tile(c.workload, ds, c.nest.tiles[l][i])});
    }
  }
  if (!pretiled) {
    Box below = c.nest.below(low);
    for (auto& loop : loops) {
      loop.bound *= below[loop.dimension];
      below[loop.dimension] = 1;
    }
  }
  return loops;
}

using DimensionGroup = std::vector<std::string>;

// The `flattened_rankIDs` group of rank `r` holding dimension `d`; none without a rule.
const DimensionGroup* group_of(const Context& c, const Format& f, int r, DimensionId d) {
  for (const auto& group : f.rank(r).flattened_dimensions) {
    if (std::find(group.begin(), group.end(), c.workload.dimension_names[d]) != group.end()) return &group;
  }
  return nullptr;
}

bool has_rule(const Format& f, int r) { return f.has_metadata() && !f.rank(r).flattened_dimensions.empty(); }

bool in_group(const Context& c, const DimensionGroup* group, DimensionId d) {
  return group && std::find(group->begin(), group->end(), c.workload.dimension_names[d]) != group->end();
}

struct OwnRanks {
  std::vector<std::vector<TensorLoop>> loops;  // innermost rank first
  std::vector<TileShape> tiles;                // the tile a fiber of each rank covers
  std::vector<TensorLoop> left;                // non-trivial loops no rank took
};

// Whether loop `loop` joins the rank being built (without metadata a rank takes every loop).
bool joins(const Context& c, const Format& f, const DimensionGroup* group, const TensorLoop& loop) {
  return !f.has_metadata() || in_group(c, group, loop.dimension) || loop.trivial();
}

// Outermost rank first onto the outermost loop. A rank whose flattening rule misses the
// loop stays empty and is appended after the ranks built so far (the reference's order).
OwnRanks ranks_outer_to_inner(const Context& c, DataSpaceId ds, const Format& f, const std::vector<TensorLoop>& s,
                              int first) {
  OwnRanks own;
  TileShape innermost_tile = s.empty() ? point_tile(c.workload.rank(ds)) : s.front().tile;
  int r = f.ranks(), i = static_cast<int>(s.size()) - 1;
  while (r > first && i >= 0) {
    while (i >= 0 && s[i].trivial()) --i;
    if (i < 0) break;
    --r;
    const DimensionGroup* group = nullptr;
    if (has_rule(f, r) && !(group = group_of(c, f, r, s[i].dimension))) {
      own.loops.emplace_back();
      own.tiles.push_back(innermost_tile);
      continue;
    }
    std::vector<TensorLoop> rank{s[i]};
    TileShape tile = s[i].tile;
    for (--i; (!f.has_metadata() || group) && i >= 0 && joins(c, f, group, s[i]); --i) {
      if (!s[i].trivial()) rank.push_back(s[i]);
    }
    own.loops.insert(own.loops.begin(), std::move(rank));
    own.tiles.insert(own.tiles.begin(), tile);
  }
  for (; r > first; --r) {
    own.loops.insert(own.loops.begin(), std::vector<TensorLoop>{});
    own.tiles.insert(own.tiles.begin(), innermost_tile);
  }
  for (; i >= 0; --i) {
    if (!s[i].trivial()) own.left.push_back(s[i]);
  }
  return own;
}

// Innermost rank first onto the innermost loop; a flattened rank's tile is that of its
// innermost loop (as in the reference).
OwnRanks ranks_inner_to_outer(const Context& c, DataSpaceId ds, const Format& f, const std::vector<TensorLoop>& s,
                              int first) {
  OwnRanks own;
  TileShape innermost_tile = s.empty() ? point_tile(c.workload.rank(ds)) : s.front().tile;
  int r = first - 1, last = f.ranks() - 1;
  std::size_t i = 0, n = s.size();
  while (r < last && i < n) {
    while (i < n && s[i].trivial()) ++i;
    if (i >= n) break;
    ++r;
    const DimensionGroup* group = nullptr;
    if (has_rule(f, r) && !(group = group_of(c, f, r, s[i].dimension))) {
      own.loops.emplace_back();  // fiber shape 1 over a single point
      own.tiles.push_back(point_tile(c.workload.rank(ds)));
      continue;
    }
    std::vector<TensorLoop> rank{s[i]};
    TileShape tile = s[i].tile;
    for (++i; (!f.has_metadata() || group) && i < n && joins(c, f, group, s[i]); ++i) {
      if (!s[i].trivial()) rank.push_back(s[i]);
    }
    own.loops.push_back(std::move(rank));
    own.tiles.push_back(tile);
  }
  for (; r < last; ++r) {
    own.loops.emplace_back();
    own.tiles.push_back(innermost_tile);
  }
  for (; i < n; ++i) {
    if (!s[i].trivial()) own.left.push_back(s[i]);
  }
  return own;
}

std::uint64_t fiber_shape(const Context& c, DataSpaceId ds, const std::vector<TensorLoop>& rank) {
  Box box(c.workload.num_dimensions(), 1);
  for (const auto& loop : rank) box[loop.dimension] *= loop.bound;
  return projected_points(c.workload, ds, box);
}

std::optional<Failure> check_pretiling(const Context& c, DataSpaceId ds, int level, int child) {
  const auto& f = c.formats[level][ds];
  const auto& fc = c.formats[child][ds];
  bool aligned = fc.ranks() <= f.ranks();
  for (int r = 0; aligned && fc.compressed && r < fc.ranks(); ++r) aligned = f.rank(r).kind == fc.rank(r).kind;
  if (aligned) return std::nullopt;
  return Failure{level, fmt::format("{} at {} must hold the tiles of its child {} whole (pretiling), so its "
                                    "innermost ranks must repeat the child's {} rank(s); pretiling for {} required "
                                    "but level compression format does not align: {} {}",
                                    tensor_name(c, ds), level_name(c, level), level_name(c, child), fc.ranks(),
                                    tensor_name(c, ds), level_name(c, level), level_name(c, child))};
}

Failure too_few_ranks(const Context& c, DataSpaceId ds, int level, const OwnRanks& own) {
  const auto& f = c.formats[level][ds];
  std::string loops;
  for (auto it = own.left.rbegin(); it != own.left.rend(); ++it) {
    loops += fmt::format("{}{}={}", loops.empty() ? "" : " ", c.workload.dimension_names[it->dimension], it->bound);
  }
  return Failure{level, fmt::format("{} at {}: its format has {} rank(s) but needs {} (one more per non-trivial loop "
                                    "left over: {}); more compression ranks needed than supported in hardware. Add "
                                    "ranks, or flatten dimensions into one rank (flattened-rankIDs)",
                                    tensor_name(c, ds), level_name(c, level), f.ranks(),
                                    f.ranks() + static_cast<int>(own.left.size()), loops)};
}

// Lays the ranks of `ds` at `level` onto its loops; `child`/`child_layout`: the next inner
// level keeping `ds` (-1 for none) and its layout.
std::optional<Failure> lay_ranks(const Context& c, DataSpaceId ds, int level, int child, const RankLayout& child_layout,
                                 RankLayout& out) {
  const auto& f = c.formats[level][ds];
  bool pretiled = f.compressed && child >= 0 && c.tiles[child][ds].tile_size > 1;
  if (pretiled) {
    if (auto failure = check_pretiling(c, ds, level, child)) return failure;
  }
  int first = pretiled ? static_cast<int>(child_layout.loops.size()) : 0;
  auto s = tensor_loops(c, ds, level, child >= 0 ? child + 1 : 0, pretiled);
  auto own = f.inner_to_outer() ? ranks_inner_to_outer(c, ds, f, s, first) : ranks_outer_to_inner(c, ds, f, s, first);
  if (!own.left.empty()) return too_few_ranks(c, ds, level, own);

  out.loops.clear();
  out.subtiles.clear();
  if (pretiled) {
    out.loops = child_layout.loops;
    out.subtiles = child_layout.subtiles;
  } else {
    out.subtiles.push_back(point_tile(c.workload.rank(ds)));  // a rank-0 element is one point
  }
  for (auto& rank : own.loops) out.loops.push_back(std::move(rank));
  out.subtiles.insert(out.subtiles.end(), own.tiles.begin(), own.tiles.end());
  out.fibers.clear();
  for (const auto& rank : out.loops) out.fibers.push_back(fiber_shape(c, ds, rank));
  return std::nullopt;
}

// ---- Occupancy -----------------------------------------------------------------------------

int metadata_bits(const RankFormat& rank, const StorageLevelSpec& level) {
  // The parser resolves the widths; these fall-backs are its defaults.
  if (rank.kind == RankFormatKind::kUncompressed) return level.metadata.word_bits;
  int fallback = rank.kind == RankFormatKind::kBitmask ? 1 : level.metadata.word_bits;
  return rank.metadata_word_bits.value_or(fallback);
}

int payload_bits(const RankFormat& rank, const StorageLevelSpec& level) {
  if (rank.kind == RankFormatKind::kUncompressed) return level.metadata.word_bits;
  return rank.payload_word_bits.value_or(level.metadata.word_bits);
}

// What the units of one rank depend on, for a tile holding a known number of nonzeros.
struct RankQuery {
  std::uint64_t fibers_above = 1;  // fibers of this rank: the product of the outer fiber shapes
  std::uint64_t fiber_shape = 1;
  double p_empty_fiber = 0;    // P(a fiber's tile is empty)
  double p_empty_element = 0;  // P(an element's sub-tile is empty)
};

RankUnits format_units(RankFormatKind kind, const RankQuery& q) {
  double fibers = static_cast<double>(q.fibers_above) * (1 - q.p_empty_fiber);
  double shape = static_cast<double>(q.fiber_shape);
  RankUnits u;
  switch (kind) {
    case RankFormatKind::kUncompressedOffsetPair:
      u.payload = fibers * static_cast<double>(q.fiber_shape + 1);
      break;
    case RankFormatKind::kCoordinatePayload:
      u.metadata = u.payload = std::ceil(shape * (1 - q.p_empty_element)) * fibers;
      break;
    case RankFormatKind::kRunLengthEncoding:
      u.metadata = u.payload = shape * (1 - q.p_empty_element) * fibers;
      break;
    case RankFormatKind::kBitmask:
      u.metadata = fibers * shape;
      u.payload = fibers * std::ceil(shape * (1 - q.p_empty_element));
      break;
    case RankFormatKind::kUncompressed:
      u.metadata = u.payload = static_cast<double>(q.fibers_above * q.fiber_shape);
      break;
  }
  return u;
}

// Units of every rank of the level's `tile` holding `nonzeros` (`out` sized to the ranks).
void tile_units(const Context& c, DataSpaceId ds, int level, const RankLayout& layout, const TileShape& level_tile,
                std::uint64_t nonzeros, std::vector<RankUnits>& out) {
  const auto& f = c.formats[level][ds];
  const auto& model = c.models[ds];
  const auto& spec = c.arch.storage[level];
  ParentTile tile{level_tile, nonzeros};
  int ranks = f.ranks();
  int exempt = f.inner_to_outer() ? 0 : ranks - 1;  // a trivial rank still modelled
  RankQuery q;
  for (int r = ranks - 1; r >= 0; --r) {
    const auto& rank = f.rank(r);
    q.fiber_shape = layout.fibers[r];
    out[r] = RankUnits{};
    if (q.fiber_shape != 1 || r == exempt) {
      const TileShape& fiber_tile = r == ranks - 1 ? level_tile : layout.subtiles[r + 1];
      q.p_empty_fiber =
          rank.kind == RankFormatKind::kUncompressed ? 0 : model.occupancy_probability(fiber_tile, 0, tile);
      // Only compressed ranks skip empty elements.
      q.p_empty_element = compresses(rank.kind) ? model.occupancy_probability(layout.subtiles[r], 0, tile) : 0;
      out[r] = format_units(rank.kind, q);
      out[r].metadata_bits = metadata_bits(rank, spec);
      out[r].payload_bits = payload_bits(rank, spec);
    }
    q.fibers_above *= q.fiber_shape;
  }
  // The innermost rank's payload is the data itself.
  for (auto& u : out) {
    if (u.metadata != 0 || u.payload != 0) {
      u.payload = 0;
      break;
    }
  }
}

// The possible nonzeros of a tile and their probabilities; without the empty tile (and
// the others conditioned on it not being empty) when the parent level has metadata: it sends
// no empty tile. Returns the share of instances that receive a tile.
double tile_occupancies(const DensityModel& model, const TileShape& tile, bool parent_has_metadata,
                        std::vector<Occupancy>& out) {
  out = model.occupancies(tile);
  if (!parent_has_metadata || model.min_occupancy(tile) != 0 || out.empty()) return 1;
  // As the reference: the first possible occupancy stands for the empty tile.
  double nonempty = 1 - out.front().probability;
  for (auto& o : out) o.probability = nonempty != 0 ? o.probability / nonempty : 0;
  out.front().probability = 0;
  return nonempty;
}

void add_scaled(std::vector<RankUnits>& sum, const std::vector<RankUnits>& units, double p, bool first) {
  for (std::size_t r = 0; r < units.size(); ++r) {
    if (first) {
      sum[r] = units[r];
      sum[r].metadata *= p;
      sum[r].payload *= p;
    } else {
      sum[r].metadata += units[r].metadata * p;
      sum[r].payload += units[r].payload * p;
    }
  }
}

std::uint64_t units_bits(const std::vector<RankUnits>& units) {
  double bits = 0;
  for (const auto& u : units) bits += u.metadata * u.metadata_bits + u.payload * u.payload_bits;
  return static_cast<std::uint64_t>(std::ceil(bits));
}

// The tile of `ds` at `level`: its points as the tile analysis counts them, its extents those
// of the level's box in the nest.
TileShape level_tile(const Context& c, DataSpaceId ds, int level) {
  TileShape tile = projected_tile(c.workload, ds, c.nest.below(level + 1));
  tile.points = c.tiles[level][ds].tile_size;
  return tile;
}

void describe(const Context& c, DataSpaceId ds, int level, const RankLayout& layout, bool parent_has_metadata,
              TensorRepresentation& rep) {
  const auto& f = c.formats[level][ds];
  const auto& model = c.models[ds];
  rep.tile = level_tile(c, ds, level);
  std::uint64_t points = rep.tile.points;
  std::vector<Occupancy> occupancies;
  rep.instances_factor = tile_occupancies(model, rep.tile, parent_has_metadata, occupancies);
  double nonzeros = 0;
  for (const auto& o : occupancies) nonzeros += o.probability * static_cast<double>(o.nonzeros);
  rep.expected_density = nonzeros / static_cast<double>(points);
  rep.max_occupancy = points;
  if (!f.has_metadata()) return;

  rep.has_metadata = true;
  rep.compressed = f.compressed;
  rep.format_name.clear();
  for (const auto& rank : f.spec->ranks) {
    if (!rep.format_name.empty()) rep.format_name += ' ';
    rep.format_name += format_name(rank.kind);
  }
  std::vector<RankUnits> units(f.ranks());
  rep.expected.assign(f.ranks(), RankUnits{});
  for (std::size_t i = 0; i < occupancies.size(); ++i) {
    tile_units(c, ds, level, layout, rep.tile, occupancies[i].nonzeros, units);
    add_scaled(rep.expected, units, occupancies[i].probability, i == 0);
  }
  rep.max_occupancy = model.max_occupancy(rep.tile);
  rep.worst_case.assign(f.ranks(), RankUnits{});
  tile_units(c, ds, level, layout, rep.tile, rep.max_occupancy, rep.worst_case);
  rep.worst_case_bits = units_bits(rep.worst_case);
}

// One tensor through its keeping levels, innermost first. Ranks are laid out only for a
// tensor with a format somewhere (levels without one serve as children of those with one).
std::optional<Failure> analyze_tensor(const Context& c, DataSpaceId ds, RepresentationAnalysis& out) {
  auto levels = keeping_levels(c, ds);
  bool formatted = std::any_of(levels.begin(), levels.end(), [&](int l) { return c.formats[l][ds].has_metadata(); });
  RankLayout layout, child_layout;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    int level = levels[i];
    int child = i > 0 ? levels[i - 1] : -1;
    bool parent_has_metadata = i + 1 < levels.size() && c.formats[levels[i + 1]][ds].has_metadata();
    if (formatted) {
      if (auto failure = lay_ranks(c, ds, level, child, child_layout, layout)) return failure;
    }
    describe(c, ds, level, layout, parent_has_metadata, out.levels[level][ds]);
    std::swap(layout, child_layout);
  }
  return std::nullopt;
}

void reset(const Context& c, RepresentationAnalysis& out) {
  out.failure.reset();
  out.failure_level = -1;
  out.levels.resize(c.tiles.size());
  for (auto& level : out.levels) {
    level.resize(c.workload.num_data_spaces());
    for (auto& rep : level) rep = TensorRepresentation{};
  }
}

}  // namespace

void analyze_representations(const Architecture& arch, const Workload& workload, const CompleteNest& nest,
                             const CollapsedTiles& tiles, const std::vector<DensityModel>& models,
                             RepresentationAnalysis& out) {
  Context c{arch, workload, nest, tiles, models, {}};
  reset(c, out);
  bool any_format = resolve_formats(c);
  std::optional<Failure> failure;
  if (any_format) failure = check_adjacent_formats(c);
  for (DataSpaceId ds = 0; !failure && ds < workload.num_data_spaces(); ++ds) {
    failure = analyze_tensor(c, ds, out);
  }
  if (!failure && any_format) failure = check_compressed_under_uncompressed(c);
  if (failure) {
    out.failure = std::move(failure->reason);
    out.failure_level = failure->level;
  }
}

}  // namespace qloop::sparse
