// The certified search (algorithm: optimal) may only cut what cannot win: its bound for tilings
// chosen at the outer levels is checked against every valid mapping of random small designs,
// from every level; its cannot-fit rule against every completion of every partial tiling; and
// its result against the whole enumeration without any pruning.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <string>

#include "model/compute_cost.hpp"
#include "model_fixture.hpp"
#include "search/bounds.hpp"
#include "search/mapper.hpp"
#include "search/mapspace.hpp"
#include "search/outer_tiling_bound.hpp"
#include "search/search_strategy.hpp"

namespace qloop::testing {
namespace {

// MainMemory -> GlobalBuffer -> n register files (some in clusters) -> n MACs, some with
// bandwidths, a small layer on it (a 1-D convolution with or without output channels and stride, grouped, or a matrix
// product),
// random bitwidths (packed, partial sums wider than outputs) and random keep / bypass
// constraints.
std::string random_design_yaml(std::mt19937_64& rng, std::string& description) {
  auto pick = [&](std::initializer_list<int> values) {
    return *(values.begin() + std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(rng));
  };
  int pes = pick({1, 2, 4});
  // Register files in clusters that make one access for all their instances (Simba's).
  int cluster = pes == 1 ? 1 : pick({1, 1, 2, pes});
  int glb_block = pick({1, 2});
  int glb_word = pick({8, 16});
  // Bandwidths (words per cycle) that may throttle the run (the cycles bound with them).
  std::string glb_bandwidth =
      *(std::initializer_list<const char*>{"", "", ", read_bandwidth: 1", ", write_bandwidth: 1",
                                           ", shared_bandwidth: 1", ", read_bandwidth: 0.5, write_bandwidth: 2"}
            .begin() +
        pick({0, 1, 2, 3, 4, 5}));
  std::string rf_bandwidth = pick({0, 1, 2}) == 0 ? ", write_bandwidth: 1" : "";
  std::string arch =
      "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
      "    - {name: MainMemory, class: DRAM, attributes: {width: 16, block-size: 2, word-bits: 8}}\n"
      "    - {name: GlobalBuffer, class: SRAM, attributes: {depth: " +
      std::to_string(pick({8, 16, 32})) + ", width: " + std::to_string(glb_block * glb_word) +
      ", block-size: " + std::to_string(glb_block) + ", word-bits: " + std::to_string(glb_word) + glb_bandwidth +
      "}}\n" + "    - {name: 'RF[0.." + std::to_string(pes - 1) +
      "]', class: regfile, attributes: {depth: " + std::to_string(pick({2, 4, 8})) +
      ", width: " + std::to_string(8 * cluster) + ", word-bits: 8, cluster-size: " + std::to_string(cluster) +
      rf_bandwidth + "}}\n" + "    - {name: 'MACC[0.." + std::to_string(pes - 1) +
      "]', class: intmac, attributes: {datawidth: 8}}\n";
  std::string problem;
  int shape = pick({0, 1, 2, 3});
  std::string bits;
  switch (pick({0, 1, 2, 3})) {
    case 1:
      bits = ", bitwidths: {Weights: 4, Inputs: 2}";
      break;
    case 2:
      bits = ", bitwidths: {Inputs: 4, Outputs: 2}, partial_sum_bitwidth: 8";
      break;
    case 3:
      bits = ", bitwidths: {Weights: 2}";
      break;
    default:
      break;
  }
  if (shape == 0) {  // 1-D convolution with output channels and a stride
    problem =
        "problem:\n  shape:\n    name: conv1d-k\n    dimensions: [K, R, P]\n"
        "    coefficients: [{name: Wstride, default: 1}]\n    data-spaces:\n"
        "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
        "    - {name: Inputs, projection: [[[R], [P, Wstride]]]}\n"
        "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
        "  instance: {K: " +
        std::to_string(pick({1, 2, 4})) + ", R: " + std::to_string(pick({1, 2, 3})) +
        ", P: " + std::to_string(pick({2, 3, 4, 6})) + ", Wstride: " + std::to_string(pick({1, 2})) + bits + "}\n";
  } else if (shape == 1) {  // depthwise: one channel, a sliding window
    problem = conv1d_problem(pick({2, 3}), pick({4, 6, 8}), 1, bits);
  } else if (shape == 3) {  // grouped, as qloop network lowers it: channel g * C + c (C = 1: depthwise)
    int c = pick({1, 2}), k = pick({1, 2});
    problem =
        "problem:\n  shape:\n    name: grouped-conv1d\n    dimensions: [G, C, K, R, P]\n"
        "    coefficients: [{name: Cgroup, default: 1}, {name: Kgroup, default: 1}]\n    data-spaces:\n"
        "    - {name: Weights, projection: [[[G]], [[C]], [[K]], [[R]]]}\n"
        "    - {name: Inputs, projection: [[[G, Cgroup], [C]], [[R], [P]]]}\n"
        "    - {name: Outputs, projection: [[[G, Kgroup], [K]], [[P]]], read-write: true}\n"
        "  instance: {G: " +
        std::to_string(pick({2, 4})) + ", C: " + std::to_string(c) + ", K: " + std::to_string(k) +
        ", R: " + std::to_string(pick({1, 2})) + ", P: " + std::to_string(pick({2, 3})) +
        ", Cgroup: " + std::to_string(c) + ", Kgroup: " + std::to_string(k) + bits + "}\n";
  } else {  // a matrix product
    problem =
        "problem:\n  shape:\n    name: gemm\n    dimensions: [M, N, K]\n    data-spaces:\n"
        "    - {name: Weights, projection: [[[K]], [[N]]]}\n"
        "    - {name: Inputs, projection: [[[M]], [[K]]]}\n"
        "    - {name: Outputs, projection: [[[M]], [[N]]], read-write: true}\n"
        "  instance: {M: " +
        std::to_string(pick({1, 2, 3})) + ", N: " + std::to_string(pick({2, 4})) +
        ", K: " + std::to_string(pick({2, 3, 4})) + bits + "}\n";
  }
  std::string constraints = "mapspace_constraints:\n";
  for (const char* level : {"RF", "GlobalBuffer"}) {
    switch (pick({0, 1, 2})) {
      case 0:
        constraints += std::string("- {target: ") + level + ", type: bypass, keep: [Weights, Inputs, Outputs]}\n";
        break;
      case 1:
        constraints += std::string("- {target: ") + level + ", type: bypass, keep: [Inputs], bypass: [Weights]}\n";
        break;
      default:  // free
        break;
    }
  }
  if (constraints == "mapspace_constraints:\n") constraints = "mapspace_constraints: []\n";
  description = arch + problem + constraints;
  return description;
}

// The `t`-th tiling of a mapspace (the first dimension's option varying fastest).
void nth_tiling(const Mapspace& space, std::uint64_t t, std::vector<std::uint32_t>& tiling) {
  const auto& options = space.factor_options();
  for (std::size_t dim = 0; dim < options.size(); ++dim) {
    tiling[dim] = static_cast<std::uint32_t>(t % options[dim].size());
    t /= options[dim].size();
  }
}

// Every point of a small mapspace, tiling by tiling.
template <typename Visit>
void for_every_point(const Mapspace& space, Visit visit) {
  auto point = space.empty_point();
  for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
    nth_tiling(space, t, point.tiling);
    auto variants = space.variants(point.tiling);
    for (std::uint64_t v = 0; v < variants.total(); ++v) {
      space.set_variant(point, variants, v);
      visit(point);
    }
  }
}

std::uint64_t num_points(const Mapspace& space) {
  std::uint64_t total = 0;
  for_every_point(space, [&](const MapspacePoint&) { ++total; });
  return total;
}

// A random small design whose mapspace has at most `max_points` points.
input::MapperInputs small_design(std::mt19937_64& rng, std::uint64_t max_points, std::string& yaml) {
  while (true) {
    random_design_yaml(rng, yaml);
    auto in = load_mapper_yaml({yaml});
    Mapspace space(in.architecture, in.workload, in.constraints);
    if (space.num_tilings() > 0 && space.num_tilings() < 2000 && num_points(space) <= max_points) return in;
  }
}

// A check of one valid mapping (its point and the model's result): false stops at it, after
// the check has reported it (one report, not thousands).
using MappingCheck = std::function<bool(const MapspacePoint& point, const EvaluationResult& r)>;

// Every valid mapping of 60 random small designs (every other one counted by Timeloop v4's
// rules: no first fill of partial sums), checked by what `for_design` returns for its design
// (its inputs, mapspace and YAML). The number of mappings checked.
int check_every_valid_mapping_of_random_small_designs(
    std::uint64_t seed,
    const std::function<MappingCheck(const input::MapperInputs&, const Mapspace&, const std::string& yaml)>&
        for_design) {
  std::mt19937_64 rng(seed);
  int valid = 0;
  for (int design = 0; design < 60; ++design) {
    std::string yaml;
    auto in = small_design(rng, 20000, yaml);
    if (design % 2) in.architecture.rules = CountingRules::kTimeloopV4;
    Mapspace space(in.architecture, in.workload, in.constraints);
    auto check = for_design(in, space, yaml);
    bool failed = false;
    for_every_point(space, [&](const MapspacePoint& point) {
      if (failed || space.precheck(point)) return;
      auto r = evaluate(in.architecture, in.workload, space.build(point));
      if (!r.valid) return;
      ++valid;
      failed = !check(point, r);
    });
    if (failed) break;
  }
  return valid;
}

TEST(OuterTilingBound, never_exceeds_a_valid_mapping_that_completes_the_outer_levels_on_random_small_designs) {
  int informative = 0;
  int valid = check_every_valid_mapping_of_random_small_designs(
      2026, [&](const input::MapperInputs& in, const Mapspace& space, const std::string& yaml) -> MappingCheck {
        auto bound = std::make_shared<OuterTilingBound>(in.architecture, in.workload, space, Metric::kEnergy);
        double global = lower_bound(in.architecture, in.workload, Metric::kEnergy);
        int levels = in.architecture.num_storage_levels();
        return [=, &informative](const MapspacePoint& point, const EvaluationResult& r) {
          for (int level = 0; level < levels; ++level) {
            double energy = bound->energy(point.tiling, level);
            double cycles = bound->cycles(point.tiling, level);
            informative += level + 1 == levels && energy > global * (1 + 1e-9);
            if (energy > r.summary.energy_pJ * (1 + 1e-9) || cycles > static_cast<double>(r.summary.cycles)) {
              ADD_FAILURE() << "chosen from level " << level << ": bound " << energy << " pJ, " << cycles
                            << " cycles; mapping " << r.summary.energy_pJ << " pJ, " << r.summary.cycles << " cycles\n"
                            << yaml;
              return false;
            }
          }
          return true;
        };
      });
  EXPECT_GT(valid, 10000);
  // It says more than the global bound once the outermost level is chosen, for many mappings.
  EXPECT_GT(informative, valid / 3);
}

// Random valid mappings of MobileNetV1's dw13 on the Simba-like and the Eyeriss-like designs:
// fanouts below every level, bypassed levels between a keeper and the compute units, a grouped
// layer's channel digits.
TEST(OuterTilingBound, never_exceeds_a_valid_mapping_of_a_depthwise_layer_on_the_example_designs) {
  for (const std::string design : {"simba-like", "mapper-eyeriss-like"}) {
    auto in = input::load_mapper_inputs({example(design + "/arch.yaml"), example(design + "/constraints.yaml"),
                                         example("mapper-eyeriss-like/layers/mobilenetv1_dw13.yaml")});
    Mapspace space(in.architecture, in.workload, in.constraints);
    OuterTilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
    int levels = in.architecture.num_storage_levels();
    std::mt19937_64 rng(5);
    auto point = space.empty_point();
    int valid = 0;
    for (int n = 0; n < 100000 && valid < 3000; ++n) {
      space.randomize(point, rng);
      if (space.precheck(point)) continue;
      auto r = evaluate(in.architecture, in.workload, space.build(point));
      if (!r.valid) continue;
      ++valid;
      for (int level = 0; level < levels; ++level) {
        ASSERT_LE(bound.energy(point.tiling, level), r.summary.energy_pJ * (1 + 1e-9))
            << design << ", point " << n << ", chosen from level " << level;
        ASSERT_LE(bound.cycles(point.tiling, level), static_cast<double>(r.summary.cycles));
      }
    }
    EXPECT_GT(valid, 500) << design;
  }
}

// `exceeds` may stop adding energy terms once past the limit (for EDP: past the limit over the
// cycles); its answer must still be that of the whole bound, for limits on either side of it.
TEST(OuterTilingBound, exceeds_a_limit_exactly_when_its_whole_bound_does_on_random_small_designs) {
  std::mt19937_64 rng(13);
  int above = 0, below = 0;
  for (int design = 0; design < 40; ++design) {
    std::string yaml;
    auto in = small_design(rng, 20000, yaml);
    Mapspace space(in.architecture, in.workload, in.constraints);
    int levels = in.architecture.num_storage_levels();
    std::vector<std::uint32_t> tiling(space.factor_options().size());
    for (auto metric : {Metric::kEnergy, Metric::kEdp}) {
      OuterTilingBound bound(in.architecture, in.workload, space, metric);
      for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
        nth_tiling(space, t, tiling);
        for (int lowest = 0; lowest < levels; ++lowest) {
          double whole = bound.energy(tiling, lowest) * (metric == Metric::kEdp ? bound.cycles(tiling, lowest) : 1);
          for (double share : {0.25, 0.999, 1.001, 4.0}) {
            ASSERT_EQ(bound.exceeds(tiling, lowest, whole * share), share < 1)
                << to_string(metric) << ", tiling " << t << ", from level " << lowest << ", limit " << share
                << " of the bound\n"
                << yaml;
            (share < 1 ? above : below) += 1;
          }
        }
      }
    }
  }
  EXPECT_GT(above, 10000);
  EXPECT_GT(below, 10000);
}

