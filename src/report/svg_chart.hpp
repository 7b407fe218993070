#pragma once
// Charts as inline SVG for the HTML reports: stacked bars and scatter plots, each with axes,
// tick labels, units and a legend. No scripts, no external resources.

#include <optional>
#include <string>
#include <vector>

namespace qloop::report {

struct Series {
  std::string name;
  std::vector<double> values;  // one per category (bars) or per point (scatter)
};

struct StackedBars {
  std::string title;
  std::string y_label;                  // with its unit, e.g. "energy (µJ)"
  std::vector<std::string> categories;  // x-axis labels
  std::vector<Series> stacks;           // bottom to top
};

struct Scatter {
  std::string title;
  std::string x_label, y_label;  // with units
  std::vector<double> x, y;
  std::vector<std::string> labels;    // tooltip per point
  std::vector<bool> highlighted;      // e.g. Pareto-front points (may be empty)
  std::optional<double> reference_y;  // a dashed horizontal line, e.g. the float model's accuracy
  std::string reference_label;
};

// A grid of values as colours: one row per label, one column per label, a discrete colour per
// distinct value, each cell with its value on hover and a legend of the values.
struct HeatMap {
  std::string title;
  std::string x_label;
  std::vector<std::string> rows, columns;
  std::vector<std::string> column_notes;    // hover text per column (may be empty)
  std::vector<std::vector<double>> values;  // [row][column]
  std::string value_unit;                   // e.g. "bits"
};

std::string svg(const StackedBars& chart);
std::string svg(const Scatter& chart);
std::string svg(const HeatMap& chart);  // svg_heat_map.cpp

// Text safe inside HTML/SVG.
std::string escape_html(const std::string& text);

}  // namespace qloop::report
