#pragma once
// Search algorithms, in ask/tell form: a strategy proposes mapspace points and is told how
// each one fared. It knows nothing of the model.

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "search/mapper_settings.hpp"
#include "search/mapspace.hpp"
#include "search/rejection_counts.hpp"

namespace qloop {

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  // Writes the next point to try; false when this strategy's share of the space is done.
  virtual bool next(MapspacePoint& point) = 0;
  // How the last point fared: valid, and whether it beat the best so far.
  virtual void report(bool valid, bool improved) = 0;
  // True when `next` returned false because the whole share was enumerated.
  virtual bool exhausted_space() const { return false; }
  // Tilings skipped, with all their variants, because the filter said none can win.
  virtual std::uint64_t pruned_tilings() const { return 0; }
  // Points never proposed because the precheck rules out their whole tiling, by reason;
  // empty when the strategy skips none.
  virtual const RejectionMap& ruled_out_points() const {
    static const RejectionMap none;
    return none;
  }
};

// Whether a tiling is worth visiting: false when a bound shows no variant of it can beat the
// best so far (the mapper's business; a strategy only asks).
using TilingFilter = std::function<bool(const std::vector<std::uint32_t>& tiling)>;

// One strategy per thread; `thread` of `threads` picks the share of an enumeration and the
// random stream (seed + thread), so results are deterministic for a seed and thread count.
// The enumerations and the hybrid search skip tilings `worth_visiting` (when given) rejects:
// branch and bound, so a completed enumeration still proves its best optimal, and the hybrid
// spends its evaluations on tilings that can still win.
std::unique_ptr<SearchStrategy> make_strategy(SearchAlgorithm algorithm, const Mapspace& mapspace,
                                              const MapperSettings& settings, int thread, int threads,
                                              TilingFilter worth_visiting = {});

}  // namespace qloop
