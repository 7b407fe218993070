// Loop orders the model cannot tell apart (equivalent_orders.hpp): on every point of small
// designs, a mapping costs exactly what its class's representative costs, so the certified
// search may evaluate the representatives alone.
#include <gtest/gtest.h>

#include <string>

#include "model_fixture.hpp"
#include "search/equivalent_orders.hpp"
#include "search/mapspace.hpp"

namespace qloop::testing {
namespace {

std::string chain_arch(int pes) {
  return "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
         "    - {name: MainMemory, class: DRAM, attributes: {width: 8, block-size: 1, word-bits: 8}}\n"
         "    - {name: GlobalBuffer, class: SRAM, attributes: {depth: 64, width: 8, word-bits: 8}}\n"
         "    - {name: 'RF[0.." +
         std::to_string(pes - 1) +
         "]', class: regfile, attributes: {depth: 16, width: 8, word-bits: 8}}\n"
         "    - {name: 'MACC[0.." +
         std::to_string(pes - 1) + "]', class: intmac, attributes: {datawidth: 8}}\n";
}

// A 1-D convolution with output channels: weights [K][R] and outputs [K][P] have one
// dimension per rank; inputs [P + R] slide.
const char* kConv1d = R"(
problem:
  shape:
    name: conv1d-k
    dimensions: [K, R, P]
    data-spaces:
    - {name: Weights, projection: [[[K]], [[R]]]}
    - {name: Inputs, projection: [[[R], [P]]]}
    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}
  instance: {K: 4, R: 2, P: 4}
)";

// A matrix product: every rank one dimension.
const char* kMatmul = R"(
problem:
  shape:
    name: gemm
    dimensions: [M, N, K]
    data-spaces:
    - {name: A, projection: [[[M]], [[K]]]}
    - {name: B, projection: [[[K]], [[N]]]}
    - {name: Z, projection: [[[M]], [[N]]], read-write: true}
  instance: {M: 4, N: 2, K: 4}
)";

struct Tally {
  int valid = 0, not_representative = 0;
};

// Every point: its cost equals its representative's, which is its own representative.
Tally check_every_point(const std::string& arch, const std::string& problem, const std::string& constraints) {
  auto in = load_mapper_yaml({arch, problem, constraints});
  Mapspace space(in.architecture, in.workload, in.constraints);
  EquivalentOrders classes(in.architecture, in.workload, in.constraints, space);
  Tally tally;
  auto point = space.empty_point();
  const auto& options = space.factor_options();
  for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
    auto index = t;
    for (std::size_t d = 0; d < options.size(); ++d) {
      point.tiling[d] = static_cast<std::uint32_t>(index % options[d].size());
      index /= options[d].size();
    }
    auto variants = space.variants(point.tiling);
    for (std::uint64_t v = 0; v < variants.total(); ++v) {
      space.set_variant(point, variants, v);
      if (space.precheck(point)) continue;
      auto r = evaluate(in.architecture, in.workload, space.build(point));
      if (!r.valid) continue;
      ++tally.valid;
      auto canonical = classes.canonical(point);
      EXPECT_TRUE(classes.representative(canonical));
      if (classes.representative(point)) {
        EXPECT_EQ(canonical.loop_orders, point.loop_orders);
        continue;
      }
      ++tally.not_representative;
      auto c = evaluate(in.architecture, in.workload, space.build(canonical));
      EXPECT_TRUE(c.valid);
      EXPECT_DOUBLE_EQ(c.summary.energy_pJ, r.summary.energy_pJ) << "tiling " << t << " variant " << v;
      EXPECT_EQ(c.summary.cycles, r.summary.cycles) << "tiling " << t << " variant " << v;
      if (::testing::Test::HasFailure()) return tally;
    }
  }
  return tally;
}

TEST(EquivalentOrders, a_mapping_costs_what_its_representative_costs_on_every_point_without_fanouts) {
  struct Case {
    const char* problem;
    std::string constraints;
  };
  for (const auto& c : {Case{kConv1d, "mapspace_constraints: []\n"}, Case{kMatmul, "mapspace_constraints: []\n"},
                        Case{kConv1d,
                             "mapspace_constraints:\n- {target: RF, type: bypass, keep: [Outputs], bypass: [Inputs]}\n"
                             "- {target: GlobalBuffer, type: bypass, bypass: [Weights]}\n"},
                        Case{kMatmul,
                             "mapspace_constraints:\n- {target: RF, type: bypass, keep: [Z], bypass: [A]}\n"
                             "- {target: GlobalBuffer, type: bypass, bypass: [B]}\n"}}) {
    auto tally = check_every_point(chain_arch(1), c.problem, c.constraints);
    EXPECT_GT(tally.valid, 1000) << c.problem << c.constraints;
    EXPECT_GT(tally.not_representative, tally.valid / 10) << c.problem << c.constraints;  // it merges
  }
}

// Below a fanout the steps decide multicast: the orders of levels at or above it stay apart.
TEST(EquivalentOrders, a_mapping_costs_what_its_representative_costs_on_every_point_with_a_fanout) {
  auto tally = check_every_point(chain_arch(2), kMatmul, "mapspace_constraints: []\n");
  EXPECT_GT(tally.valid, 1000);
}

}  // namespace
}  // namespace qloop::testing
