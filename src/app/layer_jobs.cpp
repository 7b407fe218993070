#include "app/layer_jobs.hpp"

#include <memory>
#include <set>

#include "input/load_inputs.hpp"
#include "input/parse_mapping.hpp"
#include "input/yaml_document.hpp"
#include "model/evaluate.hpp"
#include "report/mapping_yaml.hpp"
#include "util/error.hpp"

namespace qloop::app {

namespace {

// [Weights, Inputs, Outputs] bits, then the weights per scale and its bits when grouped.
nlohmann::ordered_json bits_json(const LayerBitwidths& b) {
  if (b.weight_scales.group == 0) return {b.weights, b.inputs, b.outputs};
  return {b.weights, b.inputs, b.outputs, b.weight_scales.group, b.weight_scales.bits};
}

Mapping mapping_of(const std::string& yaml, const std::string& name, const Workload& workload,
                   const Architecture& arch) {
  auto doc = input::load_yaml_files({input::inline_source(name, yaml)});
  const auto* section = doc.find("mapping");
  if (!section) throw InputError(name, "mapping", 0, "expected a mapping");
  return input::parse_mapping(input::NodeReader(section->node, section->file, "mapping"), workload, arch);
}

}  // namespace

LayerBitwidths layer_bitwidths(const std::vector<int>& bits) {
  if (bits.size() == 3) return {bits[0], bits[1], bits[2]};
  if (bits.size() == 5 && bits[3] > 0 && bits[4] > 0) return {bits[0], bits[1], bits[2], GroupScales{bits[3], bits[4]}};
  throw InputError("", "bits", 0, "expected [Weights, Inputs, Outputs] bits (and weights per scale, scale bits)");
}

std::vector<LayerJob> sweep_layer_jobs(const NetworkRequest& request) {
  auto net = load_network(request.network, request.set, request.layers, request.densities);
  std::vector<LayerJob> jobs;
  std::set<LayerJobKey> seen;
  for (const auto& plan : sweep_plans(request.bits)) {
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      auto bits = plan.for_layer(net, i);
      auto key = job_key(net.layers[i], bits);
      if (seen.insert(key).second) jobs.push_back({key, i, bits});
    }
  }
  return jobs;
}

nlohmann::ordered_json layer_jobs_json(const std::vector<LayerJob>& jobs) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& job : jobs)
    out.push_back({{"key", to_string(job.key)}, {"layer", job.layer}, {"bits", bits_json(job.bits)}});
  return out;
}

nlohmann::ordered_json map_layer_job(const NetworkRequest& request, std::size_t layer, const LayerBitwidths& bits) {
  auto net = load_network(request.network, request.set, request.layers, request.densities);
  if (layer >= net.layers.size()) throw InputError("", "layer", 0, "no layer job for layer " + std::to_string(layer));
  auto setup = load_network_setup(request.arch_sources, request.overrides, {});
  Network one{net.name, net.source, {net.layers[layer]}, 0};
  BitwidthPlan plan;
  plan.per_layer[one.layers[0].name] = {bits.weights, bits.inputs, bits.outputs, {}, {}, bits.weight_scales};
  LayerMappingCache cache;
  map_layer_jobs(one, {plan}, setup, cache, nullptr, {});
  auto mapped = cache.find(job_key(one.layers[0], bits));
  nlohmann::ordered_json out = {{"found", mapped->found},
                                {"optimal", mapped->report.optimal},
                                {"gap", mapped->report.gap},
                                {"interrupted", mapped->report.stopped_by == StopReason::kInterrupted}};
  // Why nothing was found, as values (the sweep assembled from these names it).
  auto rejected = nlohmann::ordered_json::array();
  for (const auto& [r, n] : mapped->report.rejected) {
    rejected.push_back({{"kind", to_string(r.kind)}, {"level", r.level}, {"tensor", r.tensor}, {"count", n}});
  }
  out["rejected"] = rejected;
  if (mapped->found) {
    out["mapping"] = report::mapping_yaml(setup.architecture, layer_workload(one.layers[0], bits), mapped->mapping);
  }
  return out;
}

