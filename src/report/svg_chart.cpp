#include "report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace qloop::report {

namespace {

// A colour-blind-safe palette (Okabe and Ito, 2008).
const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};
constexpr int kPaletteSize = 8;

// Where a chart draws: its size and the plot's margins (axis labels left, legend right,
// category labels below).
struct Frame {
  double width = 760, height = 380;
  double left = 80, right = 170, top = 40, bottom = 80;
  double plot_w() const { return width - left - right; }
  double plot_h() const { return height - top - bottom; }
};

// Category labels: slanted while few; upright and at least kUprightSlot apart once there are
// more than kSlantedMax, the chart growing wider so that none overlaps its neighbour.
constexpr std::size_t kSlantedMax = 20;
constexpr double kSlantedSlot = 24, kUprightSlot = 16;
constexpr double kLabelCharWidth = 7;  // at font-size 12, generously

Frame bars_frame(const std::vector<std::string>& categories) {
  Frame f;
  std::size_t n = categories.size();
  bool upright = n > kSlantedMax;
  double slot = upright ? kUprightSlot : kSlantedSlot;
  f.width = std::max(f.width, f.left + f.right + slot * static_cast<double>(n));
  std::size_t longest = 0;
  for (const auto& c : categories) longest = std::max(longest, c.size());
  double reach =
      kLabelCharWidth * static_cast<double>(longest) * (upright ? 1.0 : std::sin(35 * std::numbers::pi / 180));
  f.bottom = std::max(f.bottom, reach + 24);
  f.height = f.top + 260 + f.bottom;
  return f;
}

// A "nice" upper bound and step for an axis from 0 (or lo) to hi: 1, 2 or 5 times a power of ten.
struct Axis {
  double lo, hi, step;
};
Axis nice_axis(double lo, double hi) {
  if (hi <= lo) hi = lo + 1;
  double raw = (hi - lo) / 5;
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  double first = std::floor(lo / step) * step;
  if (lo >= 0 && first < 0) first = 0;
  return {first, std::ceil(hi / step) * step, step};
}

std::string number(double v) {
  double a = std::abs(v);
  if (a != 0 && (a >= 1e6 || a < 1e-2)) return fmt::format("{:.3g}", v);
  return fmt::format("{:g}", std::round(v * 1000) / 1000);
}

std::string header(const Frame& f, const std::string& title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
      "role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<text x=\"{3}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n",
      f.width, f.height, escape_html(title), f.left);
}

std::string y_axis(const Frame& f, const Axis& axis, const std::string& label) {
  std::string out;
  double plot_h = f.plot_h();
  for (double v = axis.lo; v <= axis.hi + axis.step / 2; v += axis.step) {
    double y = f.top + plot_h - (v - axis.lo) / (axis.hi - axis.lo) * plot_h;
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", f.left,
                       f.width - f.right, y, y);
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", f.left - 6, y + 4, number(v));
  }
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#333\"/>\n", f.left,
                     f.top, f.top + plot_h);
  out += fmt::format("<text transform=\"translate(18,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                     f.top + plot_h / 2, escape_html(label));
  return out;
}

struct LegendEntry {
  std::string name;
  const char* colour;
};

