#include "network/explore.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <limits>
#include <random>
#include <set>

#include "model/evaluate.hpp"
#include "util/error.hpp"
#include "util/parallel_for.hpp"

namespace qloop {

const char* to_string(ExploreObjective objective) {
  switch (objective) {
    case ExploreObjective::kEnergy:
      return "energy_pJ";
    case ExploreObjective::kCycles:
      return "cycles";
    case ExploreObjective::kEdp:
      return "edp";
    case ExploreObjective::kMemory:
      return "memory_bytes";
    case ExploreObjective::kAccuracy:
      return "accuracy_loss";
  }
  return "?";
}

std::vector<ExploreObjective> parse_explore_objectives(const std::vector<std::string>& names,
                                                       const std::string& where) {
  std::vector<ExploreObjective> out;
  for (const auto& name : names) {
    if (name == "energy")
      out.push_back(ExploreObjective::kEnergy);
    else if (name == "cycles" || name == "delay")
      out.push_back(ExploreObjective::kCycles);
    else if (name == "edp")
      out.push_back(ExploreObjective::kEdp);
    else if (name == "memory")
      out.push_back(ExploreObjective::kMemory);
    else if (name == "accuracy")
      out.push_back(ExploreObjective::kAccuracy);
    else
      throw InputError("", where, 0,
                       "unknown objective '" + name + "'; expected energy, cycles, edp, memory or accuracy");
  }
  if (out.size() < 2) throw InputError("", where, 0, "give at least two objectives");
  return out;
}

double quantization_noise_db(const std::vector<std::pair<std::string, LayerBitwidths>>& layers,
                             const std::map<std::string, LayerSensitivity>& sensitivity) {
  double noise = 0;
  for (const auto& [name, bits] : layers) {
    LayerSensitivity s;
    if (auto it = sensitivity.find(name); it != sensitivity.end()) s = it->second;
    noise += s.weights * std::exp2(-2.0 * bits.weights) + s.inputs * std::exp2(-2.0 * bits.inputs);
  }
  return 10 * std::log10(std::max(noise, 1e-30));
}

AccuracyEvaluator noise_power_proxy(std::map<std::string, LayerSensitivity> sensitivity) {
  return [sensitivity = std::move(sensitivity)](const Network& net, const std::vector<LayerBitwidths>& bits) {
    std::vector<std::pair<std::string, LayerBitwidths>> layers;
    for (std::size_t i = 0; i < net.layers.size(); ++i) layers.emplace_back(net.layers[i].name, bits[i]);
    return quantization_noise_db(layers, sensitivity);
  };
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool strictly = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

namespace {

using Clock = std::chrono::steady_clock;

// A genome: per layer, indices into bit_choices for Inputs and Weights.
struct Genome {
  std::vector<int> inputs, weights;
  bool operator<(const Genome& o) const { return std::tie(inputs, weights) < std::tie(o.inputs, o.weights); }
  bool operator==(const Genome& o) const = default;
};

std::vector<LayerBitwidths> bits_of(const Genome& g, const std::vector<int>& choices) {
  std::size_t n = g.inputs.size();
  std::vector<LayerBitwidths> bits(n);
  for (std::size_t i = 0; i < n; ++i) {
    bits[i].inputs = choices[g.inputs[i]];
    bits[i].weights = choices[g.weights[i]];
    bits[i].outputs = choices[g.inputs[i + 1 < n ? i + 1 : i]];
  }
  return bits;
}

BitwidthPlan plan_of(const Network& net, const std::vector<LayerBitwidths>& bits) {
  BitwidthPlan plan;
  plan.label = "candidate";
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    plan.per_layer[net.layers[i].name] = {bits[i].weights, bits[i].inputs, bits[i].outputs};
  }
  return plan;
}

// The fast mode's per-shape pools of good mappings, and the (layer, bitwidths) jobs re-ranked
// from them.
class PooledLayerMapper {
 public:
  PooledLayerMapper(const Network& net, const NetworkSearchSetup& setup, const ExploreSettings& settings,
                    const std::atomic<bool>* stop)
      : setup_(setup) {
    int lo = *std::min_element(settings.bit_choices.begin(), settings.bit_choices.end());
    int hi = *std::max_element(settings.bit_choices.begin(), settings.bit_choices.end());
    struct Search {
      std::size_t layer;
      LayerBitwidths bits;
    };
    std::vector<Search> searches;
    for (std::size_t i = 0; i < net.layers.size(); ++i) {
      if (!pools_.emplace(shape_key(net.layers[i]), std::vector<Mapping>{}).second) continue;
      searches.push_back({i, {hi, hi, hi}});
      if (lo != hi) searches.push_back({i, {lo, lo, lo}});
    }
    std::vector<LayerSearchRequest> requests;
    for (const auto& s : searches) requests.push_back({s.layer, s.bits, settings.pool_size});
    std::vector<std::vector<Mapping>> found(searches.size());
    if (setup.remote) {
      found = setup.remote(requests);
    } else {
      // Constraints are resolved on this thread (the YAML they come from is not shared).
      std::vector<Constraints> constraints;
      for (const auto& s : searches)
        constraints.push_back(constraints_for(layer_workload(net.layers[s.layer], s.bits)));
      parallel_for(searches.size(), setup.settings.threads, [&](std::size_t k) {
        auto one = setup;
        one.constraints_for = [&constraints, k](const Workload&) { return constraints[k]; };
        found[k] = run_layer_search(net, requests[k], one, stop);
      });
    }
    for (std::size_t k = 0; k < searches.size(); ++k) {
      auto& pool = pools_.at(shape_key(net.layers[searches[k].layer]));
      pool.insert(pool.end(), found[k].begin(), found[k].end());
    }
  }

  // The best pool mapping of the layer at these bitwidths.
  LayerMapping map(const LayerSpec& layer, const LayerBitwidths& bits) const {
    auto workload = layer_workload(layer, bits);
    LayerMapping best;
    best.source = LayerMappingSource::kPool;
    EvaluationWorkspace workspace;
    for (const auto& mapping : pools_.at(shape_key(layer))) {
      adopt_if_better(best, mapping, workload, setup_.architecture, setup_.settings.objectives, workspace);
    }
    best.warm_started = false;  // the pool is this job's own search
    return best;
  }

 private:
  Constraints constraints_for(const Workload& w) const {
    return setup_.constraints_for ? setup_.constraints_for(w)
                                  : Constraints::unconstrained(setup_.architecture.num_storage_levels(), w);
  }
  const NetworkSearchSetup& setup_;
  std::map<LayerShapeKey, std::vector<Mapping>> pools_;
};

struct Evaluator {
  const Network& net;
  const NetworkSearchSetup& setup;
  const ExploreSettings& settings;
  const AccuracyEvaluator& accuracy;
  const std::atomic<bool>* stop;
  LayerMappingCache cache;
  std::unique_ptr<PooledLayerMapper> pooled;
  std::map<Genome, ExploreCandidate> seen;
  std::vector<Genome> order;  // evaluation order

  // Evaluates every genome not seen yet; their layer jobs first, all at once in parallel.
  void evaluate_all(const std::vector<Genome>& genomes) {
    std::vector<Genome> fresh;
    for (const auto& g : genomes) {
      if (!seen.count(g) && std::find(fresh.begin(), fresh.end(), g) == fresh.end()) fresh.push_back(g);
    }
    // The layer jobs are mapped in the background while this thread measures the candidates'
    // accuracy (a measured evaluator, such as a model's validation run from Python, must run
    // on the calling thread): the two take the time of the longer, not of both.
    auto mapping = std::async(std::launch::async, [&] {
      if (pooled) {
        prefetch_pooled_jobs(fresh);
      } else {
        // Every new candidate's layer jobs at once: in parallel here, or as one batch remotely.
        std::vector<BitwidthPlan> plans;
        for (const auto& g : fresh) plans.push_back(plan_of(net, bits_of(g, settings.bit_choices)));
        map_layer_jobs(net, plans, setup, cache, stop, {});
      }
    });
    std::vector<double> losses;
    for (const auto& g : fresh) losses.push_back(accuracy ? accuracy(net, bits_of(g, settings.bit_choices)) : 0);
    mapping.get();
    for (std::size_t k = 0; k < fresh.size(); ++k) {
      seen[fresh[k]] = candidate(fresh[k], losses[k]);
      order.push_back(fresh[k]);
    }
  }

  void prefetch_pooled_jobs(const std::vector<Genome>& genomes) {
    std::map<LayerJobKey, std::pair<std::size_t, LayerBitwidths>> missing;
    for (const auto& g : genomes) {
      auto bits = bits_of(g, settings.bit_choices);
      for (std::size_t i = 0; i < net.layers.size(); ++i) {
        auto key = job_key(net.layers[i], bits[i]);
        if (!cache.find(key)) missing.emplace(key, std::make_pair(i, bits[i]));
      }
    }
    std::vector<std::pair<LayerJobKey, std::pair<std::size_t, LayerBitwidths>>> jobs(missing.begin(), missing.end());
    std::vector<std::shared_ptr<const LayerMapping>> results(jobs.size());
    parallel_for(jobs.size(), setup.settings.threads, [&](std::size_t k) {
      const auto& [layer, bits] = jobs[k].second;
      results[k] = std::make_shared<const LayerMapping>(pooled->map(net.layers[layer], bits));
    });
    for (std::size_t k = 0; k < jobs.size(); ++k) cache.insert(jobs[k].first, results[k]);
  }

  ExploreCandidate candidate(const Genome& g, double accuracy_loss) {
    ExploreCandidate c;
    c.bits = bits_of(g, settings.bit_choices);
    auto result = map_network(net, plan_of(net, c.bits), setup, cache, stop, {});
    c.complete = result.complete;
    c.energy_pJ = result.energy_pJ;
    c.cycles = result.cycles;
    c.memory_bytes = result.weight_bytes + result.kv_bytes + result.peak_activation_bytes;
    c.accuracy_loss = accuracy_loss;
    for (auto objective : settings.objectives) {
      double v = 0;
      switch (objective) {
        case ExploreObjective::kEnergy:
          v = c.energy_pJ;
          break;
        case ExploreObjective::kCycles:
          v = static_cast<double>(c.cycles);
          break;
        case ExploreObjective::kEdp:
          v = result.edp;
          break;
        case ExploreObjective::kMemory:
          v = c.memory_bytes;
          break;
        case ExploreObjective::kAccuracy:
          v = c.accuracy_loss;
          break;
      }
      // A candidate with an unmappable layer loses to every complete one.
      c.objectives.push_back(c.complete ? v : std::numeric_limits<double>::infinity());
    }
    return c;
  }

  const std::vector<double>& objectives(const Genome& g) const { return seen.at(g).objectives; }
};

// Fast non-dominated sort: front index of every member (0 = non-dominated).
std::vector<int> front_ranks(const std::vector<std::vector<double>>& values) {
  std::size_t n = values.size();
  std::vector<int> rank(n, 0), dominated_by(n, 0);
  std::vector<std::vector<std::size_t>> dominates_list(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      if (dominates(values[i], values[j]))
        dominates_list[i].push_back(j);
      else if (dominates(values[j], values[i]))
        ++dominated_by[i];
    }
  }
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    if (dominated_by[i] == 0) current.push_back(i);
  }
  for (int front = 0; !current.empty(); ++front) {
    std::vector<std::size_t> next;
    for (auto i : current) {
      rank[i] = front;
      for (auto j : dominates_list[i]) {
        if (--dominated_by[j] == 0) next.push_back(j);
      }
    }
    current = next;
  }
  return rank;
}

