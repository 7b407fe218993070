#pragma once
// Accesses a level serves to its children, split by how many children receive each datum
// (multicast) and how many distinct groups of children there are (scatter). Usually one or
// two patterns, kept in a small sorted list (sums run in pattern order, as the reference's).

#include <cstdint>

#include "util/small_vector.hpp"

namespace qloop {

struct AccessPattern {
  std::uint64_t multicast = 1;
  std::uint64_t scatter = 1;
  double accesses = 0;
};

class AccessStats {
 public:
  // The accesses of one (multicast, scatter) pattern, created at zero when new.
  double& at(std::uint64_t multicast, std::uint64_t scatter) {
    std::size_t i = 0;
    while (i < patterns_.size() && key_less(patterns_[i], multicast, scatter)) ++i;
    if (i < patterns_.size() && patterns_[i].multicast == multicast && patterns_[i].scatter == scatter) {
      return patterns_[i].accesses;
    }
    insert_at(i, {multicast, scatter, 0});
    return patterns_[i].accesses;
  }

  void clear() { patterns_.clear(); }

  const AccessPattern* begin() const { return patterns_.begin(); }
  const AccessPattern* end() const { return patterns_.end(); }
  AccessPattern* begin() { return patterns_.begin(); }
  AccessPattern* end() { return patterns_.end(); }

  double total() const {
    double sum = 0;
    for (const auto& p : patterns_) sum += p.accesses;
    return sum;
  }
  // Accesses times their multicast factor: data delivered to children.
  double weighted() const {
    double sum = 0;
    for (const auto& p : patterns_) sum += p.accesses * static_cast<double>(p.multicast);
    return sum;
  }
  std::uint64_t max_multicast() const {
    std::uint64_t m = 0;
    for (const auto& p : patterns_) m = p.multicast > m ? p.multicast : m;
    return m;
  }
  void accumulate(const AccessStats& other) {
    for (const auto& p : other.patterns_) at(p.multicast, p.scatter) += p.accesses;
  }
  void divide(double divisor) {
    for (auto& p : patterns_) p.accesses /= divisor;
  }

 private:
  static bool key_less(const AccessPattern& p, std::uint64_t multicast, std::uint64_t scatter) {
    return p.multicast < multicast || (p.multicast == multicast && p.scatter < scatter);
  }
  void insert_at(std::size_t index, const AccessPattern& pattern) {
    patterns_.push_back(pattern);
    for (std::size_t j = patterns_.size() - 1; j > index; --j) {
      auto tmp = patterns_[j];
      patterns_[j] = patterns_[j - 1];
      patterns_[j - 1] = tmp;
    }
  }

  SmallVector<AccessPattern, 2> patterns_;
};

}  // namespace qloop