// The per-tiling bound with the bypass choice known, and with it the loop orders from each level
// up, each level's known from its innermost loop out (as the certified search asks it while it
// fixes a visited tiling's bypass choice, then its orders from the outermost level in, loop by
// loop), against every valid mapping with those choices: never above it, and never lower as
// more is known.
TEST(TilingBound,
     with_the_bypass_choice_and_loop_orders_from_any_loop_up_never_exceeds_a_valid_mapping_on_random_small_designs) {
  int tighter = 0, tighter_by_bypass = 0, tighter_by_some_loops = 0, throttled = 0;
  int valid = check_every_valid_mapping_of_random_small_designs(
      2027, [&](const input::MapperInputs& in, const Mapspace& space, const std::string& yaml) -> MappingCheck {
        auto bound = std::make_shared<TilingBound>(in.architecture, in.workload, space, Metric::kEnergy);
        int levels = in.architecture.num_storage_levels();
        return [=, &tighter, &tighter_by_bypass, &tighter_by_some_loops, &throttled](const MapspacePoint& point,
                                                                                     const EvaluationResult& r) {
          double unordered = bound->energy(point.tiling);
          double known_less = unordered;  // the bound with one loop (or the bypass choice) less known
          auto check = [&](int level, int loops_known) {
            double energy = bound->energy(point.tiling, {&point.keep, &point.loop_orders, level, loops_known});
            // The same for any order of the loops not known (here: them reversed, and the levels below).
            auto others = point.loop_orders;
            for (int below = 0; below <= level && below < levels; ++below) {
              auto& order = others[below];
              std::reverse(order.begin() + (below == level ? std::min<int>(loops_known, order.size()) : 0),
                           order.end());
            }
            double with_others = bound->energy(point.tiling, {&point.keep, &others, level, loops_known});
            // The cycles, with each level's words over its bandwidths.
            double cycles = bound->cycles(point.tiling, {&point.keep, &point.loop_orders, level, loops_known});
            if (energy > r.summary.energy_pJ * (1 + 1e-9) || energy < known_less * (1 - 1e-12) ||
                energy != with_others || cycles > static_cast<double>(r.summary.cycles)) {
              ADD_FAILURE() << "bypass choice and orders from level " << level << " (" << loops_known
                            << " of its loops): bound " << energy << " pJ (" << known_less
                            << " with one choice less known, " << with_others << " with the others in another order), "
                            << cycles << " cycles; mapping " << r.summary.energy_pJ << " pJ, " << r.summary.cycles
                            << " cycles\n"
                            << yaml;
              return false;
            }
            throttled += level == 0 && cycles > bound->cycles(point.tiling) * (1 + 1e-9);
            tighter += level == 0 && energy > unordered * (1 + 1e-9);
            tighter_by_bypass += level == levels && energy > unordered * (1 + 1e-9);
            tighter_by_some_loops += level < levels && loops_known > 0 &&
                                     loops_known < static_cast<int>(point.loop_orders[level].size()) &&
                                     energy > known_less * (1 + 1e-9);
            known_less = energy;
            return true;
          };
          if (!check(levels, 0)) return false;  // the bypass choice alone
          for (int level = levels - 1; level >= 0; --level) {
            for (int loops = 0; loops <= static_cast<int>(point.loop_orders[level].size()); ++loops) {
              if (!check(level, loops)) return false;
            }
          }
          return true;
        };
      });
  EXPECT_GT(valid, 10000);
  // The choices tell more than the tiling alone for many mappings, the bypass alone for some,
  // and some loops of an order before the whole of it for some.
  EXPECT_GT(tighter, valid / 10);
  EXPECT_GT(tighter_by_bypass, valid / 20) << tighter_by_bypass << " of " << valid;
  EXPECT_GT(tighter_by_some_loops, valid / 20) << tighter_by_some_loops << " of " << valid;
  // Bandwidths stretch the cycles bound past the compute cycles for many.
  EXPECT_GT(throttled, valid / 20) << throttled << " of " << valid;
}

