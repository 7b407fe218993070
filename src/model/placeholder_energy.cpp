#include "model/placeholder_energy.hpp"

namespace qloop {

ActionEnergies placeholder_storage_energy(const StorageLevelSpec& level) {
  double width_bits = static_cast<double>(level.word_bits * level.block_size);
  double per_access = 0;
  if (level.is_dram) {
    per_access = 200.0 * width_bits / 16.0;  // pat::DRAMEnergy
  } else {
    // pat::SRAMEnergy: linear between 0.5 KB -> 1 unit and 100 KB -> 6 units, per 16 bits.
    double depth = static_cast<double>(level.size_words.value_or(0)) / static_cast<double>(level.block_size);
    double kbytes = depth * width_bits / (8 * 1024);
    double units = (6.0 - 1.0) / (100.0 - 0.5) * (kbytes - 0.5) + 1.0;
    per_access = units * width_bits / 16.0;
  }
  ActionEnergies e;
  e.read_pJ = e.fill_pJ = e.update_pJ = per_access;
  e.source = EnergySource::kPlaceholder;
  return e;
}

double placeholder_compute_energy(const ArithmeticSpec& arithmetic) {
  double bits = static_cast<double>(arithmetic.word_bits);
  return (bits / 16.0) * (bits / 16.0);  // pat::MultiplierEnergy
}

}  // namespace qloop
