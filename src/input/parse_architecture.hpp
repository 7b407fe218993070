#pragma once
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "input/node_reader.hpp"

namespace qloop::input {

// Parses Timeloop's v0.2/v0.3 architecture tree (`subtree` / `local`, `name[0..N]` instance
// ranges, attributes inherited down the tree). Energies are left to the energy tables.
// Components that are neither storage nor compute are skipped; `notes` (if given) says so.
Architecture parse_architecture(const NodeReader& architecture, std::vector<std::string>* notes = nullptr);

}  // namespace qloop::input
