#pragma once
// Rejections counted by reason. The mapper counts one per refused candidate, so the counts
// live in a flat array indexed by (kind, level, tensor); read them out as a map.

#include <cstdint>
#include <map>
#include <vector>

#include "model/rejection.hpp"

namespace qloop {

using RejectionMap = std::map<Rejection, std::uint64_t>;

class RejectionCounts {
 public:
  RejectionCounts(int storage_levels, int tensors);
  void add(const Rejection& rejection, std::uint64_t n = 1) { counts_[index(rejection)] += n; }
  void add_to(RejectionMap& out) const;

 private:
  std::size_t index(const Rejection& r) const {
    return (static_cast<std::size_t>(r.kind) * levels_ + static_cast<std::size_t>(r.level)) * tensors_ +
           static_cast<std::size_t>(r.tensor + 1);
  }
  std::size_t levels_, tensors_;  // levels + 1 (a fan-out may name the level above the top), tensors + 1 (none)
  std::vector<std::uint64_t> counts_;
};

}  // namespace qloop
