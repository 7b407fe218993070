// The mapper against an independent brute-force enumeration, and its contract: constraints
// respected, results reproducible, outputs that round-trip through the model.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <random>

#include "input/parse_constraints.hpp"
#include "input/yaml_document.hpp"
#include "model_fixture.hpp"
#include "report/mapping_yaml.hpp"
#include "report/search_report.hpp"
#include "search/bounds.hpp"
#include "search/mapper.hpp"
#include "search/mapspace.hpp"

namespace qloop::testing {
namespace {

// 1-D convolution with K output channels on MainMemory -> Buffer -> 2 MACs.
struct SmallDesign {
  input::ModelInputs inputs;
};

SmallDesign small_design(int buffer_depth, const std::string& extra_instance = "") {
  auto problem =
      "problem:\n"
      "  shape:\n"
      "    name: conv1d-k\n"
      "    dimensions: [K, R, P]\n"
      "    data-spaces:\n"
      "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
      "    - {name: Inputs, projection: [[[R], [P]]]}\n"
      "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
      "  instance: {K: 2, R: 3, P: 4" +
      extra_instance + "}\n";
  // A mapping is needed to load model inputs; the mapper ignores it.
  auto map = "mapping:\n- {target: MainMemory, type: temporal, factors: K=2 R=3 P=4, permutation: KRP}\n";
  return {load_yaml({two_level_arch(buffer_depth, 2), problem, map, two_level_ert()})};
}

// Every mapping of a design, enumerated naively and independently of the mapper: each
// dimension split over the slots (every level's temporal loops, plus the spatial loops of
// `spatial_level`), every full permutation at every level, and every keep/bypass choice at
// the levels in `bypass_levels`. Returns the lowest energy, EDP and cycles among valid mappings
// (each minimized on its own).
struct Minima {
  double energy_pJ = 1e300, edp = 1e300, cycles = 1e300;
};
Minima brute_force_minima(const input::ModelInputs& in, int spatial_level, const std::vector<int>& bypass_levels) {
  const auto& w = in.workload;
  int levels = in.architecture.num_storage_levels();
  struct Slot {
    int level;
    bool spatial;
  };
  std::vector<Slot> slots;
  for (int level = 0; level < levels; ++level) {
    if (level == spatial_level) slots.push_back({level, true});
    slots.push_back({level, false});
  }
  // All ordered splits of n over the slots.
  std::vector<std::vector<std::vector<std::int64_t>>> splits(w.num_dimensions());
  for (int d = 0; d < w.num_dimensions(); ++d) {
    std::vector<std::int64_t> current(slots.size(), 1);
    std::function<void(std::size_t, std::int64_t)> split = [&](std::size_t i, std::int64_t rest) {
      if (i + 1 == slots.size()) {
        current[i] = rest;
        splits[d].push_back(current);
        return;
      }
      for (std::int64_t f = 1; f <= rest; ++f) {
        if (rest % f) continue;
        current[i] = f;
        split(i + 1, rest / f);
      }
    };
    split(0, w.dimension_bounds[d]);
  }
  std::vector<DimensionId> base(w.num_dimensions());
  std::iota(base.begin(), base.end(), 0);
  std::vector<std::vector<DimensionId>> perms;
  auto p = base;
  do perms.push_back(p);
  while (std::next_permutation(p.begin(), p.end()));

  auto bypass_choices = 1 << (w.num_data_spaces() * static_cast<int>(bypass_levels.size()));
  Minima best;
  std::vector<std::size_t> pick(w.num_dimensions(), 0), order(levels, 0);
  while (true) {
    for (int bypass = 0; bypass < bypass_choices; ++bypass) {
      Mapping m;
      for (int level = 0; level < levels; ++level) {
        LevelMapping lm;
        lm.temporal_factors.assign(w.num_dimensions(), 1);
        lm.spatial_factors.assign(w.num_dimensions(), 1);
        lm.temporal_permutation = perms[order[level]];
        lm.spatial_permutation = base;
        lm.spatial_split = w.num_dimensions();
        lm.keep.assign(w.num_data_spaces(), true);
        m.levels.push_back(lm);
      }
      for (int d = 0; d < w.num_dimensions(); ++d) {
        for (std::size_t i = 0; i < slots.size(); ++i) {
          auto& lm = m.levels[slots[i].level];
          (slots[i].spatial ? lm.spatial_factors : lm.temporal_factors)[d] = splits[d][pick[d]][i];
        }
      }
      int bit = 0;
      for (int level : bypass_levels) {
        for (int ds = 0; ds < w.num_data_spaces(); ++ds) m.levels[level].keep[ds] = ((bypass >> bit++) & 1) == 0;
      }
      auto r = evaluate(in.architecture, w, m);
      if (r.valid) {
        auto cycles = static_cast<double>(r.summary.cycles);
        best.energy_pJ = std::min(best.energy_pJ, r.summary.energy_pJ);
        best.edp = std::min(best.edp, r.summary.energy_pJ * cycles);
        best.cycles = std::min(best.cycles, cycles);
      }
    }
    // Next loop orders, then next tiling.
    int l = 0;
    while (l < levels && ++order[l] == perms.size()) order[l++] = 0;
    if (l < levels) continue;
    int d = 0;
    while (d < w.num_dimensions() && ++pick[d] == splits[d].size()) pick[d++] = 0;
    if (d == w.num_dimensions()) break;
  }
  return best;
}

double brute_force_min_energy(const input::ModelInputs& in, int spatial_level, const std::vector<int>& bypass_levels) {
  return brute_force_minima(in, spatial_level, bypass_levels).energy_pJ;
}

Constraints parse(const input::ModelInputs& in, const std::string& yaml) {
  auto doc = input::load_yaml_files({write_temp("constraints.yaml", yaml)});
  return input::parse_constraints(doc, in.workload, in.architecture);
}

MapperSettings exhaustive_energy(int threads = 1) {
  MapperSettings s;
  s.algorithm = SearchAlgorithm::kExhaustive;
  s.objectives = {Metric::kEnergy};
  s.threads = threads;
  s.victory_condition = 0;
  s.time_limit_seconds = 0;
  return s;
}

TEST(Mapper, exhaustive_search_finds_the_brute_force_optimum) {
  auto d = small_design(64);
  auto constraints = Constraints::unconstrained(2, d.inputs.workload);
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, constraints, exhaustive_energy(2), nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_TRUE(result.report.optimal);
  EXPECT_DOUBLE_EQ(result.cost.energy_pJ, brute_force_min_energy(d.inputs, 0, {0}));
}

// Settings left at their defaults run the certified search: on a small design it proves the
// optimum (EDP, the default objective) that brute force finds.
TEST(Mapper, the_default_search_is_the_certified_one_and_proves_the_brute_force_optimum) {
  auto d = small_design(16);
  auto constraints = Constraints::unconstrained(2, d.inputs.workload);
  MapperSettings defaults;
  defaults.threads = 2;
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, constraints, defaults, nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.report.algorithm, "optimal");
  EXPECT_TRUE(result.report.optimal);
  auto minima = brute_force_minima(d.inputs, 0, {0});
  EXPECT_NEAR(result.cost.edp, minima.edp, 1e-9 * minima.edp);
}

// An elite list wants mappings that lose too, which no branch and bound keeps: the certified
// search asked with one runs the hybrid search, and says so.
TEST(Mapper, the_certified_search_with_an_elite_list_runs_the_hybrid_search) {
  MapperSettings asked;
  asked.elite_size = 8;
  auto run = effective_settings(asked);
  EXPECT_EQ(run.algorithm, SearchAlgorithm::kHybrid);
  EXPECT_EQ(run.elite_size, 8u);
  asked.elite_size = 0;
  EXPECT_EQ(effective_settings(asked).algorithm, SearchAlgorithm::kOptimal);
}

TEST(Mapper, branch_and_bound_on_edp_and_delay_keeps_the_brute_force_optimum) {
  // Tilings whose compute cycles alone (times the energy bound, for EDP) exceed the best so
  // far are skipped with all their variants; the optimum must not move.
  for (const std::string bits : {"", ", bitwidths: {Weights: 2, Inputs: 2}"}) {
    auto d = small_design(16, bits);
    auto constraints = Constraints::unconstrained(2, d.inputs.workload);
    auto minima = brute_force_minima(d.inputs, 0, {0});
    for (auto metric : {Metric::kEdp, Metric::kDelay}) {
      auto settings = exhaustive_energy(2);
      settings.objectives = {metric};
      auto result = run_mapper(d.inputs.architecture, d.inputs.workload, constraints, settings, nullptr, {});
      ASSERT_TRUE(result.found) << bits;
      EXPECT_TRUE(result.report.optimal) << bits;
      // On delay the search stops sooner still: its best meets the bound (12 cycles).
      if (metric == Metric::kEdp) {
        EXPECT_GT(result.report.pruned_tilings, 0u) << bits;
      } else {
        EXPECT_TRUE(result.report.meets_bound) << bits;
      }
      EXPECT_DOUBLE_EQ(result.cost.metric(metric), metric == Metric::kEdp ? minima.edp : minima.cycles) << bits;
    }
    // Energy: with the buffer's keeps free, the tiling bound counts the outermost level's traffic
    // alone, and no tiling's is above the optimum: nothing is pruned (test_bounds prunes).
    auto result = run_mapper(d.inputs.architecture, d.inputs.workload, constraints, exhaustive_energy(2), nullptr, {});
    EXPECT_EQ(result.report.pruned_tilings, 0u) << bits;
    EXPECT_DOUBLE_EQ(result.cost.energy_pJ, minima.energy_pJ) << bits;
  }
}

TEST(Mapper, exhaustive_search_finds_the_brute_force_optimum_when_only_packed_tiles_fit) {
  // 6 words: at 8 bits most tiles that keep everything overflow; at 2-bit weights/inputs they fit.
  auto d = small_design(6, ", bitwidths: {Weights: 2, Inputs: 2}");
  auto constraints = Constraints::unconstrained(2, d.inputs.workload);
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, constraints, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_DOUBLE_EQ(result.cost.energy_pJ, brute_force_min_energy(d.inputs, 0, {0}));
  EXPECT_LE(lower_bound(d.inputs.architecture, d.inputs.workload, Metric::kEnergy), result.cost.energy_pJ);
}

// Three levels (MainMemory -> GlobalBuffer -> 2 register files -> 2 MACs), every tensor kept.
TEST(Mapper, exhaustive_search_matches_brute_force_on_three_levels_with_and_without_quantization) {
  for (const std::string bits : {"", ", bitwidths: {Weights: 4, Inputs: 4}"}) {
    auto arch =
        "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
        "    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}\n"
        "    - {name: GlobalBuffer, class: SRAM, attributes: {depth: 16, width: 8, word-bits: 8}}\n"
        "    - {name: 'RF[0..1]', class: regfile, attributes: {depth: 4, width: 8, word-bits: 8}}\n"
        "    - {name: 'MACC[0..1]', class: intmac, attributes: {datawidth: 8}}\n";
    auto problem =
        "problem:\n  shape:\n    name: conv1d-k\n    dimensions: [K, R, P]\n    data-spaces:\n"
        "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
        "    - {name: Inputs, projection: [[[R], [P]]]}\n"
        "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
        "  instance: {K: 2, R: 3, P: 4" +
        bits + "}\n";
    auto ert = two_level_ert() +
               "  - name: System.GlobalBuffer\n    actions: [{name: read, energy: 6}, {name: write, energy: 6}]\n"
               "  - name: System.RF[0..1]\n    actions: [{name: read, energy: 0.4}, {name: write, energy: 0.4}]\n";
    auto in =
        load_yaml({arch, problem,
                   "mapping:\n- {target: MainMemory, type: temporal, factors: K=2 R=3 P=4, permutation: KRP}\n", ert});
    auto c = parse(in,
                   "mapspace_constraints:\n"
                   "- {target: RF, type: bypass, keep: [Weights, Inputs, Outputs]}\n"
                   "- {target: GlobalBuffer, type: bypass, keep: [Weights, Inputs, Outputs]}\n");
    auto result = run_mapper(in.architecture, in.workload, c, exhaustive_energy(2), nullptr, {});
    ASSERT_TRUE(result.found) << bits;
    EXPECT_TRUE(result.report.optimal);
    EXPECT_DOUBLE_EQ(result.cost.energy_pJ, brute_force_min_energy(in, 1, {})) << bits;
    EXPECT_LE(lower_bound(in.architecture, in.workload, Metric::kEnergy), result.cost.energy_pJ) << bits;
  }
}

TEST(Mapper, quantization_opens_mappings_that_did_not_fit) {
  auto wide = small_design(6);
  auto narrow = small_design(6, ", bitwidths: {Weights: 2, Inputs: 2}");
  auto c = Constraints::unconstrained(2, wide.inputs.workload);
  auto w = run_mapper(wide.inputs.architecture, wide.inputs.workload, c, exhaustive_energy(), nullptr, {});
  auto n = run_mapper(narrow.inputs.architecture, narrow.inputs.workload, c, exhaustive_energy(), nullptr, {});
  EXPECT_GT(n.report.valid, w.report.valid);
}

TEST(Mapper, fixed_factors_orders_and_bypass_are_respected) {
  auto d = small_design(64);
  auto c = parse(d.inputs,
                 "mapspace_constraints:\n"
                 "- {target: Buffer, type: temporal, factors: R=3 P>=2, permutation: R_}\n"
                 "- {target: Buffer, type: spatial, factors: K=2}\n"
                 "- {target: Buffer, type: bypass, keep: [Inputs], bypass: [Weights]}\n");
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(result.found);
  const auto& buffer = result.best.levels[0];
  auto R = d.inputs.workload.find_dimension("R");
  auto P = d.inputs.workload.find_dimension("P");
  auto K = d.inputs.workload.find_dimension("K");
  EXPECT_EQ(buffer.temporal_factors[R], 3);
  EXPECT_GE(buffer.temporal_factors[P], 2);
  EXPECT_EQ(buffer.temporal_permutation.front(), R);  // R innermost
  EXPECT_EQ(buffer.spatial_factors[K], 2);
  EXPECT_FALSE(buffer.keep[d.inputs.workload.find_data_space("Weights")]);
  EXPECT_TRUE(buffer.keep[d.inputs.workload.find_data_space("Inputs")]);
}

TEST(Mapper, maximum_factors_are_respected) {
  auto d = small_design(64);
  auto c = parse(d.inputs, "mapspace_constraints:\n- {target: MainMemory, type: temporal, factors: P<=1 R<=1 K<=1}\n");
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(result.found);
  for (auto f : result.best.levels[1].temporal_factors) EXPECT_EQ(f, 1);
}

TEST(Mapper, minimum_utilization_excludes_underused_arrays) {
  auto d = small_design(64);
  // Two MACs: full use needs a spatial factor of 2 (from K or P).
  auto c = parse(d.inputs, "mapspace_constraints:\n- {target: Buffer, type: utilization, min: 1.0}\n");
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.stats.arithmetic.utilized_instances, 2u);
  EXPECT_GT(result.report.rejected.at(Rejection{RejectionKind::kComputeUtilization, 0, -1}), 0u);
}

