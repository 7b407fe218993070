#include "input/node_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>

#include "input/problems.hpp"
#include "input/schema.hpp"
#include "input/spelling.hpp"
#include "input/yaml_document.hpp"
#include "util/error.hpp"

namespace qloop::input {

NodeReader::NodeReader(YAML::Node node, std::string file, std::string path, Problems* problems)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)), problems_(problems) {}

int NodeReader::line() const {
  if (!node_) return 0;
  auto mark = node_.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

void NodeReader::fail(const std::string& message) const { throw InputError(file_, path_, line(), message); }

void NodeReader::report(InputError problem) const {
  if (!problems_) throw problem;
  problems_->add(std::move(problem));
}

void NodeReader::expect_map() const {
  if (!node_.IsMap()) fail("expected a mapping of keys");
}

void NodeReader::expect_sequence() const {
  if (!node_.IsSequence()) fail("expected a list");
}

bool NodeReader::has(const std::string& key) const { return find(key).has_value(); }

std::string NodeReader::key_name(const YAML::Node& key) const {
  if (!key.IsScalar()) {
    throw InputError(file_, path_, key.Mark().line + 1, "a key here must be a plain name, not a list or a mapping");
  }
  return key.Scalar();
}

std::optional<NodeReader> NodeReader::find(const std::string& key) const {
  if (!node_.IsMap()) return std::nullopt;
  auto wanted = normalize_key(key);
  for (const auto& kv : node_) {
    auto name = key_name(kv.first);
    if (normalize_key(name) == wanted) {
      return NodeReader(kv.second, file_, path_.empty() ? name : path_ + "." + name, problems_);
    }
  }
  return std::nullopt;
}

NodeReader NodeReader::at(const std::string& key) const {
  expect_map();
  auto child = find(key);
  if (!child) fail(fmt::format("missing required key '{}'", key));
  return *child;
}

std::vector<NodeReader> NodeReader::items() const {
  expect_sequence();
  std::vector<NodeReader> out;
  for (std::size_t i = 0; i < node_.size(); ++i) {
    out.emplace_back(node_[i], file_, fmt::format("{}[{}]", path_, i), problems_);
  }
  return out;
}

std::vector<std::string> NodeReader::keys() const {
  std::vector<std::string> out;
  if (!node_.IsMap()) return out;
  for (const auto& kv : node_) out.push_back(key_name(kv.first));
  return out;
}

void NodeReader::allow_only(const std::vector<std::string>& valid_keys) const {
  expect_map();
  for (const auto& kv : node_) {
    auto name = key_name(kv.first);
    bool known = false;
    for (const auto& valid : valid_keys) known = known || normalize_key(valid) == normalize_key(name);
    if (!known) {
      auto child_path = path_.empty() ? name : path_ + "." + name;
      int line = kv.first.Mark().line + 1;
      auto near = closest_name(name, valid_keys);
      report(InputError(file_, child_path, line,
                        near.empty()
                            ? fmt::format("unknown key '{}'; valid keys here: {}", name, fmt::join(valid_keys, ", "))
                            : fmt::format("unknown key '{}'; did you mean '{}'? (valid keys here: {})", name, near,
                                          fmt::join(valid_keys, ", "))));
    }
  }
}

void NodeReader::allow_only(const NodeSchema& schema) const { allow_only(key_names(schema)); }

std::string NodeReader::as_string() const {
  if (!node_.IsScalar()) fail("expected a single value (a string)");
  return node_.Scalar();
}

namespace {
bool parse_int(const std::string& text, std::int64_t& out) {
  auto* begin = text.data();
  auto* end = text.data() + text.size();
  auto result = std::from_chars(begin, end, out);
  return result.ec == std::errc() && result.ptr == end;
}
}  // namespace

std::int64_t NodeReader::as_int() const {
  if (!node_.IsScalar()) fail("expected an integer");
  std::int64_t value = 0;
  if (!parse_int(node_.Scalar(), value)) {
    // Accept integral floats such as "8.0" as written by some generators.
    try {
      double d = node_.as<double>();
      // Within 2^62 and whole: only then is the conversion defined and exact.
      if (std::abs(d) < 4.6e18 && d == std::trunc(d)) return static_cast<std::int64_t>(d);
    } catch (const YAML::Exception&) {
    }
    fail(fmt::format("expected an integer, got '{}'", node_.Scalar()));
  }
  return value;
}

std::int64_t NodeReader::as_positive_int() const {
  auto value = as_int();
  if (value <= 0) fail(fmt::format("expected a positive integer, got {}", value));
  return value;
}

double NodeReader::as_double() const {
  if (!node_.IsScalar()) fail("expected a number");
  double value = 0;
  try {
    value = node_.as<double>();
  } catch (const YAML::Exception&) {
    fail(fmt::format("expected a number, got '{}'", node_.Scalar()));
  }
  if (!std::isfinite(value)) fail(fmt::format("expected a finite number, got '{}'", node_.Scalar()));
  return value;
}

bool NodeReader::as_bool() const {
  if (!node_.IsScalar()) fail("expected true or false");
  try {
    return node_.as<bool>();
  } catch (const YAML::Exception&) {
    fail(fmt::format("expected true or false, got '{}'", node_.Scalar()));
  }
}

std::string NodeReader::string_or(const std::string& key, const std::string& fallback) const {
  auto child = find(key);
  return child ? child->as_string() : fallback;
}

std::optional<std::int64_t> NodeReader::optional_int(const std::string& key) const {
  auto child = find(key);
  if (!child || child->is_null()) return std::nullopt;
  return child->as_int();
}

std::optional<double> NodeReader::optional_double(const std::string& key) const {
  auto child = find(key);
  if (!child || child->is_null()) return std::nullopt;
  return child->as_double();
}

}  // namespace qloop::input