// A search asks `exceeds` for one tiling's variants in a row, with one scratch that keeps what
// the questions share (bounds.cpp: compulsory_entries): its answers must be those of the bound
// computed afresh, whatever came before. On every variant of 40 random small designs, and on
// 400 random points of the grouped AlexNet conv2 on the Eyeriss-like design (six levels, many
// loops to order), with the bypass choice and the orders known from each level and loop up,
// asked in the search's order and, on every other design, in a random one; limits just above
// and below the bound, of energy and of EDP (whose cycles take the levels' bandwidths).
TEST(TilingBound, answers_a_run_of_questions_on_one_scratch_as_it_would_each_afresh) {
  std::mt19937_64 rng(29);
  int asked = 0;
  for (int design = 0; design < 42; ++design) {
    std::string yaml;
    auto in = design < 40 ? small_design(rng, 20000, yaml) : grouped_alexnet_conv2_on_the_eyeriss_like_design();
    Mapspace space(in.architecture, in.workload, in.constraints);
    TilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
    TilingBound edp(in.architecture, in.workload, space, Metric::kEdp);  // (its cycles: with bandwidths)
    TilingBound::Scratch scratch, edp_scratch;
    int levels = in.architecture.num_storage_levels();
    struct Question {
      MapspacePoint point;
      int level, loops;
    };
    std::vector<Question> questions;
    // A tiling's variants asked in turn at each level and number of loops known: the same
    // level, other orders above it (the search's order is the same level's next loops).
    auto ask_in_turn = [&](const std::vector<MapspacePoint>& variants) {
      for (int level = levels; level >= 0; --level) {
        for (int loops = 0; loops <= (level < levels ? 5 : 0); ++loops) {
          for (const auto& p : variants) questions.push_back({p, level, loops});
        }
      }
    };
    auto point = space.empty_point();
    if (design < 40) {
      for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
        nth_tiling(space, t, point.tiling);
        auto variants = space.variants(point.tiling);
        std::vector<MapspacePoint> all;
        for (std::uint64_t v = 0; v < variants.total(); ++v) {
          space.set_variant(point, variants, v);
          all.push_back(point);
        }
        ask_in_turn(all);
      }
    } else {
      for (int n = 0; n < 200; ++n) {  // random points, each with two more of its tiling's variants
        space.randomize(point, rng);
        auto variants = space.variants(point.tiling);
        std::vector<MapspacePoint> three(3, point);
        for (int v = 1; v < 3; ++v) {
          space.set_variant(three[v], variants,
                            std::uniform_int_distribution<std::uint64_t>(0, variants.total() - 1)(rng));
        }
        ask_in_turn(three);
      }
    }
    if (design % 2) std::shuffle(questions.begin(), questions.end(), rng);
    for (const auto& q : questions) {
      KnownChoices known{&q.point.keep, &q.point.loop_orders, q.level, q.loops};
      double afresh = bound.energy(q.point.tiling, known);
      bool above = bound.exceeds(q.point.tiling, afresh * (1 - 1e-9), scratch, known);
      bool below = !bound.exceeds(q.point.tiling, afresh * (1 + 1e-9), scratch, known);
      ASSERT_TRUE(above && below) << "level " << q.level << ", " << q.loops << " loops known: bound " << afresh
                                  << (above ? "" : " not above a limit just below it")
                                  << (below ? "" : " above a limit just above it") << "\n"
                                  << yaml;
      double product = afresh * bound.cycles(q.point.tiling, known);
      ASSERT_TRUE(edp.exceeds(q.point.tiling, product * (1 - 1e-9), edp_scratch, known) &&
                  !edp.exceeds(q.point.tiling, product * (1 + 1e-9), edp_scratch, known))
          << "EDP, level " << q.level << ", " << q.loops << " loops known: bound " << product << "\n"
          << yaml;
      ++asked;
    }
  }
  EXPECT_GT(asked, 100000);
}

