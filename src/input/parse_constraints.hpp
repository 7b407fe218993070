#pragma once
// Timeloop's mapper inputs: architecture_constraints / mapspace_constraints (also the older
// `mapspace: constraints:` and v0.4 `constraints:` forms) and the `mapper:` settings.

#include "arch/architecture.hpp"
#include "input/node_reader.hpp"
#include "input/yaml_document.hpp"
#include "search/constraints.hpp"
#include "search/mapper_settings.hpp"

namespace qloop::input {

// Merges every constraint section present in `doc`; absent sections constrain nothing.
Constraints parse_constraints(const YamlDocument& doc, const Workload& workload, const Architecture& arch);

// Defaults for everything not given.
MapperSettings parse_mapper_settings(const YamlDocument& doc);

}  // namespace qloop::input
