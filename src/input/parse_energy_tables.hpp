#pragma once
// Accelergy's energy and area reference tables (ERT / ART), v0.2 and v0.3 forms.

#include <map>
#include <string>

#include "input/node_reader.hpp"

namespace qloop::input {

struct EnergyTables {
  // component name (last path element, instance range removed) -> action -> energy in pJ.
  // Each action's energy is the largest over its argument variants, as Timeloop charges it.
  std::map<std::string, std::map<std::string, double>> energy_pJ;
  std::map<std::string, double> area_um2;
};

// Both arguments may be absent (null readers are skipped).
void parse_ert(const NodeReader& ert, EnergyTables& tables);
void parse_art(const NodeReader& art, EnergyTables& tables);

// "System.Chip.PE.RegisterFile[0..15]" -> "RegisterFile"
std::string component_base_name(const std::string& path);

}  // namespace qloop::input
