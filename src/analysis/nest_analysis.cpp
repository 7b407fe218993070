#include "analysis/nest_analysis.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "analysis/fanout_reuse.hpp"
#include "analysis/nest_state.hpp"
#include "analysis/point_set.hpp"

namespace qloop {

namespace {

using namespace nest;  // the analysis' own internal types (nest_state.hpp)

class NestWalker {
 public:
  // One walker per thread is reused across evaluations, so its buffers keep their capacity.
  void bind(const Workload& workload, const LoopNest& nest, const Architecture& arch) {
    w_ = &workload;
    nest_ = &nest;
    arch_ = &arch;
    loops_ = &nest.loops;
    terms_.clear();
    num_loops_ = static_cast<int>(loops_->size());
    num_spaces_ = workload.num_data_spaces();
    num_dims_ = workload.num_dimensions();
    init_properties();
    flatten_projections();
    origin_tiles_.resize(num_loops_);
    DimensionVector zero{};
    for (int level = 0; level < num_loops_; ++level) origin_tiles_[level] = project_boxes(zero, mold_high_[level]);
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
  const Workload* w_ = nullptr;
  const LoopNest* nest_ = nullptr;
  const Architecture* arch_ = nullptr;
  const std::vector<Loop>* loops_ = nullptr;
  int num_loops_ = 0, num_spaces_ = 0, num_dims_ = 0;

  // Bytes, not std::vector<bool>: read in the innermost recursion of the walk.
  std::vector<std::uint8_t> storage_boundary_, master_spatial_;
  std::vector<std::uint64_t> num_spatial_elems_, logical_fanout_, logical_fanout_x_, logical_fanout_y_;
  using DimensionVector = std::array<std::int64_t, kMaxDimensions>;
  std::vector<DimensionVector> vector_strides_, mold_high_;

  std::vector<std::int64_t> indices_;
  DimensionVector transform_{};

  // Projections flattened for speed: for each data space and rank, terms (dimension, coefficient).
  struct FlatTerm {
    int dimension;
    std::int64_t coefficient;
  };
  std::vector<FlatTerm> terms_;
  std::vector<int> rank_begin_;  // [ds * kMaxTensorRank + r] -> first term; one past the end at r = rank
  std::vector<int> ranks_;
  int max_rank_ = 1;
  std::vector<TileBoxes> origin_tiles_;  // per loop: the working set with no outer offset
  std::vector<std::uint64_t> space_stamp_;  // spatial index at each storage level entered
  std::vector<StampKey> stamp_weight_;       // mixed-radix weight of each stamp entry
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

  void init_properties() {
    storage_boundary_.assign(num_loops_, false);
    for (int b : nest_->storage_boundaries) storage_boundary_[b] = true;

    num_spatial_elems_.assign(num_loops_, 1);
    master_spatial_.assign(num_loops_, false);
    std::uint64_t product = 1;
    bool prev_spatial = false;
    for (int level = num_loops_ - 1; level >= 0; --level) {
      num_spatial_elems_[level] = product;
      if ((*loops_)[level].is_spatial()) {
        master_spatial_[level] = !prev_spatial;
        product *= static_cast<std::uint64_t>((*loops_)[level].end);
        prev_spatial = true;
      } else {
        prev_spatial = false;
      }
    }

    logical_fanout_.assign(num_loops_, 1);
    logical_fanout_x_.assign(num_loops_, 1);
    logical_fanout_y_.assign(num_loops_, 1);
    for (int level = 0; level < num_loops_; ++level) {
      if (!master_spatial_[level]) continue;
      for (int l = level; l >= 0 && (*loops_)[l].is_spatial(); --l) {
        auto end = static_cast<std::uint64_t>((*loops_)[l].end);
        ((*loops_)[l].kind == LoopKind::kSpatialX ? logical_fanout_x_ : logical_fanout_y_)[level] *= end;
      }
      logical_fanout_[level] = logical_fanout_x_[level] * logical_fanout_y_[level];
    }

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

    DimensionVector ones;
    ones.fill(1);
    vector_strides_.assign(num_loops_, ones);
    mold_high_.assign(num_loops_, DimensionVector{});
    DimensionVector scale = ones;
    for (int level = 0; level < num_loops_; ++level) {
      vector_strides_[level] = scale;
      scale[(*loops_)[level].dimension] *= (*loops_)[level].end;
      for (int d = 0; d < num_dims_; ++d) mold_high_[level][d] = scale[d] - 1;
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

  // Projects the operation-space box [low, high] (inclusive) onto each tensor.
  void flatten_projections() {
    max_rank_ = 1;
    rank_begin_.assign(num_spaces_ * (kMaxTensorRank + 1), 0);
    ranks_.assign(num_spaces_, 0);
    for (int ds = 0; ds < num_spaces_; ++ds) {
      ranks_[ds] = w_->rank(ds);
      for (int r = 0; r < ranks_[ds]; ++r) {
        rank_begin_[ds * (kMaxTensorRank + 1) + r] = static_cast<int>(terms_.size());
        for (const auto& term : w_->data_spaces[ds].projection[r]) {
          terms_.push_back({term.dimension, w_->coefficient(term.coefficient)});
        }
      }
      rank_begin_[ds * (kMaxTensorRank + 1) + ranks_[ds]] = static_cast<int>(terms_.size());
      max_rank_ = std::max(max_rank_, ranks_[ds]);
    }
  }

  // Projects the operation-space box [low, high] (inclusive) onto each tensor.
  TileBoxes project_boxes(const DimensionVector& low, const DimensionVector& high) const {
    TileBoxes boxes;
    for (int ds = 0; ds < num_spaces_; ++ds) {
      Box& box = boxes[ds];
      box.rank = ranks_[ds];
      const int* begin = &rank_begin_[ds * (kMaxTensorRank + 1)];
      for (int r = 0; r < box.rank; ++r) {
        std::int64_t lo = 0, hi = 0;
        for (int t = begin[r]; t < begin[r + 1]; ++t) {
          const auto& term = terms_[t];
          if (term.coefficient < 0) {
            lo += high[term.dimension] * term.coefficient;
            hi += low[term.dimension] * term.coefficient;
          } else {
            lo += low[term.dimension] * term.coefficient;
            hi += high[term.dimension] * term.coefficient;
          }
        }
        box.lo[r] = static_cast<std::int32_t>(lo);
        box.hi[r] = static_cast<std::int32_t>(hi + 1);
      }
    }
    return boxes;
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
      Box& box = boxes[ds];
      box = origin_tiles_[level][ds];
      const int* begin = &rank_begin_[ds * (kMaxTensorRank + 1)];
      for (int r = 0; r < box.rank; ++r) {
        std::int64_t shift = 0;
        for (int t = begin[r]; t < begin[r + 1]; ++t) shift += transform_[terms_[t].dimension] * terms_[t].coefficient;
        box.lo[r] += static_cast<std::int32_t>(shift);
        box.hi[r] += static_cast<std::int32_t>(shift);
      }
    }
  }

  OperationSpace operation_point() const {
    DimensionVector point{};
    for (int level = 0; level < num_loops_; ++level) {
      point[(*loops_)[level].dimension] += vector_strides_[level][(*loops_)[level].dimension] * indices_[level];
    }
    return to_sets(project_boxes(point, point));
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
    if (storage_boundary_[level]) space_stamp_.push_back(0);
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
    if (storage_boundary_[level] || master_spatial_[level]) {
      TileBoxes current;
      working_set(level, current);
      for (int ds = 0; ds < num_spaces_; ++ds) {
        state.max_size[ds] = std::max(state.max_size[ds], current[ds].size());
      }
      if (storage_boundary_[level]) sizes = subtract_if_same_stride(current, state, sets);
    }
    if (storage_boundary_[level]) space_stamp_.pop_back();
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
    auto scale = vector_strides_[level][dim];
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

    if (storage_boundary_[level - 1]) {
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
    auto scale = vector_strides_[level][dim];
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
    transform_[dim] += vector_strides_[level][dim];
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
  PerSpaceCounts mark_link_reuse(int level, const SpatialDeltas& deltas, const SpatialDeltas& prev,
                                 const Shifts& shift, Unaccounted& unaccounted) {
    auto storage_level = nest_->storage_level_of_loop[level];
    auto h_size = std::max<std::uint64_t>(arch_->fanout_x(storage_level), logical_fanout_x_[level]);
    auto v_size = std::max<std::uint64_t>(arch_->fanout_y(storage_level), logical_fanout_y_[level]);
    return nest::mark_link_reuse(deltas, prev, shift, h_size, v_size, num_spaces_, unaccounted, scratch_);
  }

  void spatial_working_set(int level) {
    SpatialDeltas deltas = std::move(spare_deltas_[level]);
    deltas.reset(logical_fanout_[level], num_spaces_, max_rank_);
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
      for (int ds = 0; ds < num_spaces_; ++ds) memo.without_links[ds] = multicast_groups(deltas, unaccounted, ds, scratch_);
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
      bool valid = !(*loops_)[level].is_spatial() || master_spatial_[level];
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
        tile.replication = num_spatial_elems_[level];
        tile.fanout = logical_fanout_[level];
        tile.on_storage_boundary = storage_boundary_[level];
        tile.master_spatial = master_spatial_[level];
        result.tiles[ds].push_back(std::move(tile));
      }
      if (!compute_collected) {
        result.compute_instances = num_spatial_elems_[level] * logical_fanout_[level];
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

NestAnalysisResult analyze_nest(const Workload& workload, const LoopNest& nest, const Architecture& arch) {
  thread_local NestWalker walker;
  walker.bind(workload, nest, arch);
  return walker.run();
}

}  // namespace qloop