// Term by term, on every valid mapping of the random small designs: the per-tiling bound's
// energy for each level and tensor, with the mapping's bypass choice and orders known or not,
// is at most the model's energy of that tensor at that level (a sum can hide a term above its
// own count behind the slack of others: test_bounds has the Eyeriss-like case that did).
TEST(TilingBound, each_level_and_tensor_stays_below_its_own_energy_on_random_small_designs) {
  int valid = check_every_valid_mapping_of_random_small_designs(
      2028, [&](const input::MapperInputs& in, const Mapspace& space, const std::string& yaml) -> MappingCheck {
        auto bound = std::make_shared<TilingBound>(in.architecture, in.workload, space, Metric::kEnergy);
        return [=, &in](const MapspacePoint& point, const EvaluationResult& r) {
          for (bool known : {false, true}) {
            KnownChoices choices;
            if (known) choices = {&point.keep, &point.loop_orders, 0};
            for (const auto& term : bound->energy_terms(point.tiling, choices)) {
              const auto& level = r.storage[term.level];
              double model = 0;
              for (const auto& t : level.tensors) {
                if (t.tensor == in.workload.data_spaces[term.ds].name) model = t.energy_pJ;
              }
              if (term.pJ > model * (1 + 1e-9) + 1e-9) {
                ADD_FAILURE() << level.name << " " << in.workload.data_spaces[term.ds].name << ": bound " << term.pJ
                              << " pJ, model " << model << " pJ" << (known ? " (choices known)" : "") << "\n"
                              << yaml;
                return false;
              }
            }
          }
          return true;
        };
      });
  EXPECT_GT(valid, 10000);
}

// A 4 x 2 x 2 matrix product on MainMemory -> Buffer (keeps all) -> `macs` MACs, of which the
// constraints use one, and its tiling with M wholly at MainMemory and N, K at the Buffer.
struct OneBufferProduct {
  input::MapperInputs in;
  std::vector<std::uint32_t> tiling;
};
OneBufferProduct one_buffer_product(int macs) {
  OneBufferProduct p{
      load_mapper_yaml({R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: MainMemory, class: DRAM, attributes: {width: 8, block-size: 1, word-bits: 8}}
    - {name: Buffer, class: regfile, attributes: {depth: 64, width: 8, word-bits: 8}}
    - {name: 'MACC[0..)" + std::to_string(macs - 1) +
                            R"(]', class: intmac, attributes: {datawidth: 8}}
)",
                        R"(
problem:
  shape:
    name: gemm
    dimensions: [M, N, K]
    data-spaces:
    - {name: Weights, projection: [[[K]], [[N]]]}
    - {name: Inputs, projection: [[[M]], [[K]]]}
    - {name: Outputs, projection: [[[M]], [[N]]], read-write: true}
  instance: {M: 4, N: 2, K: 2}
)",
                        std::string("mapspace_constraints:\n"
                                    "- {target: Buffer, type: bypass, keep: [Weights, Inputs, Outputs]}\n") +
                            (macs > 1 ? "- {target: Buffer, type: spatial, factors: M=1 N=1 K=1}\n" : "")}),
      std::vector<std::uint32_t>(3)};
  Mapspace space(p.in.architecture, p.in.workload, p.in.constraints);
  const auto& slots = space.slots();
  for (DimensionId d = 0; d < 3; ++d) {
    int level = d == 0 ? 1 : 0;
    const auto& options = space.factor_options()[d];
    for (std::uint32_t i = 0; i < options.size(); ++i) {
      bool here = true;
      for (std::size_t slot = 0; slot < slots.size(); ++slot) {
        bool whole = slots[slot].level == level && !slots[slot].spatial;
        here = here && options[i][slot] == (whole ? p.in.workload.dimension_bounds[d] : 1);
      }
      if (here) p.tiling[d] = i;
    }
  }
  return p;
}

