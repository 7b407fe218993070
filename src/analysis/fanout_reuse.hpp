#pragma once
// How a spatial fan-out's children share what their parent sends them. Every child's data is
// the first child's shifted by a fixed offset (SpatialDeltas), so children with equal offsets
// are served by one multicast access, and a child whose data a neighbour held on the previous
// step can get it over the neighbour link instead. Shared by both nest analyses
// (nest_analysis.cpp walks the nest, visit_sequence.cpp folds it in closed form).

#include <cstdint>
#include <vector>

#include "analysis/nest_state.hpp"

namespace qloop::nest {

// Scratch buffers the grouping reuses across calls.
struct FanoutScratch {
  std::vector<std::int64_t> slots;
  std::vector<std::uint64_t> members;
  std::vector<char> reuse;
};

// Every present child still needs every tensor from the parent.
void mark_all_unaccounted(const SpatialDeltas& deltas, int num_spaces, Unaccounted& out);

// Groups of the still-unaccounted children that need identical data (equal offsets):
// multicast factor -> number of such groups.
Groups multicast_groups(const SpatialDeltas& deltas, const Unaccounted& unaccounted, int ds, FanoutScratch& scratch);

// Children whose delta equals what a neighbour (on an h_size x v_size mesh) held on the
// previous step, per tensor with a shift: marks them accounted for, returns how many.
PerSpaceCounts mark_link_reuse(const SpatialDeltas& deltas, const SpatialDeltas& prev, const Shifts& shift,
                               std::uint64_t h_size, std::uint64_t v_size, int num_spaces,
                               Unaccounted& unaccounted, FanoutScratch& scratch);

// Parent accesses to the children for deltas of `size` operands, `epochs` times.
inline AccessStats accesses_of(const Groups& groups, std::uint64_t size, std::uint64_t epochs) {
  AccessStats out;
  for (const auto& g : groups) out.at(g.first, g.second) = static_cast<double>(size * epochs * g.second);
  return out;
}

// Parent accesses per delta operand: one per group.
inline std::uint64_t accesses_per_operand(const Groups& groups) {
  std::uint64_t n = 0;
  for (const auto& g : groups) n += g.second;
  return n;
}

}  // namespace qloop::nest
