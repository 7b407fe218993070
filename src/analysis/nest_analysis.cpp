#include "analysis/nest_analysis.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "analysis/fanout_reuse.hpp"
#include "analysis/nest_geometry.hpp"
#include "analysis/nest_state.hpp"
#include "analysis/point_set.hpp"
#include "analysis/visit_sequence.hpp"

namespace qloop {

namespace {

using namespace nest;  // the analysis' own internal types (nest_state.hpp)

class NestWalker {
 public:
  // A walker is reused across evaluations (WalkScratch), so its buffers keep their capacity.
  void bind(const Workload& workload, const LoopNest& nest, const Architecture& arch) {
    nest_ = &nest;
    arch_ = &arch;
    loops_ = &nest.loops;
    g_.bind(workload, nest);
    num_loops_ = g_.num_loops;
    num_spaces_ = g_.num_spaces;
    init_stamp_weights();
  }

  NestAnalysisResult run() {
    indices_.assign(num_loops_, 0);
    transform_.fill(0);
    live_state_.resize(num_loops_);
    for (auto& states : live_state_) states.clear();
    // Keep the buffers (their capacity) from the last evaluation, not their contents.
    spare_deltas_.resize(num_loops_);
    for (auto& d : spare_deltas_) d.layout_known = false;
    fanout_memo_.resize(num_loops_);
    for (auto& m : fanout_memo_) {
      m.grouped = false;
      m.link_cases.clear();
    }
    compute_accesses_.clear();
    space_stamp_.clear();
    num_epochs_ = 1;
    compute_deltas(num_loops_ - 1);
    return collect();
  }

 private:
  const LoopNest* nest_ = nullptr;
  const Architecture* arch_ = nullptr;
  const std::vector<Loop>* loops_ = nullptr;
  int num_loops_ = 0, num_spaces_ = 0;

  NestGeometry g_;
  using DimensionVector = nest::DimensionVector;

  std::vector<std::int64_t> indices_;
  DimensionVector transform_{};

  std::vector<std::uint64_t> space_stamp_;  // spatial index at each storage level entered
  std::vector<StampKey> stamp_weight_;      // mixed-radix weight of each stamp entry
  std::uint64_t num_epochs_ = 1;
  // Per loop, the state of each spatial instance that walks it. Nearly always there is one
  // (the walk extrapolates the others), kept inline and reused across evaluations; further
  // ones go to a map, whose nodes never move while references to them are held.
  struct LoopStates {
    bool used = false;
    StampKey first_key = 0;
    ElementState first{0};
    std::map<StampKey, ElementState> others;
    void clear() {
      used = false;
      others.clear();
    }
    std::size_t size() const { return (used ? 1 : 0) + others.size(); }
    // States in stamp order (the order sums are taken in).
    template <typename F>
    void for_each(F&& f) const {
      bool first_done = !used;
      for (const auto& [key, state] : others) {
        if (!first_done && first_key < key) {
          f(first);
          first_done = true;
        }
        f(state);
      }
      if (!first_done) f(first);
    }
  };
  std::vector<LoopStates> live_state_;
  // Scratch space reused across spatial invocations (nothing recurses while it is in use).
  FanoutScratch scratch_;
  Unaccounted unaccounted_scratch_;
  std::vector<SpatialDeltas> spare_deltas_;  // per loop, recycled buffers
  std::vector<FanoutMemo> fanout_memo_;      // per loop
  std::map<StampKey, double> compute_accesses_;

  void init_stamp_weights() {
    // Stamp entry e is the spatial index within storage level (levels - 1 - e).
    int num_levels = static_cast<int>(nest_->storage_boundaries.size());
    stamp_weight_.assign(num_levels + 1, 1);
    for (int e = 1; e <= num_levels; ++e) {
      StampKey radix = 1;
      int storage_level = num_levels - e;  // the level whose spatial loops set entry e - 1
      for (int l = 0; l < num_loops_; ++l) {
        if (nest_->storage_level_of_loop[l] == storage_level && (*loops_)[l].is_spatial()) {
          radix *= static_cast<StampKey>((*loops_)[l].end);
        }
      }
      stamp_weight_[e] = stamp_weight_[e - 1] * radix;
    }
  }

