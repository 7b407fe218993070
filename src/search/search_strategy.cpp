#include "search/search_strategy.hpp"

#include <algorithm>
#include <utility>

namespace qloop {

namespace {

// Enumerates everything: tilings (this thread's share, in order), and for each tiling every
// loop order, bypass and X/Y choice; but not the tilings the filter rejects.
class ExhaustiveSearch : public SearchStrategy {
 public:
  ExhaustiveSearch(const Mapspace& space, int thread, int threads, TilingFilter worth_visiting)
      : space_(space), threads_(threads), point_(space.empty_point()), worth_visiting_(std::move(worth_visiting)) {
    tiling_index_ = static_cast<std::uint64_t>(thread);
    total_tilings_ = space.num_tilings();
    start_tiling();
  }

  bool next(MapspacePoint& point) override {
    while (tiling_index_ < total_tilings_) {
      if (sub_index_ < sub_total_) {
        point.tiling = point_.tiling;
        space_.set_variant(point, variants_, sub_index_++);
        return true;
      }
      tiling_index_ += static_cast<std::uint64_t>(threads_);
      start_tiling();
    }
    done_ = true;
    return false;
  }
  void report(bool, bool) override {}
  bool exhausted_space() const override { return done_; }
  std::uint64_t pruned_tilings() const override { return pruned_; }
  const RejectionMap& ruled_out_points() const override { return ruled_out_; }

 private:
  const Mapspace& space_;
  int threads_;
  MapspacePoint point_;
  TilingFilter worth_visiting_;
  std::uint64_t pruned_ = 0;
  RejectionMap ruled_out_;
  std::uint64_t tiling_index_ = 0, total_tilings_ = 0;
  std::uint64_t sub_index_ = 0, sub_total_ = 0;
  Mapspace::Variants variants_;
  bool done_ = false;

  void start_tiling() {
    sub_index_ = 0;
    sub_total_ = 0;
    if (tiling_index_ >= total_tilings_) return;
    auto index = tiling_index_;
    const auto& options = space_.factor_options();
    for (std::size_t dim = 0; dim < options.size(); ++dim) {
      point_.tiling[dim] = static_cast<std::uint32_t>(index % options[dim].size());
      index /= options[dim].size();
    }
    // No variant can pass the precheck: all of them count as rejected, under the reason that
    // rules the tiling out, without being proposed one by one.
    if (auto blocker = space_.tiling_blocker(point_.tiling)) {
      ruled_out_[*blocker] += space_.variants(point_.tiling).total();
      return;
    }
    // Asked when the tiling comes up, so the filter sees the best found so far.
    if (worth_visiting_ && !worth_visiting_(point_.tiling)) {
      ++pruned_;
      return;
    }
    variants_ = space_.variants(point_.tiling);
    sub_total_ = variants_.total();
  }
};

// Depth first over tilings chosen from the outermost level in: at depth (L, j) dimension
// order_[j] gets its factors at level L, among the options that agree with what it has above
// L (each dimension's options sorted so that those agreeing from a level up are contiguous).
// A partial tiling is cut when the mapspace says no completion fits, and, once every
// dimension has its factors from L up, when the bound says none can win; a complete tiling
// that survives both has every variant proposed. The threads claim the nodes at depth
// kSplitDepth one at a time (each walks the few nodes above it; thread 0 counts their cuts).
class CertifiedSearch : public SearchStrategy {
 public:
  CertifiedSearch(const Mapspace& space, int thread, int threads, TilingFilter worth_visiting,
                  PartialTilingFilter partial_worth, StopCheck must_stop, SharedWork* work, ChoiceFilter choices_worth)
      : space_(space),
        thread_(thread),
        threads_(threads),
        point_(space.empty_point()),
        worth_visiting_(std::move(worth_visiting)),
        partial_worth_(std::move(partial_worth)),
        must_stop_(std::move(must_stop)),
        work_(work),
        choices_worth_(std::move(choices_worth)) {
    const auto& options = space.factor_options();
    dims_ = static_cast<int>(options.size());
    for (const auto& slot : space.slots()) levels_ = std::max(levels_, slot.level + 1);
    for (DimensionId d = 0; d < dims_; ++d) order_.push_back(d);
    std::stable_sort(order_.begin(), order_.end(),
                     [&](DimensionId a, DimensionId b) { return options[a].size() > options[b].size(); });
    for (DimensionId d = 0; d < dims_; ++d) {
      std::vector<std::uint32_t> sorted(options[d].size());
      for (std::uint32_t i = 0; i < sorted.size(); ++i) sorted[i] = i;
      std::sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
        // Slots run from the innermost level out: compare from the last.
        return std::lexicographical_compare(options[d][a].rbegin(), options[d][a].rend(), options[d][b].rbegin(),
                                            options[d][b].rend());
      });
      sorted_.push_back(std::move(sorted));
    }
    int depths = levels_ * dims_;
    lo_.assign(depths, 0);
    hi_.assign(depths, 0);
    cursor_.assign(depths, 0);
    known_.fill(levels_);
    depth_ = depths == 0 ? -1 : 0;
    // Above the split depth every thread must meet the same nodes, so it lies within the
    // outermost level, before the first bound (which depends on the shared best).
    split_depth_ = std::max(0, std::min({kSplitDepth, dims_ - 1, depths - 1}));
    if (depth_ == 0) enter(0);
  }

