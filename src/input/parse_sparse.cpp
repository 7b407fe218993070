#include "input/parse_sparse.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <set>

#include "input/schema.hpp"
#include "input/spelling.hpp"
#include "input/yaml_document.hpp"

namespace qloop::input {

namespace {

std::string tensor_name(const NodeReader& node, const Workload& workload) {
  auto name = node.as_string();
  if (workload.find_data_space(name) >= 0) return name;
  std::vector<std::string> names;
  for (const auto& ds : workload.data_spaces) names.push_back(ds.name);
  auto near = closest_name(name, names);
  node.fail(near.empty() ? fmt::format("'{}' is not a tensor of the problem; tensors: {}", name, fmt::join(names, ", "))
                         : fmt::format("'{}' is not a tensor of the problem; did you mean '{}'?", name, near));
}

ActionChoice parse_choice(const NodeReader& node, const Workload& workload) {
  ActionChoice choice;
  choice.target = tensor_name(node.at("target"), workload);
  auto conditions = node.at("condition_on");
  if (!conditions.is_sequence() || conditions.items().empty()) {
    conditions.fail("condition-on is a non-empty list of tensors, e.g. [Inputs]");
  }
  for (const auto& c : conditions.items()) {
    auto name = tensor_name(c, workload);
    if (name == choice.target) c.fail(fmt::format("{} cannot be conditioned on itself", name));
    choice.condition_on.push_back(name);
  }
  return choice;
}

ActionOptimizationKind action_kind(const NodeReader& node) {
  auto type = normalize_key(node.as_string());
  if (type == "gating") return ActionOptimizationKind::kGating;
  if (type == "skipping") return ActionOptimizationKind::kSkipping;
  if (type == "skipping_spatial" || type == "spatial_skipping") return ActionOptimizationKind::kSpatialSkipping;
  node.fail(
      fmt::format("unknown action optimization '{}'; expected gating, skipping or skipping-spatial", node.as_string()));
}

std::vector<ActionOptimization> parse_actions(const NodeReader& list, const Workload& workload) {
  list.expect_sequence();
  std::vector<ActionOptimization> actions;
  std::optional<ActionOptimizationKind> previous;
  for (const auto& entry : list.items()) {
    entry.allow_only(schema("sparse.action"));
    ActionOptimization action;
    if (auto type = entry.find("type")) {
      action.kind = action_kind(*type);
    } else if (previous) {
      action.kind = *previous;  // as the reference reads a list: the type carries over
    } else {
      entry.fail("an action optimization needs a type: gating, skipping or skipping-spatial");
    }
    previous = action.kind;
    if (auto options = entry.find("options")) {
      if (entry.has("target") || entry.has("condition_on")) {
        entry.fail("give either options or target / condition-on, not both");
      }
      options->expect_sequence();
      for (const auto& option : options->items()) {
        option.allow_only(schema("sparse.choice"));
        action.options.push_back(parse_choice(option, workload));
      }
      if (action.options.empty()) options->fail("options is an empty list");
    } else {
      action.options.push_back(parse_choice(entry, workload));
    }
    if (action.kind == ActionOptimizationKind::kSpatialSkipping && action.options.size() != 1) {
      entry.fail("skipping-spatial takes one target, not options");
    }
    actions.push_back(std::move(action));
  }
  return actions;
}

RankFormatKind format_kind(const NodeReader& node) {
  auto name = node.as_string();
  if (name == "UOP" || name == "uop") return RankFormatKind::kUncompressedOffsetPair;
  if (name == "CP" || name == "cp") return RankFormatKind::kCoordinatePayload;
  if (name == "RLE" || name == "rle") return RankFormatKind::kRunLengthEncoding;
  if (name == "B" || name == "b") return RankFormatKind::kBitmask;
  if (name == "UB" || name == "ub") return RankFormatKind::kUncompressed;
  node.fail(fmt::format("unknown rank format '{}'; expected UOP, CP, RLE, B or UB", name));
}

bool compressed(RankFormatKind kind) {
  return kind == RankFormatKind::kCoordinatePayload || kind == RankFormatKind::kRunLengthEncoding ||
         kind == RankFormatKind::kBitmask;
}

// The reference raises a word width that does not divide the metadata storage width to the
// next one that does (so no metadata word straddles two accesses).
int resolve_word_bits(const NodeReader& where, std::optional<int> given, const StorageLevelSpec& level,
                      const char* what, std::vector<std::string>& notes) {
  auto width = level.metadata.width_bits;
  int bits = given.value_or(level.metadata.word_bits);
  if (given && *given != 0 && width % *given != 0) {
    int adjusted = 2 * *given;
    for (int x = *given; x < 2 * *given; ++x) {
      if (width % x == 0) {
        adjusted = x;
        break;
      }
    }
    notes.push_back(fmt::format("{}:{}: {} word bits {} raised to {} to divide {}'s metadata storage width {}",
                                where.file(), where.line(), what, *given, adjusted, level.name, width));
    bits = adjusted;
  }
  if (bits > width) {
    where.fail(
        fmt::format("{} words of {} bits do not fit {}'s metadata storage width of {} bits (attribute "
                    "metadata_storage_width)",
                    what, bits, level.name, width));
  }
  return bits;
}

TensorFormat parse_tensor_format(const NodeReader& node, const Workload& workload, const StorageLevelSpec& level,
                                 std::vector<std::string>& notes) {
  node.allow_only(schema("sparse.tensor_format"));
  TensorFormat format;
  format.tensor = tensor_name(node.at("name"), workload);
  if (auto order = node.find("rank_application_order")) {
    auto value = normalize_key(order->as_string());
    if (value == "inner_to_outer") {
      format.inner_to_outer = true;
    } else if (value != "outer_to_inner") {
      order->fail(fmt::format("unknown rank application order '{}'; expected outer-to-inner or inner-to-outer",
                              order->as_string()));
    }
  }
  auto ranks = node.at("ranks");
  ranks.expect_sequence();
  if (ranks.items().empty()) ranks.fail("a representation needs at least one rank");
  for (const auto& rank_node : ranks.items()) {
    rank_node.allow_only(schema("sparse.rank"));
    RankFormat rank;
    auto format_node = rank_node.at("format");
    rank.kind = format_kind(format_node);
    auto read_bits = [&](const char* key) -> std::optional<int> {
      auto bits = rank_node.find(key);
      if (!bits) return std::nullopt;
      auto value = bits->as_int();
      if (value < 0 || value > 1024) bits->fail(fmt::format("expected a number of bits from 0 to 1024, got {}", value));
      return static_cast<int>(value);
    };
    std::optional<int> metadata = read_bits("metadata_word_bits");
    std::optional<int> payload = read_bits("payload_word_bits");
    if (rank.kind == RankFormatKind::kUncompressed) {
      metadata = payload = std::nullopt;  // the reference's UB ignores given widths
    } else if (rank.kind == RankFormatKind::kBitmask && !metadata) {
      metadata = 1;
    }
    rank.metadata_word_bits = resolve_word_bits(rank_node, metadata, level, "metadata", notes);
    rank.payload_word_bits = resolve_word_bits(rank_node, payload, level, "payload", notes);
    if (auto flattened = rank_node.find("flattened_rankIDs")) {
      flattened->expect_sequence();
      for (const auto& group : flattened->items()) {
        group.expect_sequence();
        std::vector<std::string> dims;
        for (const auto& d : group.items()) {
          if (workload.find_dimension(d.as_string()) < 0) {
            d.fail(fmt::format("'{}' is not a dimension of the problem; dimensions: {}", d.as_string(),
                               fmt::join(workload.dimension_names, ", ")));
          }
          dims.push_back(d.as_string());
        }
        rank.flattened_dimensions.push_back(std::move(dims));
      }
    }
    format.ranks.push_back(std::move(rank));
  }
  // Listed outermost first: an uncompressed rank may not lie under a compressed one.
  bool seen_uncompressed = false;
  for (auto it = format.ranks.rbegin(); it != format.ranks.rend(); ++it) {
    if (!compressed(it->kind)) seen_uncompressed = true;
    if (compressed(it->kind) && seen_uncompressed) {
      ranks.fail(
          "a compressed rank above an uncompressed one is not supported (as in the reference): list "
          "uncompressed ranks (UOP, UB) outermost");
    }
  }
  if (auto rate = node.find("compression_rate")) {
    bool any = false;
    for (const auto& r : format.ranks) any = any || compressed(r.kind);
    if (!any) rate->fail("an uncompressed representation has no compression rate");
    rate->as_double();
  }
  return format;
}

std::vector<TensorFormat> parse_formats(const NodeReader& node, const Workload& workload, const StorageLevelSpec& level,
                                        std::vector<std::string>& notes) {
  if (!node.is_map()) {
    node.fail("expected representation-format: {data-spaces: [ {name: Tensor, ranks: [...]} ]}");
  }
  node.allow_only(schema("sparse.formats"));
  auto list = node.at("data_spaces");
  list.expect_sequence();
  std::vector<TensorFormat> formats;
  std::set<std::string> seen;
  for (const auto& entry : list.items()) {
    auto format = parse_tensor_format(entry, workload, level, notes);
    if (!seen.insert(format.tensor).second) {
      entry.fail(fmt::format("{} has two representations at {}", format.tensor, level.name));
    }
    formats.push_back(std::move(format));
  }
  return formats;
}

void parse_compute_optimization(const NodeReader& list, ArithmeticSpec& arith) {
  list.expect_sequence();
  for (const auto& entry : list.items()) {
    entry.allow_only(schema("sparse.compute"));
    auto type_node = entry.at("type");
    auto type = normalize_key(type_node.as_string());
    if (type == "gating" || type == "gate_on_zero_operand") {
      arith.gate_on_zero_operand = true;
    } else if (type == "skipping" || type == "skip_on_not_aligned_operands") {
      arith.skip_on_not_aligned_operands = true;
    } else {
      type_node.fail(
          fmt::format("unknown compute optimization '{}'; expected gating or skipping", type_node.as_string()));
    }
  }
}

}  // namespace

LayerDensities parse_density_assignments(const std::string& text, const std::string& where) {
  LayerDensities densities;
  auto fail = [&](const std::string& message) -> void { throw InputError("", where, 0, message); };
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    auto item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() + 1 : end + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) fail(fmt::format("'{}': expected TENSOR=DENSITY, e.g. Weights=0.3", item));
    auto tensor = item.substr(0, eq);
    auto value = item.substr(eq + 1);
    DensitySpec spec;
    if (auto colon = value.find(':'); colon != std::string::npos) {
      auto model = normalize_key(value.substr(0, colon));
      if (model == "hypergeometric") {
        spec.distribution = DensityDistribution::kHypergeometric;
      } else if (model != "fixed_structured" && model != "fixed") {
        fail(fmt::format("'{}': unknown density distribution '{}'; expected fixed-structured or hypergeometric", item,
                         value.substr(0, colon)));
      }
      value = value.substr(colon + 1);
    }
    char* rest = nullptr;
    spec.density = std::strtod(value.c_str(), &rest);
    if (value.empty() || *rest != '\0' || !(spec.density >= 0 && spec.density <= 1)) {
      fail(fmt::format("'{}': a density is a fraction from 0 to 1", item));
    }
    if (tensor == "Weights") {
      densities.weights = spec;
    } else if (tensor == "Inputs") {
      densities.inputs = spec;
    } else if (tensor == "Outputs") {
      densities.outputs = spec;
    } else {
      fail(fmt::format("'{}': a layer's tensors are Weights, Inputs and Outputs", tensor));
    }
  }
  return densities;
}

