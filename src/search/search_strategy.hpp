#pragma once
// Search algorithms, in ask/tell form: a strategy proposes mapspace points and is told how
// each one fared. It knows nothing of the model.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "search/mapper_settings.hpp"
#include "search/mapspace.hpp"
#include "search/rejection_counts.hpp"

namespace qloop {

// What a certified search ruled out, counted in tilings (the sizes of the subtrees it cut).
struct TilingTally {
  double no_fit = 0;               // the chosen factors already exceed a fanout or overflow a buffer
  double bounded_out = 0;          // the bound of the chosen factors is above the best
  double visited = 0;              // complete tilings whose every variant was proposed
  double equivalent_variants = 0;  // variants of visited tilings not proposed: an equal one was
  double bounded_variants = 0;     // variants of visited tilings whose bypass choice or orders cannot win
};

// Work the threads of one certified search hand out among themselves: the next node to claim.
struct SharedWork {
  std::atomic<std::uint64_t> next{0};
};

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
  // Certified search only: the tilings ruled out, by rule, and those visited.
  virtual const TilingTally* tally() const { return nullptr; }
};

// Whether a tiling is worth visiting: false when a bound shows no variant of it can beat the
// best so far (the mapper's business; a strategy only asks).
using TilingFilter = std::function<bool(const std::vector<std::uint32_t>& tiling)>;
// The same for a tiling chosen only at levels `lowest` and above (every dimension): false when
// no completion of it can beat the best so far.
using PartialTilingFilter = std::function<bool(const std::vector<std::uint32_t>& tiling, int lowest)>;
// Whether the variants of a visited tiling with the point's bypass choice and its loop orders
// from `level` up (`level` = the number of levels: the bypass choice alone), of `level`'s own
// order only its first `loops_known` loops (innermost first; all when it is at least the
// order's size), need evaluating: not when each costs what another variant the strategy
// proposes costs (the level's whole order is not its class's representative), nor when none
// can beat the best so far.
enum class ChoiceVerdict { kNeeded, kEquivalent, kCannotWin };
using ChoiceFilter = std::function<ChoiceVerdict(const MapspacePoint& point, int level, int loops_known)>;
// Asked now and then by a strategy that may cut many tilings in a row without proposing a
// point: true when the search must end (time limit, Ctrl-C); `next` then returns false without
// the space being exhausted.
using StopCheck = std::function<bool()>;

// One strategy per thread; `thread` of `threads` picks the share of an enumeration and the
// random stream (seed + thread), so results are deterministic for a seed and thread count.
// The enumerations and the hybrid search skip tilings `worth_visiting` (when given) rejects:
// branch and bound, so a completed enumeration still proves its best optimal, and the hybrid
// spends its evaluations on tilings that can still win.
// The certified search (optimal) chooses factors level by level from the outermost, one
// dimension at a time, depth first, and cuts a partial tiling when the mapspace says no
// completion fits or `partial_worth` says none can win; its complete tilings are visited as
// the exhaustive search visits them (the bypass choice the most significant), but for the runs
// of variants `choices_worth` (when given) turns down: a bypass choice, then it with the loop
// orders from the outermost level in, each level's loop by loop from its innermost out. Threads claim the nodes at a
// shallow depth from `work` (one per search) as they go.
std::unique_ptr<SearchStrategy> make_strategy(SearchAlgorithm algorithm, const Mapspace& mapspace,
                                              const MapperSettings& settings, int thread, int threads,
                                              TilingFilter worth_visiting = {}, PartialTilingFilter partial_worth = {},
                                              StopCheck must_stop = {}, SharedWork* work = nullptr,
                                              ChoiceFilter choices_worth = {});

}  // namespace qloop
