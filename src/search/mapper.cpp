#include "search/mapper.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "model/evaluate.hpp"
#include "search/equivalent_orders.hpp"
#include "search/mapspace.hpp"
#include "search/outer_tiling_bound.hpp"
#include "search/search_strategy.hpp"
#include "util/parallel_for.hpp"

namespace qloop {

double MappingCost::metric(Metric m) const {
  switch (m) {
    case Metric::kEnergy:
      return energy_pJ;
    case Metric::kDelay:
      return cycles;
    case Metric::kEdp:
      return edp;
    case Metric::kLastLevelAccesses:
      return last_level_accesses;
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

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kProvedOptimal:
      return "proved optimal";
    case StopReason::kExhausted:
      return "exhausted";
    case StopReason::kVictoryCondition:
      return "victory condition";
    case StopReason::kTimeLimit:
      return "time limit";
    case StopReason::kSearchSize:
      return "search size";
    case StopReason::kTimeout:
      return "timeout";
    case StopReason::kInterrupted:
      return "interrupted";
  }
  return "?";
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
  StopReason stopped_by = StopReason::kExhausted;
  std::uint64_t pruned_tilings = 0;
  std::vector<std::pair<MappingCost, MapspacePoint>> elite;  // best first, at most elite_size
  bool enumerating = false;  // its share of an enumeration: `exhausted` says it was covered
  bool seeding = false;      // the certified search's first phase (a hybrid search for a good best)
  std::optional<TilingTally> tally;
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
  std::atomic<bool> failed{false};  // a thread threw: the others stop
  // The first objective of the best so far, over every thread and phase (the certified search
  // prunes against it; the others against their thread's own best, to stay deterministic).
  std::atomic<double> incumbent{HUGE_VAL};
  SharedWork work;  // the certified search's threads claim its nodes from here
};

using Clock = std::chrono::steady_clock;

// What every thread of one search reads; only `shared` changes.
struct SearchContext {
  const Architecture& arch;
  const Workload& workload;
  const MapperSettings& settings;
  const Mapspace& space;
  const TilingBound& tiling_bound;
  const OuterTilingBound& outer_bound;
  const EquivalentOrders& equivalent_orders;
  const std::atomic<bool>* stop;
  Shared& shared;
  Clock::time_point start;
  int threads = 1;
  bool enumerating = false;
  bool branch_and_bound = false;  // skip tilings whose bound is above the thread's best
  double lower_bound = 0;         // of the first objective, admissible
  bool stop_at_bound = false;     // a thread stops once its best meets the lower bound
  bool share_incumbent = false;   // prune against every thread's best (the certified search)

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  // With one objective, a mapping that meets the admissible bound is optimal.
  bool meets_bound(const MappingCost& cost) const {
    return settings.objectives.size() == 1 && cost.metric(settings.objectives.front()) <= lower_bound * (1 + 1e-9);
  }
  bool stopped() const { return (stop && stop->load()) || shared.failed.load(); }
};

// One thread of the search: proposes points, prechecks and evaluates them, keeps its best.
// Everything it changes is its own (its outcome and scratch) but the shared counters.
class SearchThread {
 public:
  SearchThread(const SearchContext& c, int index, ThreadOutcome& out)
      : c_(c), out_(out), rejections_(c.arch.num_storage_levels(), c.workload.num_data_spaces()) {
    strategy_ = make_strategy(
        c.settings.algorithm, c.space, c.settings, index, c.threads, tiling_filter(), partial_tiling_filter(),
        [this] { return limit_reached(true).has_value(); }, &c.shared.work, choice_filter());
    point_ = c.space.empty_point();
  }

  void run() {
    out_.stopped_by = search();
    finish();
  }

