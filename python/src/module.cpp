// The `qloop._qloop` extension: the library's commands on lists of input sources (paths or
// inline YAML made from Python dicts by qloop/__init__.py), returning JSON text with the same
// schema as the CLI's files. Like the CLI it is a thin layer: it parses options, calls the
// library, and releases the GIL while the library works.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "import/onnx_import.hpp"
#include "model/evaluate.hpp"
#include "network/explore.hpp"
#include "network/map_network.hpp"
#include "report/energy_tables_yaml.hpp"
#include "report/json_report.hpp"
#include "report/mapping_yaml.hpp"
#include "report/network_report.hpp"
#include "report/network_yaml.hpp"
#include "report/search_report.hpp"
#include "search/mapper.hpp"
#include "spec/load_spec.hpp"
#include "spec/parse_bitwidth_plan.hpp"
#include "spec/parse_mapping.hpp"
#include "spec/parse_network.hpp"
#include "spec/yaml_document.hpp"
#include "util/error.hpp"

namespace py = pybind11;
using nlohmann::ordered_json;
using Sources = std::vector<std::string>;

namespace {

// Options shared by the search commands; negative = keep the inputs' mapper settings.
struct SearchOptions {
  int threads = -1;
  long long seed = -1;
  double time_limit = -1;
  std::string algorithm;
  std::vector<std::string> metrics;
};

qloop::Metric metric_of(const std::string& name) {
  if (name == "energy") return qloop::Metric::kEnergy;
  if (name == "delay" || name == "cycles") return qloop::Metric::kDelay;
  if (name == "edp") return qloop::Metric::kEdp;
  if (name == "last-level-accesses" || name == "last_level_accesses") return qloop::Metric::kLastLevelAccesses;
  throw qloop::InputError("", "metrics", 0,
                          "unknown metric '" + name + "'; expected energy, delay, edp or last-level-accesses");
}

qloop::SearchAlgorithm algorithm_of(const std::string& name) {
  if (name == "exhaustive") return qloop::SearchAlgorithm::kExhaustive;
  if (name == "linear-pruned" || name == "linear_pruned") return qloop::SearchAlgorithm::kLinearPruned;
  if (name == "random") return qloop::SearchAlgorithm::kRandom;
  if (name == "random-pruned" || name == "random_pruned") return qloop::SearchAlgorithm::kRandomPruned;
  if (name == "hybrid") return qloop::SearchAlgorithm::kHybrid;
  throw qloop::InputError("", "algorithm", 0,
                          "unknown algorithm '" + name + "'; expected exhaustive, linear-pruned, random, random-pruned or hybrid");
}

void apply(const SearchOptions& o, qloop::MapperSettings& s) {
  if (o.threads >= 0) s.threads = o.threads;
  if (o.seed >= 0) s.seed = static_cast<std::uint64_t>(o.seed);
  if (o.time_limit >= 0) s.time_limit_seconds = o.time_limit;
  if (!o.algorithm.empty()) s.algorithm = algorithm_of(o.algorithm);
  if (!o.metrics.empty()) {
    s.objectives.clear();
    for (const auto& m : o.metrics) s.objectives.push_back(metric_of(m));
  }
}

SearchOptions options_of(int threads, long long seed, double time_limit, const std::string& algorithm,
                         const std::vector<std::string>& metrics) {
  return {threads, seed, time_limit, algorithm, metrics};
}

qloop::Network network_of(const std::string& source, const std::vector<std::string>& layers) {
  auto net = qloop::spec::load_network_file(source);
  if (layers.empty()) return net;
  std::vector<qloop::LayerSpec> kept;
  for (const auto& name : layers) {
    bool found = false;
    for (const auto& l : net.layers) {
      if (l.name == name) kept.push_back(l), found = true;
    }
    if (!found) throw qloop::InputError("", "layers", 0, "no layer named '" + name + "' in " + net.name);
  }
  net.layers = kept;
  return net;
}

qloop::NetworkSearchSetup setup_of(const Sources& arch, const SearchOptions& o) {
  auto spec = qloop::spec::load_search_setup(arch);
  qloop::NetworkSearchSetup setup{spec.architecture, spec.settings, spec.constraints_for, {}};
  apply(o, setup.settings);
  return setup;
}

std::string evaluate_json(const Sources& sources) {
  auto spec = qloop::spec::load_model_inputs(sources);
  auto result = qloop::evaluate(spec.architecture, spec.workload, spec.mapping);
  return qloop::report::to_json(result).dump();
}

std::string search_json(const Sources& sources, const SearchOptions& o) {
  auto spec = qloop::spec::load_mapper_inputs(sources);
  apply(o, spec.settings);
  auto found = qloop::run_mapper(spec.architecture, spec.workload, spec.constraints, spec.settings, nullptr, {});
  ordered_json out;
  out["found"] = found.found;
  if (found.found) {
    out["mapping"] = qloop::report::mapping_yaml(spec.architecture, spec.workload, found.best);
    out["stats"] = qloop::report::to_json(found.stats);
  } else {
    out["reason"] = qloop::report::no_mapping_reason(found.report);
  }
  out["search"] = qloop::report::search_json(found.report);
  return out.dump();
}

std::string energy_json(const Sources& sources) {
  auto spec = qloop::spec::load_architecture_inputs(sources);
  const auto& arch = spec.architecture;
  ordered_json components = ordered_json::array();
  for (int level = arch.num_storage_levels() - 1; level >= 0; --level) {
    const auto& s = arch.storage[level];
    components.push_back({{"name", s.name},       {"class", s.component_class}, {"read_pJ", s.energy.read_pJ},
                          {"write_pJ", s.energy.fill_pJ}, {"update_pJ", s.energy.update_pJ}, {"area_um2", s.area_um2},
                          {"model", s.estimate_model}});
  }
  const auto& a = arch.arithmetic;
  components.push_back({{"name", a.name}, {"class", a.component_class}, {"energy_per_compute_pJ", a.energy_per_compute_pJ},
                        {"area_um2", a.area_um2}, {"model", a.estimate_model}});
  return ordered_json{{"components", components},
                      {"ert_yaml", qloop::report::ert_yaml(arch)},
                      {"art_yaml", qloop::report::art_yaml(arch)}}
      .dump();
}

std::string network_json(const std::string& network, const Sources& arch, const std::string& bits,
                         const std::vector<std::string>& layers, const SearchOptions& o) {
  auto net = network_of(network, layers);
  auto plan = bits.empty() ? qloop::BitwidthPlan{} : qloop::spec::load_bitwidth_plan(bits, net);
  auto setup = setup_of(arch, o);
  qloop::LayerMappingCache cache;
  auto result = qloop::map_network(net, plan, setup, cache, nullptr, {});
  return qloop::report::network_json(result, setup.architecture).dump();
}

// --- Sweeps, locally or from layer jobs mapped elsewhere (qloop.dask) -------------------------

std::vector<qloop::BitwidthPlan> plans_of(const std::vector<std::string>& configs) {
  std::vector<qloop::BitwidthPlan> plans;
  for (const auto& c : configs) {
    auto more = qloop::parse_bitwidth_sweep(c, "bits");
    plans.insert(plans.end(), more.begin(), more.end());
  }
  return plans;
}

std::string sweep_runs_json(const qloop::Network& net, const std::vector<qloop::BitwidthPlan>& plans,
                            const qloop::NetworkSearchSetup& setup, qloop::LayerMappingCache& cache) {
  qloop::map_layer_jobs(net, plans, setup, cache, nullptr, {});  // all configurations' jobs at once
  ordered_json runs = ordered_json::array();
  for (const auto& plan : plans) {
    runs.push_back(qloop::report::network_json(qloop::map_network(net, plan, setup, cache, nullptr, {}), setup.architecture));
  }
  return runs.dump();
}

std::string sweep_json(const std::string& network, const Sources& arch, const std::vector<std::string>& configs,
                       const std::vector<std::string>& layers, const SearchOptions& o) {
  auto net = network_of(network, layers);
  auto setup = setup_of(arch, o);
  qloop::LayerMappingCache cache;
  return sweep_runs_json(net, plans_of(configs), setup, cache);
}

// The distinct layer jobs of a sweep: [{key, layer, bits: [W, I, O]}].
std::string sweep_jobs_json(const std::string& network, const std::vector<std::string>& configs,
                            const std::vector<std::string>& layers) {
  auto net = network_of(network, layers);
  ordered_json jobs = ordered_json::array();
  std::set<std::string> seen;
  for (const auto& plan : plans_of(configs)) {
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      auto bits = plan.for_layer(net, i);
      auto key = qloop::layer_job_key(net.layers[i], bits);
      if (!seen.insert(key).second) continue;
      jobs.push_back({{"key", key}, {"layer", i}, {"bits", {bits.weights, bits.inputs, bits.outputs}}});
    }
  }
  return jobs.dump();
}

