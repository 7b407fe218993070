#include "input/parse_architecture.hpp"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <regex>
#include <set>

#include "input/attribute_schema.hpp"
#include "input/schema.hpp"
#include "input/yaml_document.hpp"

namespace qloop::input {

namespace {

// Timeloop classifies a component by substrings of its class: storage first, then compute.
// Anything else (network components, Accelergy-only compound components) is not part of
// the storage chain and is skipped with a note.
const std::vector<std::string> kStorageClassMarks = {"DRAM", "SRAM", "regfile", "smartbuffer", "storage"};
const std::vector<std::string> kComputeClassMarks = {"mac", "intmac", "fpmac", "compute"};

bool class_contains(const std::string& cls, const std::vector<std::string>& marks) {
  for (const auto& mark : marks) {
    if (cls.find(mark) != std::string::npos) return true;
  }
  return false;
}

// More instances than any accelerator has (and their products stay far from overflow).
constexpr std::int64_t kMaxInstances = std::int64_t{1} << 24;

// Attributes inherited from enclosing subtrees, keyed by normalized name.
using Attributes = std::map<std::string, NodeReader>;

struct ParsedName {
  std::string base;
  std::int64_t count = 1;  // size of the [lo..hi] range, 1 without one
};

ParsedName parse_instance_range(const NodeReader& name_node) {
  static const std::regex kRange(R"(^(.*)\[\s*(\d+)\s*\.\.\s*(\d+)\s*\]$)");
  auto text = name_node.as_string();
  std::smatch match;
  if (!std::regex_match(text, match, kRange)) {
    if (text.find_first_of("[]") != std::string::npos) {
      name_node.fail(fmt::format("'{}' is no name: an instance range is written name[lo..hi] with numbers", text));
    }
    return {text, 1};
  }
  auto number = [&](const std::string& digits) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      name_node.fail(fmt::format("instance range bound {} is beyond a 64-bit integer", digits));
    }
    return value;
  };
  auto lo = number(match[2]);
  auto hi = number(match[3]);
  if (hi < lo) name_node.fail(fmt::format("instance range [{}..{}] is empty", lo, hi));
  if (hi - lo >= kMaxInstances) {
    name_node.fail(fmt::format("instance range [{}..{}] has {} instances; at most {} are supported", lo, hi,
                               hi - lo + 1, kMaxInstances));
  }
  return {match[1], hi - lo + 1};
}

// The key an attribute is filed under: every spelling of one attribute the same.
std::string attribute_key(const std::string& key) {
  const auto* spec = attribute_named(key);
  return normalize_key(spec ? spec->name : key);
}

// A component's own attributes over those its subtrees give (checked: check_attributes).
// Instances of a component: its range times those of the subtrees around it.
std::int64_t instances_of(const NodeReader& name, std::int64_t enclosing, std::int64_t own) {
  if (own > kMaxInstances / enclosing) {
    name.fail(fmt::format("{} x {} instances; at most {} are supported", enclosing, own, kMaxInstances));
  }
  return enclosing * own;
}

Attributes merge_attributes(const Attributes& inherited, const NodeReader& component, std::vector<std::string>* notes) {
  Attributes merged = inherited;
  if (auto attributes = component.find("attributes")) {
    if (attributes->is_null()) return merged;
    check_attributes(*attributes, notes);
    for (const auto& key : attributes->keys()) merged.insert_or_assign(attribute_key(key), attributes->at(key));
  }
  return merged;
}

const NodeReader* find_attribute(const Attributes& attributes, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = attributes.find(attribute_key(name));
    if (it != attributes.end() && !it->second.is_null()) return &it->second;
  }
  return nullptr;
}

// Larger than any memory or array (2^40), so sizes and their products stay exact.
constexpr std::int64_t kMaxAttribute = std::int64_t{1} << 40;

std::optional<std::int64_t> int_attribute(const Attributes& a, std::initializer_list<const char*> names) {
  auto* node = find_attribute(a, names);
  if (!node) return std::nullopt;
  auto value = node->as_positive_int();
  if (value > kMaxAttribute) node->fail(fmt::format("{} is too large (at most 2^40)", value));
  return value;
}