TEST(Mapper, spatial_split_places_loops_on_x_or_y) {
  // A 2 x 2 array: with split 0 every spatial loop goes along Y.
  auto arch =
      "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n"
      "    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}\n"
      "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, word-bits: 8}}\n"
      "    - {name: 'MACC[0..3]', class: intmac, attributes: {datawidth: 8, meshX: 2}}\n";
  auto problem = conv1d_problem(3, 4);
  auto in =
      load_yaml({arch, problem, "mapping:\n- {target: MainMemory, type: temporal, factors: R=3 P=4, permutation: RP}\n",
                 two_level_ert()});
  auto c =
      parse(in, "mapspace_constraints:\n- {target: Buffer, type: spatial, factors: P=2, permutation: P, split: 0}\n");
  auto result = run_mapper(in.architecture, in.workload, c, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(result.found);
  const auto& buffer = result.best.levels[0];
  EXPECT_EQ(buffer.spatial_factors[in.workload.find_dimension("P")], 2);
  EXPECT_EQ(buffer.spatial_split, 0);  // P along Y
}

TEST(Mapper, best_mapping_round_trips_through_the_model) {
  auto d = small_design(64);
  auto c = Constraints::unconstrained(2, d.inputs.workload);
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(result.found);
  auto yaml = report::mapping_yaml(d.inputs.architecture, d.inputs.workload, result.best);
  auto problem = write_temp("rt-problem.yaml",
                            "problem:\n  shape:\n    name: conv1d-k\n    dimensions: [K, R, P]\n    data-spaces:\n"
                            "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
                            "    - {name: Inputs, projection: [[[R], [P]]]}\n"
                            "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
                            "  instance: {K: 2, R: 3, P: 4}\n");
  auto again = input::load_model_inputs({write_temp("rt-arch.yaml", two_level_arch(64, 2)), problem,
                                         write_temp("rt-map.yaml", yaml), write_temp("rt-ert.yaml", two_level_ert())});
  auto r = evaluate(again.architecture, again.workload, again.mapping);
  ASSERT_TRUE(r.valid) << r.reason;
  EXPECT_DOUBLE_EQ(r.summary.energy_pJ, result.stats.summary.energy_pJ);
  EXPECT_EQ(r.summary.cycles, result.stats.summary.cycles);
}

TEST(Mapper, hybrid_search_is_deterministic_for_a_seed_and_thread_count) {
  auto d = small_design(64);
  auto c = Constraints::unconstrained(2, d.inputs.workload);
  MapperSettings s;
  s.algorithm = SearchAlgorithm::kHybrid;
  s.threads = 2;
  s.search_size = 300;
  s.victory_condition = 0;
  s.time_limit_seconds = 0;
  s.seed = 7;
  auto a = run_mapper(d.inputs.architecture, d.inputs.workload, c, s, nullptr, {});
  auto b = run_mapper(d.inputs.architecture, d.inputs.workload, c, s, nullptr, {});
  ASSERT_TRUE(a.found);
  EXPECT_DOUBLE_EQ(a.cost.edp, b.cost.edp);
  EXPECT_EQ(a.report.evaluated, b.report.evaluated);
  EXPECT_FALSE(a.report.optimal);
  EXPECT_GE(a.report.gap, 0.0);
}

TEST(Mapper, neighbour_tilings_resplit_one_or_two_dimensions_and_fit_the_fanout) {
  auto d = small_design(64);
  auto c = Constraints::unconstrained(2, d.inputs.workload);
  Mapspace space(d.inputs.architecture, d.inputs.workload, c);
  std::mt19937_64 rng(3);
  auto from = space.empty_point();
  space.randomize(from, rng);
  for (int i = 0; i < 200; ++i) {
    std::vector<std::uint32_t> to;
    ASSERT_TRUE(space.neighbour_tiling(from.tiling, to, rng));
    int changed = 0;
    for (std::size_t dim = 0; dim < to.size(); ++dim) {
      changed += to[dim] != from.tiling[dim];
      EXPECT_LT(to[dim], space.factor_options()[dim].size());
    }
    EXPECT_GE(changed, 1);
    EXPECT_LE(changed, 2);
    EXPECT_TRUE(space.spatial_fits(to));
  }
}

// Random and hybrid search redraw tilings that no variant can make valid; that filter must
// never drop a tiling some variant of which passes the precheck.
TEST(Mapper, tilings_ruled_out_have_no_variant_that_passes_the_precheck) {
  for (int depth : {4, 8, 64}) {
    auto d = small_design(depth);
    auto c = parse(d.inputs, "mapspace_constraints:\n- {target: Buffer, type: bypass, keep: [Outputs]}\n");
    Mapspace space(d.inputs.architecture, d.inputs.workload, c);
    auto point = space.empty_point();
    int ruled_out = 0, kept_and_valid = 0;
    for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
      auto index = t;
      for (std::size_t dim = 0; dim < point.tiling.size(); ++dim) {
        point.tiling[dim] = static_cast<std::uint32_t>(index % space.factor_options()[dim].size());
        index /= space.factor_options()[dim].size();
      }
      auto v = space.variants(point.tiling);
      bool some_variant_passes = false;
      for (std::uint64_t i = 0; i < v.total(); ++i) {
        space.set_variant(point, v, i);
        some_variant_passes = some_variant_passes || !space.precheck(point);
      }
      bool may_work = space.tiling_may_work(point.tiling);
      if (!may_work) {
        EXPECT_FALSE(some_variant_passes) << "depth " << depth << ", tiling " << t;
        ++ruled_out;
      }
      kept_and_valid += may_work && some_variant_passes;
    }
    EXPECT_GT(kept_and_valid, 0) << depth;
    if (depth < 64) {
      EXPECT_GT(ruled_out, 0) << depth;
    }
  }
}

