#include "report/sparse_text.hpp"

#include <fmt/format.h>

namespace qloop::report {

namespace {

// "(metadata, payload)" per rank, outermost first; "0" when nothing moves.
std::string ranks_text(const std::vector<RankCount>& ranks) {
  if (ranks.empty()) return "0";
  std::string out;
  for (const auto& r : ranks) {
    out += fmt::format("{}rank {}: ({}, {})", out.empty() ? "" : "  ", r.rank, r.metadata, r.payload);
  }
  return out;
}

}  // namespace

std::string sparse_compute_text(const SparseComputeStats& s) {
  return fmt::format(
      "  Algorithmic computes   : {}\n  Actual computes        : {}\n  Gated computes         : {}\n"
      "  Skipped computes       : {}\n  Instances in use (avg) : {:.2f}\n",
      s.algorithmic, s.actual, s.gated, s.skipped, s.utilized_instances_average);
}

std::string sparse_tensor_text(const SparseTensorStats& s, double energy_pJ) {
  static const char* kAccess[] = {"reads", "fills", "updates"};
  static const char* kOutcome[] = {"actual", "gated", "skipped"};
  std::string out;
  out += fmt::format("    Density distribution    : {}\n", s.density_distribution);
  out += fmt::format("    Representation format   : {}\n", s.representation_format);
  out += fmt::format("    Data tile shape         : {} (partition {})\n", s.data_tile_shape, s.partition_size);
  out += fmt::format("    Instances in use (avg)  : {:.2f}\n", s.utilized_instances_average);
  for (int a = 0; a < 3; ++a) {
    const auto& c = s.accesses[a];
    out += fmt::format("    {:<8} algorithmic {}  actual {}  gated {}  skipped {}\n", kAccess[a], c.algorithmic,
                       c.actual, c.gated, c.skipped);
  }
  if (s.representation_format != "none") {
    out += fmt::format("    Format capacity         : {}  ({} bits)\n", ranks_text(s.format_capacity), s.metadata_bits);
    for (int o = 0; o < 3; ++o) {
      for (int a = 0; a < 3; ++a) {
        if (s.format[o][a].empty()) continue;
        out += fmt::format("    Metadata {} {:<8}: {}\n", kOutcome[o], kAccess[a], ranks_text(s.format[o][a]));
      }
    }
  }
  double data = energy_pJ - s.metadata_energy_pJ - s.gated_skipped_energy_pJ;
  out += fmt::format("    Energy split            : data {:.2f} pJ, metadata {:.2f} pJ, gated/skipped {:.2f} pJ\n",
                     data, s.metadata_energy_pJ, s.gated_skipped_energy_pJ);
  return out;
}

}  // namespace qloop::report
