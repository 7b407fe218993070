#include "input/parse_mapping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <regex>
#include <set>

#include "input/schema.hpp"
#include "input/workload_names.hpp"

namespace qloop::input {

namespace {

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// "C3 M96", "C=3 M=96" or a mapping {C: 3, M: 96}.
std::vector<std::int64_t> parse_factors(const NodeReader& node, const Workload& workload) {
  std::vector<std::int64_t> factors(workload.num_dimensions(), 1);
  std::set<DimensionId> seen;
  auto set_factor = [&](const std::string& name, std::int64_t value) {
    auto dim = require_dimension(node, workload, name);
    if (!seen.insert(dim).second) node.fail(fmt::format("factor of '{}' given twice", name));
    if (value < 0) node.fail(fmt::format("factor of '{}' must be positive, got {}", name, value));
    // As in Timeloop, 0 stands for the whole dimension.
    factors[dim] = value == 0 ? workload.dimension_bounds[dim] : value;
  };
  if (node.is_map()) {
    for (const auto& key : node.keys()) set_factor(key, node.at(key).as_int());
    return factors;
  }
  static const std::regex kToken(R"(^([A-Za-z_][A-Za-z_0-9]*?)\s*=?\s*(-?\d+)$)");
  static const std::regex kSplit(R"(([A-Za-z_][A-Za-z_0-9]*?)\s*=?\s*(-?\d+))");
  auto text = trim(node.as_string());
  auto begin = std::sregex_iterator(text.begin(), text.end(), kSplit);
  std::string rest = std::regex_replace(text, kSplit, "");
  if (!trim(rest).empty()) {
    node.fail(fmt::format("cannot read factors '{}': expected entries like 'C3 M96' or 'C=3 M=96'", text));
  }
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    std::string digits = (*it)[2];
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      node.fail(fmt::format("factor of '{}' is {}, beyond a 64-bit integer", std::string((*it)[1]), digits));
    }
    set_factor((*it)[1], value);
  }
  return factors;
}

// "PRKC" (one letter per dimension), "P R K C", or a list of names; innermost first.
std::vector<DimensionId> parse_permutation(const NodeReader& node, const Workload& workload,
                                           const std::vector<std::int64_t>& factors) {
  std::vector<std::string> names;
  if (node.is_sequence()) {
    for (const auto& item : node.items()) names.push_back(item.as_string());
  } else {
    auto text = trim(node.as_string());
    bool single_letters = true;
    for (const auto& name : workload.dimension_names) single_letters = single_letters && name.size() == 1;
    if (!single_letters) {
      std::regex separators(R"([\s,]+)");
      for (std::sregex_token_iterator it(text.begin(), text.end(), separators, -1), end; it != end; ++it) {
        if (!it->str().empty()) names.push_back(*it);
      }
    } else {
      // One letter per dimension; spaces and commas are ignored, as Timeloop ignores them.
      for (char c : text) {
        if (c != ' ' && c != '\t' && c != ',') names.emplace_back(1, c);
      }
    }
  }
  std::vector<DimensionId> order;
  std::vector<bool> present(workload.num_dimensions(), false);
  for (const auto& name : names) {
    auto dim = require_dimension(node, workload, name);
    if (present[dim]) node.fail(fmt::format("permutation repeats dimension '{}'", name));
    present[dim] = true;
    order.push_back(dim);
  }
  for (DimensionId dim = 0; dim < workload.num_dimensions(); ++dim) {
    if (present[dim]) continue;
    if (factors[dim] > 1) {
      node.fail(fmt::format("permutation misses dimension '{}', whose factor here is {}", workload.dimension_names[dim],
                            factors[dim]));
    }
    order.push_back(dim);  // extent-1 loops: their place does not matter
  }
  return order;
}

std::vector<DimensionId> identity_order(const Workload& workload) {
  std::vector<DimensionId> order(workload.num_dimensions());
  for (int i = 0; i < workload.num_dimensions(); ++i) order[i] = i;
  return order;
}

}  // namespace

Mapping parse_mapping(const NodeReader& node, const Workload& workload, const Architecture& arch) {
  Mapping mapping;
  auto num_dims = workload.num_dimensions();
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    LevelMapping m;
    m.temporal_factors.assign(num_dims, 1);
    m.spatial_factors.assign(num_dims, 1);
    m.temporal_permutation = identity_order(workload);
    m.spatial_permutation = identity_order(workload);
    m.spatial_split = num_dims;
    m.keep.assign(workload.num_data_spaces(), true);
    mapping.levels.push_back(m);
  }

  auto directives = node.is_map() && node.has("mapping") ? node.at("mapping") : node;
  for (const auto& directive : directives.items()) {
    directive.allow_only(schema("mapping.directive"));
    auto target = directive.at("target").as_string();
    auto level = arch.find_storage_level(target);
    if (level < 0) {
      std::vector<std::string> names;
      for (const auto& s : arch.storage) names.push_back(s.name);
      directive.at("target").fail(
          fmt::format("'{}' is not a storage level of the architecture (levels: {})", target, fmt::join(names, ", ")));
    }
    auto type = directive.at("type").as_string();
    auto& m = mapping.levels[level];
    if (type == "temporal" || type == "spatial") {
      auto factors = directive.find("factors") ? parse_factors(directive.at("factors"), workload)
                                               : std::vector<std::int64_t>(num_dims, 1);
      auto permutation = directive.find("permutation")
                             ? parse_permutation(directive.at("permutation"), workload, factors)
                             : identity_order(workload);
      if (!directive.find("permutation")) {
        int nontrivial = 0;
        for (auto f : factors) nontrivial += f > 1;
        if (nontrivial > 1) directive.fail("a 'permutation' is required when more than one factor exceeds 1");
      }
      if (type == "temporal") {
        m.temporal_factors = factors;
        m.temporal_permutation = permutation;
      } else {
        if (arch.fanout(level) == 1 && std::any_of(factors.begin(), factors.end(), [](auto f) { return f > 1; })) {
          directive.fail(fmt::format("'{}' has no spatial fanout, so its spatial factors must all be 1", target));
        }
        m.spatial_factors = factors;
        m.spatial_permutation = permutation;
        m.spatial_split = static_cast<int>(directive.optional_int("split").value_or(num_dims));
      }
    } else if (type == "datatype" || type == "bypass") {
      parse_keep_bypass(directive, workload, [&](DataSpaceId ds, bool keep) { m.keep[ds] = keep; });
    } else {
      directive.at("type").fail(
          fmt::format("unknown directive type '{}'; expected temporal, spatial, datatype or bypass", type));
    }
  }

  for (DimensionId dim = 0; dim < num_dims; ++dim) {
    std::int64_t product = 1;
    for (const auto& m : mapping.levels) product *= m.temporal_factors[dim] * m.spatial_factors[dim];
    if (product != workload.dimension_bounds[dim]) {
      directives.fail(fmt::format("the factors of dimension '{}' multiply to {}, but the problem size is {}",
                                  workload.dimension_names[dim], product, workload.dimension_bounds[dim]));
    }
  }
  // The outermost level always holds every tensor (as Timeloop assumes).
  mapping.levels.back().keep.assign(workload.num_data_spaces(), true);
  return mapping;
}

}  // namespace qloop::input