// Crowding distance within each front (larger = more isolated; ends are infinite).
std::vector<double> crowding(const std::vector<std::vector<double>>& values, const std::vector<int>& rank) {
  std::size_t n = values.size();
  std::vector<double> distance(n, 0);
  if (n == 0) return distance;
  std::size_t objectives = values[0].size();
  std::map<int, std::vector<std::size_t>> fronts;
  for (std::size_t i = 0; i < n; ++i) fronts[rank[i]].push_back(i);
  for (auto& [r, members] : fronts) {
    for (std::size_t m = 0; m < objectives; ++m) {
      std::sort(members.begin(), members.end(), [&](auto a, auto b) { return values[a][m] < values[b][m]; });
      double lo = values[members.front()][m], hi = values[members.back()][m];
      distance[members.front()] = distance[members.back()] = std::numeric_limits<double>::infinity();
      if (!(hi > lo) || !std::isfinite(hi - lo)) continue;
      for (std::size_t k = 1; k + 1 < members.size(); ++k) {
        distance[members[k]] += (values[members[k + 1]][m] - values[members[k - 1]][m]) / (hi - lo);
      }
    }
  }
  return distance;
}

class Nsga2 {
 public:
  Nsga2(const ExploreSettings& settings, std::size_t layers)
      : settings_(settings), layers_(layers), rng_(settings.seed) {}