// A capacity may be 0: a level that holds nothing (Sparseloop's designs use one as a
// placeholder in the hierarchy; every tensor must bypass it).
std::optional<std::int64_t> size_attribute(const Attributes& a, std::initializer_list<const char*> names) {
  auto* node = find_attribute(a, names);
  if (!node) return std::nullopt;
  auto value = node->as_int();
  if (value < 0) node->fail(fmt::format("expected a size of 0 or more, got {}", value));
  if (value > kMaxAttribute) node->fail(fmt::format("{} is too large (at most 2^40)", value));
  return value;
}

std::optional<double> double_attribute(const Attributes& a, std::initializer_list<const char*> names) {
  auto* node = find_attribute(a, names);
  if (!node) return std::nullopt;
  double value = node->as_double();
  if (value <= 0) node->fail(fmt::format("expected a positive number, got {}", value));
  return value;
}

// Sparseloop's metadata storage of a level (formats' metadata and payloads live there).
void read_metadata_storage(const Attributes& a, MetadataStorage& metadata) {
  metadata.width_bits = size_attribute(a, {"metadata_storage_width"}).value_or(0);
  metadata.depth = size_attribute(a, {"metadata_storage_depth"});
  metadata.word_bits = static_cast<int>(size_attribute(a, {"metadata_datawidth", "metadata_word_bits"}).value_or(0));
  metadata.block_size = int_attribute(a, {"metadata_block_size"}).value_or(1);
  if (auto* d = find_attribute(a, {"decompression_supported"})) metadata.decompression_supported = d->as_bool();
  if (auto* c = find_attribute(a, {"compression_supported"})) metadata.compression_supported = c->as_bool();
  if (auto* c = find_attribute(a, {"concordant_compressed_tile_traversal"})) c->as_bool();
}

// Mesh shape as Timeloop derives it: meshX * meshY = instances, all on X by default.
void resolve_mesh(const NodeReader& where, const Attributes& a, std::int64_t instances, std::int64_t& mesh_x,
                  std::int64_t& mesh_y) {
  auto x = int_attribute(a, {"meshX"});
  auto y = int_attribute(a, {"meshY"});
  if (x && y) {
    mesh_x = *x;
    mesh_y = *y;
  } else if (x) {
    mesh_x = *x;
    mesh_y = instances / *x;
  } else if (y) {
    mesh_y = *y;
    mesh_x = instances / *y;
  } else {
    mesh_x = instances;
    mesh_y = 1;
  }
  if (mesh_x * mesh_y != instances) {
    where.fail(
        fmt::format("meshX ({}) x meshY ({}) must equal the number of instances ({})", mesh_x, mesh_y, instances));
  }
}

std::string attribute_string(const Attributes& a, const char* name) {
  auto* node = find_attribute(a, {name});
  return node ? node->as_string() : std::string();
}

