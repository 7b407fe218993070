// Timeloop v0.4 specifications: the node list read in order, expressions, jinja2 templates
// with the front end's helpers, and Timeloop v4's counting rule for partial sums. Expected
// values are worked out from the rules in docs/compatibility.md, by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "input/convert_inputs.hpp"
#include "input/load_inputs.hpp"
#include "input/v04_expressions.hpp"
#include "input/yaml_document.hpp"
#include "model_fixture.hpp"
#include "util/error.hpp"

namespace qloop::testing {
namespace {

namespace fs = std::filesystem;

// A folder of its own per test, with files at relative paths.
class Folder {
 public:
  explicit Folder(const std::string& name)
      : root_(fs::temp_directory_path() / ("qloop-v04-" + std::to_string(::getpid()) + "-" + name)) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string write(const std::string& relative, const std::string& text) const {
    auto path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

 private:
  fs::path root_;
};

TEST(V04Expressions, evaluate_arithmetic_functions_and_names_and_leave_other_text_as_it_is) {
  input::V04Scope scope;
  scope.set_number("DATAWIDTH", 8);
  scope.set_number("width", 24);
  scope.set_number("spec.problem.instance.C", 3);
  scope.set_number("spec.problem.instance.M", 32);
  scope.set_string("TECH", "45nm");
  EXPECT_EQ(*scope.evaluate("DATAWIDTH * 2").number, 16);
  EXPECT_EQ(*scope.evaluate("max(32, width)").number, 32);
  EXPECT_EQ(*scope.evaluate("ceil(log2(1000))").number, 10);  // log2(1000) = 9.97
  EXPECT_EQ(*scope.evaluate("floor(width / 5)").number, 4);
  EXPECT_EQ(*scope.evaluate("2 ** 3").number, 8);
  EXPECT_EQ(*scope.evaluate("len(spec.problem.instance)").number, 2);
  EXPECT_EQ(*scope.evaluate("spec.problem.instance.M / 4").number, 8);
  EXPECT_EQ(*scope.evaluate("1e-9").number, 1e-9);
  EXPECT_FALSE(scope.evaluate("LPDDR4").number);
  EXPECT_EQ(scope.evaluate("LPDDR4").text, "LPDDR4");
  EXPECT_EQ(scope.evaluate("TECH").text, "45nm");
  EXPECT_FALSE(scope.evaluate("depth * 2").number);  // depth is not known here
}

// system -> DRAM; chip (datawidth 8 for everything after it) -> GLB; PE: a 4 x 2 mesh ->
// ([Parallel] weights, accumulators, nothing) -> mac. The PE mesh adds a level that keeps
// nothing, inter_PE_spatial, at the one instance above it; everything after it has 8.
constexpr const char* kArchitecture = R"(
architecture:
  version: 0.4
  nodes:
  - !Container
    name: system
  - !Component
    name: DRAM
    class: DRAM
    attributes: {type: LPDDR4, width: 64, datawidth: 8}
  - !Container
    name: chip
    attributes: {datawidth: 8, technology: 45nm}
  - !Component
    name: GLB
    class: SRAM
    attributes: {depth: DEPTH * 2, width: datawidth * 8}
  - !Container
    name: PE
    spatial: {meshX: 4, meshY: 2}
  - !Parallel
    nodes:
    - !Component
      name: weights
      class: regfile
      attributes: {depth: 16, width: 8}
    - !Component
      name: accumulators
      class: regfile
      attributes: {depth: 4, width: 8}
    - !Nothing {constraints: {dataspace: {keep: [Inputs]}}}
  - !Component
    name: mac
    class: intmac
    attributes: {multiplier_width: 8, adder_width: 16}
variables:
  version: 0.4
  DEPTH: 256
)";

TEST(V04Architecture, reads_the_node_list_in_order_with_meshes_inheritance_and_expressions) {
  auto in = input::load_architecture_inputs({write_temp("v04-arch.yaml", kArchitecture)});
  const auto& arch = in.architecture;
  ASSERT_EQ(arch.num_storage_levels(), 5);
  // Innermost first.
  EXPECT_EQ(arch.storage[0].name, "accumulators");
  EXPECT_EQ(arch.storage[1].name, "weights");
  EXPECT_EQ(arch.storage[2].name, "inter_PE_spatial");
  EXPECT_EQ(arch.storage[3].name, "GLB");
  EXPECT_EQ(arch.storage[4].name, "DRAM");
  EXPECT_EQ(arch.storage[0].instances, 8);
  EXPECT_EQ(arch.storage[0].mesh_x, 4);
  EXPECT_EQ(arch.storage[0].mesh_y, 2);
  EXPECT_EQ(arch.storage[2].instances, 1);
  EXPECT_EQ(arch.arithmetic.instances, 8);
  // GLB: depth DEPTH * 2 = 512 words of datawidth 8 (inherited from chip), width 8 * 8 = 64.
  EXPECT_EQ(arch.storage[3].word_bits, 8);
  EXPECT_EQ(arch.storage[3].block_size, 8);
  EXPECT_EQ(arch.storage[3].size_words, 512 * 8);
  EXPECT_EQ(arch.rules, CountingRules::kTimeloopV4);
}

// A YAML merge key brings in the anchored attributes, the component's own winning: the GLB
// gets DRAM's width 64 and datawidth 8 (8 words a row) but its own depth 512.
TEST(V04Architecture, merge_keys_bring_in_anchored_attributes_and_own_ones_win) {
  auto in = input::load_architecture_inputs({write_temp("v04-merge.yaml", R"(
architecture:
  version: 0.4
  nodes:
  - !Component
    name: DRAM
    class: DRAM
    attributes: &dram {type: LPDDR4, width: 64, datawidth: 8, depth: 4}
  - !Component
    name: GLB
    class: SRAM
    attributes:
      <<: *dram
      depth: 512
      technology: 45nm
  - !Component {name: mac, class: intmac, attributes: {datawidth: 8}}
)")});
  const auto& glb = in.architecture.storage[0];
  EXPECT_EQ(glb.word_bits, 8);
  EXPECT_EQ(glb.block_size, 8);
  EXPECT_EQ(glb.size_words, 512 * 8);
}

TEST(V04Architecture, refuses_an_untagged_node_and_an_unknown_key_where_they_are_written) {
  try {
    input::load_architecture_inputs(
        {write_temp("v04-untagged.yaml", "architecture:\n  version: 0.4\n  nodes:\n  - {name: DRAM, class: DRAM}\n")});
    FAIL() << "an untagged node was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key_path(), "architecture.nodes[0]");
    EXPECT_NE(e.message().find("!Container, !Component, !Parallel or !Nothing"), std::string::npos);
  }
  try {
    input::load_architecture_inputs({write_temp(
        "v04-misspelt.yaml", "architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: DRAM, clas: DRAM}\n")});
    FAIL() << "a misspelt key was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("did you mean 'class'"), std::string::npos) << e.message();
  }
}

// Inline constraints become the mapper's: the GLB's dataspace keep/bypass, the PE mesh level
// (inter_PE_spatial) keeps nothing and loops nothing in time but takes the container's
// spatial factors and split (an expression), and factors_only leaves the other dimensions 1.
TEST(V04Constraints, inline_constraints_become_the_mappers_and_the_mesh_level_keeps_nothing) {
  std::string arch = kArchitecture;
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = arch.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    arch.replace(at, from.size(), to);
  };
  replace("    attributes: {depth: DEPTH * 2, width: datawidth * 8}\n",
          "    attributes: {depth: DEPTH * 2, width: datawidth * 8}\n"
          "    constraints: {dataspace: {keep: [Inputs, Outputs], bypass: [Weights]}}\n");
  replace("    spatial: {meshX: 4, meshY: 2}\n",
          "    spatial: {meshX: 4, meshY: 2}\n"
          "    constraints: {spatial: {factors: [R=1], permutation: [P, R], split: len(spec.problem.instance) - 2}}\n");
  replace("      attributes: {depth: 16, width: 8}\n",
          "      attributes: {depth: 16, width: 8}\n      constraints: {temporal: {factors_only: [R=3]}}\n");
  auto in = input::load_mapper_inputs(
      {write_temp("v04-constrained.yaml", arch), write_temp("v04-constrained-problem.yaml", conv1d_problem(3, 16))});
  const auto& levels = in.constraints.levels;
  auto& ws = in.workload;
  int weights = ws.find_data_space("Weights"), inputs = ws.find_data_space("Inputs"),
      outputs = ws.find_data_space("Outputs");
  DimensionId r = 0, p = 1;
  ASSERT_EQ(ws.dimension_names[r], "R");
  // GLB (level 3).
  EXPECT_EQ(levels[3].keep[weights], std::optional<bool>(false));
  EXPECT_EQ(levels[3].keep[inputs], std::optional<bool>(true));
  // inter_PE_spatial (level 2): nothing kept, no temporal loop, the container's spatial ones.
  for (int ds : {weights, inputs, outputs}) EXPECT_EQ(levels[2].keep[ds], std::optional<bool>(false));
  EXPECT_EQ(levels[2].temporal.factors[r].exactly, std::optional<std::int64_t>(1));
  EXPECT_EQ(levels[2].temporal.factors[p].exactly, std::optional<std::int64_t>(1));
  EXPECT_EQ(levels[2].spatial.factors[r].exactly, std::optional<std::int64_t>(1));
  EXPECT_FALSE(levels[2].spatial.factors[p].exactly);
  EXPECT_EQ(levels[2].spatial.permutation.innermost, (std::vector<DimensionId>{p, r}));
  EXPECT_EQ(levels[2].spatial_split, std::optional<int>(1));  // R, P, Wstride: 3 - 2
  // weights (level 1): factors_only R=3, so P is 1.
  EXPECT_EQ(levels[1].temporal.factors[r].exactly, std::optional<std::int64_t>(3));
  EXPECT_EQ(levels[1].temporal.factors[p].exactly, std::optional<std::int64_t>(1));
}

// The front end's helpers: cwd, add_to_path, include (of a template too), include_all over a
// glob (lists joined), path_exists and the default filter, with --var values read as JSON.
TEST(JinjaTemplates, render_with_the_front_ends_helpers_and_the_variables_given) {
  Folder folder("helpers");
  auto top = folder.write("top.yaml.jinja2", R"({{add_to_path(cwd() ~ '/parts')}}
architecture: {{include(design ~ '/arch.yaml', 'architecture')}}
{% if path_exists(cwd() ~ '/missing.yaml') %}
problem: broken
{% endif %}
variables: {{include('variables.yaml', 'variables')}}
components:
  version: 0.4
  classes: {{include_all('classes/*.yaml', 'compound_components.classes')}}
)");
  folder.write("small/arch.yaml", kArchitecture);
  folder.write("parts/variables.yaml", "variables:\n  DEPTH: {{depth | default(256)}}\n");
  folder.write("classes/a.yaml", "compound_components:\n  classes:\n  - {name: one}\n");
  folder.write("classes/b.yaml", "compound_components:\n  classes:\n  - {name: two}\n  - {name: three}\n");
  auto doc = input::load_yaml_files({top, input::variable_source("design=small"), input::variable_source("depth=64")});
  const auto* variables = doc.find("variables");
  ASSERT_TRUE(variables);
  EXPECT_EQ(variables->node["DEPTH"].as<int>(), 64);
  EXPECT_FALSE(doc.find("problem"));
  EXPECT_EQ(doc.find("architecture")->node["nodes"].size(), 7u);
  EXPECT_EQ(doc.find("architecture")->node["nodes"][0].Tag(), "!Container");
  const auto& classes = doc.find("components")->node["classes"];
  ASSERT_EQ(classes.size(), 3u);
  EXPECT_EQ(classes[2]["name"].as<std::string>(), "three");
  // DEPTH 64: the GLB holds 128 words of 8.
  auto in = input::load_architecture_inputs(
      {top, input::variable_source("design=small"), input::variable_source("depth=64")});
  EXPECT_EQ(in.architecture.storage[3].size_words, 128 * 8);
}

TEST(JinjaTemplates, a_variable_nobody_gave_is_an_error_that_says_how_to_give_it) {
  Folder folder("undefined");
  auto top = folder.write("top.yaml.jinja2", "architecture: {{include(design ~ '/arch.yaml', 'architecture')}}\n");
  try {
    input::load_yaml_files({top});
    FAIL() << "an undefined variable was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("'design' is undefined"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("--var"), std::string::npos) << e.message();
  }
  folder.write("x/arch.yaml", "nothing: here\n");
  try {
    input::load_yaml_files({top, input::variable_source("design=x")});
    FAIL() << "a missing key of an included file was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.file().find("arch.yaml"), std::string::npos) << e.file();
    EXPECT_NE(e.message().find("has no such key"), std::string::npos) << e.message();
  }
}

// Found by review: an include with a character beyond the BMP (here in a comment), a mesh whose
// instance count overflows, and convert given a directive without a target.
TEST(JinjaTemplates, an_included_file_may_hold_any_unicode) {
  Folder folder("unicode");
  auto top = folder.write("top.yaml.jinja2", "variables: {{include('v.yaml', 'variables')}}\n");
  folder.write("v.yaml", "variables:  # \xF0\x9F\x98\x80 smile\n  DEPTH: 4\n");
  auto doc = input::load_yaml_files({top});
  EXPECT_EQ(doc.find("variables")->node["DEPTH"].as<int>(), 4);
}

// An included file's merge key may bring a key its mapping also spells the other way
// (block-size beside block_size): its own wins, as in a file read directly.
TEST(JinjaTemplates, an_included_merge_key_is_no_repeated_key) {
  Folder folder("merge");
  auto top = folder.write("top.yaml.jinja2", "variables: {{include('v.yaml', 'variables')}}\n");
  folder.write("v.yaml", "base: &b {block-size: 2, depth: 4}\nvariables:\n  <<: *b\n  block_size: 8\n");
  auto doc = input::load_yaml_files({top});
  EXPECT_EQ(doc.find("variables")->node["block_size"].as<int>(), 8);
  EXPECT_EQ(doc.find("variables")->node["depth"].as<int>(), 4);
  EXPECT_FALSE(doc.find("variables")->node["block-size"]);
}

TEST(V04Architecture, a_mesh_beyond_any_accelerator_is_refused_before_it_overflows) {
  try {
    input::load_architecture_inputs({write_temp("v04-huge.yaml", R"(
architecture:
  version: 0.4
  nodes:
  - !Component {name: DRAM, class: DRAM, attributes: {width: 64, datawidth: 8}}
  - !Container {name: PE, spatial: {meshX: 4294967296, meshY: 4294967296}}
  - !Component {name: mac, class: intmac, attributes: {datawidth: 8}}
)")});
    FAIL() << "an overflowing mesh was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("more than any accelerator has"), std::string::npos) << e.message();
  }
}

TEST(Convert, a_directive_without_a_target_is_an_input_error) {
  EXPECT_THROW(input::convert_to_v04({write_temp("convert-arch.yaml", pe_row_arch()),
                                      write_temp("convert-problem.yaml", conv1d_problem(3, 8)),
                                      write_temp("convert-map.yaml", "mapping:\n- {type: temporal, factors: P=8}\n")}),
               InputError);
}

// Outputs revisited: MainMemory runs P = 4 inside R = 3, the Buffer holds one output at a
// time. Its partial sums come back once per R: 3 x 4 = 12 fills by the fork's rule; Timeloop
// v4 does not bring in the first, zero, round of the 4 it ever holds: 12 - 4 = 8. Both read
// back 12 - 4 = 8 of them to add to, and update 12.
TEST(CountingRules, timeloop_v4_leaves_out_the_first_fill_of_partial_sums_below_a_level_that_keeps_them) {
  auto in =
      input::load_model_inputs({write_temp("rules-arch.yaml", R"(
architecture:
  version: 0.3
  subtree:
  - name: System
    local:
    - {name: MainMemory, class: DRAM, attributes: {width: 8, word-bits: 8}}
    - {name: Buffer, class: regfile, attributes: {depth: 64, width: 8, word-bits: 8}}
    - {name: MACC, class: intmac, attributes: {datawidth: 8}}
)"),
                                write_temp("rules-problem.yaml", conv1d_problem(3, 4)), write_temp("rules-map.yaml", R"(
mapping:
- {target: MainMemory, type: temporal, factors: R=3 P=4, permutation: PR}
- {target: Buffer, type: temporal, factors: R=1 P=1}
- {target: Buffer, type: bypass, keep: [Outputs], bypass: [Weights, Inputs]}
)")});
  auto fork = evaluate(in.architecture, in.workload, in.mapping);
  ASSERT_TRUE(fork.valid);
  const auto& buffer_fork = tensor_at(fork, "Buffer", "Outputs");
  EXPECT_EQ(buffer_fork.fills, 12u);
  EXPECT_EQ(buffer_fork.reads, 8u);
  EXPECT_EQ(buffer_fork.updates, 12u);
  in.architecture.rules = CountingRules::kTimeloopV4;
  auto v4 = evaluate(in.architecture, in.workload, in.mapping);
  const auto& buffer_v4 = tensor_at(v4, "Buffer", "Outputs");
  EXPECT_EQ(buffer_v4.fills, 8u);
  EXPECT_EQ(buffer_v4.reads, 8u);
  EXPECT_EQ(buffer_v4.updates, 12u);
  // MainMemory keeps them outermost: nothing above it, so nothing is left out there.
  EXPECT_EQ(tensor_at(v4, "MainMemory", "Outputs").fills, tensor_at(fork, "MainMemory", "Outputs").fills);
}

}  // namespace
}  // namespace qloop::testing
