#pragma once
#include "arch/architecture.hpp"
#include "input/node_reader.hpp"
#include "mapping/mapping.hpp"

namespace qloop::input {

// Parses Timeloop's `mapping:` list of directives (temporal / spatial / datatype|bypass).
// Unspecified factors are 1; a permutation may leave out dimensions whose factor is 1.
Mapping parse_mapping(const NodeReader& mapping, const Workload& workload, const Architecture& arch);

}  // namespace qloop::input
