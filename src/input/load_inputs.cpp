#include "input/load_inputs.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "estimate/estimator.hpp"
#include "input/parse_architecture.hpp"
#include "input/parse_constraints.hpp"
#include "input/parse_energy_tables.hpp"
#include "input/parse_mapping.hpp"
#include "input/parse_problem.hpp"
#include "input/parse_sparse.hpp"
#include "input/problems.hpp"
#include "input/schema.hpp"
#include "input/spelling.hpp"
#include "input/v04_front_end.hpp"
#include "input/yaml_document.hpp"
#include "util/error.hpp"
#include "workload/layer.hpp"

namespace qloop::input {

namespace {

// Top-level keys a Timeloop input set may carry. Sections qloop does not read for `model`
// (mapper settings, constraints, Accelergy compound components) are accepted and ignored.
NodeReader section(const YamlDocument& doc, const std::string& key, Problems& problems) {
  auto* found = doc.find(key);
  if (!found) {
    throw InputError("", key, 0, fmt::format("no input file has a top-level '{}' section", key));
  }
  return NodeReader(found->node, found->file, key, &problems);
}

void check_top_level(const YamlDocument& doc) {
  auto valid = key_names(schema("top"));
  for (const auto& [key, sec] : doc.sections) {
    bool known = false;
    for (const auto& name : valid) known = known || normalize_key(name) == key;
    if (known) continue;
    auto near = closest_name(key, valid);
    throw InputError(sec.file, key, 0,
                     near.empty()
                         ? fmt::format("unknown top-level key '{}'; valid keys: {}", key, fmt::join(valid, ", "))
                         : fmt::format("unknown top-level key '{}'; did you mean '{}'?", key, near));
  }
}

const double* find_action(const std::map<std::string, double>& actions, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = actions.find(name);
    if (it != actions.end()) return &it->second;
  }
  return nullptr;
}

double largest_action(const std::map<std::string, double>& actions) {
  double largest = 0;
  for (const auto& [name, energy] : actions) largest = std::max(largest, energy);
  return largest;
}

// Timeloop's mapping of storage operations onto ERT actions; an operation with no matching
// action is charged the component's most expensive action.
ActionEnergies energies_from_ert(const std::map<std::string, double>& actions, const StorageLevelSpec& level,
                                 CountingRules rules) {
  double fallback = largest_action(actions) / static_cast<double>(level.cluster_size);
  auto pick = [&](std::initializer_list<const char*> names) {
    auto* e = find_action(actions, names);
    return e ? *e : fallback;
  };
  ActionEnergies e;
  e.read_pJ = pick({"random_read", "read"});
  e.fill_pJ = pick({"random_fill", "write"});
  e.update_pJ = pick({"random_update", "random_fill", "write"});
  auto* leak = find_action(actions, {"leak"});
  e.leak_pJ = leak ? *leak : 0;  // not the fallback: a table without `leak` says nothing leaks
  // Sparseloop's accesses: the first action the table has, else nothing is charged. The
  // fork falls back on idle and plain accesses (topology.hpp of ac2aec7); Timeloop v4 only
  // on other gated names (NVlabs/timeloop include/model/topology.hpp).
  auto or_zero = [&](std::initializer_list<const char*> names) {
    auto* found = find_action(actions, names);
    return found ? *found : 0.0;
  };
  if (rules == CountingRules::kTimeloopV4) {
    e.update_pJ = pick({"random_update", "random_write", "update", "write"});
    e.fill_pJ = pick({"random_fill", "random_write", "fill", "write"});
    e.gated = {or_zero({"gated_read"}), or_zero({"gated_fill", "gated_write"}),
               or_zero({"gated_update", "gated_write"})};
    e.skipped = {or_zero({"skipped_read", "gated_read"}),
                 or_zero({"skipped_fill", "skipped_write", "gated_fill", "gated_write"}),
                 or_zero({"skipped_update", "skipped_write", "gated_update", "gated_write"})};
    e.metadata = {or_zero({"random_metadata_read", "metadata_read"}),
                  or_zero({"random_metadata_fill", "random_metadata_write", "metadata_fill", "metadata_write"}),
                  or_zero({"random_metadata_update", "random_metadata_write", "metadata_update", "metadata_write"})};
    e.gated_metadata = {or_zero({"gated_metadata_read"}), or_zero({"gated_metadata_fill", "gated_metadata_write"}),
                        or_zero({"gated_metadata_update", "gated_metadata_write"})};
    e.skipped_metadata = {
        or_zero({"skipped_metadata_read", "gated_metadata_read"}),
        or_zero({"skipped_metadata_fill", "skipped_metadata_write", "gated_metadata_fill", "gated_metadata_write"}),
        or_zero(
            {"skipped_metadata_update", "skipped_metadata_write", "gated_metadata_update", "gated_metadata_write"})};
  } else {
    e.gated = {or_zero({"gated_read", "idle", "read"}), or_zero({"gated_fill", "gated_write", "idle", "write"}),
               or_zero({"gated_update", "gated_write", "idle", "write"})};
    e.skipped = {or_zero({"skipped_read", "gated_read", "idle", "read"}),
                 or_zero({"skipped_fill", "skipped_write", "gated_write", "idle", "write"}),
                 or_zero({"skipped_update", "skipped_write", "gated_write", "idle", "write"})};
    e.metadata = {or_zero({"random_metadata_read", "metadata_read", "metadata_idle", "idle"}),
                  or_zero({"random_metadata_fill", "metadata_write", "metadata_idle", "idle"}),
                  or_zero({"random_metadata_update", "metadata_write", "metadata_idle", "idle"})};
    e.gated_metadata = {or_zero({"gated_metadata_read", "metadata_idle", "metadata_read"}),
                        or_zero({"gated_metadata_fill", "gated_metadata_write", "metadata_idle", "metadata_write"}),
                        or_zero({"gated_metadata_update", "gated_metadata_write", "metadata_idle", "metadata_write"})};
    e.skipped_metadata = {
        or_zero({"skipped_metadata_read", "metadata_idle", "metadata_read"}),
        or_zero({"skipped_metadata_fill", "skipped_metadata_write", "metadata_idle", "metadata_write"}),
        or_zero({"skipped_metadata_update", "skipped_metadata_write", "metadata_idle", "metadata_write"})};
  }
  e.decompression_pJ = or_zero({"decompression_count"});
  e.compression_pJ = or_zero({"compression_count"});
  e.source = EnergySource::kErt;
  return e;
}

// Without a table, the estimator prices a metadata access as a data access of the metadata
// storage's width, and a gated or skipped access at nothing (Sparseloop's defaults).
void estimate_metadata_energies(StorageLevelSpec& level) {
  if (level.metadata.width_bits <= 0) return;
  double data_bits = static_cast<double>(level.word_bits) * static_cast<double>(level.block_size);
  double scale = static_cast<double>(level.metadata.width_bits) / data_bits;
  auto& e = level.energy;
  e.metadata = {e.read_pJ * scale, e.fill_pJ * scale, e.update_pJ * scale};
}

// ERT/ART entries win; every component (or just its area) they do not cover gets the
// built-in estimate, which is computed only then (so an ERT makes the estimator's
// attribute checks moot for that component).
void resolve_storage(StorageLevelSpec& level, const EnergyTables& tables, CountingRules rules) {
  auto ert = tables.energy_pJ.find(level.name);
  auto art = tables.area_um2.find(level.name);
  bool has_ert = ert != tables.energy_pJ.end();
  bool has_art = art != tables.area_um2.end();
  if (!has_ert || !has_art) {
    auto estimate = estimate::estimate_storage(level);
    level.energy = ActionEnergies{};
    level.energy.read_pJ = estimate.read_pJ;
    level.energy.fill_pJ = estimate.write_pJ;
    level.energy.update_pJ = estimate.update_pJ;
    estimate_metadata_energies(level);
    level.area_um2 = estimate.area_um2;
    level.area_source = EnergySource::kEstimated;
    level.estimate_model = estimate.model;
  }
  if (has_ert) level.energy = energies_from_ert(ert->second, level, rules);
  if (has_art) {
    level.area_um2 = art->second;
    level.area_source = EnergySource::kErt;
  }
}

void resolve_compute(ArithmeticSpec& arith, const EnergyTables& tables) {
  auto ert = tables.energy_pJ.find(arith.name);
  auto art = tables.area_um2.find(arith.name);
  bool has_ert = ert != tables.energy_pJ.end();
  bool has_art = art != tables.area_um2.end();
  if (!has_ert || !has_art) {
    auto estimate = estimate::estimate_compute(arith);
    arith.energy_per_compute_pJ = estimate.energy_per_compute_pJ;
    arith.energy_source = EnergySource::kEstimated;
    arith.area_um2 = estimate.area_um2;
    arith.area_source = EnergySource::kEstimated;
    arith.estimate_model = estimate.model;
  }
  if (has_ert) {
    auto* e = find_action(ert->second, {"mac_random", "mult_random", "mac", "mult", "compute"});
    arith.energy_per_compute_pJ = e ? *e : largest_action(ert->second);
    auto or_zero = [&](std::initializer_list<const char*> names) {
      auto* found = find_action(ert->second, names);
      return found ? *found : 0.0;
    };
    arith.gated_compute_pJ = or_zero({"mac_gated", "mult_gated", "compute_gated", "mac", "mult", "compute"});
    arith.skipped_compute_pJ = or_zero({"mac_skipped", "mult_skipped", "compute_skipped", "mac_gated", "mult_gated",
                                        "compute_gated", "mac", "mult", "compute"});
    arith.energy_source = EnergySource::kErt;
  }
  if (has_art) {
    arith.area_um2 = art->second;
    arith.area_source = EnergySource::kErt;
  }
}

void apply_tables(Architecture& arch, const EnergyTables& tables) {
  for (auto& level : arch.storage) resolve_storage(level, tables, arch.rules);
  resolve_compute(arch.arithmetic, tables);
}

// A bit-serial unit streams Weights and/or Inputs: the workload must have them.
void check_bit_serial_operands(const Architecture& arch, const Workload& workload, const NodeReader& architecture) {
  auto mode = arch.arithmetic.bit_serial;
  auto require = [&](const char* tensor) {
    if (workload.find_data_space(tensor) < 0) {
      architecture.fail(fmt::format("compute '{}' is bit-serial in {}, but the problem has no tensor named {}",
                                    arch.arithmetic.name, tensor, tensor));
    }
  };
  if (mode == BitSerial::kWeights || mode == BitSerial::kBoth) require("Weights");
  if (mode == BitSerial::kInputs || mode == BitSerial::kBoth) require("Inputs");
}

// A v0.4 specification is counted by Timeloop v4's rules, older inputs by the fork's, unless
// `model: {counting_rules: ...}` chooses.
CountingRules rules_of(const YamlDocument& doc) {
  auto rules = doc.from_v04 ? CountingRules::kTimeloopV4 : CountingRules::kQuantizationFork;
  auto* model = doc.find("model");
  if (!model || !model->node.IsMap()) return rules;
  NodeReader reader(model->node, model->file, "model");
  auto chosen = reader.find("counting_rules");
  if (!chosen) return rules;
  auto name = chosen->as_string();
  if (name == "quantization-fork") return CountingRules::kQuantizationFork;
  if (name == "timeloop-v4") return CountingRules::kTimeloopV4;
  chosen->fail(fmt::format("'{}': the counting rules are quantization-fork or timeloop-v4", name));
}

// Architecture (with energies) and workload: what every command needs.
template <typename Inputs>
void load_common(const YamlDocument& doc, Inputs& inputs, Problems& problems) {
  check_top_level(doc);
  inputs.architecture = parse_architecture(section(doc, "architecture", problems), &inputs.notes);
  inputs.architecture.rules = rules_of(doc);
  inputs.workload = parse_problem(section(doc, "problem", problems), &inputs.notes);
  EnergyTables tables;
  if (doc.find("ERT")) parse_ert(section(doc, "ERT", problems), tables);
  if (doc.find("ART")) parse_art(section(doc, "ART", problems), tables);
  apply_tables(inputs.architecture, tables);
  check_bit_serial_operands(inputs.architecture, inputs.workload, section(doc, "architecture", problems));
  if (auto* sparse = doc.find("sparse_optimizations")) {
    parse_sparse_optimizations(NodeReader(sparse->node, sparse->file, "sparse_optimizations", &problems),
                               inputs.workload, inputs.architecture, inputs.notes);
  }
}

ArchitectureInputs read_architecture_inputs(const std::vector<std::string>& paths);
SearchSetup read_search_setup(const std::vector<std::string>& paths);

// The files as one document, v0.4 specifications turned into the tree form first.
YamlDocument load_document(const std::vector<std::string>& paths, std::vector<std::string>& notes) {
  auto doc = load_yaml_files(paths);
  if (is_v04(doc)) translate_v04(doc, notes);
  return doc;
}

// Runs `read` with any error of the YAML library turned into an InputError: every check
// above names its place, and this is the net under them (the fuzzers' findings end here).
template <typename Read>
auto guarded(const std::vector<std::string>& paths, Read read) {
  try {
    return read();
  } catch (const YAML::Exception& e) {
    std::string sources;
    for (const auto& p : paths) sources += (sources.empty() ? "" : ", ") + source_name(p);
    throw InputError(sources, "", e.mark.is_null() ? 0 : e.mark.line + 1, "cannot read this input: " + e.msg);
  }
}

}  // namespace

