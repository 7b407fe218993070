// The heat map of svg_chart.hpp: a grid of coloured cells with row and column labels, a
// legend of the distinct values, and each cell's value on hover.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "report/svg_chart.hpp"

namespace qloop::report {

namespace {

// A sequential palette, dark (few) to light (many): viridis at eight steps (van der Walt and
// Smith, 2015), readable with colour-blindness and in grey.
const char* kSequential[] = {"#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"};
constexpr int kSequentialSize = 8;

std::string value_text(double v) { return fmt::format("{:g}", v); }

}  // namespace

std::string svg(const HeatMap& chart) {
  std::set<double> distinct;
  for (const auto& row : chart.values) distinct.insert(row.begin(), row.end());
  std::vector<double> levels(distinct.begin(), distinct.end());
  auto colour = [&](double v) {
    auto i = static_cast<int>(std::lower_bound(levels.begin(), levels.end(), v) - levels.begin());
    int n = static_cast<int>(levels.size());
    return kSequential[n <= 1 ? kSequentialSize - 1 : (i * (kSequentialSize - 1) + (n - 1) / 2) / (n - 1)];
  };
  std::size_t longest = 0;
  for (const auto& r : chart.rows) longest = std::max(longest, r.size());
  double left = 16 + 7.0 * static_cast<double>(longest), top = 40, legend_w = 120;
  double cell_w =
      chart.columns.empty() ? 20 : std::clamp(640.0 / static_cast<double>(chart.columns.size()), 12.0, 40.0);
  double cell_h = 16;
  double plot_w = cell_w * static_cast<double>(chart.columns.size());
  double plot_h = cell_h * static_cast<double>(chart.rows.size());
  double width = left + plot_w + legend_w + 20, height = top + plot_h + 56;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heat-map\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<text x=\"{3}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
      width, height, escape_html(chart.title), left);
  for (std::size_t r = 0; r < chart.rows.size(); ++r) {
    double y = top + cell_h * static_cast<double>(r);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, y + cell_h - 4,
                       escape_html(chart.rows[r]));
    for (std::size_t c = 0; c < chart.columns.size() && c < chart.values[r].size(); ++c) {
      double v = chart.values[r][c];
      std::string note = c < chart.column_notes.size() ? "; " + chart.column_notes[c] : std::string();
      out += fmt::format(
          "<rect class=\"cell\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
          "stroke=\"#fff\" stroke-width=\"0.5\"><title>{}: {} {}{}</title></rect>\n",
          left + cell_w * static_cast<double>(c), y, cell_w, cell_h, colour(v), escape_html(chart.rows[r]),
          value_text(v), escape_html(chart.value_unit), escape_html(note));
    }
  }
  // Column labels: every one while they fit, else every k-th.
  std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(24.0 / cell_w)));
  for (std::size_t c = 0; c < chart.columns.size(); c += every) {
    out +=
        fmt::format("<text class=\"category\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                    left + cell_w * (static_cast<double>(c) + 0.5), top + plot_h + 16, escape_html(chart.columns[c]));
  }
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", left + plot_w / 2,
                     top + plot_h + 40, escape_html(chart.x_label));
  double lx = left + plot_w + 20;
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx, top + 10, escape_html(chart.value_unit));
  for (std::size_t i = 0; i < levels.size(); ++i) {
    double y = top + 18 + 18.0 * static_cast<double>(i);
    out += fmt::format("<rect class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                       lx, y, colour(levels[i]));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 18, y + 10, value_text(levels[i]));
  }
  return out + "</svg>\n";
}

}  // namespace qloop::report
