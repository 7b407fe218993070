#pragma once
// Validate, then build: turns the merged YAML inputs into the domain objects the model
// reads. Nothing below this layer sees YAML.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "mapping/mapping.hpp"
#include "search/constraints.hpp"
#include "search/mapper_settings.hpp"
#include "workload/workload.hpp"

namespace qloop::input {

struct ModelInputs {
  Architecture architecture;  // with per-action energies and areas resolved
  Workload workload;
  Mapping mapping;
  std::vector<std::string> notes;  // things skipped or assumed, for the user to see
};

// Throws InputError on any problem with the inputs.
ModelInputs load_model_inputs(const std::vector<std::string>& paths);

struct ArchitectureInputs {
  Architecture architecture;  // energies and areas from the built-in estimator only
  std::vector<std::string> notes;
};

// Only the architecture (for `qloop energy`); other sections may be present and are ignored.
ArchitectureInputs load_architecture_inputs(const std::vector<std::string>& paths);

struct MapperInputs {
  Architecture architecture;
  Workload workload;
  Constraints constraints;
  MapperSettings settings;
  std::vector<std::string> notes;
};

// The same inputs without a mapping, plus constraints and mapper settings.
MapperInputs load_mapper_inputs(const std::vector<std::string>& paths);

// Everything but the problem, for mapping whole networks: the architecture (with energies),
// the mapper settings, and the constraints, which are resolved per layer because they name
// the layer's dimensions.
struct SearchSetup {
  Architecture architecture;
  MapperSettings settings;
  std::vector<std::string> notes;
  // Throws InputError when a constraint does not fit the workload (e.g. an unknown dimension).
  std::function<Constraints(const Workload&)> constraints_for;
};

// The files may also hold a `problem`, which is ignored (with a note).
SearchSetup load_search_setup(const std::vector<std::string>& paths);

}  // namespace qloop::input
