#pragma once
// Helpers that build small designs from YAML text and evaluate them through the same path
// the CLI uses (parse -> evaluate).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "input/load_inputs.hpp"
#include "model/evaluate.hpp"

namespace qloop::testing {

inline std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("qloop-unit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

inline input::ModelInputs load_yaml(const std::vector<std::string>& texts) {
  std::vector<std::string> files;
  for (std::size_t i = 0; i < texts.size(); ++i)
    files.push_back(write_temp("input" + std::to_string(i) + ".yaml", texts[i]));
  return input::load_model_inputs(files);
}

// The same with mapper inputs (constraints and settings too).
inline input::MapperInputs load_mapper_yaml(const std::vector<std::string>& texts) {
  std::vector<std::string> files;
  for (std::size_t i = 0; i < texts.size(); ++i)
    files.push_back(write_temp("mapper-input" + std::to_string(i) + ".yaml", texts[i]));
  return input::load_mapper_inputs(files);
}

// A file of the bundled examples.
inline std::string example(const std::string& path) { return std::string(QLOOP_SOURCE_DIR) + "/examples/" + path; }

// A convolution (C, M, R, S, N, P, Q, unit strides) with `instance` (a YAML map, which may add
// bitwidths) on a bundled example design (its folder), with its constraints.
inline input::MapperInputs example_conv(const std::string& design, const std::string& instance) {
  return input::load_mapper_inputs(
      {example(design + "/arch.yaml"), example(design + "/constraints.yaml"), write_temp("conv.yaml", R"(
problem:
  shape:
    name: CNN-Layer
    dimensions: [C, M, R, S, N, P, Q]
    data-spaces:
    - {name: Weights, projection: [[[C]], [[M]], [[R]], [[S]]]}
    - {name: Inputs, projection: [[[N]], [[C]], [[R], [P]], [[S], [Q]]]}
    - {name: Outputs, projection: [[[N]], [[M]], [[Q]], [[P]]], read-write: true}
  instance: )" + instance + "\n")});
}
inline input::MapperInputs eyeriss_like_conv(const std::string& instance) {
  return example_conv("mapper-eyeriss-like", instance);
}

// AlexNet conv2 as `qloop network` lowers it (two groups: channel g * C + c) on the bundled
// Eyeriss-like design, with its constraints.
inline input::MapperInputs grouped_alexnet_conv2_on_the_eyeriss_like_design() {
  auto problem =
      write_temp("grouped-conv2.yaml",
                 "problem:\n  shape:\n    name: grouped-conv\n    dimensions: [G, C, M, R, S, N, P, Q]\n"
                 "    coefficients: [{name: Cgroup, default: 1}, {name: Mgroup, default: 1}]\n    data-spaces:\n"
                 "    - {name: Weights, projection: [[[G]], [[C]], [[M]], [[R]], [[S]]]}\n"
                 "    - {name: Inputs, projection: [[[N]], [[G, Cgroup], [C]], [[S], [Q]], [[R], [P]]]}\n"
                 "    - {name: Outputs, projection: [[[N]], [[G, Mgroup], [M]], [[Q]], [[P]]], read-write: true}\n"
                 "  instance: {G: 2, C: 48, M: 128, R: 5, S: 5, N: 1, P: 27, Q: 27, Cgroup: 48, Mgroup: 128}\n");
  return input::load_mapper_inputs(
      {example("mapper-eyeriss-like/arch.yaml"), example("mapper-eyeriss-like/constraints.yaml"), problem});
}

inline EvaluationResult evaluate_yaml(const std::vector<std::string>& texts) {
  auto inputs = load_yaml(texts);
  return evaluate(inputs.architecture, inputs.workload, inputs.mapping);
}

inline const StorageTensorStats& tensor_at(const EvaluationResult& r, const std::string& level,
                                           const std::string& tensor) {
  for (const auto& l : r.storage) {
    if (l.name != level) continue;
    for (const auto& t : l.tensors) {
      if (t.tensor == tensor) return t;
    }
  }
  throw std::runtime_error("no stats for " + tensor + " at " + level);
}

inline const NetworkTensorStats& network_at(const EvaluationResult& r, const std::string& name,
                                            const std::string& tensor) {
  for (const auto& n : r.networks) {
    if (n.name != name) continue;
    for (const auto& t : n.tensors) {
      if (t.tensor == tensor) return t;
    }
  }
  throw std::runtime_error("no network stats for " + tensor + " on " + name);
}

// 1-D convolution: Outputs[P] += Weights[R] * Inputs[Wstride*P + R].
inline std::string conv1d_problem(int r, int p, int stride = 1, const std::string& extra_instance = "") {
  return "problem:\n"
         "  shape:\n"
         "    name: conv1d\n"
         "    dimensions: [R, P]\n"
         "    coefficients: [{name: Wstride, default: 1}]\n"
         "    data-spaces:\n"
         "    - {name: Weights, projection: [[[R]]]}\n"
         "    - {name: Inputs, projection: [[[R], [P, Wstride]]]}\n"
         "    - {name: Outputs, projection: [[[P]]], read-write: true}\n"
         "  instance: {R: " +
         std::to_string(r) + ", P: " + std::to_string(p) + ", Wstride: " + std::to_string(stride) + extra_instance +
         "}\n";
}

// 1-D convolution with output (K) and input (C) channels.
inline std::string conv1d_channels_problem(int c, int k, int r, int p) {
  return "problem:\n"
         "  shape:\n"
         "    name: conv1d-channels\n"
         "    dimensions: [C, K, R, P]\n"
         "    data-spaces:\n"
         "    - {name: Weights, projection: [[[C]], [[K]], [[R]]]}\n"
         "    - {name: Inputs, projection: [[[C]], [[R], [P]]]}\n"
         "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
         "  instance: {C: " +
         std::to_string(c) + ", K: " + std::to_string(k) + ", R: " + std::to_string(r) + ", P: " + std::to_string(p) +
         "}\n";
}

// A row of 8 PEs under DRAM, each a 64-word register file and a MAC, with neighbour links
// along the row (meshX 8): sliding windows can pass from PE to PE.
inline std::string pe_row_arch() {
  return R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: MainMemory, class: DRAM, attributes: {width: 64, block-size: 8, word-bits: 8}}
    subtree:
    - name: PE[0..7]
      local:
      - {name: Buffer, class: regfile, attributes: {depth: 64, width: 8, block-size: 1, word-bits: 8, meshX: 8}}
      - {name: MACC, class: intmac, attributes: {datawidth: 8}}
)";
}

// One mapping, fixed by its constraints, where partial sums leave and come back across a
// fanout: MainMemory -> Buffer (keeps Outputs only) -> 2 RFs (1 output each) -> 2 MACs; a 1-D
// convolution of R 3 and P 4, 8-bit operands. for R 3 at MainMemory; for P 2, par-for P 2 at
// the Buffer. Each RF sees its outputs p, p + 2, p, p + 2, p, p + 2. `buffer_attributes`: more
// of the Buffer's attributes (", read_bandwidth: 1").
inline input::MapperInputs partial_sums_refetched_across_a_fanout(const std::string& buffer_attributes = "") {
  auto arch =
      "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
      "    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}\n"
      "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, word-bits: 8" +
      buffer_attributes +
      "}}\n"
      "    - {name: 'RF[0..1]', class: regfile, attributes: {depth: 4, width: 8, word-bits: 8}}\n"
      "    - {name: 'MACC[0..1]', class: intmac, attributes: {datawidth: 8}}\n";
  auto constraints =
      "mapspace_constraints:\n"
      "- {target: RF, type: temporal, factors: R=1 P=1}\n"
      "- {target: RF, type: bypass, keep: [Outputs], bypass: [Weights, Inputs]}\n"
      "- {target: Buffer, type: spatial, factors: R=1 P=2}\n"
      "- {target: Buffer, type: temporal, factors: R=1 P=2}\n"
      "- {target: Buffer, type: bypass, keep: [Outputs], bypass: [Weights, Inputs]}\n"
      "- {target: MainMemory, type: temporal, factors: R=3 P=1}\n";
  return load_mapper_yaml(
      {arch, conv1d_problem(3, 4, 1, ", bitwidths: {Weights: 8, Inputs: 8, Outputs: 8}"), constraints});
}

// One mapping, fixed by its constraints, where a convolution's inputs are read again from
// MainMemory because two of its loops there slide the window: MainMemory -> Buffer (keeps
// everything) -> one MAC; a 2-D convolution of R = S = 3 and P = Q = 4 (inputs 6 x 6), 8-bit
// operands. for Q 2, for P 2 at MainMemory (P inside); the Buffer's tile is R 3, S 3, P 2, Q 2
// (inputs 4 x 4). MainMemory's input reads, by hand: 16, then the P step brings 2 new rows of
// 4 (8), the Q step starts P's sweep again, whose first tile comes whole (only a 2 x 2 corner
// of it was in the last tile, which the model does not count as kept: 16), then another P
// step (8): 48, where the inputs are 36.
inline input::MapperInputs halo_read_again_under_two_sliding_loops() {
  auto arch =
      "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
      "    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}\n"
      "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, word-bits: 8}}\n"
      "    - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n";
  auto problem =
      "problem:\n  shape:\n    name: conv2d\n    dimensions: [R, S, P, Q]\n    data-spaces:\n"
      "    - {name: Weights, projection: [[[R]], [[S]]]}\n"
      "    - {name: Inputs, projection: [[[R], [P]], [[S], [Q]]]}\n"
      "    - {name: Outputs, projection: [[[P]], [[Q]]], read-write: true}\n"
      "  instance: {R: 3, S: 3, P: 4, Q: 4, bitwidths: {Weights: 8, Inputs: 8, Outputs: 8}}\n";
  auto constraints =
      "mapspace_constraints:\n"
      "- {target: Buffer, type: temporal, factors: R=3 S=3 P=2 Q=2, permutation: RSPQ}\n"
      "- {target: Buffer, type: bypass, keep: [Weights, Inputs, Outputs], bypass: []}\n"
      "- {target: MainMemory, type: temporal, factors: R=1 S=1 P=2 Q=2, permutation: PQRS}\n";
  return load_mapper_yaml({arch, problem, constraints});
}

// MainMemory (DRAM) above an optional Buffer, above `macs` MACs; energies from a tiny ERT:
// every DRAM access 100 pJ, every buffer access 1 pJ, every MAC 0.5 pJ.
inline std::string two_level_arch(int buffer_depth = 1024, int macs = 1, int word_bits = 8) {
  auto w = std::to_string(word_bits);
  return "architecture:\n"
         "  version: 0.3\n"
         "  subtree:\n"
         "  - name: System\n"
         "    local:\n"
         "    - {name: MainMemory, class: DRAM, attributes: {width: " +
         w + ", word-bits: " + w +
         "}}\n"
         "    - {name: Buffer, class: SRAM, attributes: {depth: " +
         std::to_string(buffer_depth) + ", width: " + w + ", word-bits: " + w +
         "}}\n"
         "    - {name: 'MACC[0.." +
         std::to_string(macs - 1) + "]', class: intmac, attributes: {datawidth: " + w + "}}\n";
}

inline std::string two_level_ert() {
  return "ERT:\n"
         "  version: 0.3\n"
         "  tables:\n"
         "  - name: System.MainMemory\n"
         "    actions: [{name: read, energy: 100}, {name: write, energy: 100}]\n"
         "  - name: System.Buffer\n"
         "    actions: [{name: read, arguments: {d: 0}, energy: 0.2}, {name: read, arguments: {d: 1}, energy: 1},\n"
         "              {name: write, energy: 1}]\n"
         "  - name: System.MACC\n"
         "    actions: [{name: mac_random, energy: 0.5}, {name: mac_gated, energy: 0.1}]\n";
}

}  // namespace qloop::testing
