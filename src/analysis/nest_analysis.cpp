#include "analysis/nest_analysis.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "analysis/point_set.hpp"

namespace qloop {

namespace {

using Stamp = std::vector<std::uint64_t>;
using OperationSpace = std::vector<PointSet>;  // one point set per data space

// Per spatial instance state of one loop, carried across invocations.
struct ElementState {
  std::vector<PointSet> last_working_set;
  std::vector<std::optional<Coordinates>> last_translation;
  std::vector<AccessStats> accesses;
  std::vector<std::uint64_t> max_size;
  std::vector<std::uint64_t> link_transfers;
  std::map<std::uint64_t, OperationSpace> prev_spatial_deltas;

  explicit ElementState(int num_spaces)
      : last_working_set(num_spaces),
        last_translation(num_spaces),
        accesses(num_spaces),
        max_size(num_spaces, 0),
        link_transfers(num_spaces, 0) {}
};

class NestWalker {
 public:
  NestWalker(const Workload& workload, const LoopNest& nest, const Architecture& arch)
      : w_(workload), nest_(nest), arch_(arch), loops_(nest.loops) {
    num_loops_ = static_cast<int>(loops_.size());
    num_spaces_ = workload.num_data_spaces();
    num_dims_ = workload.num_dimensions();
    init_properties();
  }

  NestAnalysisResult run() {
    indices_.assign(num_loops_, 0);
    transform_.assign(num_dims_, 0);
    live_state_.assign(num_loops_, {});
    num_epochs_ = 1;
    compute_deltas(num_loops_ - 1);
    return collect();
  }

 private:
  const Workload& w_;
  const LoopNest& nest_;
  const Architecture& arch_;
  const std::vector<Loop>& loops_;
  int num_loops_ = 0, num_spaces_ = 0, num_dims_ = 0;

  std::vector<bool> storage_boundary_, master_spatial_;
  std::vector<std::uint64_t> num_spatial_elems_, logical_fanout_, logical_fanout_x_, logical_fanout_y_;
  std::vector<std::vector<std::int64_t>> vector_strides_, mold_high_;

  std::vector<std::int64_t> indices_, transform_;
  Stamp space_stamp_;
  std::uint64_t num_epochs_ = 1;
  std::vector<std::map<Stamp, ElementState>> live_state_;
  std::map<Stamp, double> compute_accesses_;

