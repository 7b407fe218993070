#include "search/mapper.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "model/evaluate.hpp"
#include "search/mapspace.hpp"
#include "search/search_strategy.hpp"
#include "util/parallel_for.hpp"

namespace qloop {

double MappingCost::metric(Metric m) const {
  switch (m) {
    case Metric::kEnergy: return energy_pJ;
    case Metric::kDelay: return cycles;
    case Metric::kEdp: return edp;
    case Metric::kLastLevelAccesses: return last_level_accesses;
  }
  return 0;
}

bool better(const MappingCost& a, const MappingCost& b, const std::vector<Metric>& objectives) {
  for (auto m : objectives) {
    double x = a.metric(m), y = b.metric(m);
    // Equal within rounding: look at the next objective.
    if (std::abs(x - y) <= 1e-9 * std::max(std::abs(x), std::abs(y))) continue;
    return x < y;
  }
  return false;
}

MappingCost cost_of(const EvaluationResult& r) {
  MappingCost c;
  c.energy_pJ = r.summary.energy_pJ;
  c.cycles = static_cast<double>(r.summary.cycles);
  c.edp = c.energy_pJ * c.cycles;
  if (!r.storage.empty()) {
    for (const auto& t : r.storage.back().tensors) {
      c.last_level_accesses += static_cast<double>((t.reads + t.fills + t.updates) * t.utilized_instances);
    }
  }
  return c;
}

namespace {

struct ThreadOutcome {
  bool found = false;
  MapspacePoint best_point;
  MappingCost best_cost;
  std::uint64_t considered = 0, evaluated = 0, valid = 0;
  RejectionMap rejected;
  bool exhausted = false;
  bool meets_bound = false;  // its best is on the lower bound (one objective): optimal
  std::uint64_t pruned_tilings = 0;
  std::vector<std::pair<MappingCost, MapspacePoint>> elite;  // best first, at most elite_size
};

// Keeps the `size` best distinct costs (mappings with equal costs count as one).
void offer_elite(std::vector<std::pair<MappingCost, MapspacePoint>>& elite, std::size_t size, const MappingCost& cost,
                 const MapspacePoint& point, const std::vector<Metric>& objectives) {
  if (size == 0) return;
  auto position = elite.begin();
  while (position != elite.end() && !better(cost, position->first, objectives)) {
    if (!better(position->first, cost, objectives)) return;  // an equal cost is already kept
    ++position;
  }
  if (static_cast<std::size_t>(position - elite.begin()) >= size) return;
  elite.insert(position, {cost, point});
  if (elite.size() > size) elite.pop_back();
}

struct Shared {
  std::mutex mutex;
  std::atomic<std::uint64_t> evaluated{0}, valid{0};
  bool has_best = false;
  MappingCost best;
  std::vector<Improvement> improvements;
};

}  // namespace

MapperResult run_mapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                        const MapperSettings& settings, const std::atomic<bool>* stop,
                        const std::function<void(const MapperProgress&)>& progress) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  Mapspace space(arch, workload, constraints);
  int threads = resolve_threads(settings.threads);
  bool enumerating = settings.algorithm == SearchAlgorithm::kExhaustive ||
                     settings.algorithm == SearchAlgorithm::kLinearPruned;
  if (enumerating) threads = static_cast<int>(std::min<std::uint64_t>(threads, std::max<std::uint64_t>(1, space.num_tilings())));

  std::vector<ThreadOutcome> outcomes(threads);
  Shared shared;
  std::atomic<int> running{threads};
  bool space_empty = space.num_tilings() == 0;
  // Branch and bound over tilings in the enumerations and the hybrid search, on the first
  // objective. Not with an elite list, which wants mappings that do not win too.
  TilingBound tiling_bound(arch, workload, space, settings.objectives.front());
  bool branch_and_bound = settings.bound_pruning && (enumerating || settings.algorithm == SearchAlgorithm::kHybrid) &&
                          settings.elite_size == 0 && tiling_bound.informative();
  // With one objective, a mapping that meets the admissible bound is optimal: its thread
  // stops there (every search; the others go on, so results stay deterministic).
  double bound = lower_bound(arch, workload, settings.objectives.front(), &space);
  auto meets_bound = [&](const MappingCost& cost) {
    return settings.objectives.size() == 1 && cost.metric(settings.objectives.front()) <= bound * (1 + 1e-9);
  };
  bool stop_at_bound = settings.elite_size == 0;

  auto worker = [&](int t) {
    auto& out = outcomes[t];
    if (space_empty) {
      out.exhausted = true;
      --running;
      return;
    }
    TilingFilter worth_visiting;
    if (branch_and_bound) {
      // Against this thread's own best (so runs stay deterministic). A tiling goes only when
      // its bound is clearly above: a variant within rounding of the best could still win on
      // the next objective (see better()).
      worth_visiting = [&out, &tiling_bound, first = settings.objectives.front()](const std::vector<std::uint32_t>& tiling) {
        return !out.found || !tiling_bound.exceeds(tiling, out.best_cost.metric(first) * (1 + 1e-6));
      };
    }
    auto strategy = make_strategy(settings.algorithm, space, settings, t, threads, worth_visiting);
    // Counted in a flat array per candidate, gathered by reason once at the end.
    RejectionCounts rejections(arch.num_storage_levels(), workload.num_data_spaces());
    auto point = space.empty_point();
    Mapping mapping;
    std::vector<std::uint32_t> built_tiling;  // the tiling whose factors `mapping` holds
    EvaluationResult result;
    std::uint64_t since_improvement = 0, consecutive_invalid = 0;
    while (true) {
      if (stop && stop->load()) break;
      if (settings.search_size && out.evaluated >= settings.search_size) break;
      if (settings.time_limit_seconds > 0 && (out.considered & 63) == 0 && elapsed() > settings.time_limit_seconds) break;
      if (!strategy->next(point)) {
        out.exhausted = strategy->exhausted_space();
        break;
      }
      ++out.considered;
      if (auto refused = space.precheck(point)) {
        rejections.add(*refused);
        if (settings.timeout && ++consecutive_invalid >= settings.timeout) break;
        strategy->report(false, false);
        continue;
      }
      // A tiling's variants come in a row: its factors are already in the mapping.
      if (built_tiling == point.tiling) {
        space.build_variant(point, mapping);
      } else {
        space.build(point, mapping);
        built_tiling = point.tiling;
      }
      evaluate_cost(arch, workload, mapping, result);
      ++out.evaluated;
      shared.evaluated.fetch_add(1, std::memory_order_relaxed);
      if (!result.valid) {
        rejections.add(*result.rejection);
        strategy->report(false, false);
        if (settings.timeout && ++consecutive_invalid >= settings.timeout) break;
        continue;
      }
      consecutive_invalid = 0;
      ++out.valid;
      shared.valid.fetch_add(1, std::memory_order_relaxed);
      auto cost = cost_of(result);
      offer_elite(out.elite, settings.elite_size, cost, point, settings.objectives);
      bool improved = !out.found || better(cost, out.best_cost, settings.objectives);
      strategy->report(true, improved);
      if (improved) {
        out.found = true;
        out.best_cost = cost;
        out.best_point = point;
        out.meets_bound = meets_bound(cost);
        since_improvement = 0;
        std::lock_guard<std::mutex> lock(shared.mutex);
        if (!shared.has_best || better(cost, shared.best, settings.objectives)) {
          shared.has_best = true;
          shared.best = cost;
          shared.improvements.push_back({elapsed(), shared.evaluated.load(), cost});
        }
        if (out.meets_bound && stop_at_bound) break;
      } else if (settings.victory_condition && ++since_improvement >= settings.victory_condition) {
        break;
      }
    }
    out.pruned_tilings = strategy->pruned_tilings();
    for (const auto& [reason, n] : strategy->ruled_out_points()) {
      out.rejected[reason] += n;
      out.considered += n;
    }
    rejections.add_to(out.rejected);
    --running;
  };

  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  // Thread 0 runs here too; progress is reported by a light monitor in between.
  std::thread main_worker(worker, 0);
  auto last_report = Clock::now();
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (progress && Clock::now() - last_report > std::chrono::milliseconds(200)) {
      last_report = Clock::now();
      MapperProgress p;
      p.evaluated = shared.evaluated.load();
      p.valid = shared.valid.load();
      p.seconds = elapsed();
      std::lock_guard<std::mutex> lock(shared.mutex);
      p.has_best = shared.has_best;
      p.best = shared.best;
      progress(p);
    }
  }
  main_worker.join();
  for (auto& th : pool) th.join();

  MapperResult result;
  auto& report = result.report;
  report.algorithm = to_string(settings.algorithm);
  report.objectives = settings.objectives;
  report.threads = threads;
  report.mapspace_tilings = space.num_tilings();
  int best_thread = -1;
  bool all_exhausted = true;
  for (int t = 0; t < threads; ++t) {
    const auto& o = outcomes[t];
    report.considered += o.considered;
    report.evaluated += o.evaluated;
    report.valid += o.valid;
    report.pruned_tilings += o.pruned_tilings;
    for (const auto& [reason, n] : o.rejected) report.rejected[reason] += n;
    all_exhausted = all_exhausted && o.exhausted;
    if (o.found && (best_thread < 0 || better(o.best_cost, outcomes[best_thread].best_cost, settings.objectives))) {
      best_thread = t;
    }
  }
  report.seconds = elapsed();
  report.improvements = shared.improvements;
  report.lower_bound = bound;
  report.meets_bound = best_thread >= 0 && outcomes[best_thread].meets_bound;
  report.optimal = (enumerating && all_exhausted && !(stop && stop->load())) || report.meets_bound;
  if (best_thread >= 0) {
    result.found = true;
    result.best = space.build(outcomes[best_thread].best_point);
    result.stats = evaluate(arch, workload, result.best);
    result.cost = outcomes[best_thread].best_cost;
    double best = result.cost.metric(settings.objectives.front());
    report.gap = report.optimal || best <= 0 ? 0 : std::max(0.0, (best - report.lower_bound) / best);
  }
  std::vector<std::pair<MappingCost, MapspacePoint>> elite;
  for (const auto& o : outcomes) {
    for (const auto& [cost, point] : o.elite) offer_elite(elite, settings.elite_size, cost, point, settings.objectives);
  }
  for (const auto& entry : elite) result.elite.push_back(space.build(entry.second));
  return result;
}

}  // namespace qloop