void parse_sparse_optimizations(const NodeReader& sparse, const Workload& workload, Architecture& arch,
                                std::vector<std::string>& notes) {
  sparse.expect_map();
  sparse.allow_only(schema("sparse.top"));
  arch.sparse_section = true;
  auto targets = sparse.find("targets");
  if (!targets) return;
  targets->expect_sequence();
  std::set<std::string> seen;
  for (const auto& target : targets->items()) {
    target.allow_only(schema("sparse.target"));
    auto name_node = target.at("name");
    auto name = name_node.as_string();
    if (!seen.insert(name).second) {
      name_node.fail(fmt::format("{} is named twice in sparse_optimizations.targets; give one entry", name));
    }
    if (name == arch.arithmetic.name) {
      for (const char* key : {"action_optimization", "representation_format"}) {
        if (auto misplaced = target.find(key)) {
          misplaced->fail(fmt::format("{} is the compute unit: it takes compute-optimization only", name));
        }
      }
      if (auto compute = target.find("compute_optimization")) parse_compute_optimization(*compute, arch.arithmetic);
      continue;
    }
    auto level = arch.find_storage_level(name);
    if (level < 0) {
      std::vector<std::string> names;
      for (const auto& s : arch.storage) names.push_back(s.name);
      names.push_back(arch.arithmetic.name);
      auto near = closest_name(name, names);
      name_node.fail(
          near.empty()
              ? fmt::format("'{}' is no storage level or compute unit; levels: {}", name, fmt::join(names, ", "))
              : fmt::format("'{}' is no storage level or compute unit; did you mean '{}'?", name, near));
    }
    if (auto compute = target.find("compute_optimization")) {
      compute->fail(fmt::format("{} is a storage level: compute-optimization belongs to the compute unit {}", name,
                                arch.arithmetic.name));
    }
    auto& spec = arch.storage[level];
    if (auto actions = target.find("action_optimization")) spec.sparsity.actions = parse_actions(*actions, workload);
    if (auto formats = target.find("representation_format")) {
      spec.sparsity.formats = parse_formats(*formats, workload, spec, notes);
    }
  }
}

}  // namespace qloop::input
