#pragma once
// `qloop model`: one mapping of one workload on one architecture, evaluated.
// `qloop energy`: the per-action energies and areas of an architecture's components.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/output.hpp"
#include "app/run_control.hpp"
#include "input/load_inputs.hpp"
#include "model/stats.hpp"

namespace qloop::app {

struct ModelRun {
  input::ModelInputs inputs;
  EvaluationResult result;
};

// `sources`: files, folders or inline sources (architecture, problem, mapping, ERT, ART).
ModelRun run_model(const std::vector<std::string>& sources, const RunControl& control);
// qloop.stats.json
nlohmann::ordered_json model_json(const ModelRun& run);
// qloop.stats.json, qloop.stats.txt, qloop.map.txt; incomplete when the mapping is invalid.
Output model_output(const ModelRun& run);

input::ArchitectureInputs run_energy(const std::vector<std::string>& sources, const RunControl& control);
// {components: [{name, class, read_pJ, write_pJ, update_pJ | energy_per_compute_pJ, area_um2, model}],
//  ert_yaml, art_yaml}
nlohmann::ordered_json energy_json(const input::ArchitectureInputs& run);
// ERT.yaml, ART.yaml
Output energy_output(const input::ArchitectureInputs& run);

// Passes the inputs' notes to the caller.
void tell_notes(const std::vector<std::string>& notes, const RunControl& control);

}  // namespace qloop::app