  bool next(MapspacePoint& point) override {
    while (true) {
      while (sub_index_ >= sub_total_) {
        if (stopped_) return false;
        if (!next_tiling()) {
          done_ = !stopped_;
          return false;
        }
      }
      point.tiling = point_.tiling;
      space_.set_variant(point, variants_, variant_index(sub_index_));
      if (auto cut = choices_cut(point)) {
        sub_index_ += cut;
        if (must_stop_ && (++steps_ & 1023) == 0 && must_stop_()) {
          stopped_ = true;
          return false;
        }
        continue;
      }
      ++sub_index_;
      return true;
    }
  }
  void report(bool, bool) override {}
  bool exhausted_space() const override { return done_; }
  std::uint64_t pruned_tilings() const override { return static_cast<std::uint64_t>(tally_.bounded_out); }
  const RejectionMap& ruled_out_points() const override { return ruled_out_; }
  const TilingTally* tally() const override { return &tally_; }

 private:
  const Mapspace& space_;
  int thread_, threads_;
  MapspacePoint point_;
  TilingFilter worth_visiting_;
  PartialTilingFilter partial_worth_;
  StopCheck must_stop_;
  SharedWork* work_;
  ChoiceFilter choices_worth_;
  static constexpr int kSplitDepth = 2;
  int split_depth_ = 0;
  std::uint64_t split_nodes_ = 0;  // nodes met at the split depth so far
  std::uint64_t ticket_ = 0;       // the next of them this thread has claimed (+1; 0: none)
  std::uint64_t steps_ = 0;
  int dims_ = 0, levels_ = 0;
  std::vector<DimensionId> order_;
  std::vector<std::vector<std::uint32_t>> sorted_;  // per dimension: option indices, sorted
  // Per depth: the range of sorted options chosen there, and where the next choice starts.
  std::vector<std::uint32_t> lo_, hi_, cursor_;
  KnownLevels known_;
  int depth_ = 0;
  TilingTally tally_;
  RejectionMap ruled_out_;
  Mapspace::Variants variants_;
  std::uint64_t sub_index_ = 0, sub_total_ = 0;
  bool done_ = false, stopped_ = false;

