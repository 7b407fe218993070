#include "input/v04_front_end.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <set>

#include "input/node_reader.hpp"
#include "input/schema.hpp"
#include "input/v04_constraints.hpp"
#include "input/v04_expressions.hpp"

namespace qloop::input {

namespace {

// Attributes as written, in order, each already evaluated.
using AttributeList = std::vector<std::pair<std::string, YAML::Node>>;

// An attribute's value with its expression evaluated; the node as written (with its line, for
// errors) when there is nothing to evaluate.
YAML::Node evaluated(const NodeReader& value, const V04Scope& scope) {
  if (!value.is_scalar()) return value.node();
  const auto& text = value.node().Scalar();
  auto result = scope.evaluate(text);
  if (!result.number) return result.text == text ? value.node() : YAML::Node(result.text);
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) return value.node();  // a plain number
  double n = *result.number;
  if (n == std::trunc(n) && std::abs(n) < 9.0e15) return YAML::Node(static_cast<std::int64_t>(n));
  return YAML::Node(n);
}

void set_attribute(AttributeList& list, const std::string& name, const YAML::Node& value) {
  for (auto& [key, v] : list) {
    if (normalize_key(key) == normalize_key(name)) {
      v = value;
      return;
    }
  }
  list.emplace_back(name, value);
}

void expose(V04Scope& scope, const std::string& name, const YAML::Node& value) {
  if (!value.IsScalar()) return;
  auto v = scope.evaluate(value.Scalar());
  if (v.number) {
    scope.set_number(name, *v.number);
  } else {
    scope.set_string(name, v.text);
  }
}

// What is known at one place of the node list.
struct Place {
  std::int64_t instances = 1, mesh_x = 1, mesh_y = 1;
  AttributeList attributes;  // inherited from the containers above
};

class NodeWalker {
 public:
  NodeWalker(const V04Scope& variables, V04Problem problem, std::vector<std::string>& notes)
      : variables_(variables), problem_(std::move(problem)), notes_(notes) {}

  YAML::Node local = YAML::Node(YAML::NodeType::Sequence);
  YAML::Node sparse_targets = YAML::Node(YAML::NodeType::Sequence);
  YAML::Node constraint_targets = YAML::Node(YAML::NodeType::Sequence);

  void walk(const NodeReader& nodes, Place& place) {
    nodes.expect_sequence();
    for (const auto& node : nodes.items()) visit(node, place);
  }

 private:
  const V04Scope& variables_;
  V04Problem problem_;
  std::vector<std::string>& notes_;
  std::set<std::string> names_;

  // The node's attributes over the inherited ones, each evaluated with the names known so
  // far (the variables, the inherited attributes, this node's other attributes; a few passes
  // so that an attribute may use one written after it).
  AttributeList attributes_of(const NodeReader& node, const AttributeList& inherited) const {
    AttributeList merged = inherited;
    auto own = node.find("attributes");
    if (!own || own->is_null()) return merged;
    own->expect_map();
    for (int pass = 0; pass < 3; ++pass) {
      V04Scope scope = variables_;
      for (const auto& [name, value] : merged) expose(scope, name, value);
      for (const auto& key : own->keys()) set_attribute(merged, key, evaluated(own->at(key), scope));
    }
    return merged;
  }

  std::string unique_name(const NodeReader& name) {
    auto text = name.as_string();
    if (text.empty() || text.find_first_of("[]. ") != std::string::npos) {
      name.fail(fmt::format("'{}' is no component name (letters, digits, _ and -)", text));
    }
    if (!names_.insert(text).second) name.fail(fmt::format("two nodes are named '{}'", text));
    return text;
  }

  static std::string instanced(const std::string& name, std::int64_t instances) {
    return instances == 1 ? name : fmt::format("{}[0..{}]", name, instances - 1);
  }

  void emit(const std::string& name, const std::string& cls, const std::string& subclass, AttributeList attributes,
            const Place& place) {
    YAML::Node component;
    component["name"] = instanced(name, place.instances);
    component["class"] = cls;
    if (!subclass.empty()) component["subclass"] = subclass;
    set_attribute(attributes, "meshX", YAML::Node(place.mesh_x));
    set_attribute(attributes, "meshY", YAML::Node(place.mesh_y));
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& [key, value] : attributes) out[key] = value;
    component["attributes"] = out;
    local.push_back(component);
  }