TEST(Mapper, hybrid_search_reaches_the_brute_force_optimum_on_a_small_design) {
  // With the default-sized victory condition, exploration and refinement end at the optimum
  // the independent enumeration finds.
  auto d = small_design(64);
  auto c = Constraints::unconstrained(2, d.inputs.workload);
  MapperSettings s;
  s.algorithm = SearchAlgorithm::kHybrid;
  s.objectives = {Metric::kEnergy};
  s.threads = 1;
  s.victory_condition = 3000;
  s.time_limit_seconds = 0;
  s.seed = 5;
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, s, nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_DOUBLE_EQ(result.cost.energy_pJ, brute_force_min_energy(d.inputs, 0, {0}));
}

TEST(Mapper, no_valid_mapping_names_what_blocks_most) {
  auto d = small_design(1);  // one word: nothing fits while the buffer keeps anything
  auto c =
      parse(d.inputs, "mapspace_constraints:\n- {target: Buffer, type: bypass, keep: [Weights, Inputs, Outputs]}\n");
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, exhaustive_energy(), nullptr, {});
  EXPECT_FALSE(result.found);
  auto reason = report::no_mapping_reason(result.report, d.inputs.architecture, d.inputs.workload);
  EXPECT_NE(reason.find("capacity at Buffer"), std::string::npos) << reason;
}

