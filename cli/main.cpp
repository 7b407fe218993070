// qloop command-line interface: a thin layer over the library. Exit codes: 0 success,
// 2 bad input, 3 valid input but no valid mapping (tiles do not fit, too many instances).

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <algorithm>

#include "model/evaluate.hpp"
#include "import/onnx_import.hpp"
#include "network/map_network.hpp"
#include "report/energy_tables_yaml.hpp"
#include "report/html_report.hpp"
#include "report/network_report.hpp"
#include "report/network_yaml.hpp"
#include "report/json_report.hpp"
#include "report/mapping_yaml.hpp"
#include "report/search_report.hpp"
#include "report/text_report.hpp"
#include "search/mapper.hpp"
#include "spec/load_spec.hpp"
#include "spec/parse_bitwidth_plan.hpp"
#include "spec/parse_network.hpp"
#include "spec/parse_sensitivity.hpp"
#include "util/error.hpp"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitInvalidMapping = 3;

std::atomic<bool> g_stop{false};

void on_interrupt(int) {
  g_stop.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the program at once
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << text;
}

void print_notes(const std::vector<std::string>& notes) {
  for (const auto& note : notes) std::cerr << "note: " << note << "\n";
}

int run_model(const std::vector<std::string>& inputs, const std::string& out_dir) {
  auto spec = qloop::spec::load_model_inputs(inputs);
  print_notes(spec.notes);
  auto result = qloop::evaluate(spec.architecture, spec.workload, spec.mapping);
  std::filesystem::create_directories(out_dir);
  std::filesystem::path dir(out_dir);
  write_file(dir / "qloop.stats.json", qloop::report::to_json(result).dump(2) + "\n");
  write_file(dir / "qloop.stats.txt", qloop::report::stats_text(result, spec.architecture, spec.workload, spec.mapping));
  write_file(dir / "qloop.map.txt", qloop::report::map_text(spec.architecture, spec.workload, spec.mapping));
  std::cout << qloop::report::summary_text(result);
  return result.valid ? 0 : kExitInvalidMapping;
}

int run_energy(const std::vector<std::string>& inputs, const std::string& out_dir) {
  auto spec = qloop::spec::load_architecture_inputs(inputs);
  print_notes(spec.notes);
  std::filesystem::create_directories(out_dir);
  std::filesystem::path dir(out_dir);
  write_file(dir / "ERT.yaml", qloop::report::ert_yaml(spec.architecture));
  write_file(dir / "ART.yaml", qloop::report::art_yaml(spec.architecture));
  std::cout << qloop::report::energy_table_text(spec.architecture);
  std::cout << "Wrote " << (dir / "ERT.yaml").string() << " and " << (dir / "ART.yaml").string() << "\n";
  return 0;
}

struct NetworkOptions {
  std::string network_file;
  std::string bits;           // network: one plan; sweep: a comma list
  std::string layers;         // comma list of layer names to keep (empty: all)
  int threads = -1;
  long long seed = -1;
  double time_limit = -1;     // per layer job
};

qloop::Network select_layers(qloop::Network net, const std::string& names) {
  if (names.empty()) return net;
  std::vector<qloop::LayerSpec> kept;
  std::string name;
  std::stringstream list(names);
  while (std::getline(list, name, ',')) {
    auto it = std::find_if(net.layers.begin(), net.layers.end(), [&](const auto& l) { return l.name == name; });
    if (it == net.layers.end()) {
      throw qloop::InputError("", "--layers", 0, "no layer named '" + name + "' in " + net.name);
    }
    kept.push_back(*it);
  }
  net.layers = kept;
  return net;
}

