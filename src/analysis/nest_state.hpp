#pragma once
// Internal types of the nest analysis (see nest_analysis.cpp): the per-tensor working sets
// and deltas of one step, the deltas of a spatial fan-out's children, and the state a loop
// keeps per spatial instance between invocations.

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "analysis/access_stats.hpp"
#include "analysis/point_set.hpp"
#include "util/small_vector.hpp"
#include "workload/workload.hpp"

namespace qloop::nest {

// One point set per data space; inline for the usual 3 or 4 tensors.
using OperationSpace = SmallVector<PointSet, 4>;

// Which spatial instance (at every storage level above) a piece of state belongs to, as a
// mixed-radix number: exact, and cheap to compare.
using StampKey = unsigned __int128;

// The deltas the children of one spatial fan-out need. Only the first child's deltas are
// computed; every other child's are the same sets shifted (that is how the walk extrapolates),
// so a child is stored as an offset from the base sets. Two children need the same data
// exactly when their offsets are equal.
struct SpatialDeltas {
  int num_spaces = 0;
  int rank = kMaxRank;  // largest tensor rank: coordinates past it are always zero
  bool has_base = false;
  OperationSpace base;               // per data space
  std::vector<Coordinates> offsets;  // [child * num_spaces + ds]
  std::vector<char> present;         // [child]

  // Offsets and presence of the children: the same at every invocation of a fan-out, so a
  // buffer that already holds them (`layout_known`) only needs a new base.
  bool layout_known = false;

  void reset(std::size_t children, int spaces, int max_rank) {
    has_base = false;
    base = OperationSpace();
    if (layout_known && present.size() == children && num_spaces == spaces) return;
    num_spaces = spaces;
    rank = max_rank;
    layout_known = false;
    offsets.assign(children * static_cast<std::size_t>(spaces), Coordinates{});  // keeps capacity
    present.assign(children, 0);
  }
  std::size_t children() const { return present.size(); }
  std::uint64_t size(int ds) const { return has_base ? base[ds].size() : 0; }
  const Coordinates& offset(std::size_t child, int ds) const { return offsets[child * num_spaces + ds]; }
  Coordinates& offset(std::size_t child, int ds) { return offsets[child * num_spaces + ds]; }

  // A child's deltas, which are a shift of the base ones (or become the base).
  void set(std::size_t child, OperationSpace&& sets) {
    present[child] = 1;
    if (!has_base) {
      base = std::move(sets);
      has_base = true;
      return;
    }
    for (int ds = 0; ds < num_spaces; ++ds) offset(child, ds) = base[ds].translation_to(sets[ds], kMaxRank);
  }
  void copy_translated(std::size_t from, std::size_t to, const std::array<Coordinates, kMaxDataSpaces>& translations) {
    for (int ds = 0; ds < num_spaces; ++ds) {
      for (int r = 0; r < rank; ++r) offset(to, ds)[r] = offset(from, ds)[r] + translations[ds][r];
    }
    present[to] = 1;
  }
};

// [data space][child]: the child's delta still has to come from the parent.
struct Unaccounted {
  std::size_t children = 0;
  std::vector<char> flags;
  char& at(int ds, std::size_t child) { return flags[ds * children + child]; }
  char at(int ds, std::size_t child) const { return flags[ds * children + child]; }
};

// multicast factor -> number of groups of children receiving the same data
using Groups = SmallVector<std::pair<std::uint64_t, std::uint64_t>, 4>;
using PerSpaceCounts = std::array<std::uint64_t, kMaxDataSpaces>;
using Shifts = std::array<std::optional<Coordinates>, kMaxDataSpaces>;

// What a spatial fan-out's grouping of children depends on never changes between its
// invocations: every child's offset is a fixed combination of the spatial loops' strides
// (children are shifted copies of the first). So the multicast groups are computed once per
// fan-out, and neighbour reuse once per shift between consecutive base deltas.
struct FanoutMemo {
  bool grouped = false;
  std::array<Groups, kMaxDataSpaces> without_links;
  struct LinkCase {
    Shifts shifts;
    PerSpaceCounts reused{};
    std::array<Groups, kMaxDataSpaces> with_links;
  };
  std::vector<LinkCase> link_cases;
};

// Per tensor, the boxes of one working set (a tile is always one box).
using TileBoxes = std::array<Box, kMaxDataSpaces>;
// Per tensor, how many operands a delta holds.
using DeltaSizes = std::array<std::uint64_t, kMaxDataSpaces>;

// Fixed-size per-tensor arrays: one evaluation creates one of these per loop, so they must
// not allocate.
struct ElementState {
  std::array<Box, kMaxDataSpaces> last_working_set;
  std::array<char, kMaxDataSpaces> has_last_working_set{};
  std::array<std::optional<Coordinates>, kMaxDataSpaces> last_translation{};
  std::array<AccessStats, kMaxDataSpaces> accesses;
  std::array<std::uint64_t, kMaxDataSpaces> max_size{};
  std::array<std::uint64_t, kMaxDataSpaces> link_transfers{};
  SpatialDeltas prev_spatial_deltas;

  explicit ElementState(int /*num_spaces*/) {}

  // Back to a fresh state, keeping the buffers' capacity.
  void reset() {
    has_last_working_set.fill(0);
    last_translation.fill(std::nullopt);
    accesses.fill(AccessStats());
    max_size.fill(0);
    link_transfers.fill(0);
    prev_spatial_deltas.has_base = false;
    prev_spatial_deltas.layout_known = false;  // the next nest may shift its children differently
    prev_spatial_deltas.base = OperationSpace();
  }
};

}  // namespace qloop::nest