TEST(Mapper, exhaustive_search_accounts_for_every_point_of_tilings_it_rules_out_whole) {
  // 6 words of buffer: many tilings overflow it whatever is bypassed. Those are not proposed
  // variant by variant, but every point still counts: as considered and as rejected.
  auto d = small_design(6);
  auto c = Constraints::unconstrained(2, d.inputs.workload);
  Mapspace space(d.inputs.architecture, d.inputs.workload, c);
  std::uint64_t points = 0, ruled_out_tilings = 0;
  std::vector<std::uint32_t> tiling(space.factor_options().size(), 0);
  for (std::uint64_t t = 0; t < space.num_tilings(); ++t) {
    auto index = t;
    for (std::size_t dim = 0; dim < tiling.size(); ++dim) {
      tiling[dim] = static_cast<std::uint32_t>(index % space.factor_options()[dim].size());
      index /= space.factor_options()[dim].size();
    }
    points += space.variants(tiling).total();
    ruled_out_tilings += !space.tiling_may_work(tiling);
  }
  ASSERT_GT(ruled_out_tilings, 0u);
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, exhaustive_energy(2), nullptr, {});
  ASSERT_TRUE(result.report.optimal);
  EXPECT_EQ(result.report.considered, points);
  std::uint64_t rejected = 0;
  for (const auto& [reason, n] : result.report.rejected) rejected += n;
  EXPECT_EQ(result.report.valid + rejected, points);
  EXPECT_GT(result.report.rejected.at(Rejection{RejectionKind::kCapacity, 0, -1}), 0u);  // level 0: Buffer
  EXPECT_DOUBLE_EQ(result.cost.energy_pJ, brute_force_min_energy(d.inputs, 0, {0}));
}

