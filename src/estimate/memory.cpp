#include "estimate/memory.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "estimate/technology.hpp"

namespace qloop::estimate {

namespace {

// Horowitz, ISSCC 2014 (45 nm): one 64-bit read from an SRAM of 8 KB costs 10 pJ, of 32 KB
// 20 pJ, of 1 MB 100 pJ. Between the points log-log interpolation; outside them the nearest
// segment's slope (about the square root of capacity, the length of word- and bitlines).
struct SramPoint {
  double kbytes;
  double pJ_per_64bit;
};
constexpr std::array<SramPoint, 3> kSramPoints = {{{8, 10}, {32, 20}, {1024, 100}}};

double sram_pJ_per_64bit(double kbytes) {
  std::size_t lower = kbytes > kSramPoints[1].kbytes ? 1 : 0;
  const auto& a = kSramPoints[lower];
  const auto& b = kSramPoints[lower + 1];
  double slope = std::log(b.pJ_per_64bit / a.pJ_per_64bit) / std::log(b.kbytes / a.kbytes);
  return a.pJ_per_64bit * std::pow(kbytes / a.kbytes, slope);
}

// Mistry et al., "A 45nm logic technology with high-k + metal gate transistors...", IEDM
// 2007: 6T SRAM cell of 0.346 um^2. Cell area only: decoders and sense amplifiers add to it.
constexpr double kSramCell45nm_um2 = 0.346;

// Chen, Emer, Sze, "Eyeriss: a spatial architecture for energy-efficient dataflow for CNNs",
// ISCA 2016, Table IV (normalised energy, 65 nm): one access to a 0.5 KB register file costs
// as much as one 16-bit MAC. Other capacities follow the SRAM's square-root law above.
constexpr double kEyerissRegfileBytes = 512;
constexpr int kEyerissWordBits = 16;

}  // namespace

EnergyArea sram_access(double capacity_bits, int width_bits, double node_nm) {
  double kbytes = capacity_bits / 8.0 / 1024.0;
  double energy45 = sram_pJ_per_64bit(kbytes) * width_bits / 64.0;
  return {scale_energy(energy45, kReferenceNode_nm, node_nm),
          scale_area(kSramCell45nm_um2 * capacity_bits, kReferenceNode_nm, node_nm)};
}

EnergyArea regfile_access(double capacity_bits, int width_bits, double node_nm) {
  double mac16 = int_mac({kEyerissWordBits, kEyerissWordBits}, node_nm).energy_pJ;
  double size_factor = std::sqrt(capacity_bits / 8.0 / kEyerissRegfileBytes);
  double energy = mac16 * size_factor * width_bits / kEyerissWordBits;
  // Every bit is a flip-flop.
  return {energy, register_bits(1, node_nm).area_um2 * capacity_bits};
}

const std::vector<DramKind>& dram_kinds() {
  static const std::vector<DramKind> kinds = {
      // Accelergy's DRAM table (Wu et al., ICCAD 2019): what Timeloop users get by default.
      {"LPDDR4", 8.0},
      // Horowitz, ISSCC 2014: 1.3-2.6 nJ per 64-bit DRAM access; the low end.
      {"DDR4", 20.3},
      // Accelergy's DRAM table.
      {"DDR3", 70.0},
      // O'Connor et al., "Fine-grained DRAM", MICRO 2017: GDDR5 about 14, HBM2 3.9 pJ/bit.
      {"GDDR5", 14.0},
      {"HBM2", 3.9},
      // Micron's GDDR6X introduction (2020) puts GDDR6 at 7.5 pJ/bit.
      {"GDDR6", 7.5},
  };
  return kinds;
}

std::optional<DramKind> find_dram_kind(const std::string& name) {
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "GENERIC" || upper == "DRAM") return default_dram_kind();
  for (const auto& kind : dram_kinds()) {
    if (upper == kind.name) return kind;
  }
  return std::nullopt;
}

const DramKind& default_dram_kind() { return dram_kinds().front(); }

EnergyArea dram_access(const DramKind& kind, int width_bits) { return {kind.pJ_per_bit * width_bits, 0.0}; }

}  // namespace qloop::estimate