 private:
  StopReason search() {
    while (true) {
      if (auto limit = limit_reached()) return *limit;
      if (!strategy_->next(point_)) {
        out_.exhausted = strategy_->exhausted_space();
        if (auto limit = limit_reached(true); limit && !out_.exhausted) return *limit;
        return StopReason::kExhausted;
      }
      ++out_.considered;
      if (auto refused = c_.space.precheck(point_, tile_words_)) {
        rejections_.add(*refused);
        if (!invalid()) return StopReason::kTimeout;
        continue;
      }
      evaluate_point();
      if (!result_.valid) {
        rejections_.add(*result_.rejection);
        if (!invalid()) return StopReason::kTimeout;
        continue;
      }
      if (auto done = valid()) return *done;
    }
  }

  // Against this thread's own best (so runs stay deterministic). A tiling goes only when its
  // bound is clearly above: a variant within rounding of the best could still win on the
  // next objective (see better()).
  TilingFilter tiling_filter() {
    if (!c_.branch_and_bound) return {};
    if (c_.share_incumbent) {
      return [this](const std::vector<std::uint32_t>& tiling) {
        return !c_.tiling_bound.exceeds(tiling, c_.shared.incumbent.load() * (1 + 1e-6), bound_scratch_);
      };
    }
    return [this, first = c_.settings.objectives.front()](const std::vector<std::uint32_t>& tiling) {
      return !out_.found || !c_.tiling_bound.exceeds(tiling, out_.best_cost.metric(first) * (1 + 1e-6), bound_scratch_);
    };
  }

  // The certified search's cut of partial tilings, against the best of every thread.
  PartialTilingFilter partial_tiling_filter() {
    if (!c_.branch_and_bound || !c_.share_incumbent) return {};
    return [this](const std::vector<std::uint32_t>& tiling, int lowest) {
      return !c_.outer_bound.exceeds(tiling, lowest, c_.shared.incumbent.load() * (1 + 1e-6));
    };
  }

  // The certified search evaluates one loop order of each class the model cannot tell apart,
  // and none whose bound with the choices made so far (the bypass, then the orders from the
  // outermost level in, each from its innermost loop out) is above the best of every thread.
  ChoiceFilter choice_filter() {
    bool merges = c_.equivalent_orders.merges_any();
    bool bounds = c_.branch_and_bound && c_.share_incumbent && c_.tiling_bound.informative() &&
                  c_.settings.objectives.front() != Metric::kDelay;  // the cycles bound is the tiling's
    if (!merges && !bounds) return {};
    int levels = c_.arch.num_storage_levels();
    return [this, merges, bounds, levels](const MapspacePoint& point, int level, int loops_known) {
      bool whole_order = level < levels && loops_known >= static_cast<int>(point.loop_orders[level].size());
      if (merges && whole_order && !c_.equivalent_orders.representative(point, level)) {
        return ChoiceVerdict::kEquivalent;
      }
      if (bounds && c_.tiling_bound.exceeds(point.tiling, c_.shared.incumbent.load() * (1 + 1e-6), bound_scratch_,
                                            {&point.keep, &point.loop_orders, level, loops_known})) {
        return ChoiceVerdict::kCannotWin;
      }
      return ChoiceVerdict::kNeeded;
    };
  }

  // `now`: look at the clock whatever the count (it is read every 64 points otherwise).
  std::optional<StopReason> limit_reached(bool now = false) const {
    const auto& s = c_.settings;
    if (c_.stopped()) return StopReason::kInterrupted;
    if (s.search_size && out_.evaluated >= s.search_size) return StopReason::kSearchSize;
    if (s.time_limit_seconds > 0 && (now || (out_.considered & 63) == 0) && c_.elapsed() > s.time_limit_seconds) {
      return StopReason::kTimeLimit;
    }
    return std::nullopt;
  }

  void evaluate_point() {
    // A tiling's variants come in a row: its factors are already in the mapping.
    if (built_tiling_ == point_.tiling) {
      c_.space.build_variant(point_, mapping_);
    } else {
      c_.space.build(point_, mapping_);
      built_tiling_ = point_.tiling;
    }
    evaluate_cost(c_.arch, c_.workload, mapping_, result_, workspace_);
    ++out_.evaluated;
    c_.shared.evaluated.fetch_add(1, std::memory_order_relaxed);
  }

