// The built-in estimator: agreement with the reference ERTs of the shared conformance
// designs (within a factor of 2), and physical monotonicity in size, width, bitwidth and node.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "estimate/arithmetic.hpp"
#include "estimate/estimator.hpp"
#include "estimate/memory.hpp"
#include "estimate/technology.hpp"
#include "input/parse_energy_tables.hpp"
#include "input/yaml_document.hpp"
#include "model_fixture.hpp"
#include "util/error.hpp"

namespace qloop::testing {
namespace {

namespace fs = std::filesystem;
using estimate::EnergyArea;

// --- Technology ---------------------------------------------------------------------

TEST(Technology, node_spellings_parse_to_nanometres) {
  EXPECT_DOUBLE_EQ(*estimate::parse_technology("45nm").node_nm, 45);
  EXPECT_DOUBLE_EQ(*estimate::parse_technology("28 nm").node_nm, 28);
  EXPECT_DOUBLE_EQ(*estimate::parse_technology("0.045um").node_nm, 45);
  EXPECT_DOUBLE_EQ(*estimate::parse_technology("7").node_nm, 7);
  EXPECT_FALSE(estimate::parse_technology("").node_nm.has_value());
  EXPECT_TRUE(estimate::parse_technology("-1").ok);  // Accelergy's "not given"
  EXPECT_FALSE(estimate::parse_technology("fast").ok);
  EXPECT_FALSE(estimate::parse_technology("45 parsecs").ok);
}

TEST(Technology, tabulated_nodes_give_the_published_factors) {
  EXPECT_DOUBLE_EQ(estimate::energy_scale(45), 1.0);
  EXPECT_DOUBLE_EQ(estimate::energy_scale(32), 0.6593);
  EXPECT_DOUBLE_EQ(estimate::area_scale(7), 0.059);
  // 40 nm lies log-log between 45 nm (1) and 32 nm (0.6593): 0.6593^(ln(45/40)/ln(45/32)).
  EXPECT_NEAR(estimate::energy_scale(40), 0.86596, 1e-5);
}

TEST(Technology, energy_and_area_shrink_with_every_smaller_node) {
  const double nodes[] = {180, 130, 90, 65, 45, 40, 32, 28, 22, 20, 16, 14, 10, 7, 5};
  for (std::size_t i = 1; i < std::size(nodes); ++i) {
    EXPECT_LT(estimate::energy_scale(nodes[i]), estimate::energy_scale(nodes[i - 1])) << nodes[i];
    EXPECT_LT(estimate::area_scale(nodes[i]), estimate::area_scale(nodes[i - 1])) << nodes[i];
  }
}

// --- Arithmetic and memories ----------------------------------------------------------

TEST(Arithmetic, horowitz_anchors_are_reproduced_at_45nm) {
  EXPECT_DOUBLE_EQ(estimate::int_multiplier({8, 8}, 45).energy_pJ, 0.2);
  EXPECT_DOUBLE_EQ(estimate::int_adder(8, 45).energy_pJ, 0.03);
  EXPECT_NEAR(estimate::int_multiplier({32, 32}, 45).energy_pJ, 3.1, 3.1 * 0.05);
  EXPECT_NEAR(estimate::fp_multiplier(16, 45).energy_pJ, 1.1, 1e-12);
  EXPECT_NEAR(estimate::fp_adder(32, 45).energy_pJ, 0.9, 1e-12);
}

TEST(Arithmetic, mac_energy_grows_with_operand_bitwidth) {
  for (int bits = 2; bits <= 32; ++bits) {
    EXPECT_GT(estimate::int_mac({bits, bits}, 45).energy_pJ, estimate::int_mac({bits - 1, bits - 1}, 45).energy_pJ);
    EXPECT_GT(estimate::int_mac({8, bits}, 45).energy_pJ, estimate::int_mac({8, bits - 1}, 45).energy_pJ);
    EXPECT_GT(estimate::int_mac({bits, bits}, 45).area_um2, estimate::int_mac({bits - 1, bits - 1}, 45).area_um2);
  }
  EXPECT_GT(estimate::fp_mac(32, 45).energy_pJ, estimate::fp_mac(16, 45).energy_pJ);
  EXPECT_GT(estimate::fp_mac(16, 45).energy_pJ, estimate::fp_mac(8, 45).energy_pJ);
  // A floating-point MAC costs more than an integer one of the same width.
  EXPECT_GT(estimate::fp_mac(16, 45).energy_pJ, estimate::int_mac({16, 16}, 45).energy_pJ);
}

TEST(Memories, sram_energy_grows_with_capacity_and_width) {
  for (double kb = 1; kb <= 8192; kb *= 2) {
    double bits = kb * 8192;
    EXPECT_GT(estimate::sram_access(2 * bits, 64, 45).energy_pJ, estimate::sram_access(bits, 64, 45).energy_pJ);
    EXPECT_GT(estimate::sram_access(2 * bits, 64, 45).area_um2, estimate::sram_access(bits, 64, 45).area_um2);
  }
  for (int width = 8; width <= 512; width *= 2) {
    EXPECT_GT(estimate::sram_access(1 << 21, 2 * width, 45).energy_pJ,
              estimate::sram_access(1 << 21, width, 45).energy_pJ);
  }
  // Horowitz's anchors: a 64-bit read from 8 KB is 10 pJ, from 1 MB 100 pJ.
  EXPECT_NEAR(estimate::sram_access(8 * 8192, 64, 45).energy_pJ, 10, 1e-9);
  EXPECT_NEAR(estimate::sram_access(1024 * 8192, 64, 45).energy_pJ, 100, 1e-9);
}

TEST(Memories, register_file_energy_grows_with_capacity_and_width) {
  for (int depth = 4; depth <= 1024; depth *= 2) {
    EXPECT_GT(estimate::regfile_access(2.0 * depth * 16, 16, 45).energy_pJ,
              estimate::regfile_access(1.0 * depth * 16, 16, 45).energy_pJ);
    EXPECT_GT(estimate::regfile_access(depth * 32.0, 32, 45).energy_pJ,
              estimate::regfile_access(depth * 32.0, 16, 45).energy_pJ);
  }
  // Eyeriss's anchor: a 0.5 KB, 16-bit register file access costs one 16-bit MAC.
  EXPECT_DOUBLE_EQ(estimate::regfile_access(4096, 16, 65).energy_pJ, estimate::int_mac({16, 16}, 65).energy_pJ);
}

TEST(Memories, every_memory_gets_cheaper_at_a_smaller_node) {
  for (double node : {65.0, 45.0, 28.0, 16.0, 7.0}) {
    double smaller = node * 0.7;
    EXPECT_LT(estimate::sram_access(1 << 21, 64, smaller).energy_pJ,
              estimate::sram_access(1 << 21, 64, node).energy_pJ);
    EXPECT_LT(estimate::regfile_access(512, 8, smaller).energy_pJ, estimate::regfile_access(512, 8, node).energy_pJ);
    EXPECT_LT(estimate::int_mac({8, 8}, smaller).energy_pJ, estimate::int_mac({8, 8}, node).energy_pJ);
    EXPECT_LT(estimate::sram_access(1 << 21, 64, smaller).area_um2, estimate::sram_access(1 << 21, 64, node).area_um2);
  }
}

TEST(Memories, dram_kinds_are_ordered_by_published_energy_per_bit) {
  auto per_bit = [](const char* kind) { return estimate::find_dram_kind(kind)->pJ_per_bit; };
  EXPECT_LT(per_bit("HBM2"), per_bit("GDDR6"));
  EXPECT_LT(per_bit("GDDR6"), per_bit("LPDDR4"));
  EXPECT_LT(per_bit("LPDDR4"), per_bit("GDDR5"));
  EXPECT_LT(per_bit("GDDR5"), per_bit("DDR4"));
  EXPECT_LT(per_bit("DDR4"), per_bit("DDR3"));
  EXPECT_DOUBLE_EQ(per_bit("lpddr4"), 8.0);
  EXPECT_FALSE(estimate::find_dram_kind("SDR").has_value());
  EXPECT_DOUBLE_EQ(estimate::dram_access(*estimate::find_dram_kind("HBM2"), 64).energy_pJ, 3.9 * 64);
}

// --- The reference ERTs of the shared conformance designs --------------------------------

struct ReferenceComparison {
  std::string component;
  double estimated_pJ;
  double reference_pJ;
};

// Estimated vs reference per-access energy of every component of one conformance case.
std::vector<ReferenceComparison> compare_with_reference(const fs::path& case_dir) {
  auto arch = input::load_architecture_inputs({(case_dir / "arch.yaml").string()}).architecture;
  auto doc = input::load_yaml_files({(case_dir / "ERT.yaml").string()});
  input::EnergyTables tables;
  input::parse_ert(input::NodeReader(doc.find("ERT")->node, doc.find("ERT")->file, "ERT"), tables);
  std::vector<ReferenceComparison> out;
  for (const auto& level : arch.storage) {
    out.push_back({level.name, level.energy.read_pJ, tables.energy_pJ.at(level.name).at("read")});
    out.push_back({level.name + " write", level.energy.fill_pJ, tables.energy_pJ.at(level.name).at("write")});
  }
  out.push_back({arch.arithmetic.name, arch.arithmetic.energy_per_compute_pJ,
                 tables.energy_pJ.at(arch.arithmetic.name).at("mac_random")});
  return out;
}

std::vector<fs::path> conformance_cases() {
  std::vector<fs::path> cases;
  fs::path root = fs::path(QLOOP_SOURCE_DIR) / ".." / "shared" / "conformance";
  if (!fs::exists(root)) return cases;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (fs::exists(entry.path() / "ERT.yaml") && fs::exists(entry.path() / "arch.yaml")) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST(EstimatorVsReference, every_conformance_component_is_within_a_factor_of_two) {
  auto cases = conformance_cases();
  ASSERT_FALSE(cases.empty()) << "the shared conformance corpus is missing";
  int compared = 0;
  for (const auto& dir : cases) {
    for (const auto& c : compare_with_reference(dir)) {
      double ratio = c.estimated_pJ / c.reference_pJ;
      EXPECT_GE(ratio, 0.5) << dir.filename() << " " << c.component << ": " << c.estimated_pJ << " vs "
                            << c.reference_pJ;
      EXPECT_LE(ratio, 2.0) << dir.filename() << " " << c.component << ": " << c.estimated_pJ << " vs "
                            << c.reference_pJ;
      ++compared;
    }
  }
  EXPECT_GE(compared, 40);
}

TEST(EstimatorVsReference, per_access_energy_falls_from_dram_to_buffer_to_register_file) {
  int hierarchies = 0;
  for (const auto& dir : conformance_cases()) {
    auto arch = input::load_architecture_inputs({(dir / "arch.yaml").string()}).architecture;
    for (int level = 1; level < arch.num_storage_levels(); ++level) {
      EXPECT_GT(arch.storage[level].energy.read_pJ, arch.storage[level - 1].energy.read_pJ) << dir.filename();
    }
    if (arch.num_storage_levels() == 3) ++hierarchies;
  }
  EXPECT_GE(hierarchies, 4);
}

// --- Estimator input errors ---------------------------------------------------------------

std::string dram_and_buffer_arch(const std::string& dram_attributes, const std::string& technology) {
  return "architecture:\n"
         "  version: 0.3\n"
         "  subtree:\n"
         "  - name: System\n"
         "    attributes: {technology: " +
         technology +
         "}\n"
         "    local:\n"
         "    - {name: MainMemory, class: DRAM, attributes: {width: 64, word-bits: 8" +
         dram_attributes +
         "}}\n"
         "    - {name: Buffer, class: SRAM, attributes: {depth: 1024, width: 8, word-bits: 8}}\n"
         "    - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n";
}

TEST(EstimatorErrors, unknown_dram_type_names_the_component_and_the_known_types) {
  auto path = write_temp("arch.yaml", dram_and_buffer_arch(", type: SDR", "45nm"));
  try {
    input::load_architecture_inputs({path});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown DRAM type 'SDR'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("HBM2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'MainMemory'"), std::string::npos) << e.what();
    EXPECT_EQ(e.key_path(), "architecture.subtree[0].local[0]");
    EXPECT_GT(e.line(), 0);
  }
}

TEST(EstimatorErrors, unreadable_technology_is_an_input_error) {
  auto path = write_temp("arch.yaml", dram_and_buffer_arch("", "fast"));
  EXPECT_THROW(input::load_architecture_inputs({path}), InputError);
}

TEST(Estimator, dram_type_selects_the_energy_per_bit) {
  auto path = write_temp("arch.yaml", dram_and_buffer_arch(", type: HBM2", "45nm"));
  auto arch = input::load_architecture_inputs({path}).architecture;
  EXPECT_DOUBLE_EQ(arch.storage[1].energy.read_pJ, 3.9 * 64);
  EXPECT_EQ(arch.storage[1].energy.source, EnergySource::kEstimated);
}

TEST(Estimator, without_technology_components_are_estimated_at_45nm) {
  auto path = write_temp("arch.yaml", dram_and_buffer_arch("", "-1"));
  auto arch = input::load_architecture_inputs({path}).architecture;
  // 1 KB SRAM, 8-bit access: 10 pJ x (1/8)^0.5 per 64 bits (Horowitz's 8-32 KB slope), / 8.
  EXPECT_NEAR(arch.storage[0].energy.read_pJ, 10 * std::sqrt(1.0 / 8) / 8, 1e-9);
  EXPECT_NE(arch.storage[0].estimate_model.find("45 nm (default)"), std::string::npos);
}

std::string buffer_and_unit(const std::string& unit) {
  return "architecture:\n"
         "  version: 0.3\n"
         "  subtree:\n"
         "  - name: System\n"
         "    attributes: {technology: 45nm}\n"
         "    local:\n"
         "    - {name: Buffer, class: SRAM, attributes: {depth: 1024, width: 16, word-bits: 16}}\n"
         "    - " +
         unit + "\n";
}

// Register bit at 45 nm: Aladdin's 0.009 pJ (40 nm) / 0.86596 (the 40 nm energy factor).
constexpr double kRegisterBit45 = 0.009 / 0.86596;

TEST(Estimator, floating_point_mac_by_hand) {
  auto path = write_temp("arch.yaml", buffer_and_unit("{name: FMA, class: fpmac, attributes: {datawidth: 16}}"));
  auto arch = input::load_architecture_inputs({path}).architecture;
  // fp16 multiply 1.1 pJ + fp16 add 0.4 pJ (Horowitz) + 3 x 16 register bits.
  EXPECT_NEAR(arch.arithmetic.energy_per_compute_pJ, 1.1 + 0.4 + 48 * kRegisterBit45, 1e-4);
  EXPECT_NE(arch.arithmetic.estimate_model.find("floating-point MAC"), std::string::npos);
}

TEST(Estimator, bit_serial_unit_costs_one_bit_step_per_cycle) {
  auto path = write_temp(
      "arch.yaml", buffer_and_unit("{name: MACC, class: intmac, attributes: {datawidth: 16, bit_serial: weights}}"));
  auto arch = input::load_architecture_inputs({path}).architecture;
  // A 16 x 1 multiply (0.2 x 16/64), a 17-bit add (0.03 x 17/8) and 2 x 17 register bits.
  EXPECT_NEAR(arch.arithmetic.energy_per_compute_pJ, 0.2 * 16 / 64 + 0.03 * 17 / 8 + 34 * kRegisterBit45, 1e-4);
}

TEST(Estimator, an_ert_entry_overrides_the_estimate_only_for_its_component) {
  auto inputs = load_yaml({two_level_arch(), conv1d_problem(3, 16),
                           "mapping:\n- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RP}\n"
                           "- {target: MainMemory, type: temporal, factors: R=1 P=1, permutation: RP}\n",
                           "ERT:\n  version: 0.3\n  tables:\n  - name: System.PE.Buffer\n    actions:\n"
                           "    - {name: read, arguments: null, energy: 1.5}\n"
                           "    - {name: write, arguments: null, energy: 1.5}\n"});
  const auto& buffer = inputs.architecture.storage[0];
  EXPECT_EQ(buffer.energy.source, EnergySource::kErt);
  EXPECT_DOUBLE_EQ(buffer.energy.read_pJ, 1.5);
  EXPECT_EQ(buffer.area_source, EnergySource::kEstimated);
  EXPECT_EQ(inputs.architecture.storage[1].energy.source, EnergySource::kEstimated);
  EXPECT_EQ(inputs.architecture.arithmetic.energy_source, EnergySource::kEstimated);
}

}  // namespace
}  // namespace qloop::testing