  StampKey stamp_key(std::size_t entries) const {
    StampKey key = 0;
    for (std::size_t e = 0; e < entries; ++e) key += static_cast<StampKey>(space_stamp_[e]) * stamp_weight_[e];
    return key;
  }
  StampKey all_but_last() const { return stamp_key(space_stamp_.size() - 1); }
  StampKey full_stamp() const { return stamp_key(space_stamp_.size()); }

  // Most loops are only ever walked for one instance: remember the last state looked up.
  ElementState& state_at(int level) {
    auto key = all_but_last();
    auto& states = live_state_[level];
    if (!states.used) {
      states.used = true;
      states.first_key = key;
      states.first.reset();
      return states.first;
    }
    if (states.first_key == key) return states.first;
    return states.others.try_emplace(key, num_spaces_).first->second;
  }

  OperationSpace to_sets(const TileBoxes& boxes) const {
    OperationSpace space;
    for (int ds = 0; ds < num_spaces_; ++ds) space.push_back(PointSet(boxes[ds]));
    return space;
  }

  // A level's working set is its tile at the origin (precomputed) moved by the projection of
  // the current transform: projections are linear.
  void working_set(int level, TileBoxes& boxes) const {
    for (int ds = 0; ds < num_spaces_; ++ds) {
      boxes[ds] = g_.origin_tiles[level][ds];
      translate_box(boxes[ds], g_.projected_offset(ds, transform_));
    }
  }

  OperationSpace operation_point() const {
    DimensionVector point{};
    for (int level = 0; level < num_loops_; ++level) {
      point[(*loops_)[level].dimension] += g_.stride[level] * indices_[level];
    }
    return to_sets(g_.project_boxes(point, point));
  }

  // Delta between this invocation's working set and the previous one held by the same
  // instance. When the working set moves with a different stride than last time, nothing is
  // reused (address generators cannot follow such patterns). Only a spatial parent needs the
  // delta's points (`sets`); a temporal one needs its size.
  DeltaSizes subtract_if_same_stride(const TileBoxes& current, ElementState& state, OperationSpace* sets) {
    DeltaSizes sizes{};
    for (int ds = 0; ds < num_spaces_; ++ds) {
      const Box& cur = current[ds];
      Box& prev = state.last_working_set[ds];
      bool has_prev = state.has_last_working_set[ds] && prev.size() > 0;
      std::optional<Coordinates> translation;
      if (has_prev) translation = box_translation(prev, cur);
      auto& last = state.last_translation[ds];
      bool same = !last.has_value() || (translation.has_value() && *translation == *last);
      bool subtract = same && has_prev;
      sizes[ds] = cur.size() - (subtract ? overlap_size(cur, prev) : 0);
      if (sets) {
        PointSet delta(cur);
        if (subtract) delta.subtract(PointSet(prev));
        sets->push_back(std::move(delta));
      }
      if (same) {
        if (!last.has_value()) last = translation;
      } else {
        last.reset();
      }
      prev = cur;
      state.has_last_working_set[ds] = 1;
    }
    return sizes;
  }

  DeltaSizes compute_deltas(int level, OperationSpace* sets = nullptr) {
    if (g_.storage_boundary[level]) space_stamp_.push_back(0);
    auto& state = state_at(level);
    if ((*loops_)[level].is_spatial()) {
      spatial_working_set(level);
    } else {
      temporal_working_set(level, state);
    }
    DeltaSizes sizes{};
    // Only a storage boundary's delta is ever used (by the next-outer level's accesses, or by
    // a spatial fan-out), and tile sizes are only kept at boundaries and fan-outs: a loop
    // inside a level needs neither.
    if (g_.storage_boundary[level] || g_.master_spatial[level]) {
      TileBoxes current;
      working_set(level, current);
      for (int ds = 0; ds < num_spaces_; ++ds) {
        state.max_size[ds] = std::max(state.max_size[ds], current[ds].size());
      }
      if (g_.storage_boundary[level]) sizes = subtract_if_same_stride(current, state, sets);
    }
    if (g_.storage_boundary[level]) space_stamp_.pop_back();
    return sizes;
  }