  void visit(const NodeReader& node, Place& place) {
    auto tag = node.node().Tag();
    if (tag == "!Nothing") {
      if (node.has("constraints")) {
        notes_.push_back(
            fmt::format("{}:{}: constraints on a !Nothing node constrain nothing here", node.file(), node.line()));
      }
      return;
    }
    if (tag == "!Parallel") {
      node.allow_only(schema("architecture.v04.parallel"));
      for (const auto& child : node.at("nodes").items()) {
        Place branch = place;
        visit(child, branch);
      }
      return;
    }
    if (tag == "!Container") {
      node.allow_only(schema("architecture.v04.container"));
      auto name = unique_name(node.at("name"));
      place.attributes = attributes_of(node, place.attributes);
      if (auto spatial = node.find("spatial")) {
        spatial->allow_only(std::vector<std::string>{"meshX", "meshY"});
        auto x = spatial->optional_int("meshX").value_or(1), y = spatial->optional_int("meshY").value_or(1);
        constexpr std::int64_t kMostInstances = std::int64_t{1} << 24;
        if (x < 1 || y < 1) spatial->fail("meshX and meshY are at least 1");
        if (x > kMostInstances / y || place.instances > kMostInstances / (x * y)) {
          spatial->fail(
              fmt::format("{} x {} instances of what follows, {} times: more than any accelerator has "
                          "(at most 2^24)",
                          x, y, place.instances));
        }
        // Nothing is kept here: the level stands for the fan-out to the container's instances.
        AttributeList dummy = {{"width", YAML::Node(1)}, {"depth", YAML::Node(1)}, {"datawidth", YAML::Node(1)}};
        auto level = fmt::format("inter_{}_spatial", name);
        emit(level, "dummy_storage", "", dummy, place);
        auto constraints = node.find("constraints");
        add_v04_mesh_level_constraints(constraints ? &*constraints : nullptr, level, problem_, variables_,
                                       constraint_targets, notes_);
        place.instances *= x * y;
        place.mesh_x *= x;
        place.mesh_y *= y;
      } else if (auto constraints = node.find("constraints"); constraints && !constraints->is_null()) {
        notes_.push_back(fmt::format("{}:{}: constraints of container '{}' without a mesh constrain nothing here",
                                     constraints->file(), constraints->line(), name));
      }
      return;
    }
    if (tag == "!Component") {
      if (auto spatial = node.find("spatial")) {
        spatial->fail("a `spatial` mesh on a !Component is not supported yet; put it on a !Container before it");
      }
      node.allow_only(schema("architecture.v04.component"));
      if (auto enabled = node.find("enabled"); enabled && !enabled->as_bool()) return;
      auto name = unique_name(node.at("name"));
      emit(name, node.at("class").as_string(), node.string_or("subclass", ""), attributes_of(node, place.attributes),
           place);
      if (auto constraints = node.find("constraints")) {
        add_v04_constraints(*constraints, name, problem_, variables_, constraint_targets, notes_);
      }
      if (auto sparse = node.find("sparse_optimizations")) {
        YAML::Node target = YAML::Clone(sparse->node());
        target["name"] = name;
        sparse_targets.push_back(target);
      }
      return;
    }
    node.fail(fmt::format("a v0.4 node is tagged !Container, !Component, !Parallel or !Nothing{}",
                          tag.empty() || tag == "?" ? "" : fmt::format(", not {}", tag)));
  }
};

// Top-level variables, in order (each may use those before it), and the problem's instance.
V04Scope variables_of(const YamlDocument& doc) {
  V04Scope scope;
  if (auto* problem = doc.find("problem")) {
    NodeReader reader(problem->node, problem->file, "problem");
    if (auto instance = reader.find("instance"); instance && instance->is_map()) {
      for (const auto& key : instance->keys()) {
        expose(scope, "spec.problem.instance." + key, instance->at(key).node());
      }
    }
  }
  if (auto* variables = doc.find("variables")) {
    NodeReader reader(variables->node, variables->file, "variables");
    if (reader.is_map()) {
      for (const auto& key : reader.keys()) {
        if (key != "version") expose(scope, key, reader.at(key).node());
      }
    }
  }
  return scope;
}

// The problem's dimensions and tensors, for constraints that name all of them.
V04Problem problem_names(const YamlDocument& doc) {
  V04Problem out;
  auto* problem = doc.find("problem");
  if (!problem || !problem->node.IsMap()) return out;
  NodeReader reader(problem->node, problem->file, "problem");
  auto shape = reader.find("shape");
  if (!shape || !shape->is_map()) return out;
  if (auto dims = shape->find("dimensions"); dims && dims->is_sequence()) {
    for (const auto& d : dims->items()) out.dimensions.push_back(d.as_string());
  }
  auto spaces = shape->find("data_spaces");
  if (spaces && spaces->is_sequence()) {
    for (const auto& ds : spaces->items()) out.data_spaces.push_back(ds.at("name").as_string());
  }
  return out;
}

