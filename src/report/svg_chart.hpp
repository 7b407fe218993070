#pragma once
// Charts as inline SVG for the HTML reports: stacked bars and scatter plots, each with axes,
// tick labels, units and a legend. No scripts, no external resources.

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
  std::vector<std::string> labels;  // tooltip per point
  std::vector<bool> highlighted;    // e.g. Pareto-front points (may be empty)
};

std::string svg(const StackedBars& chart);
std::string svg(const Scatter& chart);

// Text safe inside HTML/SVG.
std::string escape_html(const std::string& text);

}  // namespace qloop::report
