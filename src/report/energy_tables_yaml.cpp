#include "report/energy_tables_yaml.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace qloop::report {

namespace {

void emit_action(YAML::Emitter& out, const char* name, double energy_pJ) {
  out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "arguments" << YAML::Value << YAML::Null;
  out << YAML::Key << "energy" << YAML::Value << energy_pJ << YAML::EndMap;
}

// Outermost first, as Accelergy lists them; the compute unit last.
template <typename StorageFn, typename ComputeFn>
void for_each_component(const Architecture& arch, StorageFn storage, ComputeFn compute) {
  for (int level = arch.num_storage_levels() - 1; level >= 0; --level) storage(arch.storage[level]);
  compute(arch.arithmetic);
}

std::string with_header(const char* comment, const YAML::Emitter& out) {
  return std::string(comment) + out.c_str() + "\n";
}

std::string source_text(EnergySource energy, EnergySource area, const std::string& model) {
  std::string text =
      energy == area ? to_string(energy) : fmt::format("energy {}, area {}", to_string(energy), to_string(area));
  return model.empty() ? text : text + ": " + model;
}

}  // namespace

std::string ert_yaml(const Architecture& arch) {
  YAML::Emitter out;
  out.SetDoublePrecision(8);
  out << YAML::BeginMap << YAML::Key << "ERT" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << "0.3";
  out << YAML::Key << "tables" << YAML::Value << YAML::BeginSeq;
  for_each_component(
      arch,
      [&](const StorageLevelSpec& level) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << level.component_path;
        out << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
        emit_action(out, "read", level.energy.read_pJ);
        emit_action(out, "write", level.energy.fill_pJ);
        emit_action(out, "update", level.energy.update_pJ);
        out << YAML::EndSeq << YAML::EndMap;
      },
      [&](const ArithmeticSpec& arith) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << arith.component_path;
        out << YAML::Key << "actions" << YAML::Value << YAML::BeginSeq;
        emit_action(out, "mac_random", arith.energy_per_compute_pJ);
        out << YAML::EndSeq << YAML::EndMap;
      });
  out << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return with_header("# Energy per action in pJ (storage: per vector access of word-bits x block-size).\n", out);
}

std::string art_yaml(const Architecture& arch) {
  YAML::Emitter out;
  out.SetDoublePrecision(8);
  out << YAML::BeginMap << YAML::Key << "ART" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << "0.3";
  out << YAML::Key << "tables" << YAML::Value << YAML::BeginSeq;
  auto entry = [&](const std::string& name, double area) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name;
    out << YAML::Key << "area" << YAML::Value << area << YAML::EndMap;
  };
  for_each_component(
      arch, [&](const StorageLevelSpec& level) { entry(level.component_path, level.area_um2); },
      [&](const ArithmeticSpec& arith) { entry(arith.component_path, arith.area_um2); });
  out << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
  return with_header("# Area of one instance in um^2.\n", out);
}

std::string energy_table_text(const Architecture& arch) {
  std::string text = fmt::format("{:<28} {:<10} {:>12} {:>12} {:>12} {:>14}  {}\n", "component", "class", "read_pJ",
                                 "write_pJ", "update_pJ", "area_um2", "source");
  for_each_component(
      arch,
      [&](const StorageLevelSpec& level) {
        text += fmt::format("{:<28} {:<10} {:>12.5g} {:>12.5g} {:>12.5g} {:>14.6g}  {}\n", level.name,
                            level.component_class, level.energy.read_pJ, level.energy.fill_pJ, level.energy.update_pJ,
                            level.area_um2, source_text(level.energy.source, level.area_source, level.estimate_model));
      },
      [&](const ArithmeticSpec& arith) {
        text += fmt::format("{:<28} {:<10} {:>12.5g} {:>12} {:>12} {:>14.6g}  {}\n", arith.name, arith.component_class,
                            arith.energy_per_compute_pJ, "-", "-", arith.area_um2,
                            source_text(arith.energy_source, arith.area_source, arith.estimate_model));
      });
  return text;
}

}  // namespace qloop::report
