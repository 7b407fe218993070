#pragma once
// Per-access energy (pJ) and area (um^2) of on-chip memories and DRAM. Sources and fits:
// docs/energy.md.

#include <optional>
#include <string>
#include <vector>

#include "estimate/arithmetic.hpp"

namespace qloop::estimate {

// SRAM macro of `capacity_bits` accessed `width_bits` at a time; one access moves `width_bits`.
EnergyArea sram_access(double capacity_bits, int width_bits, double node_nm);

// Register file (flip-flop scratchpad) of `capacity_bits`, accessed `width_bits` at a time.
EnergyArea regfile_access(double capacity_bits, int width_bits, double node_nm);

// Off-chip DRAM kinds with a published energy per bit.
struct DramKind {
  const char* name;
  double pJ_per_bit;
};
const std::vector<DramKind>& dram_kinds();
// Case-insensitive; nullopt when unknown.
std::optional<DramKind> find_dram_kind(const std::string& name);
// The kind used when an architecture names none (Accelergy's default, so the same inputs
// give comparable numbers).
const DramKind& default_dram_kind();

// One access of `width_bits` to DRAM (interface and core, per bit; no on-chip area).
EnergyArea dram_access(const DramKind& kind, int width_bits);

}  // namespace qloop::estimate
