#pragma once
// What a caller may change of the mapper settings its inputs give. Unset means "as the
// inputs say" (their `mapper:` section, else the defaults), so settings in the YAML apply
// unless the command line or the Python call overrides them.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "search/mapper_settings.hpp"

namespace qloop::app {

struct SearchOverrides {
  std::optional<int> threads;  // 0: every core
  std::optional<std::uint64_t> seed;
  std::optional<double> time_limit_seconds;  // 0: none
  std::optional<SearchAlgorithm> algorithm;
  std::optional<std::vector<Metric>> objectives;  // in priority order
};

// Throws InputError for impossible values (negative threads, a negative or non-finite time
// limit, no objective), naming the option as `--threads` etc. More threads than kMaxThreads
// (from the overrides or the inputs) are capped there, with a note to `note`.
void apply(const SearchOverrides& overrides, MapperSettings& settings,
           const std::function<void(const std::string&)>& note = {});

// Names as users write them; InputError (naming `where`) lists the accepted ones.
SearchAlgorithm algorithm_named(const std::string& name, const std::string& where);
std::vector<Metric> metrics_named(const std::vector<std::string>& names, const std::string& where);
// A seed as text: a whole number from 0 to 2^64 - 1 (command line and Python alike).
std::uint64_t seed_named(const std::string& text, const std::string& where);

}  // namespace qloop::app
