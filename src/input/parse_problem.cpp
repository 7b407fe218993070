#include "input/parse_problem.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <set>

#include "input/schema.hpp"
#include "input/yaml_document.hpp"

namespace qloop::input {

namespace {

// Keys of `problem.instance` that carry per-tensor bitwidths (the quantization fork's
// spellings) and the ones that set one width for every tensor.
const std::vector<std::string> kPerTensorBitwidthKeys = {"bitwidths", "datawidths", "wordwidths"};
const std::vector<std::string> kCommonBitwidthKeys = {"commonBitwidth", "commonDatawidth", "commonWordwidth"};

std::vector<std::string> parse_name_list(const NodeReader& node) {
  std::vector<std::string> names;
  for (const auto& item : node.items()) names.push_back(item.as_string());
  return names;
}

void parse_coefficients(const NodeReader& shape, Workload& workload) {
  auto coefficients = shape.find("coefficients");
  if (!coefficients) return;
  for (const auto& item : coefficients->items()) {
    item.allow_only(schema("problem.coefficient"));
    workload.coefficient_names.push_back(item.at("name").as_string());
    auto fallback = item.optional_int("default");
    workload.coefficient_values.push_back(fallback.value_or(1));
  }
}

int find_coefficient(const Workload& workload, const std::string& name) {
  for (int i = 0; i < static_cast<int>(workload.coefficient_names.size()); ++i) {
    if (workload.coefficient_names[i] == name) return i;
  }
  return -1;
}

// A term is [dim] or [dim, coefficient] (either order), as Timeloop writes it.
ProjectionTerm parse_term(const NodeReader& term_node, const Workload& workload) {
  auto names = parse_name_list(term_node);
  if (names.empty() || names.size() > 2) {
    term_node.fail("a projection term is [dimension] or [dimension, coefficient]");
  }
  ProjectionTerm term;
  int dims_seen = 0;
  for (const auto& name : names) {
    if (auto dim = workload.find_dimension(name); dim >= 0) {
      term.dimension = dim;
      ++dims_seen;
    } else if (auto coef = find_coefficient(workload, name); coef >= 0) {
      term.coefficient = coef;
    } else {
      term_node.fail(fmt::format("'{}' is neither a dimension nor a coefficient of the problem shape", name));
    }
  }
  if (dims_seen != 1) term_node.fail("a projection term names exactly one dimension");
  return term;
}

DataSpaceShape parse_data_space(const NodeReader& node, const Workload& workload) {
  node.allow_only(schema("problem.data_space"));
  DataSpaceShape space;
  space.name = node.at("name").as_string();
  if (auto rw = node.find("read_write")) space.read_write = rw->as_bool();
  auto projection = node.at("projection");
  for (const auto& rank_node : projection.items()) {
    std::vector<ProjectionTerm> rank;
    // A rank is either a list of terms ([[R], [P]]) or, in the short form, a bare term.
    const auto& items = rank_node.items();
    if (!items.empty() && items.front().is_scalar()) {
      rank.push_back(parse_term(rank_node, workload));
    } else {
      for (const auto& term_node : items) rank.push_back(parse_term(term_node, workload));
    }
    if (rank.empty()) rank_node.fail("a projection rank needs at least one term");
    space.projection.push_back(std::move(rank));
  }
  if (space.projection.empty()) projection.fail("a data space needs at least one rank");
  if (space.projection.size() > static_cast<std::size_t>(kMaxTensorRank)) {
    projection.fail(fmt::format("a data space may have at most {} ranks", kMaxTensorRank));
  }
  return space;
}

int parse_bitwidth(const NodeReader& node) {
  auto bits = node.as_int();
  if (bits <= 0) node.fail(fmt::format("a bitwidth must be a positive number of bits, got {}", bits));
  return static_cast<int>(bits);
}

void parse_bitwidths(const NodeReader& instance, Workload& workload) {
  workload.bitwidths.assign(workload.num_data_spaces(), std::nullopt);
  for (const auto& key : kCommonBitwidthKeys) {
    if (auto common = instance.find(key)) {
      int bits = parse_bitwidth(*common);
      for (auto& b : workload.bitwidths) b = bits;
    }
  }
  for (const auto& key : kPerTensorBitwidthKeys) {
    auto per_tensor = instance.find(key);
    if (!per_tensor) continue;
    per_tensor->expect_map();
    for (const auto& tensor : per_tensor->keys()) {
      auto id = workload.find_data_space(tensor);
      auto value = per_tensor->at(tensor);
      if (id < 0) value.fail(fmt::format("'{}' is not a data space of the problem shape", tensor));
      workload.bitwidths[id] = parse_bitwidth(value);
    }
  }
  if (auto psum = instance.find("partial_sum_bitwidth")) workload.partial_sum_bitwidth = parse_bitwidth(*psum);
}

// A banded matrix's band width: a whole number of diagonals on each side of the main one.
int parse_band_width(const NodeReader& node) {
  auto width = node.as_int();
  if (width < 0 || width > (std::int64_t{1} << 31) - 1) {
    node.fail(fmt::format("band_width is a whole number of diagonals from 0 to 2^31 - 1, got {}", width));
  }
  return static_cast<int>(width);
}

// A density as the reference reads it: a fraction in [0, 1] (a fixed-structured density), or
// a density model {distribution, density | band_width}.
DensitySpec parse_density(const NodeReader& node, std::vector<std::string>* notes) {
  auto fraction = [](const NodeReader& n) {
    double d = n.as_double();
    if (!(d >= 0 && d <= 1)) n.fail(fmt::format("a density is a fraction from 0 to 1, got {}", n.node().Scalar()));
    return d;
  };
  DensitySpec spec;
  if (!node.is_map()) {
    spec.density = fraction(node);
    return spec;
  }
  node.allow_only(schema("problem.density"));
  auto distribution = node.at("distribution");
  auto name = normalize_key(distribution.as_string());
  if (name == "fixed_structured" || name == "fixed") {
    spec.distribution = DensityDistribution::kFixedStructured;
  } else if (name == "hypergeometric") {
    spec.distribution = DensityDistribution::kHypergeometric;
  } else if (name == "banded" || name == "diagonal") {
    spec.distribution = DensityDistribution::kBanded;
    // The band sets the density; the reference ignores a `density` given with it.
    // The reference ignores a density given with a band: the band decides it.
    if (auto density = node.find("density"); density && notes) {
      notes->push_back(fmt::format("{}:{}: {}: a banded density follows from band_width; density {} is ignored",
                                   density->file(), density->line(), density->path(), density->node().Scalar()));
    }
    if (auto width = node.find("band_width")) spec.band_width = parse_band_width(*width);
    return spec;
  } else {
    distribution.fail(
        fmt::format("unknown density distribution '{}'; expected fixed-structured, hypergeometric or banded (diagonal)",
                    distribution.as_string()));
  }
  spec.density = fraction(node.at("density"));
  return spec;
}

// The banded model describes a square matrix: rows are the tensor's rank 0, columns rank 1.
void check_banded(const NodeReader& node, const Workload& workload, DataSpaceId ds, int band_width) {
  const auto& space = workload.data_spaces[ds];
  if (space.projection.size() != 2) {
    node.fail(fmt::format("tensor {} has {} rank(s), but a banded density needs a 2-D square tensor", space.name,
                          space.projection.size()));
  }
  std::int64_t extents[2] = {1, 1};
  for (int r = 0; r < 2; ++r) {
    for (const auto& term : space.projection[r]) {
      extents[r] += workload.coefficient(term.coefficient) * (workload.dimension_bounds[term.dimension] - 1);
    }
  }
  if (extents[0] != extents[1]) {
    node.fail(fmt::format("tensor {} is {} x {}, but a banded density needs a square tensor", space.name, extents[0],
                          extents[1]));
  }
  // From there on the reference miscounts the band's nonzeros (the count shrinks, then wraps past 0).
  if (band_width >= extents[0]) {
    node.fail(fmt::format("band_width {} reaches past the {} x {} tensor {}; at most {} (a full matrix)", band_width,
                          extents[0], extents[1], space.name, extents[0] - 1));
  }
}

void set_density(const NodeReader& node, Workload& workload, DataSpaceId ds, const DensitySpec& spec) {
  if (spec.distribution == DensityDistribution::kBanded) check_banded(node, workload, ds, spec.band_width);
  workload.densities[ds] = spec;
}

void parse_densities(const NodeReader& instance, Workload& workload, std::vector<std::string>* notes) {
  auto common = instance.find("commonDensity");
  auto densities = instance.find("densities");
  if (common && densities) {
    densities->fail("both commonDensity and densities are given (the reference would ignore densities); keep one");
  }
  if (common) {
    auto spec = parse_density(*common, notes);
    workload.densities.assign(workload.num_data_spaces(), DensitySpec{});
    for (DataSpaceId ds = 0; ds < workload.num_data_spaces(); ++ds) set_density(*common, workload, ds, spec);
    return;
  }
  if (!densities) return;
  densities->expect_map();
  workload.densities.assign(workload.num_data_spaces(), DensitySpec{});
  for (const auto& tensor : densities->keys()) {
    auto value = densities->at(tensor);
    auto id = workload.find_data_space(tensor);
    if (id < 0) value.fail(fmt::format("'{}' is not a data space of the problem shape", tensor));
    set_density(value, workload, id, parse_density(value, notes));
  }
}

void parse_instance(const NodeReader& instance, Workload& workload, std::vector<std::string>* notes) {
  instance.expect_map();
  std::vector<std::string> valid = workload.dimension_names;
  valid.insert(valid.end(), workload.coefficient_names.begin(), workload.coefficient_names.end());
  valid.insert(valid.end(), kPerTensorBitwidthKeys.begin(), kPerTensorBitwidthKeys.end());
  valid.insert(valid.end(), kCommonBitwidthKeys.begin(), kCommonBitwidthKeys.end());
  valid.push_back("densities");  // Sparseloop's density models
  valid.push_back("commonDensity");
  valid.push_back("partial_sum_bitwidth");
  instance.allow_only(valid);

  workload.dimension_bounds.assign(workload.num_dimensions(), 1);
  // Beyond 2^31 no dimension or coefficient is meant (and products stay exact).
  auto size = [](const NodeReader& node) {
    auto value = node.as_positive_int();
    if (value > (std::int64_t{1} << 31)) node.fail(fmt::format("{} is too large (at most 2^31)", value));
    return value;
  };
  for (int d = 0; d < workload.num_dimensions(); ++d) {
    if (auto bound = instance.find(workload.dimension_names[d])) workload.dimension_bounds[d] = size(*bound);
  }
  for (std::size_t c = 0; c < workload.coefficient_names.size(); ++c) {
    if (auto value = instance.find(workload.coefficient_names[c])) workload.coefficient_values[c] = size(*value);
  }
  parse_bitwidths(instance, workload);
  parse_densities(instance, workload, notes);
}

// Counts are exact up to 2^53 (the analysis adds them in doubles, as the reference does): the
// operations, and so every count, stay below it.
void check_operation_count(const NodeReader& instance, const Workload& workload) {
  constexpr double kLimit = 9007199254740992.0;  // 2^53
  double operations = 1;
  std::string product;
  for (int d = 0; d < workload.num_dimensions(); ++d) {
    operations *= static_cast<double>(workload.dimension_bounds[d]);
    product += (product.empty() ? "" : " x ") +
               fmt::format("{}={}", workload.dimension_names[d], workload.dimension_bounds[d]);
  }
  if (operations > kLimit) {
    instance.fail(fmt::format("{} is {:.3g} operations; counts stay exact up to 2^53 (9.0e15): split the layer",
                              product, operations));
  }
}

// Tensor coordinates are held in 32 bits by the analysis.
void check_tensor_extents(const NodeReader& problem, const Workload& workload) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 31;
  for (const auto& space : workload.data_spaces) {
    for (const auto& rank : space.projection) {
      std::int64_t extent = 1;
      for (const auto& term : rank) {
        extent += (workload.dimension_bounds[term.dimension] - 1) * std::abs(workload.coefficient(term.coefficient));
      }
      if (extent >= kLimit) {
        problem.fail(fmt::format("tensor {} spans {} along one rank; at most 2^31 is supported", space.name, extent));
      }
    }
  }
}

}  // namespace