  // After a refused point: false when Timeloop's timeout (invalid points in a row) ends the thread.
  bool invalid() {
    strategy_->report(false, false);
    return !(c_.settings.timeout && ++consecutive_invalid_ >= c_.settings.timeout);
  }

  // After a valid point: why the thread is done (its best meets the bound, or the victory
  // condition holds), or nothing.
  std::optional<StopReason> valid() {
    const auto& s = c_.settings;
    consecutive_invalid_ = 0;
    ++out_.valid;
    c_.shared.valid.fetch_add(1, std::memory_order_relaxed);
    auto cost = cost_of(result_);
    offer_elite(out_.elite, s.elite_size, cost, point_, s.objectives);
    bool improved = !out_.found || better(cost, out_.best_cost, s.objectives);
    strategy_->report(true, improved);
    if (!improved) {
      if (s.victory_condition && ++since_improvement_ >= s.victory_condition) return StopReason::kVictoryCondition;
      return std::nullopt;
    }
    out_.found = true;
    out_.best_cost = cost;
    out_.best_point = point_;
    out_.meets_bound = c_.meets_bound(cost);
    since_improvement_ = 0;
    {
      std::lock_guard<std::mutex> lock(c_.shared.mutex);
      if (!c_.shared.has_best || better(cost, c_.shared.best, s.objectives)) {
        c_.shared.has_best = true;
        c_.shared.best = cost;
        c_.shared.improvements.push_back({c_.elapsed(), c_.shared.evaluated.load(), cost});
        c_.shared.incumbent.store(cost.metric(s.objectives.front()));
      }
    }
    if (out_.meets_bound && c_.stop_at_bound) return StopReason::kProvedOptimal;
    return std::nullopt;
  }

  void finish() {
    out_.enumerating = c_.enumerating;
    if (const auto* tally = strategy_->tally()) out_.tally = *tally;
    out_.pruned_tilings = strategy_->pruned_tilings();
    for (const auto& [reason, n] : strategy_->ruled_out_points()) {
      out_.rejected[reason] += n;
      out_.considered += n;
    }
    rejections_.add_to(out_.rejected);
  }

  const SearchContext& c_;
  ThreadOutcome& out_;
  RejectionCounts rejections_;  // counted per candidate, gathered by reason at the end
  std::unique_ptr<SearchStrategy> strategy_;
  MapspacePoint point_;
  Mapping mapping_;
  std::vector<std::uint32_t> built_tiling_;  // the tiling whose factors `mapping_` holds
  EvaluationResult result_;
  EvaluationWorkspace workspace_;
  TileWordsCache tile_words_;
  TilingBound::Scratch bound_scratch_;
  std::uint64_t since_improvement_ = 0, consecutive_invalid_ = 0;
};

// Runs `body` on a thread of its own; an exception it throws is kept for the caller, and
// tells the other threads to stop.
void run_guarded(const std::function<void()>& body, Shared& shared, std::exception_ptr& error) {
  try {
    body();
  } catch (...) {
    error = std::current_exception();
    shared.failed.store(true);
  }
}

// Progress from the calling thread, every 200 ms, until every search thread is done.
void report_progress(const SearchContext& c, const std::atomic<int>& running,
                     const std::function<void(const MapperProgress&)>& progress) {
  auto last_report = Clock::now();
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!progress || Clock::now() - last_report <= std::chrono::milliseconds(200)) continue;
    last_report = Clock::now();
    MapperProgress p;
    p.evaluated = c.shared.evaluated.load();
    p.valid = c.shared.valid.load();
    p.seconds = c.elapsed();
    std::lock_guard<std::mutex> lock(c.shared.mutex);
    p.has_best = c.shared.has_best;
    p.best = c.shared.best;
    progress(p);
  }
}

