#pragma once
// What the mapper found for one layer job, the cache of those results shared by every network
// run, and the one rule by which a mapping found at other bitwidths replaces it.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "arch/architecture.hpp"
#include "model/evaluate.hpp"
#include "network/layer_job.hpp"
#include "search/mapper.hpp"

namespace qloop {

// Where a layer job's mapping comes from; when none was found, that says why (with the
// search's rejections).
enum class LayerMappingSource {
  kSearch,  // the mapper, here (report: its search)
  kPool,    // the best of a pool of mappings found at other bitwidths (explore)
  kRemote,  // a search run elsewhere (qloop.dask)
};

struct LayerMapping {
  bool found = false;
  LayerMappingSource source = LayerMappingSource::kSearch;
  Mapping mapping;
  EvaluationResult stats;
  SearchReport report;
  bool warm_started = false;  // the mapping was found for the same layer shape at other bitwidths
};

// Re-evaluates `candidate` (a mapping of the same layer shape, found at other bitwidths) on
// `workload` and takes it into `best` when it is valid there and beats `best` (or `best` has
// nothing) by `objectives`. Returns whether it did.
bool adopt_if_better(LayerMapping& best, const Mapping& candidate, const Workload& workload, const Architecture& arch,
                     const std::vector<Metric>& objectives, EvaluationWorkspace& workspace);

// Results of layer jobs, shared by every network run (a sweep's configurations and an
// exploration's candidates reuse each other's layers). Thread-safe. It holds what the mapper
// found for each job, never a warm-started result, so what a run reports does not depend on
// the order in which jobs were mapped.
class LayerMappingCache {
 public:
  std::shared_ptr<const LayerMapping> find(const LayerJobKey& key) const;
  void insert(const LayerJobKey& key, std::shared_ptr<const LayerMapping> mapping);
  std::size_t size() const;
  // Every cached job of one layer shape, with its bitwidths.
  std::vector<std::pair<LayerBitwidths, std::shared_ptr<const LayerMapping>>> same_shape(
      const LayerShapeKey& shape) const;

 private:
  mutable std::mutex mutex_;
  std::map<LayerJobKey, std::shared_ptr<const LayerMapping>> entries_;
};

}  // namespace qloop
