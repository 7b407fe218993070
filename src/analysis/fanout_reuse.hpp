#pragma once
// How a spatial fan-out's children share what their parent sends them. Every child's data is
// the first child's shifted by a fixed offset (SpatialDeltas), so children with equal offsets
// are served by one multicast access, and a child whose data a neighbour held on the previous
// step can get it over the neighbour link instead. Shared by both nest analyses
// (nest_analysis.cpp walks the nest, visit_sequence.cpp folds it in closed form).

#include <cstdint>
#include <memory>
#include <unordered_map>
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
                               std::uint64_t h_size, std::uint64_t v_size, int num_spaces, Unaccounted& unaccounted,
                               FanoutScratch& scratch);

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

// One way a fan-out serves a tensor's delta: one access per multicast group of the children
// the parent serves; `reused` more children take it from a neighbour.
struct ServingPlan {
  Groups groups;
  std::uint64_t reused = 0;
};

// A fan-out described by its spatial loops alone, flattened into integers (the key of
// FanoutServing's cache): [tensors, rank, mesh width, mesh height], then per spatial loop
// (innermost first) its extent and, per tensor, the `rank` coordinates one step of it moves
// that tensor's data by.
using FanoutKey = std::vector<std::int64_t>;

// How a fan-out serves its children: everything that depends only on its spatial loops, not
// on the loops above it, so computed once per fan-out and kept across evaluations (a mapper
// meets the same fan-outs over and over).
class FanoutServing {
 public:
  explicit FanoutServing(const FanoutKey& key);
  // Offsets it holds (children x tensors): what it costs to keep.
  std::size_t held_offsets() const { return layout_.offsets.size(); }
  const ServingPlan& without_links(int ds) const { return without_links_[ds]; }
  // When this delta is the previous one shifted by `shift`: the plan with neighbour links,
  // or nullptr when links would not save parent accesses.
  const ServingPlan* with_links(int ds, const Coordinates& shift);
  // Whether `shift` separates some child from a neighbour (only then can links serve).
  bool is_neighbour_gap(int ds, const Coordinates& shift) const;

 private:
  int num_spaces_;
  std::uint64_t h_size_, v_size_;
  SpatialDeltas layout_;  // children's offsets from the first child (no base)
  std::array<ServingPlan, kMaxDataSpaces> without_links_;
  struct LinkCase {
    Coordinates shift;
    bool saves;
    ServingPlan plan;
  };
  std::array<std::vector<Coordinates>, kMaxDataSpaces> neighbour_gaps_;  // offset(child) - offset(neighbour)
  std::array<std::vector<LinkCase>, kMaxDataSpaces> link_cases_;
  FanoutScratch scratch_;
  Unaccounted unaccounted_;
};

// A bounded cache of FanoutServing by key, cleared when it holds too many entries or too
// many children's offsets (a 256 x 256 array holds 65,536 per tensor).
class FanoutServingCache {
 public:
  FanoutServing& at(const FanoutKey& key);

 private:
  std::size_t held_offsets_ = 0;
  struct Hash {
    std::size_t operator()(const FanoutKey& key) const;
  };
  std::unordered_map<FanoutKey, std::unique_ptr<FanoutServing>, Hash> entries_;
};

}  // namespace qloop::nest
