#include "search/mapper_settings.hpp"

namespace qloop {

const char* to_string(SearchAlgorithm algorithm) {
  switch (algorithm) {
    case SearchAlgorithm::kExhaustive: return "exhaustive";
    case SearchAlgorithm::kLinearPruned: return "linear-pruned";
    case SearchAlgorithm::kRandom: return "random";
    case SearchAlgorithm::kRandomPruned: return "random-pruned";
    case SearchAlgorithm::kHybrid: return "hybrid";
  }
  return "?";
}

const char* to_string(Metric metric) {
  switch (metric) {
    case Metric::kEnergy: return "energy";
    case Metric::kDelay: return "delay";
    case Metric::kEdp: return "edp";
    case Metric::kLastLevelAccesses: return "last-level-accesses";
  }
  return "?";
}

}  // namespace qloop
