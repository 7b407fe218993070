#include "app/import_command.hpp"

#include <fmt/format.h>

#include "app/model_command.hpp"
#include "input/expression.hpp"
#include "report/network_yaml.hpp"
#include "util/error.hpp"

namespace qloop::app {

ImportRun run_import(const std::string& model, const std::map<std::string, std::int64_t>& dims,
                     const RunControl& control) {
  for (const auto& [name, value] : dims) {
    if (value < 1) throw InputError("", "--dim", 0, fmt::format("{}={}: a dimension is at least 1", name, value));
  }
  ImportRun run{import_onnx(model, dims), {}, {}};
  tell_notes(run.imported.notes, control);
  run.network_yaml = report::network_yaml(run.imported.network, run.imported.skipped_ops);
  if (!run.imported.bitwidths.per_layer.empty()) run.bits_yaml = report::bitwidth_plan_yaml(run.imported.bitwidths);
  return run;
}

std::map<std::string, std::int64_t> dimension_values(const std::string& assignments) {
  if (assignments.empty()) return {};
  return input::parse_assignments(assignments, "--dim");
}

nlohmann::ordered_json import_json(const ImportRun& run) {
  nlohmann::ordered_json out = {
      {"network_yaml", run.network_yaml}, {"skipped", run.imported.skipped_ops}, {"notes", run.imported.notes}};
  if (!run.bits_yaml.empty()) out["bits_yaml"] = run.bits_yaml;
  return out;
}

Output import_output(const ImportRun& run, const std::filesystem::path& network_file) {
  Output out;
  out.files = {{network_file, run.network_yaml}};
  const auto& net = run.imported.network;
  out.summary =
      fmt::format("Imported {} layers ({} MACs) into {}\n", net.layers.size(), net.macs(), network_file.string());
  if (!run.imported.skipped_ops.empty()) {
    out.summary += "Skipped operators:";
    for (const auto& [op, count] : run.imported.skipped_ops) out.summary += fmt::format(" {} x{}", op, count);
    out.summary += "\n";
  }
  if (!run.bits_yaml.empty()) {
    auto plan = network_file;
    plan.replace_extension(".bits.yaml");
    out.files.push_back({plan, run.bits_yaml});
    out.summary += fmt::format("Bitwidths of {} quantized layers: {} (use with --bits)\n",
                               run.imported.bitwidths.per_layer.size(), plan.string());
  }
  return out;
}

}  // namespace qloop::app
