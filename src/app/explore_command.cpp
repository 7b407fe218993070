#include "app/explore_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "app/network_commands.hpp"
#include "input/parse_sensitivity.hpp"
#include "report/html_report.hpp"
#include "report/network_report.hpp"
#include "util/error.hpp"

namespace qloop::app {

std::string explore_report_html(const std::string& explore_json_text) {
  try {
    return report::explore_html(nlohmann::ordered_json::parse(explore_json_text));
  } catch (const nlohmann::json::exception& e) {
    throw InputError("", "explore result", 0,
                     std::string("not an explore result (network, objectives, search, front, evaluated): ") + e.what());
  }
}

double accuracy_proxy_db(const std::vector<std::tuple<std::string, int, int>>& layers,
                         const std::map<std::string, LayerSensitivity>& sensitivity) {
  std::vector<std::pair<std::string, LayerBitwidths>> bits;
  for (const auto& [name, weights, inputs] : layers) {
    LayerBitwidths b;
    b.weights = weights, b.inputs = inputs;
    bits.emplace_back(name, b);
  }
  return quantization_noise_db(bits, sensitivity);
}

std::vector<int> bit_choices_named(const std::vector<std::string>& items, const std::string& where) {
  auto number = [&](const std::string& text) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      throw InputError("", where, 0, fmt::format("'{}' is no bitwidth; give numbers like 2,4,8 or a range 2..8", text));
    }
    return value;
  };
  std::vector<int> out;
  for (const auto& item : items) {
    auto dots = item.find("..");
    if (dots == std::string::npos) {
      out.push_back(number(item));
      continue;
    }
    int lo = number(item.substr(0, dots)), hi = number(item.substr(dots + 2));
    if (hi < lo || hi - lo > 64) throw InputError("", where, 0, fmt::format("'{}' is no range of bitwidths", item));
    for (int bits = lo; bits <= hi; ++bits) out.push_back(bits);
  }
  return out;
}

ExploreSettings explore_settings(const ExploreRequest& r) {
  ExploreSettings s;
  if (r.bit_choices) {
    s.bit_choices = *r.bit_choices;
    if (s.bit_choices.empty()) throw InputError("", "--bits-set", 0, "give at least one bitwidth");
    for (int bits : s.bit_choices) {
      if (bits < 1 || bits > 32)
        throw InputError("", "--bits-set", 0, fmt::format("{} is not a bitwidth of 1 to 32", bits));
    }
    std::sort(s.bit_choices.begin(), s.bit_choices.end());
    s.bit_choices.erase(std::unique(s.bit_choices.begin(), s.bit_choices.end()), s.bit_choices.end());
  }
  if (r.objectives) {
    s.objectives = parse_explore_objectives(*r.objectives, "--objectives");
    for (std::size_t i = 0; i < s.objectives.size(); ++i) {
      if (std::find(s.objectives.begin(), s.objectives.begin() + i, s.objectives[i]) != s.objectives.begin() + i) {
        throw InputError("", "--objectives", 0, fmt::format("'{}' is listed twice", (*r.objectives)[i]));
      }
    }
  }
  auto at_least = [](std::optional<int> value, int least, const char* option, int& into) {
    if (!value) return;
    if (*value < least) throw InputError("", option, 0, fmt::format("{}: give {} or more", *value, least));
    into = *value;
  };
  at_least(r.population, 2, "--population", s.population);
  at_least(r.offspring, 1, "--offspring", s.offspring);
  at_least(r.generations, 0, "--generations", s.generations);
  if (r.seed) s.seed = *r.seed;
  s.exact_mapping = r.exact_mapping;
  return s;
}

namespace {

std::string progress_line(const ExploreProgress& p, ExploreObjective first) {
  double left = p.generation > 0 ? p.seconds / p.generation * (p.generations - p.generation) : 0;
  return fmt::format("generation {}/{}, {} candidates, front {}, best {} {:.6g}, {} s, about {} s left", p.generation,
                     p.generations, p.evaluated, p.front_size, to_string(first), p.best_first_objective,
                     static_cast<int>(p.seconds), static_cast<int>(left));
}

}  // namespace

ExploreRun run_explore(const ExploreRequest& request, const RunControl& control) {
  ExploreRun run{
      load_network(request.network, request.set, request.layers, request.densities), explore_settings(request), {}};
  auto sensitivity = request.sensitivity;
  if (request.sensitivity_csv) sensitivity = input::load_sensitivity_csv(*request.sensitivity_csv, run.net);
  auto overrides = request.overrides;
  if (request.seed) overrides.seed = request.seed;
  auto setup = load_network_setup(request.arch_sources, overrides, control);
  setup.remote = request.remote;
  std::function<void(const ExploreProgress&)> progress;
  if (control.progress) {
    auto first = run.settings.objectives.front();
    progress = [&control, first](const ExploreProgress& p) { control.progress(progress_line(p, first)); };
  }
  auto accuracy = request.accuracy ? request.accuracy : noise_power_proxy(sensitivity);
  run.result = explore(run.net, setup, run.settings, accuracy, control.stop, progress);
  return run;
}

nlohmann::ordered_json explore_json(const ExploreRun& run) {
  return report::explore_json(run.result, run.net, run.settings);
}

Output explore_output(const ExploreRun& run) {
  Output out;
  auto json = explore_json(run);
  out.files = {{"pareto.csv", report::pareto_csv(run.result, run.net, run.settings)},
               {"explore.json", json.dump(2) + "\n"},
               {"report.html", report::explore_html(json)}};
  out.summary = report::explore_summary_text(run.result, run.settings);
  out.complete = !run.result.front.empty();
  return out;
}

}  // namespace qloop::app
