#include "input/parse_constraints.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <regex>

#include "input/schema.hpp"
#include "input/workload_names.hpp"

namespace qloop::input {

namespace {

// "K=4 C>=2 P<=8 M=0" (or "K4"); 0 means whatever remains of K.
void parse_factor_constraints(const NodeReader& node, const Workload& workload, LevelLoopConstraints& out,
                              std::vector<std::string>& ignored) {
  static const std::regex kToken(R"(([A-Za-z_][A-Za-z_0-9]*?)\s*(<=|>=|=)?\s*(\d+))");
  auto text = node.as_string();
  text = text.substr(0, text.find('#'));
  auto rest = std::regex_replace(text, kToken, "");
  if (rest.find_first_not_of(" \t,") != std::string::npos) {
    node.fail(fmt::format("cannot read factor constraints '{}': expected entries like 'K=4', 'C>=2', 'P<=8'", text));
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kToken); it != std::sregex_iterator(); ++it) {
    auto dim = require_dimension(node, workload, (*it)[1]);
    std::string op = (*it)[2];
    std::string digits = (*it)[3];
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      node.fail(fmt::format("factor {} of {} is beyond a 64-bit integer", digits, std::string((*it)[1])));
    }
    if (op.empty() || op == "=") {
      if (value > workload.dimension_bounds[dim]) {
        // As Timeloop: a factor larger than the dimension is ignored, with a warning.
        ignored.push_back(fmt::format("{}:{}: at '{}': constraint {}={} exceeds the problem's {}={}; ignored",
                                      node.file(), node.line(), node.path(), std::string((*it)[1]), value,
                                      workload.dimension_names[dim], workload.dimension_bounds[dim]));
        continue;
      }
    }
    auto& f = out.factors[dim];
    if (op == ">=") {
      if (value < 1) node.fail("a minimum factor must be at least 1");
      f.at_least = value;
    } else if (op == "<=") {
      if (value < 1) node.fail("a maximum factor must be at least 1");
      f.at_most = value;
    } else if (value == 0) {
      f.remainder = true;
    } else {
      f.exactly = value;
    }
  }
  out.constrained = true;
}

std::vector<DimensionId> parse_dimension_run(const NodeReader& where, const Workload& workload,
                                             const std::string& run) {
  std::vector<DimensionId> dims;
  bool single_letters = true;
  for (const auto& name : workload.dimension_names) single_letters = single_letters && name.size() == 1;
  // One-letter dimensions: letters, with spaces and commas ignored as Timeloop ignores them
  // ("NPQR SCM"). Longer names: separated by spaces or commas.
  if (!single_letters) {
    std::regex separators(R"([\s,]+)");
    for (std::sregex_token_iterator it(run.begin(), run.end(), separators, -1), end; it != end; ++it) {
      if (!it->str().empty()) dims.push_back(require_dimension(where, workload, *it));
    }
  } else {
    for (char c : run) {
      if (c != ' ' && c != '\t' && c != ',') dims.push_back(require_dimension(where, workload, std::string(1, c)));
    }
  }
  return dims;
}

void parse_permutation_constraint(const NodeReader& node, const Workload& workload, LevelLoopConstraints& out) {
  auto text = node.is_sequence() ? std::string() : node.as_string();
  if (node.is_sequence()) {
    for (const auto& item : node.items()) text += item.as_string() + " ";
  }
  auto underscore = text.find('_');
  auto inner = text.substr(0, underscore);
  auto outer = underscore == std::string::npos ? std::string() : text.substr(underscore + 1);
  auto trim = [](std::string s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  out.permutation.innermost = parse_dimension_run(node, workload, trim(inner));
  out.permutation.outermost = parse_dimension_run(node, workload, trim(outer));
  std::vector<bool> seen(workload.num_dimensions(), false);
  for (auto list : {&out.permutation.innermost, &out.permutation.outermost}) {
    for (auto dim : *list) {
      if (seen[dim]) node.fail(fmt::format("permutation repeats dimension '{}'", workload.dimension_names[dim]));
      seen[dim] = true;
    }
  }
  out.constrained = true;
}

void apply_constraint(const NodeReader& target, const NodeReader& constraint, const NodeReader& attributes,
                      const Workload& workload, const Architecture& arch, Constraints& out) {
  auto level_name = target.at("target").as_string();
  auto level = arch.find_storage_level(level_name);
  if (level < 0) {
    target.at("target").fail(fmt::format("'{}' is not a storage level of the architecture", level_name));
  }
  auto type = constraint.at("type").as_string();
  auto& lc = out.levels[level];
  if (type == "temporal" || type == "spatial") {
    auto& loops = type == "temporal" ? lc.temporal : lc.spatial;
    if (type == "spatial" && arch.fanout(level) == 1) {
      constraint.fail(fmt::format("'{}' has no spatial fanout to constrain", level_name));
    }
    if (auto factors = attributes.find("factors")) parse_factor_constraints(*factors, workload, loops, out.ignored);
    if (auto permutation = attributes.find("permutation")) parse_permutation_constraint(*permutation, workload, loops);
    if (type == "spatial") {
      if (auto split = attributes.optional_int("split")) lc.spatial_split = static_cast<int>(*split);
    }
  } else if (type == "bypass" || type == "datatype") {
    parse_keep_bypass(attributes, workload, [&](DataSpaceId ds, bool keep) { lc.keep[ds] = keep; });
  } else if (type == "utilization" || type == "parallelism") {
    out.min_utilization = std::max(out.min_utilization, attributes.at("min").as_double());
  } else {
    constraint.at("type").fail(
        fmt::format("unknown constraint type '{}'; expected temporal, spatial, bypass, datatype or utilization", type));
  }
}

void parse_target_list(const NodeReader& list, const Workload& workload, const Architecture& arch, Constraints& out) {
  for (const auto& target : list.items()) {
    target.allow_only(schema("constraints.target"));
    if (auto nested = target.find("constraints")) {
      for (const auto& constraint : nested->items()) {
        auto attributes = constraint.find("attributes");
        apply_constraint(target, constraint, attributes ? *attributes : constraint, workload, arch, out);
      }
    } else {
      auto attributes = target.find("attributes");
      apply_constraint(target, target, attributes ? *attributes : target, workload, arch, out);
    }
  }
}

// A section is either a list of targets or a mapping with `targets:` (or `constraints:`).
void parse_section(const NodeReader& section, const Workload& workload, const Architecture& arch, Constraints& out) {
  if (section.is_null()) return;
  if (section.is_sequence()) {
    parse_target_list(section, workload, arch, out);
    return;
  }
  section.allow_only(schema("constraints.section"));
  if (auto targets = section.find("targets")) parse_target_list(*targets, workload, arch, out);
  if (auto constraints = section.find("constraints")) parse_section(*constraints, workload, arch, out);
}

}  // namespace