// One layer job, as a task would run it: {found, reason, mapping}.
std::string map_layer_job_json(const std::string& network, const Sources& arch, const std::vector<std::string>& layers,
                               std::size_t layer, std::vector<int> bits, const SearchOptions& o) {
  auto net = network_of(network, layers);
  if (layer >= net.layers.size() || bits.size() != 3) throw qloop::InputError("", "layer", 0, "no such layer job");
  auto setup = setup_of(arch, o);
  qloop::Network one;
  one.name = net.name;
  one.layers = {net.layers[layer]};
  qloop::BitwidthPlan plan;
  plan.per_layer[net.layers[layer].name] = {bits[0], bits[1], bits[2]};
  qloop::LayerMappingCache cache;
  auto result = qloop::map_network(one, plan, setup, cache, nullptr, {});
  const auto& mapping = *result.layers[0].mapping;
  ordered_json out = {{"found", mapping.found}, {"reason", mapping.reason}, {"optimal", mapping.report.optimal}};
  if (mapping.found) {
    out["mapping"] = qloop::report::mapping_yaml(setup.architecture, qloop::layer_workload(one.layers[0], result.layers[0].bits),
                                                 mapping.mapping);
  }
  return out.dump();
}

// A sweep assembled from layer jobs mapped elsewhere: each mapping is parsed and evaluated
// here, so the numbers are exactly the local run's.
std::string sweep_from_jobs_json(const std::string& network, const Sources& arch, const std::vector<std::string>& configs,
                                 const std::vector<std::string>& layers, const std::string& results_json) {
  auto net = network_of(network, layers);
  auto setup = setup_of(arch, {});
  auto results = nlohmann::json::parse(results_json);
  auto jobs = nlohmann::json::parse(sweep_jobs_json(network, configs, layers));
  qloop::LayerMappingCache cache;
  for (const auto& job : jobs) {
    const auto& key = job["key"].get<std::string>();
    if (!results.contains(key)) throw qloop::InputError("", "results", 0, "no result for layer job " + key);
    const auto& r = results[key];
    const auto& layer = net.layers[job["layer"].get<std::size_t>()];
    qloop::LayerBitwidths bits{job["bits"][0].get<int>(), job["bits"][1].get<int>(), job["bits"][2].get<int>()};
    auto mapped = std::make_shared<qloop::LayerMapping>();
    mapped->found = r["found"].get<bool>();
    mapped->reason = r["reason"].get<std::string>();
    mapped->report.optimal = r["optimal"].get<bool>();
    if (mapped->found) {
      auto workload = qloop::layer_workload(layer, bits);
      auto doc = qloop::spec::load_yaml_files({qloop::spec::inline_source("mapping of " + key, r["mapping"].get<std::string>())});
      const auto* section = doc.find("mapping");
      mapped->mapping = qloop::spec::parse_mapping(qloop::spec::NodeReader(section->node, section->file, "mapping"), workload,
                                                   setup.architecture);
      mapped->stats = qloop::evaluate(setup.architecture, workload, mapped->mapping);
    }
    cache.insert(key, mapped);
  }
  return sweep_runs_json(net, plans_of(configs), setup, cache);
}