// The operand rule by hand, on two MACs (with a fanout below it, the Buffer is not charged
// once per operation outright: the next test). Weights (ranks K and N alone) have 4 > 2
// operands left below the chosen level and a fanout of 2 there, so a K or N loop runs in time
// below it and a weight never stays across an M iteration; M is all chosen, so each delivery
// serves one operation: 16 reads, where the old count said 4 (the tensor once). Inputs (ranks
// M, K) and Outputs (M, N) may stay across the other loop left below (2): 8 each. MainMemory:
// 4 + 8 reads, 8 updates; Buffer fills 4 + 8 + 8, the whole tensors once.
TEST(OuterTilingBound, counts_each_operation_a_delivery_when_a_pinned_loop_runs_below_the_chosen_levels) {
  auto [in, tiling] = one_buffer_product(2);
  Mapspace space(in.architecture, in.workload, in.constraints);
  const auto& memory = in.architecture.storage[1].energy;
  const auto& buffer = in.architecture.storage[0].energy;
  double compute = 16 * compute_cost(in.architecture.arithmetic, in.workload).energy_per_compute_pJ;
  double expected = compute + (4 + 8) * memory.read_pJ + 8 * memory.update_pJ + (4 + 8 + 8) * buffer.fill_pJ +
                    (16 + 8) * buffer.read_pJ + 8 * buffer.update_pJ;
  OuterTilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
  EXPECT_NEAR(bound.energy(tiling, 1), expected, 1e-9 * expected);
}

// The same product on one MAC: the Buffer, the innermost level and with no fanout below, is
// accessed once per operation for every tensor whatever the loops: 16 weight reads, 16 input
// reads, 16 output updates (where the operand rule says 16, 8 and 8), and 16 - 8 output reads
// (each update but an output's first; one unit, 8 outputs). A mapping of the tiling costs
// exactly that: the model's counts.
TEST(OuterTilingBound, charges_the_innermost_keeper_one_access_per_operation_without_a_fanout_below) {
  auto [in, tiling] = one_buffer_product(1);
  Mapspace space(in.architecture, in.workload, in.constraints);
  const auto& memory = in.architecture.storage[1].energy;
  const auto& buffer = in.architecture.storage[0].energy;
  double compute = 16 * compute_cost(in.architecture.arithmetic, in.workload).energy_per_compute_pJ;
  double expected = compute + (4 + 8) * memory.read_pJ + 8 * memory.update_pJ + (4 + 8 + 8) * buffer.fill_pJ +
                    (16 + 16 + 8) * buffer.read_pJ + 16 * buffer.update_pJ;
  OuterTilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
  EXPECT_NEAR(bound.energy(tiling, 1), expected, 1e-9 * expected);
  auto point = space.empty_point();
  point.tiling = tiling;
  auto r = evaluate(in.architecture, in.workload, space.build(point));
  ASSERT_TRUE(r.valid);
  EXPECT_NEAR(r.summary.energy_pJ, expected, 1e-9 * expected);
}

// Partial sums read back across a fanout (partial_sums_refetched_across_a_fanout, whose hand
// counts test_bounds.cpp gives): with the Buffer's loops chosen (K = 1), the RFs' tiles are
// known, 2 outputs between them, and each of the 6 steps above them brings a whole tile (the
// model's sweeps), 12 updates, of which all but the 4 firsts are read: the Buffer's reads (its
// only tensor) add 8 of its reads to the bound. With only MainMemory's chosen, what the RFs
// hold may be the Buffer's whole tile (4), and no read is certain.
TEST(OuterTilingBound, charges_the_reads_of_partial_sums_at_a_keeper_with_a_fanout_below) {
  auto in = partial_sums_refetched_across_a_fanout();
  Mapspace space(in.architecture, in.workload, in.constraints);
  auto tiling = space.empty_point().tiling;
  auto free_reads = in.architecture;
  const int buffer = 1;
  free_reads.storage[buffer].energy.read_pJ = 0;
  OuterTilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
  OuterTilingBound without_reads(free_reads, in.workload, space, Metric::kEnergy);
  double read_pJ = in.architecture.storage[buffer].energy.read_pJ;
  ASSERT_GT(read_pJ, 0);
  EXPECT_NEAR(bound.energy(tiling, 1) - without_reads.energy(tiling, 1), 8 * read_pJ, 1e-9 * read_pJ);
  EXPECT_NEAR(bound.energy(tiling, 2) - without_reads.energy(tiling, 2), 0, 1e-9 * read_pJ);
  auto point = space.empty_point();
  space.set_variant(point, space.variants(point.tiling), 0);
  auto r = evaluate(in.architecture, in.workload, space.build(point));
  ASSERT_TRUE(r.valid);
  EXPECT_LE(bound.energy(tiling, 1), r.summary.energy_pJ);
}

// A convolution's halo read again (halo_read_again_under_two_sliding_loops, whose hand counts
// test_bounds.cpp gives): with MainMemory's loops chosen (K = 1, the Buffer's tile known, or
// K = 0), MainMemory reads at least the model's 48 inputs (2 tiles of 16 and 2 steps of 8:
// the sweeps of whichever of P and Q is inner) and the 9 weights (its outputs are only
// updated): 57 reads. With nothing chosen (K = 2), the tensors once: 36 + 9.
TEST(OuterTilingBound, reads_a_convolutions_halo_again_when_two_sliding_loops_are_chosen_above_its_buffer) {
  auto in = halo_read_again_under_two_sliding_loops();
  Mapspace space(in.architecture, in.workload, in.constraints);
  auto tiling = space.empty_point().tiling;
  auto free_reads = in.architecture;
  const int memory = 1;
  free_reads.storage[memory].energy.read_pJ = 0;
  OuterTilingBound bound(in.architecture, in.workload, space, Metric::kEnergy);
  OuterTilingBound without_reads(free_reads, in.workload, space, Metric::kEnergy);
  double read_pJ = in.architecture.storage[memory].energy.read_pJ;
  ASSERT_GT(read_pJ, 0);
  for (int lowest : {0, 1}) {
    EXPECT_NEAR(bound.energy(tiling, lowest) - without_reads.energy(tiling, lowest), 57 * read_pJ, 1e-9 * read_pJ)
        << lowest;
  }
  EXPECT_NEAR(bound.energy(tiling, 2) - without_reads.energy(tiling, 2), 45 * read_pJ, 1e-9 * read_pJ);
}

