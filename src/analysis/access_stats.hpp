#pragma once
// Accesses a level serves to its children, split by how many children receive each datum
// (multicast) and how many distinct groups of children there are (scatter).

#include <cstdint>
#include <map>
#include <utility>

namespace qloop {

struct AccessStats {
  // (multicast factor, scatter factor) -> accesses
  std::map<std::pair<std::uint64_t, std::uint64_t>, double> by_pattern;

  double& at(std::uint64_t multicast, std::uint64_t scatter) { return by_pattern[{multicast, scatter}]; }
  double total() const {
    double sum = 0;
    for (const auto& [key, accesses] : by_pattern) sum += accesses;
    return sum;
  }
  // Accesses times their multicast factor: data delivered to children.
  double weighted() const {
    double sum = 0;
    for (const auto& [key, accesses] : by_pattern) sum += accesses * static_cast<double>(key.first);
    return sum;
  }
  std::uint64_t max_multicast() const {
    std::uint64_t m = 0;
    for (const auto& [key, accesses] : by_pattern) m = key.first > m ? key.first : m;
    return m;
  }
  void accumulate(const AccessStats& other) {
    for (const auto& [key, accesses] : other.by_pattern) by_pattern[key] += accesses;
  }
  void divide(double divisor) {
    for (auto& [key, accesses] : by_pattern) accesses /= divisor;
  }
};

}  // namespace qloop
