#include "input/spelling.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace qloop::input {

namespace {

std::string folded(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c != '_' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Edits between two names: insertions, deletions, substitutions and swaps of two adjacent
// letters (the commonest typo: "depht"), each one edit (optimal string alignment distance).
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  auto f = folded(name);
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    auto d = edit_distance(f, folded(c));
    if (best.empty() || d < best_distance) best = c, best_distance = d;
  }
  // A misspelling: a few edits, fewer than a third of the name.
  std::size_t allowed = std::max<std::size_t>(1, std::min<std::size_t>(3, f.size() / 3));
  return !best.empty() && best_distance <= allowed ? best : std::string();
}

}  // namespace qloop::input
