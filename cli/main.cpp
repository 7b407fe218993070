// qloop command-line interface: a thin layer over the library. Exit codes: 0 success,
// 2 bad input, 3 valid input but no valid mapping (tiles do not fit, too many instances).

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "model/evaluate.hpp"
#include "report/energy_tables_yaml.hpp"
#include "report/json_report.hpp"
#include "report/mapping_yaml.hpp"
#include "report/search_report.hpp"
#include "report/text_report.hpp"
#include "search/mapper.hpp"
#include "spec/load_spec.hpp"
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
  } catch (const qloop::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  return 0;
}