qloop::NetworkSearchSetup network_setup(const std::vector<std::string>& arch_inputs, const NetworkOptions& o) {
  auto spec = qloop::spec::load_search_setup(arch_inputs);
  print_notes(spec.notes);
  qloop::NetworkSearchSetup setup{spec.architecture, spec.settings, spec.constraints_for, {}};
  if (o.threads >= 0) setup.settings.threads = o.threads;
  if (o.seed >= 0) setup.settings.seed = static_cast<std::uint64_t>(o.seed);
  if (o.time_limit >= 0) setup.settings.time_limit_seconds = o.time_limit;
  return setup;
}

std::function<void(const qloop::NetworkProgress&)> network_progress(const std::string& what) {
  if (!isatty(STDERR_FILENO)) return {};
  return [what](const qloop::NetworkProgress& p) {
    double left = p.jobs_done > 0 ? p.seconds / p.jobs_done * (p.jobs_total - p.jobs_done) : 0;
    std::cerr << "\r" << what << ": " << p.jobs_done << "/" << p.jobs_total << " layer jobs mapped, "
              << static_cast<int>(p.seconds) << " s, about " << static_cast<int>(left) << " s left   " << std::flush;
  };
}

int run_network(const std::vector<std::string>& arch_inputs, const std::string& out_dir, const NetworkOptions& o) {
  auto net = select_layers(qloop::spec::load_network_file(o.network_file), o.layers);
  auto plan = o.bits.empty() ? qloop::BitwidthPlan{} : qloop::spec::load_bitwidth_plan(o.bits, net);
  auto setup = network_setup(arch_inputs, o);
  std::signal(SIGINT, on_interrupt);
  qloop::LayerMappingCache cache;
  auto result = qloop::map_network(net, plan, setup, cache, &g_stop, network_progress(net.name));
  if (isatty(STDERR_FILENO)) std::cerr << "\n";
  std::filesystem::create_directories(out_dir);
  std::filesystem::path dir(out_dir);
  write_file(dir / "network.json", qloop::report::network_json(result, setup.architecture).dump(2) + "\n");
  write_file(dir / "network.csv", qloop::report::network_csv(result));
  write_file(dir / "report.html", qloop::report::network_html(result));
  std::cout << qloop::report::network_summary_text(result);
  std::cout << "Report: " << (dir / "report.html").string() << "\n";
  return result.complete ? 0 : kExitInvalidMapping;
}

int run_sweep(const std::vector<std::string>& arch_inputs, const std::string& out_dir, const NetworkOptions& o) {
  auto net = select_layers(qloop::spec::load_network_file(o.network_file), o.layers);
  auto plans = qloop::parse_bitwidth_sweep(o.bits, "--bits");
  auto setup = network_setup(arch_inputs, o);
  std::signal(SIGINT, on_interrupt);
  qloop::LayerMappingCache cache;
  // Every configuration's layer jobs at once (in parallel), then each configuration's totals.
  qloop::map_layer_jobs(net, plans, setup, cache, &g_stop, network_progress(net.name + " sweep"));
  if (isatty(STDERR_FILENO)) std::cerr << "\n";
  std::vector<qloop::NetworkResult> runs;
  for (const auto& plan : plans) {
    runs.push_back(qloop::map_network(net, plan, setup, cache, &g_stop, {}));
  }
  std::filesystem::create_directories(out_dir);
  std::filesystem::path dir(out_dir);
  write_file(dir / "sweep.csv", qloop::report::sweep_csv(runs));
  auto runs_json = nlohmann::ordered_json::array();
  for (const auto& r : runs) runs_json.push_back(qloop::report::network_json(r, setup.architecture));
  write_file(dir / "sweep.json", runs_json.dump(2) + "\n");
  write_file(dir / "report.html", qloop::report::sweep_html(runs));
  std::cout << qloop::report::sweep_summary_text(runs);
  std::cout << "Report: " << (dir / "report.html").string() << "\n";
  bool complete = std::all_of(runs.begin(), runs.end(), [](const auto& r) { return r.complete; });
  return complete ? 0 : kExitInvalidMapping;
}

