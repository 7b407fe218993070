// The `qloop._qloop` extension: the application layer's commands (src/app) on lists of input
// sources (paths, or inline YAML made from Python dicts by qloop/__init__.py), returning JSON
// text with the same schema as the CLI's files. It converts arguments (None = not given, so
// the inputs' settings apply), releases the GIL while a command runs, and turns Python
// callables into the library's callbacks.

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/convert_command.hpp"
#include "app/explore_command.hpp"
#include "app/import_command.hpp"
#include "app/layer_jobs.hpp"
#include "app/mapper_command.hpp"
#include "app/model_command.hpp"
#include "app/network_commands.hpp"
#include "app/schema_command.hpp"
#include "app/sources.hpp"
#include "util/error.hpp"

namespace py = pybind11;
namespace app = qloop::app;
using Sources = std::vector<std::string>;
using Names = std::vector<std::string>;

namespace {

// Runs `work(control)` without the GIL, so Python threads run concurrently with the library,
// on a thread of its own while this thread looks for signals every 100 ms: Ctrl-C sets the
// stop flag, the command ends with what it has (a search keeps its best), and the caller gets
// that result with `interrupted` true (qloop raises qloop.Interrupted with it).
template <typename Work>
py::tuple interruptible(Work work, py::object progress = py::none()) {
  std::atomic<bool> stop{false};
  app::RunControl control;
  control.stop = &stop;
  if (!progress.is_none()) {
    // The caller's function gets each progress line (called with the GIL, from the worker).
    auto callable = std::make_shared<py::object>(std::move(progress));
    control.progress = [callable](const std::string& line) {
      py::gil_scoped_acquire gil;
      (*callable)(line);
    };
  }
  std::string result;
  std::exception_ptr error;
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    std::promise<void> finished;
    auto done = finished.get_future();
    std::thread worker([&] {
      try {
        result = work(control);
      } catch (...) {
        error = std::current_exception();
      }
      finished.set_value();
    });
    while (done.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() != 0) {  // a signal handler raised (KeyboardInterrupt)
        PyErr_Clear();
        interrupted = true;
        stop = true;
      }
    }
    worker.join();
  }
  if (error) std::rethrow_exception(error);
  return py::make_tuple(result, interrupted);
}

// A Python callable kept alive by C++ callbacks that may be copied and dropped without the
// GIL: the last copy releases it with the GIL held.
std::shared_ptr<py::object> held(py::object callable) {
  return std::shared_ptr<py::object>(new py::object(std::move(callable)), [](py::object* f) {
    py::gil_scoped_acquire gil;
    delete f;
  });
}

// Seeds come as text (the package writes the Python int), checked like the command line's.
using Seed = std::optional<std::string>;

std::optional<std::uint64_t> seed_of(const Seed& seed) {
  if (!seed) return std::nullopt;
  return app::seed_named(*seed, "seed");
}

app::SearchOverrides overrides_of(std::optional<int> threads, const Seed& seed, std::optional<double> time_limit,
                                  std::optional<std::string> algorithm, std::optional<Names> metrics) {
  app::SearchOverrides o{threads, seed_of(seed), time_limit, std::nullopt, std::nullopt};
  if (algorithm) o.algorithm = app::algorithm_named(*algorithm, "algorithm");
  if (metrics) o.objectives = app::metrics_named(*metrics, "metrics");
  return o;
}

// The values of a network's variables (Python: set={"seq": 1}).
using Set = std::map<std::string, std::int64_t>;

app::NetworkRequest network_request(const std::string& net, const Set& set, const Sources& arch, const Names& layers,
                                    const Names& bits, std::optional<int> threads, const Seed& seed,
                                    std::optional<double> time_limit, const std::string& densities) {
  app::NetworkRequest request;
  request.network = net, request.set = set, request.arch_sources = arch, request.layers = layers;
  request.densities = densities;
  request.overrides = overrides_of(threads, seed, time_limit, std::nullopt, std::nullopt);
  request.bits = bits;
  return request;
}

