#pragma once
// Imports the layers of an ONNX model (Conv incl. groups, Gemm, MatMul incl. batched and
// attention products of two activations, and their quantized forms QLinearConv /
// QLinearMatMul / MatMulInteger or QuantizeLinear-DequantizeLinear pairs) into a Network,
// with per-layer bitwidths where the model's quantization says them. Every other operator is
// listed as skipped, never dropped silently.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "network/bitwidth_plan.hpp"
#include "workload/layer.hpp"

namespace qloop {

struct OnnxImport {
  Network network;
  BitwidthPlan bitwidths;                  // per_layer entries for quantized layers only
  std::map<std::string, int> skipped_ops;  // operator type -> count
  std::vector<std::string> notes;          // e.g. layers whose shape had to be assumed
};

// `dims` binds the model's symbolic dimensions (e.g. {"seq", 128}); one the model does not
// declare is an input error. Throws InputError (naming the file and the node) for unreadable
// models and for layers whose shapes cannot be determined, naming a symbolic dimension left
// unbound.
OnnxImport import_onnx(const std::string& path, const std::map<std::string, std::int64_t>& dims = {});

}  // namespace qloop