// Listed bottom-up, drawn top-down, so the top entry matches the top of a stack.
std::string legend(const Frame& f, const std::vector<LegendEntry>& entries) {
  std::string out;
  double x = f.width - f.right + 16;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    double y = f.top + 8 + 20.0 * static_cast<double>(entries.size() - 1 - i);
    out += fmt::format("<rect class=\"legend\" x=\"{}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", x, y,
                       entries[i].colour);
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\">{}</text>\n", x + 18, y + 10, escape_html(entries[i].name));
  }
  return out;
}

}  // namespace

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg(const StackedBars& chart) {
  auto f = bars_frame(chart.categories);
  double plot_w = f.plot_w(), plot_h = f.plot_h();
  std::size_t n = chart.categories.size();
  std::vector<double> totals(n, 0);
  for (const auto& s : chart.stacks) {
    for (std::size_t i = 0; i < n && i < s.values.size(); ++i) totals[i] += s.values[i];
  }
  double top = totals.empty() ? 1 : *std::max_element(totals.begin(), totals.end());
  auto axis = nice_axis(0, top);
  std::string out = header(f, chart.title) + y_axis(f, axis, chart.y_label);
  double slot = n == 0 ? plot_w : plot_w / static_cast<double>(n);
  double bar = std::min(60.0, slot * 0.7);
  int angle = n > kSlantedMax ? -90 : -35;
  for (std::size_t i = 0; i < n; ++i) {
    double x = f.left + slot * static_cast<double>(i) + (slot - bar) / 2;
    double base = 0;
    for (std::size_t k = 0; k < chart.stacks.size(); ++k) {
      double v = i < chart.stacks[k].values.size() ? chart.stacks[k].values[i] : 0;
      double y0 = f.top + plot_h - base / axis.hi * plot_h;
      double h = v / axis.hi * plot_h;
      out += fmt::format(
          "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
          "<title>{}: {} {}</title></rect>\n",
          x, y0 - h, bar, h, kPalette[k % kPaletteSize], escape_html(chart.categories[i]),
          escape_html(chart.stacks[k].name), number(v));
      base += v;
    }
    double label_x = x + bar / 2 + (angle == -90 ? 4 : 0), label_y = f.top + plot_h + 14;
    out += fmt::format(
        "<text class=\"category\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" transform=\"rotate({} {:.1f} "
        "{:.1f})\">{}</text>\n",
        label_x, label_y, angle, label_x, label_y, escape_html(chart.categories[i]));
  }
  out += fmt::format("<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n", f.left,
                     f.width - f.right, f.top + plot_h, f.top + plot_h);
  std::vector<LegendEntry> entries;
  for (std::size_t k = 0; k < chart.stacks.size(); ++k) {
    entries.push_back({chart.stacks[k].name, kPalette[k % kPaletteSize]});
  }
  out += legend(f, entries);
  return out + "</svg>\n";
}

std::string svg(const Scatter& chart) {
  Frame f;
  double plot_w = f.plot_w(), plot_h = f.plot_h();
  auto range = [](const std::vector<double>& v) {
    if (v.empty()) return std::pair<double, double>{0, 1};
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    double pad = (*hi - *lo) * 0.05 + (*hi == *lo ? std::abs(*hi) * 0.05 + 1e-9 : 0);
    // Quantities that cannot be negative keep their axis at or above zero.
    double low = *lo >= 0 ? std::max(0.0, *lo - pad) : *lo - pad;
    return std::pair<double, double>{low, *hi + pad};
  };
  auto [xlo, xhi] = range(chart.x);
  auto ys = chart.y;
  if (chart.reference_y) ys.push_back(*chart.reference_y);
  auto [ylo, yhi] = range(ys);
  auto xa = nice_axis(xlo, xhi), ya = nice_axis(ylo, yhi);
  std::string out = header(f, chart.title) + y_axis(f, ya, chart.y_label);
  auto px = [&](double x) { return f.left + (x - xa.lo) / (xa.hi - xa.lo) * plot_w; };
  auto py = [&](double y) { return f.top + plot_h - (y - ya.lo) / (ya.hi - ya.lo) * plot_h; };
  for (double v = xa.lo; v <= xa.hi + xa.step / 2; v += xa.step) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px(v), f.top + plot_h + 16,
                       number(v));
  }
  out += fmt::format("<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n", f.left,
                     f.width - f.right, f.top + plot_h, f.top + plot_h);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", f.left + plot_w / 2,
                     f.height - 30, escape_html(chart.x_label));
  for (std::size_t i = 0; i < chart.x.size(); ++i) {
    bool front = i < chart.highlighted.size() && chart.highlighted[i];
    out += fmt::format(
        "<circle class=\"point\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" fill-opacity=\"0.8\">"
        "<title>{}</title></circle>\n",
        px(chart.x[i]), py(chart.y[i]), front ? 5 : 3.5, front ? kPalette[5] : kPalette[4],
        escape_html(i < chart.labels.size() ? chart.labels[i] : ""));
  }
  std::vector<LegendEntry> entries;
  if (!chart.highlighted.empty()) entries = {{"evaluated", kPalette[4]}, {"Pareto front", kPalette[5]}};
  if (chart.reference_y) {
    double y = py(*chart.reference_y);
    out += fmt::format(
        "<line class=\"reference\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-dasharray=\"6 4\" stroke-width=\"1.5\"><title>{} {}</title></line>\n",
        f.left, f.width - f.right, y, y, kPalette[7], escape_html(chart.reference_label), number(*chart.reference_y));
    entries.insert(entries.begin(), {chart.reference_label + " (dashed)", kPalette[7]});
  }
  if (!entries.empty()) out += legend(f, entries);
  return out + "</svg>\n";
}

}  // namespace qloop::report
