#include "input/attribute_schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "input/problems.hpp"
#include "input/spelling.hpp"
#include "input/yaml_document.hpp"
#include "util/error.hpp"

namespace qloop::input {

const std::vector<AttributeSpec>& component_attributes() {
  static const std::vector<AttributeSpec> kAttributes = {
      {"word-bits",
       {"word_width", "datawidth"},
       "integer > 0",
       "both",
       "bits per memory word (storage) or per operand (compute); default 16"},
      {"block-size", {"n_words"}, "integer > 0", "storage", "words per access (vector width); default 1"},
      {"cluster-size", {}, "integer > 0", "storage", "instances that share one access; default 1"},
      {"width",
       {"memory_width", "data_storage_width"},
       "integer > 0",
       "storage",
       "bits per row; derives block-size (or cluster-size) with word-bits"},
      {"depth",
       {"memory_depth", "data_storage_depth"},
       "integer >= 0",
       "storage",
       "rows per instance: capacity = depth x block-size words"},
      {"entries", {}, "integer >= 0", "storage", "capacity in words (instead of depth)"},
      {"sizeKB", {}, "integer >= 0", "storage", "capacity in KiB (instead of depth)"},
      {"read_bandwidth", {}, "number > 0", "storage", "words per cycle per instance it can read; default unlimited"},
      {"write_bandwidth", {}, "number > 0", "storage", "words per cycle per instance it can fill or update"},
      {"shared_bandwidth", {}, "number > 0", "storage", "words per cycle per instance, reads and writes together"},
      {"bandwidth", {}, "number > 0", "storage", "deprecated: split evenly into read_bandwidth and write_bandwidth"},
      {"multiple_buffering", {}, "number > 0", "storage", "tile copies held (capacity divided by it); default 1"},
      {"min_utilization", {}, "number", "storage", "least fraction of the capacity a mapping must use; default 0"},
      {"reduction_supported",
       {},
       "true or false",
       "storage",
       "whether it can add partial sums in place; default: yes unless DRAM"},
      {"meshX", {}, "integer > 0", "both", "instances along X; default all of them"},
      {"meshY", {}, "integer > 0", "both", "instances along Y; default instances / meshX"},
      {"instances", {}, "integer > 0", "both", "instances (instead of the name's [lo..hi] range)"},
      {"technology", {}, "string", "both", "process node (e.g. 45nm) for the built-in estimator; DRAM marks DRAM"},
      {"type", {}, "string", "storage", "DRAM kind (LPDDR4, DDR4, HBM2, ...) for the built-in estimator"},
      {"energy_scaling", {}, "none or bitwidth", "compute", "MAC energy with operand bitwidths; default none"},
      {"bit_serial",
       {},
       "none, weights, inputs or both",
       "compute",
       "operands processed a bit per cycle; default none"},
      {"datatype", {}, "string", "compute", "'float' marks a floating-point unit for the estimator"},
      {"metadata_storage_width",
       {},
       "integer >= 0",
       "storage",
       "Sparseloop: bits per metadata access (compressed formats); default 0 = no metadata storage"},
      {"metadata_storage_depth", {}, "integer >= 0", "storage", "Sparseloop: rows of metadata storage"},
      {"metadata_datawidth",
       {"metadata_word_bits"},
       "integer >= 0",
       "storage",
       "Sparseloop: default bits per metadata word of a format's ranks"},
      {"metadata_block_size", {}, "integer > 0", "storage", "Sparseloop: metadata words per access (not modelled)"},
      {"decompression_supported",
       {},
       "true or false",
       "storage",
       "Sparseloop: it can hold uncompressed a tile its parent holds compressed"},
      {"compression_supported",
       {},
       "true or false",
       "storage",
       "Sparseloop: it can send compressed partial sums up to a compressed parent"},
      {"concordant_compressed_tile_traversal", {}, "true or false", "storage", "Sparseloop: read, not modelled"},
  };
  return kAttributes;
}

const std::vector<const char*>& other_tools_attributes() {
  static const std::vector<const char*> kOther = {"latency",
                                                  "n_banks",
                                                  "nbanks",
                                                  "n_rd_ports",
                                                  "n_wr_ports",
                                                  "n_rdwr_ports",
                                                  "nports",
                                                  "n_ports",
                                                  "global_cycle_seconds",
                                                  "voltage",
                                                  "num_pipeline_stages",
                                                  "area_share",
                                                  "read_energy",
                                                  "write_energy",
                                                  "leak_power",
                                                  "adder_width",
                                                  "multiplier_width",
                                                  "cycle_time",
                                                  "vdd",
                                                  "resolution",
                                                  "energy_per_op",
                                                  "area",
                                                  "subclass",
                                                  "action_latency_cycles",
                                                  "cycle_seconds",
                                                  "widthscale",
                                                  "depthscale",
                                                  "energyscale",
                                                  "areascale",
                                                  "wire_length",
                                                  "has_power_gating",
                                                  "allow_overbooking"};
  return kOther;
}

namespace {

std::vector<std::string> read_names() {
  std::vector<std::string> names;
  for (const auto& a : component_attributes()) {
    names.push_back(a.name);
    for (const char* alias : a.aliases) names.push_back(alias);
  }
  return names;
}

bool other_tools_read(const std::string& key) {
  auto k = normalize_key(key);
  for (const char* name : other_tools_attributes()) {
    if (normalize_key(name) == k) return true;
  }
  return false;
}

// The size a storage level gets from each way of giving it, in words, where it can be told
// without the word width: entries directly; depth with block-size.
std::optional<double> words_from(const std::string& key, const NodeReader& value, const NodeReader& attributes) {
  if (key == "entries") return static_cast<double>(value.as_int());
  if (key == "depth") {
    auto block = attributes.find("block_size");
    if (!block) block = attributes.find("n_words");
    return static_cast<double>(value.as_int()) * static_cast<double>(block ? block->as_int() : 1);
  }
  return std::nullopt;
}

}  // namespace

const AttributeSpec* attribute_named(const std::string& key) {
  auto k = normalize_key(key);
  for (const auto& a : component_attributes()) {
    if (normalize_key(a.name) == k) return &a;
    for (const char* alias : a.aliases) {
      if (normalize_key(alias) == k) return &a;
    }
  }
  return nullptr;
}

void check_attributes(const NodeReader& attributes, std::vector<std::string>* notes) {
  if (attributes.is_null()) return;
  attributes.expect_map();
  // Every problem of the map at once: into the reader's Problems when it gathers them, else
  // thrown together at the end.
  Problems local;
  auto problem = [&](const NodeReader& where, const std::string& message) {
    InputError e(where.file(), where.path(), where.line(), message);
    if (attributes.gathers_problems()) {
      attributes.report(std::move(e));
    } else {
      local.add(std::move(e));
    }
  };
  // Each attribute qloop reads: the spellings given for it.
  std::vector<std::pair<const AttributeSpec*, std::vector<std::string>>> given;
  auto names = read_names();
  for (const auto& key : attributes.keys()) {
    auto value = attributes.at(key);
    if (const auto* spec = attribute_named(key)) {
      auto it = std::find_if(given.begin(), given.end(), [&](const auto& g) { return g.first == spec; });
      if (it == given.end()) {
        given.push_back({spec, {key}});
      } else {
        it->second.push_back(key);
      }
      continue;
    }
    if (other_tools_read(key)) continue;
    auto near = closest_name(key, names);
    if (!near.empty()) {
      problem(value, fmt::format("unknown attribute '{}'; did you mean '{}'?", key, near));
    } else if (notes) {
      notes->push_back(fmt::format("{}:{}: attribute '{}' is not read by qloop's model (kept for Accelergy)",
                                   value.file(), value.line(), value.path()));
    }
  }
  for (const auto& [spec, keys] : given) {
    for (std::size_t i = 1; i < keys.size(); ++i) {
      auto a = attributes.at(keys[0]), b = attributes.at(keys[i]);
      if (a.is_scalar() && b.is_scalar() && a.node().Scalar() == b.node().Scalar()) continue;
      problem(b, fmt::format("'{}' and '{}' both give {} and disagree ({} vs {}); keep one", keys[i], keys[0],
                             spec->name, b.node().Scalar(), a.node().Scalar()));
    }
  }
  // One quantity given two ways.
  std::vector<std::pair<std::string, double>> sizes;
  for (const char* key : {"entries", "depth", "memory_depth", "data_storage_depth"}) {
    if (auto value = attributes.find(key)) {
      if (auto words = words_from(normalize_key(key) == "entries" ? "entries" : "depth", *value, attributes)) {
        sizes.emplace_back(key, *words);
      }
    }
  }
  for (std::size_t i = 1; i < sizes.size(); ++i) {
    if (sizes[i].second != sizes[0].second && attribute_named(sizes[i].first) != attribute_named(sizes[0].first)) {
      problem(attributes.at(sizes[i].first),
              fmt::format("'{}' and '{}' give different capacities ({} vs {} words); keep one", sizes[i].first,
                          sizes[0].first, sizes[i].second, sizes[0].second));
    }
  }
  auto bandwidth = attributes.find("bandwidth");
  for (const char* split : {"read_bandwidth", "write_bandwidth"}) {
    if (bandwidth && attributes.has(split)) {
      problem(*bandwidth, fmt::format("'bandwidth' (deprecated: split evenly into reads and writes) and '{}' both "
                                      "set a bandwidth; keep {}",
                                      split, split));
      break;
    }
  }
  local.raise_if_any();
}

}  // namespace qloop::input