  void temporal_working_set(int level, ElementState& state) {
    auto iterations = static_cast<std::uint64_t>((*loops_)[level].end);
    if (level == 0) {
      double body = static_cast<double>(iterations * num_epochs_);
      compute_accesses_[all_but_last()] += body;
      for (int ds = 0; ds < num_spaces_; ++ds) state.accesses[ds].at(1, 1) += body;
      return;
    }
    auto dim = (*loops_)[level].dimension;
    auto scale = g_.stride[level];
    auto saved_transform = transform_[dim];
    DeltaSizes delta_sizes{};
    auto add_delta = [&](const DeltaSizes& delta, std::uint64_t weight) {
      for (int ds = 0; ds < num_spaces_; ++ds) delta_sizes[ds] += delta[ds] * weight;
    };

    // Iteration #0, then #1 standing for iterations 1..n-1.
    indices_[level] = 0;
    add_delta(compute_deltas(level - 1), 1);
    transform_[dim] += scale;
    indices_[level] += 1;
    if (iterations >= 2) {
      auto virtual_iterations = iterations - 1;
      auto saved_epochs = num_epochs_;
      num_epochs_ *= virtual_iterations;
      add_delta(compute_deltas(level - 1), virtual_iterations);
      num_epochs_ = saved_epochs;
      indices_[level] += static_cast<std::int64_t>(virtual_iterations);
    }
    transform_[dim] = saved_transform;

    if (g_.storage_boundary[level - 1]) {
      for (int ds = 0; ds < num_spaces_; ++ds) {
        state.accesses[ds].at(1, 1) += static_cast<double>(delta_sizes[ds] * num_epochs_);
      }
    }
  }

  void fill_spatial_deltas(int level, SpatialDeltas& deltas, std::uint64_t base_index,
                           std::uint64_t extrapolation_stride, int extrapolation_level) {
    auto end = static_cast<std::uint64_t>((*loops_)[level].end);
    base_index *= end;
    if (level == 0) {
      for (std::uint64_t i = 0; i < end; ++i) {
        indices_[0] = static_cast<std::int64_t>(i);
        auto index = base_index + i;
        deltas.set(index, operation_point());
        space_stamp_.back() = index;
        compute_accesses_[full_stamp()] += static_cast<double>(num_epochs_);
      }
      return;
    }
    auto dim = (*loops_)[level].dimension;
    auto scale = g_.stride[level];
    auto saved_transform = transform_[dim];
    const std::uint64_t iterations_to_run = 1;

    if ((*loops_)[level - 1].is_spatial()) {
      for (std::uint64_t i = 0; i < end; ++i) {
        indices_[level] = static_cast<std::int64_t>(i);
        auto next_stride = extrapolation_stride * end;
        auto next_level = extrapolation_level;
        if (i >= iterations_to_run) {
          next_stride = 1;
          next_level = level;
        }
        fill_spatial_deltas(level - 1, deltas, base_index + i, next_stride, next_level);
        transform_[dim] += scale;
      }
    } else {
      std::uint64_t i = 0;
      if (extrapolation_stride == 0) {
        // Nothing to extrapolate from yet: evaluate the first instance for real.
        for (; i < end && i < iterations_to_run; ++i) {
          indices_[level] = static_cast<std::int64_t>(i);
          space_stamp_.back() = base_index + i;
          OperationSpace sets;
          compute_deltas(level - 1, &sets);
          deltas.set(base_index + i, std::move(sets));
          transform_[dim] += scale;
        }
        extrapolation_stride = 1;
        extrapolation_level = level;
      } else {
        extrapolation_stride *= end;
        indices_[level] = 0;
      }
      if (i < end && !deltas.layout_known) {
        // The other instances see the same deltas, shifted.
        auto translations = translation_vectors(extrapolation_level);
        for (; i < end; ++i) {
          indices_[level] = static_cast<std::int64_t>(i);
          deltas.copy_translated(base_index + i - extrapolation_stride, base_index + i, translations);
        }
      }
    }
    transform_[dim] = saved_transform;
  }