struct ExploreOptions {
  std::string bit_choices = "2,3,4,5,6,7,8";
  std::string objectives = "energy,accuracy";
  std::string sensitivity;  // CSV file
  qloop::ExploreSettings settings;
};

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  std::stringstream stream(text);
  while (std::getline(stream, item, ',')) items.push_back(item);
  return items;
}

qloop::ExploreSettings explore_settings(ExploreOptions o, const NetworkOptions& n) {
  auto& s = o.settings;
  s.bit_choices.clear();
  for (const auto& item : comma_list(o.bit_choices)) {
    int bits = 0;
    try {
      bits = std::stoi(item);
    } catch (const std::exception&) {
    }
    if (bits < 1 || bits > 32) throw qloop::InputError("", "--bits-set", 0, "'" + item + "' is not a bitwidth of 1 to 32");
    s.bit_choices.push_back(bits);
  }
  std::sort(s.bit_choices.begin(), s.bit_choices.end());
  s.bit_choices.erase(std::unique(s.bit_choices.begin(), s.bit_choices.end()), s.bit_choices.end());
  s.objectives = qloop::parse_explore_objectives(comma_list(o.objectives), "--objectives");
  if (s.population < 2 || s.offspring < 1 || s.generations < 0) {
    throw qloop::InputError("", "--population", 0, "population >= 2, offspring >= 1 and generations >= 0");
  }
  if (n.seed >= 0) s.seed = static_cast<std::uint64_t>(n.seed);
  return s;
}

int run_explore(const std::vector<std::string>& arch_inputs, const std::string& out_dir, const NetworkOptions& n,
                const ExploreOptions& o) {
  auto net = select_layers(qloop::spec::load_network_file(n.network_file), n.layers);
  auto settings = explore_settings(o, n);
  auto sensitivity = o.sensitivity.empty() ? std::map<std::string, qloop::LayerSensitivity>{}
                                           : qloop::spec::load_sensitivity_csv(o.sensitivity, net);
  auto setup = network_setup(arch_inputs, n);
  std::signal(SIGINT, on_interrupt);
  bool live = isatty(STDERR_FILENO);
  auto progress = [&](const qloop::ExploreProgress& p) {
    if (!live) return;
    double left = p.generation > 0 ? p.seconds / p.generation * (p.generations - p.generation) : 0;
    std::cerr << "\rgeneration " << p.generation << "/" << p.generations << ", " << p.evaluated << " candidates, front "
              << p.front_size << ", best " << qloop::to_string(settings.objectives.front()) << " "
              << p.best_first_objective << ", " << static_cast<int>(p.seconds) << " s, about " << static_cast<int>(left)
              << " s left   " << std::flush;
  };
  auto result = qloop::explore(net, setup, settings, qloop::noise_power_proxy(sensitivity), &g_stop, progress);
  if (live) std::cerr << "\n";
  std::filesystem::create_directories(out_dir);
  std::filesystem::path dir(out_dir);
  write_file(dir / "pareto.csv", qloop::report::pareto_csv(result, net, settings));
  write_file(dir / "explore.json", qloop::report::explore_json(result, net, settings).dump(2) + "\n");
  write_file(dir / "report.html", qloop::report::explore_html(result, net, settings));
  std::cout << qloop::report::explore_summary_text(result, settings);
  std::cout << "Report: " << (dir / "report.html").string() << "\n";
  return result.front.empty() ? kExitInvalidMapping : 0;
}

int run_import(const std::string& model, const std::string& output) {
  auto imported = qloop::import_onnx(model);
  print_notes(imported.notes);
  std::filesystem::path out(output);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  write_file(out, qloop::report::network_yaml(imported.network, imported.skipped_ops));
  std::cout << "Imported " << imported.network.layers.size() << " layers (" << imported.network.macs() << " MACs) into "
            << out.string() << "\n";
  if (!imported.skipped_ops.empty()) {
    std::cout << "Skipped operators:";
    for (const auto& [op, count] : imported.skipped_ops) std::cout << " " << op << " x" << count;
    std::cout << "\n";
  }
  if (!imported.bitwidths.per_layer.empty()) {
    auto plan = out;
    plan.replace_extension(".bits.yaml");
    write_file(plan, qloop::report::bitwidth_plan_yaml(imported.bitwidths));
    std::cout << "Bitwidths of " << imported.bitwidths.per_layer.size() << " quantized layers: " << plan.string()
              << " (use with --bits)\n";
  }
  return 0;
}