// The same with the Buffer writing one word a cycle: chosen from the Buffer's level (K = 1),
// its 12 updates and 4 fills take 16 cycles; from MainMemory's alone (K = 2), 4 updates (what
// the RFs may hold is the Buffer's whole tile) and 4 fills, 8; the compute alone takes 6, the
// model 16 (test_bounds.cpp). EDP is bound with those cycles.
TEST(OuterTilingBound, stretches_its_cycles_to_a_known_levels_least_words_over_its_bandwidth) {
  auto in = partial_sums_refetched_across_a_fanout(", write_bandwidth: 1");
  Mapspace space(in.architecture, in.workload, in.constraints);
  auto tiling = space.empty_point().tiling;
  OuterTilingBound bound(in.architecture, in.workload, space, Metric::kEdp);
  EXPECT_NEAR(bound.cycles(tiling, 1), 16, 1e-6);
  EXPECT_NEAR(bound.cycles(tiling, 2), 8, 1e-6);
  double edp = bound.energy(tiling, 1) * 16;
  EXPECT_TRUE(bound.exceeds(tiling, 1, edp * (1 - 1e-6)));
  EXPECT_FALSE(bound.exceeds(tiling, 1, edp * (1 + 1e-6)));
}

MapperSettings enumeration(SearchAlgorithm algorithm, Metric metric) {
  MapperSettings settings;
  settings.algorithm = algorithm;
  settings.objectives = {metric};
  settings.threads = 2;
  settings.victory_condition = 0;
  settings.time_limit_seconds = 0;
  return settings;
}

TEST(CertifiedSearch, finds_the_optimum_of_the_whole_enumeration_on_200_random_small_designs) {
  std::mt19937_64 rng(7);
  int cut = 0;
  for (int design = 0; design < 200; ++design) {
    std::string yaml;
    auto in = small_design(rng, 20000, yaml);
    auto metric = std::array{Metric::kEnergy, Metric::kDelay, Metric::kEdp}[design % 3];
    if (design % 2) in.architecture.rules = CountingRules::kTimeloopV4;
    auto whole_settings = enumeration(SearchAlgorithm::kExhaustive, metric);
    whole_settings.elite_size = 1;  // no branch and bound: every point evaluated
    auto whole = run_mapper(in.architecture, in.workload, in.constraints, whole_settings, nullptr, {});
    auto certified = run_mapper(in.architecture, in.workload, in.constraints,
                                enumeration(SearchAlgorithm::kOptimal, metric), nullptr, {});
    ASSERT_EQ(whole.found, certified.found) << yaml;
    if (!whole.found) continue;
    ASSERT_TRUE(certified.report.optimal) << yaml;
    ASSERT_NEAR(certified.cost.metric(metric), whole.cost.metric(metric), 1e-9 * whole.cost.metric(metric))
        << to_string(metric) << "\n"
        << yaml;
    cut += certified.report.no_fit_tilings + certified.report.bounded_out_tilings > 0;
  }
  EXPECT_GE(cut, 80);  // the rules do cut, on many designs
}

// Rule 1 (cannot fit), point by point: on 200 random small designs, every partial tiling the
// search can meet (dimensions chosen one at a time, outermost level first, in a random order
// of dimensions) is ruled out only when no tiling completing it may work; and the search's
// check of one more choice, which looks only at what that choice changes, tells the same as
// the check of the whole partial tiling wherever the tiling before the choice passed.
TEST(CertifiedSearch, rules_a_partial_tiling_out_as_unfit_only_when_no_completion_may_work) {
  std::mt19937_64 rng(11);
  int ruled_out_early = 0, choices = 0;
  for (int design = 0; design < 200; ++design) {
    std::string yaml;
    auto in = small_design(rng, 20000, yaml);
    // Every fourth with an outermost level too small for some tensors.
    if (design % 4 == 3) in.architecture.storage.back().size_words = 4 + design % 8;
    Mapspace space(in.architecture, in.workload, in.constraints);
    int dims = static_cast<int>(space.factor_options().size());
    int levels = in.architecture.num_storage_levels();
    std::vector<DimensionId> order(static_cast<std::size_t>(dims));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::uint32_t> tiling(static_cast<std::size_t>(dims));
    for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
      nth_tiling(space, t, tiling);
      bool completion_may_work = space.tiling_may_work(tiling);
      KnownLevels known;
      known.fill(levels);
      bool before = space.partial_tiling_may_work(tiling, known);
      for (int depth = 0; depth < levels * dims; ++depth) {
        int level = levels - 1 - depth / dims;
        known[order[depth % dims]] = level;
        bool whole = space.partial_tiling_may_work(tiling, known);
        if (!whole) {
          ASSERT_FALSE(completion_may_work) << "tiling " << t << ", depth " << depth << "\n" << yaml;
          ruled_out_early += depth + 1 < levels * dims;
        }
        if (before || level + 1 == levels) {  // the outermost level's choices: checked in full
          ++choices;
          ASSERT_EQ(space.choice_may_work(tiling, known, level), whole) << "tiling " << t << ", depth " << depth << "\n"
                                                                        << yaml;
        }
        before = whole;
      }
    }
  }
  EXPECT_GT(choices, 50000);
  EXPECT_GT(ruled_out_early, 1000);  // the rule cuts before the tiling is complete, often
}

