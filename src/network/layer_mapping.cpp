#include "network/layer_mapping.hpp"

#include "model/evaluate.hpp"

namespace qloop {

bool adopt_if_better(LayerMapping& best, const Mapping& candidate, const Workload& workload, const Architecture& arch,
                     const std::vector<Metric>& objectives, EvaluationWorkspace& workspace) {
  auto stats = evaluate(arch, workload, candidate, workspace);
  if (!stats.valid) return false;
  if (best.found && !better(cost_of(stats), cost_of(best.stats), objectives)) return false;
  best.found = true;
  best.mapping = candidate;
  best.stats = std::move(stats);
  best.warm_started = true;
  return true;
}

std::shared_ptr<const LayerMapping> LayerMappingCache::find(const LayerJobKey& key) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void LayerMappingCache::insert(const LayerJobKey& key, std::shared_ptr<const LayerMapping> mapping) {
  std::lock_guard lock(mutex_);
  entries_.emplace(key, std::move(mapping));
}

std::size_t LayerMappingCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::vector<std::pair<LayerBitwidths, std::shared_ptr<const LayerMapping>>> LayerMappingCache::same_shape(
    const LayerShapeKey& shape) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<LayerBitwidths, std::shared_ptr<const LayerMapping>>> out;
  // Keys order by shape first: one shape's jobs are adjacent.
  for (auto it = entries_.lower_bound(LayerJobKey{shape, {-1, -1, -1}});
       it != entries_.end() && it->first.shape == shape; ++it) {
    out.emplace_back(it->first.bits, it->second);
  }
  return out;
}

}  // namespace qloop