NetworkRun sweep_from_jobs(const NetworkRequest& request, const nlohmann::json& results) {
  NetworkRun run{load_network(request.network, request.set, request.layers, request.densities), {}, {}};
  run.setup = load_network_setup(request.arch_sources, {}, {});
  LayerMappingCache cache;
  for (const auto& job : sweep_layer_jobs(request)) {
    auto key_text = to_string(job.key);
    if (!results.contains(key_text)) throw InputError("", "results", 0, "no result for layer job " + key_text);
    const auto& r = results.at(key_text);
    auto mapped = std::make_shared<LayerMapping>();
    mapped->found = r.at("found").get<bool>();
    mapped->report.optimal = r.at("optimal").get<bool>();
    mapped->report.gap = r.value("gap", 0.0);
    if (r.value("interrupted", false)) mapped->report.stopped_by = StopReason::kInterrupted;
    for (const auto& entry : r.at("rejected")) {
      auto kind = rejection_kind_from_name(entry.at("kind").get<std::string>().c_str());
      if (!kind) throw InputError("", "results", 0, "unknown rejection kind in the result of layer job " + key_text);
      Rejection rejection{*kind, entry.at("level").get<int>(), entry.at("tensor").get<int>()};
      mapped->report.rejected[rejection] += entry.at("count").get<std::uint64_t>();
    }
    if (mapped->found) {
      auto workload = layer_workload(run.net.layers[job.layer], job.bits);
      mapped->mapping =
          mapping_of(r.at("mapping").get<std::string>(), "mapping of " + key_text, workload, run.setup.architecture);
      mapped->stats = evaluate(run.setup.architecture, workload, mapped->mapping);
    }
    cache.insert(job.key, mapped);
  }
  for (const auto& plan : sweep_plans(request.bits))
    run.runs.push_back(map_network(run.net, plan, run.setup, cache, nullptr, {}));
  return run;
}

nlohmann::ordered_json search_layer(const NetworkRequest& request, const LayerSearchRequest& search) {
  auto net = load_network(request.network, request.set, request.layers, request.densities);
  if (search.layer >= net.layers.size())
    throw InputError("", "layer", 0, "no layer search for layer " + std::to_string(search.layer));
  auto setup = load_network_setup(request.arch_sources, request.overrides, {});
  auto workload = layer_workload(net.layers[search.layer], search.bits);
  auto mappings = nlohmann::ordered_json::array();
  for (const auto& m : run_layer_search(net, search, setup, nullptr)) {
    mappings.push_back(report::mapping_yaml(setup.architecture, workload, m));
  }
  return {{"mappings", mappings}};
}

LayerSearchRunner remote_runner(std::function<std::string(const std::string&)> ask, const NetworkRequest& request) {
  if (!ask) return {};
  auto net =
      std::make_shared<const Network>(load_network(request.network, request.set, request.layers, request.densities));
  auto arch = std::make_shared<const Architecture>(input::load_search_setup(request.arch_sources).architecture);
  return [ask = std::move(ask), net, arch](const std::vector<LayerSearchRequest>& requests) {
    auto asked = nlohmann::ordered_json::array();
    for (const auto& r : requests) {
      asked.push_back({{"layer", r.layer}, {"bits", bits_json(r.bits)}, {"elite_size", r.elite_size}});
    }
    auto answers = nlohmann::json::parse(ask(asked.dump()));
    std::vector<std::vector<Mapping>> out;
    for (std::size_t k = 0; k < requests.size(); ++k) {
      auto workload = layer_workload(net->layers.at(requests[k].layer), requests[k].bits);
      std::vector<Mapping> mappings;
      for (const auto& text : answers.at(k))
        mappings.push_back(mapping_of(text.get<std::string>(), "remote mapping", workload, *arch));
      out.push_back(std::move(mappings));
    }
    return out;
  };
}

}  // namespace qloop::app
