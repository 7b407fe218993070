#include "report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "report/bits_text.hpp"
#include "report/network_report.hpp"
#include "report/svg_chart.hpp"

namespace qloop::report {

namespace {

// A chart in a frame that scrolls sideways when the chart is wider than the page (one bar per
// layer of a long network).
std::string figure(const std::string& svg_text) { return "<div class=\"chart-frame\">" + svg_text + "</div>\n"; }

std::string page(const std::string& title, const std::string& body) {
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{0}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; max-width: 1100px; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 13px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
th {{ background: #f2f2f2; }}
.note {{ color: #666; font-size: 13px; }}
.bad {{ color: #b00; }}
.chart-frame {{ overflow-x: auto; }}
</style></head>
<body>
<h1>{0}</h1>
{1}
<p class="note">Written by qloop. Energies in µJ (1 µJ = 10<sup>6</sup> pJ); cycles of the layers run one after another.</p>
</body></html>
)",
                     escape_html(title), body);
}

std::string percent(double part, double whole) { return whole > 0 ? fmt::format("{:.1f} %", 100 * part / whole) : "–"; }

std::string summary_table(const NetworkResult& r) {
  std::string out = "<table><tr><th>total</th><th>value</th></tr>";
  out += fmt::format("<tr><td>energy</td><td>{:.3f} µJ</td></tr>", r.energy_pJ / 1e6);
  out += fmt::format("<tr><td>cycles</td><td>{}</td></tr>", r.cycles);
  out += fmt::format("<tr><td>MACs</td><td>{}</td></tr>", r.computes);
  out += fmt::format("<tr><td>energy per MAC</td><td>{:.4f} pJ</td></tr>", r.computes ? r.energy_pJ / r.computes : 0);
  out += fmt::format("<tr><td>EDP</td><td>{:.4g} J·cycle</td></tr>", r.edp * 1e-12);
  out += fmt::format("<tr><td>weights (packed)</td><td>{:.1f} KiB</td></tr>", r.weight_bytes / 1024);
  out += fmt::format("<tr><td>largest layer activations (packed)</td><td>{:.1f} KiB</td></tr>",
                     r.peak_activation_bytes / 1024);
  out += fmt::format("<tr><td>layer jobs (distinct / mapped now)</td><td>{} / {} in {:.1f} s</td></tr>",
                     r.distinct_jobs, r.mapped_jobs, r.seconds);
  for (const auto& share : r.energy_by_component) {
    out += fmt::format("<tr><td>energy in {}</td><td>{:.3f} µJ ({})</td></tr>", escape_html(share.name),
                       share.energy_pJ / 1e6, percent(share.energy_pJ, r.energy_pJ));
  }
  for (const auto& share : r.energy_by_tensor) {
    out += fmt::format("<tr><td>storage energy of {}</td><td>{:.3f} µJ</td></tr>", escape_html(share.name),
                       share.energy_pJ / 1e6);
  }
  return out + "</table>\n";
}

std::string layer_table(const NetworkResult& r, const Architecture& arch) {
  std::string out =
      "<table><tr><th>layer</th><th>type</th><th>W</th><th>I</th><th>O</th><th>MACs</th>"
      "<th>energy (µJ)</th><th>cycles</th><th>utilization</th>";
  for (const auto& share : r.energy_by_component) out += "<th>" + escape_html(share.name) + " (µJ)</th>";
  out += "<th>mapping</th></tr>\n";
  for (const auto& layer : r.layers) {
    const auto& l = layer.layer;
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", escape_html(l.name),
                       to_string(l.kind), weight_bits_text(layer.bits), bits_text(layer.bits.inputs),
                       bits_text(layer.bits.outputs), l.macs());
    if (!layer.mapping->found) {
      out += fmt::format("<td class=\"bad\" colspan=\"{}\">{}</td></tr>\n", 4 + r.energy_by_component.size(),
                         escape_html(missing_mapping_reason(layer, arch)));
      continue;
    }
    const auto& s = layer.mapping->stats;
    out += fmt::format("<td>{:.3f}</td><td>{}</td><td>{:.0f} %</td><td>{:.3f}</td>", s.summary.energy_pJ / 1e6,
                       s.summary.cycles, 100 * s.summary.utilization, s.arithmetic.energy_pJ / 1e6);
    for (const auto& level : s.storage) out += fmt::format("<td>{:.3f}</td>", level.energy_pJ / 1e6);
    out += "<td>" + mapping_result_text(*layer.mapping) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

// With sparse tensors: per layer the densities, the computes before and after gating and
// skipping, and the storage energy split into data, metadata and gated/skipped accesses.
std::string sparse_table(const NetworkResult& r) {
  bool any = false;
  for (const auto& layer : r.layers) any = any || (layer.mapping->found && layer.mapping->stats.arithmetic.sparse);
  if (!any) return "";
  std::string out =
      "<h2>Sparsity</h2>\n<table><tr><th>layer</th><th>density W/I/O</th><th>MACs (algorithmic)</th>"
      "<th>actual</th><th>gated</th><th>skipped</th><th>storage data (µJ)</th><th>metadata (µJ)</th>"
      "<th>gated/skipped accesses (µJ)</th></tr>\n";
  for (const auto& layer : r.layers) {
    if (!layer.mapping->found || !layer.mapping->stats.arithmetic.sparse) continue;
    const auto& s = layer.mapping->stats;
    const auto& c = *s.arithmetic.sparse;
    const auto& d = layer.layer.densities;
    double storage = 0, metadata = 0, saved = 0;
    for (const auto& level : s.storage) {
      for (const auto& t : level.tensors) {
        storage += t.energy_pJ;
        if (!t.sparse) continue;
        metadata += t.sparse->metadata_energy_pJ;
        saved += t.sparse->gated_skipped_energy_pJ;
      }
    }
    out += fmt::format(
        "<tr><td>{}</td><td>{:g} / {:g} / {:g}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.3f}</td>"
        "<td>{:.3f}</td><td>{:.3f}</td></tr>\n",
        escape_html(layer.layer.name), d.weights.density, d.inputs.density, d.outputs.density, c.algorithmic, c.actual,
        c.gated, c.skipped, (storage - metadata - saved) / 1e6, metadata / 1e6, saved / 1e6);
  }
  return out + "</table>\n";
}

StackedBars per_layer_chart(const NetworkResult& r) {
  StackedBars chart{"Energy per layer and component", "energy (µJ)", {}, {}};
  for (const auto& share : r.energy_by_component) chart.stacks.push_back({share.name, {}});
  for (const auto& layer : r.layers) {
    chart.categories.push_back(layer.layer.name);
    bool found = layer.mapping->found;
    const auto& s = layer.mapping->stats;
    chart.stacks[0].values.push_back(found ? s.arithmetic.energy_pJ / 1e6 : 0);
    for (std::size_t i = 1; i < chart.stacks.size(); ++i) {
      chart.stacks[i].values.push_back(found ? s.storage[i - 1].energy_pJ / 1e6 : 0);
    }
  }
  return chart;
}

}  // namespace

std::string network_html(const NetworkResult& r, const Architecture& arch) {
  std::string body = fmt::format("<p>Bitwidths: <b>{}</b>{}</p>\n", escape_html(r.label.empty() ? "native" : r.label),
                                 r.complete ? "" : " <span class=\"bad\">— some layers have no valid mapping</span>");
  body += "<h2>Summary</h2>\n" + summary_table(r);
  body += "<h2>Energy breakdown</h2>\n" + figure(svg(per_layer_chart(r)));
  body += "<h2>Layers</h2>\n" + layer_table(r, arch) + sparse_table(r);
  return page(r.network + ": network report", body);
}

std::string sweep_html(const std::vector<NetworkResult>& runs, const Architecture& arch) {
  if (runs.empty()) return page("qloop sweep", "<p>No configuration was run.</p>");
  StackedBars chart{"Energy per configuration and component", "energy (µJ)", {}, {}};
  for (const auto& share : runs.front().energy_by_component) chart.stacks.push_back({share.name, {}});
  for (const auto& r : runs) {
    chart.categories.push_back(r.label);
    for (std::size_t i = 0; i < chart.stacks.size(); ++i) {
      chart.stacks[i].values.push_back(r.energy_by_component[i].energy_pJ / 1e6);
    }
  }
  std::string body = "<h2>Energy per configuration</h2>\n" + figure(svg(chart));
  body += "<table><tr><th>configuration</th><th>energy (µJ)</th><th>vs first</th><th>cycles</th><th>weights (KiB)</th>";
  for (const auto& share : runs.front().energy_by_component) body += "<th>" + escape_html(share.name) + " (µJ)</th>";
  body += "</tr>\n";
  double first = runs.front().energy_pJ;
  for (const auto& r : runs) {
    body += fmt::format("<tr><td>{}</td><td>{:.3f}</td><td>{:+.1f} %</td><td>{}</td><td>{:.1f}</td>",
                        escape_html(r.label), r.energy_pJ / 1e6, first > 0 ? 100 * (r.energy_pJ - first) / first : 0.0,
                        r.cycles, r.weight_bytes / 1024);
    for (const auto& share : r.energy_by_component) body += fmt::format("<td>{:.3f}</td>", share.energy_pJ / 1e6);
    body += "</tr>\n";
  }
  body += "</table>\n";
  for (const auto& r : runs) {
    body += fmt::format("<h2>{}: per layer</h2>\n", escape_html(r.label)) + figure(svg(per_layer_chart(r))) +
            layer_table(r, arch);
  }
  return page(runs.front().network + ": bitwidth sweep", body);
}

namespace {

// An objective of explore.json: its label with units, and a value in those units.
struct ShownObjective {
  std::string key, label;
  double scale = 1;
};

// Keys as explore.json names the objectives (network/explore.cpp to_string). With a measured
// accuracy the Python API adds each point's metric as `accuracy`, which is shown instead of
// the loss the search minimised.
ShownObjective shown(const std::string& key, bool measured) {
  if (key == "energy_pJ") return {key, "energy (µJ)", 1e-6};
  if (key == "edp") return {key, "EDP (J·cycle)", 1e-12};
  if (key == "memory_bytes") return {key, "memory footprint (KiB)", 1.0 / 1024};
  if (key == "accuracy_loss") {
    if (measured) return {"accuracy", "measured accuracy (higher is better)", 1};
    return {key, "quantization noise (dB; the accuracy proxy)", 1};
  }
  return {key, key, 1};
}

// The bitwidths along the front: one row per layer and operand, one column per front point
// (ordered by the first objective), colour = bits.
HeatMap bits_along_front(const std::vector<const nlohmann::ordered_json*>& front, const ShownObjective& first) {
  HeatMap map;
  map.title = "Bitwidths along the front";
  map.x_label = "front points, by " + first.label;
  if (front.empty()) return map;
  for (const auto& [layer, bits] : (*front.front()).at("bitwidths").items()) {
    for (const char* operand : {"Weights", "Inputs"}) {
      map.rows.push_back(layer + (operand[0] == 'W' ? " W" : " I"));
      std::vector<double> row;
      for (const auto* point : front) row.push_back((*point).at("bitwidths").at(layer).at(operand).get<double>());
      map.values.push_back(row);
    }
  }
  for (std::size_t i = 0; i < front.size(); ++i) {
    map.columns.push_back(std::to_string(i + 1));
    map.column_notes.push_back(
        fmt::format("point {}: {} {:.4g}", i + 1, first.label, (*front[i]).at(first.key).get<double>() * first.scale));
  }
  map.value_unit = "bits";
  return map;
}

}  // namespace

std::string explore_html(const nlohmann::ordered_json& explore) {
  const auto& search = explore.at("search");
  std::vector<std::string> objectives;
  for (const auto& o : explore.at("objectives")) objectives.push_back(o.get<std::string>());
  bool measured = explore.contains("baseline_accuracy");
  std::vector<const nlohmann::ordered_json*> front;
  for (const auto& point : explore.at("front")) {
    if (point.value("complete", true)) front.push_back(&point);
  }
  std::string body =
      fmt::format("<p>{} candidates evaluated ({} distinct layer jobs) in {:.1f} s; {} on the front.</p>\n",
                  search.at("candidates").get<std::size_t>(), search.at("layer_jobs").get<std::size_t>(),
                  search.at("seconds").get<double>(), front.size());
  if (measured) {
    body += fmt::format("<p>Accuracy measured on the model (qloop.torch); the float model scores {:.4g}.</p>\n",
                        explore.at("baseline_accuracy").get<double>());
  }
  if (objectives.size() >= 2) {
    auto ox = shown(objectives[0], measured), oy = shown(objectives[1], measured);
    Scatter chart{"Candidates and Pareto front", ox.label, oy.label, {}, {}, {}, {}};
    auto add = [&](const nlohmann::ordered_json& c, bool on_front) {
      if (!c.value("complete", true)) return;
      double x = c.at(ox.key).get<double>() * ox.scale, y = c.at(oy.key).get<double>() * oy.scale;
      chart.x.push_back(x);
      chart.y.push_back(y);
      chart.labels.push_back(fmt::format("{} {:.4g}, {} {:.4g}", ox.label, x, oy.label, y));
      chart.highlighted.push_back(on_front);
    };
    for (const auto& c : explore.at("evaluated")) add(c, false);
    for (const auto* c : front) add(*c, true);
    if (measured && oy.key == "accuracy") {  // the float model's accuracy, for reference
      chart.reference_y = explore.at("baseline_accuracy").get<double>();
      chart.reference_label = "float model";
    }
    body += figure(svg(chart));
  }
  if (!objectives.empty()) {
    auto first = shown(objectives[0], measured);
    std::sort(front.begin(), front.end(), [&](const auto* a, const auto* b) {
      return (*a).at(first.key).template get<double>() < (*b).at(first.key).template get<double>();
    });
    body += figure(svg(bits_along_front(front, first)));
  }
  body += "<h2>Pareto front</h2>\n<table><tr><th>point</th>";
  for (const auto& objective : objectives) body += "<th>" + escape_html(shown(objective, measured).label) + "</th>";
  if (!front.empty()) {
    for (const auto& [layer, bits] : (*front.front()).at("bitwidths").items()) {
      body += "<th>" + escape_html(layer) + " W/I</th>";
    }
  }
  body += "</tr>\n";
  for (std::size_t i = 0; i < front.size(); ++i) {
    body += fmt::format("<tr><td>{}</td>", i + 1);
    for (const auto& objective : objectives) {
      auto o = shown(objective, measured);
      body += fmt::format("<td>{:.4g}</td>", (*front[i]).at(o.key).get<double>() * o.scale);
    }
    for (const auto& [layer, bits] : (*front[i]).at("bitwidths").items()) {
      body += fmt::format("<td>{}/{}</td>", bits.at("Weights").get<int>(), bits.at("Inputs").get<int>());
    }
    body += "</tr>\n";
  }
  body += "</table>\n";
  return page(explore.at("network").get<std::string>() + ": bitwidth exploration", body);
}

}  // namespace qloop::report
