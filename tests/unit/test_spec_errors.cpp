// Bad inputs give one InputError naming the file, the key path (and line) and what was expected.
#include <gtest/gtest.h>

#include "model_fixture.hpp"
#include "util/error.hpp"

namespace qloop::testing {
namespace {

const std::string kGoodMapping =
    "mapping:\n"
    "- {target: MainMemory, type: temporal, factors: P=4, permutation: PR}\n"
    "- {target: Buffer, type: temporal, factors: R=3 P=4, permutation: RP}\n";

// Loads the inputs and returns the error, failing the test if there is none.
InputError load_error(const std::vector<std::string>& texts) {
  try {
    load_yaml(texts);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError";
  return InputError("", "", 0, "");
}

void expect_mentions(const InputError& e, const std::string& text) {
  EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << "message: " << e.what();
}

TEST(SpecErrors, malformed_yaml_names_file_and_line) {
  auto e = load_error({two_level_arch(), "problem: [unclosed\n  x: 1\n", kGoodMapping});
  expect_mentions(e, "malformed YAML");
  EXPECT_NE(e.file().find("input1.yaml"), std::string::npos);
  EXPECT_GT(e.line(), 0);
}

TEST(SpecErrors, unknown_key_lists_the_valid_keys) {
  auto problem = conv1d_problem(3, 16);
  problem.replace(problem.find("    dimensions"), 4, "    dimensionz: [R]\n    ");
  auto e = load_error({two_level_arch(), problem, kGoodMapping});
  expect_mentions(e, "unknown key 'dimensionz'");
  expect_mentions(e, "valid keys here: name, dimensions");
  EXPECT_EQ(e.key_path(), "problem.shape.dimensionz");
}

TEST(SpecErrors, unknown_level_in_mapping) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16),
                       "mapping:\n- {target: L2, type: temporal, factors: R=3 P=16, permutation: RP}\n"});
  expect_mentions(e, "'L2' is not a storage level");
  expect_mentions(e, "MainMemory");
}

TEST(SpecErrors, unknown_tensor_in_bypass) {
  auto e = load_error(
      {two_level_arch(), conv1d_problem(3, 16), kGoodMapping + "- {target: Buffer, type: bypass, bypass: [Psums]}\n"});
  expect_mentions(e, "'Psums' is not a data space");
}

TEST(SpecErrors, factors_whose_product_differs_from_the_dimension) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16),
                       "mapping:\n- {target: Buffer, type: temporal, factors: R=3 P=8, permutation: RP}\n"});
  expect_mentions(e, "dimension 'P' multiply to 8, but the problem size is 16");
}

TEST(SpecErrors, permutation_that_repeats_a_dimension) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16),
                       "mapping:\n- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: RPR}\n"});
  expect_mentions(e, "permutation repeats dimension 'R'");
}

TEST(SpecErrors, permutation_that_misses_a_dimension_with_a_factor) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16),
                       "mapping:\n- {target: Buffer, type: temporal, factors: R=3 P=16, permutation: R}\n"});
  expect_mentions(e, "permutation misses dimension 'P'");
}

TEST(SpecErrors, missing_required_attribute) {
  auto arch = two_level_arch();
  arch.replace(arch.find("depth: 1024, "), 13, "");
  auto e = load_error({arch, conv1d_problem(3, 16), kGoodMapping});
  expect_mentions(e, "needs a size: attribute 'depth'");
}

TEST(SpecErrors, zero_dimension_size) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 0), kGoodMapping});
  expect_mentions(e, "expected a positive integer, got 0");
  EXPECT_EQ(e.key_path(), "problem.instance.P");
}

TEST(SpecErrors, negative_factor) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16),
                       "mapping:\n- {target: Buffer, type: temporal, factors: R=-3 P=16, permutation: RP}\n"});
  expect_mentions(e, "must be positive");
}