  // The variants are visited with the bypass choice as the most significant digit, then the
  // loop orders from the outermost level in (then X/Y), so that the variants sharing those
  // choices are runs: `j`-th in that order, as Mapspace::set_variant numbers it (bypass least
  // significant). A saturated count keeps Mapspace's order (and has no runs).
  std::uint64_t variant_index(std::uint64_t j) const {
    auto keeps = variants_.keep;
    if (keeps <= 1 || sub_total_ == UINT64_MAX) return j;
    auto rest = sub_total_ / keeps;
    return j / rest + keeps * (j % rest);
  }

  // At the first of the variants that share the point's bypass choice, or that and its loop
  // orders from some level up (of that level's order, its innermost loops up to some loop): how
  // many the filter turns down, the most of those blocks it turns down (0: none), counted by why.
  // A level's orders are numbered with its innermost free loop as the most significant digit
  // (Mapspace::set_variant), so those that share their innermost p free loops are runs too.
  std::uint64_t choices_cut(const MapspacePoint& point) {
    if (!choices_worth_ || sub_total_ == UINT64_MAX) return 0;  // (a saturated count has no blocks)
    auto block = sub_total_;
    // Narrows `block` by `digits` and asks the filter at its start: the block's size when it
    // is turned down, else 0.
    auto ask = [&](std::uint64_t digits, int level, int loops_known) -> std::uint64_t {
      block /= digits;
      if (sub_index_ % block != 0) return 0;
      switch (choices_worth_(point, level, loops_known)) {
        case ChoiceVerdict::kNeeded:
          return 0;
        case ChoiceVerdict::kEquivalent:
          tally_.equivalent_variants += static_cast<double>(block);
          return block;
        case ChoiceVerdict::kCannotWin:
          tally_.bounded_variants += static_cast<double>(block);
          return block;
      }
      return 0;
    };
    int levels = static_cast<int>(variants_.orders.size());
    if (variants_.keep > 1) {  // (one choice: the same block as the whole tiling)
      if (auto cut = ask(variants_.keep, levels, 0)) return cut;
    }
    for (int level = levels - 1; level >= 0; --level) {
      const auto& parts = variants_.order_parts[level];
      int free = parts.free.size;
      // Its innermost free loops known one more at a time; with all but the last, all are.
      for (int known = 1; known < free; ++known) {
        int loops_known = known + 1 < free ? parts.inner.size + known : parts.inner.size + free + parts.outer.size;
        if (auto cut = ask(static_cast<std::uint64_t>(free - known + 1), level, loops_known)) return cut;
      }
    }
    return 0;
  }

  int level_of(int depth) const { return levels_ - 1 - depth / dims_; }
  DimensionId dim_of(int depth) const { return order_[depth % dims_]; }
  // The range a dimension's choice at `depth` is made within: what it chose a level above.
  void enter(int depth) {
    auto parent = depth - dims_;
    lo_[depth] = parent >= 0 ? lo_[parent] : 0;
    hi_[depth] = parent >= 0 ? hi_[parent] : static_cast<std::uint32_t>(sorted_[dim_of(depth)].size());
    cursor_[depth] = lo_[depth];
  }
  // Whether this thread takes the node just met at the split depth.
  bool claim() {
    auto node = split_nodes_++;
    if (!work_) return node % static_cast<std::uint64_t>(threads_) == static_cast<std::uint64_t>(thread_);
    if (ticket_ == 0 || ticket_ - 1 < node) ticket_ = work_->next.fetch_add(1) + 1;
    return ticket_ - 1 == node;
  }
  // Cuts above the split depth are met by every thread: thread 0 counts them.
  bool counts_cuts() const { return depth_ >= split_depth_ || thread_ == 0; }

  // Tilings under the current node: per dimension, the options its latest choice leaves.
  double subtree(int depth) const {
    double size = 1;
    for (int j = 0; j < dims_; ++j) {
      int latest = depth - ((depth % dims_) - j + dims_) % dims_;  // this dimension's latest depth
      size *=
          latest >= 0 ? static_cast<double>(hi_[latest] - lo_[latest]) : static_cast<double>(sorted_[order_[j]].size());
    }
    return size;
  }

