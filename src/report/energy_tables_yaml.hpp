#pragma once
// The energies and areas an architecture ended up with, written as Accelergy v0.3 ERT and
// ART files (which `qloop model` and Timeloop read back), and as a table for people.

#include <string>

#include "arch/architecture.hpp"

namespace qloop::report {

std::string ert_yaml(const Architecture& arch);
std::string art_yaml(const Architecture& arch);
// One line per component: class, per-action energies, area and where they came from.
std::string energy_table_text(const Architecture& arch);

}  // namespace qloop::report
