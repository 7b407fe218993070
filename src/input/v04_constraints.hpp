#pragma once
// Inline `constraints` of Timeloop v0.4 nodes, written as the v0.3 constraint targets the
// mapper reads (parse_constraints.hpp), as Timeloop's front end flattens them:
// - `dataspace: {keep, bypass}` -> a bypass constraint;
// - `temporal` / `spatial`: `factors` and `permutation` (lists or strings; a list is read in
//   order, innermost first, as the front end writes it), `split` (an expression),
//   `factors_only: [...]` (every other dimension's factor is 1); `maximize_dims` only steers
//   the v4 front end's search, so the mapspace here stays the larger one (noted);
// - a container's mesh level (inter_<name>_spatial) keeps nothing and runs no temporal loop.

#include <string>
#include <vector>

#include "input/node_reader.hpp"
#include "input/v04_expressions.hpp"

namespace qloop::input {

struct V04Problem {
  std::vector<std::string> dimensions, data_spaces;
};

// Appends the targets for `constraints` of the level named `target` to `targets`.
void add_v04_constraints(const NodeReader& constraints, const std::string& target, const V04Problem& problem,
                         const V04Scope& scope, YAML::Node& targets, std::vector<std::string>& notes);

// The mesh level of a container: its own spatial constraints (when given), no temporal loops,
// nothing kept.
void add_v04_mesh_level_constraints(const NodeReader* constraints, const std::string& target, const V04Problem& problem,
                                    const V04Scope& scope, YAML::Node& targets, std::vector<std::string>& notes);

// The directives of a level that keeps nothing and loops nothing in time (a mesh level): a
// temporal one with every dimension's factor 1 and one of `keep_type` ("bypass" for
// constraints, "datatype" for a mapping) that bypasses every tensor.
void add_mesh_level_directives(YAML::Node& list, const std::string& level, const V04Problem& problem,
                               const char* keep_type);

}  // namespace qloop::input