// A small Eyeriss-like layer: the proof cuts most tilings and agrees with the exhaustive
// branch and bound (energy 18,222.86 pJ, docs/mapper.md).
// The certified search asks its filter at the first variant of each run that shares a bypass
// choice (and then the orders from a level up, each level's from its innermost loop out) and
// skips the run when told: so the variants it proposes for a tiling must be exactly those the
// filter would let through one by one. On a design with every bypass choice free (2^6) and
// orders at every level, with a filter that reads only the loops it is told are known, and
// turns down every choice where the register files keep the weights, every variant whose
// outermost level has loops to order and K innermost, and every one whose global buffer has
// three loops, R the second innermost.
TEST(CertifiedSearch, proposes_exactly_the_variants_its_filter_lets_through_when_the_bypass_choice_comes_first) {
  auto in =
      load_mapper_yaml({"architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
                        "    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}\n"
                        "    - {name: GlobalBuffer, class: SRAM, attributes: {depth: 64, width: 8, word-bits: 8}}\n"
                        "    - {name: 'RF[0..1]', class: regfile, attributes: {depth: 16, width: 8, word-bits: 8}}\n"
                        "    - {name: 'MACC[0..1]', class: intmac, attributes: {datawidth: 8}}\n",
                        "problem:\n  shape:\n    name: conv1d-k\n    dimensions: [K, R, P]\n    data-spaces:\n"
                        "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
                        "    - {name: Inputs, projection: [[[R], [P]]]}\n"
                        "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
                        "  instance: {K: 2, R: 3, P: 4}\n"});
  Mapspace space(in.architecture, in.workload, in.constraints);
  ASSERT_EQ(space.num_keep_choices(), 64u);
  int levels = in.architecture.num_storage_levels();
  DimensionId k = in.workload.find_dimension("K");
  DimensionId r = in.workload.find_dimension("R");
  int asked_partly = 0;  // asks with some of a level's loops unknown
  auto turned_down_at = [&](const MapspacePoint& point, int level, int loops_known) {
    if (level == levels) return static_cast<bool>(point.keep[0][0]);  // RF keeps Weights
    const auto& order = point.loop_orders[level];
    if (level == levels - 1) return loops_known >= 1 && order.size() >= 2 && order[0] == k;  // (one loop: no choice)
    return level == levels - 2 && loops_known >= 2 && order.size() == 3 && order[1] == r;
  };
  ChoiceFilter filter = [&](const MapspacePoint& point, int level, int loops_known) {
    if (level < levels && loops_known < static_cast<int>(point.loop_orders[level].size())) ++asked_partly;
    return turned_down_at(point, level, loops_known) ? ChoiceVerdict::kCannotWin : ChoiceVerdict::kNeeded;
  };
  auto key = [](const MapspacePoint& p) {
    std::string text;
    for (const auto& level : p.keep)
      for (bool kept : level) text += kept ? 'k' : 'b';
    for (const auto& level : p.loop_orders) {
      text += '|';
      for (auto dim : level) text += static_cast<char>('0' + dim);
    }
    for (const auto& level : p.spatial_on_y)
      for (bool y : level) text += y ? 'y' : 'x';
    return text;
  };
  MapperSettings settings;
  SharedWork work;
  auto strategy = make_strategy(SearchAlgorithm::kOptimal, space, settings, 0, 1, {}, {}, {}, &work, filter);
  std::map<std::vector<std::uint32_t>, std::set<std::string>> proposed;
  auto point = space.empty_point();
  while (strategy->next(point)) proposed[point.tiling].insert(key(point));
  ASSERT_GT(proposed.size(), 10u);
  std::size_t variants = 0;
  for (const auto& [tiling, keys] : proposed) {
    auto expected_point = space.empty_point();
    expected_point.tiling = tiling;
    auto all = space.variants(tiling);
    std::set<std::string> expected;
    for (std::uint64_t v = 0; v < all.total(); ++v) {
      space.set_variant(expected_point, all, v);
      bool turned_down = false;
      for (int level = levels; level >= levels - 2; --level) turned_down |= turned_down_at(expected_point, level, 8);
      if (turned_down) continue;
      expected.insert(key(expected_point));
    }
    EXPECT_EQ(keys, expected);
    variants += keys.size();
  }
  EXPECT_GT(variants, 1000u);
  EXPECT_GT(asked_partly, 100);
}

TEST(CertifiedSearch, proves_the_optimum_of_a_small_eyeriss_like_layer_visiting_few_tilings) {
  auto in = eyeriss_like_conv("{C: 2, M: 4, R: 3, S: 3, N: 1, P: 2, Q: 2}");
  auto certified = run_mapper(in.architecture, in.workload, in.constraints,
                              enumeration(SearchAlgorithm::kOptimal, Metric::kEnergy), nullptr, {});
  auto exhaustive = run_mapper(in.architecture, in.workload, in.constraints,
                               enumeration(SearchAlgorithm::kExhaustive, Metric::kEnergy), nullptr, {});
  ASSERT_TRUE(certified.found && exhaustive.found);
  EXPECT_TRUE(certified.report.optimal);
  EXPECT_DOUBLE_EQ(certified.cost.energy_pJ, exhaustive.cost.energy_pJ);
  auto tilings = static_cast<double>(certified.report.mapspace_tilings);
  EXPECT_LT(certified.report.visited_tilings, tilings / 4);
  EXPECT_GT(certified.report.no_fit_tilings, 0);
  EXPECT_GT(certified.report.bounded_out_tilings, 0);
}

}  // namespace
}  // namespace qloop::testing

namespace qloop::testing {
namespace {

// The Simba-like example: MobileNetV1's last pointwise layer (C = M = 1024, 7 x 7) can keep
// all 256 MACs busy (M over PEs and weight buffers, C over the vector lanes), and nothing
// throttles it, so its fastest mapping takes exactly 1024 * 1024 * 49 / 256 = 200,704 cycles.
TEST(CertifiedSearch, proves_the_simba_like_design_keeps_its_256_macs_busy_on_a_pointwise_layer) {
  auto in = example_conv("simba-like", "{C: 1024, M: 1024, R: 1, S: 1, N: 1, P: 7, Q: 7}");
  auto settings = enumeration(SearchAlgorithm::kOptimal, Metric::kDelay);
  settings.time_limit_seconds = 120;  // a guard; the proof takes well under a second
  auto r = run_mapper(in.architecture, in.workload, in.constraints, settings, nullptr, {});
  ASSERT_TRUE(r.found);
  EXPECT_TRUE(r.report.optimal);
  EXPECT_EQ(r.cost.cycles, 200704);
}

}  // namespace
}  // namespace qloop::testing

