#pragma once
// The nest analysis in closed form: the same results as walking the nest (nest_analysis.cpp),
// in time linear in the number of loops instead of exponential.
//
// Why it can be done: the walk visits each storage level's tile once for iteration 0 and once
// for iteration 1 of every loop above it (the latter standing for the rest), and only the first
// child of a fan-out for real. So the visits of one level form a binary counter over the
// non-unit temporal loops above it; between two visits the tile moves by a vector that depends
// only on which loop carried. What a visit costs depends on that move and on a small state
// (the last move, for Timeloop's same-stride rule; the last delta's shape, for neighbour
// links). The counter's sequence is self-similar -- the sequence over k loops is the one over
// k - 1 loops, one carry, and the one over k - 1 loops again -- so its total folds over the
// loops, keyed by state, without visiting anything.

#include <memory>

#include "analysis/nest_analysis.hpp"

namespace qloop {

// What the closed form reuses from one call to the next: its buffers, and its cache of how
// each fan-out serves deltas (which depends only on the spatial loops). Results never depend
// on what an earlier call left in it. One per thread.
class ClosedFormScratch {
 public:
  ClosedFormScratch();
  ~ClosedFormScratch();
  ClosedFormScratch(ClosedFormScratch&&) noexcept;
  ClosedFormScratch& operator=(ClosedFormScratch&&) noexcept;
  struct State;  // visit_sequence.cpp
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

// False when the nest has a shape the closed form does not cover (then walk it). `keeps`: as
// for analyze_nest.
bool analyze_nest_in_closed_form(const Workload& workload, const LoopNest& nest, const Architecture& arch,
                                 NestAnalysisResult& out, ClosedFormScratch& scratch, const Mapping* keeps = nullptr);
// The same with scratch of its own (tests).
bool analyze_nest_in_closed_form(const Workload& workload, const LoopNest& nest, const Architecture& arch,
                                 NestAnalysisResult& out, const Mapping* keeps = nullptr);

}  // namespace qloop
