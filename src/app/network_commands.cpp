#include "app/network_commands.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "app/model_command.hpp"
#include "input/expression.hpp"
#include "input/load_inputs.hpp"
#include "input/parse_bitwidth_plan.hpp"
#include "input/parse_network.hpp"
#include "input/parse_sparse.hpp"
#include "input/yaml_document.hpp"
#include "report/html_report.hpp"
#include "report/network_report.hpp"
#include "util/error.hpp"

namespace qloop::app {

Network load_network(const std::string& source, const std::map<std::string, std::int64_t>& set,
                     const std::vector<std::string>& layers, const std::string& densities) {
  auto net = input::load_network_file(source, set);
  if (!densities.empty()) {
    auto given = input::parse_density_assignments(densities, "--density");
    for (auto& layer : net.layers) layer.densities = given;
  }
  if (layers.empty()) return net;
  std::vector<LayerSpec> kept;
  for (const auto& name : layers) {
    auto it = std::find_if(net.layers.begin(), net.layers.end(), [&](const auto& l) { return l.name == name; });
    if (it == net.layers.end()) throw InputError("", "--layers", 0, "no layer named '" + name + "' in " + net.name);
    kept.push_back(*it);
  }
  net.layers = std::move(kept);
  return net;
}

NetworkSearchSetup load_network_setup(const std::vector<std::string>& arch_sources, const SearchOverrides& overrides,
                                      const RunControl& control) {
  auto in = input::load_search_setup(arch_sources);
  tell_notes(in.notes, control);
  NetworkSearchSetup setup{std::move(in.architecture), std::move(in.settings), std::move(in.constraints_for), {}};
  apply(overrides, setup.settings, control.note);
  return setup;
}

std::map<std::string, std::int64_t> variable_values(const std::string& assignments) {
  return input::parse_assignments(assignments, "--set");
}

std::vector<BitwidthPlan> sweep_plans(const std::vector<std::string>& configurations) {
  if (configurations.empty()) throw InputError("", "--bits", 0, "give at least one configuration, e.g. W8A8,W4A8");
  std::vector<BitwidthPlan> plans;
  for (const auto& text : configurations) {
    auto more = parse_bitwidth_sweep(text, "--bits");
    plans.insert(plans.end(), more.begin(), more.end());
  }
  return plans;
}

std::string network_progress_line(const std::string& what, const NetworkProgress& p) {
  double left = p.jobs_done > 0 ? p.seconds / p.jobs_done * (p.jobs_total - p.jobs_done) : 0;
  return fmt::format("{}: {}/{} layer jobs mapped, {} s, about {} s left", what, p.jobs_done, p.jobs_total,
                     static_cast<int>(p.seconds), static_cast<int>(left));
}

namespace {

// Every tensor lives in the outermost memory whatever the mapping, so a bitwidth wider than
// its word is a mistake in the plan, not a property of mappings to search.
void check_plan_fits(const BitwidthPlan& plan, const Network& net, const Architecture& arch,
                     const std::string& source) {
  // A plan file is named as the file, a shorthand as the option.
  bool file = input::is_plan_file(source);
  auto fail = [&](const std::string& message) {
    throw InputError(file ? input::source_name(source) : "", file ? "bitwidths" : "--bits", 0, message);
  };
  const auto& outer = arch.storage.back();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    auto bits = plan.for_layer(net, i);
    const std::pair<const char*, int> tensors[] = {
        {"Weights", bits.weights}, {"Inputs", bits.inputs}, {"Outputs", bits.outputs}};
    for (const auto& [tensor, width] : tensors) {
      if (width <= outer.word_bits) continue;
      fail(
          fmt::format("{} ({}): {} at {} bits is wider than the {}-bit word of {}, which holds every tensor; give at "
                      "most {} bits",
                      plan.label.empty() ? "the plan" : plan.label, net.layers[i].name, tensor, width, outer.word_bits,
                      outer.name, outer.word_bits));
    }
    if (bits.weight_scales.group > 0 && bits.weight_scales.bits > outer.word_bits) {
      fail(
          fmt::format("{} ({}): {}-bit weight scales are wider than the {}-bit word of {}; give scale_bits of at "
                      "most {}",
                      plan.label.empty() ? "the plan" : plan.label, net.layers[i].name, bits.weight_scales.bits,
                      outer.word_bits, outer.name, outer.word_bits));
    }
  }
}

std::function<void(const NetworkProgress&)> progress_of(const std::string& what, const RunControl& control) {
  if (!control.progress) return {};
  return [what, &control](const NetworkProgress& p) { control.progress(network_progress_line(what, p)); };
}

}  // namespace

NetworkRun run_network(const NetworkRequest& request, const RunControl& control) {
  if (request.bits.size() > 1) throw InputError("", "--bits", 0, "give one bitwidth plan (a sweep takes several)");
  NetworkRun run{load_network(request.network, request.set, request.layers, request.densities), {}, {}};
  auto plan = request.bits.empty() ? BitwidthPlan{} : input::load_bitwidth_plan(request.bits.front(), run.net);
  run.setup = load_network_setup(request.arch_sources, request.overrides, control);
  check_plan_fits(plan, run.net, run.setup.architecture, request.bits.empty() ? "" : request.bits.front());
  LayerMappingCache cache;
  run.runs.push_back(map_network(run.net, plan, run.setup, cache, control.stop, progress_of(run.net.name, control)));
  return run;
}

NetworkRun run_sweep(const NetworkRequest& request, const RunControl& control) {
  NetworkRun run{load_network(request.network, request.set, request.layers, request.densities), {}, {}};
  auto plans = sweep_plans(request.bits);
  run.setup = load_network_setup(request.arch_sources, request.overrides, control);
  for (const auto& plan : plans) check_plan_fits(plan, run.net, run.setup.architecture, "--bits");
  LayerMappingCache cache;
  // Every configuration's layer jobs at once (in parallel), then each configuration's totals.
  map_layer_jobs(run.net, plans, run.setup, cache, control.stop, progress_of(run.net.name + " sweep", control));
  for (const auto& plan : plans) run.runs.push_back(map_network(run.net, plan, run.setup, cache, control.stop, {}));
  return run;
}

nlohmann::ordered_json network_json(const NetworkRun& run) {
  return report::network_json(run.runs.front(), run.setup.architecture);
}

nlohmann::ordered_json sweep_json(const NetworkRun& run) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& r : run.runs) out.push_back(report::network_json(r, run.setup.architecture));
  return out;
}

Output network_output(const NetworkRun& run) {
  const auto& result = run.runs.front();
  Output out;
  out.files = {{"network.json", network_json(run).dump(2) + "\n"},
               {"network.csv", report::network_csv(result, run.setup.architecture)},
               {"report.html", report::network_html(result, run.setup.architecture)}};
  out.summary = report::network_summary_text(result, run.setup.architecture);
  out.complete = result.complete;
  return out;
}

Output sweep_output(const NetworkRun& run) {
  Output out;
  out.files = {{"sweep.csv", report::sweep_csv(run.runs)},
               {"sweep.json", sweep_json(run).dump(2) + "\n"},
               {"report.html", report::sweep_html(run.runs, run.setup.architecture)}};
  out.summary = report::sweep_summary_text(run.runs);
  out.complete = std::all_of(run.runs.begin(), run.runs.end(), [](const auto& r) { return r.complete; });
  return out;
}

}  // namespace qloop::app
