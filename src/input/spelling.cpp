#include "input/spelling.hpp"

#include <algorithm>
#include <cctype>

namespace qloop::input {

namespace {

std::string folded(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c != '_' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
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
