#include "search/rejection_counts.hpp"

namespace qloop {

RejectionCounts::RejectionCounts(int storage_levels, int tensors)
    : levels_(static_cast<std::size_t>(storage_levels) + 1),
      tensors_(static_cast<std::size_t>(tensors) + 1),
      counts_(kNumRejectionKinds * levels_ * tensors_, 0) {}

void RejectionCounts::add_to(RejectionMap& out) const {
  for (int kind = 0; kind < kNumRejectionKinds; ++kind) {
    for (std::size_t level = 0; level < levels_; ++level) {
      for (std::size_t tensor = 0; tensor < tensors_; ++tensor) {
        Rejection r{static_cast<RejectionKind>(kind), static_cast<int>(level), static_cast<int>(tensor) - 1};
        if (auto n = counts_[index(r)]) out[r] += n;
      }
    }
  }
}

}  // namespace qloop
