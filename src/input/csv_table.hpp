#pragma once
// Small CSV tables keyed by a first column (`layer,...`), as the bitwidth-plan and sensitivity
// files use them: comma-separated cells, surrounding blanks trimmed, blank lines and lines
// starting with '#' skipped. Errors name the file, the column and the line.

#include <string>
#include <vector>

namespace qloop::input {

struct CsvRow {
  int line = 0;                    // 1-based line in the file
  std::vector<std::string> cells;  // cells[0] is the key column
};

struct CsvTable {
  std::vector<std::string> header;  // header[0] == first_column
  std::vector<CsvRow> rows;
};

// Reads `path`, requiring the header to start with `first_column` and every other column to be
// one of `columns`. Rows may not be longer than the header.
CsvTable read_csv_table(const std::string& path, const std::string& first_column,
                        const std::vector<std::string>& columns);

}  // namespace qloop::input