std::string explore_json(const std::string& network, const Sources& arch, const std::vector<std::string>& layers,
                         const std::vector<int>& bit_choices, const std::vector<std::string>& objectives, int population,
                         int offspring, int generations, long long seed, bool exact_mapping,
                         const std::map<std::string, std::pair<double, double>>& sensitivity, const SearchOptions& o,
                         qloop::LayerSearchRunner remote, qloop::AccuracyEvaluator accuracy) {
  auto net = network_of(network, layers);
  auto setup = setup_of(arch, o);
  setup.remote = std::move(remote);
  qloop::ExploreSettings s;
  s.bit_choices = bit_choices;
  s.objectives = qloop::parse_explore_objectives(objectives, "objectives");
  if (s.bit_choices.empty()) throw qloop::InputError("", "bit_choices", 0, "give at least one bitwidth");
  if (population < 2 || offspring < 1 || generations < 0) {
    throw qloop::InputError("", "population", 0, "population >= 2, offspring >= 1 and generations >= 0");
  }
  s.population = population, s.offspring = offspring, s.generations = generations;
  if (seed >= 0) s.seed = static_cast<std::uint64_t>(seed);
  s.exact_mapping = exact_mapping;
  std::map<std::string, qloop::LayerSensitivity> table;
  for (const auto& [layer, ws] : sensitivity) table[layer] = {ws.first, ws.second};
  auto result = qloop::explore(net, setup, s, accuracy ? accuracy : qloop::noise_power_proxy(table), nullptr, {});
  return qloop::report::explore_json(result, net, s).dump();
}

