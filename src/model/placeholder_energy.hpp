#pragma once
// Energies used when no ERT entry exists for a component. These are PLACEHOLDERS (the
// simple analytical forms of Timeloop's built-in "pat" model), reported as such in the
// stats; the built-in estimator issue replaces them with published, cited numbers.

#include "arch/architecture.hpp"

namespace qloop {

ActionEnergies placeholder_storage_energy(const StorageLevelSpec& level);
double placeholder_compute_energy(const ArithmeticSpec& arithmetic);

}  // namespace qloop
