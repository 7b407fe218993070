#include "report/mapping_yaml.hpp"

#include <fmt/format.h>

namespace qloop::report {

namespace {

std::string factors_text(const Workload& w, const std::vector<std::int64_t>& factors) {
  std::string out;
  for (int d = 0; d < w.num_dimensions(); ++d) {
    out += fmt::format("{}{}={}", d ? " " : "", w.dimension_names[d], factors[d]);
  }
  return out;
}

// Single-letter dimensions are written run together (Timeloop's form), others space-separated.
std::string permutation_text(const Workload& w, const std::vector<DimensionId>& order) {
  bool single = true;
  for (const auto& name : w.dimension_names) single = single && name.size() == 1;
  std::string out;
  for (std::size_t i = 0; i < order.size(); ++i) {
    out += (single || i == 0 ? "" : " ") + w.dimension_names[order[i]];
  }
  return out;
}

std::string tensor_list(const Workload& w, const std::vector<bool>& keep, bool kept) {
  std::string out;
  for (int ds = 0; ds < w.num_data_spaces(); ++ds) {
    if (keep[ds] != kept) continue;
    out += (out.empty() ? "" : ", ") + w.data_spaces[ds].name;
  }
  return "[" + out + "]";
}

}  // namespace

std::string mapping_yaml(const Architecture& arch, const Workload& workload, const Mapping& mapping) {
  std::string out = "mapping:\n";
  for (int level = arch.num_storage_levels() - 1; level >= 0; --level) {
    const auto& m = mapping.levels[level];
    const auto& name = arch.storage[level].name;
    out += fmt::format("- target: {}\n  type: temporal\n  factors: {}\n  permutation: {}\n", name,
                       factors_text(workload, m.temporal_factors), permutation_text(workload, m.temporal_permutation));
    if (arch.fanout(level) > 1) {
      out += fmt::format("- target: {}\n  type: spatial\n  factors: {}\n  permutation: {}\n  split: {}\n", name,
                         factors_text(workload, m.spatial_factors), permutation_text(workload, m.spatial_permutation),
                         m.spatial_split);
    }
    out += fmt::format("- target: {}\n  type: bypass\n  keep: {}\n  bypass: {}\n", name,
                       tensor_list(workload, m.keep, true), tensor_list(workload, m.keep, false));
  }
  return out;
}

}  // namespace qloop::report
