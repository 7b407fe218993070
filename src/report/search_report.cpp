#include "report/search_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "report/rejection_text.hpp"

namespace qloop::report {

namespace {
// Most frequent first; reasons that read the same are added up.
std::vector<std::pair<std::string, std::uint64_t>> reasons_by_count(const SearchReport& report,
                                                                    const Architecture& arch,
                                                                    const Workload& workload) {
  std::vector<std::pair<std::string, std::uint64_t>> reasons;
  for (const auto& [rejection, n] : report.rejected) {
    auto text = describe(rejection, arch, workload);
    auto same = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == text; });
    if (same == reasons.end()) {
      reasons.emplace_back(text, n);
    } else {
      same->second += n;
    }
  }
  std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return reasons;
}
}  // namespace

nlohmann::ordered_json search_json(const SearchReport& r, const Architecture& arch, const Workload& workload) {
  nlohmann::ordered_json rejected = nlohmann::ordered_json::object();
  for (const auto& [reason, n] : reasons_by_count(r, arch, workload)) rejected[reason] = n;
  std::vector<std::string> objectives;
  for (auto m : r.objectives) objectives.push_back(to_string(m));
  nlohmann::ordered_json out = {{"algorithm", r.algorithm},
                                {"asked_algorithm", r.asked_algorithm.empty() ? r.algorithm : r.asked_algorithm},
                                {"objectives", objectives},
                                {"threads", r.threads},
                                {"mapspace_tilings", r.mapspace_tilings},
                                {"considered", r.considered},
                                {"evaluated", r.evaluated},
                                {"valid", r.valid},
                                {"pruned_tilings", r.pruned_tilings},
                                {"rejected", rejected},
                                {"seconds", r.seconds},
                                {"stopped_by", to_string(r.stopped_by)},
                                {"optimal", r.optimal},
                                {"meets_bound", r.meets_bound},
                                {"lower_bound", r.lower_bound},
                                {"gap", r.gap}};
  if (r.algorithm == "optimal") {
    out["certified"] = {{"mapspace_tilings", static_cast<double>(r.mapspace_tilings)},
                        {"ruled_out_no_fit", r.no_fit_tilings},
                        {"ruled_out_by_bound", r.bounded_out_tilings},
                        {"visited", r.visited_tilings},
                        {"equivalent_orders_skipped", r.equivalent_variants},
                        {"variants_ruled_out_by_bound", r.bounded_variants}};
  }
  return out;
}

std::string search_text(const SearchReport& r, const Architecture& arch, const Workload& workload) {
  std::string out = fmt::format("Search\n------\nAlgorithm   : {} on {} thread(s)\n", r.algorithm, r.threads);
  if (!r.asked_algorithm.empty()) {
    out += fmt::format("              (run for the {} the settings name; literal_algorithm: true runs that one)\n",
                       r.asked_algorithm);
  }
  out +=
      fmt::format("Considered  : {} mapspace points ({} tilings in the mapspace)\n", r.considered, r.mapspace_tilings);
  out += fmt::format("Evaluated   : {} ({} valid) in {:.2f} s\n", r.evaluated, r.valid, r.seconds);
  out += fmt::format("Stopped by  : {}\n", to_string(r.stopped_by));
  if (r.algorithm == "optimal") {
    // The mapspace before and after each rule, in tilings, as far as the search got.
    double space = static_cast<double>(r.mapspace_tilings);
    out += fmt::format(
        "Tilings     : {:.4g} in the mapspace; {:.4g} after 'cannot fit' ({:.4g} cut); "
        "{:.4g} after the bound ({:.4g} cut); {:.4g} visited\n",
        space, space - r.no_fit_tilings, r.no_fit_tilings, space - r.no_fit_tilings - r.bounded_out_tilings,
        r.bounded_out_tilings, r.visited_tilings);
    if (r.equivalent_variants > 0 || r.bounded_variants > 0) {
      out += fmt::format(
          "Orders      : {:.4g} variants of the visited tilings not evaluated ({:.4g} equivalent loop orders, "
          "{:.4g} whose bypass choice, or it and the orders from some level up, the bound rules out)\n",
          r.equivalent_variants + r.bounded_variants, r.equivalent_variants, r.bounded_variants);
    }
  } else if (r.pruned_tilings) {
    out += fmt::format("Pruned      : {} tilings, with all their variants (bound above the best)\n", r.pruned_tilings);
  }
  for (const auto& [reason, n] : reasons_by_count(r, arch, workload)) {
    out += fmt::format("Rejected    : {} ({})\n", n, reason);
  }
  if (r.meets_bound) {
    out += fmt::format("Result      : optimal (it meets the lower bound {:.6g} of {})\n", r.lower_bound,
                       r.objectives.empty() ? "?" : to_string(r.objectives.front()));
  } else if (r.optimal) {
    out += "Result      : optimal (every tiling enumerated or bounded out)\n";
  } else if (arch.has_sparse_optimizations()) {
    out +=
        "Result      : best found; no lower bound is known with gating, skipping or compressed formats "
        "(docs/sparsity.md)\n";
  } else {
    out += fmt::format("Result      : best found; {:.1f}% above the lower bound {:.6g} of {}\n", r.gap * 100,
                       r.lower_bound, r.objectives.empty() ? "?" : to_string(r.objectives.front()));
  }
  return out;
}

std::string search_csv(const SearchReport& r) {
  std::string out = "seconds,evaluated,energy_pJ,cycles,edp,last_level_accesses\n";
  for (const auto& i : r.improvements) {
    out += fmt::format("{:.4f},{},{},{},{},{}\n", i.seconds, i.evaluated, i.cost.energy_pJ, i.cost.cycles, i.cost.edp,
                       i.cost.last_level_accesses);
  }
  return out;
}

std::string progress_line(const MapperProgress& p, Metric primary) {
  double rate = p.seconds > 0 ? static_cast<double>(p.evaluated) / p.seconds : 0;
  std::string best = p.has_best ? fmt::format("{:.6g}", p.best.metric(primary)) : std::string("-");
  return fmt::format("[mapper] {:.1f}s  evaluated {}  ({:.0f}/s)  valid {}  best {} {}", p.seconds, p.evaluated, rate,
                     p.valid, to_string(primary), best);
}

std::string no_mapping_reason(const SearchReport& r, const Architecture& arch, const Workload& workload) {
  auto reasons = reasons_by_count(r, arch, workload);
  if (reasons.empty()) {
    return r.mapspace_tilings == 0 ? "the constraints leave no way to split the problem's dimensions over the levels"
                                   : "no mapping was tried (limits too tight)";
  }
  std::string out = fmt::format("no valid mapping among {} candidates; rejected by ", r.considered);
  for (std::size_t i = 0; i < reasons.size() && i < 3; ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", reasons[i].first, reasons[i].second);
  }
  return out;
}

}  // namespace qloop::report
