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
                                              TilingFilter worth_visiting) {
  auto seed = settings.seed * 1000003ull + static_cast<std::uint64_t>(thread);
  switch (algorithm) {
    case SearchAlgorithm::kExhaustive:
    case SearchAlgorithm::kLinearPruned:
      return std::make_unique<ExhaustiveSearch>(mapspace, thread, threads, std::move(worth_visiting));
    case SearchAlgorithm::kRandom:
    case SearchAlgorithm::kRandomPruned:
      return std::make_unique<RandomSearch>(mapspace, seed);
    case SearchAlgorithm::kHybrid:
      // Refine after half the victory condition without improvement (or 1,000 without one).
      return std::make_unique<HybridSearch>(mapspace, seed, settings.max_permutations_per_visit,
                                            settings.victory_condition ? settings.victory_condition / 2 : 1000,
                                            std::move(worth_visiting));
  }
  return nullptr;
}

}  // namespace qloop
