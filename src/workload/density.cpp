#include "workload/density.hpp"

namespace qloop {

std::string distribution_name(const DensitySpec& spec) {
  switch (spec.distribution) {
    case DensityDistribution::kFixedStructured:
      return "fixed-structured";
    case DensityDistribution::kHypergeometric:
      return "hypergeometric";
    case DensityDistribution::kBanded:
      return "banded-" + std::to_string(spec.band_width);
  }
  return "fixed-structured";
}

}  // namespace qloop