// Why the search as a whole ended: an interruption or a proof first, else what most threads said.
StopReason stop_reason(const SearchContext& c, const std::vector<ThreadOutcome>& outcomes, const SearchReport& report) {
  if (c.stop && c.stop->load()) return StopReason::kInterrupted;
  if (report.meets_bound) return StopReason::kProvedOptimal;
  if (report.optimal) return StopReason::kExhausted;
  // Not proved: a thread that finished its share did not end the search.
  std::map<StopReason, int> votes;
  bool proof_ran = std::any_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return !o.seeding; });
  for (const auto& o : outcomes) {
    if (!(o.seeding && proof_ran) && o.stopped_by != StopReason::kExhausted) ++votes[o.stopped_by];
  }
  auto most =
      std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return most == votes.end() ? StopReason::kExhausted : most->first;
}

// The threads' outcomes as one result: counts added up, the best of the bests, the elite.
MapperResult gather(const SearchContext& c, const std::vector<ThreadOutcome>& outcomes) {
  const auto& settings = c.settings;
  MapperResult result;
  auto& report = result.report;
  report.algorithm = to_string(settings.algorithm);
  report.objectives = settings.objectives;
  report.threads = c.threads;
  report.mapspace_tilings = c.space.num_tilings();
  int best_thread = -1;
  bool all_exhausted = true;
  for (int t = 0; t < static_cast<int>(outcomes.size()); ++t) {
    const auto& o = outcomes[t];
    report.considered += o.considered;
    report.evaluated += o.evaluated;
    report.valid += o.valid;
    report.pruned_tilings += o.pruned_tilings;
    for (const auto& [reason, n] : o.rejected) report.rejected[reason] += n;
    if (o.enumerating) all_exhausted = all_exhausted && o.exhausted;
    if (o.tally) {
      report.no_fit_tilings += o.tally->no_fit;
      report.bounded_out_tilings += o.tally->bounded_out;
      report.visited_tilings += o.tally->visited;
      report.equivalent_variants += o.tally->equivalent_variants;
      report.bounded_variants += o.tally->bounded_variants;
    }
    if (o.found && (best_thread < 0 || better(o.best_cost, outcomes[best_thread].best_cost, settings.objectives))) {
      best_thread = t;
    }
  }
  report.seconds = c.elapsed();
  report.improvements = c.shared.improvements;
  report.lower_bound = c.lower_bound;
  report.meets_bound = best_thread >= 0 && outcomes[best_thread].meets_bound;
  report.optimal = (c.enumerating && all_exhausted && !(c.stop && c.stop->load())) || report.meets_bound;
  report.stopped_by = stop_reason(c, outcomes, report);
  if (best_thread >= 0) {
    result.found = true;
    result.best = c.space.build(outcomes[best_thread].best_point);
    result.stats = evaluate(c.arch, c.workload, result.best);
    result.cost = outcomes[best_thread].best_cost;
    double best = result.cost.metric(settings.objectives.front());
    report.gap = report.optimal || best <= 0 ? 0 : std::max(0.0, (best - report.lower_bound) / best);
  }
  std::vector<std::pair<MappingCost, MapspacePoint>> elite;
  for (const auto& o : outcomes) {
    for (const auto& [cost, point] : o.elite) offer_elite(elite, settings.elite_size, cost, point, settings.objectives);
  }
  for (const auto& entry : elite) result.elite.push_back(c.space.build(entry.second));
  return result;
}

// Runs the context's threads to their end and returns what each found.
std::vector<ThreadOutcome> run_threads(const SearchContext& c,
                                       const std::function<void(const MapperProgress&)>& progress) {
  std::vector<ThreadOutcome> outcomes(c.threads);
  std::vector<std::exception_ptr> errors(c.threads);
  std::atomic<int> running{c.threads};
  auto worker = [&](int t) {
    run_guarded(
        [&] {
          if (c.space.num_tilings() == 0) {
            outcomes[t].exhausted = true;
            outcomes[t].enumerating = c.enumerating;
            return;
          }
          SearchThread(c, t, outcomes[t]).run();
        },
        c.shared, errors[t]);
    --running;
  };
  std::vector<std::thread> pool;
  try {
    for (int t = 0; t < c.threads; ++t) pool.emplace_back(worker, t);
  } catch (const std::system_error&) {  // the system refused a thread: stop those started
    c.shared.failed.store(true);
    for (auto& th : pool) th.join();
    throw;
  }
  report_progress(c, running, progress);  // from the calling thread, which may print
  for (auto& th : pool) th.join();
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return outcomes;
}