struct MapperOverrides {
  int threads = -1;
  long long seed = -1;
  double time_limit = -1;
  std::string algorithm;
};

int run_mapper(const std::vector<std::string>& inputs, const std::string& out_dir, const MapperOverrides& o) {
  auto spec = qloop::spec::load_mapper_inputs(inputs);
  print_notes(spec.notes);
  auto& settings = spec.settings;
  if (o.threads >= 0) settings.threads = o.threads;
  if (o.seed >= 0) settings.seed = static_cast<std::uint64_t>(o.seed);
  if (o.time_limit >= 0) settings.time_limit_seconds = o.time_limit;

  bool live = isatty(STDERR_FILENO);
  std::signal(SIGINT, on_interrupt);
  auto primary = settings.objectives.front();
  auto progress = [&](const qloop::MapperProgress& p) {
    if (live) std::cerr << "\r" << qloop::report::progress_line(p, primary) << "   " << std::flush;
  };
  auto result = qloop::run_mapper(spec.architecture, spec.workload, spec.constraints, settings, &g_stop, progress);
  if (live) std::cerr << "\n";

  std::filesystem::create_directories(out_dir);
  std::filesystem::path dir(out_dir);
  write_file(dir / "qloop.search.csv", qloop::report::search_csv(result.report));
  if (!result.found) {
    nlohmann::ordered_json out{{"valid", false}, {"reason", qloop::report::no_mapping_reason(result.report)}};
    out["search"] = qloop::report::search_json(result.report);
    write_file(dir / "qloop.stats.json", out.dump(2) + "\n");
    std::cout << "no valid mapping: " << qloop::report::no_mapping_reason(result.report) << "\n";
    return kExitInvalidMapping;
  }
  auto json = qloop::report::to_json(result.stats);
  json["search"] = qloop::report::search_json(result.report);
  write_file(dir / "qloop.stats.json", json.dump(2) + "\n");
  write_file(dir / "qloop.map.yaml", qloop::report::mapping_yaml(spec.architecture, spec.workload, result.best));
  write_file(dir / "qloop.map.txt", qloop::report::map_text(spec.architecture, spec.workload, result.best));
  write_file(dir / "qloop.stats.txt",
             qloop::report::stats_text(result.stats, spec.architecture, spec.workload, result.best) + "\n" +
                 qloop::report::search_text(result.report));
  std::cout << qloop::report::summary_text(result.stats) << qloop::report::search_text(result.report);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"qloop: analytical model and mapper for DNN accelerators with mixed-precision quantization"};
  app.require_subcommand(1);
  std::vector<std::string> inputs;
  std::string out_dir = ".";
  auto* model = app.add_subcommand("model", "Evaluate one mapping of one workload on one architecture");
  model->add_option("inputs", inputs, "YAML files or folders (architecture, problem, mapping, ERT, ART)")->required();
  model->add_option("-o,--output", out_dir, "Output folder (default: current folder)");

  auto* energy = app.add_subcommand("energy", "Estimate per-action energy and area of every component (ERT/ART)");
  energy->add_option("inputs", inputs, "YAML files or folders with the architecture")->required();
  energy->add_option("-o,--output", out_dir, "Output folder for ERT.yaml and ART.yaml (default: current folder)");

  NetworkOptions net_options;
  auto add_network_options = [&](CLI::App* cmd, const char* bits_help) -> CLI::Option* {
    cmd->add_option("network", net_options.network_file, "Network YAML (e.g. workloads/alexnet.yaml)")->required();
    cmd->add_option("inputs", inputs, "Architecture, constraints, mapper settings, ERT/ART (files or folders)")->required();
    cmd->add_option("-o,--output", out_dir, "Output folder (default: current folder)");
    auto* bits = bits_help ? cmd->add_option("--bits", net_options.bits, bits_help) : nullptr;
    cmd->add_option("--layers", net_options.layers, "Only these layers, comma-separated (default: all)");
    cmd->add_option("--threads", net_options.threads, "Layer jobs at once (default: mapper settings, else all cores)");
    cmd->add_option("--seed", net_options.seed, "Random seed of every layer's search");
    cmd->add_option("--time-limit", net_options.time_limit, "Seconds per layer job (0: none)");
    return bits;
  };
  auto* network = app.add_subcommand("network", "Map every layer of a network and add up energy and cycles");
  add_network_options(network, "Bitwidths: W4A8[,first=W8A8][,last=W8A8], or a YAML/CSV plan file");
  auto* sweep = app.add_subcommand("sweep", "Map a network once per bitwidth configuration");
  add_network_options(sweep, "Configurations, comma-separated: W16A16,W8A16,W4A16[,first=...,last=...]")
      ->required();

  ExploreOptions explore_options;
  auto* explore = app.add_subcommand("explore", "Multi-objective search (NSGA-II) over per-layer bitwidths");
  add_network_options(explore, nullptr);
  explore->add_option("--bits-set", explore_options.bit_choices, "Bitwidths to choose from (default 2,3,4,5,6,7,8)");
  explore->add_option("--objectives", explore_options.objectives,
                      "Objectives, at least two of energy, cycles, edp, memory, accuracy (default energy,accuracy)");
  explore->add_option("--sensitivity", explore_options.sensitivity, "CSV layer,Weights,Inputs for the accuracy proxy");
  explore->add_option("--population", explore_options.settings.population, "Population size (default 10)");
  explore->add_option("--offspring", explore_options.settings.offspring, "Offspring per generation (default 10)");
  explore->add_option("--generations", explore_options.settings.generations, "Generations (default 25)");
  explore->add_flag("--exact-mapping", explore_options.settings.exact_mapping,
                    "Run the full mapper for every (layer, bitwidths) pair instead of re-ranking a per-layer pool");

  std::string onnx_model, import_output;
  auto* import = app.add_subcommand("import", "Import the layers of an ONNX model as a network YAML");
  import->add_option("model", onnx_model, "ONNX model (.onnx)")->required();
  import->add_option("-o,--output", import_output, "Network YAML to write (bitwidths, if any, beside it as .bits.yaml)")
      ->required();

  MapperOverrides overrides;
  auto* mapper = app.add_subcommand("mapper", "Search the mapspace for the best mapping");
  mapper->add_option("inputs", inputs, "YAML files or folders (architecture, problem, constraints, mapper, ERT, ART)")
      ->required();
  mapper->add_option("-o,--output", out_dir, "Output folder (default: current folder)");
  mapper->add_option("--threads", overrides.threads, "Threads (default: the mapper settings, else all cores)");
  mapper->add_option("--seed", overrides.seed, "Random seed");
  mapper->add_option("--time-limit", overrides.time_limit, "Wall-clock limit in seconds (0: none)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (model->parsed()) return run_model(inputs, out_dir);
    if (mapper->parsed()) return run_mapper(inputs, out_dir, overrides);
    if (energy->parsed()) return run_energy(inputs, out_dir);
    if (network->parsed()) return run_network(inputs, out_dir, net_options);
    if (sweep->parsed()) return run_sweep(inputs, out_dir, net_options);
    if (explore->parsed()) return run_explore(inputs, out_dir, net_options, explore_options);
    if (import->parsed()) return run_import(onnx_model, import_output);
  } catch (const qloop::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  return 0;
}
