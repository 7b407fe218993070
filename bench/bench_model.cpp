// Time of one model evaluation of an already parsed mapping (what the mapper pays per
// candidate). Run: build/bench/qloop_bench_model
#include <benchmark/benchmark.h>

#include "model/evaluate.hpp"
#include "spec/load_spec.hpp"

namespace {

void evaluate_example(benchmark::State& state, const char* example) {
  auto inputs = qloop::spec::load_model_inputs({std::string(QLOOP_SOURCE_DIR) + "/examples/" + example});
  for (auto _ : state) {
    auto result = qloop::evaluate(inputs.architecture, inputs.workload, inputs.mapping);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Evaluate_AlexNetConv1_3Level(benchmark::State& state) { evaluate_example(state, "alexnet-conv1-3level"); }
void BM_Evaluate_EyerissLike_6Level(benchmark::State& state) { evaluate_example(state, "eyeriss-like-alexnet-conv3"); }

BENCHMARK(BM_Evaluate_AlexNetConv1_3Level)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Evaluate_EyerissLike_6Level)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
