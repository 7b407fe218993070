#include "analysis/visit_sequence.hpp"

#include <algorithm>
#include <array>

#include "analysis/fanout_reuse.hpp"
#include "analysis/nest_geometry.hpp"
#include "analysis/point_set.hpp"

namespace qloop {

namespace {

using namespace nest;  // the analyses' shared internal types

constexpr int kMaxOutcomes = 4;  // ways a fan-out serves a delta: without links, or one link case each
constexpr int kWholeTile = -1;   // the shape of a delta that is the whole tile
// Each digit is a loop of at least 2 iterations: more than this would overflow the counts.
constexpr std::size_t kMaxDigits = 62;

// A non-unit temporal loop above the level being folded: one digit of its visit counter.
struct Digit {
  std::uint64_t weight = 1;  // the iterations the walk's second visit stands for (end - 1)
  int dimension = 0;         // the loop's
  std::int64_t stride = 1;   // one iteration's step along it
};

// What the cost of the next visit depends on besides the move.
struct VisitState {
  int last_move = -1;           // the move the same-stride rule compares with; -1: none yet
  int last_shape = kWholeTile;  // the previous delta's shape (only fan-outs look at it)
};

// Operands of deltas, per way the consumer serves them (0: without neighbour links).
using Tally = std::array<std::uint64_t, kMaxOutcomes>;

class ClosedFormAnalysis {
 public:
  bool run(const Workload& workload, const LoopNest& nest, const Architecture& arch, NestAnalysisResult& out,
           const Mapping* keeps) {
    const auto& loops = nest.loops;
    nest_ = &nest;
    g_.bind(workload, nest, false);
    for (int ds = 0; ds < g_.num_spaces; ++ds) {
      if (g_.rank(ds) == 0) return false;
    }
    for (int b : nest.storage_boundaries) {
      if (loops[b].is_spatial()) return false;  // build_loop_nest closes every level with a temporal loop
    }
    int num_loops = g_.num_loops;
    accesses_.resize(num_loops);
    for (auto& per_tensor : accesses_) {
      for (int ds = 0; ds < g_.num_spaces; ++ds) per_tensor[ds].clear();
    }
    link_transfers_.assign(num_loops, {});

    std::uint64_t temporal_iterations = 1;  // what every compute unit in use performs
    for (const auto& loop : loops) {
      if (!loop.is_spatial()) temporal_iterations *= static_cast<std::uint64_t>(loop.end);
    }

    // The compute units read every operand of every operation from the innermost level;
    // behind a fan-out, each unit's operation is a point, shared as the points coincide.
    if (!loops[0].is_spatial()) {
      for (int ds = 0; ds < g_.num_spaces; ++ds) accesses_[0][ds].at(1, 1) += static_cast<double>(temporal_iterations);
    } else if (!fold_fanout(-1, top_of_spatial_run(loops, 0), nest, arch)) {
      return false;
    }
    // Every other level's deltas go to the loop above its boundary: the next level's
    // innermost temporal loop, or a fan-out.
    for (int b : nest.storage_boundaries) {
      if (b == num_loops - 1) continue;  // the outermost level has no parent
      int consumer = b + 1;
      if (loops[consumer].is_spatial()) {
        if (!fold_fanout(b, top_of_spatial_run(loops, consumer), nest, arch)) return false;
      } else {
        collect_digits(b);
        const auto* kept = keeps ? &keeps->levels[nest.storage_level_of_loop[b]].keep : nullptr;
        for (int ds = 0; ds < g_.num_spaces; ++ds) {
          if (kept && !(*kept)[ds]) {
            accesses_[consumer][ds].at(1, 1) += 1;  // the placeholder analyze_nest documents
            continue;
          }
          fanout_ = false;
          Tally total;
          if (!fold(b, ds, total)) return false;
          accesses_[consumer][ds].at(1, 1) += static_cast<double>(total[0]);
        }
      }
    }
    collect(nest, temporal_iterations, out);
    return true;
  }

 private:
  const LoopNest* nest_ = nullptr;
  NestGeometry g_;
  std::vector<std::array<AccessStats, kMaxDataSpaces>> accesses_;          // per loop, per tensor
  std::vector<std::array<std::uint64_t, kMaxDataSpaces>> link_transfers_;  // per loop, per tensor

