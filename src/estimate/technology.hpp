#pragma once
// Technology scaling: how energy and area change from the 45 nm node the anchor numbers are
// given at to the node a component is built in. See docs/energy.md for the model.

#include <optional>
#include <string>

namespace qloop::estimate {

// The node every published anchor number is converted to before scaling (Horowitz, ISSCC 2014).
inline constexpr double kReferenceNode_nm = 45.0;

// "45nm", "40 nm", "0.045um", "7" (nm) -> nanometres. Empty or Accelergy's "-1" mean "not
// given" (nullopt, with ok = true); anything else unreadable sets ok = false.
struct ParsedTechnology {
  std::optional<double> node_nm;
  bool ok = true;
};
ParsedTechnology parse_technology(const std::string& text);

// Dynamic energy at `node_nm` relative to 45 nm, and likewise for area. Both decrease
// monotonically with the node; between tabulated nodes they are interpolated log-log, and
// outside 7..130 nm extrapolated with the nearest segment's slope.
double energy_scale(double node_nm);
double area_scale(double node_nm);

// Converts a number published for `from_nm` to `to_nm`.
inline double scale_energy(double value, double from_nm, double to_nm) {
  return value * energy_scale(to_nm) / energy_scale(from_nm);
}
inline double scale_area(double value, double from_nm, double to_nm) {
  return value * area_scale(to_nm) / area_scale(from_nm);
}

}  // namespace qloop::estimate
