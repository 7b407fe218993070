#pragma once
// Evaluates one mapping of one workload on one architecture: the nest analysis, the
// per-level counts, bit-packing, capacity and fanout checks, energy, cycles and area.

#include <optional>
#include <vector>

#include "analysis/nest_analysis.hpp"
#include "analysis/tile_collapse.hpp"
#include "analysis/visit_sequence.hpp"
#include "arch/architecture.hpp"
#include "mapping/loop_nest.hpp"
#include "mapping/mapping.hpp"
#include "model/stats.hpp"
#include "sparse/sparse_analysis.hpp"
#include "workload/workload.hpp"

namespace qloop {

// Scratch memory an evaluation reuses from one call to the next (a search evaluates millions
// of mappings per thread): the loop nest, the analysis and its scratch, the per-level counts.
// One per thread; results never depend on what an earlier evaluation left in it.
struct EvaluationWorkspace {
  LoopNest nest;
  NestAnalysisResult analysis;
  ClosedFormScratch closed_form;
  WalkScratch walk;
  CollapsedTiles tiles;
  CollapseScratch collapse;
  std::vector<std::vector<std::optional<int>>> widths;  // [level][tensor]: stored bitwidth
  std::vector<MeshExpansion> expansions;
  bool sparse_active = false;  // the architecture asks for Sparseloop's analysis
  sparse::SparseAnalysis sparse;
};

// An invalid mapping is a result with valid = false and a rejection, never an exception.
EvaluationResult evaluate(const Architecture& arch, const Workload& workload, const Mapping& mapping);
// The same with the caller's workspace (many evaluations in a row).
EvaluationResult evaluate(const Architecture& arch, const Workload& workload, const Mapping& mapping,
                          EvaluationWorkspace& workspace);

// What a search needs of a candidate, into a result it reuses: validity (with the rejection),
// the summary, and per storage level its energy, cycles and kept tensors' counts. Names,
// energy sources, network stats and the rejection message are left out. Every number it
// does fill is the one evaluate() gives.
void evaluate_cost(const Architecture& arch, const Workload& workload, const Mapping& mapping, EvaluationResult& out,
                   EvaluationWorkspace& workspace);

}  // namespace qloop
