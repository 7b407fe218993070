// qloop command-line interface: parses the arguments, runs the command of the application
// layer (src/app) and writes what it returns. Exit codes: 0 success; 2 bad input (one message
// naming the file, line and key path); 3 valid input but no valid mapping; 70 an internal
// error (a bug in qloop); 130 / 143 stopped by SIGINT / SIGTERM (results written).

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/convert_command.hpp"
#include "app/explore_command.hpp"
#include "app/import_command.hpp"
#include "app/mapper_command.hpp"
#include "app/model_command.hpp"
#include "app/network_commands.hpp"
#include "app/schema_command.hpp"
#include "app/sources.hpp"
#include "terminal.hpp"
#include "util/error.hpp"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitInvalidMapping = 3;
constexpr int kExitInternalError = 70;  // EX_SOFTWARE

using qloop::app::Output;

// Options of the search commands as the command line gives them (strings for names, which
// the application layer checks).
struct SearchOptions {
  std::optional<int> threads;
  std::optional<std::string> seed;  // checked by the application layer, as Python's
  std::optional<double> time_limit;
  std::optional<std::string> algorithm;  // the mapper command's only (as Python's search)
  std::optional<std::uint64_t> seed_value() const {
    if (!seed) return std::nullopt;
    return qloop::app::seed_named(*seed, "--seed");
  }
  qloop::app::SearchOverrides overrides() const {
    std::optional<qloop::SearchAlgorithm> named;
    if (algorithm) named = qloop::app::algorithm_named(*algorithm, "--algorithm");
    return {threads, seed_value(), time_limit, named, std::nullopt};
  }
};

void add_search_options(CLI::App* cmd, SearchOptions& o, const char* threads_help) {
  cmd->add_option("--threads", o.threads, threads_help);
  cmd->add_option("--seed", o.seed, "Random seed (default: the mapper settings')");
  cmd->add_option("--time-limit", o.time_limit, "Wall-clock limit in seconds, per layer job for networks (0: none)");
}

// Writes what the command returned. A run a signal stopped still writes its results (its best
// so far) and then exits as the signal says (128 + its number, the shell's convention).
int finish(const Output& output, const std::string& dir) {
  qloop::cli::write_output(output, dir);
  if (int signal = qloop::cli::stopping_signal()) return 128 + signal;
  return output.complete ? 0 : kExitInvalidMapping;
}

}  // namespace

