#include "network/map_network.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "model/evaluate.hpp"
#include "model/packing.hpp"
#include "util/parallel_for.hpp"

namespace qloop {

namespace {

struct Job {
  LayerJobKey key;
  std::size_t layer = 0;
  LayerBitwidths bits;
  Workload workload;
  Constraints constraints;
  std::shared_ptr<const LayerMapping> result;
};

LayerMapping run_job(const Job& job, const NetworkSearchSetup& setup, const std::atomic<bool>* stop) {
  auto settings = setup.settings;
  settings.threads = 1;  // parallel across layers; one thread each keeps every job deterministic
  auto found = run_mapper(setup.architecture, job.workload, job.constraints, settings, stop, {});
  LayerMapping out;
  out.found = found.found;
  out.report = found.report;
  if (found.found) {
    out.mapping = found.best;
    out.stats = found.stats;
  }
  return out;
}

void run_jobs(std::vector<Job*>& todo, const NetworkSearchSetup& setup, const std::atomic<bool>* stop,
              const std::function<void(int)>& done) {
  parallel_for(
      todo.size(), setup.settings.threads,
      [&](std::size_t i) { todo[i]->result = std::make_shared<const LayerMapping>(run_job(*todo[i], setup, stop)); },
      [&](std::size_t finished) {
        if (done) done(static_cast<int>(finished));
      });
}

double packed_bytes(std::uint64_t operands, int bits, int word_bits, GroupScales scales = {}) {
  auto packing = pack(bits > 0 ? std::optional<int>(bits) : std::nullopt, word_bits, scales);
  if (!packing.fits) return static_cast<double>(operands) * bits / 8.0;  // wider than a word: bits as they are
  return static_cast<double>(words_for(operands, packing)) * word_bits / 8.0;
}

void add_totals(NetworkResult& result, const Architecture& arch) {
  result.energy_by_component.push_back({arch.arithmetic.name, 0});
  for (const auto& level : arch.storage) result.energy_by_component.push_back({level.name, 0});
  result.energy_by_tensor = {{"Weights", 0}, {"Inputs", 0}, {"Outputs", 0}};
  result.energy_by_class = {{"weights", 0}, {"activations", 0}, {"kv", 0}};
  int word_bits = arch.storage.back().word_bits;
  for (const auto& layer : result.layers) {
    const auto& l = layer.layer;
    (l.attention() ? result.kv_bytes : result.weight_bytes) +=
        packed_bytes(l.weight_count(), layer.bits.weights, word_bits, layer.bits.weight_scales);
    result.peak_activation_bytes =
        std::max(result.peak_activation_bytes, packed_bytes(l.input_count(), layer.bits.inputs, word_bits) +
                                                   packed_bytes(l.output_count(), layer.bits.outputs, word_bits));
    if (!layer.mapping->found) {
      result.complete = false;
      continue;
    }
    const auto& stats = layer.mapping->stats;
    result.energy_pJ += stats.summary.energy_pJ;
    result.cycles += stats.summary.cycles;
    result.computes += stats.summary.computes;
    result.energy_by_component[0].energy_pJ += stats.arithmetic.energy_pJ;
    for (std::size_t i = 0; i < stats.storage.size(); ++i) {
      result.energy_by_component[i + 1].energy_pJ += stats.storage[i].energy_pJ;
      for (const auto& t : stats.storage[i].tensors) {
        for (auto& share : result.energy_by_tensor) {
          if (share.name == t.tensor) share.energy_pJ += t.energy_pJ;
        }
        bool weights_slot = t.tensor == "Weights";
        result.energy_by_class[weights_slot ? (l.attention() ? 2 : 0) : 1].energy_pJ += t.energy_pJ;
      }
    }
  }
  result.edp = result.energy_pJ * static_cast<double>(result.cycles);
}

}  // namespace

namespace {

// 0 (native) means as wide as the word: wider than any bitwidth.
bool no_narrower(int donor, int target) { return donor == 0 || (target != 0 && donor >= target); }

// The warm-started result of one layer job (see map_network's comment).
std::shared_ptr<const LayerMapping> warm_started(const LayerSpec& layer, const LayerBitwidths& bits,
                                                 std::shared_ptr<const LayerMapping> own,
                                                 const NetworkSearchSetup& setup, const LayerMappingCache& cache) {
  std::shared_ptr<LayerMapping> improved;
  std::optional<Workload> workload;
  EvaluationWorkspace workspace;
  for (const auto& [donor_bits, donor] : cache.same_shape(shape_key(layer))) {
    if (!donor->found || donor == own) continue;
    if (!no_narrower(donor_bits.weights, bits.weights) || !no_narrower(donor_bits.inputs, bits.inputs) ||
        !no_narrower(donor_bits.outputs, bits.outputs) || donor_bits.weight_scales != bits.weight_scales) {
      continue;
    }
    if (!workload) workload = layer_workload(layer, bits);
    if (!improved) improved = std::make_shared<LayerMapping>(*own);
    adopt_if_better(*improved, donor->mapping, *workload, setup.architecture, setup.settings.objectives, workspace);
  }
  if (improved && improved->warm_started) return improved;
  return own;
}

}  // namespace

std::vector<Mapping> run_layer_search(const Network& net, const LayerSearchRequest& request,
                                      const NetworkSearchSetup& setup, const std::atomic<bool>* stop) {
  auto workload = layer_workload(net.layers.at(request.layer), request.bits);
  auto constraints = setup.constraints_for
                         ? setup.constraints_for(workload)
                         : Constraints::unconstrained(setup.architecture.num_storage_levels(), workload);
  auto settings = setup.settings;
  settings.threads = 1;
  settings.elite_size = request.elite_size;
  auto found = run_mapper(setup.architecture, workload, constraints, settings, stop, {});
  if (request.elite_size > 0) return found.elite;
  if (!found.found) return {};
  return {found.best};
}

namespace {

// The remote runner's answer for a job, as a local search would have produced it.
std::shared_ptr<const LayerMapping> mapping_from(const std::vector<Mapping>& found, const Workload& workload,
                                                 const NetworkSearchSetup& setup) {
  auto out = std::make_shared<LayerMapping>();
  out->source = LayerMappingSource::kRemote;
  if (found.empty()) {
    return out;
  }
  out->found = true;
  out->mapping = found.front();
  out->stats = evaluate(setup.architecture, workload, out->mapping);
  return out;
}

}  // namespace

void map_layer_jobs(const Network& net, const std::vector<BitwidthPlan>& plans, const NetworkSearchSetup& setup,
                    LayerMappingCache& cache, const std::atomic<bool>* stop,
                    const std::function<void(const NetworkProgress&)>& progress) {
  auto start = std::chrono::steady_clock::now();
  // Distinct jobs not cached yet, in plan and layer order; constraints resolved on one thread.
  std::map<LayerJobKey, std::unique_ptr<Job>> jobs;
  std::vector<Job*> todo;
  for (const auto& plan : plans) {
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      auto bits = plan.for_layer(net, i);
      auto key = job_key(net.layers[i], bits);
      if (jobs.count(key) || cache.find(key)) continue;
      auto job = std::make_unique<Job>();
      job->key = key;
      job->layer = i;
      job->bits = bits;
      job->workload = layer_workload(net.layers[i], bits);
      if (!setup.remote) {
        job->constraints = setup.constraints_for
                               ? setup.constraints_for(job->workload)
                               : Constraints::unconstrained(setup.architecture.num_storage_levels(), job->workload);
      }
      todo.push_back(job.get());
      jobs.emplace(key, std::move(job));
    }
  }
  auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  if (setup.remote && !todo.empty()) {
    std::vector<LayerSearchRequest> requests;
    for (auto* job : todo) requests.push_back({job->layer, job->bits, 0});
    auto found = setup.remote(requests);
    for (std::size_t k = 0; k < todo.size(); ++k) todo[k]->result = mapping_from(found.at(k), todo[k]->workload, setup);
    if (progress) progress({static_cast<int>(todo.size()), static_cast<int>(todo.size()), seconds()});
  } else {
    run_jobs(todo, setup, stop, [&](int done) {
      if (progress) progress({done, static_cast<int>(todo.size()), seconds()});
    });
  }
  for (auto* job : todo) cache.insert(job->key, job->result);
}