namespace qloop::testing {
namespace {

// Review findings, each once a proof of a mapping that was not optimal: the bounds charged a
// clustered level per instance (the model charges a cluster's access once for its instances),
// and counted a tensor whose ranks share a dimension as if they were independent.
TEST(CertifiedSearch, equals_the_whole_enumeration_where_clusters_share_accesses_and_ranks_share_dimensions) {
  auto clustered = std::string(R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: MainMemory, class: DRAM, attributes: {width: 64, block-size: 4, word-bits: 16}}
    - {name: GlobalBuffer, class: SRAM, attributes: {depth: 512, width: 64, block-size: 4, word-bits: 16}}
    subtree:
    - name: PE[0..15]
      local:
      - {name: WeightReg, class: regfile, attributes: {depth: 4, width: 128, word-bits: 16, cluster-size: 8, meshX: 16}}
      - {name: MACC, class: intmac, attributes: {datawidth: 16, meshX: 16}}
mapspace_constraints:
- {target: WeightReg, type: bypass, keep: [Weights], bypass: [Inputs, Outputs]}
)") + conv1d_channels_problem(2, 16, 3, 4);
  auto shared_dimension = two_level_arch() + R"(
problem:
  shape:
    name: diagonal
    dimensions: [P, Q]
    data-spaces:
    - {name: Weights, projection: [[[P]], [[P]]]}
    - {name: Inputs, projection: [[[Q]]]}
    - {name: Outputs, projection: [[[P]], [[Q]]], read-write: true}
  instance: {P: 8, Q: 2}
)";
  for (const auto& yaml : {clustered, shared_dimension}) {
    auto in = load_mapper_yaml({yaml});
    auto whole_settings = enumeration(SearchAlgorithm::kExhaustive, Metric::kEnergy);
    whole_settings.elite_size = 1;
    auto whole = run_mapper(in.architecture, in.workload, in.constraints, whole_settings, nullptr, {});
    ASSERT_TRUE(whole.found) << yaml;
    Mapspace space(in.architecture, in.workload, in.constraints);
    EXPECT_LE(lower_bound(in.architecture, in.workload, Metric::kEnergy, &space), whole.cost.energy_pJ) << yaml;
    auto certified = run_mapper(in.architecture, in.workload, in.constraints,
                                enumeration(SearchAlgorithm::kOptimal, Metric::kEnergy), nullptr, {});
    ASSERT_TRUE(certified.found && certified.report.optimal) << yaml;
    EXPECT_NEAR(certified.cost.energy_pJ, whole.cost.energy_pJ, 1e-9 * whole.cost.energy_pJ) << yaml;
  }
}

// Gating, skipping and compressed tiles save accesses, computes and cycles below any dense
// count, and a compressed tile fits where its dense size would not: the search must neither
// bound them out nor refuse them by the dense capacity.
TEST(CertifiedSearch, equals_the_whole_enumeration_with_gating_skipping_and_compressed_tiles) {
  const std::string arch = R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8, metadata_storage_width: 8,
                                                    metadata_datawidth: 4}}
    - {name: Buffer, class: regfile, attributes: {depth: 6, width: 8, word-bits: 8, metadata_storage_width: 8,
                                                   metadata_storage_depth: 16, metadata_datawidth: 4}}
    - {name: MACC, class: intmac, attributes: {datawidth: 8}}
)";
  const std::string problem = R"(
problem:
  shape:
    name: gemm
    dimensions: [M, N, K]
    data-spaces:
    - {name: Weights, projection: [[[K]], [[N]]]}
    - {name: Inputs, projection: [[[M]], [[K]]]}
    - {name: Outputs, projection: [[[M]], [[N]]], read-write: true}
  instance: {M: 2, N: 2, K: 4, densities: {Weights: 0.25, Inputs: {distribution: hypergeometric, density: 0.5}}}
)";
  const std::vector<std::string> optimizations = {
      "sparse_optimizations:\n  targets:\n  - name: Buffer\n    action-optimization:\n"
      "    - {type: gating, target: Inputs, condition-on: [Weights]}\n",
      "sparse_optimizations:\n  targets:\n  - name: Buffer\n    action-optimization:\n"
      "    - {type: skipping, target: Outputs, condition-on: [Weights, Inputs]}\n"
      "    representation-format: {data-spaces: [{name: Weights, ranks: [{format: CP}]}]}\n",
      "sparse_optimizations:\n  targets:\n  - name: Buffer\n"
      "    representation-format: {data-spaces: [{name: Weights, ranks: [{format: UOP}, {format: CP}]}]}\n"
      "  - name: MainMemory\n"
      "    representation-format: {data-spaces: [{name: Weights, ranks: [{format: UOP}, {format: CP}]}]}\n"
      "  - name: MACC\n    compute-optimization: [{type: gating}]\n"};
  for (const auto& sparse : optimizations) {
    for (auto metric : {Metric::kEnergy, Metric::kDelay, Metric::kEdp}) {
      auto in = load_mapper_yaml({arch + problem + sparse});
      auto whole_settings = enumeration(SearchAlgorithm::kExhaustive, metric);
      whole_settings.elite_size = 1;
      auto whole = run_mapper(in.architecture, in.workload, in.constraints, whole_settings, nullptr, {});
      ASSERT_TRUE(whole.found) << sparse;
      auto certified = run_mapper(in.architecture, in.workload, in.constraints,
                                  enumeration(SearchAlgorithm::kOptimal, metric), nullptr, {});
      ASSERT_TRUE(certified.found && certified.report.optimal) << sparse;
      EXPECT_NEAR(certified.cost.metric(metric), whole.cost.metric(metric), 1e-9 * whole.cost.metric(metric))
          << to_string(metric) << "\n"
          << sparse;
      Mapspace space(in.architecture, in.workload, in.constraints);
      EXPECT_LE(lower_bound(in.architecture, in.workload, metric, &space), certified.cost.metric(metric)) << sparse;
      // All of Weights (8 operands, 2 nonzeros; N in the UOP rank, K in the CP one) in the
      // 6-word Buffer: it fits compressed only.
      auto compressed = load_yaml({arch + problem + sparse + R"(
mapping:
- {target: MainMemory, type: temporal, factors: M=2 N=1 K=1, permutation: MNK}
- {target: Buffer, type: temporal, factors: M=1 N=2 K=4, permutation: KNM}
- {target: Buffer, type: bypass, keep: [Weights], bypass: [Inputs, Outputs]}
)"});
      auto fits = evaluate(compressed.architecture, compressed.workload, compressed.mapping);
      if (sparse.find("UOP") != std::string::npos) {
        ASSERT_TRUE(fits.valid) << fits.reason;
        auto cost = metric == Metric::kEnergy  ? fits.summary.energy_pJ
                    : metric == Metric::kDelay ? static_cast<double>(fits.summary.cycles)
                                               : fits.summary.energy_pJ * static_cast<double>(fits.summary.cycles);
        EXPECT_LE(certified.cost.metric(metric), cost * (1 + 1e-9)) << to_string(metric) << "\n" << sparse;
      }
    }
  }
}

}  // namespace
}  // namespace qloop::testing
