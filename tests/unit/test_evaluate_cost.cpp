// The mapper's lean evaluation (evaluate_cost) against the full one, on random mappings of
// the example designs, valid and invalid: every number it fills must be evaluate()'s, also
// when one result buffer is reused for all of them.
#include <gtest/gtest.h>

#include <random>

#include "input/load_inputs.hpp"
#include "model/evaluate.hpp"
#include "model_fixture.hpp"
#include "search/mapspace.hpp"

namespace qloop::testing {
namespace {

void expect_same_costs(const std::vector<std::string>& files, int points) {
  auto in = input::load_mapper_inputs(files);
  Mapspace space(in.architecture, in.workload, in.constraints);
  std::mt19937_64 rng(5);
  auto point = space.empty_point();
  EvaluationResult lean;
  EvaluationWorkspace workspace;  // one for every point, as a search thread has
  int valid = 0;
  for (int i = 0; i < points; ++i) {
    space.randomize(point, rng);
    auto mapping = space.build(point);
    auto full = evaluate(in.architecture, in.workload, mapping);
    evaluate_cost(in.architecture, in.workload, mapping, lean, workspace);
    auto where = "point " + std::to_string(i);
    ASSERT_EQ(lean.valid, full.valid) << where;
    EXPECT_EQ(lean.rejection, full.rejection) << where;
    EXPECT_EQ(lean.summary.energy_pJ, full.summary.energy_pJ) << where;
    EXPECT_EQ(lean.summary.cycles, full.summary.cycles) << where;
    EXPECT_EQ(lean.summary.utilization, full.summary.utilization) << where;
    ASSERT_EQ(lean.storage.size(), full.storage.size()) << where;
    for (std::size_t l = 0; l < full.storage.size(); ++l) {
      EXPECT_EQ(lean.storage[l].energy_pJ, full.storage[l].energy_pJ) << where;
      EXPECT_EQ(lean.storage[l].cycles, full.storage[l].cycles) << where;
      ASSERT_EQ(lean.storage[l].tensors.size(), full.storage[l].tensors.size()) << where;
      for (std::size_t t = 0; t < full.storage[l].tensors.size(); ++t) {
        const auto& a = lean.storage[l].tensors[t];
        const auto& b = full.storage[l].tensors[t];
        EXPECT_EQ(a.reads, b.reads) << where;
        EXPECT_EQ(a.fills, b.fills) << where;
        EXPECT_EQ(a.updates, b.updates) << where;
        EXPECT_EQ(a.utilized_instances, b.utilized_instances) << where;
        EXPECT_EQ(a.utilized_capacity, b.utilized_capacity) << where;
      }
    }
    valid += full.valid;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(valid, 0);  // both kinds were compared
  EXPECT_LT(valid, points);
}

TEST(EvaluateCost, gives_the_full_evaluations_numbers_on_the_3_level_design) {
  expect_same_costs({example("alexnet-conv1-3level/arch.yaml"), example("alexnet-conv1-3level/problem.yaml")}, 400);
}

TEST(EvaluateCost, gives_the_full_evaluations_numbers_on_the_eyeriss_like_design) {
  expect_same_costs({example("mapper-eyeriss-like/arch.yaml"), example("mapper-eyeriss-like/constraints.yaml"),
                     example("mapper-eyeriss-like/layers/alexnet_conv2.yaml")},
                    400);
}

}  // namespace
}  // namespace qloop::testing
