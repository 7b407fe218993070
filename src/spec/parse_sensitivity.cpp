#include "spec/parse_sensitivity.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace qloop::spec {

namespace {

std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  while (std::getline(stream, cell, ',')) {
    auto begin = cell.find_first_not_of(" \t\r");
    auto end = cell.find_last_not_of(" \t\r");
    cells.push_back(begin == std::string::npos ? "" : cell.substr(begin, end - begin + 1));
  }
  return cells;
}

double number_of(const std::string& text, const std::string& path, const std::string& column, int line) {
  try {
    std::size_t used = 0;
    double value = std::stod(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  throw InputError(path, column, line, fmt::format("'{}' is not a non-negative number", text));
}

}  // namespace

std::map<std::string, LayerSensitivity> load_sensitivity_csv(const std::string& path, const Network& net) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "", 0, "cannot read the file");
  std::map<std::string, LayerSensitivity> table;
  std::vector<std::string> header;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    auto cells = cells_of(line);
    if (header.empty()) {
      header = cells;
      if (header.empty() || header[0] != "layer") {
        throw InputError(path, "", number, "the header must be layer,Weights,Inputs (either or both columns)");
      }
      for (std::size_t i = 1; i < header.size(); ++i) {
        if (header[i] != "Weights" && header[i] != "Inputs") {
          throw InputError(path, header[i], number, fmt::format("unknown column '{}'; expected Weights or Inputs", header[i]));
        }
      }
      continue;
    }
    bool known = false;
    for (const auto& layer : net.layers) known = known || layer.name == cells[0];
    if (!known) throw InputError(path, "layer", number, fmt::format("no layer named '{}' in {}", cells[0], net.name));
    if (cells.size() > header.size()) throw InputError(path, "", number, "more cells than header columns");
    LayerSensitivity s;
    for (std::size_t i = 1; i < cells.size(); ++i) {
      if (cells[i].empty()) continue;
      (header[i] == "Weights" ? s.weights : s.inputs) = number_of(cells[i], path, header[i], number);
    }
    table[cells[0]] = s;
  }
  if (header.empty()) throw InputError(path, "", 0, "the file is empty; expected a header layer,Weights,Inputs");
  return table;
}

}  // namespace qloop::spec