// The certified search's first phase: qloop's hybrid search for a good best to prune against,
// ending on its victory condition (qloop's default when the settings have none) within a fifth
// of the time limit. The whole limit would make it the hybrid search itself, so that the result
// could never be worse than hybrid's, but the proof then loses the time: MobileNetV1 pw1 on the
// Eyeriss-like design (one thread, 30 s) is proved in 29.7 s with a fifth, not at all without.
MapperSettings seeding_settings(const MapperSettings& settings) {
  auto seeding = settings;
  seeding.algorithm = SearchAlgorithm::kHybrid;
  if (seeding.time_limit_seconds > 0) seeding.time_limit_seconds /= 5;
  if (seeding.victory_condition == 0) seeding.victory_condition = MapperSettings{}.victory_condition;
  return seeding;
}

}  // namespace

MapperResult run_mapper(const Architecture& arch, const Workload& workload, const Constraints& constraints,
                        const MapperSettings& asked, const std::atomic<bool>* stop,
                        const std::function<void(const MapperProgress&)>& progress) {
  auto start = Clock::now();
  auto settings = effective_settings(asked);
  Mapspace space(arch, workload, constraints);
  // Branch and bound over tilings in the enumerations and the hybrid search, on the first
  // objective. Not with an elite list, which wants mappings that do not win too.
  TilingBound tiling_bound(arch, workload, space, settings.objectives.front());
  OuterTilingBound outer_bound(arch, workload, space, settings.objectives.front());
  EquivalentOrders equivalent_orders(arch, workload, constraints, space);
  Shared shared;
  bool certified = settings.algorithm == SearchAlgorithm::kOptimal;
  auto context = [&](const MapperSettings& phase) {
    SearchContext c{arch, workload, phase, space, tiling_bound, outer_bound, equivalent_orders, stop, shared, start};
    c.threads = resolve_threads(phase.threads);
    c.enumerating = phase.algorithm == SearchAlgorithm::kExhaustive ||
                    phase.algorithm == SearchAlgorithm::kLinearPruned || phase.algorithm == SearchAlgorithm::kOptimal;
    if (c.enumerating) {
      c.threads = static_cast<int>(std::min<std::uint64_t>(c.threads, std::max<std::uint64_t>(1, space.num_tilings())));
    }
    c.branch_and_bound = phase.bound_pruning && phase.algorithm != SearchAlgorithm::kRandom &&
                         phase.algorithm != SearchAlgorithm::kRandomPruned && phase.elite_size == 0 &&
                         tiling_bound.informative();
    c.lower_bound = lower_bound(arch, workload, phase.objectives.front(), &space);
    // Every search stops a thread at the bound (the others go on, so results stay deterministic).
    c.stop_at_bound = phase.elite_size == 0;
    c.share_incumbent = phase.algorithm == SearchAlgorithm::kOptimal;
    return c;
  };

  std::vector<ThreadOutcome> outcomes;
  auto seeding = seeding_settings(settings);
  // The proof runs to its end, within the time limit: counts of evaluations say nothing of it.
  auto proving = settings;
  if (certified) proving.victory_condition = proving.timeout = proving.search_size = 0;
  if (certified) {
    outcomes = run_threads(context(seeding), progress);
    for (auto& o : outcomes) o.seeding = true;
    // A proof already (the best meets the bound), or stopped: nothing to enumerate.
    bool proved = std::any_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.meets_bound; });
    if (!proved && !(stop && stop->load())) {
      auto last = run_threads(context(proving), progress);
      outcomes.insert(outcomes.end(), last.begin(), last.end());
    }
  } else {
    outcomes = run_threads(context(settings), progress);
  }
  auto c = context(settings);
  auto result = gather(c, outcomes);
  if (settings.algorithm != asked.algorithm) result.report.asked_algorithm = to_string(asked.algorithm);
  return result;
}

}  // namespace qloop