  // Moves to the next complete tiling that survives the cuts; false when there is none.
  bool next_tiling() {
    const auto& options = space_.factor_options();
    const auto& slots = space_.slots();
    int depths = levels_ * dims_;
    while (depth_ >= 0) {
      if (must_stop_ && (++steps_ & 1023) == 0 && must_stop_()) {
        stopped_ = true;
        return false;
      }
      if (depth_ == depths) {  // a complete tiling was just handed out: back to its last choice
        --depth_;
        continue;
      }
      int level = level_of(depth_);
      DimensionId dim = dim_of(depth_);
      auto& cursor = cursor_[depth_];
      auto parent_hi = depth_ >= dims_ ? hi_[depth_ - dims_] : static_cast<std::uint32_t>(sorted_[dim].size());
      if (cursor >= parent_hi) {  // every choice here tried: back up
        known_[dim] = level + 1;
        --depth_;
        continue;
      }
      // The next choice: the options from `cursor` that agree with it at this level's slots.
      const auto& first = options[dim][sorted_[dim][cursor]];
      std::uint32_t end = cursor + 1;
      auto agrees = [&](std::uint32_t i) {
        const auto& other = options[dim][sorted_[dim][i]];
        for (int slot = 0; slot < static_cast<int>(slots.size()); ++slot) {
          if (slots[slot].level == level && other[slot] != first[slot]) return false;
        }
        return true;
      };
      while (end < parent_hi && agrees(end)) ++end;
      lo_[depth_] = cursor;
      hi_[depth_] = end;
      cursor = end;
      if (depth_ == split_depth_ && !claim()) continue;
      point_.tiling[dim] = sorted_[dim][lo_[depth_]];
      known_[dim] = level;
      if (depth_ + 1 < depths) {
        bool level_done = (depth_ + 1) % dims_ == 0;
        if (!space_.choice_may_work(point_.tiling, known_, level)) {
          if (counts_cuts()) tally_.no_fit += subtree(depth_);
        } else if (level_done && partial_worth_ && !partial_worth_(point_.tiling, level)) {
          if (counts_cuts()) tally_.bounded_out += subtree(depth_);
        } else {
          enter(++depth_);
        }
        continue;
      }
      depth_ = depths;
      if (auto blocker = space_.tiling_blocker(point_.tiling)) {
        tally_.no_fit += 1;
        ruled_out_[*blocker] += space_.variants(point_.tiling).total();
        continue;
      }
      if (worth_visiting_ && !worth_visiting_(point_.tiling)) {
        tally_.bounded_out += 1;
        continue;
      }
      tally_.visited += 1;
      variants_ = space_.variants(point_.tiling);
      sub_total_ = variants_.total();
      sub_index_ = 0;
      return true;
    }
    return false;
  }
};

// Uniform random points.
class RandomSearch : public SearchStrategy {
 public:
  RandomSearch(const Mapspace& space, std::uint64_t seed) : space_(space), rng_(seed) {}
  bool next(MapspacePoint& point) override {
    space_.randomize(point, rng_);
    return true;
  }
  void report(bool, bool) override {}

 private:
  const Mapspace& space_;
  std::mt19937_64 rng_;
};

// Tilings, each visited with up to `per_visit` loop-order / bypass / X-Y variants (all of them
// when there are fewer). Tilings are drawn at random until `patience` valid mappings in a row
// have not improved on the best; from then on they are neighbours of the best one's tiling
// (one or two dimensions re-split): explore first, then refine what was found.
// A tiling the filter rejects is not visited: another is drawn, up to kMaxSkips in a row
// (then the last one is visited anyway, so that a search whose best is hard to beat still
// makes progress towards its victory condition).
class HybridSearch : public SearchStrategy {
 public:
  HybridSearch(const Mapspace& space, std::uint64_t seed, std::uint64_t per_visit, std::uint64_t patience,
               TilingFilter worth_visiting)
      : space_(space),
        rng_(seed),
        per_visit_(std::max<std::uint64_t>(per_visit, 1)),
        patience_(patience),
        point_(space.empty_point()),
        worth_visiting_(std::move(worth_visiting)) {}

