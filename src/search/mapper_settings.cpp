#include "search/mapper_settings.hpp"

#include <algorithm>

namespace qloop {

const char* to_string(SearchAlgorithm algorithm) {
  switch (algorithm) {
    case SearchAlgorithm::kExhaustive:
      return "exhaustive";
    case SearchAlgorithm::kLinearPruned:
      return "linear-pruned";
    case SearchAlgorithm::kRandom:
      return "random";
    case SearchAlgorithm::kRandomPruned:
      return "random-pruned";
    case SearchAlgorithm::kHybrid:
      return "hybrid";
    case SearchAlgorithm::kOptimal:
      return "optimal";
  }
  return "?";
}

const char* to_string(Metric metric) {
  switch (metric) {
    case Metric::kEnergy:
      return "energy";
    case Metric::kDelay:
      return "delay";
    case Metric::kEdp:
      return "edp";
    case Metric::kLastLevelAccesses:
      return "last-level-accesses";
  }
  return "?";
}

MapperSettings effective_settings(const MapperSettings& asked) {
  auto run = asked;
  if (asked.algorithm == SearchAlgorithm::kOptimal && asked.elite_size > 0) {
    run.algorithm = SearchAlgorithm::kHybrid;
    return run;
  }
  bool sampler = asked.algorithm == SearchAlgorithm::kRandom || asked.algorithm == SearchAlgorithm::kRandomPruned;
  if (!sampler || asked.literal_algorithm) return run;
  run.algorithm = SearchAlgorithm::kHybrid;
  // victory 0 (never stop on it) stays 0: the search then ends on its other limits.
  if (run.victory_condition != 0)
    run.victory_condition = std::max(run.victory_condition, MapperSettings{}.victory_condition);
  return run;
}

namespace {

std::string hyphenated(std::string_view name) {
  std::string out(name);
  for (auto& c : out) c = c == '_' ? '-' : c;
  return out;
}

}  // namespace

const char* const kAlgorithmNames = "exhaustive, linear-pruned, random, random-pruned, hybrid or optimal";
const char* const kMetricNames = "energy, delay (or cycles), edp or last-level-accesses";

std::optional<SearchAlgorithm> algorithm_from_name(std::string_view name) {
  auto n = hyphenated(name);
  for (auto a : {SearchAlgorithm::kExhaustive, SearchAlgorithm::kLinearPruned, SearchAlgorithm::kRandom,
                 SearchAlgorithm::kRandomPruned, SearchAlgorithm::kHybrid, SearchAlgorithm::kOptimal}) {
    if (n == to_string(a)) return a;
  }
  return std::nullopt;
}

std::optional<Metric> metric_from_name(std::string_view name) {
  auto n = hyphenated(name);
  if (n == "cycles") return Metric::kDelay;
  for (auto m : {Metric::kEnergy, Metric::kDelay, Metric::kEdp, Metric::kLastLevelAccesses}) {
    if (n == to_string(m)) return m;
  }
  return std::nullopt;
}

}  // namespace qloop