// An AccuracyEvaluator that asks a Python callable: it gets [{"layer", "Weights", "Inputs",
// "Outputs"}, ...] and returns the candidate's accuracy loss (lower is better).
qloop::AccuracyEvaluator python_accuracy(py::object callable) {
  if (callable.is_none()) return {};
  auto function = held(std::move(callable));
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

// A text-in, text-out Python callable (qloop.dask's layer-search runner).
std::function<std::string(const std::string&)> python_text_function(py::object callable) {
  if (callable.is_none()) return {};
  auto function = held(std::move(callable));
  return [function](const std::string& text) {
    py::gil_scoped_acquire gil;
    return (*function)(text).cast<std::string>();
  };
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
  m.attr("INLINE_PREFIX") = qloop::app::kInlineSourcePrefix;
  m.attr("VARIABLE_PREFIX") = qloop::app::kVariableSourcePrefix;

  m.def("evaluate", [](const Sources& s) {
    return interruptible(
        [&](const app::RunControl& control) { return app::model_json(app::run_model(s, control)).dump(); });
  });
  m.def("search", [](const Sources& s, std::optional<int> threads, const Seed& seed, std::optional<double> time_limit,
                     std::optional<std::string> algorithm, std::optional<Names> metrics) {
    app::MapperRequest request{s, overrides_of(threads, seed, time_limit, algorithm, metrics)};
    return interruptible([&](const app::RunControl& control) {
      return app::mapper_result_json(app::run_mapper(request, control)).dump();
    });
  });
  m.def("energy", [](const Sources& s) {
    return interruptible(
        [&](const app::RunControl& control) { return app::energy_json(app::run_energy(s, control)).dump(); });
  });
  m.def("network", [](const std::string& net, const Set& set, const Sources& arch, const Names& bits,
                      const Names& layers, std::optional<int> threads, const Seed& seed,
                      std::optional<double> time_limit, const std::string& densities) {
    auto request = network_request(net, set, arch, layers, bits, threads, seed, time_limit, densities);
    return interruptible(
        [&](const app::RunControl& control) { return app::network_json(app::run_network(request, control)).dump(); });
  });
  m.def("sweep", [](const std::string& net, const Set& set, const Sources& arch, const Names& configs,
                    const Names& layers, std::optional<int> threads, const Seed& seed, std::optional<double> time_limit,
                    const std::string& densities) {
    auto request = network_request(net, set, arch, layers, configs, threads, seed, time_limit, densities);
    return interruptible(
        [&](const app::RunControl& control) { return app::sweep_json(app::run_sweep(request, control)).dump(); });
  });
  m.def("sweep_jobs", [](const std::string& net, const Set& set, const Names& configs, const Names& layers,
                         const std::string& densities) {
    auto request = network_request(net, set, {}, layers, configs, std::nullopt, std::nullopt, std::nullopt, densities);
    return interruptible(
        [&](const app::RunControl&) { return app::layer_jobs_json(app::sweep_layer_jobs(request)).dump(); });
  });
  m.def("map_layer_job", [](const std::string& net, const Set& set, const Sources& arch, const Names& layers,
                            std::size_t layer, const std::vector<int>& bits, const Seed& seed,
                            std::optional<double> time_limit, const std::string& densities) {
    auto request = network_request(net, set, arch, layers, {}, std::nullopt, seed, time_limit, densities);
    return interruptible(
        [&](const app::RunControl&) { return app::map_layer_job(request, layer, app::layer_bitwidths(bits)).dump(); });
  });
  m.def("sweep_from_jobs", [](const std::string& net, const Set& set, const Sources& arch, const Names& configs,
                              const Names& layers, const std::string& results, const std::string& densities) {
    auto request =
        network_request(net, set, arch, layers, configs, std::nullopt, std::nullopt, std::nullopt, densities);
    return interruptible([&](const app::RunControl&) {
      return app::sweep_json(app::sweep_from_jobs(request, nlohmann::json::parse(results))).dump();
    });
  });
  m.def(
      "explore",
      [](const std::string& net, const Set& set, const Sources& arch, const Names& layers,
         std::optional<std::vector<int>> bit_choices, std::optional<Names> objectives, std::optional<int> population,
         std::optional<int> offspring, std::optional<int> generations, const Seed& seed, bool exact_mapping,
         const std::map<std::string, std::pair<double, double>>& sensitivity, std::optional<int> threads,
         std::optional<double> time_limit, py::object runner, py::object accuracy, py::object progress,
         const std::string& densities) {
        app::ExploreRequest r;
        r.network = net, r.set = set, r.arch_sources = arch, r.layers = layers;
        r.densities = densities;
        r.overrides = overrides_of(threads, std::nullopt, time_limit, std::nullopt, std::nullopt);
        r.bit_choices = bit_choices;
        r.objectives = objectives;
        r.population = population, r.offspring = offspring, r.generations = generations;
        r.seed = seed_of(seed), r.exact_mapping = exact_mapping;
        for (const auto& [layer, ws] : sensitivity) r.sensitivity[layer] = {ws.first, ws.second};
        r.accuracy = python_accuracy(std::move(accuracy));
        auto searches = network_request(net, set, arch, layers, {}, threads, std::nullopt, time_limit, densities);
        searches.overrides.seed = r.seed;
        r.remote = app::remote_runner(python_text_function(std::move(runner)), searches);
        return interruptible(
            [&](const app::RunControl& control) { return app::explore_json(app::run_explore(r, control)).dump(); },
            std::move(progress));
      },
      py::arg("net"), py::arg("set"), py::arg("arch"), py::arg("layers"), py::arg("bit_choices"), py::arg("objectives"),
      py::arg("population"), py::arg("offspring"), py::arg("generations"), py::arg("seed"), py::arg("exact_mapping"),
      py::arg("sensitivity"), py::arg("threads"), py::arg("time_limit"), py::arg("runner") = py::none(),
      py::arg("accuracy") = py::none(), py::arg("progress") = py::none(), py::arg("densities") = "");
  m.def("convert", [](const Sources& sources, const std::string& to) {
    return interruptible(
        [&](const app::RunControl& control) { return nlohmann::json(app::run_convert(sources, to, control)).dump(); });
  });
  m.def("explore_report", [](const std::string& explore_json) { return app::explore_report_html(explore_json); });
  m.def(
      "accuracy_proxy",
      [](const std::vector<std::tuple<std::string, int, int>>& layers,
         const std::map<std::string, std::pair<double, double>>& sensitivity) {
        std::map<std::string, qloop::LayerSensitivity> s;
        for (const auto& [layer, ws] : sensitivity) s[layer] = {ws.first, ws.second};
        return app::accuracy_proxy_db(layers, s);
      },
      py::arg("layers"), py::arg("sensitivity"));
  m.def("search_layer", [](const std::string& net, const Set& set, const Sources& arch, const Names& layers,
                           std::size_t layer, const std::vector<int>& bits, std::size_t elite_size, const Seed& seed,
                           std::optional<double> time_limit, const std::string& densities) {
    auto request = network_request(net, set, arch, layers, {}, std::nullopt, seed, time_limit, densities);
    qloop::LayerSearchRequest search{layer, app::layer_bitwidths(bits), elite_size};
    return interruptible([&](const app::RunControl&) { return app::search_layer(request, search).dump(); });
  });
  m.def("schema", [] { return app::input_reference(); });
  m.def("import_onnx", [](const std::string& path, const Set& dims) {
    return interruptible(
        [&](const app::RunControl& control) { return app::import_json(app::run_import(path, dims, control)).dump(); });
  });
}