TEST(Mapper, lower_bound_never_exceeds_the_optimum) {
  auto d = small_design(64);
  auto c = Constraints::unconstrained(2, d.inputs.workload);
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_LE(lower_bound(d.inputs.architecture, d.inputs.workload, Metric::kEnergy), result.cost.energy_pJ);
  // 24 MACs at 0.5 pJ; each tensor once from DRAM (100 pJ/word: Weights 6, Inputs 6, Outputs 8).
  EXPECT_DOUBLE_EQ(lower_bound(d.inputs.architecture, d.inputs.workload, Metric::kEnergy), 12.0 + 600 + 600 + 800);
  // With the buffer keeping every tensor, each is also filled into it once and read (Outputs:
  // updated) once: 1 pJ per access, 20 operands, 40 pJ more.
  auto kept =
      parse(d.inputs, "mapspace_constraints:\n- {target: Buffer, type: bypass, keep: [Weights, Inputs, Outputs]}\n");
  Mapspace space(d.inputs.architecture, d.inputs.workload, kept);
  EXPECT_DOUBLE_EQ(lower_bound(d.inputs.architecture, d.inputs.workload, Metric::kEnergy, &space), 2012.0 + 40);
  auto best_kept = run_mapper(d.inputs.architecture, d.inputs.workload, kept, exhaustive_energy(), nullptr, {});
  ASSERT_TRUE(best_kept.found);
  EXPECT_LE(2052.0, best_kept.cost.energy_pJ);
}

