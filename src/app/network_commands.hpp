#pragma once
// `qloop network`: every layer of a network mapped at one bitwidth plan, results added up.
// `qloop sweep`: the same once per bitwidth configuration, every configuration's layer jobs
// searched at once.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/output.hpp"
#include "app/run_control.hpp"
#include "app/search_overrides.hpp"
#include "network/map_network.hpp"

namespace qloop::app {

struct NetworkRequest {
  std::string network;                      // a network file (workloads/*.yaml) or an inline source
  std::map<std::string, std::int64_t> set;  // values of the network's variables (--set seq=1,context=2048)
  std::vector<std::string> arch_sources;    // architecture, constraints, mapper settings, ERT, ART
  std::vector<std::string> layers;          // only these layers, in this order (empty: all)
  SearchOverrides overrides;
  // network: at most one plan ("W4A8,first=W8A8", a YAML/CSV plan file or an inline one;
  // none: every tensor at its memory word's width). sweep: one or more configurations, each
  // "W16A16,W8A16,first=W8A8" (several shorthands sharing the first/last overrides).
  std::vector<std::string> bits;
  std::string densities;  // every layer's tensor densities, "Weights=0.3,Inputs=0.5" (empty: dense)
};

// The network file's layers (its variables as `set` says), only those named (in that order)
// when `layers` is not empty. Throws InputError naming a layer the network does not have.
// `densities` ("Weights=0.3,Inputs=0.5"; empty: dense) apply to every layer.
Network load_network(const std::string& source, const std::map<std::string, std::int64_t>& set,
                     const std::vector<std::string>& layers, const std::string& densities = "");
// Architecture, mapper settings (with the overrides) and constraints for every layer.
NetworkSearchSetup load_network_setup(const std::vector<std::string>& arch_sources, const SearchOverrides& overrides,
                                      const RunControl& control);
// "seq=1,context=2048" as the values of a network's variables (the command line's --set).
std::map<std::string, std::int64_t> variable_values(const std::string& assignments);

// The configurations of a sweep, in order.
std::vector<BitwidthPlan> sweep_plans(const std::vector<std::string>& configurations);

struct NetworkRun {
  Network net;
  NetworkSearchSetup setup;
  std::vector<NetworkResult> runs;  // one per plan (network: one)
};

NetworkRun run_network(const NetworkRequest& request, const RunControl& control);
NetworkRun run_sweep(const NetworkRequest& request, const RunControl& control);

// network.json (of runs[0]); sweep.json (an array of them)
nlohmann::ordered_json network_json(const NetworkRun& run);
nlohmann::ordered_json sweep_json(const NetworkRun& run);
// network.json, network.csv, report.html
Output network_output(const NetworkRun& run);
// sweep.csv, sweep.json, report.html
Output sweep_output(const NetworkRun& run);

// "conv1: 3/8 layer jobs mapped, 12 s, about 20 s left"
std::string network_progress_line(const std::string& what, const NetworkProgress& progress);

}  // namespace qloop::app
