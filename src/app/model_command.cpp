#include "app/model_command.hpp"

#include "model/evaluate.hpp"
#include "report/energy_tables_yaml.hpp"
#include "report/json_report.hpp"
#include "report/text_report.hpp"

namespace qloop::app {

void tell_notes(const std::vector<std::string>& notes, const RunControl& control) {
  if (!control.note) return;
  for (const auto& note : notes) control.note(note);
}

ModelRun run_model(const std::vector<std::string>& sources, const RunControl& control) {
  ModelRun run{input::load_model_inputs(sources), {}};
  tell_notes(run.inputs.notes, control);
  run.result = evaluate(run.inputs.architecture, run.inputs.workload, run.inputs.mapping);
  return run;
}

nlohmann::ordered_json model_json(const ModelRun& run) { return report::to_json(run.result); }

Output model_output(const ModelRun& run) {
  const auto& in = run.inputs;
  Output out;
  out.files = {{"qloop.stats.json", model_json(run).dump(2) + "\n"},
               {"qloop.stats.txt", report::stats_text(run.result, in.architecture, in.workload, in.mapping)},
               {"qloop.map.txt", report::map_text(in.architecture, in.workload, in.mapping)}};
  out.summary = report::summary_text(run.result);
  out.complete = run.result.valid;
  return out;
}

input::ArchitectureInputs run_energy(const std::vector<std::string>& sources, const RunControl& control) {
  auto run = input::load_architecture_inputs(sources);
  tell_notes(run.notes, control);
  return run;
}

nlohmann::ordered_json energy_json(const input::ArchitectureInputs& run) {
  const auto& arch = run.architecture;
  auto components = nlohmann::ordered_json::array();
  for (int level = arch.num_storage_levels() - 1; level >= 0; --level) {
    const auto& s = arch.storage[level];
    components.push_back({{"name", s.name},
                          {"class", s.component_class},
                          {"read_pJ", s.energy.read_pJ},
                          {"write_pJ", s.energy.fill_pJ},
                          {"update_pJ", s.energy.update_pJ},
                          {"area_um2", s.area_um2},
                          {"model", s.estimate_model}});
  }
  const auto& a = arch.arithmetic;
  components.push_back({{"name", a.name},
                        {"class", a.component_class},
                        {"energy_per_compute_pJ", a.energy_per_compute_pJ},
                        {"area_um2", a.area_um2},
                        {"model", a.estimate_model}});
  return {{"components", components}, {"ert_yaml", report::ert_yaml(arch)}, {"art_yaml", report::art_yaml(arch)}};
}

Output energy_output(const input::ArchitectureInputs& run) {
  Output out;
  out.files = {{"ERT.yaml", report::ert_yaml(run.architecture)}, {"ART.yaml", report::art_yaml(run.architecture)}};
  out.summary = report::energy_table_text(run.architecture);
  return out;
}

}  // namespace qloop::app