  // The sequence being folded: one level's tile of one tensor, visited once per counter value.
  std::vector<Digit> digits_;  // innermost first
  int ds_ = 0;
  bool same_stride_rule_ = true;  // false for compute points, which are never subtracted
  Box tile_;
  std::uint64_t tile_size_ = 0;
  std::vector<Coordinates> move_;        // per digit: the tile's move in tensor coordinates
  std::vector<int> move_id_;             // per digit: 0 when its move is digit 0's, its own index otherwise
  std::vector<std::uint64_t> new_part_;  // per digit: operands not held from the previous visit
  // Those operands' shape, in the new visit's frame: nothing, one box (a slab, or the whole
  // tile when it moved past itself), or, after a move along two or more ranks that keeps an
  // overlap, the tile minus its previous position: a corner that is no box.
  struct DeltaShape {
    enum Kind : std::uint8_t { kEmpty, kBox, kCorner } kind = kEmpty;
    Box box;
  };
  std::vector<DeltaShape> new_shape_;  // per digit
  std::vector<char> shape_known_;
  bool failed_ = false;

  // The consumer, when it is a fan-out.
  bool fanout_ = false;
  FanoutKey fanout_key_;
  FanoutServingCache serving_cache_;
  FanoutServing* serving_ = nullptr;
  std::vector<ServingPlan> outcomes_;                    // [0]: without links
  std::vector<std::pair<Coordinates, int>> link_cases_;  // shift between deltas -> outcome
  std::vector<std::int8_t> outcome_of_;  // [((last shape + 1) * digits + digit) * 2 + subtracted], -1: unknown

  static int top_of_spatial_run(const std::vector<Loop>& loops, int bottom) {
    int top = bottom;
    while (top + 1 < static_cast<int>(loops.size()) && loops[top + 1].is_spatial()) ++top;
    return top;
  }

  // The non-unit temporal loops above `boundary`, innermost first.
  void collect_digits(int boundary) {
    digits_.clear();
    for (int l = boundary + 1; l < g_.num_loops; ++l) {
      const auto& loop = nest_->loops[l];
      if (loop.is_spatial() || loop.end < 2) continue;
      digits_.push_back({static_cast<std::uint64_t>(loop.end - 1), loop.dimension, g_.stride[l]});
    }
  }

  // A fan-out at `master` serving the deltas of `boundary` (-1: the compute units' points).
  bool fold_fanout(int boundary, int master, const LoopNest& nest, const Architecture& arch) {
    auto storage_level = nest.storage_level_of_loop[master];
    auto h_size = std::max<std::uint64_t>(arch.fanout_x(storage_level), g_.logical_fanout_x[master]);
    auto v_size = std::max<std::uint64_t>(arch.fanout_y(storage_level), g_.logical_fanout_y[master]);
    // The fan-out's key (fanout_reuse.hpp), built in place: this runs for every candidate.
    auto& key = fanout_key_;
    key.assign({g_.num_spaces, g_.max_rank, static_cast<std::int64_t>(h_size), static_cast<std::int64_t>(v_size)});
    for (int l = boundary + 1; l <= master; ++l) {
      key.push_back(nest.loops[l].end);
      for (int ds = 0; ds < g_.num_spaces; ++ds) {
        const auto& unit = g_.projected_unit(ds, nest.loops[l].dimension);
        for (int r = 0; r < g_.max_rank; ++r) key.push_back(unit[r] * g_.stride[l]);
      }
    }
    serving_ = &serving_cache_.at(key);
    collect_digits(boundary);
    for (int ds = 0; ds < g_.num_spaces; ++ds) {
      fanout_ = true;
      outcomes_.assign(1, serving_->without_links(ds));
      link_cases_.clear();
      Tally total;
      if (!fold(boundary, ds, total)) return false;
      for (std::size_t o = 0; o < outcomes_.size(); ++o) {
        if (total[o] == 0) continue;
        for (const auto& g : outcomes_[o].groups) {
          accesses_[master][ds].at(g.first, g.second) += static_cast<double>(total[o] * g.second);
        }
        link_transfers_[master][ds] += outcomes_[o].reused * total[o];
      }
    }
    return true;
  }