int main(int argc, char** argv) {
  namespace app = qloop::app;
  CLI::App cli{"qloop: analytical model and mapper for DNN accelerators with mixed-precision quantization"};
  cli.require_subcommand(1);
  std::vector<std::string> inputs;
  std::string out_dir = ".";

  // Variables of jinja2 templates among the inputs (Timeloop v0.4 top.yaml.jinja2), for every command.
  std::vector<std::string> template_variables;
  auto add_template_variables = [&](CLI::App* cmd) {
    cmd->add_option("--var", template_variables,
                    "A variable of the jinja2 templates among the inputs, NAME=VALUE (repeat for more)");
  };
  auto* model = cli.add_subcommand("model", "Evaluate one mapping of one workload on one architecture");
  model->add_option("inputs", inputs, "YAML files or folders (architecture, problem, mapping, ERT, ART)")->required();
  add_template_variables(model);
  model->add_option("-o,--output", out_dir, "Output folder (default: current folder)");

  auto* energy = cli.add_subcommand("energy", "Estimate per-action energy and area of every component (ERT/ART)");
  energy->add_option("inputs", inputs, "YAML files or folders with the architecture")->required();
  energy->add_option("-o,--output", out_dir, "Output folder for ERT.yaml and ART.yaml (default: current folder)");
  add_template_variables(energy);

  SearchOptions search;
  auto* mapper = cli.add_subcommand("mapper", "Search the mapspace for the best mapping");
  mapper->add_option("inputs", inputs, "YAML files or folders (architecture, problem, constraints, mapper, ERT, ART)")
      ->required();
  mapper->add_option("-o,--output", out_dir, "Output folder (default: current folder)");
  add_template_variables(mapper);
  add_search_options(mapper, search, "Threads (default: the mapper settings', else every core)");
  mapper->add_option("--algorithm", search.algorithm,
                     "Search algorithm (default: the mapper settings', else optimal, the certified search): "
                     "exhaustive, linear-pruned, random, random-pruned, hybrid or optimal");

  app::NetworkRequest net;
  std::string bits, assignments;
  auto add_network_options = [&](CLI::App* cmd, const char* bits_help) {
    cmd->add_option("network", net.network, "Network YAML (e.g. workloads/alexnet.yaml)")->required();
    cmd->add_option("inputs", net.arch_sources,
                    "Architecture, constraints, mapper settings, ERT/ART (files or folders)")
        ->required();
    cmd->add_option("-o,--output", out_dir, "Output folder (default: current folder)");
    if (bits_help) cmd->add_option("--bits", bits, bits_help);
    cmd->add_option("--layers", net.layers, "Only these layers, comma-separated (default: all)")->delimiter(',');
    cmd->add_option("--set", assignments, "Values of the network's variables, e.g. seq=1,context=2048,batch=8");
    cmd->add_option("--density", net.densities,
                    "Every layer's tensor densities, e.g. Weights=0.3,Inputs=hypergeometric:0.5 (default: dense)");
    add_template_variables(cmd);
    add_search_options(cmd, search, "Layer jobs at once (default: the mapper settings', else every core)");
  };
  auto* network = cli.add_subcommand("network", "Map every layer of a network and add up energy and cycles");
  add_network_options(network, "Bitwidths: W4A8[,first=W8A8][,last=W8A8], or a YAML/CSV plan file");
  auto* sweep = cli.add_subcommand("sweep", "Map a network once per bitwidth configuration");
  add_network_options(sweep, "Configurations, comma-separated: W16A16,W8A16,W4A16[,first=...,last=...]");
  sweep->get_option("--bits")->required();

  app::ExploreRequest ex;
  std::vector<std::string> bit_choices;
  std::vector<std::string> objectives;
  std::string sensitivity;
  int population = 0, offspring = 0, generations = 0;
  auto* explore = cli.add_subcommand("explore", "Multi-objective search (NSGA-II) over per-layer bitwidths");
  add_network_options(explore, nullptr);
  auto* bits_set =
      explore->add_option("--bits-set", bit_choices, "Bitwidths to choose from, e.g. 2,4,8 or 2..8 (default 2..8)")
          ->delimiter(',');
  auto* objectives_option =
      explore
          ->add_option("--objectives", objectives,
                       "Objectives, at least two of energy, cycles, edp, memory, accuracy (default energy,accuracy)")
          ->delimiter(',');
  auto* sensitivity_option =
      explore->add_option("--sensitivity", sensitivity, "CSV layer,Weights,Inputs for the accuracy proxy");
  auto* population_option = explore->add_option("--population", population, "Population size (default 10)");
  auto* offspring_option = explore->add_option("--offspring", offspring, "Offspring per generation (default 10)");
  auto* generations_option = explore->add_option("--generations", generations, "Generations (default 25)");
  explore->add_flag("--exact-mapping", ex.exact_mapping,
                    "Run the full mapper for every (layer, bitwidths) pair instead of re-ranking a per-layer pool");

  std::string onnx_model, import_output, import_dims;
  auto* import = cli.add_subcommand("import", "Import the layers of an ONNX model as a network YAML");
  import->add_option("model", onnx_model, "ONNX model (.onnx)")->required();
  import->add_option("-o,--output", import_output, "Network YAML to write (bitwidths, if any, beside it as .bits.yaml)")
      ->required();
  import->add_option("--dim", import_dims, "Values of the model's symbolic dimensions, e.g. seq=128,batch=1");

  std::string convert_to = "v0.4", convert_output;
  auto* convert =
      cli.add_subcommand("convert", "Write the inputs in the other Timeloop form (v0.3 tree <-> v0.4 nodes)");
  convert->add_option("inputs", inputs, "YAML files, folders or templates (architecture, problem, mapping, ...)")
      ->required();
  convert->add_option("--to", convert_to, "v0.4 (default) or v0.3");
  convert->add_option("-o,--output", convert_output, "The file to write (one YAML file with every section)")
      ->required();
  add_template_variables(convert);

  auto* schema = cli.add_subcommand("schema", "Print the reference of every input key (Markdown: docs/inputs.md)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  if (schema->parsed()) {
    std::cout << app::input_reference();
    return 0;
  }
  qloop::cli::ProgressPrinter printer;
  auto control = qloop::cli::interruptible(printer);
  for (const auto& assignment : template_variables) {
    inputs.push_back(app::variable_source(assignment));
    net.arch_sources.push_back(app::variable_source(assignment));
  }
  try {
    net.overrides = search.overrides();
    if (!bits.empty()) net.bits = {bits};
    if (!assignments.empty()) net.set = app::variable_values(assignments);
    // Before any work: a run must not be lost to an output folder it cannot write.
    qloop::cli::check_writable(import->parsed()    ? std::filesystem::path(import_output).parent_path()
                               : convert->parsed() ? std::filesystem::path(convert_output).parent_path()
                                                   : std::filesystem::path(out_dir));
    if (convert->parsed()) return finish(app::convert_output(inputs, convert_to, convert_output, control), "");
    if (model->parsed()) return finish(app::model_output(app::run_model(inputs, control)), out_dir);
    if (energy->parsed()) return finish(app::energy_output(app::run_energy(inputs, control)), out_dir);
    if (import->parsed())
      return finish(
          app::import_output(app::run_import(onnx_model, app::dimension_values(import_dims), control), import_output),
          "");
    Output output;
    if (mapper->parsed()) output = app::mapper_output(app::run_mapper({inputs, search.overrides()}, control));
    if (network->parsed()) output = app::network_output(app::run_network(net, control));
    if (sweep->parsed()) output = app::sweep_output(app::run_sweep(net, control));
    if (explore->parsed()) {
      ex.network = net.network, ex.set = net.set, ex.arch_sources = net.arch_sources, ex.layers = net.layers;
      ex.densities = net.densities;
      ex.overrides = net.overrides;
      ex.seed = search.seed_value();
      ex.overrides.seed.reset();
      if (bits_set->count()) ex.bit_choices = app::bit_choices_named(bit_choices, "--bits-set");
      if (objectives_option->count()) ex.objectives = objectives;
      if (sensitivity_option->count()) ex.sensitivity_csv = sensitivity;
      if (population_option->count()) ex.population = population;
      if (offspring_option->count()) ex.offspring = offspring;
      if (generations_option->count()) ex.generations = generations;
      output = app::explore_output(app::run_explore(ex, control));
    }
    printer.finish();
    return finish(output, out_dir);
  } catch (const qloop::InputError& e) {
    printer.finish();
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    printer.finish();
    std::cerr << "internal error (a bug in qloop; please report it with the inputs): " << e.what() << "\n";
    return kExitInternalError;
  }
}
