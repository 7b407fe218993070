// Time of one model evaluation of an already parsed mapping (what the mapper pays per
// candidate). Run: build/bench/qloop_bench_model
#include <benchmark/benchmark.h>

#include <random>

#include "analysis/nest_analysis.hpp"
#include "analysis/visit_sequence.hpp"
#include "input/load_inputs.hpp"
#include "model/evaluate.hpp"
#include "search/mapspace.hpp"

namespace {

void evaluate_example(benchmark::State& state, const char* example) {
  auto inputs = qloop::input::load_model_inputs({std::string(QLOOP_SOURCE_DIR) + "/examples/" + example});
  qloop::EvaluationWorkspace workspace;
  for (auto _ : state) {
    auto result = qloop::evaluate(inputs.architecture, inputs.workload, inputs.mapping, workspace);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Evaluate_AlexNetConv1_3Level(benchmark::State& state) { evaluate_example(state, "alexnet-conv1-3level"); }
void BM_Evaluate_EyerissLike_6Level(benchmark::State& state) { evaluate_example(state, "eyeriss-like-alexnet-conv3"); }
// The same layer with Sparseloop's gating and a compressed tensor (docs/sparsity.md).
void BM_Evaluate_EyerissLike_Sparse(benchmark::State& state) { evaluate_example(state, "eyeriss-like-sparse-conv3"); }

// The same over 1,000 random mappings the mapper could meet (valid or not): the nest
// analysis alone, and the whole evaluation.
struct RandomMappings {
  qloop::input::MapperInputs in;
  std::vector<qloop::Mapping> mappings;
  std::vector<qloop::LoopNest> nests;
};

RandomMappings random_mappings(const std::vector<std::string>& files) {
  RandomMappings r;
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(std::string(QLOOP_SOURCE_DIR) + "/examples/" + f);
  r.in = qloop::input::load_mapper_inputs(paths);
  qloop::Mapspace space(r.in.architecture, r.in.workload, r.in.constraints);
  std::mt19937_64 rng(1);
  auto point = space.empty_point();
  for (int i = 0; i < 1000; ++i) {
    space.randomize(point, rng);
    r.mappings.push_back(space.build(point));
    r.nests.push_back(qloop::build_loop_nest(r.mappings.back(), r.in.workload));
  }
  return r;
}

const std::vector<std::string> k3Level = {"alexnet-conv1-3level/arch.yaml", "alexnet-conv1-3level/problem.yaml"};
const std::vector<std::string> kEyeriss = {"mapper-eyeriss-like/arch.yaml", "mapper-eyeriss-like/constraints.yaml",
                                           "mapper-eyeriss-like/layers/alexnet_conv3.yaml"};

void analyze_random(benchmark::State& state, const std::vector<std::string>& files) {
  auto r = random_mappings(files);
  qloop::NestAnalysisResult out;
  qloop::ClosedFormScratch closed_form;
  qloop::WalkScratch walk;
  std::size_t i = 0;
  for (auto _ : state) {
    qloop::analyze_nest(r.in.workload, r.nests[i], r.in.architecture, out, closed_form, walk);
    benchmark::DoNotOptimize(out);
    i = (i + 1) % r.nests.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void evaluate_random(benchmark::State& state, const std::vector<std::string>& files) {
  auto r = random_mappings(files);
  qloop::EvaluationWorkspace workspace;
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = qloop::evaluate(r.in.architecture, r.in.workload, r.mappings[i], workspace);
    benchmark::DoNotOptimize(result);
    i = (i + 1) % r.mappings.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_AnalyzeNest_Random_3Level(benchmark::State& state) { analyze_random(state, k3Level); }
void BM_AnalyzeNest_Random_EyerissLike(benchmark::State& state) { analyze_random(state, kEyeriss); }
void BM_Evaluate_Random_3Level(benchmark::State& state) { evaluate_random(state, k3Level); }
void BM_Evaluate_Random_EyerissLike(benchmark::State& state) { evaluate_random(state, kEyeriss); }

BENCHMARK(BM_Evaluate_AlexNetConv1_3Level)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Evaluate_EyerissLike_6Level)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Evaluate_EyerissLike_Sparse)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AnalyzeNest_Random_3Level)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AnalyzeNest_Random_EyerissLike)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Evaluate_Random_3Level)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Evaluate_Random_EyerissLike)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
