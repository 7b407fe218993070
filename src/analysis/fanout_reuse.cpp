#include "analysis/fanout_reuse.hpp"

#include <algorithm>

namespace qloop::nest {

namespace {

std::uint64_t offset_hash(const Coordinates& c, int rank) {
  std::uint64_t h = 1469598103934665603ull;
  for (int r = 0; r < rank; ++r) h = (h ^ static_cast<std::uint32_t>(c[r])) * 1099511628211ull;
  return h;
}

}  // namespace

void mark_all_unaccounted(const SpatialDeltas& deltas, int num_spaces, Unaccounted& out) {
  out.children = deltas.children();
  out.flags.resize(out.children * num_spaces);
  for (int ds = 0; ds < num_spaces; ++ds) {
    std::copy(deltas.present.begin(), deltas.present.end(), out.flags.begin() + ds * out.children);
  }
}

Groups multicast_groups(const SpatialDeltas& deltas, const Unaccounted& unaccounted, int ds, FanoutScratch& scratch) {
  std::size_t capacity = 16;
  while (capacity < 2 * deltas.children()) capacity *= 2;
  auto& slots = scratch.slots;  // child index of the group's first member, or -1
  auto& members = scratch.members;
  slots.assign(capacity, -1);
  members.assign(capacity, 0);
  for (std::size_t child = 0; child < deltas.children(); ++child) {
    if (!unaccounted.at(ds, child)) continue;
    const auto& off = deltas.offset(child, ds);
    auto slot = offset_hash(off, deltas.rank) & (capacity - 1);
    while (slots[slot] >= 0 && deltas.offset(static_cast<std::size_t>(slots[slot]), ds) != off) {
      slot = (slot + 1) & (capacity - 1);
    }
    if (slots[slot] < 0) slots[slot] = static_cast<std::int64_t>(child);
    ++members[slot];
  }
  Groups groups;
  for (std::size_t slot = 0; slot < capacity; ++slot) {
    if (members[slot] == 0) continue;
    bool found = false;
    for (auto& g : groups) {
      if (g.first == members[slot]) {
        ++g.second;
        found = true;
      }
    }
    if (!found) groups.push_back({members[slot], 1});
  }
  return groups;
}

PerSpaceCounts mark_link_reuse(const SpatialDeltas& deltas, const SpatialDeltas& prev, const Shifts& shift,
                               std::uint64_t h_size, std::uint64_t v_size, int num_spaces,
                               Unaccounted& unaccounted, FanoutScratch& scratch) {
  PerSpaceCounts reused{};
  auto& reuse = scratch.reuse;
  reuse.assign(h_size * v_size * num_spaces, 0);
  auto compare = [&](std::uint64_t h, std::uint64_t v, std::uint64_t ph, std::uint64_t pv) {
    auto cur = v * h_size + h;
    auto before = pv * h_size + ph;
    if (cur >= deltas.children() || !deltas.present[cur]) return;
    if (before >= prev.children() || !prev.present[before]) return;
    for (int ds = 0; ds < num_spaces; ++ds) {
      if (!shift[ds]) continue;
      const auto& off = deltas.offset(cur, ds);
      const auto& prev_off = prev.offset(before, ds);
      bool equal = true;
      for (int r = 0; r < deltas.rank && equal; ++r) equal = off[r] == (*shift[ds])[r] + prev_off[r];
      if (equal) reuse[cur * num_spaces + ds] = 1;
    }
  };
  if (v_size > 1) {
    for (std::uint64_t h = 0; h < h_size; ++h) {
      for (std::uint64_t v = 1; v < v_size; ++v) compare(h, v, h, v - 1);
      for (std::uint64_t v = 0; v + 1 < v_size; ++v) compare(h, v, h, v + 1);
    }
  }
  if (h_size > 1) {
    for (std::uint64_t v = 0; v < v_size; ++v) {
      for (std::uint64_t h = 1; h < h_size; ++h) compare(h, v, h - 1, v);
      for (std::uint64_t h = 0; h + 1 < h_size; ++h) compare(h, v, h + 1, v);
    }
  }
  for (std::size_t child = 0; child < deltas.children() && child < h_size * v_size; ++child) {
    if (!deltas.present[child]) continue;
    for (int ds = 0; ds < num_spaces; ++ds) {
      if (!reuse[child * num_spaces + ds]) continue;
      ++reused[ds];
      unaccounted.at(ds, child) = 0;
    }
  }
  return reused;
}

}  // namespace qloop::nest