  using Translations = std::array<Coordinates, kMaxDataSpaces>;

  Translations translation_vectors(int level) {
    auto dim = (*loops_)[level].dimension;
    auto saved = transform_[dim];
    TileBoxes first, second;
    working_set(level, first);
    transform_[dim] += g_.stride[level];
    working_set(level, second);
    transform_[dim] = saved;
    Translations out{};
    for (int ds = 0; ds < num_spaces_; ++ds) out[ds] = box_translation(first[ds], second[ds]);
    return out;
  }

  // Per tensor: the shift t with base + t == the previous invocation's base, when the two
  // are shifts of each other (only then can a child find its data at a neighbour).
  Shifts base_shifts(const SpatialDeltas& deltas, const SpatialDeltas& prev) const {
    Shifts shift{};
    if (!deltas.has_base || !prev.has_base) return shift;
    for (int ds = 0; ds < num_spaces_; ++ds) {
      if (deltas.base[ds].empty() || prev.base[ds].empty()) continue;
      auto t = deltas.base[ds].translation_to(prev.base[ds], kMaxRank);
      PointSet moved = deltas.base[ds];
      moved.translate(t);
      if (moved == prev.base[ds]) shift[ds] = t;
    }
    return shift;
  }

  // A child whose delta equals what a neighbour held on the previous step gets it over the
  // neighbour link instead of from the parent (fanout_reuse.hpp).
  PerSpaceCounts mark_link_reuse(int level, const SpatialDeltas& deltas, const SpatialDeltas& prev, const Shifts& shift,
                                 Unaccounted& unaccounted) {
    auto storage_level = nest_->storage_level_of_loop[level];
    auto h_size = std::max<std::uint64_t>(arch_->fanout_x(storage_level), g_.logical_fanout_x[level]);
    auto v_size = std::max<std::uint64_t>(arch_->fanout_y(storage_level), g_.logical_fanout_y[level]);
    return nest::mark_link_reuse(deltas, prev, shift, h_size, v_size, num_spaces_, unaccounted, scratch_);
  }

  void spatial_working_set(int level) {
    SpatialDeltas deltas = std::move(spare_deltas_[level]);
    deltas.reset(g_.logical_fanout[level], num_spaces_, g_.max_rank);
    // Children's points at the innermost level are re-derived each time (they are cheap and
    // carry the per-unit compute counts); shifted copies are derived once per buffer.
    if (level == 0) deltas.layout_known = false;
    fill_spatial_deltas(level, deltas, 0, 0, level);
    deltas.layout_known = level > 0;
    auto& state = state_at(level);
    auto& unaccounted = unaccounted_scratch_;

    auto& memo = fanout_memo_[level];
    if (!memo.grouped) {
      mark_all_unaccounted(deltas, num_spaces_, unaccounted);
      for (int ds = 0; ds < num_spaces_; ++ds)
        memo.without_links[ds] = multicast_groups(deltas, unaccounted, ds, scratch_);
      memo.grouped = true;
    }
    auto shifts = base_shifts(deltas, state.prev_spatial_deltas);
    const FanoutMemo::LinkCase* links = nullptr;
    if (std::any_of(shifts.begin(), shifts.begin() + num_spaces_, [](const auto& t) { return t.has_value(); })) {
      for (const auto& c : memo.link_cases) {
        if (c.shifts == shifts) links = &c;
      }
      if (!links) {
        FanoutMemo::LinkCase c;
        c.shifts = shifts;
        mark_all_unaccounted(deltas, num_spaces_, unaccounted);
        c.reused = mark_link_reuse(level, deltas, state.prev_spatial_deltas, shifts, unaccounted);
        for (int ds = 0; ds < num_spaces_; ++ds) {
          if (c.reused[ds]) c.with_links[ds] = multicast_groups(deltas, unaccounted, ds, scratch_);
        }
        memo.link_cases.push_back(std::move(c));
        links = &memo.link_cases.back();
      }
    }

    // Neighbour links are used for a tensor only when they save parent accesses.
    for (int ds = 0; ds < num_spaces_; ++ds) {
      auto size = deltas.size(ds);
      if (size == 0) continue;
      auto without = accesses_of(memo.without_links[ds], size, num_epochs_);
      if (links && links->reused[ds] > 0) {
        auto with = accesses_of(links->with_links[ds], size, num_epochs_);
        if (with.total() < without.total()) {
          state.link_transfers[ds] += links->reused[ds] * size * num_epochs_;
          state.accesses[ds].accumulate(with);
          continue;
        }
      }
      state.accesses[ds].accumulate(without);
    }
    std::swap(state.prev_spatial_deltas, deltas);
    spare_deltas_[level] = std::move(deltas);
  }

