#pragma once
// Layer jobs as values that cross process boundaries: what qloop.dask ships to workers and
// back. A sweep's distinct jobs, one job mapped as a task runs it, a sweep assembled from
// such results, one layer search for a remote explore, and the runner that asks for those.
// Every shape here is JSON; mappings travel as the YAML `qloop model` reads.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/network_commands.hpp"

namespace qloop::app {

struct LayerJob {
  LayerJobKey key;
  std::size_t layer = 0;  // index in the (selected) network
  LayerBitwidths bits;
};

// [W, I, O] (or [W, I, O, weights per scale, scale bits]) as JSON carries them; InputError
// otherwise.
LayerBitwidths layer_bitwidths(const std::vector<int>& bits);

// The distinct layer jobs of the sweep `request` describes, in configuration and layer order.
std::vector<LayerJob> sweep_layer_jobs(const NetworkRequest& request);
// [{key (text, for dictionaries), layer, bits: [W, I, O]}]
nlohmann::ordered_json layer_jobs_json(const std::vector<LayerJob>& jobs);

// One layer job mapped here, as a task runs it (one thread, the settings and overrides):
// {found, reason, optimal[, mapping]}.
nlohmann::ordered_json map_layer_job(const NetworkRequest& request, std::size_t layer, const LayerBitwidths& bits);

// The sweep of `request` from results of its layer jobs mapped elsewhere (`results`: job key
// text -> map_layer_job's answer). Each mapping is parsed and evaluated here, so the numbers are
// exactly those of a local sweep with the same settings.
NetworkRun sweep_from_jobs(const NetworkRequest& request, const nlohmann::json& results);

// One layer search, as a remote worker runs it: {mappings: [YAML, ...]}.
nlohmann::ordered_json search_layer(const NetworkRequest& request, const LayerSearchRequest& search);

// A runner for explore that hands layer searches to `ask`: it gets the requests as JSON text,
// [{layer, bits: [W, I, O], elite_size}], and answers, per request, a JSON list of mapping
// YAML texts (search_layer's `mappings`).
LayerSearchRunner remote_runner(std::function<std::string(const std::string&)> ask, const NetworkRequest& request);

}  // namespace qloop::app
