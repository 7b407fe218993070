#pragma once
// Multi-objective search over per-layer bitwidths (NSGA-II, Deb et al., IEEE TEVC 2002):
// genes are each layer's (Inputs, Weights) bits from a set; a layer's Outputs take the next
// layer's Inputs bits (the last layer's its own Inputs bits). Every candidate network is
// mapped layer by layer, with (layer, bitwidths) results cached across the whole search.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "network/map_network.hpp"

namespace qloop {

enum class ExploreObjective { kEnergy, kCycles, kEdp, kMemory, kAccuracy };
const char* to_string(ExploreObjective objective);
// "energy", "cycles" (or "delay"), "edp", "memory", "accuracy"; at least two. Throws
// InputError (key `where`) naming the accepted ones.
std::vector<ExploreObjective> parse_explore_objectives(const std::vector<std::string>& names, const std::string& where);

// Per-layer sensitivity to quantization noise, for the accuracy proxy (1 where not given).
struct LayerSensitivity {
  double weights = 1;
  double inputs = 1;
};

// Estimated accuracy loss of a bitwidth assignment (lower is better). The built-in proxy
// is below; a real evaluator (e.g. a quantized model's validation run) can replace it.
using AccuracyEvaluator = std::function<double(const Network&, const std::vector<LayerBitwidths>&)>;

// The quantization noise of the whole network relative to its signal, in dB (lower is
// better): 10 log10 of the sum over layers and operands of sensitivity x 2^(-2 bits), each
// term the noise power of a uniform b-bit quantizer of a full-scale signal relative to that
// signal (about 2^-2b: Widrow and Kollar, 2008), the terms added as independent noises do.
// One 8-bit operand alone: -48.2 dB; each bit less adds 6.02 dB. A sum of 0 (every
// sensitivity 0) reads -300 dB.
AccuracyEvaluator noise_power_proxy(std::map<std::string, LayerSensitivity> sensitivity);
// The same for named layers' bitwidths (layer name, weights bits, inputs bits).
double quantization_noise_db(const std::vector<std::pair<std::string, LayerBitwidths>>& layers,
                             const std::map<std::string, LayerSensitivity>& sensitivity);

struct ExploreSettings {
  std::vector<int> bit_choices = {2, 3, 4, 5, 6, 7, 8};
  std::vector<ExploreObjective> objectives = {ExploreObjective::kEnergy, ExploreObjective::kAccuracy};
  int population = 10;
  int offspring = 10;
  int generations = 25;
  std::uint64_t seed = 1;
  // false: each layer shape is searched twice (all operands at the widest and at the narrowest
  // choice), keeping `pool_size` best mappings of each search; a (layer, bitwidths) job then
  // takes the best of that pool re-evaluated at its bitwidths (every widest-bit mapping stays
  // valid at fewer bits). true: the full mapper for every (layer, bitwidths) job.
  bool exact_mapping = false;
  std::size_t pool_size = 32;
};

struct ExploreCandidate {
  std::vector<LayerBitwidths> bits;  // per layer
  std::vector<double> objectives;    // as ExploreSettings::objectives, all minimised
  double energy_pJ = 0;
  std::uint64_t cycles = 0;
  double memory_bytes = 0;  // packed weights + largest layer's packed activations
  double accuracy_loss = 0;
  bool complete = true;
};

struct ExploreProgress {
  int generation = 0;  // 0 = the initial population
  int generations = 0;
  std::size_t evaluated = 0;  // distinct candidates so far
  std::size_t front_size = 0;
  double best_first_objective = 0;
  double seconds = 0;
};

struct ExploreResult {
  std::vector<ExploreCandidate> front;      // non-dominated among all evaluated, by first objective
  std::vector<ExploreCandidate> evaluated;  // every distinct candidate, in evaluation order
  std::size_t layer_jobs = 0;               // distinct (layer, bitwidths) results computed
  double seconds = 0;
};

// True when `a` is no worse than `b` in every objective and better in one.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

ExploreResult explore(const Network& net, const NetworkSearchSetup& setup, const ExploreSettings& settings,
                      const AccuracyEvaluator& accuracy, const std::atomic<bool>* stop,
                      const std::function<void(const ExploreProgress&)>& progress);

}  // namespace qloop