TEST(Mapper, a_search_stops_as_optimal_when_its_best_meets_the_lower_bound) {
  // 24 MACs on 2 units: 12 cycles at best, which a random search soon finds; one objective,
  // so nothing can beat it.
  auto d = small_design(64);
  auto c = Constraints::unconstrained(2, d.inputs.workload);
  MapperSettings s;
  s.algorithm = SearchAlgorithm::kRandom;
  s.objectives = {Metric::kDelay};
  s.threads = 1;
  s.search_size = 100000;
  s.victory_condition = 0;
  s.time_limit_seconds = 0;
  auto result = run_mapper(d.inputs.architecture, d.inputs.workload, c, s, nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_EQ(result.cost.cycles, 12.0);
  EXPECT_TRUE(result.report.meets_bound);
  EXPECT_TRUE(result.report.optimal);
  EXPECT_LT(result.report.evaluated, 100000u);
  // With a second objective the first one's bound proves nothing about the second.
  s.objectives = {Metric::kDelay, Metric::kEnergy};
  s.search_size = 2000;
  auto two = run_mapper(d.inputs.architecture, d.inputs.workload, c, s, nullptr, {});
  EXPECT_FALSE(two.report.meets_bound);
  EXPECT_FALSE(two.report.optimal);
  EXPECT_EQ(two.report.evaluated, 2000u);
}

TEST(Mapper, delay_bound_counts_the_outermost_bandwidth) {
  // DRAM moves half a word per cycle each way. The conv1d-k layer must read 6 weights and 6
  // inputs (24 cycles) and write 8 outputs (16 cycles) at least; its 24 MACs on 2 units take
  // only 12 cycles.
  auto arch = two_level_arch(16, 2);
  auto at = arch.find("attributes: {width: 8, word-bits: 8}");
  arch.replace(at, std::string("attributes: {width: 8, word-bits: 8}").size(),
               "attributes: {width: 8, word-bits: 8, read_bandwidth: 0.5, write_bandwidth: 0.5}");
  auto in = load_yaml({arch,
                       "problem:\n  shape:\n    name: conv1d-k\n    dimensions: [K, R, P]\n    data-spaces:\n"
                       "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
                       "    - {name: Inputs, projection: [[[R], [P]]]}\n"
                       "    - {name: Outputs, projection: [[[K]], [[P]]], read-write: true}\n"
                       "  instance: {K: 2, R: 3, P: 4}\n",
                       "mapping:\n- {target: MainMemory, type: temporal, factors: K=2 R=3 P=4, permutation: KRP}\n",
                       two_level_ert()});
  EXPECT_NEAR(lower_bound(in.architecture, in.workload, Metric::kDelay), 24.0, 1e-6);
  auto minima = brute_force_minima(in, 0, {0});
  EXPECT_LE(lower_bound(in.architecture, in.workload, Metric::kDelay), minima.cycles);
  auto settings = exhaustive_energy(2);
  settings.objectives = {Metric::kDelay};
  auto result =
      run_mapper(in.architecture, in.workload, Constraints::unconstrained(2, in.workload), settings, nullptr, {});
  ASSERT_TRUE(result.found);
  EXPECT_DOUBLE_EQ(result.cost.cycles, minima.cycles);
}

TEST(Mapper, lower_bound_allows_operands_that_stay_at_the_compute_units) {
  // A 16 x 16 fully connected layer on 4 MACs under the buffer, inputs at 2 bits. The best
  // mapping reads each weight once from DRAM and lets the partial sums stay at the MACs, so
  // no level serves one operand per operation; a bound that charged the cheapest level for
  // every operation's operands (as this one once did) exceeded that optimum.
  auto problem =
      "problem:\n  shape:\n    name: fc\n    dimensions: [C, K]\n    data-spaces:\n"
      "    - {name: Weights, projection: [[[C]], [[K]]]}\n"
      "    - {name: Inputs, projection: [[[C]]]}\n"
      "    - {name: Outputs, projection: [[[K]]], read-write: true}\n"
      "  instance: {C: 16, K: 16, bitwidths: {Inputs: 2}}\n";
  auto in = load_yaml({two_level_arch(1 << 16, 4), problem,
                       "mapping:\n- {target: MainMemory, type: temporal, factors: C=16 K=16, permutation: CK}\n",
                       two_level_ert()});
  auto c = Constraints::unconstrained(2, in.workload);
  auto result = run_mapper(in.architecture, in.workload, c, exhaustive_energy(2), nullptr, {});
  ASSERT_TRUE(result.found);
  ASSERT_TRUE(result.report.optimal);
  EXPECT_LE(lower_bound(in.architecture, in.workload, Metric::kEnergy), result.cost.energy_pJ);
  // The same for the branch and bound on EDP: it must keep the optimum.
  auto settings = exhaustive_energy(2);
  settings.objectives = {Metric::kEdp};
  auto bounded = run_mapper(in.architecture, in.workload, c, settings, nullptr, {});
  settings.elite_size = 1;  // an elite list turns the pruning off
  auto full = run_mapper(in.architecture, in.workload, c, settings, nullptr, {});
  EXPECT_EQ(full.report.pruned_tilings, 0u);
  EXPECT_DOUBLE_EQ(bounded.cost.edp, full.cost.edp);
}

}  // namespace
}  // namespace qloop::testing
