#include "estimate/technology.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <regex>

namespace qloop::estimate {

namespace {

// Stillmaker & Baas, "Scaling equations for the accurate prediction of CMOS device
// performance from 180 nm to 7 nm", Integration, the VLSI Journal 58 (2017) 74-81.
// Energy: their per-node polynomial fits E(Vdd) = a Vdd^2 + b Vdd + c, evaluated at one
// common supply of 0.8 V and normalised to 45 nm (the coefficients as tabulated by
// Accelergy's hwcomponents scaling module; the derivation is in docs/energy.md).
// Area: their per-node area factors, normalised to 45 nm.
struct NodeFactors {
  double node_nm;
  double energy;  // relative to 45 nm
  double area;    // relative to 45 nm
};
constexpr std::array<NodeFactors, 10> kNodes = {{
    {130, 3.068, 6.4},
    {90, 1.897, 2.8},
    {65, 1.241, 1.5},
    {45, 1.0, 1.0},
    {32, 0.6593, 0.46},
    {20, 0.2211, 0.21},
    {16, 0.1735, 0.19},
    {14, 0.1388, 0.17},
    {10, 0.1178, 0.10},
    {7, 0.0943, 0.059},
}};

// Log-log interpolation over the table (nodes descending), extrapolating at both ends.
template <typename Field>
double interpolate(double node_nm, Field field) {
  std::size_t upper = 0;  // kNodes[upper] >= node > kNodes[upper + 1]
  while (upper + 2 < kNodes.size() && node_nm < kNodes[upper + 1].node_nm) ++upper;
  const auto& a = kNodes[upper];
  const auto& b = kNodes[upper + 1];
  double t = std::log(node_nm / a.node_nm) / std::log(b.node_nm / a.node_nm);
  return std::exp(std::log(field(a)) + t * (std::log(field(b)) - std::log(field(a))));
}

}  // namespace

ParsedTechnology parse_technology(const std::string& text) {
  static const std::regex kNode(R"(^\s*([0-9]*\.?[0-9]+)\s*(nm|um|m)?\s*$)", std::regex::icase);
  ParsedTechnology parsed;
  if (text.empty() || text == "-1") return parsed;
  std::smatch match;
  if (!std::regex_match(text, match, kNode)) {
    parsed.ok = false;
    return parsed;
  }
  double value = std::strtod(std::string(match[1]).c_str(), nullptr);  // digits only: inf at worst
  if (!std::isfinite(value) || value <= 0) {
    parsed.ok = false;
    return parsed;
  }
  std::string unit = match[2];
  for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit == "um") value *= 1000.0;
  if (unit == "m") value *= 1e9;
  // A bare number below 1 is a node in micrometres (Accelergy also accepts those).
  if (unit.empty() && value < 1.0) value *= 1000.0;
  if (value < 1.0 || value > 1000.0) {
    parsed.ok = false;
    return parsed;
  }
  parsed.node_nm = value;
  return parsed;
}

double energy_scale(double node_nm) {
  return interpolate(node_nm, [](const NodeFactors& n) { return n.energy; });
}

double area_scale(double node_nm) {
  return interpolate(node_nm, [](const NodeFactors& n) { return n.area; });
}

}  // namespace qloop::estimate
