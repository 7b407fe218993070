#pragma once
// How sparse a tensor is: Sparseloop's density models (docs/sparsity.md). A tensor without
// one is dense (density 1).

#include <compare>
#include <string>

namespace qloop {

enum class DensityDistribution {
  kFixedStructured,  // every tile of n points holds floor(n d) or ceil(n d) nonzeros
  kHypergeometric,   // ceil(d N) nonzeros placed uniformly at random in the N points
  kBanded,           // a square matrix, nonzero within band_width of the diagonal
};

struct DensitySpec {
  DensityDistribution distribution = DensityDistribution::kFixedStructured;
  double density = 1.0;  // fraction of nonzeros (banded: derived from the band)
  int band_width = 0;    // banded only
  bool dense() const { return distribution != DensityDistribution::kBanded && density >= 1.0; }
  auto operator<=>(const DensitySpec&) const = default;
};

// The name the reference prints ("fixed-structured", "hypergeometric", "banded-<width>").
std::string distribution_name(const DensitySpec& spec);

}  // namespace qloop