  Genome random_genome() {
    std::uniform_int_distribution<int> gene(0, static_cast<int>(settings_.bit_choices.size()) - 1);
    Genome g;
    for (std::size_t i = 0; i < layers_; ++i) {
      g.inputs.push_back(gene(rng_));
      g.weights.push_back(gene(rng_));
    }
    return g;
  }

  Genome uniform_genome(int index) {
    Genome g;
    g.inputs.assign(layers_, index);
    g.weights.assign(layers_, index);
    return g;
  }

  // Binary tournament by (rank, crowding), uniform crossover, per-gene mutation.
  std::vector<Genome> offspring(const std::vector<Genome>& parents, const std::vector<int>& rank,
                                const std::vector<double>& crowd) {
    std::uniform_int_distribution<std::size_t> pick(0, parents.size() - 1);
    std::uniform_real_distribution<double> unit(0, 1);
    std::uniform_int_distribution<int> gene(0, static_cast<int>(settings_.bit_choices.size()) - 1);
    auto tournament = [&] {
      auto a = pick(rng_), b = pick(rng_);
      if (rank[a] != rank[b]) return rank[a] < rank[b] ? a : b;
      return crowd[a] >= crowd[b] ? a : b;
    };
    double mutation = 1.0 / static_cast<double>(2 * layers_);
    std::vector<Genome> children;
    while (static_cast<int>(children.size()) < settings_.offspring) {
      const auto& mother = parents[tournament()];
      const auto& father = parents[tournament()];
      Genome child = mother;
      bool cross = unit(rng_) < 0.9;
      for (std::size_t i = 0; i < layers_; ++i) {
        if (cross && unit(rng_) < 0.5) child.inputs[i] = father.inputs[i];
        if (cross && unit(rng_) < 0.5) child.weights[i] = father.weights[i];
        if (unit(rng_) < mutation) child.inputs[i] = gene(rng_);
        if (unit(rng_) < mutation) child.weights[i] = gene(rng_);
      }
      children.push_back(child);
    }
    return children;
  }

