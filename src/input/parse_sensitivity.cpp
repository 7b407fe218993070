#include "input/parse_sensitivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "input/csv_table.hpp"
#include "util/error.hpp"

namespace qloop::input {

namespace {

double number_of(const std::string& text, const std::string& path, const std::string& column, int line) {
  try {
    std::size_t used = 0;
    double value = std::stod(text, &used);
    if (used == text.size() && value >= 0 && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw InputError(path, column, line, fmt::format("'{}' is not a non-negative number", text));
}

}  // namespace

std::map<std::string, LayerSensitivity> load_sensitivity_csv(const std::string& path, const Network& net) {
  auto table = read_csv_table(path, "layer", {"Weights", "Inputs"});
  std::map<std::string, LayerSensitivity> sensitivity;
  for (const auto& row : table.rows) {
    const auto& layer = row.cells[0];
    bool known = std::any_of(net.layers.begin(), net.layers.end(), [&](const auto& l) { return l.name == layer; });
    if (!known) throw InputError(path, "layer", row.line, fmt::format("no layer named '{}' in {}", layer, net.name));
    LayerSensitivity s;
    for (std::size_t i = 1; i < row.cells.size(); ++i) {
      if (row.cells[i].empty()) continue;
      (table.header[i] == "Weights" ? s.weights : s.inputs) = number_of(row.cells[i], path, table.header[i], row.line);
    }
    sensitivity[layer] = s;
  }
  return sensitivity;
}

}  // namespace qloop::input
