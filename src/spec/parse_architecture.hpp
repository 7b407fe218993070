#pragma once
#include "arch/architecture.hpp"
#include "spec/node_reader.hpp"

namespace qloop::spec {

// Parses Timeloop's v0.2/v0.3 architecture tree (`subtree` / `local`, `name[0..N]` instance
// ranges, attributes inherited down the tree). Energies are left to the energy tables.
Architecture parse_architecture(const NodeReader& architecture);

}  // namespace qloop::spec