  void init_properties() {
    storage_boundary_.assign(num_loops_, false);
    for (int b : nest_.storage_boundaries) storage_boundary_[b] = true;

    num_spatial_elems_.assign(num_loops_, 1);
    master_spatial_.assign(num_loops_, false);
    std::uint64_t product = 1;
    bool prev_spatial = false;
    for (int level = num_loops_ - 1; level >= 0; --level) {
      num_spatial_elems_[level] = product;
      if (loops_[level].is_spatial()) {
        master_spatial_[level] = !prev_spatial;
        product *= static_cast<std::uint64_t>(loops_[level].end);
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
      for (int l = level; l >= 0 && loops_[l].is_spatial(); --l) {
        auto end = static_cast<std::uint64_t>(loops_[l].end);
        (loops_[l].kind == LoopKind::kSpatialX ? logical_fanout_x_ : logical_fanout_y_)[level] *= end;
      }
      logical_fanout_[level] = logical_fanout_x_[level] * logical_fanout_y_[level];
    }

    vector_strides_.assign(num_loops_, std::vector<std::int64_t>(num_dims_, 1));
    mold_high_.assign(num_loops_, std::vector<std::int64_t>(num_dims_, 0));
    std::vector<std::int64_t> scale(num_dims_, 1);
    for (int level = 0; level < num_loops_; ++level) {
      vector_strides_[level] = scale;
      scale[loops_[level].dimension] *= loops_[level].end;
      for (int d = 0; d < num_dims_; ++d) mold_high_[level][d] = scale[d] - 1;
    }
  }

  Stamp all_but_last() const { return Stamp(space_stamp_.begin(), space_stamp_.end() - 1); }

  ElementState& state_at(int level) {
    return live_state_[level].try_emplace(all_but_last(), num_spaces_).first->second;
  }

  // Projects the operation-space box [low, high] (inclusive) onto each tensor.
  OperationSpace project(const std::vector<std::int64_t>& low, const std::vector<std::int64_t>& high) const {
    OperationSpace space(num_spaces_);
    for (int ds = 0; ds < num_spaces_; ++ds) {
      Box box;
      box.rank = w_.rank(ds);
      for (int r = 0; r < box.rank; ++r) {
        std::int64_t lo = 0, hi = 0;
        for (const auto& term : w_.data_spaces[ds].projection[r]) {
          auto coef = w_.coefficient(term.coefficient);
          if (coef < 0) {
            lo += high[term.dimension] * coef;
            hi += low[term.dimension] * coef;
          } else {
            lo += low[term.dimension] * coef;
            hi += high[term.dimension] * coef;
          }
        }
        box.lo[r] = lo;
        box.hi[r] = hi + 1;
      }
      space[ds] = PointSet(box);
    }
    return space;
  }

  OperationSpace working_set(int level) const {
    std::vector<std::int64_t> high(num_dims_);
    for (int d = 0; d < num_dims_; ++d) high[d] = transform_[d] + mold_high_[level][d];
    return project(transform_, high);
  }

  OperationSpace operation_point() const {
    std::vector<std::int64_t> point(num_dims_, 0);
    for (int level = 0; level < num_loops_; ++level) {
      point[loops_[level].dimension] += vector_strides_[level][loops_[level].dimension] * indices_[level];
    }
    return project(point, point);
  }

  // Delta between this invocation's working set and the previous one held by the same
  // instance. When the working set moves with a different stride than last time, nothing is
  // reused (address generators cannot follow such patterns).
  void subtract_if_same_stride(OperationSpace& current, ElementState& state) {
    for (int ds = 0; ds < num_spaces_; ++ds) {
      auto& prev = state.last_working_set[ds];
      std::optional<Coordinates> translation;
      if (!prev.empty()) translation = prev.translation_to(current[ds], w_.rank(ds));
      auto& last = state.last_translation[ds];
      bool same = !last.has_value() || (translation.has_value() && *translation == *last);
      if (same) {
        PointSet saved = current[ds];
        current[ds].subtract(prev);
        prev = std::move(saved);
        if (!last.has_value()) last = translation;
      } else {
        prev = current[ds];
        last.reset();
      }
    }
  }

  OperationSpace compute_deltas(int level) {
    if (storage_boundary_[level]) space_stamp_.push_back(0);
    auto& state = state_at(level);
    if (loops_[level].is_spatial()) {
      spatial_working_set(level);
    } else {
      temporal_working_set(level, state);
    }
    auto current = working_set(level);
    if (storage_boundary_[level] || master_spatial_[level]) {
      for (int ds = 0; ds < num_spaces_; ++ds) {
        state.max_size[ds] = std::max(state.max_size[ds], current[ds].size());
      }
    }
    subtract_if_same_stride(current, state);
    if (storage_boundary_[level]) space_stamp_.pop_back();
    return current;
  }

  void temporal_working_set(int level, ElementState& state) {
    auto iterations = static_cast<std::uint64_t>(loops_[level].end);
    if (level == 0) {
      double body = static_cast<double>(iterations * num_epochs_);
      compute_accesses_[all_but_last()] += body;
      for (int ds = 0; ds < num_spaces_; ++ds) state.accesses[ds].at(1, 1) += body;
      return;
    }
    auto dim = loops_[level].dimension;
    auto scale = vector_strides_[level][dim];
    auto saved_transform = transform_[dim];
    std::vector<std::uint64_t> delta_sizes(num_spaces_, 0);
    auto add_delta = [&](const OperationSpace& delta, std::uint64_t weight) {
      for (int ds = 0; ds < num_spaces_; ++ds) delta_sizes[ds] += delta[ds].size() * weight;
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

  void fill_spatial_deltas(int level, std::map<std::uint64_t, OperationSpace>& deltas,
                           std::uint64_t base_index, std::uint64_t extrapolation_stride, int extrapolation_level) {
    auto end = static_cast<std::uint64_t>(loops_[level].end);
    base_index *= end;
    if (level == 0) {
      for (std::uint64_t i = 0; i < end; ++i) {
        indices_[0] = static_cast<std::int64_t>(i);
        auto index = base_index + i;
        deltas[index] = operation_point();
        space_stamp_.back() = index;
        compute_accesses_[space_stamp_] += static_cast<double>(num_epochs_);
      }
      return;
    }
    auto dim = loops_[level].dimension;
    auto scale = vector_strides_[level][dim];
    auto saved_transform = transform_[dim];
    const std::uint64_t iterations_to_run = 1;

    if (loops_[level - 1].is_spatial()) {
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
          deltas[base_index + i] = compute_deltas(level - 1);
          transform_[dim] += scale;
        }
        extrapolation_stride = 1;
        extrapolation_level = level;
      } else {
        extrapolation_stride *= end;
        indices_[level] = 0;
      }
      if (i < end) {
        auto translations = translation_vectors(extrapolation_level);
        for (; i < end; ++i) {
          indices_[level] = static_cast<std::int64_t>(i);
          auto copy = deltas.at(base_index + i - extrapolation_stride);
          for (int ds = 0; ds < num_spaces_; ++ds) copy[ds].translate(translations[ds]);
          deltas[base_index + i] = std::move(copy);
        }
      }
    }
    transform_[dim] = saved_transform;
  }

  std::vector<Coordinates> translation_vectors(int level) {
    auto dim = loops_[level].dimension;
    auto saved = transform_[dim];
    auto first = working_set(level);
    transform_[dim] += vector_strides_[level][dim];
    auto second = working_set(level);
    transform_[dim] = saved;
    std::vector<Coordinates> out(num_spaces_);
    for (int ds = 0; ds < num_spaces_; ++ds) out[ds] = first[ds].translation_to(second[ds], w_.rank(ds));
    return out;
  }

  using Unaccounted = std::vector<std::set<std::uint64_t>>;

  Unaccounted all_unaccounted(const std::map<std::uint64_t, OperationSpace>& deltas) const {
    Unaccounted out(num_spaces_);
    for (const auto& [index, delta] : deltas) {
      for (int ds = 0; ds < num_spaces_; ++ds) out[ds].insert(index);
    }
    return out;
  }

  // Children that need identical data are served by one multicast access.
  std::vector<AccessStats> multicast_accesses(const std::map<std::uint64_t, OperationSpace>& deltas,
                                              Unaccounted& unaccounted) const {
    std::vector<std::map<std::uint64_t, std::pair<double, std::uint64_t>>> by_multicast(num_spaces_);
    for (auto it = deltas.begin(); it != deltas.end(); ++it) {
      for (int ds = 0; ds < num_spaces_; ++ds) {
        if (!unaccounted[ds].erase(it->first)) continue;
        std::uint64_t matches = 1;
        for (auto other = std::next(it); other != deltas.end(); ++other) {
          if (unaccounted[ds].count(other->first) && it->second[ds] == other->second[ds]) {
            unaccounted[ds].erase(other->first);
            ++matches;
          }
        }
        auto size = it->second[ds].size();
        if (size > 0) {
          auto& entry = by_multicast[ds][matches];
          entry.first += static_cast<double>(size * num_epochs_);
          entry.second += 1;
        }
      }
    }
    std::vector<AccessStats> out(num_spaces_);
    for (int ds = 0; ds < num_spaces_; ++ds) {
      for (const auto& [multicast, entry] : by_multicast[ds]) out[ds].at(multicast, entry.second) = entry.first;
    }
    return out;
  }

  // A child whose delta equals what a neighbour held on the previous step gets it over the
  // neighbour link instead of from the parent.
  std::vector<std::uint64_t> link_transfers(int level, const std::map<std::uint64_t, OperationSpace>& deltas,
                                            Unaccounted& unaccounted, ElementState& state) {
    auto storage_level = nest_.storage_level_of_loop[level];
    auto h_size = std::max<std::uint64_t>(arch_.fanout_x(storage_level), logical_fanout_x_[level]);
    auto v_size = std::max<std::uint64_t>(arch_.fanout_y(storage_level), logical_fanout_y_[level]);
    auto& prev = state.prev_spatial_deltas;
    std::vector<std::vector<bool>> reuse(h_size * v_size, std::vector<bool>(num_spaces_, false));
    auto compare = [&](std::uint64_t h, std::uint64_t v, std::uint64_t ph, std::uint64_t pv) {
      auto cur_it = deltas.find(v * h_size + h);
      auto prev_it = prev.find(pv * h_size + ph);
      if (cur_it == deltas.end() || prev_it == prev.end()) return;
      for (int ds = 0; ds < num_spaces_; ++ds) {
        if (!cur_it->second[ds].empty() && cur_it->second[ds] == prev_it->second[ds]) reuse[v * h_size + h][ds] = true;
      }
    };
    if (v_size > 1) {
      for (std::uint64_t h = 0; h < h_size; ++h) {
        for (std::uint64_t v = 1; v < v_size; ++v) compare(h, v, h, v - 1);
        for (std::uint64_t v = 0; v + 1 < v_size; ++v) compare(h, v, h, v + 1);
      }
    }
    if (h_size > 1) {
      for (std::uint64_t v = 0; v < v_size; ++v) {
        for (std::uint64_t h = 1; h < h_size; ++h) compare(h, v, h - 1, v);
        for (std::uint64_t h = 0; h + 1 < h_size; ++h) compare(h, v, h + 1, v);
      }
    }
    std::vector<std::uint64_t> transfers(num_spaces_, 0);
    for (const auto& [index, delta] : deltas) {
      if (index >= reuse.size()) continue;
      for (int ds = 0; ds < num_spaces_; ++ds) {
        if (!reuse[index][ds]) continue;
        transfers[ds] += delta[ds].size() * num_epochs_;
        unaccounted[ds].erase(index);
      }
    }
    prev = deltas;
    return transfers;
  }

  void spatial_working_set(int level) {
    std::map<std::uint64_t, OperationSpace> deltas;
    fill_spatial_deltas(level, deltas, 0, 0, level);
    auto& state = state_at(level);

    auto unaccounted = all_unaccounted(deltas);
    auto without_links = multicast_accesses(deltas, unaccounted);

    unaccounted = all_unaccounted(deltas);
    auto transfers = link_transfers(level, deltas, unaccounted, state);
    auto with_links = multicast_accesses(deltas, unaccounted);

    for (int ds = 0; ds < num_spaces_; ++ds) {
      if (with_links[ds].total() < without_links[ds].total()) {
        state.link_transfers[ds] += transfers[ds];
        state.accesses[ds].accumulate(with_links[ds]);
      } else {
        state.accesses[ds].accumulate(without_links[ds]);
      }
    }
  }

  NestAnalysisResult collect() const {
    NestAnalysisResult result;
    result.tiles.assign(num_spaces_, {});
    bool compute_collected = false;
    for (int level = 0; level < num_loops_; ++level) {
      bool valid = !loops_[level].is_spatial() || master_spatial_[level];
      if (!valid) continue;
      const auto& states = live_state_[level];
      auto samples = static_cast<std::uint64_t>(states.size());
      for (int ds = 0; ds < num_spaces_; ++ds) {
        LoopTile tile;
        std::uint64_t size_sum = 0, transfers_sum = 0;
        for (const auto& [stamp, state] : states) {
          tile.accesses.accumulate(state.accesses[ds]);
          size_sum += state.max_size[ds];
          transfers_sum += state.link_transfers[ds];
        }
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
  return NestWalker(workload, nest, arch).run();
}

}  // namespace qloop