Constraints parse_constraints(const YamlDocument& doc, const Workload& workload, const Architecture& arch) {
  auto out = Constraints::unconstrained(arch.num_storage_levels(), workload);
  for (const char* key : {"architecture_constraints", "mapspace_constraints", "constraints"}) {
    if (auto* section = doc.find(key))
      parse_section(NodeReader(section->node, section->file, key), workload, arch, out);
  }
  if (auto* mapspace = doc.find("mapspace")) {
    NodeReader node(mapspace->node, mapspace->file, "mapspace");
    node.allow_only(schema("mapspace"));
    if (auto constraints = node.find("constraints")) parse_section(*constraints, workload, arch, out);
  }
  return out;
}

namespace {

Metric parse_metric(const NodeReader& node) {
  auto name = node.as_string();
  if (auto metric = metric_from_name(name)) return *metric;
  node.fail(fmt::format("unknown optimization metric '{}'; expected {}", name, kMetricNames));
}

SearchAlgorithm parse_algorithm(const NodeReader& node) {
  auto name = node.as_string();
  if (auto algorithm = algorithm_from_name(name)) return *algorithm;
  node.fail(fmt::format("unknown mapper algorithm '{}'; expected {}", name, kAlgorithmNames));
}

std::uint64_t non_negative(const NodeReader& node) {
  auto value = node.as_int();
  if (value < 0) node.fail(fmt::format("expected a number >= 0, got {}", value));
  return static_cast<std::uint64_t>(value);
}

}  // namespace

MapperSettings parse_mapper_settings(const YamlDocument& doc) {
  MapperSettings settings;
  auto* section = doc.find("mapper");
  if (!section) return settings;
  NodeReader mapper(section->node, section->file, "mapper");
  mapper.allow_only(schema("mapper"));
  if (auto a = mapper.find("algorithm")) settings.algorithm = parse_algorithm(*a);
  for (const char* key : {"optimization_metrics", "optimization_metric"}) {
    auto metrics = mapper.find(key);
    if (!metrics) continue;
    settings.objectives.clear();
    if (metrics->is_sequence()) {
      for (const auto& m : metrics->items()) settings.objectives.push_back(parse_metric(m));
    } else {
      settings.objectives.push_back(parse_metric(*metrics));
    }
    if (settings.objectives.empty()) metrics->fail("expected at least one optimization metric");
  }
  if (auto t = mapper.find("num_threads")) {
    // Capped later, with a note (app/search_overrides.hpp); kept within an int here.
    settings.threads = static_cast<int>(std::min<std::uint64_t>(non_negative(*t), 1u << 30));
  }
  if (auto t = mapper.find("timeout")) settings.timeout = non_negative(*t);
  if (auto v = mapper.find("victory_condition")) settings.victory_condition = non_negative(*v);
  if (auto s = mapper.find("search_size")) settings.search_size = non_negative(*s);
  if (auto p = mapper.find("max_permutations_per_if_visit")) settings.max_permutations_per_visit = non_negative(*p);
  if (auto s = mapper.find("seed")) settings.seed = non_negative(*s);
  if (auto t = mapper.find("time_limit")) {
    settings.time_limit_seconds = t->as_double();
    if (settings.time_limit_seconds < 0) t->fail("expected seconds >= 0 (0: no limit)");
  }
  if (auto b = mapper.find("bound_pruning")) settings.bound_pruning = b->as_bool();
  if (auto l = mapper.find("literal_algorithm")) settings.literal_algorithm = l->as_bool();
  return settings;
}

}  // namespace qloop::input
