#include "input/v04_constraints.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <set>

namespace qloop::input {

namespace {

// A list of entries as one string ("N=1 C=1", "NCPQ"), or the string as written.
std::string joined(const NodeReader& node, const char* separator) {
  if (!node.is_sequence()) return node.as_string();
  std::string out;
  for (const auto& item : node.items()) out += (out.empty() ? "" : separator) + item.as_string();
  return out;
}

void add_loops(const NodeReader& loops, const std::string& type, const std::string& target, const V04Problem& problem,
               const V04Scope& scope, YAML::Node& targets, std::vector<std::string>& notes) {
  loops.allow_only(std::vector<std::string>{"factors", "permutation", "split", "factors_only", "maximize_dims",
                                            "no_reuse", "no_link_transfer", "no_multicast_no_reduction"});
  YAML::Node out;
  out["target"] = target;
  out["type"] = type;
  std::string factors;
  if (auto given = loops.find("factors")) factors = joined(*given, " ");
  if (auto only = loops.find("factors_only")) {
    // The factors listed; every other dimension's is 1.
    std::string listed = only->is_null() ? std::string() : joined(*only, " ");
    std::set<std::string> named;
    for (const auto& entry : (only->is_sequence() ? only->items() : std::vector<NodeReader>{})) {
      auto text = entry.as_string();
      named.insert(text.substr(0, text.find_first_of("=<> ")));
    }
    for (const auto& dim : problem.dimensions) {
      if (!named.count(dim)) factors += (factors.empty() ? "" : " ") + dim + "=1";
    }
    if (!listed.empty()) factors += (factors.empty() ? "" : " ") + listed;
  }
  if (!factors.empty()) out["factors"] = factors;
  if (auto permutation = loops.find("permutation")) out["permutation"] = joined(*permutation, "");
  if (auto split = loops.find("split")) {
    auto value = scope.evaluate(split->as_string());
    if (!value.number || *value.number < 0 || *value.number > 1e6 || *value.number != std::trunc(*value.number)) {
      split->fail(fmt::format("'{}' is no whole number from 0 up (an expression over known names may give one)",
                              split->as_string()));
    }
    out["split"] = static_cast<std::int64_t>(*value.number);
  }
  if (loops.has("maximize_dims")) {
    notes.push_back(
        fmt::format("{}: constraints of '{}': maximize_dims steers the v4 front end's search only; the "
                    "mapspace here keeps every factor the other constraints allow",
                    loops.file(), target));
  }
  for (const char* key : {"no_reuse", "no_link_transfer", "no_multicast_no_reduction"}) {
    if (auto given = loops.find(key); given && !(given->is_sequence() && given->items().empty())) {
      given->fail(fmt::format("{} is not modelled (docs/compatibility.md)", key));
    }
  }
  if (out.size() > 2) targets.push_back(out);
}

}  // namespace

void add_v04_constraints(const NodeReader& constraints, const std::string& target, const V04Problem& problem,
                         const V04Scope& scope, YAML::Node& targets, std::vector<std::string>& notes) {
  if (constraints.is_null()) return;
  constraints.allow_only(std::vector<std::string>{"dataspace", "temporal", "spatial"});
  if (auto dataspace = constraints.find("dataspace")) {
    dataspace->allow_only(std::vector<std::string>{"keep", "bypass", "keep_only", "bypass_only"});
    YAML::Node out;
    out["target"] = target;
    out["type"] = "bypass";
    auto listed = [&](const char* key) {
      YAML::Node names(YAML::NodeType::Sequence);
      if (auto given = dataspace->find(key)) {
        for (const auto& name : given->items()) names.push_back(name.as_string());
      }
      return names;
    };
    // keep_only / bypass_only: the named ones, and the others the other way.
    auto only = [&](const char* key, const char* same, const char* other) {
      auto given = dataspace->find(key);
      if (!given) return;
      std::set<std::string> named;
      for (const auto& name : given->items()) named.insert(name.as_string());
      YAML::Node these(YAML::NodeType::Sequence), those(YAML::NodeType::Sequence);
      for (const auto& ds : problem.data_spaces) (named.count(ds) ? these : those).push_back(ds);
      out[same] = these;
      out[other] = those;
    };
    out["keep"] = listed("keep");
    out["bypass"] = listed("bypass");
    only("keep_only", "keep", "bypass");
    only("bypass_only", "bypass", "keep");
    targets.push_back(out);
  }
  if (auto temporal = constraints.find("temporal"))
    add_loops(*temporal, "temporal", target, problem, scope, targets, notes);
  if (auto spatial = constraints.find("spatial"))
    add_loops(*spatial, "spatial", target, problem, scope, targets, notes);
}

void add_v04_mesh_level_constraints(const NodeReader* constraints, const std::string& target, const V04Problem& problem,
                                    const V04Scope& scope, YAML::Node& targets, std::vector<std::string>& notes) {
  if (constraints && !constraints->is_null()) {
    constraints->allow_only(std::vector<std::string>{"spatial"});
    if (auto spatial = constraints->find("spatial"))
      add_loops(*spatial, "spatial", target, problem, scope, targets, notes);
  }
  add_mesh_level_directives(targets, target, problem, "bypass");
}

void add_mesh_level_directives(YAML::Node& list, const std::string& level, const V04Problem& problem,
                               const char* keep_type) {
  if (!problem.dimensions.empty()) {
    YAML::Node temporal;
    temporal["target"] = level;
    temporal["type"] = "temporal";
    std::string ones;
    for (const auto& dim : problem.dimensions) ones += (ones.empty() ? "" : " ") + dim + "=1";
    temporal["factors"] = ones;
    list.push_back(temporal);
  }
  YAML::Node bypass;
  bypass["target"] = level;
  bypass["type"] = keep_type;
  bypass["keep"] = YAML::Node(YAML::NodeType::Sequence);
  YAML::Node all(YAML::NodeType::Sequence);
  for (const auto& ds : problem.data_spaces) all.push_back(ds);
  bypass["bypass"] = all;
  list.push_back(bypass);
}

}  // namespace qloop::input