  NestAnalysisResult collect() const {
    NestAnalysisResult result;
    result.tiles.assign(num_spaces_, {});
    for (auto& tiles : result.tiles) tiles.reserve(num_loops_);
    bool compute_collected = false;
    for (int level = 0; level < num_loops_; ++level) {
      bool valid = !(*loops_)[level].is_spatial() || g_.master_spatial[level];
      if (!valid) continue;
      const auto& states = live_state_[level];
      auto samples = static_cast<std::uint64_t>(states.size());
      for (int ds = 0; ds < num_spaces_; ++ds) {
        LoopTile tile;
        std::uint64_t size_sum = 0, transfers_sum = 0;
        states.for_each([&](const ElementState& state) {
          tile.accesses.accumulate(state.accesses[ds]);
          size_sum += state.max_size[ds];
          transfers_sum += state.link_transfers[ds];
        });
        if (samples > 0) {
          tile.accesses.divide(static_cast<double>(samples));
          tile.size = size_sum / samples;
          tile.link_transfers = transfers_sum / samples;
        }
        tile.replication = g_.num_spatial_elems[level];
        tile.fanout = g_.logical_fanout[level];
        tile.on_storage_boundary = g_.storage_boundary[level];
        tile.master_spatial = g_.master_spatial[level];
        result.tiles[ds].push_back(std::move(tile));
      }
      if (!compute_collected) {
        result.compute_instances = g_.num_spatial_elems[level] * g_.logical_fanout[level];
        double sum = 0;
        for (const auto& [stamp, accesses] : compute_accesses_) sum += accesses;
        result.compute_cycles = compute_accesses_.empty() ? 0 : sum / static_cast<double>(compute_accesses_.size());
        compute_collected = true;
      }
    }
    return result;
  }
};

}  // namespace

struct WalkScratch::State {
  NestWalker walker;
};

WalkScratch::WalkScratch() : state_(std::make_unique<State>()) {}
WalkScratch::~WalkScratch() = default;
WalkScratch::WalkScratch(WalkScratch&&) noexcept = default;
WalkScratch& WalkScratch::operator=(WalkScratch&&) noexcept = default;

NestAnalysisResult analyze_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch) {
  NestAnalysisResult result;
  ClosedFormScratch closed_form;
  WalkScratch walk;
  analyze_nest(workload, nest, arch, result, closed_form, walk);
  return result;
}

void analyze_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch, NestAnalysisResult& out,
                  ClosedFormScratch& closed_form, WalkScratch& walk, const Mapping* keeps) {
  if (!analyze_nest_in_closed_form(workload, nest, arch, out, closed_form, keeps)) {
    out = walk_nest(workload, nest, arch, walk);
  }
}

NestAnalysisResult walk_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch,
                             WalkScratch& scratch) {
  auto& walker = scratch.state().walker;
  walker.bind(workload, nest, arch);
  return walker.run();
}

NestAnalysisResult walk_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch) {
  WalkScratch scratch;
  return walk_nest(workload, nest, arch, scratch);
}

}  // namespace qloop