  // Total operands of the deltas of `boundary`'s tile of tensor `ds` over all its visits,
  // per outcome, with each visit weighted by the iterations it stands for.
  // (digits_ already holds the loops above `boundary`.)
  bool fold(int boundary, int ds, Tally& total) {
    ds_ = ds;
    if (digits_.size() > kMaxDigits) return false;
    same_stride_rule_ = boundary >= 0;
    if (boundary >= 0) {
      tile_ = g_.origin_tiles[boundary][ds];
      tile_size_ = g_.origin_sizes[boundary][ds];
    } else {
      DimensionVector zero{};
      tile_ = g_.project_boxes(zero, zero)[ds];  // one operation's operand
      tile_size_ = tile_.size();
    }
    describe_moves();
    auto k = digits_.size();
    bool temporal_consumer = !fanout_ && same_stride_rule_;
    if (!temporal_consumer) outcome_of_.assign((k + 1) * k * 2, -1);
    failed_ = false;

    total.fill(0);
    total[0] = tile_size_;  // the first visit needs the whole tile and has no previous delta
    if (temporal_consumer) {
      total[0] += fold_for_temporal_consumer();
      return true;
    }
    auto rest = fold_for_fanout_consumer();
    for (int o = 0; o < kMaxOutcomes; ++o) total[o] += rest[o];
    return !failed_;
  }

  // The same for a fan-out consumer, whose costs also depend on the previous delta's shape
  // (fold_for_temporal_consumer below explains the sequence C_j). Every C_j (j >= 1) starts
  // with a carry of digit 0, which leaves one of two states: subtracted (digit 0's move, its
  // new part's shape) or not (no move, the whole tile). So C_j is its first visit plus a rest
  // R_j that starts from one of those two, and R_j = R_{j-1}, the carry of digit j-1, the
  // first visit of C_{j-1}, R_{j-1}.
  // Each R_j is worked out only for the states that occur: every visit may need a new
  // outcome (point sets, link cases), the expensive part.
  enum StartState { kSubtracted = 0, kWhole = 1 };
  struct Rest {
    bool known = false;
    int out = kWhole;
    Tally tally{};
  };
  std::vector<std::array<Rest, 2>> rests_;  // [j][start state]

  VisitState start_state(int c) const { return c == kSubtracted ? VisitState{move_id_[0], 0} : VisitState{}; }
  static int start_of(const VisitState& s) { return s.last_move < 0 ? kWhole : kSubtracted; }

  // The first visit of a C_j (a carry of digit 0) from `from`; returns the state it leaves.
  int first_visit(const VisitState& from, Tally& into) {
    std::uint64_t size = 0;
    int outcome = 0;
    auto after = visit(0, from, size, outcome);
    into[outcome] += digits_[0].weight * size;
    return start_of(after);
  }

  const Rest& rest(std::size_t j, int c) {
    auto& r = rests_[j][c];
    if (r.known) return r;
    if (j == 1) {  // C_1 is its first visit alone
      r = Rest{true, c, {}};
      return r;
    }
    const Rest& before = rest(j - 1, c);  // rests_ does not grow while folding: references hold
    Tally added{};
    std::uint64_t size = 0;
    int outcome = 0;
    auto carried = visit(j - 1, start_state(before.out), size, outcome);
    added[outcome] += size;
    int start = first_visit(carried, added);
    const Rest& again = rest(j - 1, start);
    auto weight = digits_[j - 1].weight;
    Rest out;
    out.known = true;
    out.out = again.out;
    for (std::size_t o = 0; o < outcomes_.size(); ++o)
      out.tally[o] = before.tally[o] + weight * (added[o] + again.tally[o]);
    r = out;
    return r;
  }

  Tally fold_for_fanout_consumer() {
    Tally tally{};
    auto k = digits_.size();
    if (k == 0) return tally;
    rests_.assign(k + 1, {});
    int start = first_visit(VisitState{}, tally);  // from the state the very first visit left
    const auto& r = rest(k, start);
    for (std::size_t o = 0; o < outcomes_.size(); ++o) tally[o] += r.tally[o];
    return tally;
  }