ModelInputs load_model_inputs(const std::vector<std::string>& paths) {
  return guarded(paths, [&] {
    std::vector<std::string> notes;
    auto doc = load_document(paths, notes);
    Problems problems;
    return problems.collect([&] {
      ModelInputs inputs;
      inputs.notes = notes;
      load_common(doc, inputs, problems);
      inputs.mapping = parse_mapping(section(doc, "mapping", problems), inputs.workload, inputs.architecture);
      return inputs;
    });
  });
}

ArchitectureInputs load_architecture_inputs(const std::vector<std::string>& paths) {
  return guarded(paths, [&] { return read_architecture_inputs(paths); });
}

SearchSetup load_search_setup(const std::vector<std::string>& paths) {
  return guarded(paths, [&] { return read_search_setup(paths); });
}

MapperInputs load_mapper_inputs(const std::vector<std::string>& paths) {
  return guarded(paths, [&] {
    std::vector<std::string> notes;
    auto doc = load_document(paths, notes);
    Problems problems;
    return problems.collect([&] {
      MapperInputs inputs;
      inputs.notes = notes;
      load_common(doc, inputs, problems);
      inputs.constraints = parse_constraints(doc, inputs.workload, inputs.architecture);
      inputs.notes.insert(inputs.notes.end(), inputs.constraints.ignored.begin(), inputs.constraints.ignored.end());
      inputs.settings = parse_mapper_settings(doc);
      return inputs;
    });
  });
}