NetworkResult map_network(const Network& net, const BitwidthPlan& plan, const NetworkSearchSetup& setup,
                          LayerMappingCache& cache, const std::atomic<bool>* stop,
                          const std::function<void(const NetworkProgress&)>& progress) {
  auto start = std::chrono::steady_clock::now();
  NetworkResult result;
  result.network = net.name;
  result.label = plan.label;
  std::set<LayerJobKey> distinct, missing;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    auto key = job_key(net.layers[i], plan.for_layer(net, i));
    distinct.insert(key);
    if (!cache.find(key)) missing.insert(key);
  }
  map_layer_jobs(net, {plan}, setup, cache, stop, progress);
  result.distinct_jobs = static_cast<int>(distinct.size());
  result.mapped_jobs = static_cast<int>(missing.size());
  std::map<LayerJobKey, std::shared_ptr<const LayerMapping>> finals;
  std::set<LayerJobKey> seen;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    auto bits = plan.for_layer(net, i);
    auto key = job_key(net.layers[i], bits);
    bool reused = !seen.insert(key).second;
    if (!finals.count(key)) finals[key] = warm_started(net.layers[i], bits, cache.find(key), setup, cache);
    result.layers.push_back({net.layers[i], bits, finals[key], reused});
  }
  add_totals(result, setup.architecture);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace qloop
