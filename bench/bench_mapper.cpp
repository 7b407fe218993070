// Mapper throughput: valid mappings evaluated per second on one core (hybrid search, one
// thread, fixed number of evaluations). Every tiling drawn is visited (bound pruning off), so
// that the rate is that of proposing and evaluating mappings; the _Pruning variant runs the
// default search, which also spends time ruling tilings out. BM_CertifiedSearch_* times a
// proof of optimality. Run: build/bench/qloop_bench_mapper
#include <benchmark/benchmark.h>

#include "input/load_inputs.hpp"
#include "search/mapper.hpp"

namespace {

qloop::input::MapperInputs load_example(const std::vector<std::string>& files) {
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(std::string(QLOOP_SOURCE_DIR) + "/examples/" + f);
  return qloop::input::load_mapper_inputs(paths);
}

void map_example(benchmark::State& state, const std::vector<std::string>& files, bool bound_pruning = false) {
  auto in = load_example(files);
  auto settings = in.settings;
  settings.algorithm = qloop::SearchAlgorithm::kHybrid;
  settings.threads = 1;
  settings.search_size = 20000;  // long enough that set-up (mapspace, threads) is noise
  settings.victory_condition = 0;
  settings.time_limit_seconds = 0;
  settings.bound_pruning = bound_pruning;
  std::uint64_t valid = 0, considered = 0, pruned = 0;
  for (auto _ : state) {
    auto result = qloop::run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
    valid += result.report.valid;
    considered += result.report.considered;
    pruned += result.report.pruned_tilings;
  }
  state.counters["valid_per_s"] = benchmark::Counter(static_cast<double>(valid), benchmark::Counter::kIsRate);
  state.counters["considered_per_s"] = benchmark::Counter(static_cast<double>(considered), benchmark::Counter::kIsRate);
  if (bound_pruning)
    state.counters["pruned_tilings_per_s"] =
        benchmark::Counter(static_cast<double>(pruned), benchmark::Counter::kIsRate);
}

void BM_Mapper_AlexNetConv1_3Level(benchmark::State& state) {
  map_example(state, {"alexnet-conv1-3level/arch.yaml", "alexnet-conv1-3level/problem.yaml"});
}
void BM_Mapper_EyerissLike_AlexNetConv3(benchmark::State& state) {
  map_example(state, {"mapper-eyeriss-like/arch.yaml", "mapper-eyeriss-like/constraints.yaml",
                      "mapper-eyeriss-like/layers/alexnet_conv3.yaml"});
}

void BM_Mapper_EyerissLike_AlexNetConv3_Pruning(benchmark::State& state) {
  map_example(state,
              {"mapper-eyeriss-like/arch.yaml", "mapper-eyeriss-like/constraints.yaml",
               "mapper-eyeriss-like/layers/alexnet_conv3.yaml"},
              true);
}

// Time to proof: the certified search (EDP, one thread) to its end; fails the run if it does
// not prove the optimum.
void prove(benchmark::State& state, const qloop::input::MapperInputs& in) {
  auto settings = in.settings;
  settings.algorithm = qloop::SearchAlgorithm::kOptimal;
  settings.threads = 1;
  settings.time_limit_seconds = 600;  // a guard
  std::uint64_t evaluated = 0;
  for (auto _ : state) {
    auto result = qloop::run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
    if (!result.report.optimal || result.report.valid == 0)
      state.SkipWithError("no valid mapping, or not proved optimal");
    evaluated += result.report.evaluated;
  }
  state.counters["evaluated"] = benchmark::Counter(static_cast<double>(evaluated), benchmark::Counter::kAvgIterations);
}

// AlexNet conv1 on the Eyeriss-like design (its constraints fix every bypass choice).
void BM_CertifiedSearch_EyerissLike_AlexNetConv1(benchmark::State& state) {
  prove(state, load_example({"mapper-eyeriss-like/arch.yaml", "mapper-eyeriss-like/constraints.yaml",
                             "mapper-eyeriss-like/layers/alexnet_conv1.yaml"}));
}

// A small convolution (C 3, M 4, R = S = 3, P = Q = 4, stride 1) on the unconstrained 3-level
// example: every bypass choice and loop order free, where the bound with the bypass choice known
// does most of the work.
void BM_CertifiedSearch_ThreeLevel_FreeBypass_SmallConv(benchmark::State& state) {
  auto in = load_example({"alexnet-conv1-3level/arch.yaml", "alexnet-conv1-3level/problem.yaml"});
  const std::vector<std::pair<const char*, std::int64_t>> sizes = {{"C", 3}, {"M", 4}, {"R", 3}, {"S", 3},
                                                                   {"N", 1}, {"P", 4}, {"Q", 4}};
  for (const auto& [name, size] : sizes) in.workload.dimension_bounds[in.workload.find_dimension(name)] = size;
  for (auto& stride : in.workload.coefficient_values) stride = 1;
  prove(state, in);
}

// A pointwise convolution (C 32, M 64, P = Q = 14) on the Simba-like design with its
// constraints: six levels, fanouts at four of them, where most partial tilings are ruled out
// because they cannot fit.
void BM_CertifiedSearch_SimbaLike_PointwiseConv(benchmark::State& state) {
  auto in = load_example(
      {"simba-like/arch.yaml", "simba-like/constraints.yaml", "mapper-eyeriss-like/layers/alexnet_conv1.yaml"});
  const std::vector<std::pair<const char*, std::int64_t>> sizes = {{"C", 32}, {"M", 64}, {"R", 1}, {"S", 1},
                                                                   {"N", 1},  {"P", 14}, {"Q", 14}};
  for (const auto& [name, size] : sizes) in.workload.dimension_bounds[in.workload.find_dimension(name)] = size;
  for (auto& stride : in.workload.coefficient_values) stride = 1;
  prove(state, in);
}

// MobileNetV1's last depthwise layer (1024 channels as groups, 3 x 3 kernel, 7 x 7 outputs) at
// W8A8 on the Eyeriss-like design: a grouped layer, whose channel rank is digits (G and C)
// and whose inputs have no rank of one dimension.
void BM_CertifiedSearch_EyerissLike_DepthwiseConv(benchmark::State& state) {
  prove(state, load_example({"mapper-eyeriss-like/arch.yaml", "mapper-eyeriss-like/constraints.yaml",
                             "mapper-eyeriss-like/layers/mobilenetv1_dw13.yaml"}));
}

BENCHMARK(BM_Mapper_AlexNetConv1_3Level)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_Mapper_EyerissLike_AlexNetConv3)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_Mapper_EyerissLike_AlexNetConv3_Pruning)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_CertifiedSearch_EyerissLike_AlexNetConv1)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_CertifiedSearch_SimbaLike_PointwiseConv)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_CertifiedSearch_EyerissLike_DepthwiseConv)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_CertifiedSearch_ThreeLevel_FreeBypass_SmallConv)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
