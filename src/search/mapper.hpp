#pragma once
// The mapper: runs search strategies over the mapspace on several threads, evaluates each
// candidate with the model, and keeps the best by the objectives in priority order.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "model/stats.hpp"
#include "search/bounds.hpp"  // lower_bound, part of the mapper's interface
#include "search/constraints.hpp"
#include "search/mapper_settings.hpp"
#include "search/rejection_counts.hpp"
#include "workload/workload.hpp"

namespace qloop {

struct MappingCost {
  double energy_pJ = 0;
  double cycles = 0;
  double edp = 0;  // pJ * cycles
  double last_level_accesses = 0;
  double metric(Metric m) const;
};

// True when `a` beats `b` on the objectives in priority order.
bool better(const MappingCost& a, const MappingCost& b, const std::vector<Metric>& objectives);
MappingCost cost_of(const EvaluationResult& result);

struct Improvement {
  double seconds = 0;
  std::uint64_t evaluated = 0;
  MappingCost cost;
};

// Why a search ended (for the whole search: the reason its threads gave most often, except
// that an interruption or a proof of optimality is always said).
enum class StopReason {
  kProvedOptimal,     // the best meets the admissible lower bound
  kExhausted,         // every point of the (pruned) mapspace was visited or bounded out
  kVictoryCondition,  // this many valid mappings in a row did not improve the best
  kTimeLimit,
  kSearchSize,   // the evaluations asked for were made
  kTimeout,      // this many invalid mappings in a row (Timeloop's timeout)
  kInterrupted,  // Ctrl-C, SIGTERM or the caller's stop flag
};
const char* to_string(StopReason reason);  // "proved optimal", "exhausted", ...

struct SearchReport {
  std::string algorithm;        // the algorithm that ran
  std::string asked_algorithm;  // the one the settings name, when another ran for it (effective_settings)
  std::vector<Metric> objectives;
  int threads = 1;
  std::uint64_t considered = 0;  // mapspace points proposed
  std::uint64_t evaluated = 0;   // points the model evaluated
  std::uint64_t valid = 0;
  std::uint64_t pruned_tilings = 0;  // skipped with all their variants: bound above the best
  RejectionMap rejected;             // candidates refused, by reason
  double seconds = 0;
  StopReason stopped_by = StopReason::kExhausted;
  bool optimal = false;      // every tiling was enumerated or bounded out, or meets_bound
  bool meets_bound = false;  // the best reaches the lower bound (one objective)
  double lower_bound = 0;    // of the first objective, admissible
  double gap = 0;            // (best - bound) / best for the first objective
  std::uint64_t mapspace_tilings = 0;
  // The certified search's rules, in tilings (of mapspace_tilings): ruled out because the
  // chosen factors cannot fit whatever the rest, ruled out by the bound, visited with every
  // variant. Zero for the other algorithms.
  double no_fit_tilings = 0, bounded_out_tilings = 0, visited_tilings = 0;
  // Variants of the visited tilings not evaluated: their loop orders cost what their class's
  // representative costs (equivalent_orders.hpp).
  double equivalent_variants = 0;
  // Variants of the visited tilings not evaluated: the bound with their bypass choice, or it and
  // their loop orders from some level up, is above the best (bounds.hpp: KnownChoices).
  double bounded_variants = 0;
  std::vector<Improvement> improvements;
};

struct MapperResult {
  bool found = false;
  Mapping best;
  EvaluationResult stats;
  MappingCost cost;
  SearchReport report;
  std::vector<Mapping> elite;  // with settings.elite_size > 0: the best distinct valid mappings, best first
};

struct MapperProgress {
  std::uint64_t evaluated = 0;
  std::uint64_t valid = 0;
  double seconds = 0;
  bool has_best = false;
  MappingCost best;
};

// `stop` (may be null) ends the search early; `progress` (may be empty) is called from time
// to time from the calling thread.
MapperResult run_mapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                        const MapperSettings& settings, const std::atomic<bool>* stop,
                        const std::function<void(const MapperProgress&)>& progress);

}  // namespace qloop
