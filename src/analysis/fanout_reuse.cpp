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

namespace {

// Every (child, neighbour on the previous step) pair of an h_size x v_size mesh, both present:
// vertical neighbours first, then horizontal ones (the order links are looked for in).
template <typename F>
void for_each_neighbour_pair(const SpatialDeltas& deltas, const SpatialDeltas& prev, std::uint64_t h_size,
                             std::uint64_t v_size, F&& f) {
  auto visit = [&](std::uint64_t h, std::uint64_t v, std::uint64_t ph, std::uint64_t pv) {
    auto cur = v * h_size + h;
    auto before = pv * h_size + ph;
    if (cur >= deltas.children() || !deltas.present[cur]) return;
    if (before >= prev.children() || !prev.present[before]) return;
    f(cur, before);
  };
  if (v_size > 1) {
    for (std::uint64_t h = 0; h < h_size; ++h) {
      for (std::uint64_t v = 1; v < v_size; ++v) visit(h, v, h, v - 1);
      for (std::uint64_t v = 0; v + 1 < v_size; ++v) visit(h, v, h, v + 1);
    }
  }
  if (h_size > 1) {
    for (std::uint64_t v = 0; v < v_size; ++v) {
      for (std::uint64_t h = 1; h < h_size; ++h) visit(h, v, h - 1, v);
      for (std::uint64_t h = 0; h + 1 < h_size; ++h) visit(h, v, h + 1, v);
    }
  }
}

bool same_prefix(const Coordinates& a, const Coordinates& b, int rank) {
  for (int r = 0; r < rank; ++r) {
    if (a[r] != b[r]) return false;
  }
  return true;
}

}  // namespace

PerSpaceCounts mark_link_reuse(const SpatialDeltas& deltas, const SpatialDeltas& prev, const Shifts& shift,
                               std::uint64_t h_size, std::uint64_t v_size, int num_spaces, Unaccounted& unaccounted,
                               FanoutScratch& scratch) {
  PerSpaceCounts reused{};
  auto& reuse = scratch.reuse;
  reuse.assign(h_size * v_size * num_spaces, 0);
  for_each_neighbour_pair(deltas, prev, h_size, v_size, [&](std::uint64_t cur, std::uint64_t before) {
    for (int ds = 0; ds < num_spaces; ++ds) {
      if (!shift[ds]) continue;
      const auto& off = deltas.offset(cur, ds);
      const auto& prev_off = prev.offset(before, ds);
      bool equal = true;
      for (int r = 0; r < deltas.rank && equal; ++r) equal = off[r] == (*shift[ds])[r] + prev_off[r];
      if (equal) reuse[cur * num_spaces + ds] = 1;
    }
  });
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

FanoutServing::FanoutServing(const FanoutKey& key)
    : num_spaces_(static_cast<int>(key[0])),
      h_size_(static_cast<std::uint64_t>(key[2])),
      v_size_(static_cast<std::uint64_t>(key[3])) {
  int rank = static_cast<int>(key[1]);
  std::size_t stride = 1 + static_cast<std::size_t>(num_spaces_ * rank);
  std::size_t num_loops = (key.size() - 4) / stride;
  std::uint64_t children = 1;
  for (std::size_t l = 0; l < num_loops; ++l) children *= static_cast<std::uint64_t>(key[4 + l * stride]);
  layout_.reset(children, num_spaces_, rank);
  // Children in the walk's order: the innermost loop's index least significant.
  for (std::size_t child = 0; child < children; ++child) {
    auto rest = child;
    for (std::size_t l = 0; l < num_loops; ++l) {
      const auto* entry = &key[4 + l * stride];
      auto end = static_cast<std::size_t>(entry[0]);
      auto index = static_cast<std::int64_t>(rest % end);
      rest /= end;
      for (int ds = 0; ds < num_spaces_; ++ds) {
        for (int r = 0; r < rank; ++r) {
          layout_.offset(child, ds)[r] += static_cast<std::int32_t>(index * entry[1 + ds * rank + r]);
        }
      }
    }
    layout_.present[child] = 1;
  }
  mark_all_unaccounted(layout_, num_spaces_, unaccounted_);
  for (int ds = 0; ds < num_spaces_; ++ds)
    without_links_[ds].groups = multicast_groups(layout_, unaccounted_, ds, scratch_);
  // A child can only find its delta at a neighbour when the delta moved by what separates
  // the two: those are the only shifts worth a look.
  for_each_neighbour_pair(layout_, layout_, h_size_, v_size_, [&](std::uint64_t cur, std::uint64_t before) {
    for (int ds = 0; ds < num_spaces_; ++ds) {
      Coordinates gap{};
      for (int r = 0; r < rank; ++r) gap[r] = layout_.offset(cur, ds)[r] - layout_.offset(before, ds)[r];
      auto& gaps = neighbour_gaps_[ds];
      if (std::none_of(gaps.begin(), gaps.end(), [&](const Coordinates& g) { return g == gap; })) gaps.push_back(gap);
    }
  });
}

bool FanoutServing::is_neighbour_gap(int ds, const Coordinates& shift) const {
  const auto& gaps = neighbour_gaps_[ds];
  return std::any_of(gaps.begin(), gaps.end(),
                     [&](const Coordinates& g) { return same_prefix(g, shift, layout_.rank); });
}

const ServingPlan* FanoutServing::with_links(int ds, const Coordinates& shift) {
  int rank = layout_.rank;
  if (!is_neighbour_gap(ds, shift)) return nullptr;
  for (const auto& c : link_cases_[ds]) {
    if (same_prefix(c.shift, shift, rank)) return c.saves ? &c.plan : nullptr;
  }
  Shifts shifts{};
  shifts[ds] = shift;
  mark_all_unaccounted(layout_, num_spaces_, unaccounted_);
  LinkCase c{shift, false, {}};
  c.plan.reused = mark_link_reuse(layout_, layout_, shifts, h_size_, v_size_, num_spaces_, unaccounted_, scratch_)[ds];
  if (c.plan.reused > 0) {
    c.plan.groups = multicast_groups(layout_, unaccounted_, ds, scratch_);
    c.saves = accesses_per_operand(c.plan.groups) < accesses_per_operand(without_links_[ds].groups);
  }
  link_cases_[ds].push_back(c);
  return c.saves ? &link_cases_[ds].back().plan : nullptr;
}

std::size_t FanoutServingCache::Hash::operator()(const FanoutKey& key) const {
  std::uint64_t h = 1469598103934665603ull;
  for (auto v : key) h = (h ^ static_cast<std::uint64_t>(v)) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

FanoutServing& FanoutServingCache::at(const FanoutKey& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) return *it->second;
  // A fan-out's layout holds every child's offsets: keep memory bounded on long searches
  // (at most about 100 MB of offsets per thread).
  constexpr std::size_t kMaxEntries = 1024;
  constexpr std::size_t kMaxHeldOffsets = std::size_t{4} << 20;
  auto serving = std::make_unique<FanoutServing>(key);
  if (entries_.size() >= kMaxEntries || held_offsets_ + serving->held_offsets() > kMaxHeldOffsets) {
    entries_.clear();
    held_offsets_ = 0;
  }
  held_offsets_ += serving->held_offsets();
  return *entries_.emplace(key, std::move(serving)).first->second;
}

}  // namespace qloop::nest
