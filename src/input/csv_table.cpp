#include "input/csv_table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace qloop::input {

namespace {

std::vector<std::string> split_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  while (std::getline(stream, cell, ',')) {
    auto begin = cell.find_first_not_of(" \t\r");
    auto end = cell.find_last_not_of(" \t\r");
    cells.push_back(begin == std::string::npos ? "" : cell.substr(begin, end - begin + 1));
  }
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

}  // namespace

CsvTable read_csv_table(const std::string& path, const std::string& first_column,
                        const std::vector<std::string>& columns) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "", 0, "cannot read the file");
  auto expected = fmt::format("{},{}", first_column, fmt::join(columns, ","));
  CsvTable table;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    auto cells = split_line(line);
    if (table.header.empty()) {
      if (cells.empty() || cells[0] != first_column) {
        throw InputError(path, "", number,
                         fmt::format("the header must start with '{}' (columns: {})", first_column, expected));
      }
      for (std::size_t i = 1; i < cells.size(); ++i) {
        if (std::find(columns.begin(), columns.end(), cells[i]) == columns.end()) {
          throw InputError(path, cells[i], number,
                           fmt::format("unknown column '{}'; expected {}", cells[i], fmt::join(columns, ", ")));
        }
      }
      table.header = cells;
      continue;
    }
    if (cells.size() > table.header.size()) throw InputError(path, "", number, "more cells than header columns");
    table.rows.push_back({number, cells});
  }
  if (table.header.empty())
    throw InputError(path, "", 0, fmt::format("the file is empty; expected a header {}", expected));
  return table;
}

}  // namespace qloop::input