namespace {

ArchitectureInputs read_architecture_inputs(const std::vector<std::string>& paths) {
  std::vector<std::string> notes;
  auto doc = load_document(paths, notes);
  check_top_level(doc);
  Problems problems;
  return problems.collect([&] {
    ArchitectureInputs inputs;
    inputs.notes = notes;
    inputs.architecture = parse_architecture(section(doc, "architecture", problems), &inputs.notes);
    inputs.architecture.rules = rules_of(doc);
    if (doc.find("ERT") || doc.find("ART")) {
      inputs.notes.push_back("ERT/ART inputs are not read here: these tables are the built-in estimates");
    }
    apply_tables(inputs.architecture, EnergyTables{});
    return inputs;
  });
}

SearchSetup read_search_setup(const std::vector<std::string>& paths) {
  std::vector<std::string> notes;
  auto doc = std::make_shared<YamlDocument>(load_document(paths, notes));
  check_top_level(*doc);
  Problems problems;
  return problems.collect([&] {
    SearchSetup setup;
    setup.notes = notes;
    setup.architecture = parse_architecture(section(*doc, "architecture", problems), &setup.notes);
    setup.architecture.rules = rules_of(*doc);
    EnergyTables tables;
    if (doc->find("ERT")) parse_ert(section(*doc, "ERT", problems), tables);
    if (doc->find("ART")) parse_art(section(*doc, "ART", problems), tables);
    apply_tables(setup.architecture, tables);
    if (auto* sparse = doc->find("sparse_optimizations")) {
      // A network's layers all have Weights, Inputs and Outputs: names are checked on one.
      parse_sparse_optimizations(NodeReader(sparse->node, sparse->file, "sparse_optimizations", &problems),
                                 layer_workload(LayerSpec{}, LayerBitwidths{}), setup.architecture, setup.notes);
    }
    setup.settings = parse_mapper_settings(*doc);
    if (doc->find("problem"))
      setup.notes.push_back("the 'problem' in these files is ignored: the network gives the layers");
    if (doc->find("mapping")) setup.notes.push_back("the 'mapping' in these files is ignored: every layer is searched");
    auto arch = setup.architecture;
    setup.constraints_for = [doc, arch](const Workload& workload) { return parse_constraints(*doc, workload, arch); };
    return setup;
  });
}

}  // namespace

}  // namespace qloop::input