// What a remote worker runs for one layer search: {"mappings": [YAML text, ...]}.
std::string search_layer_json(const std::string& network, const Sources& arch, const std::vector<std::string>& layers,
                              std::size_t layer, const std::vector<int>& bits, std::size_t elite_size,
                              const SearchOptions& o) {
  auto net = network_of(network, layers);
  if (layer >= net.layers.size() || bits.size() != 3) throw qloop::InputError("", "layer", 0, "no such layer search");
  auto setup = setup_of(arch, o);
  qloop::LayerSearchRequest request{layer, {bits[0], bits[1], bits[2]}, elite_size};
  auto workload = qloop::layer_workload(net.layers[layer], request.bits);
  ordered_json mappings = ordered_json::array();
  for (const auto& m : qloop::run_layer_search(net, request, setup, nullptr)) {
    mappings.push_back(qloop::report::mapping_yaml(setup.architecture, workload, m));
  }
  return ordered_json{{"mappings", mappings}}.dump();
}

// A LayerSearchRunner that hands the requests to a Python callable (qloop.dask's): it takes
// the requests as JSON text and returns, per request, a list of mapping YAML texts.
qloop::LayerSearchRunner python_runner(py::object callable, const std::string& network, const Sources& arch,
                                       const std::vector<std::string>& layers) {
  if (callable.is_none()) return {};
  // Held through a shared_ptr so the runner can be copied without the GIL; the last copy
  // releases the Python object with the GIL held.
  auto function = std::shared_ptr<py::object>(new py::object(std::move(callable)), [](py::object* f) {
    py::gil_scoped_acquire gil;
    delete f;
  });
  auto net = std::make_shared<qloop::Network>(network_of(network, layers));
  auto architecture = std::make_shared<qloop::Architecture>(qloop::spec::load_search_setup(arch).architecture);
  return [function, net, architecture](const std::vector<qloop::LayerSearchRequest>& requests) {
    nlohmann::json asked = nlohmann::json::array();
    for (const auto& r : requests) {
      asked.push_back({{"layer", r.layer}, {"bits", {r.bits.weights, r.bits.inputs, r.bits.outputs}}, {"elite_size", r.elite_size}});
    }
    std::string answer;
    {
      py::gil_scoped_acquire gil;
      answer = (*function)(asked.dump()).cast<std::string>();
    }
    auto lists = nlohmann::json::parse(answer);
    std::vector<std::vector<qloop::Mapping>> out;
    for (std::size_t k = 0; k < requests.size(); ++k) {
      auto workload = qloop::layer_workload(net->layers.at(requests[k].layer), requests[k].bits);
      std::vector<qloop::Mapping> mappings;
      for (const auto& text : lists.at(k)) {
        auto doc = qloop::spec::load_yaml_files({qloop::spec::inline_source("remote mapping", text.get<std::string>())});
        const auto* section = doc.find("mapping");
        mappings.push_back(qloop::spec::parse_mapping(qloop::spec::NodeReader(section->node, section->file, "mapping"),
                                                      workload, *architecture));
      }
      out.push_back(std::move(mappings));
    }
    return out;
  };
}

// An AccuracyEvaluator that asks a Python callable: it gets [{"layer", "Weights", "Inputs",
// "Outputs"}, ...] and returns the candidate's accuracy loss (lower is better).
qloop::AccuracyEvaluator python_accuracy(py::object callable) {
  if (callable.is_none()) return {};
  auto function = std::shared_ptr<py::object>(new py::object(std::move(callable)), [](py::object* f) {
    py::gil_scoped_acquire gil;
    delete f;
  });
  return [function](const qloop::Network& net, const std::vector<qloop::LayerBitwidths>& bits) {
    py::gil_scoped_acquire gil;
    py::list layers;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      py::dict d;
      d["layer"] = net.layers[i].name;
      d["Weights"] = bits[i].weights;
      d["Inputs"] = bits[i].inputs;
      d["Outputs"] = bits[i].outputs;
      layers.append(d);
    }
    return (*function)(layers).cast<double>();
  };
}