Workload parse_problem(const NodeReader& problem, std::vector<std::string>* notes) {
  problem.allow_only(schema("problem"));
  auto shape = problem.at("shape");
  shape.allow_only(schema("problem.shape"));

  Workload workload;
  workload.name = shape.string_or("name", "problem");
  workload.dimension_names = parse_name_list(shape.at("dimensions"));
  std::set<std::string> seen;
  for (const auto& dim : workload.dimension_names) {
    if (!seen.insert(dim).second) shape.at("dimensions").fail("dimension '" + dim + "' is listed twice");
  }
  if (workload.dimension_names.empty()) shape.at("dimensions").fail("expected at least one dimension");
  if (workload.num_dimensions() > kMaxDimensions) {
    shape.at("dimensions").fail(fmt::format("at most {} dimensions are supported", kMaxDimensions));
  }
  parse_coefficients(shape, workload);
  for (const auto& item : shape.at("data_spaces").items()) {
    workload.data_spaces.push_back(parse_data_space(item, workload));
  }
  if (workload.num_data_spaces() > kMaxDataSpaces) {
    shape.at("data_spaces").fail(fmt::format("at most {} data spaces are supported", kMaxDataSpaces));
  }
  if (workload.num_data_spaces() == 0) shape.at("data_spaces").fail("expected at least one data space");
  parse_instance(problem.at("instance"), workload, notes);
  check_operation_count(problem.at("instance"), workload);
  check_tensor_extents(problem, workload);
  return workload;
}

}  // namespace qloop::input
