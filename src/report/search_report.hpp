#pragma once
// The mapper's own outputs: the `search` section of qloop.stats.json, its text summary, and
// qloop.search.csv (one row per improvement of the best mapping).

#include <nlohmann/json.hpp>
#include <string>

#include "search/mapper.hpp"

namespace qloop::report {

// `arch` and `workload` name the rejections.
nlohmann::ordered_json search_json(const SearchReport& report, const Architecture& arch, const Workload& workload);
std::string search_text(const SearchReport& report, const Architecture& arch, const Workload& workload);
std::string search_csv(const SearchReport& report);
// One line for a terminal: rate, valid count, best so far.
std::string progress_line(const MapperProgress& progress, Metric primary);
// Why nothing valid was found: the rejection reasons, most frequent first.
std::string no_mapping_reason(const SearchReport& report, const Architecture& arch, const Workload& workload);

}  // namespace qloop::report
