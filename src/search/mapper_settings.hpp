#pragma once
// How the mapper searches: algorithm, objective, limits. By default a plain `qloop mapper`
// runs the certified search within 30 s: a proof of the optimum where one fits in that time,
// the best found and its gap to the bound where none does.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qloop {

enum class SearchAlgorithm {
  kExhaustive,    // every mapping of the (pruned) mapspace, in order; proves optimality when it completes
  kLinearPruned,  // Timeloop's name for an in-order sweep: the same as exhaustive here
  kRandom,        // uniform samples of the mapspace
  kRandomPruned,  // random samples, skipping those the capacity check rejects before evaluation
  kHybrid,        // random tiling factors, then every loop order and bypass choice for them
  kOptimal,       // hybrid for a first best, then a branch and bound over partial tilings: a proof when it completes
};

enum class Metric { kEnergy, kDelay, kEdp, kLastLevelAccesses };

// More threads than this is a mistake, not a machine: a request above it is capped, with a
// note (app/search_overrides.hpp).
inline constexpr int kMaxThreads = 256;

struct MapperSettings {
  SearchAlgorithm algorithm = SearchAlgorithm::kOptimal;
  std::vector<Metric> objectives = {Metric::kEdp};  // compared in priority order
  int threads = 0;                                  // 0 = all cores
  double time_limit_seconds = 30;                   // wall clock limit (0 = none); qloop's own
  // Timeloop's: stop a thread after this many consecutive invalid mappings (0 = never). Also
  // what ends a search in which nothing fits.
  std::uint64_t timeout = 100000;
  std::uint64_t victory_condition = 5000;  // stop a thread after this many valid non-improving mappings (0 = never)
  std::uint64_t search_size = 0;           // evaluations per thread (0 = unlimited)
  std::uint64_t max_permutations_per_visit = 64;  // loop orders tried per tiling (hybrid)
  std::uint64_t seed = 1;
  // qloop's: skip tilings whose admissible bound shows no variant can beat the best so far
  // (exhaustive, linear-pruned, hybrid). Off: every tiling drawn is visited, as Timeloop does.
  bool bound_pruning = true;
  // Timeloop's random samplers (random, random-pruned) name an effort, not a wish for a worse
  // answer: qloop runs its hybrid search for them instead, with at least their victory
  // condition (effective_settings). true: run them as named.
  bool literal_algorithm = false;
  // Besides the best, keep this many of the best distinct valid mappings (MapperResult::elite);
  // qloop's own, for searches that re-rank mappings under other bitwidths (explore).
  std::size_t elite_size = 0;
};

// The settings a search runs with: for Timeloop's random samplers (unless literal_algorithm),
// qloop's hybrid search with the same victory condition or qloop's default, whichever is
// larger; for the certified search with an elite list (which wants mappings that lose too, so
// no branch and bound could prune for it), the hybrid search.
MapperSettings effective_settings(const MapperSettings& asked);

// The names users write, and back. The lookups take hyphens or underscores alike and give
// nothing for an unknown name; the *_names texts list the accepted ones for messages.

const char* to_string(SearchAlgorithm algorithm);
const char* to_string(Metric metric);
std::optional<SearchAlgorithm> algorithm_from_name(std::string_view name);
std::optional<Metric> metric_from_name(std::string_view name);
extern const char* const kAlgorithmNames;  // "exhaustive, linear-pruned, random, random-pruned, hybrid or optimal"
extern const char* const kMetricNames;     // "energy, delay (or cycles), edp or last-level-accesses"

}  // namespace qloop
