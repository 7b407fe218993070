#include "estimate/estimator.hpp"

#include <fmt/format.h>

#include "estimate/arithmetic.hpp"
#include "estimate/memory.hpp"
#include "estimate/technology.hpp"
#include "util/error.hpp"

namespace qloop::estimate {

namespace {

[[noreturn]] void fail(const ComponentOrigin& origin, const std::string& message) {
  throw InputError(origin.file, origin.key_path, origin.line, message);
}

double node_of(const std::string& technology, const ComponentOrigin& origin, const std::string& name) {
  auto parsed = parse_technology(technology);
  if (!parsed.ok) {
    fail(origin,
         fmt::format("'{}': technology '{}' is not a node size; expected e.g. 45nm, 28nm or 7nm", name, technology));
  }
  return parsed.node_nm.value_or(kDefaultNode_nm);
}

std::string node_text(const std::string& technology, double node_nm) {
  return technology.empty() || technology == "-1" ? fmt::format("{:g} nm (default)", node_nm)
                                                  : fmt::format("{:g} nm", node_nm);
}

bool is_register_file(const StorageLevelSpec& level) {
  return level.component_class.find("regfile") != std::string::npos ||
         level.component_class.find("RF") != std::string::npos;
}

StorageEstimate estimate_dram(const StorageLevelSpec& level, int width_bits) {
  auto kind = level.dram_kind.empty() ? default_dram_kind() : find_dram_kind(level.dram_kind).value_or(DramKind{});
  if (kind.name == nullptr) {
    std::string known;
    for (const auto& k : dram_kinds()) known += (known.empty() ? "" : ", ") + std::string(k.name);
    fail(level.origin, fmt::format("'{}': unknown DRAM type '{}'; known: {}", level.name, level.dram_kind, known));
  }
  auto access = dram_access(kind, width_bits);
  StorageEstimate e;
  e.read_pJ = e.write_pJ = e.update_pJ = access.energy_pJ;
  e.model = fmt::format("{} DRAM, {:g} pJ/bit, {}-bit access", kind.name, kind.pJ_per_bit, width_bits);
  return e;
}

}  // namespace

StorageEstimate estimate_storage(const StorageLevelSpec& level) {
  int width_bits = level.word_bits * static_cast<int>(level.block_size);
  if (level.is_dram) return estimate_dram(level, width_bits);
  // Accelergy's dummy_storage (the level Timeloop's v0.4 front end adds for a mesh, which keeps
  // nothing) costs nothing and takes no area.
  if (level.component_class == "dummy_storage") {
    StorageEstimate e;
    e.model = "dummy storage: no energy, no area";
    return e;
  }
  double node = node_of(level.technology, level.origin, level.name);
  double capacity_bits = static_cast<double>(level.size_words.value_or(0)) * level.word_bits;
  bool regfile = is_register_file(level);
  auto access =
      regfile ? regfile_access(capacity_bits, width_bits, node) : sram_access(capacity_bits, width_bits, node);
  StorageEstimate e;
  // Writes cost as much as reads (the anchors give reads only); an update is one write of
  // the accumulated value (the read of the old one is charged as a read by the model).
  e.read_pJ = e.write_pJ = e.update_pJ = access.energy_pJ;
  e.area_um2 = access.area_um2;
  e.model = fmt::format("{} {:g} B, {}-bit access, {}", regfile ? "register file" : "SRAM", capacity_bits / 8,
                        width_bits, node_text(level.technology, node));
  return e;
}

double mac_energy_pJ(const ArithmeticSpec& arithmetic, const std::vector<int>& operand_bits) {
  // Every part of the MAC scales alike with the node, so ratios of this do not depend on it.
  double node = kReferenceNode_nm;
  if (arithmetic.floating_point) {
    int widest = 0;
    for (int bits : operand_bits) widest = std::max(widest, bits);
    return fp_mac(widest, node).energy_pJ;
  }
  return int_mac(operand_bits, node).energy_pJ;
}

ComputeEstimate estimate_compute(const ArithmeticSpec& arithmetic) {
  double node = node_of(arithmetic.technology, arithmetic.origin, arithmetic.name);
  int bits = arithmetic.word_bits;
  // A bit-serial unit does one bit step per cycle: a multiplier one bit wide in the
  // streamed operand(s), the accumulator and registers as usual.
  int weight_bits = bits, input_bits = bits;
  if (arithmetic.bit_serial == BitSerial::kWeights || arithmetic.bit_serial == BitSerial::kBoth) weight_bits = 1;
  if (arithmetic.bit_serial == BitSerial::kInputs || arithmetic.bit_serial == BitSerial::kBoth) input_bits = 1;
  auto unit = arithmetic.floating_point ? fp_mac(bits, node) : int_mac({input_bits, weight_bits}, node);
  ComputeEstimate e;
  e.energy_per_compute_pJ = unit.energy_pJ;
  e.area_um2 = unit.area_um2;
  e.model = fmt::format("{} MAC, {}-bit operands{}, {}", arithmetic.floating_point ? "floating-point" : "integer", bits,
                        arithmetic.bit_serial == BitSerial::kNone ? "" : " (bit-serial: one bit step)",
                        node_text(arithmetic.technology, node));
  return e;
}

}  // namespace qloop::estimate