  // The visits after the first, for a temporal consumer (only sizes count), bottom-up: the
  // sequence C_j over the innermost j digits is C_{j-1}, a carry of digit j-1, and C_{j-1}
  // again (standing for that digit's remaining iterations). Every C_j (j >= 1) starts and ends
  // with a carry of digit 0, so all it sees of the state it starts from is whether the last
  // move was none, digit 0's, or another one; and it ends with none or digit 0's. Three
  // entries per digit.
  std::uint64_t fold_for_temporal_consumer() const {
    auto k = digits_.size();
    if (k == 0) return 0;
    enum { kNone = 0, kFirstMove = 1, kOtherMove = 2 };
    struct Entry {
      int out;              // kNone or kFirstMove
      std::uint64_t total;  // operands over the sequence
    };
    auto w0 = digits_[0].weight;
    // C_1: one carry of digit 0.
    std::array<Entry, 3> level{Entry{kFirstMove, w0 * new_part_[0]}, Entry{kFirstMove, w0 * new_part_[0]},
                               Entry{kNone, w0 * tile_size_}};
    for (std::size_t j = 1; j < k; ++j) {
      std::array<Entry, 3> next;
      for (int c = 0; c < 3; ++c) {
        const auto& before = level[c];  // C_j from class c
        // The carry of digit j, from the state C_j left.
        bool subtract;
        int after;
        if (before.out == kNone) {
          subtract = true;
          after = move_id_[j] == move_id_[0] ? kFirstMove : kOtherMove;
        } else if (move_id_[j] == move_id_[0]) {
          subtract = true;
          after = kFirstMove;
        } else {
          subtract = false;
          after = kNone;
        }
        auto size = subtract ? new_part_[j] : tile_size_;
        const auto& rest = level[after];  // C_j again
        next[c] = Entry{rest.out, before.total + digits_[j].weight * (size + rest.total)};
      }
      level = next;
    }
    return level[kNone].total;
  }

  // How the tile moves when digit q carries: one step of q, and back to the start of every
  // inner digit (the walk's last visit before a carry had each at its iteration 1).
  // Projections are linear, so that is a sum of the dimensions' projected steps.
  void describe_moves() {
    auto k = digits_.size();
    move_.resize(k);
    move_id_.resize(k);
    new_part_.resize(k);
    if (fanout_) new_shape_.resize(k);
    // This runs for every digit of every tensor of every candidate: one pass per digit over
    // the tensor's ranks (coordinates past them stay zero).
    int rank = tile_.rank;
    std::array<std::int32_t, kMaxRank> extent{}, reset{};
    for (int r = 0; r < rank; ++r) extent[r] = tile_.hi[r] - tile_.lo[r];
    for (std::size_t q = 0; q < k; ++q) {
      const auto& column = g_.projected_unit(ds_, digits_[q].dimension);
      auto stride = static_cast<std::int32_t>(digits_[q].stride);  // within a tensor extent
      auto& move = move_[q];
      move.fill(0);
      // The same-stride rule compares centroid moves (a tile's is its move), and only ever a
      // move with digit 0's: a carry of digit j >= 1 follows, and is followed by, a carry of
      // digit 0. So a move's id is 0 when it equals digit 0's, its own digit otherwise.
      bool as_first = q > 0;
      std::uint64_t overlap = 1;
      for (int r = 0; r < rank; ++r) {
        std::int32_t step = column[r] * stride;
        std::int32_t m = step - reset[r];
        reset[r] += step;
        move[r] = m;
        as_first = as_first && m == move_[0][r];
        std::int32_t shared = extent[r] - (m < 0 ? -m : m);
        overlap *= shared > 0 ? static_cast<std::uint64_t>(shared) : 0;
      }
      move_id_[q] = as_first ? 0 : static_cast<int>(q);
      new_part_[q] = tile_size_ - overlap;
    }
    if (fanout_) shape_known_.assign(k, 0);
  }