TEST(SpecErrors, missing_section_is_named) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16)});
  expect_mentions(e, "no input file has a top-level 'mapping' section");
}

TEST(SpecErrors, density_outside_zero_to_one_is_refused) {
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16, 1, ", densities: {Inputs: 1.5}"), kGoodMapping});
  expect_mentions(e, "a density is a fraction from 0 to 1, got 1.5");
  EXPECT_EQ(e.key_path(), "problem.instance.densities.Inputs");
}

TEST(SpecErrors, unknown_density_distribution_is_refused) {
  auto e = load_error({two_level_arch(),
                       conv1d_problem(3, 16, 1, ", densities: {Inputs: {distribution: uniform, density: 0.5}}"),
                       kGoodMapping});
  expect_mentions(e, "unknown density distribution 'uniform'");
}

TEST(SpecErrors, density_model_without_a_density_is_refused) {
  auto e =
      load_error({two_level_arch(), conv1d_problem(3, 16, 1, ", densities: {Inputs: {distribution: hypergeometric}}"),
                  kGoodMapping});
  expect_mentions(e, "missing required key 'density'");
}

TEST(SpecErrors, condition_on_an_unknown_tensor_names_the_tensors) {
  std::string sparse =
      "sparse_optimizations:\n  targets:\n  - name: Buffer\n"
      "    action-optimization: [{type: gating, target: Weights, condition-on: [Input]}]\n";
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16), kGoodMapping, sparse});
  expect_mentions(e, "'Input' is not a tensor of the problem; did you mean 'Inputs'?");
  EXPECT_EQ(e.key_path(), "sparse_optimizations.targets[0].action-optimization[0].condition-on[0]");
}

TEST(SpecErrors, tensor_conditioned_on_itself_is_refused) {
  std::string sparse =
      "sparse_optimizations:\n  targets:\n  - name: Buffer\n"
      "    action-optimization: [{type: skipping, target: Weights, condition-on: [Weights]}]\n";
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16), kGoodMapping, sparse});
  expect_mentions(e, "Weights cannot be conditioned on itself");
}

TEST(SpecErrors, unknown_rank_format_lists_the_formats) {
  std::string sparse =
      "sparse_optimizations:\n  targets:\n  - name: Buffer\n"
      "    representation-format: {data-spaces: [{name: Weights, ranks: [{format: CSR}]}]}\n";
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16), kGoodMapping, sparse});
  expect_mentions(e, "unknown rank format 'CSR'; expected UOP, CP, RLE, B or UB");
}

TEST(SpecErrors, unknown_optimization_target_level_is_named) {
  std::string sparse =
      "sparse_optimizations:\n  targets:\n  - name: Bufer\n"
      "    action-optimization: [{type: gating, target: Weights, condition-on: [Inputs]}]\n";
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16), kGoodMapping, sparse});
  expect_mentions(e, "did you mean 'Buffer'?");
}

TEST(SpecErrors, format_words_wider_than_the_metadata_storage_are_refused) {
  // The buffer declares no metadata storage: a bitmask's 1-bit words have nowhere to go.
  std::string sparse =
      "sparse_optimizations:\n  targets:\n  - name: Buffer\n"
      "    representation-format: {data-spaces: [{name: Weights, ranks: [{format: B}]}]}\n";
  auto e = load_error({two_level_arch(), conv1d_problem(3, 16), kGoodMapping, sparse});
  expect_mentions(e, "do not fit Buffer's metadata storage width of 0 bits");
}

TEST(SpecErrors, compound_components_may_span_several_files) {
  auto a = "compound_components: {version: 0.3, classes: [{name: a}]}\n";
  auto b = "compound_components: {version: 0.3, classes: [{name: b}]}\n";
  EXPECT_NO_THROW(load_yaml({two_level_arch(), conv1d_problem(3, 16), kGoodMapping, a, b}));
}

}  // namespace
}  // namespace qloop::testing
