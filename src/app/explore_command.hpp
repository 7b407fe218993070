#pragma once
// `qloop explore`: NSGA-II over per-layer bitwidths, each candidate network mapped layer by
// layer; the Pareto front of the chosen objectives.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "app/output.hpp"
#include "app/run_control.hpp"
#include "app/search_overrides.hpp"
#include "network/explore.hpp"

namespace qloop::app {

struct ExploreRequest {
  std::string network;
  std::map<std::string, std::int64_t> set;  // values of the network's variables
  std::vector<std::string> arch_sources;
  std::vector<std::string> layers;  // only these (empty: all)
  std::string densities;            // every layer's tensor densities (empty: dense)
  SearchOverrides overrides;        // threads (layer jobs at once) and time limit per layer job
  // Unset: the ExploreSettings defaults (2..8 bits, energy and accuracy, 10 + 10 for 25 generations).
  std::optional<std::vector<int>> bit_choices;
  std::optional<std::vector<std::string>> objectives;  // energy, cycles, edp, memory, accuracy
  std::optional<int> population, offspring, generations;
  // NSGA-II's seed, and every layer search's (over the mapper settings'); unset: NSGA-II 1,
  // layer searches as their settings say.
  std::optional<std::uint64_t> seed;
  bool exact_mapping = false;
  std::optional<std::string> sensitivity_csv;           // layer,Weights,Inputs
  std::map<std::string, LayerSensitivity> sensitivity;  // or given as values
  AccuracyEvaluator accuracy;                           // instead of the built-in noise-power proxy
  LayerSearchRunner remote;                             // layer searches elsewhere (qloop.dask)
};

// "2,4,8" items or ranges "2..8" (the docs write the default so), as the command line gives them.
// report.html of an exploration from its explore.json text (the Python API's result, which may
// carry the measured baseline_accuracy). InputError when the text is no explore.json.
std::string explore_report_html(const std::string& explore_json_text);

// The built-in accuracy proxy (quantization noise relative to signal, dB; docs/networks.md) of
// per-layer bitwidths: (layer, Weights bits, Inputs bits), sensitivity 1 where not given.
double accuracy_proxy_db(const std::vector<std::tuple<std::string, int, int>>& layers,
                         const std::map<std::string, LayerSensitivity>& sensitivity);

std::vector<int> bit_choices_named(const std::vector<std::string>& items, const std::string& where);

// Checked settings; throws InputError naming the option (--bits-set, --objectives, --population).
ExploreSettings explore_settings(const ExploreRequest& request);

struct ExploreRun {
  Network net;
  ExploreSettings settings;
  ExploreResult result;
};

ExploreRun run_explore(const ExploreRequest& request, const RunControl& control);
// explore.json
nlohmann::ordered_json explore_json(const ExploreRun& run);
// pareto.csv, explore.json, report.html; incomplete when the front is empty.
Output explore_output(const ExploreRun& run);

}  // namespace qloop::app
