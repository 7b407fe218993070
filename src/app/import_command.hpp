#pragma once
// `qloop import`: an ONNX model's layers as a network file, and the bitwidths of its
// quantized layers as a plan beside it.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "app/output.hpp"
#include "app/run_control.hpp"
#include "import/onnx_import.hpp"

namespace qloop::app {

struct ImportRun {
  OnnxImport imported;
  std::string network_yaml;
  std::string bits_yaml;  // empty when no layer is quantized
};

ImportRun run_import(const std::string& model, const RunControl& control);
// {network_yaml, skipped: {operator: count}, notes[, bits_yaml]}
nlohmann::ordered_json import_json(const ImportRun& run);
// `network_file`, and the plan as <network_file stem>.bits.yaml beside it.
Output import_output(const ImportRun& run, const std::filesystem::path& network_file);

}  // namespace qloop::app
