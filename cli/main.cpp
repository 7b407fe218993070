// qloop command-line interface: a thin layer over the library. Exit codes: 0 success,
// 2 bad input, 3 valid input but an invalid mapping (tiles do not fit, too many instances).

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "model/evaluate.hpp"
#include "report/json_report.hpp"
#include "report/text_report.hpp"
#include "spec/load_spec.hpp"
#include "util/error.hpp"

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitInvalidMapping = 3;

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << text;
}

int run_model(const std::vector<std::string>& inputs, const std::string& out_dir) {
  auto spec = qloop::spec::load_model_inputs(inputs);
  for (const auto& note : spec.notes) std::cerr << "note: " << note << "\n";
  auto result = qloop::evaluate(spec.architecture, spec.workload, spec.mapping);
  std::filesystem::create_directories(out_dir);
  std::filesystem::path dir(out_dir);
  write_file(dir / "qloop.stats.json", qloop::report::to_json(result).dump(2) + "\n");
  write_file(dir / "qloop.stats.txt",
             qloop::report::stats_text(result, spec.architecture, spec.workload, spec.mapping));
  write_file(dir / "qloop.map.txt", qloop::report::map_text(spec.architecture, spec.workload, spec.mapping));
  std::cout << qloop::report::summary_text(result);
  return result.valid ? 0 : kExitInvalidMapping;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"qloop: analytical model of DNN accelerators with mixed-precision quantization"};
  app.require_subcommand(1);
  std::vector<std::string> inputs;
  std::string out_dir = ".";
  auto* model = app.add_subcommand("model", "Evaluate one mapping of one workload on one architecture");
  model->add_option("inputs", inputs, "YAML files or folders (architecture, problem, mapping, ERT, ART)")->required();
  model->add_option("-o,--output", out_dir, "Output folder (default: current folder)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (model->parsed()) return run_model(inputs, out_dir);
  } catch (const qloop::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  return 0;
}