  bool next(MapspacePoint& point) override {
    if (left_in_visit_ == 0) new_tiling();
    --left_in_visit_;
    auto index = enumerate_ ? sub_index_++ : std::uniform_int_distribution<std::uint64_t>(0, sub_total_ - 1)(rng_);
    // Only the tiling lives here; the variant is written straight into the caller's point.
    point.tiling = point_.tiling;
    space_.set_variant(point, variants_, index);
    return true;
  }
  std::uint64_t pruned_tilings() const override { return pruned_; }
  void report(bool valid, bool improved) override {
    if (improved) {
      best_tiling_ = point_.tiling;
      has_best_ = true;
      since_improvement_ = 0;
    } else if (valid) {
      ++since_improvement_;
    }
  }

 private:
  const Mapspace& space_;
  std::mt19937_64 rng_;
  std::uint64_t per_visit_;
  std::uint64_t patience_;
  MapspacePoint point_;
  std::uint64_t left_in_visit_ = 0, sub_index_ = 0, sub_total_ = 0;
  Mapspace::Variants variants_;
  bool enumerate_ = false;
  bool has_best_ = false, refining_ = false;
  std::uint64_t since_improvement_ = 0;
  std::vector<std::uint32_t> best_tiling_;
  TilingFilter worth_visiting_;
  std::uint64_t pruned_ = 0;
  static constexpr int kMaxSkips = 64;

  void new_tiling() {
    refining_ = refining_ || (has_best_ && since_improvement_ >= patience_);
    for (int skipped = 0;; ++skipped) {
      if (!refining_ || !space_.neighbour_tiling(best_tiling_, point_.tiling, rng_))
        space_.random_tiling(point_.tiling, rng_);
      if (!worth_visiting_ || skipped == kMaxSkips || worth_visiting_(point_.tiling)) break;
      ++pruned_;
    }
    variants_ = space_.variants(point_.tiling);
    sub_total_ = variants_.total();
    enumerate_ = sub_total_ <= per_visit_;
    left_in_visit_ = enumerate_ ? sub_total_ : per_visit_;
    sub_index_ = 0;
  }
};

}  // namespace

std::unique_ptr<SearchStrategy> make_strategy(SearchAlgorithm algorithm, const Mapspace& mapspace,
                                              const MapperSettings& settings, int thread, int threads,
                                              TilingFilter worth_visiting, PartialTilingFilter partial_worth,
                                              StopCheck must_stop, SharedWork* work, ChoiceFilter choices_worth) {
  auto seed = settings.seed * 1000003ull + static_cast<std::uint64_t>(thread);
  switch (algorithm) {
    case SearchAlgorithm::kExhaustive:
    case SearchAlgorithm::kLinearPruned:
      return std::make_unique<ExhaustiveSearch>(mapspace, thread, threads, std::move(worth_visiting));
    case SearchAlgorithm::kRandom:
    case SearchAlgorithm::kRandomPruned:
      return std::make_unique<RandomSearch>(mapspace, seed);
    case SearchAlgorithm::kOptimal:
      return std::make_unique<CertifiedSearch>(mapspace, thread, threads, std::move(worth_visiting),
                                               std::move(partial_worth), std::move(must_stop), work,
                                               std::move(choices_worth));
    case SearchAlgorithm::kHybrid:
      // Refine after half the victory condition without improvement (or 1,000 without one).
      return std::make_unique<HybridSearch>(mapspace, seed, settings.max_permutations_per_visit,
                                            settings.victory_condition ? settings.victory_condition / 2 : 1000,
                                            std::move(worth_visiting));
  }
  return nullptr;
}

}  // namespace qloop
