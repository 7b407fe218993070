// How counts are rounded on their way to packed words, as the reference rounds them: buffer
// counts are whole operands before packing (the reference keeps them in integer fields), and
// the accesses a bypassed level passes on carry the rounding of the reference's rescaling.
// Each expectation is worked out by hand below, with the floating-point steps spelled out.
#include <gtest/gtest.h>

#include "model_fixture.hpp"

namespace qloop::testing {
namespace {

// Four clusters under DRAM (spatial K), each a global buffer over three PEs (spatial R) with
// neighbour links along the PE row; 16-bit words everywhere.
std::string clustered_pe_rows_arch() {
  return R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: MainMemory, class: DRAM, attributes: {width: 16, block-size: 1, word-bits: 16}}
    subtree:
    - name: Cluster[0..3]
      local:
      - {name: GlobalBuffer, class: SRAM, attributes: {depth: 64, width: 16, block-size: 1, word-bits: 16, meshX: 4}}
      subtree:
      - name: PE[0..2]
        local:
        - {name: Buffer, class: regfile, attributes: {depth: 16, width: 16, block-size: 1, word-bits: 16, meshX: 12}}
        - {name: MACC, class: intmac, attributes: {datawidth: 16, meshX: 12}}
)";
}

TEST(CountRounding, fills_are_whole_operands_truncated_before_packing) {
  // Inputs[C][R+P], 5-bit (three to a 16-bit word). Each PE's buffer holds the two C of one
  // input column; PE r reads column r+p at step p of the three P steps. The global buffer
  // keeps no Inputs, so its deltas are sent on from DRAM.
  auto problem = conv1d_channels_problem(2, 4, 3, 3);
  problem.insert(problem.find("}\n", problem.find("instance")), ", bitwidths: {Inputs: 5}");
  auto mapping = R"(
mapping:
- {target: Buffer, type: temporal, factors: C=2 K=1 R=1 P=1, permutation: CKRP}
- {target: GlobalBuffer, type: temporal, factors: C=1 K=1 R=1 P=1, permutation: CKRP}
- {target: GlobalBuffer, type: spatial, factors: C=1 K=1 R=3 P=1, permutation: RCKP}
- {target: GlobalBuffer, type: bypass, keep: [Weights, Outputs], bypass: [Inputs]}
- {target: MainMemory, type: temporal, factors: C=1 K=1 R=1 P=3, permutation: PCKR}
- {target: MainMemory, type: spatial, factors: C=1 K=4 R=1 P=1, permutation: KCRP}
)";
  auto r = evaluate_yaml({clustered_pe_rows_arch(), problem, mapping});
  ASSERT_TRUE(r.valid) << r.reason;
  // Per global buffer: step 0 sends 6 distinct operands (2 to each PE: multicast 1, scatter
  // 3); steps 1 and 2 send 2 each to the last PE only (multicast 1, scatter 1): 4. The other
  // PEs take their new column from a neighbour: 2 PEs x 2 operands x 2 steps = 8 link
  // transfers.
  const auto& net = network_at(r, "GlobalBuffer <==> Buffer", "Inputs");
  EXPECT_DOUBLE_EQ(net.ingresses, (4.0 + 6.0) / 3.0);  // packed: 4/3 + 6/3 words
  EXPECT_EQ(net.link_transfers, 3u);                   // ceil(8 / 3)
  // A buffer's fills: its share of the parent's accesses, summed per pattern over the three
  // children, 4*1/3 + 6*1/3 = 3.333333333333333, plus the link transfers shared among all 12
  // buffers, 8/12 = 0.6666666666666666: 3.9999999999999996 in doubles. The reference stores
  // that in an integer, 3 operands: one word (rounding the real count up would give two).
  EXPECT_EQ(tensor_at(r, "Buffer", "Inputs").fills, 1u);
}

TEST(CountRounding, a_bypassed_levels_demand_keeps_the_rescalings_rounding) {
  // Inputs[R+P] with R=3, P=21 in one buffer tile that bypasses Inputs: the 63 operations
  // read their inputs straight from DRAM. The buffer's tile would have taken all 23 inputs
  // at once; collapsing the bypass rescales those 23 accesses to the 63 the MACs make, by the
  // factor 63/23: 23 * (63/23) = 63.00000000000001 in doubles. A packed network rounds that
  // up to 64 operands: 32 words at two 4-bit inputs to an 8-bit word, where 63 would be 31.5.
  auto problem = conv1d_problem(3, 21, 1, ", bitwidths: {Inputs: 4}");
  auto mapping = R"(
mapping:
- {target: MainMemory, type: temporal, factors: R=1 P=1, permutation: RP}
- {target: Buffer, type: temporal, factors: R=3 P=21, permutation: RP}
- {target: Buffer, type: bypass, keep: [Weights, Outputs], bypass: [Inputs]}
)";
  auto r = evaluate_yaml({two_level_arch(), problem, mapping, two_level_ert()});
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(network_at(r, "MainMemory <==> Buffer", "Inputs").ingresses, 32.0);
  // The buffer's counts round the same product to whole operands: 63 reads, 32 words.
  EXPECT_EQ(tensor_at(r, "MainMemory", "Inputs").reads, 32u);
}

}  // namespace
}  // namespace qloop::testing