  // The operands a visit after digit q's carry gets (when it subtracts), in its own frame.
  const DeltaShape& new_shape(std::size_t q) {
    auto& shape = new_shape_[q];
    if (shape_known_[q]) return shape;
    shape_known_[q] = 1;
    const auto& move = move_[q];
    int moved_ranks = 0, rank = 0;
    bool overlaps = true;
    for (int r = 0; r < tile_.rank; ++r) {
      if (move[r] == 0) continue;
      ++moved_ranks;
      rank = r;
      overlaps = overlaps && std::abs(move[r]) < tile_.hi[r] - tile_.lo[r];
    }
    shape.box = tile_;
    if (moved_ranks == 0) {
      shape.kind = DeltaShape::kEmpty;
    } else if (!overlaps) {
      shape.kind = DeltaShape::kBox;  // all of it is new
    } else if (moved_ranks == 1) {
      // A slab at the leading edge.
      shape.kind = DeltaShape::kBox;
      if (move[rank] > 0)
        shape.box.lo[rank] = tile_.hi[rank] - move[rank];
      else
        shape.box.hi[rank] = tile_.lo[rank] - move[rank];
    } else {
      shape.kind = DeltaShape::kCorner;
    }
    return shape;
  }

  // A corner's points: the tile minus its position before digit q's move.
  PointSet corner_points(std::size_t q) const {
    Box before = tile_;
    Coordinates back{};
    for (int r = 0; r < kMaxRank; ++r) back[r] = -move_[q][r];
    translate_box(before, back);
    PointSet points(tile_);
    points.subtract(PointSet(before));
    return points;
  }

  // One visit after digit q carried. Timeloop's same-stride rule: the new tile is subtracted
  // from the previous one only while it keeps moving the same way (or right after a reset).
  VisitState visit(std::size_t q, const VisitState& state, std::uint64_t& size, int& outcome) {
    bool subtract = false;
    int last = state.last_move;
    if (same_stride_rule_) {
      int id = move_id_[q];
      if (last < 0) {
        subtract = true;
        last = id;
      } else if (last == id) {
        subtract = true;
      } else {
        last = -1;
      }
    }
    size = subtract ? new_part_[q] : tile_size_;
    outcome = fanout_ ? outcome_for(state.last_shape, q, subtract) : 0;
    int shape = subtract ? static_cast<int>(q) : kWholeTile;
    return VisitState{last, fanout_ ? shape : kWholeTile};
  }

  // Whether the new delta is the previous one shifted (only then can a child find it at a
  // neighbour), and if so how the fan-out serves it. The walk compares point sets; their
  // shapes here tell the same without building any.
  int outcome_for(int last_shape, std::size_t q, bool subtract) {
    auto& slot = outcome_of_[((static_cast<std::size_t>(last_shape + 1)) * digits_.size() + q) * 2 + subtract];
    if (slot >= 0) return slot;
    int outcome = 0;
    const DeltaShape* prev = last_shape == kWholeTile ? nullptr : &new_shape(static_cast<std::size_t>(last_shape));
    const DeltaShape* cur = subtract ? &new_shape(q) : nullptr;
    auto kind = [](const DeltaShape* shape) { return shape ? shape->kind : DeltaShape::kBox; };
    if (kind(prev) == DeltaShape::kBox && kind(cur) == DeltaShape::kBox) {
      // Two non-empty boxes are shifts of each other exactly when their extents agree, and
      // then the centroid move (what the walk computes) is the move of their corners.
      const Box& before = prev ? prev->box : tile_;
      const Box& now = cur ? cur->box : tile_;
      // (A delta box's size is its digit's new part: no need to multiply the extents out.)
      auto before_size = prev ? new_part_[static_cast<std::size_t>(last_shape)] : tile_size_;
      auto now_size = cur ? new_part_[q] : tile_size_;
      if (before_size > 0 && now_size > 0) {
        bool same_extents = true;
        for (int r = 0; r < now.rank && same_extents; ++r)
          same_extents = now.hi[r] - now.lo[r] == before.hi[r] - before.lo[r];
        if (same_extents) {
          Coordinates shift{};
          for (int r = 0; r < now.rank; ++r) shift[r] = before.lo[r] - (now.lo[r] + move_[q][r]);
          outcome = link_outcome(shift);
        }
      }
    } else if (kind(prev) == DeltaShape::kCorner && kind(cur) == DeltaShape::kCorner) {
      // Rare (both moves along several ranks): compare the point sets, as the walk does.
      PointSet before = corner_points(static_cast<std::size_t>(last_shape));
      PointSet now = corner_points(q);
      now.translate(move_[q]);
      auto shift = now.translation_to(before, kMaxRank);
      now.translate(shift);
      if (now == before) outcome = link_outcome(shift);
    }
    // Otherwise one is empty, or a box against a corner (which is no box): never shifts of
    // each other.
    slot = static_cast<std::int8_t>(outcome);
    return outcome;
  }