StorageLevelSpec make_storage(const NodeReader& component, const std::string& name, const std::string& path,
                              const std::string& declared_class, const std::string& cls, std::int64_t instances,
                              const Attributes& a) {
  StorageLevelSpec level;
  level.name = name;
  level.component_path = path;
  level.component_class = cls;
  level.instances = instances;
  level.technology = attribute_string(a, "technology");
  level.origin = {component.file(), component.path(), component.line()};
  // As Timeloop decides it: by the declared class or a "DRAM" technology, not the subclass.
  level.is_dram = declared_class.find("DRAM") != std::string::npos || level.technology == "DRAM";
  if (level.is_dram) level.dram_kind = attribute_string(a, "type");
  level.word_bits = static_cast<int>(int_attribute(a, {"word_bits", "word_width", "datawidth"}).value_or(16));
  auto block = int_attribute(a, {"block_size", "n_words"});
  auto cluster = int_attribute(a, {"cluster_size"});
  level.block_size = block.value_or(1);
  level.cluster_size = cluster.value_or(1);
  if (auto width = int_attribute(a, {"width", "memory_width", "data_storage_width"})) {
    if (*width % (level.word_bits * level.block_size) != 0) {
      component.fail(fmt::format("width {} is not a multiple of word-bits {} x block-size {}", *width, level.word_bits,
                                 level.block_size));
    }
    if (cluster && !block) {
      level.block_size = *width / *cluster / level.word_bits;
      if (level.block_size == 0 || level.block_size * *cluster * level.word_bits != *width) {
        component.fail(fmt::format("width {} is not cluster-size {} x word-bits {} x a whole block-size", *width,
                                   *cluster, level.word_bits));
      }
    }
    if (!cluster && block) level.cluster_size = *width / (level.word_bits * level.block_size);
    if (!cluster && !block) level.block_size = *width / level.word_bits;
  }
  if (auto entries = size_attribute(a, {"entries"})) {
    level.size_words = *entries;
  } else if (auto depth = size_attribute(a, {"depth", "memory_depth", "data_storage_depth"})) {
    level.size_words = *depth * level.block_size;
  } else if (auto kb = size_attribute(a, {"sizeKB"})) {
    level.size_words = *kb * 1024 * 8 / level.word_bits;
  }
  if (!level.size_words && !level.is_dram) {
    component.fail(fmt::format("storage '{}' needs a size: attribute 'depth' (or 'entries' / 'sizeKB')", name));
  }
  level.read_bandwidth = double_attribute(a, {"read_bandwidth"});
  level.write_bandwidth = double_attribute(a, {"write_bandwidth"});
  level.shared_bandwidth = double_attribute(a, {"shared_bandwidth"});
  if (auto bandwidth = double_attribute(a, {"bandwidth"})) {  // deprecated: split evenly
    level.read_bandwidth = *bandwidth / 2;
    level.write_bandwidth = *bandwidth / 2;
  }
  level.multiple_buffering = double_attribute(a, {"multiple_buffering"}).value_or(1.0);
  if (auto* min_util = find_attribute(a, {"min_utilization"})) level.min_utilization = min_util->as_double();
  if (auto* reduction = find_attribute(a, {"reduction_supported"})) level.reduction_supported = reduction->as_bool();
  read_metadata_storage(a, level.metadata);
  resolve_mesh(component, a, instances, level.mesh_x, level.mesh_y);
  return level;
}

EnergyScaling parse_energy_scaling(const Attributes& a) {
  auto* node = find_attribute(a, {"energy_scaling"});
  if (!node) return EnergyScaling::kNone;
  auto value = node->as_string();
  if (value == "none") return EnergyScaling::kNone;
  if (value == "bitwidth") return EnergyScaling::kBitwidth;
  node->fail(fmt::format("energy_scaling is 'none' or 'bitwidth', got '{}'", value));
}

BitSerial parse_bit_serial(const Attributes& a) {
  auto* node = find_attribute(a, {"bit_serial"});
  if (!node) return BitSerial::kNone;
  auto value = node->as_string();
  if (value == "none") return BitSerial::kNone;
  if (value == "weights") return BitSerial::kWeights;
  if (value == "inputs") return BitSerial::kInputs;
  if (value == "both") return BitSerial::kBoth;
  node->fail(fmt::format("bit_serial is 'weights', 'inputs', 'both' or 'none', got '{}'", value));
}

struct TreeWalker {
  std::vector<StorageLevelSpec> storage_outer_first;
  std::optional<ArithmeticSpec> arithmetic;
  std::vector<std::string>* notes = nullptr;