// The instance keeps its dimensions, coefficients and qloop's own keys; other values are
// names for expressions.
void trim_problem_instance(YamlDocument& doc, std::vector<std::string>& notes) {
  auto found = doc.sections.find("problem");
  if (found == doc.sections.end()) return;
  auto* problem = &found->second;
  NodeReader reader(problem->node, problem->file, "problem");
  auto shape = reader.find("shape");
  auto instance = reader.find("instance");
  if (!shape || !instance || !instance->is_map()) return;
  std::set<std::string> keep = {"bitwidths",      "datawidths",      "wordwidths",
                                "commonBitwidth", "commonDatawidth", "commonWordwidth",
                                "densities",      "commonDensity",   "partial_sum_bitwidth"};
  if (auto dims = shape->find("dimensions"); dims && dims->is_sequence()) {
    for (const auto& d : dims->items()) keep.insert(d.as_string());
  }
  if (auto coefficients = shape->find("coefficients"); coefficients && coefficients->is_sequence()) {
    for (const auto& c : coefficients->items()) keep.insert(c.at("name").as_string());
  }
  std::vector<std::string> dropped;
  YAML::Node trimmed(YAML::NodeType::Map);
  for (const auto& key : instance->keys()) {
    bool kept = keep.count(key) > 0;
    for (const auto& k : keep) kept = kept || normalize_key(k) == normalize_key(key);
    if (kept) {
      trimmed[key] = instance->at(key).node();
    } else {
      dropped.push_back(key);
    }
  }
  if (dropped.empty()) return;
  problem->node["instance"] = trimmed;
  notes.push_back(
      fmt::format("{}: problem.instance: {} are neither dimensions nor coefficients: names for "
                  "expressions only (v0.4)",
                  problem->file, fmt::join(dropped, ", ")));
}

}  // namespace

bool is_v04(const YamlDocument& doc) {
  auto* architecture = doc.find("architecture");
  return architecture && architecture->node.IsMap() && architecture->node["nodes"];
}

void translate_v04(YamlDocument& doc, std::vector<std::string>& notes) {
  auto& architecture = doc.sections.at("architecture");
  NodeReader reader(architecture.node, architecture.file, "architecture");
  reader.allow_only(schema("architecture.v04"));
  if (auto version = reader.find("version"); version && version->as_string() != "0.4") {
    version->fail(fmt::format("the `nodes` form is version 0.4, not {}", version->as_string()));
  }
  auto variables = variables_of(doc);
  NodeWalker walker(variables, problem_names(doc), notes);
  Place top;
  walker.walk(reader.at("nodes"), top);
  YAML::Node system;
  system["name"] = "system_top_level";
  system["local"] = walker.local;
  YAML::Node tree;
  tree["version"] = "0.3";
  tree["subtree"].push_back(system);
  architecture.node = tree;
  doc.from_v04 = true;
  trim_problem_instance(doc, notes);
  if (walker.constraint_targets.size() > 0) {
    // Inline constraints join any given as architecture_constraints (a converted design's).
    auto [it, inserted] = doc.sections.emplace("architecture_constraints", Section{YAML::Node(), architecture.file});
    auto& node = it->second.node;
    if (inserted || node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
    YAML::Node list = node.IsMap() ? node["targets"] : node;
    if (!list || list.IsNull()) {
      node["targets"] = walker.constraint_targets;
    } else {
      for (const auto& target : walker.constraint_targets) list.push_back(target);
    }
  }
  // The v0.4 front end's extra mapping constraints (a design's mapping.yaml) are mapspace constraints.
  if (auto extra = doc.sections.find("extra_mapping_constraints"); extra != doc.sections.end()) {
    if (!doc.sections.emplace("mapspace_constraints", extra->second).second) {
      throw InputError(extra->second.file, "extra_mapping_constraints", 0,
                       "extra_mapping_constraints and mapspace_constraints are both given; keep one");
    }
    doc.sections.erase(extra);
  }
  if (walker.sparse_targets.size() > 0) {
    auto [it, inserted] = doc.sections.emplace("sparse_optimizations", Section{YAML::Node(), architecture.file});
    if (!inserted) {
      throw InputError(it->second.file, "sparse_optimizations", 0,
                       "sparse optimizations are given both inline on v0.4 components and at the top level; keep one");
    }
    it->second.node["targets"] = walker.sparse_targets;
  }
}

}  // namespace qloop::input
