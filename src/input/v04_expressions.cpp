#include "input/v04_expressions.hpp"

#include <muParser.h>

#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>

namespace qloop::input {

namespace {

double ceil_of(double x) { return std::ceil(x); }
double floor_of(double x) { return std::floor(x); }
double round_of(double x) { return std::round(x); }

std::string trimmed(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::optional<double> plain_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

void V04Scope::set_number(const std::string& name, double value) {
  numbers_[name] = value;
  strings_.erase(name);
}

void V04Scope::set_string(const std::string& name, const std::string& value) {
  strings_[name] = value;
  numbers_.erase(name);
}

V04Scope::Value V04Scope::evaluate(const std::string& raw) const {
  auto text = trimmed(raw);
  if (auto number = plain_number(text)) return {number, raw};
  if (auto it = strings_.find(text); it != strings_.end()) return {std::nullopt, it->second};
  if (auto it = numbers_.find(text); it != numbers_.end()) return {it->second, raw};
  // len(a.b): the names directly under a.b.
  static const std::regex kLen(R"(len\(\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\))");
  std::string expression;
  std::sregex_iterator it(text.begin(), text.end(), kLen), end;
  std::size_t last = 0;
  for (; it != end; ++it) {
    auto prefix = (*it)[1].str() + ".";
    std::set<std::string> children;
    auto collect = [&](const std::string& name) {
      if (name.rfind(prefix, 0) == 0 && name.find('.', prefix.size()) == std::string::npos) children.insert(name);
    };
    for (const auto& [name, v] : numbers_) collect(name);
    for (const auto& [name, v] : strings_) collect(name);
    expression += text.substr(last, it->position() - last) + std::to_string(children.size());
    last = it->position() + it->length();
  }
  expression += text.substr(last);
  // Python's power operator.
  for (auto pos = expression.find("**"); pos != std::string::npos; pos = expression.find("**", pos)) {
    expression.replace(pos, 2, "^");
  }
  try {
    mu::Parser parser;
    parser.DefineNameChars("0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.");
    parser.DefineFun("ceil", ceil_of);
    parser.DefineFun("floor", floor_of);
    parser.DefineFun("round", round_of);
    auto values = numbers_;  // muparser binds variables by address
    for (auto& [name, value] : values) parser.DefineVar(name, &value);
    parser.SetExpr(expression);
    double result = parser.Eval();
    if (std::isfinite(result)) return {result, raw};
  } catch (const mu::Parser::exception_type&) {
  }
  return {std::nullopt, raw};
}

}  // namespace qloop::input
