#pragma once
// Maps every layer of a network onto one architecture: the mapper per distinct
// (layer shape, bitwidths) pair, the pairs in parallel, and the layers' results added up
// (layers run one after another, so cycles add).

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "arch/architecture.hpp"
#include "network/bitwidth_plan.hpp"
#include "network/layer_job.hpp"
#include "network/layer_mapping.hpp"
#include "search/mapper.hpp"
#include "workload/layer.hpp"

namespace qloop {

// One layer search: the mapper on layer `layer` of the network at `bits`, one thread, the
// setup's settings, keeping `elite_size` best mappings (0: just the best).
struct LayerSearchRequest {
  std::size_t layer = 0;
  LayerBitwidths bits;
  std::size_t elite_size = 0;
};
// Runs layer searches elsewhere (qloop.dask: as tasks on a cluster) and returns, per request,
// the mapper's elite (elite_size > 0) or its best mapping alone; empty when nothing was valid.
// Run as described, the results are those of the local searches.
using LayerSearchRunner = std::function<std::vector<std::vector<Mapping>>(const std::vector<LayerSearchRequest>&)>;

// Everything the mapper needs besides the layer.
struct NetworkSearchSetup {
  Architecture architecture;
  MapperSettings settings;  // settings.threads = number of layer jobs run at once (0: all cores)
  std::function<Constraints(const Workload&)> constraints_for;  // empty: unconstrained
  LayerSearchRunner remote;                                     // empty: search here, on settings.threads threads
};

// The search a request describes, run here (what a remote worker runs for it).
std::vector<Mapping> run_layer_search(const Network& net, const LayerSearchRequest& request,
                                      const NetworkSearchSetup& setup, const std::atomic<bool>* stop);

struct LayerResult {
  LayerSpec layer;
  LayerBitwidths bits;
  std::shared_ptr<const LayerMapping> mapping;
  bool reused = false;  // an identical layer (shape and bitwidths) was mapped once for both
};

struct EnergyShare {
  std::string name;
  double energy_pJ = 0;
};

struct NetworkResult {
  std::string network;
  std::string label;  // the bitwidth plan's label
  std::vector<LayerResult> layers;
  bool complete = true;  // every layer has a valid mapping
  double energy_pJ = 0;
  std::uint64_t cycles = 0;
  std::uint64_t computes = 0;
  double edp = 0;                                // pJ x cycles of the whole network
  std::vector<EnergyShare> energy_by_component;  // arithmetic first, then storage inner -> outer
  std::vector<EnergyShare> energy_by_tensor;     // Weights, Inputs, Outputs (the slots)
  // By what the tensors are: weights (the Weights slot of every layer but attention),
  // activations (Inputs and Outputs of every layer, attention scores among them), kv (the
  // keys and values: the Weights slot of attention layers).
  std::vector<EnergyShare> energy_by_class;
  double weight_bytes = 0;           // all weights, packed into the outermost level's words
  double kv_bytes = 0;               // the KV cache (keys and values), packed likewise
  double peak_activation_bytes = 0;  // largest inputs + outputs of one layer, packed likewise
  int distinct_jobs = 0;             // layer jobs this run needed (before the cache)
  int mapped_jobs = 0;               // of which the mapper ran now (not found in the cache)
  double seconds = 0;
};

struct NetworkProgress {
  int jobs_done = 0;
  int jobs_total = 0;
  double seconds = 0;
};

// Maps every distinct layer job of `net` under each plan that the cache does not hold yet, all
// in parallel (a sweep's configurations at once), and caches the results.
void map_layer_jobs(const Network& net, const std::vector<BitwidthPlan>& plans, const NetworkSearchSetup& setup,
                    LayerMappingCache& cache, const std::atomic<bool>* stop,
                    const std::function<void(const NetworkProgress&)>& progress);

// `stop` (may be null) ends the remaining searches early (each keeps its best so far).
// Warm start: a layer's result is the better (by the mapper's objectives) of its own search
// and every cached mapping of the same layer shape found at bitwidths no narrower in any
// tensor, re-evaluated at this layer's bitwidths: such a mapping stays valid with fewer bits
// and costs no more, so narrowing a layer's bitwidths never makes its result worse.
NetworkResult map_network(const Network& net, const BitwidthPlan& plan, const NetworkSearchSetup& setup,
                          LayerMappingCache& cache, const std::atomic<bool>* stop,
                          const std::function<void(const NetworkProgress&)>& progress);

}  // namespace qloop