  void add_local(const NodeReader& component, const std::string& prefix, std::int64_t multiplier,
                 const Attributes& inherited) {
    component.allow_only(schema("architecture.component"));
    auto parsed = parse_instance_range(component.at("name"));
    auto instances = instances_of(component.at("name"), multiplier, parsed.count);
    auto attributes = merge_attributes(inherited, component, notes);
    if (auto explicit_instances = int_attribute(attributes, {"instances"})) {
      if (*explicit_instances > kMaxInstances) {
        component.fail(fmt::format("{} instances; at most {} are supported", *explicit_instances, kMaxInstances));
      }
      instances = *explicit_instances;
    }
    auto cls = component.at("class").as_string();
    auto subclass = component.string_or("subclass", "");
    auto effective_class = (cls == "storage" || cls == "compute") && !subclass.empty() ? subclass : cls;
    auto path = prefix + component.at("name").as_string();
    bool is_storage = class_contains(cls, kStorageClassMarks);
    bool is_compute = !is_storage && class_contains(cls, kComputeClassMarks);
    if (!is_storage && !is_compute) {
      if (notes) {
        notes->push_back(fmt::format("{}:{}: component '{}' of class '{}' is neither storage nor compute; skipped",
                                     component.file(), component.line(), path, cls));
      }
      return;
    }
    if (is_compute) {
      if (arithmetic) component.fail("only one compute component is supported; found a second one");
      ArithmeticSpec spec;
      spec.name = parsed.base;
      spec.component_path = path;
      spec.component_class = effective_class;
      spec.instances = instances;
      spec.word_bits = static_cast<int>(int_attribute(attributes, {"word_bits", "datawidth"}).value_or(16));
      resolve_mesh(component, attributes, instances, spec.mesh_x, spec.mesh_y);
      spec.energy_scaling = parse_energy_scaling(attributes);
      spec.bit_serial = parse_bit_serial(attributes);
      spec.technology = attribute_string(attributes, "technology");
      spec.floating_point = effective_class.find("fp") != std::string::npos ||
                            attribute_string(attributes, "datatype").find("float") != std::string::npos;
      spec.origin = {component.file(), component.path(), component.line()};
      arithmetic = spec;
    } else {
      if (arithmetic) component.fail("storage levels must enclose the compute units, not follow them");
      storage_outer_first.push_back(
          make_storage(component, parsed.base, path, cls, effective_class, instances, attributes));
    }
  }

  void walk(const NodeReader& node, const std::string& prefix, std::int64_t multiplier, const Attributes& inherited) {
    node.allow_only(schema("architecture.node"));
    auto name_node = node.find("name");
    auto parsed = name_node ? parse_instance_range(*name_node) : ParsedName{"", 1};
    auto attributes = merge_attributes(inherited, node, notes);
    auto here = prefix + (name_node ? name_node->as_string() + "." : std::string());
    auto count = name_node ? instances_of(*name_node, multiplier, parsed.count) : multiplier;
    if (auto local = node.find("local")) {
      for (const auto& component : local->items()) add_local(component, here, count, attributes);
    }
    if (auto subtree = node.find("subtree")) {
      auto children = subtree->items();
      // The storage hierarchy is a chain: each level has one subtree below it.
      if (children.size() > 1) subtree->fail("only one subtree per level is supported (the hierarchy is a chain)");
      for (const auto& child : children) walk(child, here, count, attributes);
    }
  }
};

}  // namespace

Architecture parse_architecture(const NodeReader& architecture, std::vector<std::string>* notes) {
  architecture.expect_map();
  if (auto version = architecture.find("version")) {
    auto v = version->as_string();
    if (v != "0.2" && v != "0.3" && v != "0.4") {
      version->fail(fmt::format("version '{}': qloop reads architecture versions 0.2 and 0.3 (the subtree form)", v));
    }
  }
  if (architecture.has("nodes")) {
    architecture.at("nodes").fail(
        "the v0.4 'nodes' form is not supported yet; use the v0.2/v0.3 tree form (subtree/local)");
  }
  if (!architecture.has("subtree") && !architecture.has("local")) {
    architecture.fail("expected 'subtree' or 'local' (Timeloop v0.2/v0.3 architecture tree)");
  }
  TreeWalker walker;
  walker.notes = notes;
  walker.walk(architecture, "", 1, {});
  if (!walker.arithmetic)
    architecture.fail("the architecture has no compute component (class intmac, fpmac, mac or compute)");
  if (walker.storage_outer_first.empty()) architecture.fail("the architecture has no storage level");

  Architecture arch;
  arch.arithmetic = *walker.arithmetic;
  arch.storage.assign(walker.storage_outer_first.rbegin(), walker.storage_outer_first.rend());
  std::set<std::string> names;
  for (int level = 0; level < arch.num_storage_levels(); ++level) {
    const auto& spec = arch.storage[level];
    if (!names.insert(spec.name).second) {
      architecture.fail(fmt::format("two storage levels are named '{}'", spec.name));
    }
    auto child_instances = level == 0 ? arch.arithmetic.instances : arch.storage[level - 1].instances;
    if (child_instances % spec.instances != 0) {
      architecture.fail(fmt::format("'{}' has {} instances, which do not divide the {} instances below it", spec.name,
                                    spec.instances, child_instances));
    }
  }
  return arch;
}

}  // namespace qloop::input