  // Neighbour links are used only when they save parent accesses.
  int link_outcome(const Coordinates& shift) {
    if (!serving_->is_neighbour_gap(ds_, shift)) return 0;  // the common case, decided at once
    for (const auto& [known, outcome] : link_cases_) {
      if (known == shift) return outcome;
    }
    int outcome = 0;
    if (const auto* plan = serving_->with_links(ds_, shift)) {
      if (outcomes_.size() == kMaxOutcomes) {
        failed_ = true;
      } else {
        outcome = static_cast<int>(outcomes_.size());
        outcomes_.push_back(*plan);
      }
    }
    link_cases_.push_back({shift, outcome});
    return outcome;
  }

  // Into `out`, reusing its buffers.
  void collect(const LoopNest& nest, std::uint64_t temporal_iterations, NestAnalysisResult& out) const {
    out.tiles.resize(g_.num_spaces);
    std::size_t kept_loops = 0;
    for (int level = 0; level < g_.num_loops; ++level)
      kept_loops += !nest.loops[level].is_spatial() || g_.master_spatial[level];
    for (auto& tiles : out.tiles) tiles.resize(kept_loops);
    bool compute_collected = false;
    std::size_t i = 0;
    for (int level = 0; level < g_.num_loops; ++level) {
      if (nest.loops[level].is_spatial() && !g_.master_spatial[level]) continue;
      bool holds_tile = g_.storage_boundary[level] || g_.master_spatial[level];
      for (int ds = 0; ds < g_.num_spaces; ++ds) {
        LoopTile& tile = out.tiles[ds][i];
        tile.accesses = accesses_[level][ds];
        tile.size = holds_tile ? g_.origin_sizes[level][ds] : 0;
        tile.link_transfers = link_transfers_[level][ds];
        tile.replication = g_.num_spatial_elems[level];
        tile.fanout = g_.logical_fanout[level];
        tile.on_storage_boundary = g_.storage_boundary[level];
        tile.master_spatial = g_.master_spatial[level];
      }
      ++i;
      if (!compute_collected) {
        out.compute_instances = g_.num_spatial_elems[level] * g_.logical_fanout[level];
        out.compute_cycles = static_cast<double>(temporal_iterations);
        compute_collected = true;
      }
    }
  }
};

}  // namespace

struct ClosedFormScratch::State {
  ClosedFormAnalysis analysis;
};

ClosedFormScratch::ClosedFormScratch() : state_(std::make_unique<State>()) {}
ClosedFormScratch::~ClosedFormScratch() = default;
ClosedFormScratch::ClosedFormScratch(ClosedFormScratch&&) noexcept = default;
ClosedFormScratch& ClosedFormScratch::operator=(ClosedFormScratch&&) noexcept = default;

bool analyze_nest_in_closed_form(const Workload& workload, const LoopNest& nest, const Architecture& arch,
                                 NestAnalysisResult& out, ClosedFormScratch& scratch, const Mapping* keeps) {
  return scratch.state().analysis.run(workload, nest, arch, out, keeps);
}

bool analyze_nest_in_closed_form(const Workload& workload, const LoopNest& nest, const Architecture& arch,
                                 NestAnalysisResult& out, const Mapping* keeps) {
  ClosedFormScratch scratch;
  return analyze_nest_in_closed_form(workload, nest, arch, out, scratch, keeps);
}

}  // namespace qloop
