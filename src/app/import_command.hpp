#pragma once
// `qloop import`: an ONNX model's layers as a network file, and the bitwidths of its
// quantized layers as a plan beside it.

#include <cstdint>
#include <filesystem>
#include <map>
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

// `dims` binds the model's symbolic dimensions (--dim seq=128).
ImportRun run_import(const std::string& model, const std::map<std::string, std::int64_t>& dims,
                     const RunControl& control);
// "seq=128,batch=1" -> {seq: 128, batch: 1}; InputError (naming --dim) otherwise.
std::map<std::string, std::int64_t> dimension_values(const std::string& assignments);
// {network_yaml, skipped: {operator: count}, notes[, bits_yaml]}
nlohmann::ordered_json import_json(const ImportRun& run);
// `network_file`, and the plan as <network_file stem>.bits.yaml beside it.
Output import_output(const ImportRun& run, const std::filesystem::path& network_file);

}  // namespace qloop::app
