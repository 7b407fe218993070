#include "app/search_overrides.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "util/error.hpp"

namespace qloop::app {

void apply(const SearchOverrides& o, MapperSettings& s, const std::function<void(const std::string&)>& note) {
  if (o.threads) {
    if (*o.threads < 0)
      throw InputError("", "--threads", 0, fmt::format("{} threads: give 0 (every core) or more", *o.threads));
    s.threads = *o.threads;
  }
  if (s.threads > kMaxThreads) {
    if (note) note(fmt::format("{} threads asked for; capped at {}", s.threads, kMaxThreads));
    s.threads = kMaxThreads;
  }
  if (o.seed) s.seed = *o.seed;
  if (o.time_limit_seconds) {
    if (!(*o.time_limit_seconds >= 0) || !std::isfinite(*o.time_limit_seconds)) {
      throw InputError("", "--time-limit", 0,
                       fmt::format("{} seconds: give a number >= 0 (0: no limit)", *o.time_limit_seconds));
    }
    s.time_limit_seconds = *o.time_limit_seconds;
  }
  if (o.algorithm) s.algorithm = *o.algorithm;
  if (o.objectives) {
    if (o.objectives->empty()) throw InputError("", "metrics", 0, "give at least one metric");
    s.objectives = *o.objectives;
  }
}

SearchAlgorithm algorithm_named(const std::string& name, const std::string& where) {
  if (auto a = algorithm_from_name(name)) return *a;
  throw InputError("", where, 0, fmt::format("unknown algorithm '{}'; expected {}", name, kAlgorithmNames));
}

std::vector<Metric> metrics_named(const std::vector<std::string>& names, const std::string& where) {
  std::vector<Metric> out;
  for (const auto& name : names) {
    auto m = metric_from_name(name);
    if (!m) throw InputError("", where, 0, fmt::format("unknown metric '{}'; expected {}", name, kMetricNames));
    out.push_back(*m);
  }
  return out;
}

std::uint64_t seed_named(const std::string& text, const std::string& where) {
  std::uint64_t seed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw InputError("", where, 0, fmt::format("'{}' is no seed: give a whole number from 0 to 2^64 - 1", text));
  }
  return seed;
}

}  // namespace qloop::app
