#pragma once
// `qloop mapper`: the best mapping of one workload on one architecture, searched within the
// constraints and mapper settings of the inputs (which the overrides may change).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/output.hpp"
#include "app/run_control.hpp"
#include "app/search_overrides.hpp"
#include "input/load_inputs.hpp"
#include "search/mapper.hpp"

namespace qloop::app {

struct MapperRequest {
  std::vector<std::string> sources;  // architecture, problem, constraints, mapper settings, ERT, ART
  SearchOverrides overrides;
};

struct MapperRun {
  input::MapperInputs inputs;  // settings with the overrides applied
  MapperResult result;
};

MapperRun run_mapper(const MapperRequest& request, const RunControl& control);
// qloop.stats.json: the best mapping's stats with a `search` section, or
// {valid: false, reason, search} when nothing valid was found.
nlohmann::ordered_json mapper_stats_json(const MapperRun& run);
// The Python API's result: {found, mapping (YAML text), stats (qloop.stats.json), search}, or
// {found: false, reason, stats, search}.
nlohmann::ordered_json mapper_result_json(const MapperRun& run);
// qloop.search.csv, qloop.stats.json, and with a mapping qloop.map.yaml, qloop.map.txt,
// qloop.stats.txt.
Output mapper_output(const MapperRun& run);

}  // namespace qloop::app
