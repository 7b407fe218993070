#include "input/expression.hpp"

#include <fmt/format.h>
#include <muParser.h>

#include <charconv>
#include <cmath>

#include "util/error.hpp"

namespace qloop::input {

namespace {

bool whole_number(const std::string& text, std::int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::int64_t integer_value(const NodeReader& node, const Variables& variables) {
  if (!node.is_scalar()) node.fail("expected a whole number or an expression over the network's variables");
  const auto& text = node.node().Scalar();
  std::int64_t value = 0;
  if (whole_number(text, value)) return value;
  mu::Parser parser;
  std::map<std::string, double> values;
  for (const auto& [name, v] : variables) values[name] = static_cast<double>(v);
  try {
    for (auto& [name, v] : values) parser.DefineVar(name, &v);
    parser.SetExpr(text);
    double result = parser.Eval();
    if (!std::isfinite(result) || result != std::trunc(result) || std::abs(result) > 9.0e15) {
      node.fail(fmt::format("'{}' is {}, not a whole number", text, result));
    }
    return static_cast<std::int64_t>(result);
  } catch (const mu::Parser::exception_type& e) {
    std::string known;
    for (const auto& [name, v] : variables) known += (known.empty() ? "" : ", ") + name;
    node.fail(fmt::format("cannot read '{}': {} (variables: {})", text, e.GetMsg(),
                          known.empty() ? "none; give them under the network's `variables`" : known));
  }
}

Variables parse_assignments(const std::string& text, const std::string& where) {
  Variables out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto eq = item.find('=');
    std::int64_t value = 0;
    if (eq == std::string::npos || eq == 0 || !whole_number(item.substr(eq + 1), value)) {
      throw InputError("", where, 0,
                       fmt::format("'{}' is no assignment; write name=value,... e.g. seq=1,context=2048", item));
    }
    out[item.substr(0, eq)] = value;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace qloop::input