std::string import_onnx_json(const std::string& path) {
  auto imported = qloop::import_onnx(path);
  ordered_json out = {{"network_yaml", qloop::report::network_yaml(imported.network, imported.skipped_ops)},
                      {"skipped", imported.skipped_ops},
                      {"notes", imported.notes}};
  if (!imported.bitwidths.per_layer.empty()) out["bits_yaml"] = qloop::report::bitwidth_plan_yaml(imported.bitwidths);
  return out.dump();
}

// Runs `fn` without the GIL, so Python threads run concurrently with the library.
template <typename Fn>
auto released(Fn fn) {
  py::gil_scoped_release release;
  return fn();
}

}  // namespace

PYBIND11_MODULE(_qloop, m) {
  m.doc() = "qloop's C++ core; use the `qloop` package, which wraps these with Python values.";
  static py::exception<qloop::InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const qloop::InputError& e) {
      input_error(e.what());
    }
  });
  m.attr("INLINE_PREFIX") = qloop::spec::kInlineSourcePrefix;
  m.def("evaluate", [](const Sources& s) { return released([&] { return evaluate_json(s); }); });
  m.def("search", [](const Sources& s, int threads, long long seed, double time_limit, const std::string& algorithm,
                     const std::vector<std::string>& metrics) {
    auto o = options_of(threads, seed, time_limit, algorithm, metrics);
    return released([&] { return search_json(s, o); });
  });
  m.def("energy", [](const Sources& s) { return released([&] { return energy_json(s); }); });
  m.def("network", [](const std::string& net, const Sources& arch, const std::string& bits,
                      const std::vector<std::string>& layers, int threads, long long seed, double time_limit) {
    auto o = options_of(threads, seed, time_limit, "", {});
    return released([&] { return network_json(net, arch, bits, layers, o); });
  });
  m.def("sweep", [](const std::string& net, const Sources& arch, const std::vector<std::string>& configs,
                    const std::vector<std::string>& layers, int threads, long long seed, double time_limit) {
    auto o = options_of(threads, seed, time_limit, "", {});
    return released([&] { return sweep_json(net, arch, configs, layers, o); });
  });
  m.def("sweep_jobs", [](const std::string& net, const std::vector<std::string>& configs,
                         const std::vector<std::string>& layers) {
    return released([&] { return sweep_jobs_json(net, configs, layers); });
  });
  m.def("map_layer_job", [](const std::string& net, const Sources& arch, const std::vector<std::string>& layers,
                            std::size_t layer, const std::vector<int>& bits, long long seed, double time_limit) {
    auto o = options_of(-1, seed, time_limit, "", {});
    return released([&] { return map_layer_job_json(net, arch, layers, layer, bits, o); });
  });
  m.def("sweep_from_jobs", [](const std::string& net, const Sources& arch, const std::vector<std::string>& configs,
                              const std::vector<std::string>& layers, const std::string& results) {
    return released([&] { return sweep_from_jobs_json(net, arch, configs, layers, results); });
  });
  m.def("explore", [](const std::string& net, const Sources& arch, const std::vector<std::string>& layers,
                      const std::vector<int>& bit_choices, const std::vector<std::string>& objectives, int population,
                      int offspring, int generations, long long seed, bool exact_mapping,
                      const std::map<std::string, std::pair<double, double>>& sensitivity, int threads,
                      double time_limit, py::object runner, py::object accuracy) {
    auto o = options_of(threads, -1, time_limit, "", {});
    auto remote = python_runner(runner, net, arch, layers);
    auto evaluator = python_accuracy(accuracy);
    return released([&] {
      return explore_json(net, arch, layers, bit_choices, objectives, population, offspring, generations, seed,
                          exact_mapping, sensitivity, o, remote, evaluator);
    });
  }, py::arg("net"), py::arg("arch"), py::arg("layers"), py::arg("bit_choices"), py::arg("objectives"),
     py::arg("population"), py::arg("offspring"), py::arg("generations"), py::arg("seed"), py::arg("exact_mapping"),
     py::arg("sensitivity"), py::arg("threads"), py::arg("time_limit"), py::arg("runner") = py::none(),
     py::arg("accuracy") = py::none());
  m.def("search_layer", [](const std::string& net, const Sources& arch, const std::vector<std::string>& layers,
                           std::size_t layer, const std::vector<int>& bits, std::size_t elite_size, long long seed,
                           double time_limit) {
    auto o = options_of(-1, seed, time_limit, "", {});
    return released([&] { return search_layer_json(net, arch, layers, layer, bits, elite_size, o); });
  });
  m.def("import_onnx", [](const std::string& path) { return released([&] { return import_onnx_json(path); }); });
}
