#include "search/equivalent_orders.hpp"

#include <algorithm>

namespace qloop {

EquivalentOrders::EquivalentOrders(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                                   const Mapspace& space) {
  int levels = arch.num_storage_levels(), tensors = workload.num_data_spaces();
  // A dimension of size 1 never loops; a rank whose other terms are such is one dimension.
  auto live = [&](const ProjectionTerm& term) {
    return workload.coefficient(term.coefficient) != 0 && workload.dimension_bounds[term.dimension] > 1;
  };
  std::vector<char> one_per_rank(tensors, 1);
  relevant_.assign(tensors, std::vector<char>(workload.num_dimensions(), 0));
  for (int ds = 0; ds < tensors; ++ds) {
    for (const auto& rank : workload.data_spaces[ds].projection) {
      int terms = 0;
      for (const auto& term : rank) {
        if (!live(term)) continue;
        ++terms;
        relevant_[ds][term.dimension] = 1;
      }
      if (terms > 1) one_per_rank[ds] = 0;
    }
  }
  mergeable_.assign(levels, 0);
  sensitive_.assign(levels, {});
  if (arch.has_sparse_optimizations()) return;
  bool fanout_free = true;
  for (int level = 0; level < levels; ++level) {
    fanout_free = fanout_free && arch.fanout(level) == 1;
    const auto& permutation = constraints.levels[level].temporal.permutation;
    bool mergeable = fanout_free && permutation.innermost.empty() && permutation.outermost.empty();
    for (int ds = 0; ds < tensors && mergeable; ++ds) {
      bool kept_below = false;
      for (int below = 0; below < level; ++below) kept_below = kept_below || space.may_keep(below, ds);
      if (!kept_below) continue;
      if (!one_per_rank[ds]) mergeable = false;
      sensitive_[level].push_back(ds);
    }
    mergeable_[level] = mergeable;
  }
}

bool EquivalentOrders::merges_any() const {
  return std::find(mergeable_.begin(), mergeable_.end(), 1) != mergeable_.end();
}

void EquivalentOrders::canonicalize(std::vector<DimensionId>& order, int level) const {
  int n = static_cast<int>(order.size());
  if (n < 2) return;
  // Where each sensitive tensor's first relevant loop stands: the runs before it end there.
  std::vector<std::vector<int>> ending(n);  // tensors whose first relevant loop is at i
  for (int ds : sensitive_[level]) {
    int first = 0;
    while (first < n && !relevant_[ds][order[first]]) ++first;
    if (first < n) ending[first].push_back(ds);
  }
  // Each block from one run end to the next keeps its loops (as a set): first the lowest
  // dimension relevant to every tensor whose run ends there, then the rest in increasing order.
  int begin = 0;
  while (begin < n) {
    int end = begin + 1;
    while (end < n && ending[end].empty()) ++end;
    auto from = order.begin() + begin;
    if (!ending[begin].empty()) {
      auto lowest = from;
      for (auto it = from; it != order.begin() + end; ++it) {
        bool fits = true;
        for (int ds : ending[begin]) fits = fits && relevant_[ds][*it];
        if (fits && *it < *lowest) lowest = it;
      }
      std::iter_swap(from, lowest);
      ++from;
    }
    std::sort(from, order.begin() + end);
    begin = end;
  }
}

MapspacePoint EquivalentOrders::canonical(const MapspacePoint& point) const {
  auto out = point;
  for (int level = 0; level < static_cast<int>(mergeable_.size()); ++level) {
    if (mergeable_[level]) canonicalize(out.loop_orders[level], level);
  }
  return out;
}

bool EquivalentOrders::representative(const MapspacePoint& point) const {
  for (int level = 0; level < static_cast<int>(mergeable_.size()); ++level) {
    if (!representative(point, level)) return false;
  }
  return true;
}

bool EquivalentOrders::representative(const MapspacePoint& point, int level) const {
  if (!mergeable_[level] || point.loop_orders[level].size() < 2) return true;
  auto order = point.loop_orders[level];
  canonicalize(order, level);
  return order == point.loop_orders[level];
}

}  // namespace qloop