 private:
  const ExploreSettings& settings_;
  std::size_t layers_;
  std::mt19937_64 rng_;
};

// Keeps the best `size` of `pool` by front, then crowding (NSGA-II's environmental selection).
std::vector<Genome> select(const std::vector<Genome>& pool, const Evaluator& eval, std::size_t size) {
  std::vector<std::vector<double>> values;
  for (const auto& g : pool) values.push_back(eval.objectives(g));
  auto rank = front_ranks(values);
  auto crowd = crowding(values, rank);
  std::vector<std::size_t> index(pool.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
  std::stable_sort(index.begin(), index.end(), [&](auto a, auto b) {
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    return crowd[a] > crowd[b];
  });
  std::vector<Genome> kept;
  for (std::size_t i = 0; i < std::min(size, index.size()); ++i) kept.push_back(pool[index[i]]);
  return kept;
}

std::vector<Genome> unique(std::vector<Genome> genomes) {
  std::vector<Genome> out;
  std::set<Genome> seen;
  for (auto& g : genomes) {
    if (seen.insert(g).second) out.push_back(std::move(g));
  }
  return out;
}

}  // namespace

ExploreResult explore(const Network& net, const NetworkSearchSetup& setup, const ExploreSettings& settings,
                      const AccuracyEvaluator& accuracy, const std::atomic<bool>* stop,
                      const std::function<void(const ExploreProgress&)>& progress) {
  auto start = Clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  Evaluator eval{net, setup, settings, accuracy, stop, {}, nullptr, {}, {}};
  if (!settings.exact_mapping) eval.pooled = std::make_unique<PooledLayerMapper>(net, setup, settings, stop);
  Nsga2 nsga(settings, net.layers.size());

  // The initial population: every operand at the narrowest and at the widest choice, then random.
  std::vector<Genome> population = {nsga.uniform_genome(0),
                                    nsga.uniform_genome(static_cast<int>(settings.bit_choices.size()) - 1)};
  while (static_cast<int>(population.size()) < settings.population) population.push_back(nsga.random_genome());
  population = unique(population);
  population.resize(std::min<std::size_t>(population.size(), static_cast<std::size_t>(settings.population)));
  eval.evaluate_all(population);

  auto report = [&](int generation) {
    if (!progress) return;
    ExploreProgress p;
    p.generation = generation;
    p.generations = settings.generations;
    p.evaluated = eval.order.size();
    p.seconds = seconds();
    std::vector<std::vector<double>> values;
    for (const auto& g : eval.order) values.push_back(eval.objectives(g));
    auto rank = front_ranks(values);
    p.best_first_objective = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (rank[i] == 0) ++p.front_size;
      p.best_first_objective = std::min(p.best_first_objective, values[i].front());
    }
    progress(p);
  };
  report(0);
  for (int generation = 1; generation <= settings.generations; ++generation) {
    if (stop && stop->load()) break;
    std::vector<std::vector<double>> values;
    for (const auto& g : population) values.push_back(eval.objectives(g));
    auto rank = front_ranks(values);
    auto crowd = crowding(values, rank);
    auto children = nsga.offspring(population, rank, crowd);
    eval.evaluate_all(children);
    auto pool = population;
    pool.insert(pool.end(), children.begin(), children.end());
    population = select(unique(pool), eval, static_cast<std::size_t>(settings.population));
    report(generation);
  }

  ExploreResult result;
  std::vector<std::vector<double>> values;
  for (const auto& g : eval.order) {
    result.evaluated.push_back(eval.seen.at(g));
    values.push_back(eval.objectives(g));
  }
  auto rank = front_ranks(values);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (rank[i] == 0 && result.evaluated[i].complete) result.front.push_back(result.evaluated[i]);
  }
  std::sort(result.front.begin(), result.front.end(),
            [](const auto& a, const auto& b) { return a.objectives < b.objectives; });
  result.layer_jobs = eval.cache.size();
  result.seconds = seconds();
  return result;
}

}  // namespace qloop
